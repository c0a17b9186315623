// Values passed through a caller's own macro_rules! still work.
use apify_webhooks::{webhooks, Webhooks};

macro_rules! hook {
    ($url:expr) => {
        webhooks![{ event_types: [ACTOR.RUN.SUCCEEDED], request_url: $url }]
    };
}

const HOOKS: Webhooks = hook!("https://example.com/from-macro");

fn main() {
    assert_eq!(HOOKS.as_slice()[0].request_url, "https://example.com/from-macro");
}
