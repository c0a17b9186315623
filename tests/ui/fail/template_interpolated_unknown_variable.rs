use apify_webhooks::{webhooks, Webhooks};

const HOOKS: Webhooks = webhooks![{
    event_types: [ACTOR.RUN.SUCCEEDED],
    request_url: "https://example.com/hook",
    payload_template: r#"{"msg": "run {{run.id}} done"}"#,
    should_interpolate_strings: true,
}];

fn main() {}
