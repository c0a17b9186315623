// Times the official JS client's stringifyWebhooksToBase64 (what ActorClient.start/call do with
// `options.webhooks`) on the docs' two webhooks; prints {"ns_per_call", "base64"} as JSON.
// The function is not exported by the package, so it is loaded from the client's dist folder.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const utils = require(path.join(path.dirname(require.resolve('apify-client')), 'utils.js'));
const webhooks = [
  { eventTypes: ['ACTOR.RUN.FAILED'], requestUrl: 'https://example.com/run-failed' },
  {
    eventTypes: ['ACTOR.RUN.SUCCEEDED'],
    requestUrl: 'https://example.com/run-succeeded',
    payloadTemplate: '{"hello": "world", "resource":{{resource}}}',
  },
];
let sink = 0;
const once = () => { sink += utils.stringifyWebhooksToBase64(webhooks).length; };
for (let i = 0; i < 100000; i++) once(); // warm-up (JIT)
const runs = [];
for (let r = 0; r < 5; r++) {
  const start = process.hrtime.bigint();
  let n = 0;
  while (process.hrtime.bigint() - start < 200_000_000n) {
    for (let i = 0; i < 100; i++) once();
    n += 100;
  }
  runs.push(Number(process.hrtime.bigint() - start) / n);
}
runs.sort((a, b) => a - b);
console.log(JSON.stringify({ ns_per_call: runs[2], base64: utils.stringifyWebhooksToBase64(webhooks), sink }));
