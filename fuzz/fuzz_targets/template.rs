//! The template engine on arbitrary text: no panic; the direct writer and the value tree agree;
//! the output is JSON; the work is linear (see `template::cost`).
#![no_main]

use apify_webhooks_core::json::{self, JsObject};
use apify_webhooks_core::template::{TemplateOptions, Variables, cost, evaluate, evaluate_json};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn context() -> &'static JsObject {
    static CONTEXT: OnceLock<JsObject> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        json::parse(r#"{"userId":"u1","createdAt":"2025-01-15T10:20:30.456Z","eventType":"ACTOR.RUN.SUCCEEDED","eventData":{"actorId":"a","actorRunId":"r"},"resource":{"id":"r","exitCode":0,"statusMessage":"C:\\","braces":"{{userId}}","list":[1,"two",null],"nested":{"a":{"b":true}},"10":"ten"}}"#)
            .unwrap()
            .into_object()
            .unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let Ok(template) = std::str::from_utf8(rest) else { return };
    let options = TemplateOptions::interpolating(flags & 1 == 1);
    let variables = if flags & 2 == 2 { Variables::Any } else { Variables::Platform };
    let tree = evaluate(template, variables, context(), options);
    let direct = evaluate_json(template, variables, context(), options);
    match (&tree, &direct) {
        (Ok(t), Ok(d)) => {
            assert_eq!(&t.to_json(), d);
            if let Some(text) = d {
                assert!(json::parse(text).is_ok(), "not JSON: {text}");
            }
        }
        (Err(t), Err(d)) => assert_eq!(t.class(), d.class()),
        _ => panic!("the writer and the tree disagree: {tree:?} vs {direct:?}"),
    }
    let c = cost(template, variables, context(), options);
    assert!(c.work <= 8 * (template.len() + c.inserted + c.grown) + 64, "{c:?}");
});
