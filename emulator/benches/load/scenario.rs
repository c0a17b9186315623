//! The load scenario, shared by the `load` bench and the emulator's smoke test (which runs it
//! with tiny sizes in debug builds, so the bench keeps working without a release build in CI).

use apify_webhooks_emulator::time::{now_ms, parse_iso};
use apify_webhooks_emulator::{ActorSpec, Config, DEFAULT_TOKEN, Emulator, Outcome, Storage};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How much load each phase applies.
#[derive(Clone, Copy)]
pub struct Sizes {
    /// `POST /v2/webhooks` registrations.
    pub registrations: usize,
    /// Runs started, each with 2 ad-hoc webhooks.
    pub runs: usize,
    /// Persistent webhooks on the fan-out Actor; each of its runs fires all of them.
    pub fan_out_webhooks: usize,
    /// Fan-out runs per round (deliveries per round = webhooks × runs).
    pub fan_out_runs: usize,
    /// Requests in flight at once from the load generator.
    pub concurrency: usize,
    /// Runs started at a steady pace (runs/s) for the latency measure, and how many.
    pub paced_rate: u32,
    pub paced_runs: usize,
}

impl Sizes {
    pub const FULL: Sizes = Sizes {
        registrations: 5_000,
        runs: 2_000,
        fan_out_webhooks: 100,
        fan_out_runs: 100,
        concurrency: 32,
        paced_rate: 250,
        paced_runs: 1_000,
    };
    pub const QUICK: Sizes = Sizes {
        registrations: 50,
        runs: 20,
        fan_out_webhooks: 10,
        fan_out_runs: 5,
        concurrency: 4,
        paced_rate: 50,
        paced_runs: 10,
    };
}

/// What was measured.
pub struct Report {
    pub sizes: Sizes,
    pub registrations_per_sec: f64,
    pub runs_per_sec: f64,
    /// Deliveries/s while runs were being started (2 per run).
    pub run_deliveries_per_sec: f64,
    /// State change → delivery (ms) while runs were being started as fast as possible:
    /// p50, p99, max.
    pub run_latency_ms: (u64, u64, u64),
    /// The same at a steady `paced_rate` runs/s (2 deliveries each).
    pub paced_latency_ms: (u64, u64, u64),
    /// Deliveries/s in a fan-out burst (capacity).
    pub burst_deliveries_per_sec: f64,
    pub burst_latency_ms: (u64, u64, u64),
    /// Resident memory (MiB) after the first burst and after the second.
    pub rss_mib: (f64, f64),
    /// Live heap (MiB) at the same points, when the bench counts allocations.
    pub heap_mib: Option<(f64, f64)>,
    /// Finished dispatches kept on disk at the end.
    pub finished_dispatches: usize,
    /// Deliveries the receiver saw more than once (must be 0).
    pub duplicates: usize,
}

/// The receiver: counts deliveries and the latency of each, and notices duplicates.
#[derive(Default)]
struct Receiver {
    count: AtomicUsize,
    latencies_ms: Mutex<Vec<u64>>,
    seen: Mutex<std::collections::HashSet<String>>,
    duplicates: AtomicUsize,
}

async fn receive(State(r): State<Arc<Receiver>>, headers: axum::http::HeaderMap, body: Bytes) {
    let received = now_ms();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if let Some(at) = v["at"].as_str().and_then(parse_iso) {
        r.latencies_ms
            .lock()
            .unwrap()
            .push((received - at).max(0) as u64);
    }
    let dispatch = headers
        .get("x-apify-webhook-dispatch-id")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !r.seen.lock().unwrap().insert(dispatch) {
        r.duplicates.fetch_add(1, Ordering::Relaxed);
    }
    r.count.fetch_add(1, Ordering::Relaxed);
}

/// Counts live heap bytes, when installed as the global allocator (the bench does; the
/// smoke test does not, and reports no heap figure).
pub struct CountingAllocator;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static COUNTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

// SAFETY: defers to the system allocator and only adds bookkeeping.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        COUNTING.store(true, Ordering::Relaxed);
        LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
}

fn live_heap_mib() -> Option<f64> {
    COUNTING
        .load(Ordering::Relaxed)
        .then(|| LIVE_BYTES.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0))
}

/// Runs `total` requests, `concurrency` at a time; returns the seconds taken.
async fn drive<F, Fut>(total: usize, concurrency: usize, make: F) -> Result<f64, String>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let make = Arc::new(make);
    let start = Instant::now();
    let mut workers: tokio::task::JoinSet<Result<(), String>> = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (next, make) = (next.clone(), make.clone());
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return Ok(());
                }
                make(i).await?;
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done.map_err(|e| e.to_string())??;
    }
    Ok(start.elapsed().as_secs_f64())
}

async fn wait_for_count(r: &Receiver, want: usize, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    while r.count.load(Ordering::Relaxed) < want {
        if Instant::now() > deadline {
            return Err(format!(
                "only {} of {want} deliveries arrived within {limit:?}",
                r.count.load(Ordering::Relaxed)
            ));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(())
}

fn percentiles(mut v: Vec<u64>) -> (u64, u64, u64) {
    if v.is_empty() {
        return (0, 0, 0);
    }
    v.sort_unstable();
    let at = |p: f64| v[((v.len() as f64 * p) as usize).min(v.len() - 1)];
    (at(0.50), at(0.99), *v.last().unwrap())
}

/// Resident memory of this process, in MiB (Linux).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn base64(json: &str) -> String {
    apify_webhooks_core::encode::to_query_value(&apify_webhooks_core::encode::base64(
        json.as_bytes(),
    ))
}

/// Runs every phase and returns the figures.
pub async fn run(sizes: Sizes) -> Result<Report, String> {
    let receiver = Arc::new(Receiver::default());
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let instant = ActorSpec::Scripted {
        outcome: Outcome::Succeed,
        delay: Duration::ZERO,
    };
    let config = Config::default()
        .storage(if std::env::var_os("LOAD_MEMORY").is_some() {
            Storage::Memory
        } else {
            Storage::Dir(data.path().to_owned())
        })
        .actor("bench/instant", instant.clone())
        .actor("bench/fan-out", instant)
        .retry(Duration::from_millis(50), 3);
    let emulator = Emulator::start(config).await?;
    let api = emulator.url().to_owned();
    let http = reqwest::Client::new();
    let template = r#"{"at": {{resource.finishedAt}}, "run": {{eventData.actorRunId}}}"#;
    let template_json = serde_json::to_string(template).unwrap();

    // Registrations: ad-hoc webhooks on one run, each with its own idempotency key.
    let first: serde_json::Value = http
        .post(format!("{api}/v2/acts/bench~instant/runs?waitForFinish=10"))
        .bearer_auth(DEFAULT_TOKEN)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let run_id = first["data"]["id"].as_str().unwrap_or_default().to_owned();
    let (h, a) = (http.clone(), api.clone());
    let hook_for_reg = hook.clone();
    let secs = drive(sizes.registrations, sizes.concurrency, move |i| {
        let body = format!(
            r#"{{"isAdHoc": true, "eventTypes": ["ACTOR.RUN.ABORTED"], "condition": {{"actorRunId": "{run_id}"}}, "requestUrl": "{hook_for_reg}", "idempotencyKey": "bench-{i}"}}"#
        );
        let req = h.post(format!("{a}/v2/webhooks")).bearer_auth(DEFAULT_TOKEN).header("content-type", "application/json").body(body);
        async move { expect_status(req, 201).await }
    })
    .await?;
    let registrations_per_sec = sizes.registrations as f64 / secs;

    // Runs, each with 2 ad-hoc webhooks on SUCCEEDED.
    let defs = format!(
        r#"[{{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"requestUrl":"{hook}","payloadTemplate":{template_json}}},{{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"requestUrl":"{hook}?second","payloadTemplate":{template_json}}}]"#
    );
    let url = format!(
        "{api}/v2/acts/bench~instant/runs?webhooks={}",
        base64(&defs)
    );
    let (h, u) = (http.clone(), url.clone());
    let started = Instant::now();
    let secs = drive(sizes.runs, sizes.concurrency, move |_| {
        let url = u.clone();
        let req = h.post(url.clone()).bearer_auth(DEFAULT_TOKEN);
        async move { expect_status(req, 201).await }
    })
    .await?;
    let runs_per_sec = sizes.runs as f64 / secs;
    wait_for_count(&receiver, 2 * sizes.runs, Duration::from_secs(60)).await?;
    let run_deliveries_per_sec = (2 * sizes.runs) as f64 / started.elapsed().as_secs_f64();
    let run_latency_ms = percentiles(std::mem::take(&mut *receiver.latencies_ms.lock().unwrap()));

    // The same runs at a steady pace, well under capacity: the latency a user sees.
    let before = receiver.count.load(Ordering::Relaxed);
    let start = tokio::time::Instant::now();
    let mut paced = tokio::task::JoinSet::new();
    for i in 0..sizes.paced_runs {
        tokio::time::sleep_until(start + Duration::from_secs(i as u64) / sizes.paced_rate).await;
        let req = http.post(url.clone()).bearer_auth(DEFAULT_TOKEN);
        paced.spawn(async move { expect_status(req, 201).await });
    }
    while let Some(done) = paced.join_next().await {
        done.map_err(|e| e.to_string())??;
    }
    wait_for_count(
        &receiver,
        before + 2 * sizes.paced_runs,
        Duration::from_secs(60),
    )
    .await?;
    let paced_latency_ms = percentiles(std::mem::take(&mut *receiver.latencies_ms.lock().unwrap()));

    // Fan-out bursts: persistent webhooks on one Actor; each run fires all of them.
    let (h, a, k) = (http.clone(), api.clone(), hook.clone());
    let tj = template_json.clone();
    drive(sizes.fan_out_webhooks, sizes.concurrency, move |_| {
        let body = format!(
            r#"{{"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "condition": {{"actorId": "bench~fan-out"}}, "requestUrl": "{k}", "payloadTemplate": {tj}}}"#
        );
        let req = h.post(format!("{a}/v2/webhooks")).bearer_auth(DEFAULT_TOKEN).header("content-type", "application/json").body(body);
        async move { expect_status(req, 201).await }
    })
    .await?;
    let mut burst_rates = Vec::new();
    let mut rss = Vec::new();
    let mut heap = Vec::new();
    let mut burst_latency_ms = (0, 0, 0);
    for _round in 0..2 {
        let before = receiver.count.load(Ordering::Relaxed);
        let want = before + sizes.fan_out_webhooks * sizes.fan_out_runs;
        let (h, a) = (http.clone(), api.clone());
        let started = Instant::now();
        drive(sizes.fan_out_runs, sizes.concurrency, move |_| {
            let req = h
                .post(format!("{a}/v2/acts/bench~fan-out/runs"))
                .bearer_auth(DEFAULT_TOKEN);
            async move { expect_status(req, 201).await }
        })
        .await?;
        wait_for_count(&receiver, want, Duration::from_secs(120)).await?;
        burst_rates.push((want - before) as f64 / started.elapsed().as_secs_f64());
        burst_latency_ms = percentiles(std::mem::take(&mut *receiver.latencies_ms.lock().unwrap()));
        if !emulator.settle(Duration::from_secs(30)).await {
            return Err("dispatches still active 30 s after the burst".to_owned());
        }
        receiver.seen.lock().unwrap().clear();
        rss.push(rss_mib());
        heap.push(live_heap_mib());
    }
    let finished_dispatches = emulator.dispatches().len();
    emulator.shutdown().await;
    Ok(Report {
        sizes,
        registrations_per_sec,
        runs_per_sec,
        run_deliveries_per_sec,
        run_latency_ms,
        paced_latency_ms,
        burst_deliveries_per_sec: burst_rates.iter().copied().fold(0.0, f64::max),
        burst_latency_ms,
        rss_mib: (rss[0], rss[1]),
        heap_mib: heap[0].zip(heap[1]),
        finished_dispatches,
        duplicates: receiver.duplicates.load(Ordering::Relaxed),
    })
}

async fn expect_status(req: reqwest::RequestBuilder, want: u16) -> Result<(), String> {
    let resp = req.send().await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    if status != want {
        let body = resp.text().await.unwrap_or_default();
        return Err(format!("expected {want}, got {status}: {body}"));
    }
    Ok(())
}

impl Report {
    fn verdict(met: bool) -> &'static str {
        if met { "met" } else { "NOT met" }
    }

    /// The table for BENCHMARKS.md, with each goal's verdict.
    pub fn markdown(&self) -> String {
        let s = &self.sizes;
        let (p50, p99, max) = self.run_latency_ms;
        let (pp50, pp99, pmax) = self.paced_latency_ms;
        let (bp50, bp99, bmax) = self.burst_latency_ms;
        let per_burst = s.fan_out_webhooks * s.fan_out_runs;
        let mut out = String::from("| measure | result | goal |\n|---|---:|---|\n");
        let mut row = |measure: String, result: String, goal: String| {
            out.push_str(&format!("| {measure} | {result} | {goal} |\n"));
        };
        row(
            format!(
                "`POST /v2/webhooks` registrations ({} at {} in flight)",
                s.registrations, s.concurrency
            ),
            format!("{:.0}/s", self.registrations_per_sec),
            String::new(),
        );
        row(
            format!(
                "runs started, 2 ad-hoc webhooks each ({} runs at {} in flight)",
                s.runs, s.concurrency
            ),
            format!("{:.0}/s", self.runs_per_sec),
            String::new(),
        );
        row(
            "deliveries while those runs start and finish".to_owned(),
            format!("{:.0}/s", self.run_deliveries_per_sec),
            String::new(),
        );
        row(
            "state change → delivery at that saturating load: p50 / p99 / max".to_owned(),
            format!("{p50} / {p99} / {max} ms"),
            "(queueing included)".to_owned(),
        );
        row(
            format!(
                "state change → delivery at a steady {} runs/s ({} deliveries/s): p50 / p99 / max",
                s.paced_rate,
                2 * s.paced_rate
            ),
            format!("{pp50} / {pp99} / {pmax} ms"),
            format!("p99 under 20 ms: **{}**", Self::verdict(pp99 < 20)),
        );
        row(
            format!(
                "deliveries in a fan-out burst ({} webhooks × {} runs)",
                s.fan_out_webhooks, s.fan_out_runs
            ),
            format!("{:.0}/s", self.burst_deliveries_per_sec),
            format!(
                "at least 5,000/s: **{}** ({:.2}× the goal)",
                Self::verdict(self.burst_deliveries_per_sec >= 5000.0),
                self.burst_deliveries_per_sec / 5000.0
            ),
        );
        row(
            "state change → delivery in that burst: p50 / p99 / max".to_owned(),
            format!("{bp50} / {bp99} / {bmax} ms"),
            "(queueing included)".to_owned(),
        );
        row(
            format!(
                "resident memory after {per_burst} and after {} finished fan-out dispatches",
                2 * per_burst
            ),
            format!(
                "{:.1} → {:.1} MiB ({:+.1})",
                self.rss_mib.0,
                self.rss_mib.1,
                self.rss_mib.1 - self.rss_mib.0
            ),
            "(allocator pages kept after the burst's peak included)".to_owned(),
        );
        if let Some((a, b)) = self.heap_mib {
            // Less than 100 bytes per finished dispatch of the second burst counts as none.
            let flat = (b - a) * 1024.0 * 1024.0 < 100.0 * per_burst as f64;
            row(
                "live heap at the same two points".to_owned(),
                format!("{a:.1} → {b:.1} MiB ({:+.2})", b - a),
                format!(
                    "does not grow with finished dispatches: **{}**",
                    Self::verdict(flat)
                ),
            );
        }
        row(
            "finished dispatches on disk at the end / delivered twice".to_owned(),
            format!("{} / {}", self.finished_dispatches, self.duplicates),
            "none twice".to_owned(),
        );
        out
    }

    /// The same, as plain text.
    pub fn text(&self) -> String {
        format!(
            "apify-webhooks-emulator under load (loopback, in one process)\n\n{}",
            self.markdown()
        )
    }
}
