//! Helpers shared by the emulator's fault and hostile-input tests.
#![allow(dead_code)] // each test file uses a different subset

use apify_webhooks_core::encode;
use apify_webhooks_emulator::{ActorSpec, Config, DEFAULT_TOKEN, Emulator, Outcome};
use serde_json::Value;
use std::time::Duration;

/// A config with an Actor that succeeds at once, fast retries, and a second user.
pub fn config() -> Config {
    Config::default()
        .token("second-users-token", "SecondUser0000001")
        .actor(
            "me/instant",
            ActorSpec::Scripted {
                outcome: Outcome::Succeed,
                delay: Duration::ZERO,
            },
        )
        .retry(Duration::from_millis(40), 3)
        .dispatch_timeout(Duration::from_millis(400))
}

pub fn webhooks_param(defs: &Value) -> String {
    encode::to_query_value(&encode::base64(defs.to_string().as_bytes()))
}

/// Sends a request as `token`; returns the status and the body (JSON, or text as a string).
pub async fn request(
    em: &Emulator,
    token: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}{path}", em.url()))
        .bearer_auth(token)
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Starts a run of `me/instant` with these webhooks; returns the run.
pub async fn run_with(em: &Emulator, defs: &Value) -> Value {
    let path = format!(
        "/v2/acts/me~instant/runs?waitForFinish=10&webhooks={}",
        webhooks_param(defs)
    );
    let (status, body) = request(em, DEFAULT_TOKEN, "POST", &path, &[], Vec::new()).await;
    assert_eq!(status, 201, "{body}");
    body["data"].clone()
}

/// The dispatches of one run, once none is ACTIVE (or after `limit`).
pub async fn settled_dispatches(em: &Emulator, run_id: &str, limit: Duration) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let mine: Vec<Value> = em
            .dispatches()
            .into_iter()
            .filter(|d| d["eventData"]["actorRunId"] == run_id)
            .collect();
        if (!mine.is_empty() && mine.iter().all(|d| d["status"] != "ACTIVE"))
            || tokio::time::Instant::now() > deadline
        {
            return mine;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Everything the emulator holds, to compare before and after a request.
pub fn snapshot(em: &Emulator) -> String {
    format!(
        "{:?}\n{:?}\n{:?}",
        em.runs(),
        em.webhooks(),
        em.dispatches()
    )
}

/// Milliseconds between two API timestamps.
pub fn ms_between(a: &Value, b: &Value) -> i64 {
    use apify_webhooks_emulator::time::parse_iso;
    parse_iso(b.as_str().unwrap()).unwrap() - parse_iso(a.as_str().unwrap()).unwrap()
}
