use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.SUCCEEDED],
    request_url: true,
}];

fn main() {}
