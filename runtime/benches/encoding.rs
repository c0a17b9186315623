//! Three ways to get the `webhooks` run parameter for the docs' two webhooks: the macro
//! constant's `base64()`, encoding the same definitions at run time (with and without the
//! checks), and — when `bench/run.sh` passes `--js FILE` — the official JS client's
//! `stringifyWebhooksToBase64`, timed by `bench/js-encoding/bench.mjs` on the same input.
//!
//! `cargo bench -p apify-webhooks --bench encoding [-- --markdown] [--js FILE]`

use apify_webhooks::{EventType, WebhookDef, WebhookDefinition, WebhookSet, Webhooks, webhooks};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The docs' two webhooks (`reference/real-clients.md` §1), checked in the build.
const SEED: Webhooks = webhooks![
    {
        event_types: [ACTOR.RUN.FAILED],
        request_url: "https://example.com/run-failed",
    },
    {
        event_types: [ACTOR.RUN.SUCCEEDED],
        request_url: "https://example.com/run-succeeded",
        payload_template: r#"{"hello": "world", "resource":{{resource}}}"#,
    },
];

/// Counts allocations and allocated bytes.
struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: defers to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Median ns per call over 5 runs of at least 200 ms, and allocations and bytes per call.
fn measure<R>(mut f: impl FnMut() -> R) -> (f64, f64, f64) {
    for _ in 0..1000 {
        black_box(f());
    }
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let mut n = 0u64;
            while start.elapsed() < Duration::from_millis(200) {
                for _ in 0..100 {
                    black_box(f());
                }
                n += 100;
            }
            start.elapsed().as_secs_f64() * 1e9 / n as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    let (a0, b0) = (
        ALLOCS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    );
    for _ in 0..1000 {
        black_box(f());
    }
    let allocs = (ALLOCS.load(Ordering::Relaxed) - a0) as f64 / 1000.0;
    let bytes = (BYTES.load(Ordering::Relaxed) - b0) as f64 / 1000.0;
    (runs[2], allocs, bytes)
}

fn owned() -> Vec<WebhookDefinition> {
    vec![
        WebhookDefinition::new(
            [EventType::ActorRunFailed],
            "https://example.com/run-failed",
        ),
        WebhookDefinition::new(
            [EventType::ActorRunSucceeded],
            "https://example.com/run-succeeded",
        )
        .payload_template(r#"{"hello": "world", "resource":{{resource}}}"#),
    ]
}

/// ns per call of the JS client, from `bench.mjs --json`'s `{"ns_per_call": n}`.
fn js_ns(path: &str) -> Option<f64> {
    let text = std::fs::read_to_string(path).ok()?;
    let at = text.find("\"ns_per_call\"")?;
    let rest = text[at + 13..]
        .trim_start()
        .trim_start_matches(':')
        .trim_start();
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim().parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let js = args
        .iter()
        .position(|a| a == "--js")
        .and_then(|i| args.get(i + 1))
        .and_then(|p| js_ns(p));
    let borrowed = [
        WebhookDef::new(
            &[EventType::ActorRunFailed],
            "https://example.com/run-failed",
        ),
        WebhookDef::new(
            &[EventType::ActorRunSucceeded],
            "https://example.com/run-succeeded",
        )
        .with_payload_template(r#"{"hello": "world", "resource":{{resource}}}"#),
    ];
    let defs = owned();
    let expected = SEED.base64();
    assert_eq!(apify_webhooks::encode::to_base64(borrowed), expected);
    assert_eq!(
        WebhookSet::try_from_definitions(defs.clone())
            .unwrap()
            .base64(),
        expected
    );

    let rows = [
        (
            "`webhooks!` constant: `SEED.base64()`",
            measure(|| black_box(&SEED).base64()),
        ),
        (
            "run time, encode only: `encode::to_base64(&defs)`",
            measure(|| apify_webhooks::encode::to_base64(black_box(borrowed))),
        ),
        (
            "run time, check + encode: `WebhookSet::try_from_definitions(defs).base64()`",
            measure(|| {
                WebhookSet::try_from_definitions(black_box(&defs).iter().cloned())
                    .map(|s| s.base64())
            }),
        ),
    ];
    println!("| way | ns/call | allocations/call | bytes allocated/call | vs JS client |");
    println!("|---|---:|---:|---:|---:|");
    for (name, (ns, allocs, bytes)) in rows {
        let ratio = js.map_or(String::new(), |js| match js / ns {
            r if r >= 10.0 => format!("{r:.0}× faster"),
            r if r >= 1.0 => format!("{r:.1}× faster"),
            r => format!("{:.1}× slower", 1.0 / r),
        });
        println!("| {name} | {ns:.1} | {allocs:.0} | {bytes:.0} | {ratio} |");
    }
    if let Some(js) = js {
        println!(
            "| JS client 2.25.0: `stringifyWebhooksToBase64(webhooks)` (Node) | {js:.1} | (V8 heap, not counted) | | (reference) |"
        );
    }
}
