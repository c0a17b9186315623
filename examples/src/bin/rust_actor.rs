//! An Actor written in Rust that attaches ad-hoc webhooks to its own run.
//!
//! On the platform (or under the emulator, which starts it with `APIFY_IS_AT_HOME=1`,
//! `ACTOR_RUN_ID`, `APIFY_TOKEN` and `APIFY_API_BASE_URL`), it registers `ON_FINISH` with
//! run-scoped idempotency keys. It registers twice on purpose, as a restarted or migrated run
//! would: the platform (and the emulator) keep one webhook per key. Run directly, it only
//! logs that registration was skipped. See `actor_on_emulator` to run it under the emulator.

use apify_webhooks::{Actor, Registration, Webhooks, webhooks};
use std::time::Duration;

const ON_FINISH: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.SUCCEEDED, ACTOR.RUN.FAILED, ACTOR.RUN.TIMED_OUT],
    request_url: "http://127.0.0.1:8798/my-actor-finished",
    payload_template: r#"{"run": {{resource.id}}, "status": {{resource.status}}}"#,
}];

#[tokio::main]
async fn main() {
    let actor = match Actor::from_env() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "run {:?}, on the platform: {}",
        actor.run_id(),
        actor.is_at_home()
    );
    for attempt in 1..=2 {
        match actor.add_webhooks(&ON_FINISH).await {
            Ok(regs) => {
                for r in regs {
                    match r {
                        Registration::Created(w) => println!(
                            "attempt {attempt}: webhook {} (key {})",
                            w.id,
                            w.idempotency_key.unwrap_or_default()
                        ),
                        Registration::Skipped => println!(
                            "attempt {attempt}: not on the platform, so no webhook was registered"
                        ),
                    }
                }
            }
            Err(e) => {
                eprintln!("error: cannot register webhooks: {e}");
                std::process::exit(1);
            }
        }
    }
    // The Actor's real work would be here.
    tokio::time::sleep(Duration::from_millis(200)).await;
    println!("done");
}
