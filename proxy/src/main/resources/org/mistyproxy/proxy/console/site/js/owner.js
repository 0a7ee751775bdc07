// The owner's view: every deployment (online, battery, lock, queue, the live loan), lock/unlock,
// halt, terminate, access rules, reservations, a live audit stream with filters, and charts.
import { api } from './api.js';
import { $, el, fill, every, say, update, when } from './dom.js';
import { auditRow, LogCursor } from './log.js';
import { battery } from './badges.js';
import { MetricsHistory, STEP_MS, drawDecisions, drawLatency } from './metrics.js';

const LIVE = new Set(['INIT', 'READY', 'TERMINATING']);
const AUDIT_KEEP = 500;

/** One entry of GET /reservations in the owner's list; every value is text. */
export function reservationRow(x, onCancel) {
  return el('li', {},
    el('span', { class: 'badge' }, `position ${x.position}`), ' ',
    el('span', { class: 'mono' }, x.id), ' ', x.desc, ' by ', el('strong', {}, x.user), ' ', el('span', { class: 'muted' }, x.created), ' ',
    el('button', { type: 'button', dataset: { key: 'res-' + x.id }, 'aria-label': `Cancel reservation ${x.id}`,
      onclick: () => onCancel(x.id) }, 'Cancel'));
}

export class Owner {
  constructor(onError) {
    this.onError = onError;
    this.polls = [];
    this.cursors = new Map(); // iid -> LogCursor, for live loans
    this.audit = [];
    this.deployments = [];
    this.metrics = new MetricsHistory();
    $('#rules-dep').addEventListener('change', () => this.loadRules());
    $('#rule-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.addRule(); });
    for (const id of ['#f-decision', '#f-channel', '#f-text', '#f-pause']) $(id).addEventListener('input', () => this.renderAudit());
    $('#audit-filters').addEventListener('submit', (ev) => ev.preventDefault());
  }

  start() {
    const status = (sel) => (e) => say($(sel), 'error', e.message);
    this.polls.push(every(2000, () => this.refresh(), status('#odeps-status')));
    this.polls.push(every(1000, () => this.pollAudit(), status('#audit-status')));
    this.polls.push(every(3000, () => this.loadReservations(), status('#ores-status')));
    this.polls.push(every(5000, () => this.loadRules(), status('#rules-status')));
    this.polls.push(every(STEP_MS, async () => {
      await this.metrics.scrape();
      const pts = this.metrics.points();
      drawDecisions($('#chart-decisions'), pts);
      drawLatency($('#chart-latency'), pts);
      say($('#charts-status'), 'info', pts.length ? '' : 'Collecting: the first points appear after 5 s.');
    }, status('#charts-status')));
  }

  stop() {
    for (const p of this.polls) p.stop();
    this.polls = [];
  }

  // ---- deployments and loans

  async refresh() {
    const list = await api('GET', '/deployments?info=t');
    const ids = list.workspace_deployments || [];
    const deps = await Promise.all(ids.map((id) => api('GET', '/deployment/' + encodeURIComponent(id)).catch((e) => ({ id, error: e.message }))));
    const inst = await api('GET', '/instances');
    const loans = (await Promise.all((inst.workspace_instances || []).map((iid) =>
      api('GET', '/instance/' + encodeURIComponent(iid)).catch(() => null)))).filter((r) => r && LIVE.has(r.status));
    for (const r of loans) if (!this.cursors.has(r.id)) this.cursors.set(r.id, new LogCursor(r.id));
    for (const iid of [...this.cursors.keys()]) if (!loans.some((r) => r.id === iid)) this.cursors.delete(iid);
    this.deployments = deps;
    const totals = loans.map((r) => this.cursors.get(r.id).totals);
    update($('#odeps'), [deps, loans, totals], () => deps.map((d) => this.row(d, loans.find((r) => r.deployment === d.id))));
    this.fillRuleChoice(ids);
  }

  row(d, loan) {
    if (d.error) return el('tr', {}, el('td', { class: 'mono' }, d.id), el('td', { colspan: 6, class: 'error' }, d.error));
    const key = (k) => ({ key: k + '-' + d.id });
    const cursor = loan && this.cursors.get(loan.id);
    return el('tr', { dataset: { deployment: d.id } },
      el('td', {}, el('strong', {}, d.desc || d.type || ''), el('br'), el('span', { class: 'mono muted' }, d.id)),
      el('td', {}, d.online ? el('span', { class: 'badge good' }, 'online') : el('span', { class: 'badge bad' }, 'offline')),
      el('td', { class: 'battery' }, battery(d) || el('span', { class: 'muted' }, 'no reading yet')),
      el('td', { class: 'lock' }, d.lockout ? el('span', { class: 'badge bad' }, 'locked') : el('span', { class: 'badge' }, 'open'),
        d.lockout_reason ? ' ' + d.lockout_reason : ''),
      el('td', { class: 'queue' }, String(d.queuelen)),
      el('td', { class: 'loan' }, loan
        ? [el('span', { class: 'mono', title: loan.id }, loan.id.slice(0, 8)), ' ', el('span', { class: 'badge' }, loan.status),
          el('br'), 'holder ', el('strong', {}, loan.user), ' since ', when(loan.starttime), el('br'),
          cursor ? `${cursor.totals.requests} requests, ${cursor.totals.blocked} refused` : '']
        : el('span', { class: 'muted' }, 'free')),
      el('td', { class: 'actions' },
        d.lockout
          ? el('button', { type: 'button', dataset: key('unlock'), onclick: () => this.act('DELETE', `/deployment/${d.id}/lockout`, 'Unlocked.') }, 'Unlock')
          : el('button', { type: 'button', dataset: key('lock'), onclick: () => this.lock(d.id) }, 'Lock'),
        el('button', { type: 'button', class: 'danger', dataset: key('halt'), 'aria-label': 'Halt ' + (d.desc || d.id),
          onclick: () => this.act('POST', `/deployment/${d.id}/halt`, 'Halted: robot stopped, loan ended.') }, 'Halt'),
        loan ? el('button', { type: 'button', dataset: key('end'), 'aria-label': 'End loan ' + loan.id,
          onclick: () => this.act('POST', `/terminate/${loan.id}`, 'Loan ended.') }, 'End loan') : null));
  }

  lock(id) {
    const reason = $('#lock-reason').value.trim();
    return this.act('POST', `/deployment/${id}/lockout`, 'Locked: no new loans.', reason ? { reason } : undefined);
  }

  async act(method, path, done, body) {
    const status = $('#odeps-status');
    try {
      await api(method, path, body);
      say(status, 'ok', done);
      await this.refresh();
    } catch (e) {
      say(status, 'error', e.message);
    }
  }

  // ---- access rules

  fillRuleChoice(ids) {
    const pick = $('#rules-dep');
    const have = [...pick.options].map((o) => o.value).join(',');
    if (have === ids.join(',')) return;
    const chosen = pick.value;
    fill(pick, ...ids.map((id) => el('option', { value: id }, id)));
    if (ids.includes(chosen)) pick.value = chosen;
    this.loadRules();
  }

  async loadRules() {
    const dep = $('#rules-dep').value;
    if (!dep) return;
    const status = $('#rules-status');
    try {
      const r = await api('GET', `/deployment/${encodeURIComponent(dep)}/rules`);
      update($('#rules'), [dep, r.rules], () => (r.rules || []).map((rule) => el('li', {},
        el('span', { class: 'badge ' + (rule.capability === 'CAP_NO_INSTANTIATE' ? 'bad' : 'good') },
          rule.capability === 'CAP_NO_INSTANTIATE' ? 'may not borrow' : 'may borrow'), ' ',
        el('strong', {}, String(rule.user)), ' ', el('span', { class: 'muted' }, `#${rule.id} ${rule.date_created || ''}`), ' ',
        el('button', { type: 'button', dataset: { key: 'rule-' + rule.id }, 'aria-label': `Delete rule ${rule.id}`,
          onclick: () => this.deleteRule(dep, rule.id) }, 'Delete'))));
      if (!(r.rules || []).length) say(status, 'info', 'No rules: every configured user may borrow.');
      else if (status.dataset.kind === 'error') say(status, 'info', '');
    } catch (e) {
      update($('#rules'), null, () => []);
      say(status, 'error', e.message);
    }
  }

  async addRule() {
    const dep = $('#rules-dep').value;
    const status = $('#rules-status');
    try {
      const r = await api('POST', `/deployment/${encodeURIComponent(dep)}/rule`, { cap: $('#rule-cap').value, user: $('#rule-user').value.trim() });
      say(status, 'ok', `Rule ${r.rule_id} added.`);
      await this.loadRules();
    } catch (e) {
      say(status, 'error', e.message);
    }
  }

  async deleteRule(dep, id) {
    const status = $('#rules-status');
    try {
      await api('DELETE', `/deployment/${encodeURIComponent(dep)}/rule/${encodeURIComponent(id)}`);
      say(status, 'ok', `Rule ${id} deleted.`);
      await this.loadRules();
    } catch (e) {
      say(status, 'error', e.message);
    }
  }

  // ---- reservations

  async loadReservations() {
    const status = $('#ores-status');
    try {
      const r = await api('GET', '/reservations');
      const list = r.reservations || [];
      update($('#ores'), list, () => list.map((x) => reservationRow(x, (id) => this.cancel(id))));
      say(status, 'info', list.length ? '' : 'Nobody is waiting.');
    } catch (e) {
      update($('#ores'), null, () => []);
      say(status, 'error', e.message);
    }
  }

  async cancel(id) {
    try {
      await api('DELETE', '/reservation/' + encodeURIComponent(id));
      await this.loadReservations();
    } catch (e) {
      say($('#ores-status'), 'error', e.message);
    }
  }

  // ---- audit stream

  async pollAudit() {
    let added = 0;
    for (const cursor of [...this.cursors.values()]) {
      const r = await cursor.next();
      this.audit.push(...r.entries);
      added += r.entries.length;
    }
    if (this.audit.length > AUDIT_KEEP) this.audit.splice(0, this.audit.length - AUDIT_KEEP);
    if (added) this.renderAudit();
    if (!this.cursors.size && !this.audit.length) say($('#audit-status'), 'info', 'No live loan: nothing to show yet.');
  }

  renderAudit() {
    if ($('#f-pause').checked) {
      say($('#audit-status'), 'info', 'Paused.');
      return;
    }
    const decision = $('#f-decision').value;
    const channel = $('#f-channel').value;
    const text = $('#f-text').value.trim().toLowerCase();
    const shown = this.audit.filter((e) => (!decision || e.decision === decision) && (!channel || e.channel === channel)
      && (!text || [e.path, e.reason, e.rule, e.instance, e.method, e.client].some((v) => String(v ?? '').toLowerCase().includes(text))));
    fill($('#audit-rows'), ...shown.slice(-200).reverse().map((e) => auditRow(e, true)));
    say($('#audit-status'), 'info', `${shown.length} of the last ${this.audit.length} decisions`);
  }
}
