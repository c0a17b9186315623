//! The client against a real HTTP server on 127.0.0.1: the exact requests each call sends,
//! retries, and every error path. Every test is bounded in time.

mod support;

use apify_webhooks::client::{ApiError, Error};
use apify_webhooks::{
    Actor, ApifyClient, EventType, Registration, RunOptions, RunStatus, WebhookDefinition,
    WebhookSet, Webhooks, webhooks,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{Reply, Server, run_json};

const TOKEN: &str = "test-token-secret";

const ON_FINISH: Webhooks = webhooks![
    { event_types: [ACTOR.RUN.FAILED], request_url: "https://example.com/run-failed" },
    {
        event_types: [ACTOR.RUN.SUCCEEDED],
        request_url: "https://example.com/run-succeeded",
        payload_template: r#"{"hello": "world", "resource":{{resource}}}"#,
    },
];

fn client(server: &Server) -> ApifyClient {
    ApifyClient::builder()
        .token(TOKEN)
        .base_url(&server.url)
        .max_retries(3)
        .min_delay(Duration::from_millis(5))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

async fn bounded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("test took too long")
}

fn assert_auth(r: &support::Recorded) {
    assert_eq!(r.header("authorization"), Some("Bearer test-token-secret"));
    assert!(
        !r.target.contains("token"),
        "the token must never be in the URL: {}",
        r.target
    );
}

#[tokio::test]
async fn start_actor_with_the_macro_constant_sends_the_js_client_request() {
    bounded(async {
        let server = Server::start(|_, _| Reply::Json(201, run_json("run1", "READY"))).await;
        let opts = RunOptions::new()
            .wait_for_finish(0)
            .timeout(Duration::from_secs(60))
            .memory_mbytes(256)
            .build("latest")
            .webhooks(&ON_FINISH)
            .max_items(10)
            .restart_on_error(true);
        let run = client(&server)
            .actor("someuser/my-actor")
            .start(Some(&serde_json::json!({"foo": "bar"})), &opts)
            .await
            .unwrap();
        assert_eq!((run.id.as_str(), run.status), ("run1", RunStatus::Ready));
        let reqs = server.requests();
        assert_eq!(reqs.len(), 1);
        let r = &reqs[0];
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.target,
            format!(
                "/v2/actors/someuser~my-actor/runs?waitForFinish=0&timeout=60&memory=256&build=latest&webhooks={}&maxItems=10&restartOnError=1",
                apify_webhooks::encode::to_query_value(ON_FINISH.base64())
            )
        );
        assert!(r.target.contains("fSJ9XQ%3D%3D&"), "webhooks are percent-encoded like the JS client's");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body, br#"{"foo":"bar"}"#);
        assert_auth(r);
    })
    .await;
}

#[tokio::test]
async fn every_run_endpoint_for_actors_and_tasks() {
    bounded(async {
        let server = Server::start(|r, _| {
            if r.target.contains("run-sync-get-dataset-items") {
                Reply::Json(201, r#"[{"a":1},{"a":2}]"#.into())
            } else if r.target.contains("run-sync") {
                Reply::Json(201, r#"{"output":true}"#.into())
            } else {
                Reply::Json(201, run_json("r", "RUNNING"))
            }
        })
        .await;
        let c = client(&server);
        let set = WebhookSet::from(&ON_FINISH);
        let opts = RunOptions::new().webhook_set(&set);
        c.task("someuser/my-task").start(None, &opts).await.unwrap();
        let out = c
            .actor("act1")
            .run_sync(None, &RunOptions::new())
            .await
            .unwrap();
        assert_eq!(out.body, br#"{"output":true}"#);
        let items = c
            .task("t1")
            .run_sync_get_dataset_items(Some(&serde_json::json!({})), &opts)
            .await
            .unwrap();
        assert_eq!(items.len(), 2);
        let targets: Vec<_> = server
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.target.split('?').next().unwrap()))
            .collect();
        assert_eq!(
            targets,
            [
                "POST /v2/actor-tasks/someuser~my-task/runs",
                "POST /v2/actors/act1/run-sync",
                "POST /v2/actor-tasks/t1/run-sync-get-dataset-items",
            ]
        );
        let reqs = server.requests();
        assert!(reqs[0].target.ends_with(&format!(
            "webhooks={}",
            apify_webhooks::encode::to_query_value(ON_FINISH.base64())
        )));
        assert!(reqs[0].body.is_empty() && reqs[1].body.is_empty());
        assert_eq!(reqs[2].body, b"{}");
    })
    .await;
}

#[tokio::test]
async fn call_polls_with_wait_for_finish_until_terminal() {
    bounded(async {
        let server = Server::start(|_, i| match i {
            0 => Reply::Json(201, run_json("r9", "READY")),
            1 => Reply::Json(200, run_json("r9", "RUNNING")),
            _ => Reply::Json(200, run_json("r9", "TIMED-OUT")),
        })
        .await;
        let run = client(&server)
            .actor("a")
            .call(None, &RunOptions::new())
            .await
            .unwrap();
        assert_eq!(run.status, RunStatus::TimedOut);
        let targets: Vec<_> = server
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.target))
            .collect();
        assert_eq!(
            targets,
            [
                "POST /v2/actors/a/runs",
                "GET /v2/actor-runs/r9?waitForFinish=60",
                "GET /v2/actor-runs/r9?waitForFinish=60"
            ]
        );
    })
    .await;
}

fn created(r: &support::Recorded, id: &str) -> Reply {
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    Reply::Json(
        201,
        serde_json::json!({"data": {"id": id, "isAdHoc": true, "eventTypes": body["eventTypes"], "requestUrl": body["requestUrl"],
            "idempotencyKey": body["idempotencyKey"], "condition": body["condition"], "createdAt": "2025-01-01T00:00:00.000Z"}})
        .to_string(),
    )
}

#[tokio::test]
async fn add_webhooks_sends_the_js_sdk_body_with_run_scoped_keys() {
    bounded(async {
        let server = Server::start(|r, i| created(r, &format!("wh{i}"))).await;
        let actor = Actor::new(client(&server), "capActorRunId0001");
        let regs = actor.add_webhooks(&ON_FINISH).await.unwrap();
        assert_eq!(regs.len(), 2);
        assert_eq!(regs[0].webhook().unwrap().id, "wh0");
        let reqs = server.requests();
        let key0 = apify_webhooks::run_scoped_key("capActorRunId0001", &ON_FINISH.as_slice()[0]);
        let key1 = apify_webhooks::run_scoped_key("capActorRunId0001", &ON_FINISH.as_slice()[1]);
        assert_ne!(key0, key1);
        assert_eq!(reqs[0].method, "POST");
        assert_eq!(reqs[0].target, "/v2/webhooks");
        assert_eq!(reqs[0].header("content-type"), Some("application/json"));
        assert_auth(&reqs[0]);
        assert_eq!(
            reqs[0].body_text(),
            format!(r#"{{"eventTypes":["ACTOR.RUN.FAILED"],"requestUrl":"https://example.com/run-failed","idempotencyKey":"{key0}","isAdHoc":true,"condition":{{"actorRunId":"capActorRunId0001"}}}}"#)
        );
        assert_eq!(
            reqs[1].body_text(),
            format!(r#"{{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"requestUrl":"https://example.com/run-succeeded","payloadTemplate":"{{\"hello\": \"world\", \"resource\":{{{{resource}}}}}}","idempotencyKey":"{key1}","isAdHoc":true,"condition":{{"actorRunId":"capActorRunId0001"}}}}"#)
        );
        // An explicit key overrides the derived one.
        let def = WebhookDefinition::new([EventType::ActorRunAborted], "https://example.com/x").idempotency_key("mine");
        actor.add_webhook(&def).await.unwrap();
        assert!(server.requests()[2].body_text().contains(r#""idempotencyKey":"mine""#));
    })
    .await;
}

#[tokio::test]
async fn bodies_of_a_kibibyte_or_more_are_gzipped() {
    bounded(async {
        let server = Server::start(|_, _| Reply::Json(201, run_json("r", "READY"))).await;
        let input = serde_json::json!({"big": "x".repeat(2000)});
        client(&server)
            .actor("a")
            .start(Some(&input), &RunOptions::new())
            .await
            .unwrap();
        client(&server)
            .actor("a")
            .start(Some(&serde_json::json!({"small": 1})), &RunOptions::new())
            .await
            .unwrap();
        let reqs = server.requests();
        assert_eq!(reqs[0].header("content-encoding"), Some("gzip"));
        let mut plain = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&reqs[0].body[..]),
            &mut plain,
        )
        .unwrap();
        assert_eq!(plain, serde_json::to_vec(&input).unwrap());
        assert_eq!(reqs[1].header("content-encoding"), None);
        assert_eq!(reqs[1].body, br#"{"small":1}"#);
    })
    .await;
}

#[tokio::test]
async fn off_the_platform_registration_is_skipped_without_a_request() {
    let reg = Actor::local().add_webhooks(&ON_FINISH).await.unwrap();
    assert_eq!(reg, [Registration::Skipped, Registration::Skipped]);
}

#[tokio::test]
async fn invalid_runtime_definitions_are_rejected_before_sending() {
    bounded(async {
        let server = Server::start(|r, i| created(r, &format!("wh{i}"))).await;
        let actor = Actor::new(client(&server), "run1");
        let bad = WebhookDefinition::new([EventType::ActorBuildFailed], "example.com/hook")
            .payload_template("{{ userId }}");
        let Err(Error::Invalid(errors)) = actor.add_webhook(&bad).await else {
            panic!("expected Invalid")
        };
        assert_eq!(errors.0.len(), 3, "{errors}");
        assert!(server.requests().is_empty());
        assert!(WebhookSet::new().push(bad).is_err());
    })
    .await;
}

#[tokio::test]
async fn retries_429_and_5xx_then_succeeds() {
    bounded(async {
        let server = Server::start(|_, i| match i {
            0 => Reply::Json(
                500,
                r#"{"error":{"type":"internal-server-error","message":"boom"}}"#.into(),
            ),
            1 => Reply::Json(
                429,
                r#"{"error":{"type":"rate-limit-exceeded","message":"slow down"}}"#.into(),
            ),
            _ => Reply::Json(201, run_json("r", "READY")),
        })
        .await;
        client(&server)
            .actor("a")
            .start(None, &RunOptions::new().webhooks(&ON_FINISH))
            .await
            .unwrap();
        let reqs = server.requests();
        assert_eq!(reqs.len(), 3);
        assert!(
            reqs.iter()
                .all(|r| r.target == reqs[0].target && r.body == reqs[0].body),
            "retries resend the identical request"
        );
    })
    .await;
}

#[tokio::test]
async fn other_4xx_fail_at_once_with_a_typed_error() {
    bounded(async {
        let server = Server::start(|_, _| {
            Reply::Json(400, r#"{"error":{"type":"invalid-input","message":"Input is not valid: Field input.foo is required"}}"#.into())
        })
        .await;
        let err = client(&server).actor("someuser/my-actor").start(None, &RunOptions::new()).await.unwrap_err();
        let Error::Api(ApiError { status, error_type, message, method, path, attempts }) = err else { panic!("{err}") };
        assert_eq!((status, error_type.as_deref(), attempts), (400, Some("invalid-input"), 1));
        assert_eq!(message, "Input is not valid: Field input.foo is required");
        assert_eq!((method.as_str(), path.as_str()), ("POST", "/v2/actors/someuser~my-actor/runs"));
        assert_eq!(server.requests().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn persistent_5xx_and_dropped_connections_give_up_after_the_limit() {
    bounded(async {
        let server = Server::start(|_, _| Reply::Json(503, "not json".into())).await;
        let Error::Api(e) = client(&server).get_run("r", None).await.unwrap_err() else {
            panic!()
        };
        assert_eq!((e.status, e.attempts), (503, 4));
        assert_eq!(e.message, "Unexpected error: not json");
        assert_eq!(server.requests().len(), 4);

        let server = Server::start(|_, _| Reply::Drop).await;
        let err = client(&server).get_run("r", None).await.unwrap_err();
        assert!(matches!(err, Error::Transport { attempts: 4, .. }), "{err}");
        assert_eq!(server.requests().len(), 4);
    })
    .await;
}

#[tokio::test]
async fn a_dropped_create_is_retried_without_creating_a_second_webhook() {
    bounded(async {
        // The server creates the webhook, then drops the connection before answering. The
        // client retries with the same idempotency key, and the server (like the platform)
        // returns the webhook it already has.
        let store: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let created_count = Arc::new(Mutex::new(0));
        let (s, n) = (store.clone(), created_count.clone());
        let server = Server::start(move |r, i| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            let key = body["idempotencyKey"].as_str().unwrap().to_owned();
            let mut store = s.lock().unwrap();
            match store.get(&key) {
                Some(id) => created(r, id),
                None => {
                    store.insert(key, format!("wh{i}"));
                    *n.lock().unwrap() += 1;
                    Reply::Drop
                }
            }
        })
        .await;
        let actor = Actor::new(client(&server), "run1");
        let reg = actor.add_webhook(ON_FINISH.as_slice()[0]).await.unwrap();
        assert_eq!(reg.webhook().unwrap().id, "wh0");
        assert_eq!(*created_count.lock().unwrap(), 1);
        let reqs = server.requests();
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[0].body, reqs[1].body);
    })
    .await;
}

#[test]
fn the_token_never_shows_in_debug_output_and_is_required() {
    let c = ApifyClient::builder().token(TOKEN).build().unwrap();
    assert!(!format!("{c:?}").contains(TOKEN));
    assert_eq!(c.base_url(), "https://api.apify.com");
    assert!(matches!(
        ApifyClient::builder().build(),
        Err(Error::MissingToken)
    ));
    assert!(matches!(
        ApifyClient::builder().token("").build(),
        Err(Error::MissingToken)
    ));
    assert!(matches!(
        ApifyClient::builder()
            .token("t")
            .base_url("ftp://x")
            .build(),
        Err(Error::Config(_))
    ));
    let c = ApifyClient::builder()
        .token("t")
        .base_url("http://127.0.0.1:9/v2/")
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "http://127.0.0.1:9");
}

#[test]
fn interop_values_for_the_apify_client_crate() {
    let values = WebhookSet::from(&ON_FINISH).to_json_values();
    assert_eq!(values.len(), 2);
    assert_eq!(
        values[1]["payloadTemplate"],
        r#"{"hello": "world", "resource":{{resource}}}"#
    );
    // serde_json (without `preserve_order`) sorts keys, as the apify-client crate will when it
    // writes them; the platform parses the JSON, so the same values are what counts.
    let parsed: Vec<serde_json::Value> = serde_json::from_str(ON_FINISH.json()).unwrap();
    assert_eq!(values, parsed);
}
