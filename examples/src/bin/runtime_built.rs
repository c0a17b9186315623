//! Webhooks built at run time (a URL from input or the environment), with the same checks
//! as the macro: a bad definition is a typed error, not a 400 from the platform.
//!
//!     WEBHOOK_URL=https://example.com/hook cargo run -p apify-webhooks-examples --bin runtime_built

use apify_webhooks::{EventType, WebhookDefinition, WebhookSet};

fn main() {
    let url = std::env::var("WEBHOOK_URL")
        .unwrap_or_else(|_| "https://example.com/from-the-environment".to_owned());
    let mut set = WebhookSet::new();
    let good = WebhookDefinition::new(EventType::ACTOR_RUN_TERMINAL.iter().copied(), url)
        .payload_template(r#"{"run": {{resource.id}}, "status": {{resource.status}}}"#);
    match set.push(good) {
        Ok(_) => println!("accepted; the `webhooks` parameter is {}", set.base64()),
        Err(e) => {
            eprintln!("rejected: {e}");
            std::process::exit(1);
        }
    }

    // What the platform would reject only at run time is caught here, with every problem.
    let bad = WebhookDefinition::new([EventType::ActorBuildFailed], "example.com/hook")
        .payload_template(r#"{"run": {{ resource.id }}}"#);
    match set.push(bad) {
        Ok(_) => unreachable!("the checks reject this definition"),
        Err(errors) => {
            println!("\nrejected, as expected:");
            for e in &errors.0 {
                println!("  - {e}");
            }
        }
    }
}
