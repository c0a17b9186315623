use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.SUCCEEDED],
    request_url: "https://example.com/hook",
    allow: [falsy],
}];

fn main() {}
