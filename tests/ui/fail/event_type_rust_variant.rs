use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [apify_webhooks::EventType::ActorRunFailed],
    request_url: "https://example.com/hook",
}];

fn main() {}
