// Entry point: sign-in, the two views (#borrow, #owner), and the error banner.
import { api, session } from './api.js';
import { $, say } from './dom.js';
import { Borrower } from './borrower.js';
import { Owner } from './owner.js';

const banner = $('#banner');
const views = { borrow: null, owner: null };
let current = null;

function showError(e) {
  say(banner, 'error', e && e.message ? e.message : String(e));
}
window.addEventListener('unhandledrejection', (ev) => { showError(ev.reason); ev.preventDefault(); });

async function signIn(token) {
  const status = $('#sign-in-status');
  session.token = token;
  say(status, 'info', 'Checking the token…');
  try {
    await api('GET', '/instances');
  } catch (e) {
    session.token = null;
    say(status, 'error', e.status === 401 ? 'This token is not accepted: ' + e.reason : e.message);
    return false;
  }
  say(status, 'ok', '');
  return true;
}

function route() {
  const name = location.hash === '#owner' ? 'owner' : 'borrow';
  if (current === name) return;
  if (current) views[current].stop();
  current = name;
  say(banner, 'info', '');
  $('#view-borrow').hidden = name !== 'borrow';
  $('#view-owner').hidden = name !== 'owner';
  for (const n of ['borrow', 'owner']) {
    const tab = $('#tab-' + n);
    if (n === name) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  views[name].start();
}

function enter() {
  $('#sign-in').hidden = true;
  $('#tabs').hidden = false;
  $('#who').hidden = false;
  views.borrow = views.borrow || new Borrower(showError);
  views.owner = views.owner || new Owner(showError);
  current = null;
  route();
}

$('#sign-in-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#token');
  const token = input.value.trim();
  if (!token) return;
  if (await signIn(token)) {
    input.value = '';
    enter();
  }
});

$('#sign-out').addEventListener('click', () => {
  if (current) views[current].stop();
  current = null;
  sessionStorage.clear(); // the token, and the loan and reservation this tab was following
  location.hash = '';
  location.reload();
});

// A token revoked (or removed from the configuration) while in use: back to the sign-in form.
window.addEventListener('mistyproxy:unauthorized', (ev) => {
  if (current) views[current].stop();
  current = null;
  session.token = null;
  $('#sign-in').hidden = false;
  $('#tabs').hidden = true;
  $('#who').hidden = true;
  $('#view-borrow').hidden = true;
  $('#view-owner').hidden = true;
  say($('#sign-in-status'), 'error', 'Signed out: the server no longer accepts your token (' + ev.detail + ').');
});

window.addEventListener('hashchange', () => { if (session.token) route(); });

if (session.token) {
  signIn(session.token).then((ok) => { if (ok) enter(); });
}
