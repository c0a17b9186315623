//! Handing our checked webhooks to the official `apify-client` crate, whose run options take
//! untyped `webhooks: Option<Vec<serde_json::Value>>`.
//!
//! This example prints the values; in a project that depends on `apify-client`, pass them as
//! `ActorStartOptions { webhooks: Some(values), ..Default::default() }`. (It does not link
//! that crate itself, which would add a second HTTP stack to this workspace's build.) That
//! crate re-serialises the values with sorted keys, so its base64 differs from ours; the
//! platform parses the JSON, so the webhooks are the same.
//!
//!     cargo run -p apify-webhooks-examples --bin apify_client_interop

use apify_webhooks::{WebhookSet, Webhooks, webhooks};

const ON_FINISH: Webhooks = webhooks![{
    event_types: [ACTOR_RUN_TERMINAL],
    request_url: "https://example.com/run-finished",
    payload_template: r#"{"run": {{resource.id}}, "status": {{resource.status}}}"#,
}];

fn main() {
    let values: Vec<serde_json::Value> = WebhookSet::from(&ON_FINISH).to_json_values();
    println!("webhooks for apify_client::ActorStartOptions:");
    println!(
        "{}",
        serde_json::to_string_pretty(&values).unwrap_or_default()
    );
}
