// The console speaks only the public API: the control API with the API token as a Bearer header,
// and the robot through the instance's proxy URL (so the owner's policy applies).

const TOKEN_KEY = 'mistyproxy.console.token';

/** Where the server is mounted: the page lives at {base}/console/. */
export const BASE = location.pathname.replace(/\/console\/.*$/, '');

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(t) {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** A refused or failed call, with the API's own message. */
export class ApiError extends Error {
  constructor(what, status, message) {
    super(`${what}: ${message}` + (status ? ` (HTTP ${status})` : ''));
    this.status = status;
    this.reason = message;
  }
}

/** Calls the control API; resolves to the parsed JSON body, rejects with ApiError. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const what = `${method} ${path.split('?')[0]}`;
  let res;
  try {
    res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new ApiError(what, 0, 'the server did not answer (' + e.message + ')');
  }
  const data = await readJson(res);
  if (res.status === 401 && session.token) window.dispatchEvent(new CustomEvent('mistyproxy:unauthorized', { detail: messageOf(data, res) }));
  if (!res.ok) throw new ApiError(what, res.status, messageOf(data, res));
  return data;
}

async function readJson(res) {
  const text = await res.text();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { error_message: text.slice(0, 300) };
  }
}

/** The human reason in any of the project's error envelopes. */
export function messageOf(data, res) {
  if (data && typeof data === 'object') {
    for (const k of ['error_message', 'result_message', 'error', 'message']) {
      if (typeof data[k] === 'string' && data[k]) return data[k];
    }
  }
  return res ? `HTTP ${res.status} ${res.statusText}` : 'no reason given';
}

/**
 * Sends one robot command through a proxy URL prefix (a path on this origin). Never throws for a
 * refusal: resolves to {ok, status, reason, body} so the page can show why.
 */
export async function robot(prefix, method, path, body) {
  let res;
  try {
    res = await fetch(prefix + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit',
    });
  } catch (e) {
    return { ok: false, status: 0, reason: 'the proxy did not answer (' + e.message + ')', body: null };
  }
  const data = await readJson(res);
  const failed = !res.ok || (data && data.status === 'Failed');
  return { ok: !failed, status: res.status, reason: failed ? messageOf(data, res) : '', body: data };
}

/** The path part of an absolute URL the server handed out, so that every call stays on this origin. */
export function samePath(url) {
  return new URL(url, location.href).pathname;
}

/** ws: or wss: URL on this origin for a path. */
export function wsUrl(path) {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
}

/** Fetches a control-API resource as a Blob (snapshots), with the Bearer token. */
export async function apiBlob(path, accept) {
  const headers = { Accept: accept };
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  const res = await fetch(BASE + path, { headers, cache: 'no-store', credentials: 'omit' });
  if (!res.ok) {
    const data = await readJson(res);
    throw new ApiError('GET ' + path.split('?')[0], res.status, messageOf(data, res));
  }
  return res.blob();
}
