//! Crash safety: an emulator process is killed with SIGKILL at random moments (while runs are
//! running and dispatches are being retried), then restarted on the same data directory, many
//! times. In the end every run finishes, every dispatch completes, none is lost, and no
//! dispatch records two successful calls. Bounded: 25 kills (APIFY_CRASH_KILLS for more),
//! at most 90 s (about 7 s here).
//!
//! This file has its own `main` (harness = false): with APIFY_EMULATOR_CRASH_CHILD=<dir> it is
//! the emulator process itself, serving from <dir> and printing its URL.

use apify_webhooks_emulator::{Config, DEFAULT_TOKEN, Emulator, Storage};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn kills() -> usize {
    std::env::var("APIFY_CRASH_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(25)
}
const RUNS_PER_ROUND: usize = 12;
/// Each dispatch's first calls get a 500, so retries are pending when the kill comes.
const FAILURES_BEFORE_SUCCESS: usize = 2;

fn main() {
    if let Ok(dir) = std::env::var("APIFY_EMULATOR_CRASH_CHILD") {
        return serve(&dir);
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    let limit = Duration::from_secs(90.max(4 * kills() as u64));
    let report = rt.block_on(async { tokio::time::timeout(limit, scenario()).await });
    match report {
        Ok(Ok(report)) => {
            println!(
                "crash test: {report} ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
            println!("test result: ok. 1 passed; 0 failed");
        }
        Ok(Err(e)) => {
            eprintln!("crash test FAILED: {e}");
            std::process::exit(1);
        }
        Err(_) => {
            eprintln!("crash test FAILED: it did not finish within {limit:?}");
            std::process::exit(1);
        }
    }
}

/// The child: an emulator on a durable directory, fast retries.
fn serve(dir: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let config = Config::default()
            .storage(Storage::Dir(dir.into()))
            .retry(Duration::from_millis(60), 6);
        let em = Emulator::start(config).await.expect("the emulator starts");
        println!("{}", em.url());
        std::future::pending::<()>().await;
    });
}

struct Server {
    child: Child,
    url: String,
}

fn start_child(dir: &std::path::Path) -> Result<Server, String> {
    let mut child = Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
        .env("APIFY_EMULATOR_CRASH_CHILD", dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    if !line.starts_with("http") {
        return Err(format!("the child printed {line:?}"));
    }
    Ok(Server {
        child,
        url: line.trim().to_owned(),
    })
}

/// What the receiver saw: per dispatch id, the statuses it answered.
#[derive(Default)]
struct Seen(Mutex<HashMap<String, Vec<u16>>>);

async fn receive(State(seen): State<Arc<Seen>>, headers: HeaderMap) -> StatusCode {
    let id = headers
        .get("x-apify-webhook-dispatch-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut seen = seen.0.lock().unwrap();
    let calls = seen.entry(id).or_default();
    let status = if calls.len() < FAILURES_BEFORE_SUCCESS {
        500
    } else {
        200
    };
    calls.push(status);
    StatusCode::from_u16(status).unwrap()
}

async fn scenario() -> Result<String, String> {
    let seen = Arc::new(Seen::default());
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let defs = format!(
        r#"[{{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"requestUrl":"{hook}"}},{{"eventTypes":["ACTOR.RUN.SUCCEEDED","ACTOR.RUN.FAILED"],"requestUrl":"{hook}?second"}}]"#
    );
    let param = apify_webhooks_core::encode::to_query_value(&apify_webhooks_core::encode::base64(
        defs.as_bytes(),
    ));
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut acknowledged = 0;
    let kills = kills();
    for round in 0..kills {
        let mut server = start_child(dir.path())?;
        // Start runs that take 0-300 ms, a few at a time, while earlier dispatches retry.
        if round + 2 < kills {
            for _ in 0..RUNS_PER_ROUND {
                let delay = rng.u64(0..300);
                let started = http
                    .post(format!(
                        "{}/v2/acts/scripted~succeeds/runs?webhooks={param}",
                        server.url
                    ))
                    .bearer_auth(DEFAULT_TOKEN)
                    .header("content-type", "application/json")
                    .body(format!(r#"{{"delayMillis": {delay}}}"#))
                    .send()
                    .await;
                if started.is_ok_and(|r| r.status() == 201) {
                    acknowledged += 1;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(rng.u64(20..400))).await;
        server.child.kill().map_err(|e| e.to_string())?; // SIGKILL
        let _ = server.child.wait();
    }

    // The last start: everything must complete.
    let mut server = start_child(dir.path())?;
    let deadline = Instant::now() + Duration::from_secs(40);
    let (runs, dispatches) = loop {
        let runs = list(&http, &server.url, "/v2/actor-runs").await?;
        let dispatches = list(&http, &server.url, "/v2/webhook-dispatches").await?;
        let done = runs.iter().all(|r| r["status"] == "SUCCEEDED")
            && dispatches.iter().all(|d| d["status"] != "ACTIVE")
            && dispatches.len() == 2 * runs.len();
        if done || Instant::now() > deadline {
            break (runs, dispatches);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let _ = server.child.kill();
    let _ = server.child.wait();

    let mut problems = Vec::new();
    if runs.len() < acknowledged {
        problems.push(format!(
            "{} runs on disk, but {acknowledged} were acknowledged",
            runs.len()
        ));
    }
    for r in &runs {
        if r["status"] != "SUCCEEDED" {
            problems.push(format!("run {} ended {}", r["id"], r["status"]));
        }
    }
    if dispatches.len() != 2 * runs.len() {
        problems.push(format!(
            "{} dispatches for {} runs (2 each expected)",
            dispatches.len(),
            runs.len()
        ));
    }
    let seen = seen.0.lock().unwrap();
    let mut resent = 0;
    for d in &dispatches {
        let id = d["id"].as_str().unwrap_or("");
        let ok_calls = d["calls"].as_array().map_or(0, |c| {
            c.iter().filter(|c| c["responseStatus"] == 200).count()
        });
        if d["status"] != "SUCCEEDED" || ok_calls != 1 {
            problems.push(format!(
                "dispatch {id}: {} with {ok_calls} successful calls recorded",
                d["status"]
            ));
        }
        let delivered = seen
            .get(id)
            .map_or(0, |s| s.iter().filter(|&&s| s == 200).count());
        if delivered == 0 {
            problems.push(format!("dispatch {id} never reached the receiver"));
        }
        resent += delivered.saturating_sub(1);
    }
    if !problems.is_empty() {
        return Err(format!("seed {seed}: {}", problems.join("; ")));
    }
    let restarted = runs
        .iter()
        .filter(|r| r["stats"]["restartCount"].as_u64().unwrap_or(0) > 0)
        .count();
    Ok(format!(
        "seed {seed}: {kills} SIGKILLs; {} runs ({acknowledged} acknowledged, {restarted} restarted after a kill), {} dispatches, all SUCCEEDED with exactly one successful call recorded; {} calls in all; {resent} deliveries repeated because a kill fell between the receiver's 200 and the write",
        runs.len(),
        dispatches.len(),
        seen.values().map(Vec::len).sum::<usize>(),
    ))
}

async fn list(http: &reqwest::Client, base: &str, path: &str) -> Result<Vec<Value>, String> {
    let v: Value = http
        .get(format!("{base}{path}"))
        .bearer_auth(DEFAULT_TOKEN)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    Ok(v["data"]["items"].as_array().cloned().unwrap_or_default())
}
