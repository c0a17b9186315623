//! Hostile input: a table of malformed requests for every endpoint (each a 4xx with the
//! platform's error envelope, and nothing stored changes), isolation between users, tokens kept
//! out of logs, errors and dispatch records, and the limits on everything that grows.

mod common;

use apify_webhooks_emulator::{Config, DEFAULT_TOKEN, Emulator, MAX_BODY};
use common::{config, request, run_with, settled_dispatches, snapshot, webhooks_param};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECOND: &str = "second-users-token";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_a_4xx_envelope_and_change_nothing() {
    let em = Emulator::start(config()).await.unwrap();
    // Something to collide with and to point at.
    let run = run_with(
        &em,
        &json!([{"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": "http://127.0.0.1:9/x"}]),
    )
    .await;
    let run_id = run["id"].as_str().unwrap().to_owned();
    assert!(em.settle(Duration::from_secs(10)).await);
    let hook = |extra: Value| {
        let mut v = json!({"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": "https://example.com/h", "condition": {"actorRunId": run_id}, "isAdHoc": true});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v.to_string().into_bytes()
    };
    let not_base64 = "!!!not-base64!!!".to_owned();
    let not_array = webhooks_param(&json!({"eventTypes": ["ACTOR.RUN.SUCCEEDED"]}));
    let bad_event = webhooks_param(
        &json!([{"eventTypes": ["ACTOR.RUN.EXPLODED"], "requestUrl": "https://e.com"}]),
    );
    let deep = "[".repeat(100_000);
    let huge_template = format!("{{\"a\": \"{}\"}}", "x".repeat(1_000_001));
    let json_ct = [("content-type", "application/json")];
    let gz = [
        ("content-type", "application/json"),
        ("content-encoding", "gzip"),
    ];
    type Case<'a> = (&'a str, &'a str, String, Vec<u8>, &'a [(&'a str, &'a str)]);
    let cases: Vec<Case> = vec![
        (
            "bad JSON",
            "POST",
            "/v2/webhooks".into(),
            b"{not json".to_vec(),
            &json_ct,
        ),
        (
            "JSON that is not an object",
            "POST",
            "/v2/webhooks".into(),
            b"[1, 2]".to_vec(),
            &json_ct,
        ),
        (
            "wrong types",
            "POST",
            "/v2/webhooks".into(),
            hook(json!({"eventTypes": "ACTOR.RUN.SUCCEEDED", "requestUrl": 5})),
            &json_ct,
        ),
        (
            "an unknown field",
            "POST",
            "/v2/webhooks".into(),
            hook(json!({"bogus": 1})),
            &json_ct,
        ),
        (
            "an unknown event type",
            "POST",
            "/v2/webhooks".into(),
            hook(json!({"eventTypes": ["ACTOR.RUN.EXPLODED"]})),
            &json_ct,
        ),
        (
            "a bad URL",
            "POST",
            "/v2/webhooks".into(),
            hook(json!({"requestUrl": "ftp://example.com"})),
            &json_ct,
        ),
        (
            "a template that is not JSON",
            "POST",
            "/v2/webhooks".into(),
            hook(json!({"payloadTemplate": "{\"a\": {{nope}}"})),
            &json_ct,
        ),
        (
            "a deeply nested template",
            "POST",
            "/v2/webhooks".into(),
            hook(json!({"payloadTemplate": deep})),
            &json_ct,
        ),
        (
            "a huge template",
            "POST",
            "/v2/webhooks".into(),
            hook(json!({"payloadTemplate": huge_template})),
            &json_ct,
        ),
        (
            "a condition on an unknown run",
            "POST",
            "/v2/webhooks".into(),
            hook(json!({"condition": {"actorRunId": "NoSuchRun00000000"}})),
            &json_ct,
        ),
        (
            "an oversized body",
            "POST",
            "/v2/webhooks".into(),
            vec![b' '; MAX_BODY + 1],
            &json_ct,
        ),
        (
            "a body that is not valid UTF-8",
            "POST",
            "/v2/webhooks".into(),
            b"{\"requestUrl\": \"\xff\xfe\"}".to_vec(),
            &json_ct,
        ),
        (
            "a gzip header on a plain body",
            "POST",
            "/v2/webhooks".into(),
            b"{}".to_vec(),
            &gz,
        ),
        (
            "a gzip body hiding bad JSON",
            "POST",
            "/v2/webhooks".into(),
            gzip(b"{nope"),
            &gz,
        ),
        (
            "webhooks parameter not base64",
            "POST",
            format!("/v2/acts/me~instant/runs?webhooks={not_base64}"),
            vec![],
            &[],
        ),
        (
            "webhooks parameter not an array",
            "POST",
            format!("/v2/acts/me~instant/runs?webhooks={not_array}"),
            vec![],
            &[],
        ),
        (
            "webhooks parameter with a bad event",
            "POST",
            format!("/v2/acts/me~instant/runs?webhooks={bad_event}"),
            vec![],
            &[],
        ),
        (
            "run input that is not JSON",
            "POST",
            "/v2/acts/me~instant/runs".into(),
            b"{nope".to_vec(),
            &json_ct,
        ),
        (
            "a timeout that is not a number",
            "POST",
            "/v2/acts/me~instant/runs?timeout=soon".into(),
            vec![],
            &[],
        ),
        (
            "path traversal in an Actor id",
            "POST",
            "/v2/acts/..%2F..%2Fbin%2Fsh/runs".into(),
            vec![],
            &[],
        ),
        (
            "path traversal in a run id",
            "GET",
            "/v2/actor-runs/..%2F..%2Fetc%2Fpasswd".into(),
            vec![],
            &[],
        ),
        // Found by the emulator_request fuzz target: axum answered this in plain text.
        (
            "an id that is not UTF-8 once decoded",
            "GET",
            "/v2/actor-runs/abc%d5xyz".into(),
            vec![],
            &[],
        ),
        (
            "path traversal in a store id",
            "PUT",
            "/v2/key-value-stores/..%2F..%2Fetc/records/passwd".into(),
            b"x".to_vec(),
            &[],
        ),
        (
            "path traversal in a dataset id",
            "POST",
            "/v2/datasets/..%2Fx/items".into(),
            b"[1]".to_vec(),
            &json_ct,
        ),
        (
            "an unknown webhook",
            "DELETE",
            "/v2/webhooks/NoSuchHook0000000".into(),
            vec![],
            &[],
        ),
        (
            "testing an unknown webhook",
            "POST",
            "/v2/webhooks/NoSuchHook0000000/test".into(),
            vec![],
            &[],
        ),
        (
            "an unknown dispatch",
            "GET",
            "/v2/webhook-dispatches/NoSuchDispatch000".into(),
            vec![],
            &[],
        ),
        (
            "aborting an unknown run",
            "POST",
            "/v2/actor-runs/NoSuchRun00000000/abort".into(),
            vec![],
            &[],
        ),
        (
            "a method the route does not take",
            "PATCH",
            "/v2/webhooks".into(),
            vec![],
            &[],
        ),
        (
            "a route that does not exist",
            "GET",
            "/v2/nothing-here".into(),
            vec![],
            &[],
        ),
    ];
    let before = snapshot(&em);
    let mut table = Vec::new();
    for (what, method, path, body, headers) in cases {
        let (status, answer) = request(&em, DEFAULT_TOKEN, method, &path, headers, body).await;
        assert!((400..500).contains(&status), "{what}: {status} {answer}");
        assert!(
            answer["error"]["type"].is_string()
                && answer["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
            "{what}: no error envelope in {answer}"
        );
        assert_eq!(snapshot(&em), before, "{what} changed the stored state");
        table.push(format!(
            "{status} {what}: {}",
            answer["error"]["type"].as_str().unwrap()
        ));
    }
    // Without a token, or with a wrong one: 401 with the envelope.
    for token in ["", "wrong-token"] {
        let (status, answer) = request(&em, token, "GET", "/v2/webhooks", &[], vec![]).await;
        assert_eq!(status, 401, "{answer}");
        assert!(answer["error"]["type"].is_string());
    }
    println!("{}", table.join("\n"));
    em.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_users_token_cannot_read_trigger_or_collide_with_anothers() {
    let em = Emulator::start(config()).await.unwrap();
    let a = DEFAULT_TOKEN;
    let keyed = |key: &str| json!([{"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": "http://127.0.0.1:9/a", "idempotencyKey": key}]);
    let run = run_with(&em, &keyed("shared-key")).await;
    let run_id = run["id"].as_str().unwrap().to_owned();
    let ds = settled_dispatches(&em, &run_id, Duration::from_secs(10)).await;
    let dispatch = ds[0]["id"].as_str().unwrap().to_owned();
    let webhook = ds[0]["webhookId"].as_str().unwrap().to_owned();
    let kvs = run["defaultKeyValueStoreId"].as_str().unwrap().to_owned();
    let dataset = run["defaultDatasetId"].as_str().unwrap().to_owned();
    request(
        &em,
        a,
        "PUT",
        &format!("/v2/key-value-stores/{kvs}/records/SECRET"),
        &[],
        b"a's".to_vec(),
    )
    .await;
    let before = snapshot(&em);

    // B cannot read, act on, or attach to A's things: each is "not found" for B.
    for (method, path) in [
        ("GET", format!("/v2/actor-runs/{run_id}")),
        ("GET", format!("/v2/actor-runs/{run_id}/log")),
        ("POST", format!("/v2/actor-runs/{run_id}/abort")),
        ("POST", format!("/v2/actor-runs/{run_id}/resurrect")),
        ("GET", format!("/v2/webhooks/{webhook}")),
        ("DELETE", format!("/v2/webhooks/{webhook}")),
        ("POST", format!("/v2/webhooks/{webhook}/test")),
        ("GET", format!("/v2/webhooks/{webhook}/dispatches")),
        ("GET", format!("/v2/webhook-dispatches/{dispatch}")),
        ("GET", format!("/v2/key-value-stores/{kvs}/records/SECRET")),
        ("PUT", format!("/v2/key-value-stores/{kvs}/records/SECRET")),
        ("GET", format!("/v2/datasets/{dataset}/items")),
        ("POST", format!("/v2/datasets/{dataset}/items")),
    ] {
        let (status, answer) = request(
            &em,
            SECOND,
            method,
            &path,
            &[("content-type", "application/json")],
            b"[1]".to_vec(),
        )
        .await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
    }
    let attach = json!({"isAdHoc": true, "eventTypes": ["ACTOR.RUN.SUCCEEDED"], "condition": {"actorRunId": run_id}, "requestUrl": "https://b.example/steal"});
    let (status, _) = request(
        &em,
        SECOND,
        "POST",
        "/v2/webhooks",
        &[("content-type", "application/json")],
        attach.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, 404, "B cannot attach a webhook to A's run");
    assert_eq!(snapshot(&em), before, "B changed A's state");

    // B's lists hold none of A's things.
    for path in ["/v2/actor-runs", "/v2/webhooks", "/v2/webhook-dispatches"] {
        let (_, answer) = request(&em, SECOND, "GET", path, &[], vec![]).await;
        assert_eq!(answer["data"]["total"], 0, "{path}: {answer}");
    }
    // The same idempotency key is B's own: a new webhook, on B's own run.
    let b_run = request(
        &em,
        SECOND,
        "POST",
        "/v2/acts/me~instant/runs?waitForFinish=10",
        &[],
        vec![],
    )
    .await
    .1["data"]
        .clone();
    let mine = json!({"isAdHoc": true, "eventTypes": ["ACTOR.RUN.SUCCEEDED"], "condition": {"actorRunId": b_run["id"]}, "requestUrl": "https://b.example/mine", "idempotencyKey": "shared-key"});
    let (status, created) = request(
        &em,
        SECOND,
        "POST",
        "/v2/webhooks",
        &[("content-type", "application/json")],
        mine.to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, 201);
    assert_ne!(created["data"]["id"].as_str(), Some(webhook.as_str()));
    let (_, a_hook) = request(
        &em,
        a,
        "GET",
        &format!("/v2/webhooks/{webhook}"),
        &[],
        vec![],
    )
    .await;
    assert_eq!(
        a_hook["data"]["requestUrl"], "http://127.0.0.1:9/a",
        "A's webhook is untouched"
    );
    // Named storages are per user too.
    let (_, a_named) = request(
        &em,
        a,
        "POST",
        "/v2/key-value-stores?name=shared",
        &[],
        vec![],
    )
    .await;
    let (_, b_named) = request(
        &em,
        SECOND,
        "POST",
        "/v2/key-value-stores?name=shared",
        &[],
        vec![],
    )
    .await;
    assert_ne!(a_named["data"]["id"], b_named["data"]["id"]);
    em.shutdown().await;
}

/// Collects everything the emulator logs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_never_appear_in_logs_errors_debug_or_dispatch_records() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();
    let config = config().retry(Duration::from_millis(10), 1);
    let debug = format!("{config:?}");
    let em = Emulator::start(config).await.unwrap();
    // A webhook whose URL carries a token, failing (so its error is logged and recorded), and
    // one that calls the emulator's own API (which the dispatcher authenticates with the
    // owner's token).
    let defs = json!([
        {"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": "http://127.0.0.1:9/hook?token=TOKEN-IN-URL"},
        {"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": format!("{}/v2/key-value-stores?name=from-a-webhook", em.url())},
    ]);
    let run = run_with(&em, &defs).await;
    let ds = settled_dispatches(&em, run["id"].as_str().unwrap(), Duration::from_secs(10)).await;
    assert_eq!(ds.len(), 2);
    assert!(
        ds.iter().any(|d| d["status"] == "SUCCEEDED"),
        "the call to the emulator's API was authenticated"
    );
    let mut answers = Vec::new();
    for token in ["wrong-token", ""] {
        answers.push(
            request(&em, token, "GET", "/v2/webhooks", &[], vec![])
                .await
                .1
                .to_string(),
        );
    }
    answers.push(
        request(
            &em,
            DEFAULT_TOKEN,
            "GET",
            "/v2/webhook-dispatches",
            &[],
            vec![],
        )
        .await
        .1
        .to_string(),
    );
    em.shutdown().await;
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("webhook call"),
        "the logs were captured: {logs}"
    );
    for secret in [DEFAULT_TOKEN, SECOND, "TOKEN-IN-URL", "wrong-token"] {
        assert!(!logs.contains(secret), "the logs hold {secret}");
        assert!(!debug.contains(secret), "Config's Debug holds {secret}");
        for answer in &answers {
            assert!(
                !answer.contains(secret) || secret == "TOKEN-IN-URL",
                "an answer holds {secret}: {answer}"
            );
        }
        for d in &ds {
            let recorded = format!("{:?} {:?}", d["calls"], d.get("headers"));
            assert!(
                !recorded.contains(secret),
                "a dispatch record holds {secret}: {recorded}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_hold_for_concurrent_calls_and_pending_dispatches() {
    // A receiver that counts calls in flight and answers after 150 ms.
    let in_flight = Arc::new(Mutex::new((0usize, 0usize))); // (now, most)
    let counter = in_flight.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            {
                let mut c = counter.lock().unwrap();
                c.0 += 1;
                c.1 = c.1.max(c.0);
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
            counter.lock().unwrap().0 -= 1;
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slow", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let mut config: Config = config();
    config.max_concurrent_calls = 3;
    config.max_pending_dispatches = 8;
    let em = Emulator::start(config).await.unwrap();
    let defs: Vec<Value> = (0..10)
        .map(|i| json!({"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": format!("{url}?{i}")}))
        .collect();
    let run = run_with(&em, &Value::Array(defs)).await;
    let ds = settled_dispatches(&em, run["id"].as_str().unwrap(), Duration::from_secs(10)).await;
    let most = in_flight.lock().unwrap().1;
    assert!(
        most <= 3 && most > 0,
        "{most} calls at once, the limit is 3"
    );
    let refused: Vec<&Value> = ds.iter().filter(|d| d["status"] == "FAILED").collect();
    assert_eq!(ds.iter().filter(|d| d["status"] == "SUCCEEDED").count(), 8);
    assert_eq!(
        refused.len(),
        2,
        "beyond 8 pending, events are recorded as failed"
    );
    assert!(
        refused[0]["calls"][0]["errorMessage"]
            .as_str()
            .unwrap()
            .contains("max_pending_dispatches")
    );
    em.shutdown().await;
}
