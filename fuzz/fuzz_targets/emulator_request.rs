//! The emulator's request handling on arbitrary requests: the first byte picks a route and
//! method, the next bytes (up to a newline) are appended to its path as the id and query, and the
//! rest is the body. Any 5xx, or a 4xx without the platform's error envelope, panics (see
//! `apify_webhooks_emulator::fuzzing`).
#![no_main]

use apify_webhooks_emulator::fuzzing::Harness;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const ROUTES: &[(&str, &str)] = &[
    ("POST", "/v2/acts/scripted~succeeds/runs"),
    ("POST", "/v2/actors/scripted~fails/run-sync"),
    ("POST", "/v2/actor-tasks/"),
    ("POST", "/v2/webhooks"),
    ("GET", "/v2/webhooks/"),
    ("DELETE", "/v2/webhooks/"),
    ("POST", "/v2/webhooks/"),
    ("GET", "/v2/webhook-dispatches/"),
    ("GET", "/v2/actor-runs/"),
    ("POST", "/v2/actor-runs/"),
    ("PUT", "/v2/key-value-stores/"),
    ("POST", "/v2/datasets/"),
    ("GET", "/v2/acts/"),
];

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(Harness::new)
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let (method, route) = ROUTES[pick as usize % ROUTES.len()];
    let cut = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len().min(40));
    let suffix = String::from_utf8_lossy(&rest[..cut]);
    let body = rest.get(cut + 1..).unwrap_or_default();
    harness().request(method, &format!("{route}{suffix}"), body);
});
