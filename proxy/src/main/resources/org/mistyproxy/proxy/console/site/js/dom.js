// Building the page without HTML strings: every value (from the robot, a borrower or the audit log)
// goes in as a text node. The server's Content-Security-Policy requires Trusted Types with no policy,
// so assigning a string to an HTML sink would throw instead of parsing markup.

/** el('button', {class: 'x', onclick: fn, 'aria-label': 'y'}, 'text', childNode, ...) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces a node's children with these (text or nodes). */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export function $(selector, root = document) {
  const n = root.querySelector(selector);
  if (!n) throw new Error('console: missing element ' + selector);
  return n;
}

/** A short local time for a timestamp the API gave (ISO-8601 or the rerobots form). */
export function when(t) {
  if (!t) return '';
  const d = new Date(/Z$|[+-]\d\d:?\d\d$/.test(t) ? t : String(t).replace(' ', 'T') + 'Z');
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleTimeString([], { hour12: false });
}

/** A status message in a live region: kind is 'ok', 'error' or 'info'. */
export function say(node, kind, ...text) {
  node.dataset.kind = kind;
  fill(node, ...text);
}

/** Calls fn every ms while running; stop() ends it. Errors are handed to onError, polling goes on. */
export function every(ms, fn, onError) {
  let timer = null;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      await fn();
    } catch (e) {
      if (onError) onError(e);
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return { stop() { stopped = true; clearTimeout(timer); } };
}

const shown = new WeakMap();

/**
 * Rebuilds a live list only when what it shows changed (sig: any JSON-able value describing it),
 * so a list polled every few seconds does not flicker or move under the pointer.
 */
export function update(container, sig, build) {
  const text = JSON.stringify(sig);
  if (shown.get(container) === text) return;
  shown.set(container, text);
  rebuild(container, build());
}

/**
 * Replaces a live list's children without stealing the keyboard: the control that had focus
 * (found again by its data-key) gets it back.
 */
export function rebuild(container, nodes) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key : undefined;
  container.replaceChildren(...nodes);
  if (key) {
    const again = [...container.querySelectorAll('[data-key]')].find((n) => n.dataset.key === key);
    if (again) again.focus();
  }
}
