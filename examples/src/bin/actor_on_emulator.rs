//! Runs the `rust_actor` example as a local command under the emulator, and shows that its
//! self-registered webhook is delivered exactly once although it registered twice.
//!
//!     cargo run -p apify-webhooks-examples --bin actor_on_emulator

use apify_webhooks::{ApifyClient, RunOptions};
use apify_webhooks_emulator::{ActorSpec, Config, DEFAULT_TOKEN, Emulator};
use apify_webhooks_examples::Receiver;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let receiver = Receiver::start("127.0.0.1:8798").await?;
    // Any executable works; here, cargo builds and runs the example Actor.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let actor = ActorSpec::Command {
        program: cargo,
        args: [
            "run",
            "-q",
            "-p",
            "apify-webhooks-examples",
            "--bin",
            "rust_actor",
        ]
        .map(String::from)
        .to_vec(),
        env: Vec::new(),
        cwd: Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")),
    };
    let emulator = Emulator::start(Config::default().actor("me/rust-actor", actor)).await?;
    let client = ApifyClient::builder()
        .token(DEFAULT_TOKEN)
        .base_url(emulator.url())
        .build()
        .map_err(|e| e.to_string())?;
    println!(
        "starting me/rust-actor on the emulator at {} (the first start compiles it)...",
        emulator.url()
    );
    let run = client
        .actor("me/rust-actor")
        .call(None, &RunOptions::new())
        .await
        .map_err(|e| e.to_string())?;
    println!("run {} finished: {}", run.id, run.status);
    let deadline = Instant::now() + Duration::from_secs(10);
    while receiver.snapshot().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    emulator.settle(Duration::from_secs(5)).await;
    let got = receiver.snapshot();
    println!(
        "webhooks registered: {} (the Actor asked twice)",
        emulator.webhooks().len()
    );
    for d in &got {
        println!("delivered to {}: {}", d.path, d.body);
    }
    emulator.shutdown().await;
    if got.len() != 1 {
        return Err(format!("expected exactly one delivery, got {}", got.len()));
    }
    Ok(())
}
