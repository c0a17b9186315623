use apify_webhooks::{webhooks, Webhooks};

const IN_CONST: Webhooks = webhooks![{ event_types: [ACTOR.RUN.FAILED], request_url: "https://example.com/a" }];
static IN_STATIC: Webhooks = webhooks![{ event_types: [ACTOR.RUN.FAILED], request_url: "https://example.com/a" }];
const PARAM: &str = IN_CONST.base64();
const EMPTY: Webhooks = webhooks![];

fn main() {
    let as_expression = webhooks![{ event_types: [ACTOR.RUN.FAILED], request_url: "https://example.com/a" }];
    assert_eq!(as_expression, IN_CONST);
    assert_eq!(IN_STATIC.base64(), PARAM);
    assert!(EMPTY.is_empty());
    assert_eq!(EMPTY.base64(), "W10=");
    let passed_along: &'static str = IN_STATIC.json();
    assert!(passed_along.starts_with("[{\"eventTypes\""));
}
