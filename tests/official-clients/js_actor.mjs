// An Actor using the JS SDK, run by the emulator as a command.
import { Actor } from 'apify';
await Actor.init();
const input = await Actor.getInput();
if (input?.hello !== 'sdk') throw new Error(`unexpected input ${JSON.stringify(input)}`);
await Actor.addWebhook({ eventTypes: ['ACTOR.RUN.SUCCEEDED'], requestUrl: `${process.env.RECEIVER}/js-sdk`, idempotencyKey: process.env.ACTOR_RUN_ID });
// A restarted Actor registers again; the idempotency key keeps it at one webhook.
await Actor.addWebhook({ eventTypes: ['ACTOR.RUN.SUCCEEDED'], requestUrl: `${process.env.RECEIVER}/js-sdk`, idempotencyKey: process.env.ACTOR_RUN_ID });
await Actor.exit();
