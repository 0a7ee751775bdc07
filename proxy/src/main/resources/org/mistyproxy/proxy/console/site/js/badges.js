// How a deployment's state reads, the same in both views. Fields the API adds later (battery,
// lock reason) are shown when present and named plainly when absent.
import { el } from './dom.js';

export function deploymentBadges(d) {
  const out = [];
  if (d.online === false) out.push(el('span', { class: 'badge bad' }, 'robot offline'));
  else if (d.online === true) out.push(el('span', { class: 'badge good' }, 'online'));
  if (d.lockout) out.push(el('span', { class: 'badge bad' }, 'locked' + (lockReason(d) ? ': ' + lockReason(d) : '')));
  out.push(el('span', { class: 'badge' + (d.busy ? ' warn' : '') }, d.busy ? 'busy' : 'free'));
  if (typeof d.queuelen === 'number') out.push(el('span', { class: 'badge' }, `queue ${d.queuelen}`));
  return out;
}

/** The lock's reason in whichever field the server gives it. */
export function lockReason(d) {
  for (const k of ['lockout_reason', 'lock_reason']) if (typeof d[k] === 'string' && d[k]) return d[k];
  if (d.lockout && typeof d.lockout === 'object' && typeof d.lockout.reason === 'string') return d.lockout.reason;
  if (d.health && typeof d.health === 'object' && typeof d.health.lock_reason === 'string') return d.health.lock_reason;
  return '';
}

/** Battery as text ("87 %", "87 % charging"), or '' when the server does not report it. */
export function battery(d) {
  let b = d.battery ?? (d.health && typeof d.health === 'object' ? d.health.battery : undefined);
  if (b && typeof b === 'object') b = b.percent ?? b.chargePercent ?? b.level;
  if (typeof b !== 'number') return '';
  const pct = b <= 1 ? Math.round(b * 100) : Math.round(b);
  return pct + ' %';
}
