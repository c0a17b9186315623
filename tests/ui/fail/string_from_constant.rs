use apify_webhooks::{webhooks, Webhooks};

const URL: &str = "https://example.com/hook";
const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.SUCCEEDED],
    request_url: URL,
}];

fn main() {}
