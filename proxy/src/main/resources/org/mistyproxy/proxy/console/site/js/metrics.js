// Small charts from the server's own /metrics (Prometheus text): requests by decision and the
// robot's latency, as deltas between scrapes over the last five minutes.
import { BASE } from './api.js';
import { fill } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
export const STEP_MS = 5000;
const POINTS = 60;

/** name{labels} value lines -> [{name, labels, value}]; comments and malformed lines are skipped. */
export function parsePrometheus(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of (m[2] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

function sample(samples) {
  const s = { t: Date.now(), allowed: 0, blocked: 0, latSum: 0, latCount: 0 };
  for (const x of samples) {
    if (x.name === 'mistyproxy_requests_total' && (x.labels.decision === 'allowed' || x.labels.decision === 'blocked')) {
      s[x.labels.decision] += x.value;
    } else if (x.name === 'mistyproxy_upstream_latency_seconds_sum') {
      s.latSum += x.value;
    } else if (x.name === 'mistyproxy_upstream_latency_seconds_count') {
      s.latCount += x.value;
    }
  }
  return s;
}

export class MetricsHistory {
  constructor() {
    this.samples = [];
  }

  async scrape() {
    const res = await fetch(BASE + '/metrics', { cache: 'no-store', credentials: 'omit' });
    if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
    this.samples.push(sample(parsePrometheus(await res.text())));
    if (this.samples.length > POINTS + 1) this.samples.shift();
  }

  /** One point per interval: {allowed, blocked, latencyMs} (latencyMs null without requests). */
  points() {
    const out = [];
    for (let i = 1; i < this.samples.length; i++) {
      const a = this.samples[i - 1];
      const b = this.samples[i];
      const n = b.latCount - a.latCount;
      out.push({
        allowed: Math.max(0, b.allowed - a.allowed),
        blocked: Math.max(0, b.blocked - a.blocked),
        latencyMs: n > 0 ? ((b.latSum - a.latSum) / n) * 1000 : null,
      });
    }
    return out;
  }
}

function svg(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

const W = 300;
const H = 90;

function frame(label, max, unit) {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H + 14}`, role: 'img', 'aria-label': label, class: 'spark' });
  root.append(svg('title', {}, label));
  root.append(svg('line', { x1: 0, y1: H, x2: W, y2: H, class: 'axis' }));
  root.append(svg('text', { x: 2, y: 10, class: 'tick' }, `${Math.round(max * 10) / 10} ${unit}`));
  root.append(svg('text', { x: 2, y: H + 12, class: 'tick' }, '-5 min'));
  root.append(svg('text', { x: W - 2, y: H + 12, class: 'tick end' }, 'now'));
  return root;
}

/** Stacked bars: allowed below, blocked on top. */
export function drawDecisions(container, points) {
  const max = Math.max(1, ...points.map((p) => p.allowed + p.blocked));
  const last = points[points.length - 1] || { allowed: 0, blocked: 0 };
  const root = frame(`Requests per 5 s: last ${last.allowed} allowed, ${last.blocked} blocked`, max, 'req');
  const bw = W / POINTS;
  points.forEach((p, i) => {
    const x = W - (points.length - i) * bw;
    const ha = (p.allowed / max) * (H - 14);
    const hb = (p.blocked / max) * (H - 14);
    if (ha > 0) root.append(svg('rect', { x, y: H - ha, width: bw - 1, height: ha, class: 'allowed' }));
    if (hb > 0) root.append(svg('rect', { x, y: H - ha - hb, width: bw - 1, height: hb, class: 'blocked' }));
  });
  fill(container, root);
}

export function drawLatency(container, points) {
  const vals = points.map((p) => p.latencyMs);
  const max = Math.max(1, ...vals.filter((v) => v !== null));
  const known = vals.filter((v) => v !== null);
  const root = frame(`Mean robot latency per 5 s: last ${known.length ? known[known.length - 1].toFixed(1) + ' ms' : 'no requests'}`, max, 'ms');
  const bw = W / POINTS;
  let d = '';
  vals.forEach((v, i) => {
    if (v === null) return;
    const x = W - (vals.length - i) * bw + bw / 2;
    const y = H - (v / max) * (H - 14);
    d += (d ? ' L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
    root.append(svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 2, class: 'dot' }));
  });
  if (d) root.append(svg('path', { d, class: 'line' }));
  fill(container, root);
}
