//! The runtime against a failing API: a proxy in front of the emulator answers 503, then 429,
//! then forwards a create but drops the connection before the answer. The runtime retries,
//! and exactly one webhook exists in the end. Also: many concurrent registrations with one
//! idempotency key create one webhook, and many runs finishing at once fire each ad-hoc
//! webhook exactly once. Bounded: 30 s each.

use apify_webhooks::{
    Actor, ApifyClient, EventType, Registration, RunOptions, WebhookDefinition, WebhookSet,
};
use apify_webhooks_emulator::{ActorSpec, Config, DEFAULT_TOKEN, Emulator, Outcome};
use apify_webhooks_examples::Receiver;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A webhook to `receiver`'s `path` on SUCCEEDED (built at run time: the receiver listens on
/// port 0).
fn on_success(receiver: &str, path: &str) -> WebhookSet {
    let def = WebhookDefinition::new([EventType::ActorRunSucceeded], format!("{receiver}{path}"))
        .payload_template(r#"{"run": {{resource.id}}}"#);
    WebhookSet::try_from_definitions([def]).unwrap()
}

/// Registers every webhook of `set` from inside the run.
async fn register(actor: &Actor, set: &WebhookSet) -> Vec<Registration> {
    let mut out = Vec::new();
    for def in set.iter() {
        out.push(
            actor
                .add_webhook(def)
                .await
                .expect("the runtime retries through the faults"),
        );
    }
    out
}

fn emulator_config(delay: Duration) -> Config {
    Config::default().actor(
        "me/job",
        ActorSpec::Scripted {
            outcome: Outcome::Succeed,
            delay,
        },
    )
}

fn client(base: &str) -> ApifyClient {
    ApifyClient::builder()
        .token(DEFAULT_TOKEN)
        .base_url(base)
        .min_delay(Duration::from_millis(10))
        .max_retries(6)
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap()
}

/// Reads one HTTP/1.1 request (headers and a Content-Length body).
async fn read_request(
    stream: &mut tokio::net::TcpStream,
) -> Option<(String, String, Vec<(String, String)>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((method, path, headers, body))
}

/// A proxy that misbehaves on the first three `POST /v2/webhooks`; counts them.
async fn failing_proxy(upstream: String) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let creates = Arc::new(AtomicUsize::new(0));
    let counter = creates.clone();
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            let (http, upstream, counter) = (http.clone(), upstream.clone(), counter.clone());
            tokio::spawn(async move {
                let Some((method, path, headers, body)) = read_request(&mut stream).await else {
                    return;
                };
                let n = if method == "POST" && path.starts_with("/v2/webhooks") {
                    counter.fetch_add(1, Ordering::SeqCst)
                } else {
                    usize::MAX
                };
                let canned = |status: &str, kind: &str| {
                    let body = format!(r#"{{"error":{{"type":"{kind}","message":"injected"}}}}"#);
                    format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                };
                match n {
                    0 => {
                        return drop(
                            stream
                                .write_all(
                                    canned("503 Service Unavailable", "server-error").as_bytes(),
                                )
                                .await,
                        );
                    }
                    1 => {
                        return drop(
                            stream
                                .write_all(
                                    canned("429 Too Many Requests", "rate-limit-exceeded")
                                        .as_bytes(),
                                )
                                .await,
                        );
                    }
                    _ => {}
                }
                let mut req = http
                    .request(method.parse().unwrap(), format!("{upstream}{path}"))
                    .body(body);
                for (k, v) in &headers {
                    if !matches!(k.as_str(), "host" | "content-length" | "connection") {
                        req = req.header(k.as_str(), v.as_str());
                    }
                }
                let Ok(resp) = req.send().await else { return };
                let status = resp.status();
                let bytes = resp.bytes().await.unwrap_or_default();
                if n == 2 {
                    return; // created upstream; the answer is lost with the connection
                }
                let head = format!(
                    "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    status.as_u16(),
                    status.canonical_reason().unwrap_or(""),
                    bytes.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&bytes).await;
            });
        }
    });
    (url, creates)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_through_503_429_and_a_lost_answer_create_exactly_one_webhook() {
    tokio::time::timeout(Duration::from_secs(30), async {
        let emulator = Emulator::start(emulator_config(Duration::from_secs(60)))
            .await
            .unwrap();
        let run = client(emulator.url())
            .actor("me/job")
            .start(None, &RunOptions::new())
            .await
            .unwrap();
        let (proxy, creates) = failing_proxy(emulator.url().to_owned()).await;
        let actor = Actor::new(client(&proxy), run.id.clone());
        let registered = register(&actor, &on_success("http://127.0.0.1:9", "/from-the-run")).await;
        let Registration::Created(webhook) = &registered[0] else {
            panic!("{registered:?}")
        };
        assert_eq!(
            creates.load(Ordering::SeqCst),
            4,
            "503, 429, lost answer, then the answer"
        );
        let stored = emulator.webhooks();
        assert_eq!(stored.len(), 1, "exactly one webhook: {stored:?}");
        assert_eq!(stored[0]["id"].as_str(), Some(webhook.id.as_str()));
        emulator.shutdown().await;
    })
    .await
    .expect("bounded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_registrations_with_one_key_create_one_webhook() {
    tokio::time::timeout(Duration::from_secs(30), async {
        let emulator = Emulator::start(emulator_config(Duration::from_secs(60)))
            .await
            .unwrap();
        let c = client(emulator.url());
        let run = c
            .actor("me/job")
            .start(None, &RunOptions::new())
            .await
            .unwrap();
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let actor = Actor::new(c.clone(), run.id.clone());
                tokio::spawn(async move {
                    register(&actor, &on_success("http://127.0.0.1:9", "/hook")).await
                })
            })
            .collect();
        let mut ids = std::collections::HashSet::new();
        for t in tasks {
            match &t.await.unwrap()[0] {
                Registration::Created(w) => ids.insert(w.id.clone()),
                other => panic!("{other:?}"),
            };
        }
        assert_eq!(
            ids.len(),
            1,
            "40 concurrent registrations answered with one webhook"
        );
        assert_eq!(emulator.webhooks().len(), 1);
        emulator.shutdown().await;
    })
    .await
    .expect("bounded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_runs_finishing_at_once_fire_each_ad_hoc_webhook_once() {
    tokio::time::timeout(Duration::from_secs(30), async {
        let receiver = Receiver::start("127.0.0.1:0").await.unwrap();
        let at_start = Arc::new(on_success(&receiver.url, "/at-start"));
        let from_the_run = Arc::new(on_success(&receiver.url, "/from-the-run"));
        let emulator = Emulator::start(emulator_config(Duration::from_millis(400)))
            .await
            .unwrap();
        let c = client(emulator.url());
        const RUNS: usize = 60;
        let starts: Vec<_> = (0..RUNS)
            .map(|_| {
                let (c, at_start, from_the_run) =
                    (c.clone(), at_start.clone(), from_the_run.clone());
                tokio::spawn(async move {
                    let options = RunOptions::new().webhook_set(&at_start);
                    let run = c.actor("me/job").start(None, &options).await.unwrap();
                    register(&Actor::new(c.clone(), run.id.clone()), &from_the_run).await;
                    run.id
                })
            })
            .collect();
        let mut run_ids = Vec::new();
        for s in starts {
            run_ids.push(s.await.unwrap());
        }
        for id in &run_ids {
            c.wait_for_run(id).await.unwrap();
        }
        assert!(emulator.settle(Duration::from_secs(20)).await);
        let deliveries = receiver.deliveries.lock().unwrap().clone();
        for id in &run_ids {
            for path in ["/at-start", "/from-the-run"] {
                let n = deliveries
                    .iter()
                    .filter(|d| d.path == path && d.body["run"] == id.as_str())
                    .count();
                assert_eq!(n, 1, "run {id}, {path}: {n} deliveries");
            }
        }
        assert_eq!(deliveries.len(), 2 * RUNS);
        emulator.shutdown().await;
    })
    .await
    .expect("bounded");
}
