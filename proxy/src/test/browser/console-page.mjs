// Drives the web console (/console/) in headless Chromium, as a borrower and as an owner, and
// prints what it saw as one JSON line for ConsoleBrowserTest to check. The simulator's own state
// (/_sim/state, /_sim/requests) is read directly, as the robot's truth.
//
// usage: node console-page.mjs <scenario: flow|hostile> <server base> <simulator base> <owner token>
//        <borrower token> <second borrower token> <screenshot dir or ->
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [scenario, base, sim, ownerToken, userToken, secondToken, shots] = process.argv.slice(2);
if (!scenario || !base || !sim || !ownerToken || !userToken || !secondToken || !shots) {
  console.error('usage: node console-page.mjs <flow|hostile> <base> <sim> <owner token> <borrower token> <second borrower token> <shots dir|->');
  process.exit(2);
}
const T = 20000; // per step; each step waits for a condition, never a fixed time

const problems = []; // console errors, page errors, CSP violations, from every page
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-chromium-'));
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 720 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
await browser.addInitScript(() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`);
  });
});

async function newPage(label) {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${label} console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${label} page error: ${e.message}`));
  return page;
}

async function cspOf(page) {
  return page.evaluate(() => window.__csp);
}

async function signIn(page, token, hash, refused) {
  await page.goto(base + '/console/' + (hash || ''));
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (refused) await page.locator('#sign-in-status[data-kind="error"]').waitFor({ timeout: T });
  else await page.locator('#tabs').waitFor({ state: 'visible', timeout: T });
}

async function simState() {
  return (await fetch(sim + '/_sim/state')).json();
}

async function simPaths() {
  return (await (await fetch(sim + '/_sim/requests')).json()).map((r) => r.path);
}

async function simFaults(method, body) {
  const res = await fetch(sim + '/_sim/faults', { method, headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error('the simulator refused the faults: ' + res.status);
}

/** What the loan's status shows: its line, the steps marked done and the step marked current. */
async function stepsOf(page) {
  return {
    status: await text(page, '#inst-status'),
    done: await page.locator('#inst-steps li.done').allTextContents(),
    current: await page.locator('#inst-steps li[aria-current="step"]').allTextContents(),
  };
}

async function setSimBattery(chargePercent) {
  const res = await fetch(sim + '/_sim/state', { method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ battery: { chargePercent } }) });
  if (!res.ok) throw new Error('the simulator refused the battery: ' + res.status);
}

/**
 * Waits until the owner's battery cell shows what the API reports now (and `wanted` holds for that
 * value); returns both, with the simulator's charge (a fraction) read at the same time.
 */
async function batteryShown(page, wanted = () => true) {
  const row = page.locator('#odeps tr[data-deployment]').first();
  const id = await row.getAttribute('data-deployment');
  let last;
  try {
    return await until('the battery the API reports', async () => {
      const info = await (await fetch(`${base}/deployment/${id}`, { headers: { Authorization: 'Bearer ' + ownerToken } })).json();
      const api = info.health.battery;
      const cell = ((await row.locator('td.battery').textContent()) || '').trim();
      last = { api, cell };
      if (typeof api !== 'number' || !wanted(api)) return false;
      const shown = /^(\d+(?:\.\d)?) %$/.exec(cell);
      if (!shown || Number(shown[1]) !== (api >= 1 ? Math.floor(api) : Math.round(api * 10) / 10)) return false;
      return { api, cell, sim: (await simState()).battery.chargePercent };
    });
  } catch (e) {
    throw new Error(e.message + ': last seen ' + JSON.stringify(last));
  }
}

async function until(what, fn) {
  const deadline = Date.now() + T;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function text(page, sel) {
  return (await page.locator(sel).textContent()) || '';
}

/** A status line's kind (data-kind: ok, error, info) and text. */
async function statusOf(page, sel) {
  return { kind: await page.locator(sel).getAttribute('data-kind'), text: await text(page, sel) };
}

async function borrow(page) {
  await page.locator('#deps li.dep').first().waitFor({ timeout: T });
  await page.locator('#deps li.dep button.primary').first().click();
  await page.locator('#inst-status[data-kind="ok"]').waitFor({ timeout: T });
}

async function startProxy(page) {
  await page.getByRole('button', { name: 'Start proxy' }).click();
  await page.locator('#urls').waitFor({ state: 'visible', timeout: T });
  await page.locator('#drive').waitFor({ state: 'visible', timeout: T });
}

/** Clicks Borrow and waits for this attempt's answer (the status line is cleared first). */
async function borrowAgain(page) {
  await page.locator('#queue-status').evaluate((n) => { n.textContent = ''; });
  await page.locator('#deps li.dep button.primary').first().click();
  await page.locator('#queue-status:not(:empty)').waitFor({ timeout: T });
}

async function anyCommand(page, method, p, body) {
  const details = page.locator('details:has(#cmd-form)');
  if (!(await details.evaluate((d) => d.open))) await page.getByText('Any command').click();
  await page.locator('#cmd-method').selectOption(method);
  await page.locator('#cmd-path').fill(p);
  await page.locator('#cmd-body').fill(body);
  const before = await text(page, '#cmd-status');
  await page.locator('#cmd-form button[type=submit]').click();
  await until('the command answer', async () => (await text(page, '#cmd-status')) !== before);
  return text(page, '#cmd-status');
}

const out = {};
let failed = false;
try {
  if (scenario === 'flow') await flow();
  else if (scenario === 'hostile') await hostile();
  else throw new Error('unknown scenario ' + scenario);
} catch (e) {
  // what was seen up to the failure, for the test's message
  // eslint-disable-next-line no-control-regex
  out.failure = String(e && e.stack || e).replace(/\u001b\[\d+m/g, '').split('\n').slice(0, 14).join(' | ');
  failed = true;
  if (shots !== '-') {
    for (const [i, p] of browser.pages().entries()) await p.screenshot({ path: path.join(shots, `failure-${i}.png`), fullPage: true }).catch(() => {});
  }
} finally {
  out.problems = problems;
  await browser.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
process.exitCode = failed ? 1 : 0;

async function flow() {
  const b = await newPage('borrower');
  // a wrong token is refused with the API's words; the view stays closed and nothing is kept
  await signIn(b, 'not-a-token', '', true);
  out.badSignIn = await text(b, '#sign-in-status');
  out.tokenInStorage = await b.evaluate(() => sessionStorage.length);

  await signIn(b, userToken);
  out.tokenInUrl = b.url().includes(userToken);
  out.storage = await b.evaluate(() => ({ local: localStorage.length, cookie: document.cookie, session: Object.keys(sessionStorage) }));
  // INIT, then READY: the robot answers slowly for a moment (the simulator's latency fault, below
  // the server's 2 s on_ready timeout), so the loan stays in INIT long enough to be seen there
  await simFaults('PUT', { latencyMs: 1000 });
  await b.locator('#deps li.dep').first().waitFor({ timeout: T });
  await b.locator('#deps li.dep button.primary').first().click();
  await b.locator('#inst-status', { hasText: /^INIT · / }).waitFor({ timeout: T });
  out.initSeen = await stepsOf(b);
  await b.locator('#inst-status[data-kind="ok"]').waitFor({ timeout: T });
  out.readySeen = await stepsOf(b);
  await simFaults('DELETE');
  out.instanceStatus = await text(b, '#inst-status');

  await startProxy(b);
  out.shortUrl = await b.locator('#url-short').inputValue();
  out.longUrl = await b.locator('#url-long').inputValue();
  out.shortHelp = await text(b, 'label[for="url-short"]');

  // camera: two reads of the live picture differ
  await b.getByRole('button', { name: 'Start camera' }).click();
  await b.locator('#cam-img[data-frames]').waitFor({ timeout: T });
  const first = await b.locator('#cam-img').getAttribute('src');
  await until('a second, different frame', async () => (await b.locator('#cam-img').getAttribute('src')) !== first);
  const second = await b.locator('#cam-img').getAttribute('src');
  out.camera = { firstPrefix: first.slice(0, 23), changed: first !== second };
  // decode a copy of one frame: the live picture's src changes with every frame, and decoding an
  // image whose src changes under it fails
  const naturalWidth = await b.locator('#cam-img').evaluate((i) => {
    const copy = new Image();
    copy.src = i.src;
    return copy.decode().then(() => copy.naturalWidth);
  });
  out.camera.width = naturalWidth;
  const download = b.waitForEvent('download', { timeout: T });
  await b.getByRole('button', { name: 'Snapshot (JPEG)' }).click();
  const file = await (await download).path();
  const jpeg = fs.readFileSync(file);
  out.snapshotJpeg = jpeg[0] === 0xff && jpeg[1] === 0xd8;
  const download2 = b.waitForEvent('download', { timeout: T });
  await b.getByRole('button', { name: 'Snapshot (.npy)' }).click();
  out.snapshotNpy = fs.readFileSync(await (await download2).path()).subarray(1, 6).toString('latin1');

  // drive: hold forward, the simulator drives; release, it stops
  const fwd = b.getByRole('button', { name: 'Forward' });
  await fwd.hover();
  await b.mouse.down();
  const driving = await until('the robot to drive', async () => { const s = await simState(); return s.drive.driving && s.drive; });
  out.driveWhileHeld = driving;
  await b.mouse.up();
  out.driveAfterRelease = await until('the robot to stop', async () => { const s = await simState(); return !s.drive.driving && s.drive; });
  // the same with the keyboard: focus the pad, hold the up arrow
  await b.locator('#pad').focus();
  await b.keyboard.down('ArrowUp');
  out.keyboardDrives = (await until('keyboard drive', async () => (await simState()).drive.driving)) === true;
  await b.keyboard.up('ArrowUp');
  out.keyboardStops = await until('keyboard stop', async () => !(await simState()).drive.driving);

  // LED through the proxy
  await b.locator('#led').evaluate((i) => { i.value = '#ff8000'; });
  await b.getByRole('button', { name: 'Set LED' }).click();
  out.led = await until('the LED to change', async () => { const s = await simState(); return s.led.red === 255 && s.led; });

  // a command the policy refuses: its reason on the page, nothing at the robot
  out.refusal = await anyCommand(b, 'POST', '/api/reboot', '{}');
  out.robotSawReboot = (await simPaths()).some((p) => p.toLowerCase().includes('reboot'));
  await b.locator('#log-rows tr.blocked').first().waitFor({ timeout: T });
  out.logBlockedRow = await b.locator('#log-rows tr.blocked').first().textContent();
  out.logTotals = await text(b, '#log-totals');

  // a live pub/sub event type
  await b.locator('#event-type').selectOption('TimeOfFlight');
  await b.getByRole('button', { name: 'Watch' }).click();
  await b.locator('#event-list li').first().waitFor({ timeout: T });
  out.event = await b.locator('#event-list li').first().textContent();

  await b.evaluate(() => window.scrollTo(0, 0));
  await b.screenshot({ path: shots === '-' ? undefined : path.join(shots, 'console-borrower.png'), fullPage: false });

  // the owner sees the loan, its counts, the audit stream and the charts
  const o = await newPage('owner');
  await signIn(o, ownerToken, '#owner');
  await o.locator('#odeps tr td.loan strong').first().waitFor({ timeout: T });
  out.ownerLoan = await until('the loan counts', async () => {
    const t = await o.locator('#odeps tr td.loan').first().textContent();
    return t.includes('1 refused') && t;
  });
  await o.locator('#audit-rows tr.blocked').first().waitFor({ timeout: T });
  await o.locator('#f-decision').selectOption('blocked');
  out.auditBlockedOnly = await o.locator('#audit-rows tr').allTextContents();
  await o.locator('#f-decision').selectOption('');
  await o.locator('#chart-decisions svg').waitFor({ timeout: T });
  // traffic for the chart: a few reads through the proxy, then a bar for them
  for (let i = 0; i < 5; i++) await fetch(out.longUrl + '/api/battery');
  await o.locator('#chart-decisions svg rect').first().waitFor({ timeout: T });
  out.chart = await o.locator('#chart-decisions svg').getAttribute('aria-label');
  out.rulesStatus = await until('the rules', async () => text(o, '#rules-status'));
  // add a deny rule for another user, see it listed, delete it
  await o.locator('#rule-cap').selectOption('CAP_NO_INSTANTIATE');
  await o.locator('#rule-user').fill('victor');
  await o.locator('#rules-status').evaluate((n) => { n.textContent = ''; });
  await o.getByRole('button', { name: 'Add rule' }).click();
  await o.locator('#rules-status:not(:empty)').waitFor({ timeout: T });
  out.ruleAdd = await statusOf(o, '#rules-status');
  await until('the rule listed', async () => (await text(o, '#rules')).includes('victor'));
  out.ruleListed = await text(o, '#rules');
  await o.locator('#rules li', { hasText: 'victor' }).getByRole('button', { name: /^Delete rule/ }).click();
  await until('the rule gone', async () => !(await text(o, '#rules')).includes('victor'));
  out.ruleDeleted = await statusOf(o, '#rules-status');
  out.reservationsStatus = await until('reservations status', async () => text(o, '#ores-status'));

  // the queue: the owner reserves the busy robot (through the API), then a second borrower asks to
  // wait in the queue from the console and is told "queue position 2"; the owner sees both
  // reservations and the queue grow, cancels the first from the console, and the second
  // borrower's page moves to "queue position 1" by itself
  const depId = await o.locator('#odeps tr[data-deployment]').first().getAttribute('data-deployment');
  const ownerReservation = await (await fetch(`${base}/new/${depId}`, { method: 'POST',
    headers: { Authorization: 'Bearer ' + ownerToken, 'Content-Type': 'application/json' }, body: '{"reserve": true}' })).json();
  out.ownerReserved = ownerReservation.success === false && typeof ownerReservation.id === 'string';
  const v = await newPage('second borrower');
  await signIn(v, secondToken);
  await v.locator('#deps li.dep').first().waitFor({ timeout: T });
  await v.locator('#deps li.dep input[type=checkbox]').first().check();
  await borrowAgain(v);
  out.queued = await until('the place in line', async () => {
    const st = await statusOf(v, '#queue-status');
    return st.text.includes('queue position') && st;
  });
  await until('both reservations listed for the owner', async () => (await o.locator('#ores li').count()) === 2);
  out.ownerReservations = await o.locator('#ores li').allTextContents();
  out.ownerQueueLength = await until('queue length 3 for the owner', async () => {
    const t = await text(o, '#odeps td.queue');
    return t === '3' && t;
  });
  await o.evaluate(() => window.scrollTo(0, 0));
  await o.screenshot({ path: shots === '-' ? undefined : path.join(shots, 'console-owner.png'), fullPage: false });
  await o.locator('#ores').getByRole('button', { name: 'Cancel reservation ' + ownerReservation.id }).click();
  out.queuedMoved = await until('the second borrower to move up', async () => {
    const st = await statusOf(v, '#queue-status');
    return st.text.includes('queue position 1') && st;
  });
  out.ownerReservationsAfterCancel = await until('the cancelled reservation gone', async () => {
    const rows = await o.locator('#ores li').allTextContents();
    return rows.length === 1 && rows;
  });
  out.ownerQueueLengthAfterCancel = await until('queue length 2 for the owner', async () => {
    const t = await text(o, '#odeps td.queue');
    return t === '2' && t;
  });

  // battery: the owner's table shows the percent the API reports (health.battery), which the server
  // read from the robot; first the simulator's own charge, then one below 1 % (a fraction must not
  // be mistaken for a percent there)
  out.batteryNormal = await batteryShown(o);
  await setSimBattery(0.006);
  out.batteryLow = await batteryShown(o, (b) => b < 1);
  await setSimBattery(0.95);

  // the first borrower ends the loan; the second one's page opens the loan by itself
  await b.locator('#terminate').click();
  await until('the queued borrower to get the robot', async () => (await text(v, '#queue-status')).startsWith('Your turn'));
  await v.locator('#inst-status[data-kind="ok"]').waitFor({ timeout: T });
  out.servedFromQueue = await text(v, '#inst-status');
  await v.locator('#terminate').click();
  await until('the second loan to end', async () => (await text(v, '#inst-status')).includes('TERMINATED'));
  await until('the first borrower to see the robot free', async () => (await text(b, '#deps')).includes('free'));
  await borrowAgain(b);
  out.borrowAgain = await statusOf(b, '#queue-status');
  await b.locator('#inst-status[data-kind="ok"]').waitFor({ timeout: T });
  out.csp2 = await cspOf(v);
  await v.close();

  // lock (with a reason): the owner's table shows it
  await o.locator('#lock-reason').fill('charging until noon');
  await o.locator('#odeps-status').evaluate((n) => { n.textContent = ''; });
  await o.locator('#odeps button', { hasText: /^Lock$/ }).first().click();
  await o.locator('#odeps-status:not(:empty)').waitFor({ timeout: T });
  out.lock = await statusOf(o, '#odeps-status');
  await until('the lock in the table', async () => (await text(o, '#odeps td.lock')).includes('charging until noon'));
  out.lockShown = await text(o, '#odeps td.lock');

  // the owner ends the borrower's loan (the loan's End loan button in the owner's table); the
  // borrower sees it end, its proxy URL dies, and a new borrow is refused with the lock's reason
  await o.locator('#odeps-status').evaluate((n) => { n.textContent = ''; });
  await o.locator('#odeps td.actions').getByRole('button', { name: /^End loan / }).click();
  await o.locator('#odeps-status:not(:empty)').waitFor({ timeout: T });
  out.ownerEnd = await statusOf(o, '#odeps-status');
  await until('the loan to end', async () => (await text(b, '#inst-status')).includes('TERMINATED'));
  out.endSeenByBorrower = await text(b, '#inst-status');
  out.urlGoneAfterEnd = (await fetch(out.longUrl + '/api/device')).status;
  await until('the borrower to see the lock', async () => (await text(b, '#deps')).includes('locked'));
  out.borrowerSeesLock = await text(b, '#deps');
  await borrowAgain(b);
  out.borrowAfterLock = await statusOf(b, '#queue-status');

  // unlock, and the borrower gets the robot again
  await o.locator('#odeps button', { hasText: /^Unlock$/ }).first().click();
  await until('the unlock', async () => (await text(o, '#odeps-status')).startsWith('Unlocked'));
  out.unlock = await statusOf(o, '#odeps-status');
  await until('the borrower to see the robot free', async () => !(await text(b, '#deps')).includes('locked'));
  await borrowAgain(b);
  out.borrowAfterUnlock = await statusOf(b, '#queue-status');
  await b.locator('#inst-status[data-kind="ok"]').waitFor({ timeout: T });
  await startProxy(b);

  // halt: the robot is stopped, the loan ended, and the borrower sees why
  const haltsBefore = (await simState()).halts;
  await o.locator('#odeps-status').evaluate((n) => { n.textContent = ''; });
  await o.locator('#odeps button', { hasText: /^Halt$/ }).first().click();
  await o.locator('#odeps-status:not(:empty)').waitFor({ timeout: T });
  out.halt = await statusOf(o, '#odeps-status');
  out.haltsAtRobot = (await until('the robot to be halted', async () => { const s = await simState(); return s.halts > haltsBefore && s; })).halts - haltsBefore;
  await until('the borrower to see the end', async () => (await text(b, '#inst-status')).includes('TERMINATED'));
  out.haltSeenByBorrower = await text(b, '#inst-status');

  // every control has a name a screen reader can say
  const unlabelled = (page) => page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((c) => c.offsetParent !== null)
    .filter((c) => !((c.labels && c.labels.length) || c.getAttribute('aria-label') || (c.tagName === 'BUTTON' && c.textContent.trim())))
    .map((c) => c.outerHTML.slice(0, 80)));
  out.unlabelled = [...await unlabelled(b), ...await unlabelled(o)];

  // phone size: nothing wider than the screen
  await b.setViewportSize({ width: 390, height: 844 });
  out.phoneOverflow = await b.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (shots !== '-') await b.screenshot({ path: path.join(shots, 'console-phone.png'), fullPage: true });
  await o.setViewportSize({ width: 390, height: 844 });
  out.phoneOverflowOwner = await o.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  out.csp = [...await cspOf(b), ...await cspOf(o), ...out.csp2];
  delete out.csp2;
}

async function hostile() {
  // Hostile strings reach every place the console renders data it does not control:
  //  - the configuration: the deployment's description (the borrower's list, the owner's table);
  //  - the robot: a pub/sub event echoing an utterance id, and the robot's own error answer
  //    (PlayAudio names the file it did not find) in the command's status line and answer box;
  //  - the audit log: a refused path and a refused parameter, in the borrower's decision log and
  //    the owner's audit stream;
  //  - the API's errors echoing what was typed (a rule for a user that does not exist);
  //  - the owner's lock reason: the owner's table and the borrower's refusal;
  //  - the reservations list (see below).
  const H = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1"></script><script>window.__pwned=1</script>';
  // the same payload as a file name the policy passes to the robot (no ':', '/' or '\')
  const HF = '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">';
  const b = await newPage('borrower');
  await signIn(b, userToken);
  await borrow(b);
  await startProxy(b);
  const depId = await b.locator('#deps li.dep').first().getAttribute('data-deployment');
  await b.locator('#event-type').selectOption('TextToSpeechComplete');
  await b.getByRole('button', { name: 'Watch' }).click();
  await b.locator('#event-status[data-kind="ok"]').waitFor({ timeout: T });
  out.speak = await anyCommand(b, 'POST', '/api/tts/speak', JSON.stringify({ Text: H, UtteranceId: H }));
  await b.locator('#event-list li').first().waitFor({ timeout: T });
  out.eventShown = await b.locator('#event-list li').first().textContent();
  out.robotError = await anyCommand(b, 'POST', '/api/audio/play', JSON.stringify({ FileName: HF }));
  out.robotAnswer = await text(b, '#cmd-result');
  out.refusedPath = await anyCommand(b, 'GET', '/api/' + H, '');
  out.refusedParam = await anyCommand(b, 'POST', '/api/led', JSON.stringify({ Red: H, Green: 0, Blue: 0 }));
  const bothRefusals = (t) => t.includes('blocked: GET /api/<img') && t.includes('Red="<img');
  await until('hostile audit rows', async () => bothRefusals(await text(b, '#log-rows')));
  out.logShown = await b.locator('#log-rows').textContent();
  out.depShown = await b.locator('#deps').textContent();

  // a second borrower waits for the robot (through the API): a real entry in the owner's list
  const reserved = await (await fetch(`${base}/new/${depId}`, { method: 'POST',
    headers: { Authorization: 'Bearer ' + secondToken, 'Content-Type': 'application/json' }, body: '{"reserve": true}' })).json();
  out.secondReserved = reserved.success === false && typeof reserved.id === 'string';

  const o = await newPage('owner');
  await signIn(o, ownerToken, '#owner');
  await until('hostile audit rows for the owner', async () => bothRefusals(await text(o, '#audit-rows')));
  out.ownerAuditShown = await o.locator('#audit-rows').textContent();
  out.ownerDepShown = await o.locator('#odeps').textContent();
  await until('the reservation listed', async () => (await text(o, '#ores')).includes('by victor'));
  // No request can put markup into a reservation (type and user names are validated, and ids,
  // times and places are the server's own), so the list's own renderer is given the hostile string
  // in every field, in the owner's page under its Content-Security-Policy, and the row joins the list.
  out.hostileReservation = await o.evaluate(async (h) => {
    const { reservationRow } = await import(new URL('js/owner.js', location.href).href);
    const row = reservationRow({ id: h, desc: 'type ' + h, user: h, created: h, position: h }, () => {});
    document.querySelector('#ores').append(row);
    return { text: row.textContent, cancelLabel: row.querySelector('button').getAttribute('aria-label') };
  }, H);
  out.ownerReservations = await text(o, '#ores');
  await o.locator('#rule-user').fill(H);
  await o.getByRole('button', { name: 'Add rule' }).click();
  await o.locator('#rules-status:not(:empty)').waitFor({ timeout: T });
  out.ruleStatus = await statusOf(o, '#rules-status');

  // a lock reason, shown to the owner in the table and to a borrower in the refusal
  await o.locator('#lock-reason').fill(H);
  await o.locator('#odeps button', { hasText: /^Lock$/ }).first().click();
  await o.locator('#odeps-status:not(:empty)').waitFor({ timeout: T });
  out.lockStatus = await text(o, '#odeps-status');
  await until('the reason in the table', async () => (await text(o, '#odeps td.lock')).includes('onerror'));
  out.lockShown = await text(o, '#odeps td.lock');
  await b.locator('#terminate').click();
  await until('the loan to end', async () => (await text(b, '#inst-status')).includes('TERMINATED'));
  await borrowAgain(b);
  out.borrowRefusal = await statusOf(b, '#queue-status');

  const check = (page) => page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    strayImages: document.querySelectorAll('img:not(#cam-img)').length,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
  }));
  out.borrowerDom = await check(b);
  out.ownerDom = await check(o);
  out.csp = [...await cspOf(b), ...await cspOf(o)];
}
