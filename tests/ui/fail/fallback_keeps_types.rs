use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.FAILD],
    request_url: "https://example.com/hook",
}];

fn main() {
    // Only the macro error is reported: HOOKS still has its type.
    let param: &'static str = HOOKS.base64();
    let count: usize = HOOKS.iter().count();
    let _ = (param, count);
}
