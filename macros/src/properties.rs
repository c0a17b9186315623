//! Property tests: the macro's parser and checks never panic, whatever tokens they get, and
//! always produce output (the definitions, or `compile_error!`s plus the fallback constant).

use crate::expand::expand;
use proc_macro2::TokenStream;
use proptest::prelude::*;
use std::str::FromStr;

/// Tokens the macro meets, well-formed or not.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "event_types",
            "request_url",
            "payload_template",
            "headers_template",
            "description",
            "idempotency_key",
            "should_interpolate_strings",
            "ignore_ssl_errors",
            "do_not_retry",
            "allow",
            "ACTOR",
            "RUN",
            "SUCCEEDED",
            "FAILED",
            "TIMED_OUT",
            "ACTOR_RUN_TERMINAL",
            "EventType",
            "requestUrl",
            "concat",
            "true",
            "false",
            "krate",
            "self",
            "crate",
        ])
        .prop_map(str::to_owned),
        prop::sample::select(vec![
            ":", ",", ".", ";", "::", "#", "!", "=", "-", "&", "{", "}", "[", "]", "(", ")",
        ])
        .prop_map(str::to_owned),
        prop::sample::select(vec![
            "\"https://example.com/x\"",
            "\"ACTOR.RUN.FAILED\"",
            "\"\"",
            "\"ftp://x\"",
            "r#\"{\"a\": {{resource}}}\"#",
            "\"{{userId}}\"",
            "\"{\\\"X\\\": \\\"1\\\"}\"",
            "1",
            "1.5",
            "b\"x\"",
            "'c'",
            "-0",
            "\"http://[::1]:80/a\"",
        ])
        .prop_map(str::to_owned),
        "\"[^\"\\\\]{0,12}\"",
    ]
}

/// A definition-shaped block with random field values.
fn definition() -> impl Strategy<Value = String> {
    let field = (
        prop::sample::select(vec![
            "event_types",
            "request_url",
            "payload_template",
            "headers_template",
            "description",
            "idempotency_key",
            "do_not_retry",
            "allow",
            "bogus_field",
        ]),
        proptest::collection::vec(token(), 0..4),
    )
        .prop_map(|(name, value)| format!("{name}: {}", value.join(" ")));
    proptest::collection::vec(field, 0..6).prop_map(|fields| format!("{{ {} }}", fields.join(", ")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn any_token_soup_expands_without_panicking(tokens in proptest::collection::vec(token(), 0..30)) {
        // Unbalanced delimiters are not a token stream at all; the compiler never passes them.
        if let Ok(input) = TokenStream::from_str(&format!("krate; {}", tokens.join(" "))) {
            prop_assert!(!expand(input).is_empty());
        }
    }

    #[test]
    fn definition_shaped_input_expands_without_panicking(defs in proptest::collection::vec(definition(), 0..4)) {
        if let Ok(input) = TokenStream::from_str(&format!("krate; {}", defs.join(", "))) {
            let out = expand(input).to_string();
            prop_assert!(out.contains("Webhooks"), "{out}");
        }
    }
}

#[test]
fn most_generated_inputs_are_token_streams() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = proptest::collection::vec(definition(), 0..4);
    let parsed = (0..500)
        .filter(|_| {
            let defs = strategy.new_tree(&mut runner).unwrap().current();
            TokenStream::from_str(&format!("krate; {}", defs.join(", "))).is_ok()
        })
        .count();
    // Otherwise the properties above would test little.
    assert!(parsed > 100, "only {parsed} of 500 parsed");
}
