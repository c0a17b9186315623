use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    request_url: "https://example.com/hook",
}];

fn main() {}
