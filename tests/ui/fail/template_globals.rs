use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.SUCCEEDED],
    request_url: "https://example.com/hook",
    payload_template: r#"{"at": {{globals.dateISO}}}"#,
}];

fn main() {}
