// The instance's decision log (GET /addon/mistyproxy/{iid}/log?after=SEQ), polled for what is new.
import { api } from './api.js';
import { el, fill, every, when, say } from './dom.js';

const KEEP = 200;

/** One table row for an audit entry; every value is text. */
export function auditRow(e, withInstance) {
  const decision = e.decision === 'blocked' ? 'blocked' : 'allowed';
  const why = [e.reason, e.error].filter(Boolean).join(' — ');
  return el('tr', { class: decision },
    el('td', { class: 'mono' }, when(e.time)),
    withInstance ? el('td', { class: 'mono', title: e.instance }, String(e.instance || '').slice(0, 8)) : null,
    el('td', { class: 'mono' }, `${e.method || ''} ${e.path || ''}`),
    el('td', {}, el('span', { class: 'badge ' + decision }, decision)),
    el('td', { class: 'why' }, why || e.rule || ''),
    el('td', { class: 'mono' }, e.status == null ? '' : String(e.status)));
}

/** Reads new entries of one instance's log; the cursor resets if the server's numbering restarted. */
export class LogCursor {
  constructor(iid) {
    this.iid = iid;
    this.after = 0;
    this.totals = { requests: 0, blocked: 0 };
  }

  async next() {
    const data = await api('GET', `/addon/mistyproxy/${encodeURIComponent(this.iid)}/log?limit=${KEEP}&after=${this.after}`);
    let entries = Array.isArray(data.entries) ? data.entries : [];
    let missed = 0;
    if (typeof data.next === 'number') {
      if (data.next < this.after) this.after = 0; // the server restarted: its numbering did too
      const first = entries.length ? entries[0].seq : data.next + 1;
      missed = Math.max(0, first - this.after - 1);
      this.after = data.next;
      this.totals = { requests: data.requests ?? 0, blocked: data.blocked ?? 0 };
    }
    return { entries, missed };
  }
}

export class DecisionLog {
  constructor(tbody, totals) {
    this.tbody = tbody;
    this.totals = totals;
    this.poll = null;
  }

  start(iid) {
    this.stop();
    fill(this.tbody);
    const cursor = new LogCursor(iid);
    let missed = 0;
    this.poll = every(1000, async () => {
      const r = await cursor.next();
      missed += r.missed;
      for (const e of r.entries) this.tbody.prepend(auditRow(e, false));
      while (this.tbody.children.length > KEEP) this.tbody.lastElementChild.remove();
      const t = cursor.totals;
      say(this.totals, 'info', `${t.requests} requests, ${t.blocked} refused` + (missed ? ` (${missed} older entries not shown)` : ''));
    }, (e) => say(this.totals, 'error', e.message));
  }

  stop() {
    if (this.poll) this.poll.stop();
    this.poll = null;
  }
}
