//! Reading definitions back: the `webhooks` parameter as either official client sends it, and
//! definitions written as JSON in the shape the JS SDK's `addWebhook` takes.
//!
//! Accepted: percent-encoded or plain base64 (padding optional; a `+` that a form decoder
//! turned into a space is restored), compact or spaced JSON, raw UTF-8 or `\u` escapes.
//!
//! ```
//! use apify_webhooks_core::{decode, EventType};
//!
//! // What the Python client sends (spaced JSON), percent-encoded as on the wire.
//! let defs = decode::from_param("W3siZXZlbnRUeXBlcyI6IFsiQUNUT1IuUlVOLkZBSUxFRCJdLCAicmVxdWVzdFVybCI6ICJodHRwczovL2V4YW1wbGUuY29tL3J1bi1mYWlsZWQifV0%3D").unwrap();
//! assert_eq!(defs[0].event_types, [EventType::ActorRunFailed]);
//!
//! let err = decode::from_param("W3t9XQ").unwrap_err();
//! assert_eq!(err.to_string(), "webhook 0: missing required field `eventTypes`");
//! ```

use crate::check::Field;
use crate::json::{self, JsValue, JsonError};
use crate::{EventType, UnknownEventType, WebhookDefinition};
use base64::Engine as _;
use std::fmt;

/// Keys the official clients may send that carry nothing for an ad-hoc webhook: the run-start
/// handler ignores `condition` and sets `isAdHoc` itself; `isApifyIntegration` is console-only.
const IGNORED_KEYS: [&str; 3] = ["condition", "isAdHoc", "isApifyIntegration"];

/// What is wrong with one field of one definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldProblem {
    /// A key that is not a definition field.
    Unknown {
        /// The closest field name.
        suggestion: Option<&'static str>,
    },
    /// `eventTypes` or `requestUrl` is absent.
    Missing,
    /// The wrong JSON type.
    WrongType {
        /// What the field takes.
        expected: &'static str,
        /// What was given.
        found: &'static str,
    },
    /// An event type that does not exist.
    EventType(UnknownEventType),
}

/// Why a `webhooks` value or a definitions file cannot be read.
///
/// ```
/// use apify_webhooks_core::decode::{from_param, DecodeError};
/// assert_eq!(from_param("W10%ZZ"), Err(DecodeError::PercentEncoding { at: 3 }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// A `%` not followed by two hex digits, at this byte.
    PercentEncoding {
        /// Byte offset.
        at: usize,
    },
    /// Not standard base64.
    Base64 {
        /// What is wrong.
        reason: String,
    },
    /// The decoded bytes are not UTF-8.
    Utf8 {
        /// Byte offset of the first bad byte.
        at: usize,
    },
    /// Not JSON.
    Json(JsonError),
    /// JSON, but not an array of objects.
    Shape {
        /// What was found instead.
        found: &'static str,
        /// The index of the offending item, when it is an item.
        index: Option<usize>,
    },
    /// A field of one definition.
    Field {
        /// Which definition.
        index: usize,
        /// The key as written.
        key: String,
        /// What is wrong.
        problem: FieldProblem,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::PercentEncoding { at } => write!(
                f,
                "bad percent-encoding at byte {at}: `%` must be followed by two hex digits"
            ),
            DecodeError::Base64 { reason } => write!(f, "not valid base64: {reason}"),
            DecodeError::Utf8 { at } => write!(f, "the decoded value is not UTF-8 (byte {at})"),
            DecodeError::Json(e) => write!(f, "not JSON: {e}"),
            DecodeError::Shape { found, index: None } => {
                write!(
                    f,
                    "expected a JSON array of webhook definitions, found {found}"
                )
            }
            DecodeError::Shape {
                found,
                index: Some(i),
            } => {
                write!(f, "webhook {i}: expected an object, found {found}")
            }
            DecodeError::Field {
                index,
                key,
                problem,
            } => match problem {
                FieldProblem::Unknown {
                    suggestion: Some(s),
                } => {
                    write!(
                        f,
                        "webhook {index}: unknown field `{key}`; did you mean `{s}`?"
                    )
                }
                FieldProblem::Unknown { suggestion: None } => write!(
                    f,
                    "webhook {index}: unknown field `{key}`; the fields are eventTypes, requestUrl, \
                     payloadTemplate, headersTemplate, shouldInterpolateStrings, idempotencyKey, \
                     ignoreSslErrors, doNotRetry and description"
                ),
                FieldProblem::Missing => {
                    write!(f, "webhook {index}: missing required field `{key}`")
                }
                FieldProblem::WrongType { expected, found } => {
                    write!(
                        f,
                        "webhook {index}: `{key}` must be {expected}, found {found}"
                    )
                }
                FieldProblem::EventType(e) => write!(f, "webhook {index}: {e}"),
            },
        }
    }
}

impl std::error::Error for DecodeError {}

/// Reads the `webhooks` query parameter.
pub fn from_param(value: &str) -> Result<Vec<WebhookDefinition>, DecodeError> {
    let bytes = base64_bytes(value)?;
    let text = String::from_utf8(bytes).map_err(|e| DecodeError::Utf8 {
        at: e.utf8_error().valid_up_to(),
    })?;
    from_json(&text)
}

/// Percent-decodes (when needed) and base64-decodes a parameter value.
pub fn base64_bytes(value: &str) -> Result<Vec<u8>, DecodeError> {
    let unescaped = percent_decode(value.trim())?;
    let cleaned: String = unescaped
        .chars()
        .map(|c| if c == ' ' { '+' } else { c })
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if let Some(c) = cleaned.chars().find(|c| matches!(c, '-' | '_')) {
        return Err(DecodeError::Base64 {
            reason: format!(
                "`{c}` is from the URL-safe alphabet; the platform expects standard base64 (`+` and `/`)"
            ),
        });
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine
        .decode(cleaned.as_bytes())
        .map_err(|e| DecodeError::Base64 {
            reason: e.to_string(),
        })
}

fn percent_decode(value: &str) -> Result<String, DecodeError> {
    if !value.contains('%') {
        return Ok(value.to_owned());
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => {
                    out.push(b);
                    i += 3;
                }
                None => return Err(DecodeError::PercentEncoding { at: i }),
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|e| DecodeError::Utf8 {
        at: e.utf8_error().valid_up_to(),
    })
}

/// Reads a JSON array of definitions (or a single definition object).
pub fn from_json(text: &str) -> Result<Vec<WebhookDefinition>, DecodeError> {
    let value = json::parse(text).map_err(DecodeError::Json)?;
    match &value {
        JsValue::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| definition(item, i))
            .collect(),
        JsValue::Object(_) => Ok(vec![definition(&value, 0)?]),
        other => Err(DecodeError::Shape {
            found: other.type_name(),
            index: None,
        }),
    }
}

/// One definition object; `index` is used in errors.
pub fn definition(value: &JsValue, index: usize) -> Result<WebhookDefinition, DecodeError> {
    let JsValue::Object(object) = value else {
        return Err(DecodeError::Shape {
            found: value.type_name(),
            index: Some(index),
        });
    };
    let field_err = |key: &str, problem| DecodeError::Field {
        index,
        key: key.to_owned(),
        problem,
    };
    let mut def = WebhookDefinition::default();
    let (mut has_events, mut has_url) = (false, false);
    for (key, v) in object.iter() {
        let key = key.to_string_lossy();
        let Some(field) = Field::ALL.iter().copied().find(|f| f.json_name() == key) else {
            if IGNORED_KEYS.contains(&key.as_ref()) {
                continue;
            }
            let names: Vec<&str> = Field::ALL.iter().map(|f| f.json_name()).collect();
            let suggestion = crate::suggest::did_you_mean(&key, &names);
            return Err(field_err(&key, FieldProblem::Unknown { suggestion }));
        };
        let wrong = |expected| {
            field_err(
                &key,
                FieldProblem::WrongType {
                    expected,
                    found: v.type_name(),
                },
            )
        };
        let string = || match v {
            JsValue::String(s) => Ok(Some(s.to_string_lossy().into_owned())),
            JsValue::Null => Ok(None),
            _ => Err(wrong("a string")),
        };
        let boolean = || match v {
            JsValue::Bool(b) => Ok(Some(*b)),
            JsValue::Null => Ok(None),
            _ => Err(wrong("a boolean")),
        };
        match field {
            Field::EventTypes => {
                let JsValue::Array(items) = v else {
                    return Err(wrong("an array of event types"));
                };
                for item in items {
                    let JsValue::String(s) = item else {
                        return Err(wrong("an array of event types"));
                    };
                    let e = EventType::parse(&s.to_string_lossy())
                        .map_err(|e| field_err(&key, FieldProblem::EventType(e)))?;
                    def.event_types.push(e);
                }
                has_events = true;
            }
            Field::RequestUrl => {
                def.request_url = string()?.ok_or_else(|| wrong("a string"))?;
                has_url = true;
            }
            Field::PayloadTemplate => def.payload_template = string()?,
            Field::HeadersTemplate => def.headers_template = string()?,
            Field::Description => def.description = string()?,
            Field::IdempotencyKey => def.idempotency_key = string()?,
            Field::ShouldInterpolateStrings => def.should_interpolate_strings = boolean()?,
            Field::IgnoreSslErrors => def.ignore_ssl_errors = boolean()?,
            Field::DoNotRetry => def.do_not_retry = boolean()?,
        }
    }
    if !has_events {
        return Err(field_err("eventTypes", FieldProblem::Missing));
    }
    if !has_url {
        return Err(field_err("requestUrl", FieldProblem::Missing));
    }
    Ok(def)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode;

    const PY_BASE64: &str = "W3siZXZlbnRUeXBlcyI6IFsiQUNUT1IuUlVOLkZBSUxFRCJdLCAicmVxdWVzdFVybCI6ICJodHRwczovL2V4YW1wbGUuY29tL3J1bi1mYWlsZWQifSwgeyJldmVudFR5cGVzIjogWyJBQ1RPUi5SVU4uU1VDQ0VFREVEIl0sICJyZXF1ZXN0VXJsIjogImh0dHBzOi8vZXhhbXBsZS5jb20vcnVuLXN1Y2NlZWRlZCIsICJwYXlsb2FkVGVtcGxhdGUiOiAie1wiaGVsbG9cIjogXCJ3b3JsZFwiLCBcInJlc291cmNlXCI6e3tyZXNvdXJjZX19fSJ9XQ==";

    #[test]
    fn python_and_js_encodings_decode_to_the_same_definitions() {
        let py = from_param(PY_BASE64).unwrap();
        let js = from_param(&encode::to_query_value(&encode::to_base64(&py))).unwrap();
        assert_eq!(py, js);
        assert_eq!(
            py[1].payload_template.as_deref(),
            Some(r#"{"hello": "world", "resource":{{resource}}}"#)
        );
    }

    #[test]
    fn unicode_escapes_and_raw_utf8_agree() {
        let raw = encode::base64(
            r#"[{"eventTypes":["ACTOR.RUN.FAILED"],"requestUrl":"https://e.com/y=ä✓"}]"#.as_bytes(),
        );
        let esc = encode::base64(br#"[{"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": "https://e.com/y=\u00e4\u2713"}]"#);
        assert_eq!(from_param(&raw).unwrap(), from_param(&esc).unwrap());
    }

    #[test]
    fn form_decoded_plus_and_missing_padding_are_accepted() {
        let b64 = encode::to_base64([crate::WebhookDef::new(
            &[EventType::ActorRunFailed],
            "https://example.com/q???~~~",
        )]);
        assert!(b64.contains('+'));
        let mangled = b64.replace('+', " ").trim_end_matches('=').to_owned();
        assert_eq!(
            from_param(&mangled).unwrap()[0].request_url,
            "https://example.com/q???~~~"
        );
    }

    #[test]
    fn every_malformed_input_gets_a_typed_error() {
        assert_eq!(
            from_param("W10%3"),
            Err(DecodeError::PercentEncoding { at: 3 })
        );
        assert!(matches!(
            from_param("W10-"),
            Err(DecodeError::Base64 { .. })
        ));
        assert!(matches!(
            from_param("!!!!"),
            Err(DecodeError::Base64 { .. })
        ));
        assert!(matches!(
            from_param(&encode::base64(&[0xff, 0xfe])),
            Err(DecodeError::Utf8 { at: 0 })
        ));
        assert!(matches!(
            from_param(&encode::base64(b"[{")),
            Err(DecodeError::Json(_))
        ));
        assert_eq!(
            from_param(&encode::base64(b"3")),
            Err(DecodeError::Shape {
                found: "a number",
                index: None
            })
        );
        assert_eq!(
            from_param(&encode::base64(b"[3]")),
            Err(DecodeError::Shape {
                found: "a number",
                index: Some(0)
            })
        );
        let e = from_json(r#"[{"eventTypes":["ACTOR.RUN.FAILD"],"requestUrl":"x"}]"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "webhook 0: unknown event type `ACTOR.RUN.FAILD`; did you mean `ACTOR.RUN.FAILED`?"
        );
        let e = from_json(r#"{"eventTypes":[],"requestURL":"x"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "webhook 0: unknown field `requestURL`; did you mean `requestUrl`?"
        );
        let e = from_json(r#"{"eventTypes":[],"requestUrl":"x","doNotRetry":"yes"}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "webhook 0: `doNotRetry` must be a boolean, found a string"
        );
    }

    #[test]
    fn ignored_client_keys_and_nulls() {
        let d = from_json(r#"{"eventTypes":["ACTOR.RUN.FAILED"],"requestUrl":"https://e.com","condition":{"actorRunId":"x"},"payloadTemplate":null}"#).unwrap();
        assert_eq!(d[0].payload_template, None);
    }
}
