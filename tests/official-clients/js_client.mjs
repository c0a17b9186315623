// The JS API client against the emulator: start/call with webhooks, tasks, errors, webhooks API.
import { ApifyClient } from 'apify-client';
import { check } from './check.mjs';

const client = new ApifyClient({ token: process.env.APIFY_TOKEN, baseUrl: process.env.APIFY_API_BASE_URL, maxRetries: 2, minDelayBetweenRetriesMillis: 50 });
const webhooks = [{ eventTypes: ['ACTOR.RUN.SUCCEEDED'], requestUrl: `${process.env.RECEIVER}/js-client` }];

const run = await client.actor('scripted/succeeds').call({ foo: 'bar' }, { webhooks });
check('js: call with webhooks', run.status === 'SUCCEEDED');
const started = await client.actor('scripted/succeeds').start({ big: 'x'.repeat(3000) }, { webhooks, memory: 256, timeout: 60 });
const finished = await client.run(started.id).waitForFinish();
check('js: start with a brotli body, then waitForFinish', finished.status === 'SUCCEEDED');
const task = await client.task('me/task').call({}, { webhooks });
check('js: task call', task.status === 'SUCCEEDED');
try { await client.actor('nobody/nothing').start(); check('js: 404', false); } catch (e) { check('js: 404 is record-not-found', e.statusCode === 404 && e.type === 'record-not-found'); }
try {
  await client.actor('scripted/succeeds').start({}, { webhooks: [{ eventTypes: ['ACTOR.RUN.FAILD'], requestUrl: 'https://example.com' }] });
  check('js: bad webhooks rejected', false);
} catch (e) { check('js: bad webhooks parameter is a 400 that names the fix', e.statusCode === 400 && e.message.includes('ACTOR.RUN.FAILED')); }
const body = { eventTypes: ['ACTOR.RUN.ABORTED'], requestUrl: `${process.env.RECEIVER}/never`, isAdHoc: true, condition: { actorRunId: run.id }, idempotencyKey: `k-${run.id}` };
const a = await client.webhooks().create(body);
const b = await client.webhooks().create(body);
check('js: webhook create is idempotent', a.id === b.id);
const dispatches = await client.webhookDispatches().list();
check('js: dispatches list', dispatches.total >= 3);
