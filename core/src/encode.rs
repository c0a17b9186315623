//! The `webhooks` run parameter: a compact JSON array, then standard padded base64.
//!
//! The bytes are those of the official JavaScript client (`JSON.stringify` of the array, then
//! `Buffer.from(json).toString('base64')`), so the platform sees exactly what it already sees
//! from JS users. Fields are written in one documented order, and only when set:
//! `eventTypes, requestUrl, payloadTemplate, headersTemplate, shouldInterpolateStrings,
//! idempotencyKey, ignoreSslErrors, doNotRetry` (the platform schema's order, which is also
//! the Python client's), then `description`, which is not part of that schema.
//!
//! ```
//! use apify_webhooks_core::{EventType, WebhookDef, encode};
//!
//! let defs = [WebhookDef::new(&[EventType::ActorRunFailed], "https://example.com/q???~~~")];
//! assert_eq!(encode::to_json(&defs),
//!            r#"[{"eventTypes":["ACTOR.RUN.FAILED"],"requestUrl":"https://example.com/q???~~~"}]"#);
//! let b64 = encode::to_base64(&defs);
//! assert!(encode::to_query_value(&b64).ends_with("L3E%2FPz9%2Bfn4ifV0%3D"));
//! ```

use crate::json::write_quoted;
use crate::{WebhookDef, WebhookDefinition};
use base64::Engine as _;

impl<'a, 'b> From<&'b WebhookDef<'a>> for WebhookDef<'a> {
    fn from(d: &'b WebhookDef<'a>) -> Self {
        *d
    }
}

/// Anything that can be viewed as a definition: `WebhookDef`, `&WebhookDef`,
/// `&WebhookDefinition`.
pub trait AsDefinition {
    /// The borrowed view.
    fn as_definition(&self) -> WebhookDef<'_>;
}

impl AsDefinition for WebhookDef<'_> {
    fn as_definition(&self) -> WebhookDef<'_> {
        *self
    }
}

impl AsDefinition for WebhookDefinition {
    fn as_definition(&self) -> WebhookDef<'_> {
        self.as_def()
    }
}

impl<T: AsDefinition + ?Sized> AsDefinition for &T {
    fn as_definition(&self) -> WebhookDef<'_> {
        (**self).as_definition()
    }
}

/// Appends one definition as a compact JSON object.
pub fn write_definition(out: &mut String, def: &WebhookDef<'_>) {
    out.push_str("{\"eventTypes\":[");
    for (i, e) in def.event_types.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(e.as_str());
        out.push('"');
    }
    out.push_str("],\"requestUrl\":");
    write_quoted(out, def.request_url.as_bytes());
    let strings = [
        ("payloadTemplate", def.payload_template),
        ("headersTemplate", def.headers_template),
    ];
    for (name, value) in strings {
        if let Some(v) = value {
            out.push_str(",\"");
            out.push_str(name);
            out.push_str("\":");
            write_quoted(out, v.as_bytes());
        }
    }
    if let Some(b) = def.should_interpolate_strings {
        out.push_str(if b {
            ",\"shouldInterpolateStrings\":true"
        } else {
            ",\"shouldInterpolateStrings\":false"
        });
    }
    if let Some(k) = def.idempotency_key {
        out.push_str(",\"idempotencyKey\":");
        write_quoted(out, k.as_bytes());
    }
    for (name, value) in [
        ("ignoreSslErrors", def.ignore_ssl_errors),
        ("doNotRetry", def.do_not_retry),
    ] {
        if let Some(b) = value {
            out.push_str(",\"");
            out.push_str(name);
            out.push_str(if b { "\":true" } else { "\":false" });
        }
    }
    if let Some(d) = def.description {
        out.push_str(",\"description\":");
        write_quoted(out, d.as_bytes());
    }
    out.push('}');
}

/// The compact JSON array.
pub fn to_json<T: AsDefinition>(defs: impl IntoIterator<Item = T>) -> String {
    let mut out = String::from("[");
    for (i, d) in defs.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_definition(&mut out, &d.as_definition());
    }
    out.push(']');
    out
}

/// Standard, padded base64 of bytes.
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The `webhooks` parameter: base64 of [`to_json`].
pub fn to_base64<T: AsDefinition>(defs: impl IntoIterator<Item = T>) -> String {
    base64(to_json(defs).as_bytes())
}

/// The parameter as it appears in a query string: `+`, `/` and `=` percent-encoded, exactly as
/// `URLSearchParams` (JS) and `urlencode` (Python) write them.
pub fn to_query_value(base64: &str) -> String {
    let mut out = String::with_capacity(base64.len() + 8);
    for c in base64.chars() {
        match c {
            '+' => out.push_str("%2B"),
            '/' => out.push_str("%2F"),
            '=' => out.push_str("%3D"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventType::*;

    /// `reference/real-clients.md` §1: the docs' two-webhook array through the JS client.
    const JS_JSON: &str = r#"[{"eventTypes":["ACTOR.RUN.FAILED"],"requestUrl":"https://example.com/run-failed"},{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"requestUrl":"https://example.com/run-succeeded","payloadTemplate":"{\"hello\": \"world\", \"resource\":{{resource}}}"}]"#;
    const JS_BASE64: &str = "W3siZXZlbnRUeXBlcyI6WyJBQ1RPUi5SVU4uRkFJTEVEIl0sInJlcXVlc3RVcmwiOiJodHRwczovL2V4YW1wbGUuY29tL3J1bi1mYWlsZWQifSx7ImV2ZW50VHlwZXMiOlsiQUNUT1IuUlVOLlNVQ0NFRURFRCJdLCJyZXF1ZXN0VXJsIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS9ydW4tc3VjY2VlZGVkIiwicGF5bG9hZFRlbXBsYXRlIjoie1wiaGVsbG9cIjogXCJ3b3JsZFwiLCBcInJlc291cmNlXCI6e3tyZXNvdXJjZX19fSJ9XQ==";

    #[test]
    fn golden_two_webhooks_match_the_js_client() {
        let defs = [
            WebhookDef::new(&[ActorRunFailed], "https://example.com/run-failed"),
            WebhookDef::new(&[ActorRunSucceeded], "https://example.com/run-succeeded")
                .with_payload_template(r#"{"hello": "world", "resource":{{resource}}}"#),
        ];
        assert_eq!(to_json(defs), JS_JSON);
        assert_eq!(to_json(defs).len(), 241);
        assert_eq!(to_base64(defs), JS_BASE64);
        assert_eq!(to_base64(defs).len(), 324);
        assert!(to_query_value(JS_BASE64).ends_with("fSJ9XQ%3D%3D"));
    }

    #[test]
    fn every_field_in_order_with_raw_utf8() {
        let def = WebhookDef::new(
            &[ActorRunSucceeded, ActorRunFailed],
            "https://example.com/y=ä",
        )
        .with_payload_template("{\"a\": \"✓\\n\"}")
        .with_headers_template("{\"X\": \"1\"}")
        .with_should_interpolate_strings(true)
        .with_idempotency_key("k")
        .with_ignore_ssl_errors(false)
        .with_do_not_retry(true)
        .with_description("d");
        assert_eq!(
            to_json([def]),
            r#"[{"eventTypes":["ACTOR.RUN.SUCCEEDED","ACTOR.RUN.FAILED"],"requestUrl":"https://example.com/y=ä","payloadTemplate":"{\"a\": \"✓\\n\"}","headersTemplate":"{\"X\": \"1\"}","shouldInterpolateStrings":true,"idempotencyKey":"k","ignoreSslErrors":false,"doNotRetry":true,"description":"d"}]"#
        );
    }

    #[test]
    fn empty_list() {
        assert_eq!(to_base64(Vec::<WebhookDef<'_>>::new()), "W10=");
    }
}
