// A live view of one pub/sub event type, through the proxy URL's /pubsub (the policy applies to
// the subscription and to every message).
import { wsUrl } from './api.js';
import { $, el, fill, say, when } from './dom.js';

const TYPES = ['TimeOfFlight', 'BatteryCharge', 'IMU', 'DriveEncoders', 'ActuatorPosition', 'BumpSensor',
  'LocomotionCommand', 'HaltCommand', 'TextToSpeechComplete', 'AudioPlayComplete', 'SelfState'];
const KEEP = 50;

export class Events {
  constructor() {
    this.section = $('#events');
    this.type = $('#event-type');
    this.list = $('#event-list');
    this.status = $('#event-status');
    this.ws = null;
    this.prefix = null;
    fill(this.type, ...TYPES.map((t) => el('option', {}, t)));
    $('#event-watch').addEventListener('click', () => this.watch());
    $('#event-stop').addEventListener('click', () => { this.close(); say(this.status, 'info', 'Stopped.'); });
  }

  setPrefix(prefix) {
    if (prefix !== this.prefix) this.close();
    this.prefix = prefix;
    this.section.hidden = !prefix;
  }

  watch() {
    this.close();
    if (!this.prefix) return;
    const type = this.type.value;
    const name = 'console-' + type + '-' + Math.random().toString(36).slice(2, 8);
    const ws = new WebSocket(wsUrl(this.prefix + '/pubsub'));
    this.ws = ws;
    fill(this.list);
    say(this.status, 'info', `Subscribing to ${type}…`);
    ws.onopen = () => {
      ws.send(JSON.stringify({ Operation: 'subscribe', Type: type, DebounceMs: 1000, EventName: name }));
    };
    ws.onmessage = (ev) => {
      let m;
      try {
        m = JSON.parse(ev.data);
      } catch {
        m = { message: String(ev.data) };
      }
      const msg = m && typeof m === 'object' ? m.message : m;
      if (typeof msg === 'string') {
        // registration status, or the proxy saying what the policy refused
        say(this.status, /blocked|cannot|refused/i.test(msg) ? 'error' : 'ok', msg);
        return;
      }
      this.list.prepend(el('li', {}, el('span', { class: 'mono' }, when(new Date().toISOString())), ' ',
        JSON.stringify(msg)));
      while (this.list.children.length > KEEP) this.list.lastElementChild.remove();
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      say(this.status, 'error', `The event socket closed (${ev.code}${ev.reason ? ': ' + ev.reason : ''}).`);
    };
  }

  close() {
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000);
  }
}
