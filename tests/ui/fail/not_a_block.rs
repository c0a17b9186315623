use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![ACTOR.RUN.FAILED];

fn main() {}
