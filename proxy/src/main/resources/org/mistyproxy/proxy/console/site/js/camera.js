// The cam add-on: live picture over the WebSocket feed, snapshots as JPEG or .npy downloads.
import { apiBlob, samePath, wsUrl } from './api.js';
import { $, el, fill, say } from './dom.js';

const FRAME_PREFIX = 'data:image/jpeg;base64,';

export class Camera {
  constructor() {
    this.section = $('#camera');
    this.pick = $('#cam-pick');
    this.img = $('#cam-img');
    this.status = $('#cam-status');
    this.ws = null;
    this.cameras = [];
    this.frames = 0;
    this.pick.addEventListener('change', () => this.connect());
    $('#snap-jpeg').addEventListener('click', () => this.snapshot('jpeg'));
    $('#snap-npy').addEventListener('click', () => this.snapshot('npy'));
  }

  show(iid, cameras) {
    this.iid = iid;
    this.cameras = cameras;
    const chosen = this.pick.value;
    fill(this.pick, ...cameras.map((c, i) => el('option', { value: String(i) }, `camera ${i} (${c.id})`)));
    if (chosen && Number(chosen) < cameras.length) this.pick.value = chosen;
    this.section.hidden = false;
    this.connect();
  }

  get camera() {
    return this.cameras[Number(this.pick.value) || 0];
  }

  connect() {
    this.close();
    const cam = this.camera;
    if (!cam) {
      say(this.status, 'error', 'This robot has no camera.');
      return;
    }
    say(this.status, 'info', 'Connecting to the live feed…');
    const ws = new WebSocket(wsUrl(samePath(cam.feed_url)));
    this.ws = ws;
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string' || !ev.data.startsWith(FRAME_PREFIX)) return;
      this.img.src = ev.data;
      this.frames++;
      this.img.dataset.frames = String(this.frames);
      if (this.frames === 1) say(this.status, 'ok', 'Live.');
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      say(this.status, 'error', `The live feed closed (${ev.code}${ev.reason ? ': ' + ev.reason : ''}).`);
    };
  }

  async snapshot(format) {
    const cam = this.camera;
    if (!cam) return;
    const path = `/addon/cam/${encodeURIComponent(this.iid)}/${encodeURIComponent(cam.id)}/img` + (format === 'npy' ? '?format=npy' : '');
    try {
      const blob = await apiBlob(path, format === 'npy' ? 'application/octet-stream' : 'image/jpeg');
      const url = URL.createObjectURL(blob);
      const a = el('a', { href: url, download: `camera-${cam.id}-${Date.now()}.${format === 'npy' ? 'npy' : 'jpg'}` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      say(this.status, 'ok', `Snapshot saved (${format === 'npy' ? '.npy' : 'JPEG'}, ${blob.size} bytes).`);
    } catch (e) {
      say(this.status, 'error', e.message);
    }
  }

  close() {
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000);
  }

  hide() {
    this.close();
    this.section.hidden = true;
    this.img.removeAttribute('src');
  }
}
