// Opens a page served from another origin than the proxy and lets it post commands the way
// Misty's browser apps do, then prints what the page saw as one JSON line.
//   jquery: XMLHttpRequest with jQuery's default Content-Type (application/x-www-form-urlencoded;
//           charset=UTF-8) and JSON text as the body, as Misty's lightClient.js sends it;
//   fetch:  fetch() with Content-Type: text/plain and JSON text;
//   form:   a real form body (not JSON) under the form type, which the policy must refuse.
// All three types are CORS-safelisted, so the browser sends them without a preflight.
//
// usage: node bodies-page.mjs <proxy URL prefix, http://...> <page port>
import { withPage } from './chromium-page.mjs';

const [proxyUrl, pagePort] = process.argv.slice(2);
if (!proxyUrl || !pagePort) {
  console.error('usage: node bodies-page.mjs <proxy URL> <page port>');
  process.exit(2);
}

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>bodies</title></head>
<body>
<script>
  const base = ${JSON.stringify(proxyUrl)};
  function xhr(body) {
    return new Promise((resolve) => {
      const r = new XMLHttpRequest();
      r.open('POST', base + '/api/drive');
      r.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8');
      r.onload = () => resolve({ status: r.status, body: r.responseText });
      r.onerror = () => resolve({ status: 0, body: 'network error' });
      r.send(body);
    });
  }
  window.run = async () => {
    const out = {};
    out.jquery = await xhr(JSON.stringify({ LinearVelocity: 5, AngularVelocity: -3 }));
    const f = await fetch(base + '/api/drive', { method: 'POST', headers: { 'Content-Type': 'text/plain' },
      body: '{"LinearVelocity": 7.0, "AngularVelocity": 0}' });
    out.fetch = { status: f.status, body: await f.text() };
    out.form = await xhr('LinearVelocity=12&AngularVelocity=0');
    return out;
  };
</script>
</body></html>`;

const out = await withPage(page, pagePort, [], async (context) => {
  const tab = await context.newPage();
  await tab.goto(`http://127.0.0.1:${pagePort}/`);
  const result = await tab.evaluate(() => window.run());
  result.origin = await tab.evaluate(() => location.origin);
  return result;
});
console.log(JSON.stringify(out));
