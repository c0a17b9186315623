//! Runs every record of the template conformance set (`tests/conformance/public.jsonl`, the
//! reference engine's verdicts and outputs) through our engine and prints
//! `N passed, N failed`.
//!
//! Matching means the same verdict and error class, and for `ok` records the same
//! `output_json` byte for byte. `js_specific` records are held to the same standard: we chose
//! to copy V8's behaviour in every such group (number printing, integer-key order,
//! `__proto__` keys, prototype lookups, lone surrogates); see the README's template section.

use apify_webhooks_core::json::{JsObject, parse};
use apify_webhooks_core::template::{TemplateOptions, Variables, evaluate, evaluate_json};
use std::collections::BTreeMap;

struct Outcome {
    verdict: &'static str,
    class: Option<String>,
    output_json: Option<String>,
}

fn contexts() -> BTreeMap<String, JsObject> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/conformance/contexts.json"
    ))
    .unwrap();
    let all = parse(&text)
        .unwrap()
        .into_object()
        .expect("contexts.json is an object");
    all.iter()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.as_object().unwrap().clone(),
            )
        })
        .collect()
}

fn run(record: &serde_json::Value, contexts: &BTreeMap<String, JsObject>) -> Outcome {
    let Some(template) = record["template"].as_str() else {
        return Outcome {
            verdict: "error",
            class: Some("Error".into()),
            output_json: None,
        };
    };
    let allowed: Option<Vec<&str>> = record["allowedVariables"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect());
    let variables = match &allowed {
        Some(list) => Variables::Only(list),
        None => Variables::Any,
    };
    let options =
        TemplateOptions::interpolating(record["options"]["interpolateStrings"].as_bool().unwrap());
    let context = &contexts[record["context"].as_str().unwrap()];
    let direct = evaluate_json(template, variables, context, options);
    match evaluate(template, variables, context, options) {
        Ok(r) => {
            // The direct writer must send exactly the bytes the value tree serialises to.
            let output_json = r.to_json();
            assert_eq!(
                direct.as_ref().ok(),
                Some(&output_json),
                "evaluate_json differs on {template:?}"
            );
            Outcome {
                verdict: "ok",
                class: None,
                output_json,
            }
        }
        Err(e) => {
            let direct = direct.err().map(|d| d.class());
            assert_eq!(
                direct,
                Some(e.class()),
                "evaluate_json differs on {template:?}"
            );
            Outcome {
                verdict: "error",
                class: Some(e.class().as_str().into()),
                output_json: None,
            }
        }
    }
}

#[test]
fn public_conformance_set() {
    let contexts = contexts();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/conformance/public.jsonl"
    ))
    .unwrap();
    let (mut passed, mut failed, mut js_passed, mut js_failed) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in text.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let got = run(&record, &contexts);
        let want_class = record["error"]["class"].as_str().map(str::to_owned);
        let ok = got.verdict == record["verdict"].as_str().unwrap()
            && got.class == want_class
            && (got.verdict != "ok"
                || got.output_json.as_deref() == record["output_json"].as_str());
        let js = record["js_specific"].as_bool().unwrap_or(false);
        match (ok, js) {
            (true, false) => passed += 1,
            (false, false) => failed += 1,
            (true, true) => js_passed += 1,
            (false, true) => js_failed += 1,
        }
        if !ok {
            failures.push(format!(
                "{}: want {} {:?} {:?}\n      got {} {:?} {:?}",
                record["id"].as_str().unwrap(),
                record["verdict"],
                want_class,
                record["output_json"].as_str(),
                got.verdict,
                got.class,
                got.output_json
            ));
        }
    }
    for f in failures.iter().take(40) {
        eprintln!("{f}");
    }
    println!("js_specific: {js_passed} passed, {js_failed} failed");
    println!("conformance: {passed} passed, {failed} failed");
    assert_eq!(
        failed + js_failed,
        0,
        "{} conformance records differ from the reference",
        failed + js_failed
    );
}
