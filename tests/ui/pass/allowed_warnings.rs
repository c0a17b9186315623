// Every warning can be silenced where it is raised.
#![deny(deprecated)]
use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.FAILED],
    request_url: "https://example.com/hook",
    payload_template: r#"{"code": {{resource.exitCode}}, "ds": {{resource.defaultDataSetId}}, "literal": "{{resource.id}}"}"#,
    idempotency_key: "on-purpose",
    allow: [falsy_as_null, unknown_path, variable_in_string, fixed_idempotency_key],
}];

#[allow(deprecated)]
const ALL_ALLOWED: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.FAILED],
    request_url: "https://example.com/hook",
    payload_template: r#"{"code": {{resource.exitCode}}}"#,
}];

fn main() {
    assert_eq!(HOOKS.len() + ALL_ALLOWED.len(), 2);
}
