//! The quickstart: ad-hoc webhooks declared with `webhooks!` (checked in the build), two runs
//! started with them on the local emulator, and every webhook delivered to a local receiver.
//!
//!     cargo run -p apify-webhooks-examples --bin quickstart
//!
//! With `-- --serve` it keeps the emulator running afterwards, so its web page (runs, webhooks,
//! dispatches) can be opened in a browser.
//!
//! Exits 0 only if every expected webhook arrived exactly once.

use apify_webhooks::{ApifyClient, RunOptions, RunStatus, Webhooks, encode, webhooks};
use apify_webhooks_emulator::{ActorSpec, Config, DEFAULT_TOKEN, Emulator, Outcome};
use apify_webhooks_examples::Receiver;
use std::time::{Duration, Instant};

/// Where the webhooks go: a receiver this program starts.
const RECEIVER: &str = "127.0.0.1:8799";

// Checked at compile time: a typo in an event type, a bad URL or a template the platform
// would reject fails `cargo build`, at the offending token.
const ON_FINISH: Webhooks = webhooks![
    {
        event_types: [ACTOR.RUN.SUCCEEDED],
        request_url: "http://127.0.0.1:8799/succeeded",
    },
    {
        event_types: [ACTOR.RUN.FAILED],
        request_url: "http://127.0.0.1:8799/failed",
    },
    {
        event_types: [ACTOR.RUN.SUCCEEDED, ACTOR.RUN.FAILED],
        request_url: "http://127.0.0.1:8799/summary",
        payload_template: r#"{
            "text": "Run {{resource.id}} of {{eventData.actorId}} finished: {{resource.status}}",
            "run": {{resource.id}},
            "finishedAt": {{resource.finishedAt}}
        }"#,
        should_interpolate_strings: true,
        headers_template: r#"{"X-Source": "quickstart"}"#,
    },
];

fn step(n: u32, text: &str) {
    println!("\n\x1b[1m{n}. {text}\x1b[0m");
}

#[tokio::main]
async fn main() {
    match run().await {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

async fn run() -> Result<bool, String> {
    if std::env::var("APIFY_TOKEN").is_ok_and(|t| !t.is_empty()) {
        println!(
            "APIFY_TOKEN is set. This quickstart still runs on the local emulator, because the\n\
             platform cannot reach a receiver on your laptop. To use the real platform, point the\n\
             request URLs at a public endpoint and use ApifyClient::from_env() with a real Actor:\n\
             the same constant and the same calls work there."
        );
    }

    step(1, "Webhooks declared with webhooks!, checked in the build");
    println!(
        "{} webhooks; the `webhooks` run parameter was computed at build time:",
        ON_FINISH.len()
    );
    println!("  {}", ON_FINISH.base64());

    step(2, "Start the emulator and a receiver");
    let receiver = Receiver::start(RECEIVER).await?;
    let config = Config::default()
        .actor(
            "quickstart/greeter",
            ActorSpec::Scripted {
                outcome: Outcome::Succeed,
                delay: Duration::from_millis(300),
            },
        )
        .actor(
            "quickstart/flaky",
            ActorSpec::Scripted {
                outcome: Outcome::Fail,
                delay: Duration::from_millis(300),
            },
        )
        .retry(Duration::from_millis(200), 3);
    let emulator = Emulator::start(config).await?;
    println!(
        "  emulator: {}   receiver: http://{RECEIVER}",
        emulator.url()
    );
    println!("  the same run start with curl:");
    println!(
        "  curl -X POST '{}/v2/actors/quickstart~greeter/runs?webhooks={}' \\\n       -H 'Authorization: Bearer {DEFAULT_TOKEN}' -H 'Content-Type: application/json' -d '{{\"name\": \"world\"}}'",
        emulator.url(),
        encode::to_query_value(ON_FINISH.base64())
    );
    let client = ApifyClient::builder()
        .token(DEFAULT_TOKEN)
        .base_url(emulator.url())
        .build()
        .map_err(|e| e.to_string())?;

    step(
        3,
        "Start two runs with the webhooks attached: one succeeds, one fails",
    );
    let options = RunOptions::new().webhooks(&ON_FINISH);
    let input = serde_json::json!({"name": "world"});
    let mut runs = Vec::new();
    for actor in ["quickstart/greeter", "quickstart/flaky"] {
        let run = client
            .actor(actor)
            .start(Some(&input), &options)
            .await
            .map_err(|e| e.to_string())?;
        println!("  {actor}: run {} is {}", run.id, run.status);
        runs.push((actor, run.id));
    }
    for (actor, id) in &runs {
        let mut last = None;
        loop {
            let run = client.get_run(id, None).await.map_err(|e| e.to_string())?;
            if last != Some(run.status) {
                println!("  {actor}: {}", run.status);
                last = Some(run.status);
            }
            if run.status.is_terminal() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    step(4, "Webhooks delivered to the receiver");
    let expected = [
        ("/succeeded", RunStatus::Succeeded),
        ("/summary", RunStatus::Succeeded),
        ("/failed", RunStatus::Failed),
        ("/summary", RunStatus::Failed),
    ];
    let deadline = Instant::now() + Duration::from_secs(15);
    while receiver.snapshot().len() < expected.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    emulator.settle(Duration::from_secs(5)).await;
    let got = receiver.snapshot();
    for d in &got {
        println!("\n  POST {}", d.path);
        for h in [
            "x-apify-webhook",
            "x-apify-webhook-dispatch-id",
            "x-apify-request-origin",
            "x-source",
        ] {
            if let Some(v) = d.headers.get(h).and_then(|v| v.to_str().ok()) {
                println!("    {h}: {v}");
            }
        }
        let pretty = serde_json::to_string_pretty(&d.body).unwrap_or_default();
        let shown: Vec<&str> = pretty.lines().collect();
        for line in shown.iter().take(14) {
            println!("    {line}");
        }
        if shown.len() > 14 {
            println!(
                "    … ({} more lines: the whole run object is in `resource`)",
                shown.len() - 14
            );
        }
    }

    let status_of = |d: &apify_webhooks_examples::Delivery| {
        let s = d
            .body
            .pointer("/resource/status")
            .or_else(|| d.body.get("text"))
            .and_then(|v| v.as_str())
            .unwrap_or("");
        if s.contains("SUCCEEDED") {
            Some(RunStatus::Succeeded)
        } else if s.contains("FAILED") {
            Some(RunStatus::Failed)
        } else {
            None
        }
    };
    let exact = expected.iter().all(|(path, status)| {
        got.iter()
            .filter(|d| d.path == *path && status_of(d) == Some(*status))
            .count()
            == 1
    });
    let ok = exact && got.len() == expected.len();
    println!(
        "\n{} {} of {} expected webhooks arrived exactly once ({} deliveries in all).",
        if ok { "✔" } else { "✘" },
        expected
            .iter()
            .filter(|(p, s)| got
                .iter()
                .filter(|d| d.path == *p && status_of(d) == Some(*s))
                .count()
                == 1)
            .count(),
        expected.len(),
        got.len()
    );
    if std::env::args().any(|a| a == "--serve") {
        println!(
            "\nThe emulator's web page shows these runs, webhooks and every dispatch:\n  {}/   (sign in with the token {DEFAULT_TOKEN})\nPress Ctrl-C to stop.",
            emulator.url()
        );
        let _ = tokio::signal::ctrl_c().await;
    } else {
        println!(
            "\nTo see these runs, webhooks and dispatches on the emulator's web page, run it with --serve:\n  cargo run -p apify-webhooks-examples --bin quickstart -- --serve"
        );
    }
    emulator.shutdown().await;
    Ok(ok)
}
