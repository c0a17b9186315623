//! A misbehaving receiver: 500s, a hang past the timeout, reset connections, redirects, and
//! a huge body. Every call is recorded, the retry schedule is followed, `doNotRetry` means one
//! attempt, and nothing counts as delivered twice. Bounded: each case settles within 20 s.

mod common;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use common::{config, run_with, settled_dispatches};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Calls per path and dispatch, and the statuses answered.
#[derive(Default)]
struct Receiver {
    calls: Mutex<HashMap<String, Vec<u16>>>,
}

impl Receiver {
    fn calls(&self, path: &str) -> Vec<u16> {
        self.calls
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }
}

async fn misbehave(
    State(r): State<Arc<Receiver>>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let n = {
        let mut calls = r.calls.lock().unwrap();
        calls.entry(path.clone()).or_default().len()
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let (status, resp) = match path.as_str() {
        "ok" | "after-redirect" => (200, "ok".into_response()),
        "always-500" | "no-retry" => (
            500,
            (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        ),
        "flaky" if n < 2 => (
            503,
            (StatusCode::SERVICE_UNAVAILABLE, "later").into_response(),
        ),
        "flaky" => (200, "finally".into_response()),
        "hang" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            (200, "too late".into_response())
        }
        "redirect-same" => (
            302,
            (
                StatusCode::FOUND,
                [(header::LOCATION, format!("http://{host}/after-redirect"))],
            )
                .into_response(),
        ),
        "redirect-away" => (
            302,
            (
                StatusCode::FOUND,
                [(header::LOCATION, "http://127.0.0.2:9/elsewhere".to_owned())],
            )
                .into_response(),
        ),
        "huge" => (200, "x".repeat(8 << 20).into_response()),
        _ => (404, StatusCode::NOT_FOUND.into_response()),
    };
    r.calls
        .lock()
        .unwrap()
        .entry(path)
        .or_default()
        .push(status);
    resp
}

async fn receiver() -> (String, Arc<Receiver>) {
    let r = Arc::new(Receiver::default());
    // Any method: a 302 turns the POST into a GET, as in every HTTP client.
    let app = Router::new()
        .route("/{path}", any(misbehave))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, r)
}

/// A server that reads the request and resets the connection; counts connections.
async fn resetter() -> (String, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/reset", listener.local_addr().unwrap());
    let count = Arc::new(Mutex::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            *seen.lock().unwrap() += 1;
            let _ = stream.set_zero_linger(); // RST on close
            let mut buf = [0u8; 1024];
            let _ = stream.readable().await;
            let _ = stream.try_read(&mut buf);
            drop(stream);
        }
    });
    (url, count)
}

fn hook(url: &str, events: &[&str]) -> Value {
    json!({"eventTypes": events, "requestUrl": url})
}

fn calls(d: &Value) -> &Vec<Value> {
    d["calls"].as_array().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misbehaving_receiver_gets_the_retry_schedule_and_nothing_is_delivered_twice() {
    tokio::time::timeout(Duration::from_secs(40), async {
        let (url, r) = receiver().await;
        let (reset_url, resets) = resetter().await;
        let em = apify_webhooks_emulator::Emulator::start(config())
            .await
            .unwrap();
        let s = ["ACTOR.RUN.SUCCEEDED"];
        let mut no_retry = hook(&format!("{url}/no-retry"), &s);
        no_retry["doNotRetry"] = json!(true);
        let defs = json!([
            hook(&format!("{url}/ok"), &s),
            hook(&format!("{url}/always-500"), &s),
            hook(&format!("{url}/flaky"), &s),
            hook(&format!("{url}/hang"), &s),
            hook(&format!("{url}/redirect-same"), &s),
            hook(&format!("{url}/redirect-away"), &s),
            hook(&format!("{url}/huge"), &s),
            hook(&reset_url, &s),
            no_retry,
        ]);
        let run = run_with(&em, &defs).await;
        let ds =
            settled_dispatches(&em, run["id"].as_str().unwrap(), Duration::from_secs(20)).await;
        assert_eq!(ds.len(), 9);
        let by_url = |suffix: &str| -> &Value {
            ds.iter()
                .find(|d| {
                    d["webhook"]["requestUrl"]
                        .as_str()
                        .unwrap()
                        .ends_with(suffix)
                })
                .unwrap()
        };
        let attempts = 4; // 1 + config().retries

        // 2xx once: delivered, one call, never called again.
        let ok = by_url("/ok");
        assert_eq!(
            (ok["status"].as_str(), calls(ok).len()),
            (Some("SUCCEEDED"), 1)
        );
        assert_eq!(r.calls("ok"), [200]);

        // Always 500: every attempt recorded with its status and body, then FAILED.
        let failing = by_url("/always-500");
        assert_eq!(failing["status"], "FAILED");
        assert_eq!(calls(failing).len(), attempts);
        assert!(
            calls(failing)
                .iter()
                .all(|c| c["responseStatus"] == 500 && c["responseBody"] == "boom")
        );
        assert_eq!(r.calls("always-500").len(), attempts);
        // The schedule: the gap before retry n is about base × 2^(n-1) (±25%), base 40 ms.
        for (n, pair) in calls(failing).windows(2).enumerate() {
            let gap = common::ms_between(&pair[0]["finishedAt"], &pair[1]["startedAt"]);
            let planned = 40 * (1 << n);
            assert!(
                gap as f64 >= planned as f64 * 0.75 - 2.0,
                "retry {} came after {gap} ms, planned {planned}",
                n + 1
            );
        }

        // 503 twice, then 200: three calls, delivered once, and no call after the success.
        let flaky = by_url("/flaky");
        assert_eq!(
            (flaky["status"].as_str(), calls(flaky).len()),
            (Some("SUCCEEDED"), 3)
        );
        assert_eq!(r.calls("flaky"), [503, 503, 200]);

        // A hang past the 400 ms timeout: each attempt ends as a timeout, and is retried.
        let hang = by_url("/hang");
        assert_eq!(
            (hang["status"].as_str(), calls(hang).len()),
            (Some("FAILED"), attempts)
        );
        for c in calls(hang) {
            assert!(
                c["errorMessage"].as_str().unwrap().contains("timed out"),
                "{c}"
            );
            assert!(common::ms_between(&c["startedAt"], &c["finishedAt"]) < 1500);
        }

        // A redirect within the host is followed; one elsewhere is not (and counts as a failure).
        let same = by_url("/redirect-same");
        assert_eq!(
            (same["status"].as_str(), calls(same).len()),
            (Some("SUCCEEDED"), 1)
        );
        assert_eq!(r.calls("after-redirect"), [200]);
        let away = by_url("/redirect-away");
        assert_eq!(
            (away["status"].as_str(), calls(away).len()),
            (Some("FAILED"), attempts)
        );
        assert!(calls(away).iter().all(|c| c["responseStatus"] == 302));

        // A huge body: delivered, and only its first 2 KB kept.
        let huge = by_url("/huge");
        assert_eq!(huge["status"], "SUCCEEDED", "{huge}");
        assert_eq!(calls(huge)[0]["responseBody"].as_str().unwrap().len(), 2048);

        // A reset connection: an error per attempt, retried, FAILED.
        let reset = by_url("/reset");
        assert_eq!(
            (reset["status"].as_str(), calls(reset).len()),
            (Some("FAILED"), attempts)
        );
        assert!(
            calls(reset)
                .iter()
                .all(|c| c["responseStatus"].is_null() && c["errorMessage"].is_string())
        );
        assert_eq!(*resets.lock().unwrap(), attempts);

        // doNotRetry: exactly one attempt.
        let once = by_url("/no-retry");
        assert_eq!(
            (once["status"].as_str(), calls(once).len()),
            (Some("FAILED"), 1)
        );
        assert_eq!(r.calls("no-retry"), [500]);
        em.shutdown().await;
    })
    .await
    .expect("bounded");
}
