//! The emulator end to end on 127.0.0.1: runs started with webhooks, ad-hoc webhooks created
//! from a run, real deliveries to a local receiver, retries, restarts, auth and malformed
//! input. Every wait is bounded.

use apify_webhooks_core::encode;
use apify_webhooks_emulator::{ActorSpec, Config, Emulator, Outcome, Storage};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOKEN: &str = "e2e-token";

/// A webhook receiver that records deliveries and answers with scripted statuses.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
}

impl Receiver {
    async fn start(statuses: Vec<u16>) -> Receiver {
        type Shared = (Arc<Mutex<Vec<(HeaderMap, Value)>>>, Arc<Mutex<Vec<u16>>>);
        let got: Arc<Mutex<Vec<(HeaderMap, Value)>>> = Arc::default();
        let script = Arc::new(Mutex::new(statuses));
        let app = axum::Router::new()
            .fallback(
                |State((got, script)): State<Shared>,
                 headers: HeaderMap,
                 body: axum::body::Bytes| async move {
                    let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    got.lock().unwrap().push((headers, value));
                    let mut s = script.lock().unwrap();
                    let code = if s.is_empty() { 200 } else { s.remove(0) };
                    (StatusCode::from_u16(code).unwrap(), "received")
                },
            )
            .with_state((got.clone(), script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, got }
    }

    fn deliveries(&self) -> Vec<(HeaderMap, Value)> {
        self.got.lock().unwrap().clone()
    }
}

fn config() -> Config {
    Config::default()
        .token(TOKEN, "user1")
        .retry(Duration::from_millis(30), 3)
        .dispatch_timeout(Duration::from_secs(5))
        .actor(
            "me/ok",
            ActorSpec::Scripted {
                outcome: Outcome::Succeed,
                delay: Duration::from_millis(50),
            },
        )
        .actor(
            "me/broken",
            ActorSpec::Scripted {
                outcome: Outcome::Fail,
                delay: Duration::from_millis(50),
            },
        )
        .actor(
            "me/slow",
            ActorSpec::Scripted {
                outcome: Outcome::Succeed,
                delay: Duration::from_secs(30),
            },
        )
        .task("me/ok-task", "me/ok")
}

async fn call(
    em: &Emulator,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", em.url()))
        .bearer_auth(TOKEN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn post(em: &Emulator, path: &str) -> (u16, Value) {
    call(em, reqwest::Method::POST, path, None).await
}

async fn get(em: &Emulator, path: &str) -> (u16, Value) {
    call(em, reqwest::Method::GET, path, None).await
}

fn webhooks_param(defs: Value) -> String {
    encode::to_query_value(&encode::base64(defs.to_string().as_bytes()))
}

async fn bounded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("test took too long")
}

#[tokio::test]
async fn run_start_webhooks_fire_with_the_default_payload() {
    bounded(async {
        let em = Emulator::start(config()).await.unwrap();
        let rx = Receiver::start(vec![]).await;
        let param = webhooks_param(json!([
            {"eventTypes": ["ACTOR.RUN.CREATED"], "requestUrl": format!("{}/created", rx.url)},
            {"eventTypes": ["ACTOR.RUN.SUCCEEDED", "ACTOR.RUN.FAILED"], "requestUrl": format!("{}/finished", rx.url)},
            {"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": format!("{}/failed", rx.url)},
        ]));
        let (status, run) = call(&em, reqwest::Method::POST, &format!("/v2/actors/me~ok/runs?webhooks={param}&waitForFinish=10"), Some(json!({"foo": "bar"}))).await;
        assert_eq!(status, 201, "{run}");
        assert_eq!(run["data"]["status"], "SUCCEEDED");
        assert!(em.settle(Duration::from_secs(10)).await);
        let got = rx.deliveries();
        let events: Vec<_> = got.iter().map(|(_, b)| b["eventType"].as_str().unwrap().to_owned()).collect();
        assert_eq!(events, ["ACTOR.RUN.CREATED", "ACTOR.RUN.SUCCEEDED"], "the FAILED webhook must not fire");
        let (headers, body) = &got[1];
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(headers["x-apify-request-origin"], "WEBHOOK");
        assert!(headers.contains_key("x-apify-webhook") && headers.contains_key("x-apify-webhook-dispatch-id"));
        assert_eq!(body["userId"], "user1");
        assert_eq!(body["resource"]["id"], run["data"]["id"]);
        assert_eq!(body["resource"]["status"], "SUCCEEDED");
        assert_eq!(body["eventData"], json!({"actorId": "me~ok", "actorRunId": run["data"]["id"]}));
        // The input is stored as the run's INPUT record.
        let kvs = run["data"]["defaultKeyValueStoreId"].as_str().unwrap();
        let (_, input) = get(&em, &format!("/v2/key-value-stores/{kvs}/records/INPUT")).await;
        assert_eq!(input, json!({"foo": "bar"}));
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn every_run_event_type_fires_at_most_once() {
    bounded(async {
        let em = Emulator::start(config().actor(
            "me/times-out",
            ActorSpec::Scripted {
                outcome: Outcome::TimeOut,
                delay: Duration::from_millis(10),
            },
        ))
        .await
        .unwrap();
        let rx = Receiver::start(vec![]).await;
        // One webhook per event type: an ad-hoc webhook fires at most once in all.
        let all = Value::Array(
            [
                "CREATED",
                "SUCCEEDED",
                "FAILED",
                "TIMED_OUT",
                "ABORTED",
                "RESURRECTED",
            ]
            .iter()
            .map(|e| json!({"eventTypes": [format!("ACTOR.RUN.{e}")], "requestUrl": rx.url}))
            .collect(),
        );
        let param = webhooks_param(all);
        for (actor, extra) in [
            ("me~ok", ""),
            ("me~broken", ""),
            ("me~times-out", "&timeout=1"),
        ] {
            post(
                &em,
                &format!("/v2/actors/{actor}/runs?webhooks={param}&waitForFinish=10{extra}"),
            )
            .await;
        }
        let (_, slow) = post(&em, &format!("/v2/actors/me~slow/runs?webhooks={param}")).await;
        let slow_id = slow["data"]["id"].as_str().unwrap().to_owned();
        let (_, aborted) = post(&em, &format!("/v2/actor-runs/{slow_id}/abort")).await;
        assert_eq!(aborted["data"]["status"], "ABORTING");
        let (_, done) = get(&em, &format!("/v2/actor-runs/{slow_id}?waitForFinish=10")).await;
        assert_eq!(done["data"]["status"], "ABORTED");
        let (_, res) = post(&em, &format!("/v2/actor-runs/{slow_id}/resurrect")).await;
        assert_eq!(res["data"]["status"], "RUNNING");
        post(&em, &format!("/v2/actor-runs/{slow_id}/abort")).await;
        get(&em, &format!("/v2/actor-runs/{slow_id}?waitForFinish=10")).await;
        assert!(em.settle(Duration::from_secs(10)).await);
        let mut events: Vec<String> = rx
            .deliveries()
            .iter()
            .map(|(_, b)| b["eventType"].as_str().unwrap().to_owned())
            .collect();
        events.sort();
        assert_eq!(
            events,
            [
                "ACTOR.RUN.ABORTED",
                "ACTOR.RUN.CREATED",
                "ACTOR.RUN.CREATED",
                "ACTOR.RUN.CREATED",
                "ACTOR.RUN.CREATED",
                "ACTOR.RUN.FAILED",
                "ACTOR.RUN.RESURRECTED",
                "ACTOR.RUN.SUCCEEDED",
                "ACTOR.RUN.TIMED_OUT",
            ],
            "a second ABORTED after the resurrection must not fire the ad-hoc webhook again"
        );
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn an_ad_hoc_webhook_fires_once_in_all() {
    bounded(async {
        let em = Emulator::start(config()).await.unwrap();
        let rx = Receiver::start(vec![]).await;
        let param = webhooks_param(json!([{"eventTypes": ["ACTOR.RUN.CREATED", "ACTOR.RUN.SUCCEEDED"], "requestUrl": rx.url}]));
        post(&em, &format!("/v2/actors/me~ok/runs?webhooks={param}&waitForFinish=10")).await;
        assert!(em.settle(Duration::from_secs(10)).await);
        let events: Vec<_> = rx.deliveries().iter().map(|(_, b)| b["eventType"].as_str().unwrap().to_owned()).collect();
        assert_eq!(events, ["ACTOR.RUN.CREATED"], "CREATED comes first, and the webhook is then spent");
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn ad_hoc_webhooks_from_a_run_are_idempotent_and_use_templates() {
    bounded(async {
        let em = Emulator::start(config()).await.unwrap();
        let rx = Receiver::start(vec![]).await;
        let (_, run) = post(&em, "/v2/actors/me~slow/runs").await;
        let run_id = run["data"]["id"].as_str().unwrap().to_owned();
        let body = json!({
            "eventTypes": ["ACTOR.RUN.ABORTED"],
            "requestUrl": format!("{}/hook", rx.url),
            "payloadTemplate": "{\"run\": {{resource.id}}, \"msg\": \"run {{resource.id}} {{resource.status}}\", \"code\": \"{{resource.exitCode}}\"}",
            "headersTemplate": "{\"X-Run\": {{resource.id}}}",
            "shouldInterpolateStrings": true,
            "idempotencyKey": format!("{run_id}-abort"),
            "isAdHoc": true,
            "condition": {"actorRunId": run_id},
        });
        let (s1, w1) = call(&em, reqwest::Method::POST, "/v2/webhooks", Some(body.clone())).await;
        let (s2, w2) = call(&em, reqwest::Method::POST, "/v2/webhooks", Some(body)).await;
        assert_eq!((s1, s2), (201, 201));
        assert_eq!(w1["data"]["id"], w2["data"]["id"], "the same key returns the same webhook");
        assert_eq!(em.webhooks().len(), 1);
        post(&em, &format!("/v2/actor-runs/{run_id}/abort")).await;
        assert!(em.settle(Duration::from_secs(10)).await);
        let got = rx.deliveries();
        assert_eq!(got.len(), 1);
        let (headers, payload) = &got[0];
        assert_eq!(headers["x-run"], run_id.as_str());
        assert_eq!(payload, &json!({"run": run_id, "msg": format!("run {run_id} ABORTED"), "code": null}));
        let (_, list) = get(&em, &format!("/v2/webhooks/{}/dispatches", w1["data"]["id"].as_str().unwrap())).await;
        assert_eq!(list["data"]["items"][0]["status"], "SUCCEEDED");
        assert_eq!(list["data"]["items"][0]["calls"][0]["responseStatus"], 200);
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn failed_calls_are_retried_and_do_not_retry_means_once() {
    bounded(async {
        let em = Emulator::start(config()).await.unwrap();
        let rx = Receiver::start(vec![500, 503]).await;
        let param = webhooks_param(json!([{"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": rx.url}]));
        post(&em, &format!("/v2/actors/me~ok/runs?webhooks={param}&waitForFinish=10")).await;
        assert!(em.settle(Duration::from_secs(10)).await);
        let d = &em.dispatches()[0];
        assert_eq!(d["status"], "SUCCEEDED");
        let calls = d["calls"].as_array().unwrap();
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[0]["errorMessage"], "Endpoint responded with HTTP status code 500");
        let ids: Vec<_> = rx.deliveries().iter().map(|(h, _)| h["x-apify-webhook-dispatch-id"].clone()).collect();
        assert!(ids.windows(2).all(|w| w[0] == w[1]), "retries keep the dispatch id");

        let rx2 = Receiver::start(vec![500; 5]).await;
        let param = webhooks_param(json!([
            {"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": format!("{}/once", rx2.url), "doNotRetry": true},
            {"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": format!("{}/all", rx2.url)},
        ]));
        post(&em, &format!("/v2/actors/me~broken/runs?webhooks={param}&waitForFinish=10")).await;
        assert!(em.settle(Duration::from_secs(10)).await);
        let ds = em.dispatches();
        let calls = |i: usize| ds[i]["calls"].as_array().unwrap().len();
        assert_eq!((ds[1]["status"].as_str(), calls(1)), (Some("FAILED"), 1), "doNotRetry: one attempt");
        assert_eq!((ds[2]["status"].as_str(), calls(2)), (Some("FAILED"), 4), "3 retries configured");
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn a_payload_that_fails_to_render_fails_the_dispatch_without_retrying() {
    bounded(async {
        let em = Emulator::start(config()).await.unwrap();
        let rx = Receiver::start(vec![]).await;
        // Valid at creation (every variable is null then); at dispatch the run id is spliced
        // inside the string after "C:\\", which the platform's quote counting gets wrong.
        let param = webhooks_param(
            json!([{"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": rx.url,
            "payloadTemplate": "[\"C:\\\\\", \"{{userId}}\", \"D:\\\\\", {{resource.id}}]"}]),
        );
        let (status, _) = post(
            &em,
            &format!("/v2/actors/me~ok/runs?webhooks={param}&waitForFinish=10"),
        )
        .await;
        assert_eq!(status, 201);
        assert!(em.settle(Duration::from_secs(10)).await);
        let d = &em.dispatches()[0];
        assert_eq!(d["status"], "FAILED");
        assert_eq!(d["calls"].as_array().unwrap().len(), 1);
        assert!(
            d["calls"][0]["errorMessage"]
                .as_str()
                .unwrap()
                .starts_with("Failed to handle dispatch: ")
        );
        assert!(rx.deliveries().is_empty());
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn malformed_webhooks_parameters_create_nothing() {
    bounded(async {
        let em = Emulator::start(config()).await.unwrap();
        let cases = [
            ("W10%3", "bad percent-encoding"),
            ("W10-", "URL-safe alphabet"),
            (&encode::base64(b"[{")[..], "not JSON"),
            (&encode::base64(b"{\"a\":1}")[..], "unknown field `a`"),
            (&webhooks_param(json!([{"eventTypes": ["ACTOR.RUN.FAILD"], "requestUrl": "https://e.com"}]))[..], "did you mean `ACTOR.RUN.FAILED`"),
            (&webhooks_param(json!([{"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": "e.com"}]))[..], "must be absolute"),
            (&webhooks_param(json!([{"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": "https://e.com", "payloadTemplate": "{{ userId }}"}]))[..], "remove the spaces"),
            (&webhooks_param(json!([{"eventTypes": ["ACTOR.BUILD.FAILED"], "requestUrl": "https://e.com"}]))[..], "ad-hoc"),
        ];
        for (param, needle) in cases {
            let (status, body) = post(&em, &format!("/v2/actors/me~ok/runs?webhooks={param}")).await;
            assert_eq!(status, 400, "{param}: {body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(needle), "{needle:?} not in {message:?}");
        }
        assert!(em.runs().is_empty() && em.webhooks().is_empty());
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn auth_envelopes_and_limits() {
    bounded(async {
        let em = Emulator::start(config()).await.unwrap();
        let http = reqwest::Client::new();
        let get_url = |url: String| http.get(url).send();
        let r = get_url(format!("{}/v2/actor-runs/x", em.url())).await.unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["type"], "token-not-provided");
        let r = get_url(format!("{}/v2/actor-runs/x?token=nope", em.url())).await.unwrap();
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["type"], "invalid-token");
        let r = get_url(format!("{}/v2/actor-runs/x?token={TOKEN}", em.url())).await.unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["type"], "record-not-found");
        let (s, b) = post(&em, "/v2/actors/nobody~nothing/runs").await;
        assert_eq!((s, b["error"]["type"].as_str()), (404, Some("record-not-found")));
        let big = vec![b'x'; apify_webhooks_emulator::MAX_BODY + 1];
        let r = http.post(format!("{}/v2/actors/me~ok/runs", em.url())).bearer_auth(TOKEN).body(big).send().await.unwrap();
        assert_eq!(r.status(), 413);
        // A gzip-compressed run input, as the Python client sends large bodies.
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(br#"{"compressed": true}"#).unwrap();
        let r = http
            .post(format!("{}/v2/actor-tasks/me~ok-task/runs?waitForFinish=10", em.url()))
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(gz.finish().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let run: Value = r.json().await.unwrap();
        assert_eq!(run["data"]["actorTaskId"], "me~ok-task");
        let kvs = run["data"]["defaultKeyValueStoreId"].as_str().unwrap();
        let (_, input) = get(&em, &format!("/v2/key-value-stores/{kvs}/records/INPUT")).await;
        assert_eq!(input, json!({"compressed": true}));
        // Ad-hoc webhooks need a run condition.
        let (s, b) = call(&em, reqwest::Method::POST, "/v2/webhooks", Some(json!({"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": "https://e.com", "isAdHoc": true, "condition": {"actorId": "me~ok"}}))).await;
        assert_eq!((s, b["error"]["message"].as_str()), (400, Some("Ad hoc webhook can only be set for Actor runs.")));
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn pending_dispatches_survive_a_restart() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let cfg = || {
            config()
                .storage(Storage::Dir(dir.path().to_owned()))
                .retry(Duration::from_millis(400), 5)
        };
        let rx = Receiver::start(vec![500]).await;
        let em = Emulator::start(cfg()).await.unwrap();
        let param =
            webhooks_param(json!([{"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": rx.url}]));
        let (_, run) = post(
            &em,
            &format!("/v2/actors/me~ok/runs?webhooks={param}&waitForFinish=10"),
        )
        .await;
        // The first attempt fails (500); stop while the retry is pending.
        for _ in 0..100 {
            if !rx.deliveries().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let pending = em.dispatches();
        assert_eq!(pending[0]["status"], "ACTIVE");
        em.shutdown().await;

        let em = Emulator::start(cfg()).await.unwrap();
        assert_eq!(
            em.run(run["data"]["id"].as_str().unwrap()).unwrap()["status"],
            "SUCCEEDED"
        );
        assert!(em.settle(Duration::from_secs(10)).await);
        let after = em.dispatches();
        assert_eq!(after.len(), 1);
        assert_eq!(
            after[0]["id"], pending[0]["id"],
            "the same dispatch resumes"
        );
        assert_eq!(after[0]["status"], "SUCCEEDED");
        let got = rx.deliveries();
        assert_eq!(
            got.len(),
            2,
            "one failed call before the restart, one success after"
        );
        assert_eq!(
            got[0].0["x-apify-webhook-dispatch-id"],
            got[1].0["x-apify-webhook-dispatch-id"]
        );
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn command_actors_get_the_platform_environment() {
    bounded(async {
        let script = "echo run=$ACTOR_RUN_ID home=$APIFY_IS_AT_HOME api=$APIFY_API_BASE_URL; exit ${EXIT_WITH:-0}";
        let cmd = |code: &str| ActorSpec::Command {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
            env: vec![("EXIT_WITH".into(), code.into())],
            cwd: None,
        };
        let sleeper = ActorSpec::Command { program: "sleep".into(), args: vec!["30".into()], env: vec![], cwd: None };
        let em = Emulator::start(config().actor("me/sh-ok", cmd("0")).actor("me/sh-fail", cmd("3")).actor("me/sleeper", sleeper)).await.unwrap();
        let (_, ok) = post(&em, "/v2/actors/me~sh-ok/runs?waitForFinish=20").await;
        assert_eq!((ok["data"]["status"].as_str(), ok["data"]["exitCode"].as_i64()), (Some("SUCCEEDED"), Some(0)));
        let id = ok["data"]["id"].as_str().unwrap();
        // Output reaches the log slightly after exit; wait for it.
        let mut log = String::new();
        for _ in 0..50 {
            (_, log) = match get(&em, &format!("/v2/actor-runs/{id}/log")).await {
                (s, Value::String(t)) => (s, t),
                (s, v) => (s, v.to_string()),
            };
            if !log.is_empty() { break; }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(log.trim(), format!("run={id} home=1 api={}", em.url()));
        let (_, failed) = post(&em, "/v2/actors/me~sh-fail/runs?waitForFinish=20").await;
        assert_eq!((failed["data"]["status"].as_str(), failed["data"]["exitCode"].as_i64()), (Some("FAILED"), Some(3)));
        let (_, timed) = post(&em, "/v2/actors/me~sleeper/runs?timeout=1&waitForFinish=20").await;
        assert_eq!(timed["data"]["status"], "TIMED-OUT");
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn shutdown_waits_for_a_call_in_flight_and_never_resends_it() {
    bounded(async {
        // A receiver that takes 600 ms to answer.
        let hits = Arc::new(Mutex::new(0));
        let h = hits.clone();
        let app = axum::Router::new().fallback(move || {
            let h = h.clone();
            async move {
                *h.lock().unwrap() += 1;
                tokio::time::sleep(Duration::from_millis(600)).await;
                "slow ok"
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let dir = tempfile::tempdir().unwrap();
        let cfg = || config().storage(Storage::Dir(dir.path().to_owned()));
        let em = Emulator::start(cfg()).await.unwrap();
        let param =
            webhooks_param(json!([{"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": url}]));
        post(
            &em,
            &format!("/v2/actors/me~ok/runs?webhooks={param}&waitForFinish=10"),
        )
        .await;
        for _ in 0..100 {
            if *hits.lock().unwrap() > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        em.shutdown().await; // the call is under way now
        let em = Emulator::start(cfg()).await.unwrap();
        let d = &em.dispatches()[0];
        assert_eq!(
            d["status"], "SUCCEEDED",
            "the call in flight was finished and recorded before stopping"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            *hits.lock().unwrap(),
            1,
            "and it is not sent again after the restart"
        );
        em.shutdown().await;
    })
    .await;
}

#[tokio::test]
async fn webhook_crud_test_dispatches_and_list_envelopes() {
    bounded(async {
        let em = Emulator::start(config()).await.unwrap();
        let rx = Receiver::start(vec![]).await;
        let body = json!({"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": format!("{}/crud", rx.url),
                          "payloadTemplate": "{\"e\": {{eventType}}, \"r\": {{resource}}}", "condition": {"actorId": "me~ok"}});
        let (status, created) = call(&em, reqwest::Method::POST, "/v2/webhooks", Some(body)).await;
        assert_eq!(status, 201);
        let id = created["data"]["id"].as_str().unwrap().to_owned();
        assert_eq!(created["data"]["isAdHoc"], false);
        let (status, got) = get(&em, &format!("/v2/webhooks/{id}")).await;
        assert_eq!((status, got["data"]["payloadTemplate"].is_string()), (200, true));
        let (_, list) = get(&em, "/v2/webhooks?limit=10&desc=1").await;
        assert_eq!(list["data"]["total"], 1);
        assert_eq!((list["data"]["limit"].as_u64(), list["data"]["desc"].as_bool()), (Some(10), Some(true)));
        assert!(list["data"]["items"][0].get("payloadTemplate").is_none(), "lists leave out the templates");

        // A test dispatch renders with a dummy resource and eventData null.
        let (status, test) = post(&em, &format!("/v2/webhooks/{id}/test")).await;
        assert_eq!((status, test["data"]["eventType"].as_str()), (201, Some("TEST")));
        // A non-ad-hoc webhook fires for every run of its Actor.
        post(&em, "/v2/actors/me~ok/runs?waitForFinish=10").await;
        post(&em, "/v2/actors/me~ok/runs?waitForFinish=10").await;
        assert!(em.settle(Duration::from_secs(10)).await);
        let events: Vec<String> = rx.deliveries().iter().map(|(_, b)| b["e"].as_str().unwrap().to_owned()).collect();
        assert_eq!(events, ["TEST", "ACTOR.RUN.SUCCEEDED", "ACTOR.RUN.SUCCEEDED"]);
        assert!(rx.deliveries()[0].1["r"]["joke"].is_string());
        let (_, ds) = get(&em, &format!("/v2/webhooks/{id}/dispatches")).await;
        assert_eq!(ds["data"]["count"], 3);
        let first = ds["data"]["items"][0]["id"].as_str().unwrap().to_owned();
        let (status, one) = get(&em, &format!("/v2/webhook-dispatches/{first}")).await;
        assert_eq!((status, one["data"]["eventData"].is_null()), (200, true));

        let r = reqwest::Client::new().delete(format!("{}/v2/webhooks/{id}", em.url())).bearer_auth(TOKEN).send().await.unwrap();
        assert_eq!(r.status(), 204);
        let (status, gone) = get(&em, &format!("/v2/webhooks/{id}")).await;
        assert_eq!((status, gone["error"]["type"].as_str()), (404, Some("record-not-found")));
        // Another user sees none of it.
        let other = reqwest::Client::new().get(format!("{}/v2/webhook-dispatches/{first}", em.url())).bearer_auth("apify-webhooks-local-token").send().await.unwrap();
        assert_eq!(other.status(), 404);
        em.shutdown().await;
    })
    .await;
}
