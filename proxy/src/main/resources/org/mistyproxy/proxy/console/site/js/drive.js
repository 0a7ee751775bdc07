// Robot commands through the instance's proxy URL, so the owner's policy decides each one and a
// refusal comes back with its reason. Driving is hold-to-move: while a button or arrow key is held
// the drive command is repeated (which also keeps a motion lease alive); release sends a stop.
import { robot } from './api.js';
import { $, fill, say } from './dom.js';

const REPEAT_MS = 300;
const KEYS = { ArrowUp: 'forward', ArrowDown: 'back', ArrowLeft: 'left', ArrowRight: 'right' };

export class Drive {
  constructor() {
    this.section = $('#drive');
    this.status = $('#cmd-status');
    this.result = $('#cmd-result');
    this.speed = $('#speed');
    this.prefix = null;
    this.dir = null;
    this.timer = null;
    // Commands go out one at a time, in order: a stop must never overtake a drive command still in
    // flight (on another connection it could reach the robot first, and the robot would drive on).
    this.queue = Promise.resolve();
    this.pending = 0;

    const pad = $('#pad');
    for (const b of pad.querySelectorAll('button[data-drive]')) {
      const dir = b.dataset.drive;
      if (dir === 'stop') {
        b.addEventListener('click', () => this.stopNow());
        continue;
      }
      b.addEventListener('pointerdown', (ev) => { ev.preventDefault(); b.setPointerCapture?.(ev.pointerId); this.hold(dir); });
      for (const t of ['pointerup', 'pointercancel', 'lostpointercapture']) b.addEventListener(t, () => this.release());
      b.addEventListener('keydown', (ev) => {
        if ((ev.key === ' ' || ev.key === 'Enter') && !ev.repeat) { ev.preventDefault(); this.hold(dir); }
      });
      b.addEventListener('keyup', (ev) => { if (ev.key === ' ' || ev.key === 'Enter') this.release(); });
    }
    pad.addEventListener('keydown', (ev) => {
      const dir = KEYS[ev.key];
      if (!dir) return;
      ev.preventDefault();
      if (!ev.repeat) this.hold(dir);
    });
    pad.addEventListener('keyup', (ev) => { if (KEYS[ev.key]) this.release(); });
    pad.addEventListener('focusout', () => this.release());
    window.addEventListener('blur', () => this.release());

    this.speed.addEventListener('input', () => fill($('#speed-out'), this.speed.value));
    $('#led-set').addEventListener('click', () => {
      const hex = $('#led').value;
      const c = (i) => parseInt(hex.slice(i, i + 2), 16);
      this.send('POST', '/api/led', { Red: c(1), Green: c(3), Blue: c(5) });
    });
    $('#head-set').addEventListener('click', () => this.send('POST', '/api/head',
      { Pitch: num('#head-pitch'), Roll: 0, Yaw: num('#head-yaw'), Velocity: 60, Units: 'degrees' }));
    $('#arms-set').addEventListener('click', () => this.send('POST', '/api/arms/set',
      { LeftArmPosition: num('#arm-left'), RightArmPosition: num('#arm-right'), Units: 'degrees' }));
    $('#cmd-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = $('#cmd-body').value.trim();
      let body;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch (e) {
          say(this.status, 'error', 'The body is not valid JSON: ' + e.message);
          return;
        }
      }
      let path = $('#cmd-path').value.trim();
      if (!path.startsWith('/')) path = '/' + path;
      this.send($('#cmd-method').value, path, body);
    });
  }

  /** prefix: the proxy URL's path on this origin, or null when the proxy is off. */
  setPrefix(prefix) {
    if (!prefix) this.release();
    this.prefix = prefix;
    this.section.hidden = !prefix;
  }

  hold(dir) {
    if (!this.prefix) return;
    if (this.dir === dir) return;
    clearInterval(this.timer);
    this.dir = dir;
    // a repeat is skipped while the previous command is still on its way: no backlog builds up
    const go = () => { if (this.pending === 0) this.send('POST', '/api/drive', this.velocity(dir), true); };
    go();
    this.timer = setInterval(go, REPEAT_MS);
  }

  release() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.dir === null) return;
    this.dir = null;
    this.send('POST', '/api/drive/stop', {});
  }

  stopNow() {
    clearInterval(this.timer);
    this.timer = null;
    this.dir = null;
    this.send('POST', '/api/drive/stop', {});
  }

  velocity(dir) {
    const v = Number(this.speed.value);
    switch (dir) {
      case 'forward': return { LinearVelocity: v, AngularVelocity: 0 };
      case 'back': return { LinearVelocity: -v, AngularVelocity: 0 };
      case 'left': return { LinearVelocity: 0, AngularVelocity: v };
      default: return { LinearVelocity: 0, AngularVelocity: -v };
    }
  }

  send(method, path, body, repeating) {
    if (!this.prefix) {
      say(this.status, 'error', 'Start the proxy first: commands go through your proxy URL.');
      return Promise.resolve();
    }
    const prefix = this.prefix;
    this.pending++;
    const done = this.queue.then(() => this.exchange(prefix, method, path, body, repeating))
      .finally(() => { this.pending--; });
    this.queue = done.catch(() => {});
    return done;
  }

  async exchange(prefix, method, path, body, repeating) {
    const r = await robot(prefix, method, path, body);
    if (r.ok) {
      say(this.status, 'ok', `${method} ${path}: done (${r.status})`);
    } else {
      say(this.status, 'error', `${method} ${path}: refused — ${r.reason}` + (r.status ? ` (HTTP ${r.status})` : ''));
      if (repeating) this.release();
    }
    fill(this.result, r.body == null ? '' : JSON.stringify(r.body, null, 1).slice(0, 4000));
  }
}

function num(sel) {
  const v = Number($(sel).value);
  return Number.isFinite(v) ? v : 0;
}
