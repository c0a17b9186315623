//! From tokens to a checked `Webhooks` expression.
//!
//! Every problem is collected and reported at once, each spanned on its own token. After an
//! error the expansion still yields `Webhooks::EMPTY`, so the user's `const` keeps its type
//! and the rest of the crate (and the IDE) keeps working.

use crate::events::{self, EventItem};
use crate::fields::{self, FieldName};
use crate::input::{self, DefinitionInput};
use crate::warnings::{self, Warning};
use apify_webhooks_core::check::{
    self, DefinitionErrorKind, Field, HeadersError, check_event_types, check_request_url,
};
use apify_webhooks_core::template::{TemplateError, TemplateOptions, findings, line_col};
use apify_webhooks_core::{WebhookDefinition, encode};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use syn::Error;

/// Expands the macro input; never fails (errors become `compile_error!`s).
pub fn expand(input: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    let invocation = input::parse(input, &mut errors);
    let krate = if invocation.krate.is_empty() {
        quote!(::apify_webhooks)
    } else {
        invocation.krate.clone()
    };
    let mut definitions = Vec::new();
    let mut warnings = Vec::new();
    let mut keys: Vec<(String, usize)> = Vec::new();
    for (index, def) in invocation.definitions.iter().enumerate() {
        if let Some(d) = definition(def, &mut errors, &mut warnings) {
            if let Some(key) = &d.idempotency_key {
                match keys.iter().find(|(k, _)| k == key) {
                    Some((_, first)) => errors.push(Error::new(
                        key_span(def).unwrap_or(def.span),
                        format!(
                            "webhook {index} uses the same idempotency_key as webhook {first}; the \
                             platform creates only the first webhook with a key, so give each its own"
                        ),
                    )),
                    None => keys.push((key.clone(), index)),
                }
            }
            definitions.push(d);
        }
    }
    if let Some(first) = errors.first() {
        let mut all = first.clone();
        for e in &errors[1..] {
            all.combine(e.clone());
        }
        let compile_errors = all.to_compile_error();
        return quote! {
            {
                #compile_errors
                #krate::__private::Webhooks::EMPTY
            }
        };
    }
    let json = encode::to_json(&definitions);
    let base64 = encode::to_base64(&definitions);
    let defs = definitions.iter().map(|d| definition_tokens(&krate, d));
    let warnings = warnings.iter().map(Warning::to_tokens);
    quote! {
        {
            #(#warnings)*
            #krate::__private::Webhooks::from_parts(&[#(#defs),*], #json, #base64)
        }
    }
}

/// The span of a definition's `idempotency_key` value.
fn key_span(def: &DefinitionInput) -> Option<Span> {
    def.fields
        .iter()
        .find(|f| f.name == "idempotency_key")
        .and_then(|f| f.value.first())
        .map(proc_macro2::TokenTree::span)
}

fn option_str(value: &Option<String>) -> TokenStream {
    match value {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

fn option_bool(value: Option<bool>) -> TokenStream {
    match value {
        Some(b) => quote!(::core::option::Option::Some(#b)),
        None => quote!(::core::option::Option::None),
    }
}

fn definition_tokens(krate: &TokenStream, d: &WebhookDefinition) -> TokenStream {
    let events = d.event_types.iter().map(|e| {
        let variant = format_ident!("{}", format!("{e:?}"));
        quote!(#krate::__private::EventType::#variant)
    });
    let url = &d.request_url;
    let payload = option_str(&d.payload_template);
    let headers = option_str(&d.headers_template);
    let description = option_str(&d.description);
    let key = option_str(&d.idempotency_key);
    let interpolate = option_bool(d.should_interpolate_strings);
    let ssl = option_bool(d.ignore_ssl_errors);
    let retry = option_bool(d.do_not_retry);
    quote! {
        #krate::__private::WebhookDef {
            event_types: &[#(#events),*],
            request_url: #url,
            payload_template: #payload,
            headers_template: #headers,
            description: #description,
            idempotency_key: #key,
            should_interpolate_strings: #interpolate,
            ignore_ssl_errors: #ssl,
            do_not_retry: #retry,
        }
    }
}

/// A string field's value and the literal's span.
struct Spanned {
    value: String,
    span: Span,
}

#[derive(Default)]
struct Collected {
    events: Option<(Vec<EventItem>, Span)>,
    strings: Vec<(Field, Spanned)>,
    bools: Vec<(Field, bool)>,
    allow: Vec<(String, Span)>,
}

impl Collected {
    fn string(&self, field: Field) -> Option<&Spanned> {
        self.strings
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, s)| s)
    }
    fn boolean(&self, field: Field) -> Option<bool> {
        self.bools
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, b)| *b)
    }
}

/// Reads and checks one `{ ... }`; `None` if it has errors (all pushed to `errors`).
fn definition(
    def: &DefinitionInput,
    errors: &mut Vec<Error>,
    warnings_out: &mut Vec<Warning>,
) -> Option<WebhookDefinition> {
    let before = errors.len();
    let mut seen: Vec<(FieldName, Ident)> = Vec::new();
    // Fields the user meant but wrote wrongly: no "missing" error for them.
    let mut intended: Vec<FieldName> = def
        .broken
        .iter()
        .filter_map(|n| fields::resolve(n).ok())
        .collect();
    let mut c = Collected::default();
    for field in &def.fields {
        let name = match fields::resolve(&field.name) {
            Ok(n) => n,
            Err((e, meant)) => {
                errors.push(e);
                intended.extend(meant);
                continue;
            }
        };
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            let mut e = Error::new(
                field.name.span(),
                format!("`{}` is given twice", name.rust_name()),
            );
            e.combine(Error::new(
                first.span(),
                format!("`{}` is first given here", name.rust_name()),
            ));
            errors.push(e);
            continue;
        }
        seen.push((name, field.name.clone()));
        match name {
            FieldName::Field(Field::EventTypes) => {
                let span = fields::span_of(&field.value);
                if let Some(items) = events::parse(&field.value, errors) {
                    c.events = Some((items, span));
                }
            }
            FieldName::Field(
                f @ (Field::ShouldInterpolateStrings | Field::IgnoreSslErrors | Field::DoNotRetry),
            ) => match fields::boolean(name, &field.value) {
                Ok(b) => c.bools.push((f, b)),
                Err(e) => errors.push(e),
            },
            FieldName::Field(f) => match fields::string(name, &field.value) {
                Ok((value, span)) => c.strings.push((f, Spanned { value, span })),
                Err(e) => errors.push(e),
            },
            FieldName::Allow => allow(&field.value, &mut c.allow, errors),
        }
    }
    let open = def.span;
    let given = |f: Field| {
        seen.iter().any(|(n, _)| *n == FieldName::Field(f))
            || intended.contains(&FieldName::Field(f))
    };
    if !given(Field::EventTypes) {
        errors.push(Error::new(
            open,
            "missing `event_types`, e.g. `event_types: [ACTOR.RUN.SUCCEEDED]`",
        ));
    }
    if !given(Field::RequestUrl) {
        errors.push(Error::new(
            open,
            "missing `request_url`, e.g. `request_url: \"https://example.com/hook\"`",
        ));
    }
    let mut warnings = Vec::new();
    check_fields(&c, errors, &mut warnings);
    if errors.len() > before {
        return None;
    }
    warnings.retain(|w: &Warning| !c.allow.iter().any(|(a, _)| a == w.name));
    warnings_out.extend(warnings);
    let text = |f| c.string(f).map(|s| s.value.clone());
    Some(WebhookDefinition {
        event_types: c
            .events
            .as_ref()
            .map(|(items, _)| items.iter().map(|i| i.event).collect())
            .unwrap_or_default(),
        request_url: text(Field::RequestUrl).unwrap_or_default(),
        payload_template: text(Field::PayloadTemplate),
        headers_template: text(Field::HeadersTemplate),
        description: text(Field::Description),
        idempotency_key: text(Field::IdempotencyKey),
        should_interpolate_strings: c.boolean(Field::ShouldInterpolateStrings),
        ignore_ssl_errors: c.boolean(Field::IgnoreSslErrors),
        do_not_retry: c.boolean(Field::DoNotRetry),
    })
}

fn allow(value: &[proc_macro2::TokenTree], out: &mut Vec<(String, Span)>, errors: &mut Vec<Error>) {
    let group = match fields::single(value) {
        Some(proc_macro2::TokenTree::Group(g))
            if g.delimiter() == proc_macro2::Delimiter::Bracket =>
        {
            g
        }
        _ => {
            errors.push(Error::new(
                fields::span_of(value),
                "`allow` takes a list of warning names in brackets, e.g. `allow: [falsy_as_null]`",
            ));
            return;
        }
    };
    for part in input::split_commas(group.stream()) {
        match part.as_slice() {
            [proc_macro2::TokenTree::Ident(i)]
                if warnings::NAMES.contains(&i.to_string().as_str()) =>
            {
                out.push((i.to_string(), i.span()));
            }
            [first, ..] => {
                let text: String = part.iter().map(ToString::to_string).collect();
                let message =
                    match apify_webhooks_core::suggest::did_you_mean(&text, &warnings::NAMES) {
                        Some(s) => format!("unknown warning `{text}`; did you mean `{s}`?"),
                        None => format!(
                            "unknown warning `{text}`; the warnings are {}",
                            warnings::NAMES.join(", ")
                        ),
                    };
                errors.push(Error::new(first.span(), message));
            }
            [] => {}
        }
    }
}

fn template_message(field: &str, e: &TemplateError) -> String {
    let mut m = format!(
        "{field}: {}\n  at line {}, column {} of the template:\n  {}",
        e.message(),
        e.line(),
        e.column(),
        e.excerpt().replace('\n', "\n  ")
    );
    if let Some(h) = e.hint() {
        m.push_str(&format!("\n  hint: {h}"));
    }
    m
}

fn check_fields(c: &Collected, errors: &mut Vec<Error>, warnings: &mut Vec<Warning>) {
    if let Some((items, _)) = &c.events {
        let events: Vec<_> = items.iter().map(|i| i.event).collect();
        if events.len() > 1 && events.contains(&apify_webhooks_core::EventType::ActorRunCreated) {
            if let Some((_, span)) = &c.events {
                warnings.push(Warning {
                    name: "created_with_others",
                    span: *span,
                    note:
                        "an ad-hoc webhook fires at most once, and ACTOR.RUN.CREATED always comes \
                           first, so this webhook never fires for the other events; declare \
                           ACTOR.RUN.CREATED in a webhook of its own"
                            .to_owned(),
                });
            }
        }
        let mut not_ad_hoc: Vec<(usize, Vec<String>)> = Vec::new();
        for kind in check_event_types(&events, true) {
            match kind {
                DefinitionErrorKind::DuplicateEventType { event, index } => {
                    errors.push(Error::new_spanned(
                        &items[index].tokens,
                        format!("`{event}` is listed twice (a group may already include it)"),
                    ))
                }
                DefinitionErrorKind::NotForAdHoc { event, index } => {
                    // A group such as ACTOR_BUILD gives several items written as one token.
                    let written = items[index].tokens.to_string();
                    match not_ad_hoc.last_mut() {
                        Some((first, list)) if items[*first].tokens.to_string() == written => {
                            list.push(event.to_string())
                        }
                        _ => not_ad_hoc.push((index, vec![event.to_string()])),
                    }
                }
                // Empty brackets and unknown names were reported while parsing.
                _ => {}
            }
        }
        for (index, events) in not_ad_hoc {
            let what = if events.len() == 1 {
                format!("`{}` can never fire an ad-hoc webhook", events[0])
            } else {
                format!(
                    "{} can never fire an ad-hoc webhook",
                    events
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            errors.push(Error::new_spanned(
                &items[index].tokens,
                format!("{what}: it is tied to one Actor run, so only ACTOR.RUN.* events apply"),
            ));
        }
    }
    if let Some(url) = c.string(Field::RequestUrl) {
        if let Err(e) = check_request_url(&url.value) {
            errors.push(Error::new(url.span, format!("request_url: {e}")));
        }
    }
    let options =
        TemplateOptions::interpolating(c.boolean(Field::ShouldInterpolateStrings).unwrap_or(false));
    if let Some(t) = c.string(Field::PayloadTemplate) {
        match check::check_payload_template(&t.value, options) {
            Ok(()) => template_warnings("payload_template", t, options, warnings),
            Err(DefinitionErrorKind::PayloadTemplate(e)) => {
                errors.push(Error::new(t.span, template_message("payload_template", &e)))
            }
            Err(other) => errors.push(Error::new(
                t.span,
                length_message("payload_template", &other),
            )),
        }
    }
    if let Some(t) = c.string(Field::HeadersTemplate) {
        match check::check_headers_template(&t.value, options) {
            Ok(()) => template_warnings("headers_template", t, options, warnings),
            Err(HeadersError::Template(e)) => {
                errors.push(Error::new(t.span, template_message("headers_template", &e)))
            }
            Err(e) => errors.push(Error::new(t.span, format!("headers_template: {e}"))),
        }
    }
    if let Some(k) = c.string(Field::IdempotencyKey) {
        match check::check_idempotency_key(&k.value) {
            Ok(()) => warnings.push(Warning {
                name: "fixed_idempotency_key",
                span: k.span,
                note: "a fixed idempotency_key is the same for every run, so only the first run \
                       ever gets this webhook; leave it out and the runtime derives a run-scoped key"
                    .to_owned(),
            }),
            Err(e) => errors.push(Error::new(k.span, length_message("idempotency_key", &e))),
        }
    }
    if let Some(d) = c.string(Field::Description) {
        if let Err(e) = check::check_description(&d.value) {
            errors.push(Error::new(d.span, length_message("description", &e)));
        }
    }
}

fn length_message(field: &str, e: &DefinitionErrorKind) -> String {
    format!("{field}: {}", e.describe())
}

fn template_warnings(field: &str, t: &Spanned, options: TemplateOptions, out: &mut Vec<Warning>) {
    for f in findings(&t.value, options) {
        let (line, column) = line_col(&t.value, f.span.0);
        out.push(Warning {
            name: warnings::finding_name(&f.kind),
            span: t.span,
            note: format!("{field} (line {line}, column {column}): {}", f.message()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_str(t: TokenStream) -> String {
        expand(t).to_string()
    }

    #[test]
    fn golden_two_webhooks() {
        let out = expand_str(quote! {
            krate;
            { event_types: [ACTOR.RUN.FAILED], request_url: "https://example.com/run-failed" },
            {
                event_types: [ACTOR.RUN.SUCCEEDED],
                request_url: "https://example.com/run-succeeded",
                payload_template: r#"{"hello": "world", "resource":{{resource}}}"#,
            },
        });
        assert!(out.contains("\"W3siZXZlbnRUeXBlcyI6WyJBQ1RPUi5SVU4uRkFJTEVEIl0sInJlcXVlc3RVcmwiOiJodHRwczovL2V4YW1wbGUuY29tL3J1bi1mYWlsZWQifSx7ImV2ZW50VHlwZXMiOlsiQUNUT1IuUlVOLlNVQ0NFRURFRCJdLCJyZXF1ZXN0VXJsIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS9ydW4tc3VjY2VlZGVkIiwicGF5bG9hZFRlbXBsYXRlIjoie1wiaGVsbG9cIjogXCJ3b3JsZFwiLCBcInJlc291cmNlXCI6e3tyZXNvdXJjZX19fSJ9XQ==\""), "{out}");
        assert!(out.contains("krate :: __private :: Webhooks :: from_parts"));
        assert!(out.contains("krate :: __private :: EventType :: ActorRunFailed"));
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn all_errors_are_reported_with_a_fallback() {
        let out = expand_str(quote! {
            krate;
            { event_types: [ACTOR.RUN.FAILD, ACTOR.BUILD.FAILED], request_url: "ftp://x", requestUrl: "y" },
            { request_url: "https://e.com", do_not_retry: "yes", payload_template: "{{ userId }}" },
        });
        for needle in [
            "did you mean `ACTOR.RUN.FAILED`",
            "can never fire an ad-hoc webhook",
            "the Rust name is `request_url`",
            "missing `event_types`",
            "takes `true` or `false`",
            "remove the spaces inside the braces",
            "krate :: __private :: Webhooks :: EMPTY",
        ] {
            assert!(out.contains(needle), "missing {needle:?} in {out}");
        }
        assert_eq!(out.matches("compile_error").count(), 7, "{out}");
    }

    #[test]
    fn warnings_and_allow() {
        let warned = expand_str(quote! {
            k; { event_types: [ACTOR_RUN_TERMINAL], request_url: "https://e.com",
                 payload_template: r#"{"code": {{resource.exitCode}}}"#, idempotency_key: "same" }
        });
        assert!(warned.contains("const falsy_as_null"), "{warned}");
        assert!(warned.contains("const fixed_idempotency_key"));
        let allowed = expand_str(quote! {
            k; { event_types: [ACTOR_RUN_TERMINAL], request_url: "https://e.com",
                 payload_template: r#"{"code": {{resource.exitCode}}}"#, allow: [falsy_as_null] }
        });
        assert!(!allowed.contains("deprecated"), "{allowed}");
    }

    #[test]
    fn no_definitions_is_an_empty_set() {
        let out = expand_str(quote!(k;));
        assert!(
            out.contains("from_parts (& [] , \"[]\" , \"W10=\")"),
            "{out}"
        );
    }
}
