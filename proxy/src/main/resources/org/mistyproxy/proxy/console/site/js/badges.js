// How a deployment's state reads, the same in both views. The fields are those GET /deployment/{id}
// answers a signed-in caller: "online", "busy", "queuelen" and "lockout" for everyone; for owners
// also "lockout_reason" (while locked) and "health" (with "battery", a percent, null before a probe
// read it). A borrower is never told the lock's reason.
import { el } from './dom.js';

export function deploymentBadges(d) {
  const out = [];
  out.push(d.online ? el('span', { class: 'badge good' }, 'online') : el('span', { class: 'badge bad' }, 'robot offline'));
  if (d.lockout) out.push(el('span', { class: 'badge bad' }, 'locked' + (d.lockout_reason ? ': ' + d.lockout_reason : '')));
  out.push(el('span', { class: 'badge' + (d.busy ? ' warn' : '') }, d.busy ? 'busy' : 'free'));
  out.push(el('span', { class: 'badge' }, `queue ${d.queuelen}`));
  return out;
}

/**
 * The battery as the server reports it ("87 %", "0.4 %"), or '' before its first reading (and for
 * a caller who is not an owner, who gets no "health"). Whole percents unless below one, the way the
 * server words it in its own messages ("battery 12% is below ...").
 */
export function battery(d) {
  const b = d.health ? d.health.battery : null;
  if (typeof b !== 'number') return '';
  return (b >= 1 || b === 0 ? String(Math.floor(b)) : b.toFixed(1)) + ' %';
}
