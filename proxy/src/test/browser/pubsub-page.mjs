// Opens a page served from another origin than the proxy, lets it subscribe to /pubsub through a
// proxy URL with the browser's own WebSocket, and prints what the page saw as one JSON line.
//
// usage: node pubsub-page.mjs <proxy URL prefix, http://...> <page port> <allowed host> <refused host>
//   The page is served on 127.0.0.1:<page port>; it is loaded once as http://<allowed host>:<port>
//   (an origin the deployment lists in cors_origins) and once as http://<refused host>:<port>.
import { withPage } from './chromium-page.mjs';

const [proxyUrl, pagePort, allowedHost, refusedHost] = process.argv.slice(2);
if (!proxyUrl || !pagePort || !allowedHost || !refusedHost) {
  console.error('usage: node pubsub-page.mjs <proxy URL> <page port> <allowed host> <refused host>');
  process.exit(2);
}

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>pubsub</title></head>
<body>
<p id="status">connecting</p>
<ul id="events"></ul>
<script>
  const status = document.getElementById('status');
  const list = document.getElementById('events');
  window.result = { opened: false, events: 0, status: [], refusals: [], closeCode: null, error: false };
  const ws = new WebSocket(${JSON.stringify(proxyUrl)}.replace('http', 'ws') + '/pubsub');
  ws.onopen = () => {
    window.result.opened = true;
    status.textContent = 'open';
    ws.send(JSON.stringify({ Operation: 'subscribe', Type: 'TimeOfFlight', DebounceMs: 100, EventName: 'FrontTof',
      EventConditions: [{ Property: 'SensorPosition', Inequality: '=', Value: 'Center' }] }));
    ws.send(JSON.stringify({ Operation: 'subscribe', Type: 'SelfState', EventName: 'State' }));
  };
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (typeof m.message === 'string') {
      (m.message.startsWith('blocked by policy') ? window.result.refusals : window.result.status).push(m.message);
      return;
    }
    window.result.events++;
    const li = document.createElement('li');
    li.textContent = m.eventName + ' ' + JSON.stringify(m.message);
    list.appendChild(li);
  };
  ws.onerror = () => { window.result.error = true; };
  ws.onclose = (e) => { window.result.closeCode = e.code; status.textContent = 'closed ' + e.code; };
</script>
</body></html>`;

const out = {};
await withPage(page, pagePort, ['--host-resolver-rules=MAP localhost 127.0.0.1'], async (context) => {
  // (--host-resolver-rules: localhost must resolve to the loopback address the page server listens on)
  for (const [label, host] of [['allowed', allowedHost], ['refused', refusedHost]]) {
    const tab = await context.newPage();
    await tab.goto(`http://${host}:${pagePort}/`);
    if (label === 'allowed') {
      await tab.waitForFunction(() => window.result.events >= 3 && window.result.refusals.length >= 1, null, { timeout: 15000 });
      out.shownEvents = await tab.locator('#events li').count();
      out.firstShown = await tab.locator('#events li').first().textContent();
    } else {
      await tab.waitForFunction(() => window.result.closeCode !== null, null, { timeout: 15000 });
    }
    out[label] = await tab.evaluate(() => window.result);
    out[label].origin = await tab.evaluate(() => location.origin);
    await tab.close();
  }
});
console.log(JSON.stringify(out));
