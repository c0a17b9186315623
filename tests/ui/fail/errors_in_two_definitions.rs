use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![
    {
        event_types: [ACTOR.RUN.SUCEEDED],
        request_url: "https://example.com/ok",
    },
    {
        event_types: [ACTOR.RUN.FAILED],
        request_url: "http//example.com/failed",
        payload_template: r#"{"id": {{resource.id}"#,
    },
];

fn main() {}
