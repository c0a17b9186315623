use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.FAILED],
    request_url: "https://example.com/" "hook",
}];

fn main() {}
