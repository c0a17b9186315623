#![deny(deprecated)]
use apify_webhooks::{webhooks, Webhooks};

// ACTOR_RUN includes ACTOR.RUN.CREATED, which always fires first and spends the webhook.
const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR_RUN],
    request_url: "https://example.com/hook",
}];

fn main() {}
