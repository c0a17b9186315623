//! The platform's rules for a webhook definition, with typed errors.
//!
//! Limits come from the platform's create-webhook validation: `requestUrl` 1–500 characters,
//! `idempotencyKey` 1–128, `description` at most 320, templates at most 1,000,000 (and a
//! payload template at least 2). Lengths are counted in UTF-16 units, as JavaScript does.

mod url;

pub use url::{MAX_URL_LENGTH, UrlError, check_request_url};

use crate::json::JsValue;
use crate::template::{self, TemplateError, TemplateOptions};
use crate::{EventType, WebhookDef};
use std::fmt;

/// Longest `idempotencyKey`.
pub const MAX_IDEMPOTENCY_KEY_LENGTH: usize = 128;
/// Longest `description`.
pub const MAX_DESCRIPTION_LENGTH: usize = 320;
/// Longest payload or headers template.
pub const MAX_TEMPLATE_LENGTH: usize = 1_000_000;
/// Shortest payload template.
pub const MIN_PAYLOAD_TEMPLATE_LENGTH: usize = 2;

/// A field of a webhook definition.
///
/// ```
/// use apify_webhooks_core::check::Field;
/// assert_eq!(Field::RequestUrl.json_name(), "requestUrl");
/// assert_eq!(Field::RequestUrl.rust_name(), "request_url");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `eventTypes`
    EventTypes,
    /// `requestUrl`
    RequestUrl,
    /// `payloadTemplate`
    PayloadTemplate,
    /// `headersTemplate`
    HeadersTemplate,
    /// `description`
    Description,
    /// `idempotencyKey`
    IdempotencyKey,
    /// `shouldInterpolateStrings`
    ShouldInterpolateStrings,
    /// `ignoreSslErrors`
    IgnoreSslErrors,
    /// `doNotRetry`
    DoNotRetry,
}

impl Field {
    /// Every field, in the encoding's order.
    pub const ALL: [Field; 9] = [
        Field::EventTypes,
        Field::RequestUrl,
        Field::PayloadTemplate,
        Field::HeadersTemplate,
        Field::ShouldInterpolateStrings,
        Field::IdempotencyKey,
        Field::IgnoreSslErrors,
        Field::DoNotRetry,
        Field::Description,
    ];

    /// The platform's (JSON) name.
    pub const fn json_name(self) -> &'static str {
        match self {
            Field::EventTypes => "eventTypes",
            Field::RequestUrl => "requestUrl",
            Field::PayloadTemplate => "payloadTemplate",
            Field::HeadersTemplate => "headersTemplate",
            Field::Description => "description",
            Field::IdempotencyKey => "idempotencyKey",
            Field::ShouldInterpolateStrings => "shouldInterpolateStrings",
            Field::IgnoreSslErrors => "ignoreSslErrors",
            Field::DoNotRetry => "doNotRetry",
        }
    }

    /// The Rust (snake_case) name used by the macro and the builder.
    pub const fn rust_name(self) -> &'static str {
        match self {
            Field::EventTypes => "event_types",
            Field::RequestUrl => "request_url",
            Field::PayloadTemplate => "payload_template",
            Field::HeadersTemplate => "headers_template",
            Field::Description => "description",
            Field::IdempotencyKey => "idempotency_key",
            Field::ShouldInterpolateStrings => "should_interpolate_strings",
            Field::IgnoreSslErrors => "ignore_ssl_errors",
            Field::DoNotRetry => "do_not_retry",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.json_name())
    }
}

/// Why a headers template is rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadersError {
    /// The template itself fails, as a payload template would.
    Template(TemplateError),
    /// It renders to something other than an object.
    NotAnObject {
        /// What it renders to: `array`, `string`, `number`, …
        found: &'static str,
    },
    /// A header whose value, as written, is not a string.
    NonStringValue {
        /// The header name.
        header: String,
        /// The JSON type written.
        found: &'static str,
        /// Byte offset of the header name in the template, when found.
        offset: Option<usize>,
    },
}

impl fmt::Display for HeadersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadersError::Template(e) => write!(f, "{e}"),
            HeadersError::NotAnObject { found } => write!(
                f,
                "the headers template renders to {found}; it must be a JSON object of header names to string values"
            ),
            HeadersError::NonStringValue { header, found, .. } => write!(
                f,
                "header `{header}` is {found}; header values must be strings (write it in quotes)"
            ),
        }
    }
}

/// What is wrong with one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefinitionErrorKind {
    /// `eventTypes` is empty.
    NoEventTypes,
    /// An event type appears twice.
    DuplicateEventType {
        /// The repeated type.
        event: EventType,
        /// Its second position.
        index: usize,
    },
    /// A build or test event on an ad-hoc webhook, which can never fire.
    NotForAdHoc {
        /// The event type.
        event: EventType,
        /// Its position.
        index: usize,
    },
    /// A bad request URL.
    Url(UrlError),
    /// A string longer or shorter than the platform allows.
    Length {
        /// Its length in UTF-16 units.
        len: usize,
        /// The smallest allowed.
        min: usize,
        /// The largest allowed.
        max: usize,
    },
    /// The payload template fails the platform's check.
    PayloadTemplate(TemplateError),
    /// The headers template fails.
    HeadersTemplate(HeadersError),
}

/// One problem with a definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionError {
    /// The field at fault.
    pub field: Field,
    /// What is wrong.
    pub kind: DefinitionErrorKind,
}

impl DefinitionErrorKind {
    /// What is wrong, without the field name.
    pub fn describe(&self) -> String {
        match self {
            DefinitionErrorKind::NoEventTypes => {
                "give at least one event type, e.g. ACTOR.RUN.SUCCEEDED".to_owned()
            }
            DefinitionErrorKind::DuplicateEventType { event, .. } => {
                format!("`{event}` is listed twice")
            }
            DefinitionErrorKind::NotForAdHoc { event, .. } => format!(
                "`{event}` can never fire an ad-hoc webhook, which is tied to one Actor run; use ACTOR.RUN.* events"
            ),
            DefinitionErrorKind::Url(e) => e.to_string(),
            DefinitionErrorKind::Length { len: 0, min, .. } if *min > 0 => {
                "must not be empty".to_owned()
            }
            DefinitionErrorKind::Length { len, min, .. } if len < min => {
                format!("must be at least {min} characters long (it is {len})")
            }
            DefinitionErrorKind::Length { len, max, .. } => {
                format!("is {len} characters long; the platform allows at most {max}")
            }
            DefinitionErrorKind::PayloadTemplate(e) => e.to_string(),
            DefinitionErrorKind::HeadersTemplate(e) => e.to_string(),
        }
    }
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.json_name(), self.kind.describe())
    }
}

impl std::error::Error for DefinitionError {}

/// Every problem found in a definition (never empty when returned as an error).
///
/// ```
/// use apify_webhooks_core::{EventType, WebhookDefinition};
/// let errors = WebhookDefinition::new([EventType::ActorBuildFailed], "nope").check().unwrap_err();
/// assert_eq!(errors.0.len(), 2);
/// assert!(errors.to_string().contains("requestUrl: the request URL must be absolute"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionErrors(pub Vec<DefinitionError>);

impl fmt::Display for DefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DefinitionErrors {}

/// Checks the event types: at least one, no duplicates, and (for ad-hoc use) run events only.
pub fn check_event_types(events: &[EventType], ad_hoc: bool) -> Vec<DefinitionErrorKind> {
    let mut errors = Vec::new();
    if events.is_empty() {
        errors.push(DefinitionErrorKind::NoEventTypes);
    }
    for (index, &event) in events.iter().enumerate() {
        if events[..index].contains(&event) {
            errors.push(DefinitionErrorKind::DuplicateEventType { event, index });
        }
        if ad_hoc && !event.is_ad_hoc_allowed() {
            errors.push(DefinitionErrorKind::NotForAdHoc { event, index });
        }
    }
    errors
}

fn length(text: &str, min: usize, max: usize) -> Result<(), DefinitionErrorKind> {
    let len = text.encode_utf16().count();
    if len < min || len > max {
        return Err(DefinitionErrorKind::Length { len, min, max });
    }
    Ok(())
}

/// Checks an `idempotencyKey`: 1–128 characters.
pub fn check_idempotency_key(key: &str) -> Result<(), DefinitionErrorKind> {
    length(key, 1, MAX_IDEMPOTENCY_KEY_LENGTH)
}

/// Checks a `description`: at most 320 characters.
pub fn check_description(text: &str) -> Result<(), DefinitionErrorKind> {
    length(text, 0, MAX_DESCRIPTION_LENGTH)
}

/// Checks a payload template: its length, then the platform's creation-time validation.
pub fn check_payload_template(
    text: &str,
    options: TemplateOptions,
) -> Result<(), DefinitionErrorKind> {
    length(text, MIN_PAYLOAD_TEMPLATE_LENGTH, MAX_TEMPLATE_LENGTH)?;
    template::validate(text, options).map_err(DefinitionErrorKind::PayloadTemplate)
}

/// Checks a headers template: the platform's validation, then that it renders to an object
/// whose values, where written as literals, are strings. An empty template clears the
/// headers and is fine.
///
/// ```
/// use apify_webhooks_core::check::{check_headers_template, HeadersError};
/// use apify_webhooks_core::template::TemplateOptions;
/// let opts = TemplateOptions::default();
/// assert!(check_headers_template(r#"{"X-Run": {{resource.id}}, "X-Src": "me"}"#, opts).is_ok());
/// assert!(matches!(check_headers_template(r#"{"X-Retry": 3}"#, opts),
///                  Err(HeadersError::NonStringValue { found: "a number", .. })));
/// ```
pub fn check_headers_template(text: &str, options: TemplateOptions) -> Result<(), HeadersError> {
    if text.is_empty() {
        return Ok(());
    }
    template::validate(text, options).map_err(HeadersError::Template)?;
    // Render with every variable as a string marker, so literal values can be told apart.
    let rendered = match template::evaluate_marking_variables(text) {
        Some(v) => v,
        None => return Ok(()),
    };
    let JsValue::Object(object) = &rendered else {
        return Err(HeadersError::NotAnObject {
            found: rendered.type_name(),
        });
    };
    for (name, value) in object.iter() {
        if !matches!(value, JsValue::String(_)) {
            let header = name.to_string_lossy().into_owned();
            let offset = text.find(&format!("\"{header}\""));
            return Err(HeadersError::NonStringValue {
                header,
                found: value.type_name(),
                offset,
            });
        }
    }
    Ok(())
}

/// Checks every field of a definition and returns every problem at once. `ad_hoc` limits the
/// event types to run events.
pub fn check_definition(def: &WebhookDef<'_>, ad_hoc: bool) -> Result<(), DefinitionErrors> {
    let mut errors = Vec::new();
    let mut push =
        |field: Field, kind: DefinitionErrorKind| errors.push(DefinitionError { field, kind });
    for kind in check_event_types(def.event_types, ad_hoc) {
        push(Field::EventTypes, kind);
    }
    if let Err(e) = check_request_url(def.request_url) {
        push(Field::RequestUrl, DefinitionErrorKind::Url(e));
    }
    let options = TemplateOptions::interpolating(def.should_interpolate_strings.unwrap_or(false));
    if let Some(t) = def.payload_template {
        if let Err(kind) = check_payload_template(t, options) {
            push(Field::PayloadTemplate, kind);
        }
    }
    if let Some(t) = def.headers_template {
        if let Err(kind) = length(t, 0, MAX_TEMPLATE_LENGTH) {
            push(Field::HeadersTemplate, kind);
        } else if let Err(e) = check_headers_template(t, options) {
            push(
                Field::HeadersTemplate,
                DefinitionErrorKind::HeadersTemplate(e),
            );
        }
    }
    if let Some(k) = def.idempotency_key {
        if let Err(kind) = check_idempotency_key(k) {
            push(Field::IdempotencyKey, kind);
        }
    }
    if let Some(d) = def.description {
        if let Err(kind) = check_description(d) {
            push(Field::Description, kind);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DefinitionErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventType::*;

    #[test]
    fn event_type_rules() {
        assert_eq!(
            check_event_types(&[], true),
            [DefinitionErrorKind::NoEventTypes]
        );
        assert_eq!(
            check_event_types(&[ActorRunFailed, ActorBuildFailed, ActorRunFailed], true),
            [
                DefinitionErrorKind::NotForAdHoc {
                    event: ActorBuildFailed,
                    index: 1
                },
                DefinitionErrorKind::DuplicateEventType {
                    event: ActorRunFailed,
                    index: 2
                },
            ]
        );
        assert!(check_event_types(&[ActorBuildFailed], false).is_empty());
    }

    #[test]
    fn lengths() {
        assert!(check_idempotency_key("").is_err());
        assert!(check_idempotency_key(&"k".repeat(128)).is_ok());
        assert_eq!(
            check_idempotency_key(&"k".repeat(129)),
            Err(DefinitionErrorKind::Length {
                len: 129,
                min: 1,
                max: 128
            })
        );
        assert!(check_description(&"d".repeat(320)).is_ok());
        assert!(check_description(&"d".repeat(321)).is_err());
        assert!(check_payload_template("1", TemplateOptions::default()).is_err());
    }

    #[test]
    fn headers_must_be_an_object_of_strings() {
        let o = TemplateOptions::default();
        assert!(check_headers_template("", o).is_ok());
        assert!(check_headers_template(r#"{"A": "b", "C": {{userId}}}"#, o).is_ok());
        assert_eq!(
            check_headers_template("[]", o),
            Err(HeadersError::NotAnObject { found: "an array" })
        );
        assert!(matches!(
            check_headers_template(r#"{"A": null}"#, o),
            Err(HeadersError::NonStringValue {
                found: "null",
                offset: Some(1),
                ..
            })
        ));
        assert!(matches!(
            check_headers_template(r#"{"A": {{nope}}}"#, o),
            Err(HeadersError::Template(_))
        ));
    }

    #[test]
    fn all_errors_are_reported_together() {
        let def = WebhookDef {
            event_types: &[],
            request_url: "nope",
            payload_template: Some("{"),
            idempotency_key: Some(""),
            ..WebhookDef::new(&[], "")
        };
        let errs = check_definition(&def, true).unwrap_err().0;
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::EventTypes,
                Field::RequestUrl,
                Field::PayloadTemplate,
                Field::IdempotencyKey
            ]
        );
    }
}
