use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![
    {
        event_types: [ACTOR.RUN.FAILED],
        request_url: "https://example.com/failed",
        idempotency_key: "my-key",
        allow: [fixed_idempotency_key],
    },
    {
        event_types: [ACTOR.RUN.SUCCEEDED],
        request_url: "https://example.com/succeeded",
        idempotency_key: "my-key",
        allow: [fixed_idempotency_key],
    },
];

fn main() {}
