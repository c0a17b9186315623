// The emulator's web page in a real browser (Debian's headless Chromium, driven by
// playwright-core). A scripted run delivers one webhook and fails another (the receiver answers
// 500); the test signs in, checks the runs list, the run's webhooks and dispatches, the failed
// dispatch's payload, headers and calls, then lets the receiver recover, clicks "Retry now" and
// checks that the retry happened. It also sends a TEST event from a webhook's "Test" button.
// With SCREENSHOT_DIR set, it writes the screenshots the README uses.
//
// Needs: APIFY_API_BASE_URL (a running `apify-webhooks serve`), APIFY_TOKEN, RECEIVER_PORT
// unset (this script starts its own receiver). Prints PASS/FAIL lines; exits 1 on a failure.
import http from 'node:http';
import { chromium } from 'playwright-core';

const base = process.env.APIFY_API_BASE_URL;
const token = process.env.APIFY_TOKEN;
const screenshots = process.env.SCREENSHOT_DIR;
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'PASS' : 'FAIL'} page: ${what}`);
  if (!ok) failures += 1;
};

// The receiver: /ok answers 200; /flaky answers 500 until `recovered`.
let recovered = false;
const received = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    received.push({ path: req.url, body });
    const ok = req.url === '/ok' || recovered;
    res.writeHead(ok ? 200 : 500, { 'content-type': 'text/plain' });
    res.end(ok ? 'thanks' : 'receiver is down for maintenance');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const hook = `http://127.0.0.1:${receiver.address().port}`;

const api = async (method, path, body) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  return (await res.json()).data;
};

const webhooks = [
  { eventTypes: ['ACTOR.RUN.SUCCEEDED'], requestUrl: `${hook}/ok`, description: 'delivered' },
  {
    eventTypes: ['ACTOR.RUN.SUCCEEDED'],
    requestUrl: `${hook}/flaky`,
    payloadTemplate: '{"run": {{resource.id}}, "status": {{resource.status}}, "note": "from the browser test"}',
    headersTemplate: '{"X-Test": "browser"}',
    doNotRetry: true,
  },
];
const param = Buffer.from(JSON.stringify(webhooks)).toString('base64');
// A second run that fails, with a webhook on ACTOR.RUN.FAILED: the runs list shows both colours.
const onFailure = [{ eventTypes: ['ACTOR.RUN.FAILED'], requestUrl: `${hook}/ok` }];
const failing = await api('POST', `/v2/acts/scripted~fails/runs?waitForFinish=30&webhooks=${Buffer.from(JSON.stringify(onFailure)).toString('base64')}`);
check(failing.status === 'FAILED', `the scripted run ${failing.id} failed`);
const run = await api('POST', `/v2/acts/scripted~succeeds/runs?waitForFinish=30&webhooks=${encodeURIComponent(param)}`);
check(run.status === 'SUCCEEDED', `the scripted run ${run.id} succeeded`);
// Both dispatches reach their final state (one SUCCEEDED, one FAILED).
let dispatches = [];
for (let i = 0; i < 100; i += 1) {
  dispatches = (await api('GET', '/v2/webhook-dispatches?desc=1')).items.filter((d) => d.eventData?.actorRunId === run.id);
  if (dispatches.length === 2 && dispatches.every((d) => d.status !== 'ACTIVE')) break;
  await new Promise((r) => setTimeout(r, 100));
}
const failed = dispatches.find((d) => d.status === 'FAILED');
check(dispatches.length === 2 && failed, 'one dispatch delivered and one failed before the browser opens');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
  page.setDefaultTimeout(10000);

  await page.goto(`${base}/`);
  check(await page.locator('input[name=token]').isVisible(), 'asks for the token first');
  await page.fill('input[name=token]', 'not-a-token');
  await page.click('button[type=submit]');
  check((await page.textContent('body')).includes('not valid'), 'a wrong token is refused with a message');
  await page.fill('input[name=token]', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:text("Runs")');
  const row = page.locator('tr', { has: page.locator(`a[href="/ui/runs/${run.id}"]`) });
  check(await row.count() === 1, 'the runs list has the run');
  const rowText = await row.textContent();
  check(rowText.includes('SUCCEEDED') && rowText.includes('scripted~succeeds'), 'with its status and Actor');
  check(rowText.includes('✓ 1') && rowText.includes('✗ 1'), 'and its dispatch counts (1 delivered, 1 failed)');
  if (screenshots) await page.screenshot({ path: `${screenshots}/emulator-runs.png` });

  await row.locator('a').first().click();
  await page.waitForSelector(`h1:has-text("${run.id}")`);
  const runText = await page.textContent('main');
  check(runText.includes(`${hook}/ok`) && runText.includes(`${hook}/flaky`), "the run's page lists both webhooks with their URLs");
  check(runText.includes('"note": "from the browser test"') || runText.includes('from the browser test'), 'and the payload template');
  check((await page.locator('.badge.s-FAILED').count()) === 1 && (await page.locator('.badge.s-SUCCEEDED').count()) >= 2,
    'and the dispatches with coloured statuses');

  await page.click(`a[href="/ui/dispatches/${failed.id}"]`);
  await page.waitForSelector('#payload');
  const payload = JSON.parse(await page.textContent('#payload'));
  check(payload.run === run.id && payload.status === 'SUCCEEDED' && payload.note === 'from the browser test',
    'the failed dispatch shows the rendered payload, pretty-printed');
  const headers = await page.textContent('table.headers');
  check(headers.includes('X-Apify-Webhook-Dispatch-Id') && headers.includes(failed.id) && headers.includes('X-Test'),
    'and the headers sent, the platform\'s and the template\'s');
  const calls = await page.textContent('table.calls');
  check(calls.includes('500') && calls.includes('receiver is down for maintenance'), 'and the call with its 500 and response body');
  check((await page.textContent('ol.schedule')).includes('No more attempts'), 'and a schedule that says no attempt is left');
  if (screenshots) await page.screenshot({ path: `${screenshots}/emulator-dispatch.png`, fullPage: true });

  recovered = true;
  const before = received.filter((r) => r.path === '/flaky').length;
  await page.click('#retry-now');
  let succeeded = false;
  for (let i = 0; i < 50 && !succeeded; i += 1) {
    await page.waitForTimeout(200);
    await page.reload();
    succeeded = (await page.locator('.row .badge.s-SUCCEEDED').count()) === 1;
  }
  check(succeeded, '"Retry now" made one more attempt, and the dispatch succeeded');
  const after = received.filter((r) => r.path === '/flaky').length;
  check(after === before + 1, `the receiver got the retry (${before} → ${after} calls)`);
  const callRows = await page.locator('table.calls tbody tr').count();
  check(callRows === 2 && (await page.textContent('table.calls')).includes('200'), 'the page lists both calls, the second with 200');

  await page.goto(`${base}/ui/webhooks`);
  const card = page.locator('article.webhook', { hasText: `${hook}/ok` }).first();
  await card.locator('button:text("Test")').click();
  await page.waitForSelector('#payload');
  check((await page.textContent('main')).includes('TEST'), 'a webhook\'s "Test" button sends a TEST event and shows its dispatch');
  for (let i = 0; i < 50 && !received.some((r) => r.body.includes('other dispatch')); i += 1) await page.waitForTimeout(100);
  check(received.some((r) => r.path === '/ok' && r.body.includes('other dispatch')), 'the receiver got the TEST event');

  const html = await page.content();
  check(!html.includes(token), 'no page shows the token');
} finally {
  await browser.close();
  receiver.close();
}
console.log(failures === 0 ? 'page: all checks passed' : `page: ${failures} checks failed`);
process.exit(failures === 0 ? 0 : 1);
