// Names in the caller's scope must not change what the macro expands to.
#![allow(dead_code, non_camel_case_types)]

mod __private {}
struct Webhooks;
struct WebhookDef;
struct EventType;
enum Option { Some, None }
mod core {}

fn main() {
    const HOOKS: apify_webhooks::Webhooks = apify_webhooks::webhooks![{
        event_types: [ACTOR.RUN.SUCCEEDED],
        request_url: "https://example.com/hygiene",
        payload_template: r#"{"id": {{resource.id}}}"#,
    }];
    assert_eq!(HOOKS.len(), 1);
}
