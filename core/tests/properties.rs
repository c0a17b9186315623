//! Property tests: no input makes a public function panic, errors point inside the input,
//! and every rendered payload is valid JSON.

use apify_webhooks_core::check::{check_definition, check_request_url};
use apify_webhooks_core::json::{JsObject, parse};
use apify_webhooks_core::template::{
    TemplateOptions, Variables, cost, evaluate, evaluate_json, findings, validate,
};
use apify_webhooks_core::{EventType, WebhookDef, decode, encode};
use proptest::prelude::*;

fn context() -> JsObject {
    parse(
        r#"{"userId":"u1","createdAt":"2025-01-15T10:20:30.456Z","eventType":"ACTOR.RUN.SUCCEEDED",
            "eventData":{"actorId":"a","actorRunId":"r"},
            "resource":{"id":"r","exitCode":0,"statusMessage":"C:\\","braces":"{{userId}}",
                        "list":[1,"two",null],"nested":{"a":{"b":true}}}}"#,
    )
    .unwrap()
    .into_object()
    .unwrap()
}

/// Template-like text: JSON punctuation, quotes, backslashes, braces and real variables.
fn template_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{userId}}".to_owned()),
        Just("{{resource.id}}".to_owned()),
        Just("{{resource}}".to_owned()),
        Just("{{resource.exitCode}}".to_owned()),
        Just("{{resource.braces}}".to_owned()),
        Just("{{resource.statusMessage}}".to_owned()),
        Just("{{ x }}".to_owned()),
        Just("{{".to_owned()),
        Just("}}".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("\"a\": ".to_owned()),
        Just("\"1\": ".to_owned()),
        prop::sample::select(vec![
            "1.50",
            "0.1",
            "-0",
            "1e5",
            "12345678901234567",
            "0.0000001",
            "-2.5",
            "0.000001"
        ])
        .prop_map(str::to_owned),
        Just("\"__proto__\": ".to_owned()),
        Just("\"{{userId}}\"".to_owned()),
        Just(", ".to_owned()),
        "[\\[\\]{}:,0-9a-z .\\-]{1,3}",
        "\\PC{1,2}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn templates_never_panic_and_output_is_json(t in template_text(), interp: bool, any: bool) {
        let ctx = context();
        let vars = if any { Variables::Any } else { Variables::Platform };
        let options = TemplateOptions::interpolating(interp);
        let direct = evaluate_json(&t, vars, &ctx, options);
        match evaluate(&t, vars, &ctx, options) {
            Ok(r) => {
                if let Some(json) = r.to_json() {
                    prop_assert!(parse(&json).is_ok(), "rendered {json:?} is not JSON");
                }
                // The direct writer sends exactly what the value tree serialises to.
                prop_assert_eq!(direct.ok(), Some(r.to_json()));
            }
            Err(e) => {
                prop_assert_eq!(direct.err().map(|d| d.class()), Some(e.class()));
                prop_assert!(e.offset() <= t.len());
                prop_assert!(e.line() >= 1 && e.column() >= 1);
                prop_assert!(!e.message().is_empty());
                prop_assert!(e.excerpt().contains('^'));
                let _ = e.to_string();
            }
        }
        let _ = validate(&t, options);
        for f in findings(&t, options) {
            prop_assert!(f.span.0 <= f.span.1 && f.span.1 <= t.len());
            let _ = f.message();
        }
    }

    #[test]
    fn arbitrary_text_never_panics(t in "\\PC{0,64}", interp: bool) {
        let _ = validate(&t, TemplateOptions::interpolating(interp));
        let _ = check_request_url(&t);
        let _ = decode::from_param(&t);
        let _ = decode::from_json(&t);
        let _ = parse(&t);
    }

    #[test]
    fn definitions_never_panic_and_round_trip(
        url in "(https?://)?[a-z0-9.:@\\[\\]%/ ?#-]{0,40}",
        template in proptest::option::of(template_text()),
        headers in proptest::option::of(template_text()),
        key in proptest::option::of("\\PC{0,140}"),
        description in proptest::option::of("\\PC{0,330}"),
        events in proptest::collection::vec(0usize..12, 0..4),
        flags in proptest::array::uniform3(proptest::option::of(any::<bool>())),
    ) {
        let events: Vec<EventType> = events.into_iter().map(|i| EventType::ALL[i]).collect();
        let def = WebhookDef {
            event_types: &events,
            request_url: &url,
            payload_template: template.as_deref(),
            headers_template: headers.as_deref(),
            description: description.as_deref(),
            idempotency_key: key.as_deref(),
            should_interpolate_strings: flags[0],
            ignore_ssl_errors: flags[1],
            do_not_retry: flags[2],
        };
        if let Err(errors) = check_definition(&def, true) {
            prop_assert!(!errors.0.is_empty());
            let _ = errors.to_string();
        }
        // Whatever the definition, its encoding decodes back to the same definition.
        let decoded = decode::from_param(&encode::to_query_value(&encode::to_base64([def]))).unwrap();
        prop_assert_eq!(decoded, vec![def.to_owned_definition()]);
    }
}

/// Templates built to hit the engine's slow paths: strings ending in a backslash (where the
/// quote heuristic and the real string state disagree), variables inside strings and keys,
/// deep nesting, runs of braces, unclosed `{{`, and big insertions.
fn adversarial() -> impl Strategy<Value = String> {
    let unit = prop_oneof![
        Just(r#""a\\",{{userId}},"#.to_owned()),
        Just(r#"{"k\\": "{{userId}}", "#.to_owned()),
        Just(r#""{{resource}}\\", "#.to_owned()),
        Just("[[[[{{resource}}".to_owned()),
        Just("{{{{{{userId}}}}".to_owned()),
        Just("\"{{\"".to_owned()),
        Just("{{resource.braces}}".to_owned()),
        Just("{\"{{userId}}\": 1}".to_owned()),
        Just("\\\"\\\"\"".to_owned()),
        Just("{{".to_owned()),
    ];
    (proptest::collection::vec(unit, 1..6), 1usize..400)
        .prop_map(|(units, times)| units.concat().repeat(times))
}

/// The growth budget (16 × the template, at least 4 MiB), with room for the one insertion that
/// crosses it.
fn growth_bound(len: usize) -> usize {
    2 * (16 * len).max(4 << 20)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Work is linear: a constant times the template, the inserted text and the budgeted
    /// growth, for random and adversarial templates up to about 50 KB.
    #[test]
    fn render_work_is_linear_in_the_input(
        t in prop_oneof![template_text(), adversarial()],
        interp: bool,
        any: bool,
    ) {
        let ctx = context();
        let vars = if any { Variables::Any } else { Variables::Platform };
        let c = cost(&t, vars, &ctx, TemplateOptions::interpolating(interp));
        let bound = 8 * (t.len() + c.inserted + c.grown) + 64;
        prop_assert!(c.work <= bound, "work {} > {bound} for {} bytes ({c:?})", c.work, t.len());
        prop_assert!(c.grown <= growth_bound(t.len()), "grown {} for {} bytes", c.grown, t.len());
        // Insertions are bounded by the context: at most the largest value per variable.
        prop_assert!(c.inserted <= (t.matches("{{").count() + 1) * 400);
    }

    /// A valid `webhooks` parameter, mutated (bytes replaced, cut, inserted; or its JSON
    /// mutated and re-encoded), never panics the decoder; whatever it accepts re-encodes to
    /// something it decodes to the same definitions.
    #[test]
    fn mutated_parameters_are_rejected_or_decoded_without_panicking(
        url in "https://[a-z]{1,10}\\.com/[a-z?=&]{0,12}",
        template in proptest::option::of(template_text()),
        at in any::<proptest::sample::Index>(),
        junk in "\\PC{0,4}",
        mode in 0u8..5,
    ) {
        let events = [EventType::ActorRunSucceeded];
        let def = WebhookDef::new(&events, &url);
        let def = match &template { Some(t) => def.with_payload_template(t), None => def };
        let json = encode::to_json([def]);
        let b64 = encode::to_base64([def]);
        let cut = |s: &str| {
            let i = at.index(s.len() + 1);
            let mut i = i.min(s.len());
            while !s.is_char_boundary(i) { i -= 1; }
            i
        };
        // The boundary after the character at `i` (the character a replacement drops).
        let after = |s: &str, i: usize| s[i..].chars().next().map_or(i, |c| i + c.len_utf8());
        let mutated = match mode {
            0 => { let i = cut(&b64); format!("{}{junk}{}", &b64[..i], &b64[after(&b64, i)..]) }
            1 => b64[..cut(&b64)].to_owned(),
            2 => { let i = cut(&b64); format!("{}{junk}{}", &b64[..i], &b64[i..]) }
            3 => { let i = cut(&json); encode::base64(format!("{}{junk}{}", &json[..i], &json[after(&json, i)..]).as_bytes()) }
            _ => { let i = cut(&json); encode::base64(&json.as_bytes()[..i]) }
        };
        for input in [mutated.clone(), encode::to_query_value(&mutated)] {
            match decode::from_param(&input) {
                Ok(defs) => {
                    let again = encode::to_base64(&defs);
                    prop_assert_eq!(decode::from_param(&again).unwrap(), defs);
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
