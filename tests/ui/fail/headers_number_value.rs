use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.SUCCEEDED],
    request_url: "https://example.com/hook",
    headers_template: r#"{"X-Retries": 3}"#,
}];

fn main() {}
