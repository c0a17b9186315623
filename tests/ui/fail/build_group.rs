use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR_BUILD_TERMINAL],
    request_url: "https://example.com/hook",
}];

fn main() {}
