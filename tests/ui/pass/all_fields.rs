use apify_webhooks::{webhooks, EventType, Webhooks};

const ALL: Webhooks = webhooks![
    {
        event_types: [ACTOR.RUN.SUCCEEDED, "ACTOR.RUN.FAILED", ACTOR.RUN.TIMED_OUT],
        request_url: "https://example.com/all?x=1",
        payload_template: r#"{"run": {{resource.id}}, "msg": "run {{resource.id}}"}"#,
        headers_template: "{\"X-Source\": \"my-actor\", \"X-Run\": {{resource.id}}}",
        description: "every field",
        idempotency_key: "fixed-on-purpose",
        should_interpolate_strings: true,
        ignore_ssl_errors: false,
        do_not_retry: true,
        allow: [fixed_idempotency_key],
    },
    {
        event_types: [ACTOR_RUN_TERMINAL, "ACTOR.RUN.RESURRECTED"],
        request_url: "http://127.0.0.1:8080/hook",
    },
    { event_types: [ACTOR.RUN.CREATED], request_url: "https://example.com/created" },
];

fn main() {
    let first = &ALL.as_slice()[0];
    assert_eq!(first.event_types, [EventType::ActorRunSucceeded, EventType::ActorRunFailed, EventType::ActorRunTimedOut]);
    assert_eq!(first.should_interpolate_strings, Some(true));
    assert_eq!(first.ignore_ssl_errors, Some(false));
    assert_eq!(first.description, Some("every field"));
    assert_eq!(ALL.as_slice()[1].event_types.len(), 5);
    assert_eq!(ALL.as_slice()[2].event_types.len(), 1);
    assert_eq!(ALL.json(), apify_webhooks::encode::to_json(ALL.iter()));
    assert_eq!(ALL.base64(), apify_webhooks::encode::to_base64(ALL.iter()));
}
