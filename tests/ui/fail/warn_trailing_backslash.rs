#![deny(deprecated)]
use apify_webhooks::{webhooks, Webhooks};

// Passes the platform's creation check (variables are null then), but at dispatch the
// user id is spliced inside the string after "C:\\" and every delivery fails.
const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.SUCCEEDED],
    request_url: "https://example.com/hook",
    payload_template: r#"["C:\\", "{{userId}}", "D:\\", {{resource.id}}]"#,
    allow: [variable_in_string],
}];

fn main() {}
