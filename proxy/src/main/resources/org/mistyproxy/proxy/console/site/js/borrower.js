// The borrower's view: robots I may use, borrowing (or queueing), and one loan at a time with its
// add-ons, proxy URLs, camera, drive pad, live events and decision log.
import { api, samePath } from './api.js';
import { $, el, fill, every, say, update, when } from './dom.js';
import { Camera } from './camera.js';
import { Drive } from './drive.js';
import { Events } from './events.js';
import { DecisionLog } from './log.js';
import { deploymentBadges } from './badges.js';

const LOAN_KEY = 'mistyproxy.console.instance';
const RESERVATION_KEY = 'mistyproxy.console.reservation';
const LIVE = new Set(['INIT', 'READY', 'TERMINATING']);

export class Borrower {
  constructor(onError) {
    this.onError = onError;
    this.polls = [];
    this.iid = null;
    this.status = null;
    this.reservation = null;
    this.ready = false;
    this.proxyOn = false;
    this.camOn = false;
    this.waitChoice = new Map();
    this.camera = new Camera();
    this.drive = new Drive();
    this.events = new Events();
    this.log = new DecisionLog($('#log-rows'), $('#log-totals'));
    $('#proxy-on').addEventListener('click', () => this.proxy('POST'));
    $('#proxy-off').addEventListener('click', () => this.proxy('DELETE'));
    $('#cam-on').addEventListener('click', () => this.cam('POST'));
    $('#cam-off').addEventListener('click', () => this.cam('DELETE'));
    $('#terminate').addEventListener('click', () => this.terminate());
    for (const b of document.querySelectorAll('button[data-copy]')) {
      b.addEventListener('click', () => copy($('#' + b.dataset.copy), b));
    }
  }

  start() {
    this.polls.push(every(2000, () => this.refresh(), (e) => say($('#deps-status'), 'error', e.message)));
    const saved = sessionStorage.getItem(LOAN_KEY);
    if (saved) this.open(saved);
    const waiting = sessionStorage.getItem(RESERVATION_KEY);
    if (waiting) this.reservation = JSON.parse(waiting);
  }

  stop() {
    for (const p of this.polls) p.stop();
    this.polls = [];
    this.close();
  }

  // ---- robots and loans

  async refresh() {
    const list = await api('GET', '/deployments?info=t');
    const ids = list.workspace_deployments || [];
    const infos = await Promise.all(ids.map((id) => api('GET', '/deployment/' + encodeURIComponent(id)).catch((e) => ({ id, error: e.message }))));
    update($('#deps'), infos, () => infos.map((d) => this.deploymentRow(d)));
    say($('#deps-status'), 'info', ids.length ? '' : 'No robot is offered to you right now.');

    const mine = await api('GET', '/instances');
    const loans = await Promise.all((mine.workspace_instances || []).map((iid) =>
      api('GET', '/instance/' + encodeURIComponent(iid)).catch(() => null)));
    const live = loans.filter(Boolean);
    update($('#mine'), live, () => live.map((r) => el('li', {},
      el('span', { class: 'mono' }, r.id.slice(0, 8)), ' ', el('span', { class: 'badge' }, r.status), ' since ', when(r.starttime), ' ',
      el('button', { type: 'button', onclick: () => this.open(r.id), 'aria-label': 'Open loan ' + r.id, dataset: { key: 'open-' + r.id } }, 'Open'))));
    if (this.reservation) await this.checkReservation();
  }

  deploymentRow(d) {
    if (d.error) return el('li', {}, el('span', { class: 'mono' }, d.id), ' ', el('span', { class: 'error' }, d.error));
    const wait = el('input', { type: 'checkbox', id: 'wait-' + d.id, checked: this.waitChoice.get(d.id) === true,
      dataset: { key: 'wait-' + d.id }, onchange: () => this.waitChoice.set(d.id, wait.checked) });
    return el('li', { class: 'dep', dataset: { deployment: d.id } },
      el('div', {}, el('strong', {}, d.desc || d.type || 'robot'), ' ', el('span', { class: 'mono muted' }, d.id)),
      el('div', { class: 'badges' }, ...deploymentBadges(d)),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'primary', onclick: () => this.borrow(d.id, wait.checked),
          'aria-label': 'Borrow ' + (d.desc || d.id), dataset: { key: 'borrow-' + d.id } }, 'Borrow'),
        el('label', { for: wait.id }, wait, ' wait in queue if busy')));
  }

  async borrow(id, wait) {
    const status = $('#queue-status');
    try {
      const r = await api('POST', '/new/' + encodeURIComponent(id), wait ? { reserve: true } : undefined);
      if (r.success) {
        say(status, 'ok', 'Borrowed: your loan starts.');
        this.open(r.id);
      } else {
        this.waitFor({ id: r.id });
        say(status, 'info', `Waiting in queue (reservation ${r.id}).`);
        await this.checkReservation();
      }
    } catch (e) {
      say(status, 'error', 'Cannot borrow: ' + e.message);
    }
  }

  waitFor(reservation) {
    this.reservation = reservation;
    if (reservation) sessionStorage.setItem(RESERVATION_KEY, JSON.stringify(reservation));
    else sessionStorage.removeItem(RESERVATION_KEY);
  }

  /**
   * While a reservation waits, shows its place in line (GET /reservations gives it as "position",
   * 1 = next), every poll; once it has left the queue, opens the loan it became.
   */
  async checkReservation() {
    const res = this.reservation;
    const status = $('#queue-status');
    let mine;
    try {
      mine = await api('GET', '/reservations');
    } catch (e) {
      say(status, 'error', 'Cannot read your reservations: ' + e.message);
      return;
    }
    if (this.reservation !== res) return; // another poll dealt with it meanwhile
    const entry = (mine.reservations || []).find((x) => x.id === res.id);
    if (entry) {
      const text = `Waiting in queue (reservation ${res.id}): queue position ${entry.position}` +
        (entry.position === 1 ? ', you are next' : '') + '. The loan opens here when the robot is yours.';
      // the same words again would be read out again by a screen reader
      if (status.textContent !== text) say(status, 'info', text);
      return;
    }
    this.waitFor(null);
    // read the loans now, not before the reservation was looked up: it may just have been served
    const ids = (await api('GET', '/instances')).workspace_instances || [];
    const loans = await Promise.all(ids.map((iid) => api('GET', '/instance/' + encodeURIComponent(iid)).catch(() => null)));
    const loan = loans.find((r) => r && r.reservation === res.id); // GET /instance names the reservation it served
    if (loan) {
      say(status, 'ok', 'Your turn: the robot is yours.');
      this.open(loan.id);
    } else {
      say(status, 'info', 'Your reservation ended without a loan (cancelled, or the robot was locked).');
    }
  }

  // ---- one loan

  open(iid) {
    if (this.iid === iid) return;
    this.close();
    this.iid = iid;
    sessionStorage.setItem(LOAN_KEY, iid);
    $('#instance').hidden = false;
    fill($('#inst-id'), iid);
    say($('#addon-status'), 'info', '');
    this.instancePoll = every(1000, () => this.follow(), (e) => {
      say($('#inst-status'), 'error', e.message);
      if (e.status === 404) this.close(true);
    });
  }

  async follow() {
    const r = await api('GET', '/instance/' + encodeURIComponent(this.iid));
    const before = this.status;
    this.status = r.status;
    for (const li of $('#inst-steps').children) {
      const step = li.dataset.step;
      const reached = step === 'INIT' || (step === 'READY' && r.status !== 'INIT' && r.status !== 'INIT_FAIL')
        || (step === 'TERMINATED' && !LIVE.has(r.status));
      li.classList.toggle('done', reached);
      if (step === r.status || (step === 'TERMINATED' && !LIVE.has(r.status))) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    }
    const ready = r.status === 'READY';
    say($('#inst-status'), ready ? 'ok' : (LIVE.has(r.status) ? 'info' : 'error'),
      `${r.status}` + (r.reason ? ` — ${r.reason}` : '') + ` · started ${when(r.starttime)}` + (r.expires ? ` · ends ${when(r.expires)}` : ''));
    this.ready = ready;
    this.buttons();
    $('#terminate').disabled = !LIVE.has(r.status);
    if (ready && before !== 'READY') {
      this.log.start(this.iid);
      $('#log').hidden = false;
      await this.restoreAddons();
    }
    if (!LIVE.has(r.status)) this.ended();
  }

  /** Start/stop buttons follow the add-ons' state: only the one that changes something is enabled. */
  buttons() {
    $('#proxy-on').disabled = !this.ready || this.proxyOn;
    $('#proxy-off').disabled = !this.ready || !this.proxyOn;
    $('#cam-on').disabled = !this.ready || this.camOn;
    $('#cam-off').disabled = !this.ready || !this.camOn;
  }

  async restoreAddons() {
    const p = await api('GET', '/addon/mistyproxy/' + encodeURIComponent(this.iid)).catch(() => null);
    if (p && p.url) this.showProxy(p);
    const c = await api('GET', '/addon/cam/' + encodeURIComponent(this.iid)).catch(() => null);
    if (c && c.cameras) this.showCamera(c.cameras);
  }

  async proxy(method) {
    const status = $('#addon-status');
    try {
      const r = await api(method, '/addon/mistyproxy/' + encodeURIComponent(this.iid));
      if (method === 'POST') {
        this.showProxy(r);
        say(status, 'ok', 'Proxy started: new URLs below.');
      } else {
        this.hideProxy();
        say(status, 'ok', 'Proxy stopped: the URLs no longer work.');
      }
    } catch (e) {
      say(status, 'error', e.message);
    }
  }

  showProxy(r) {
    this.proxyOn = true;
    this.buttons();
    $('#url-short').value = r.url[0];
    $('#url-long').value = r.url[1];
    $('#urls').hidden = false;
    const prefix = samePath(r.url[1]);
    this.drive.setPrefix(prefix);
    this.events.setPrefix(prefix);
  }

  hideProxy() {
    this.proxyOn = false;
    this.buttons();
    $('#urls').hidden = true;
    $('#url-short').value = '';
    $('#url-long').value = '';
    this.drive.setPrefix(null);
    this.events.setPrefix(null);
  }

  async cam(method) {
    const status = $('#addon-status');
    try {
      const r = await api(method, '/addon/cam/' + encodeURIComponent(this.iid));
      if (method === 'POST') {
        this.showCamera(r.cameras || []);
        say(status, 'ok', 'Camera started.');
      } else {
        this.hideCamera();
        say(status, 'ok', 'Camera stopped.');
      }
    } catch (e) {
      say(status, 'error', e.message);
    }
  }

  showCamera(cameras) {
    this.camOn = true;
    this.buttons();
    this.camera.show(this.iid, cameras);
  }

  hideCamera() {
    this.camOn = false;
    this.buttons();
    this.camera.hide();
  }

  async terminate() {
    try {
      await api('POST', '/terminate/' + encodeURIComponent(this.iid));
      say($('#addon-status'), 'ok', 'Loan ended.');
    } catch (e) {
      say($('#addon-status'), 'error', e.message);
    }
  }

  ended() {
    if (this.instancePoll) this.instancePoll.stop();
    this.instancePoll = null;
    this.ready = false;
    this.hideProxy();
    this.hideCamera();
    this.log.stop();
    sessionStorage.removeItem(LOAN_KEY);
  }

  close(forget) {
    if (this.instancePoll) this.instancePoll.stop();
    this.instancePoll = null;
    this.ready = false;
    this.hideProxy();
    this.hideCamera();
    this.log.stop();
    this.iid = null;
    this.status = null;
    $('#instance').hidden = true;
    $('#log').hidden = true;
    if (forget) sessionStorage.removeItem(LOAN_KEY);
  }
}

async function copy(input, button) {
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    fill(button, 'Copied');
  } catch {
    fill(button, 'Press Ctrl+C');
  }
  setTimeout(() => fill(button, 'Copy'), 1500);
}
