//! Webhook definitions: a borrowed form the macro can build in a `const`, an owned twin for
//! values known only at run time, and [`Webhooks`], the macro's precomputed set.

use crate::EventType;
use crate::check::{DefinitionErrors, check_definition};

/// A webhook definition that borrows its strings, so it can be built in a `const`.
///
/// Every field of the `webhooks` run parameter is here, plus `description`, which the JS
/// client passes through. `None` means "not set" and is left out of the encoding.
///
/// ```
/// use apify_webhooks_core::{EventType, WebhookDef};
///
/// const ON_FAIL: WebhookDef<'static> =
///     WebhookDef::new(&[EventType::ActorRunFailed], "https://example.com/failed")
///         .with_payload_template(r#"{"run": {{resource}}}"#)
///         .with_do_not_retry(true);
/// assert_eq!(ON_FAIL.do_not_retry, Some(true));
/// assert!(ON_FAIL.check().is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WebhookDef<'a> {
    /// `eventTypes`: when the webhook fires.
    pub event_types: &'a [EventType],
    /// `requestUrl`: where the platform sends the `POST`.
    pub request_url: &'a str,
    /// `payloadTemplate`: the body; the platform's default template when `None`.
    pub payload_template: Option<&'a str>,
    /// `headersTemplate`: extra request headers, a JSON object template.
    pub headers_template: Option<&'a str>,
    /// `description`: a note shown in the console, never sent with the dispatch.
    pub description: Option<&'a str>,
    /// `idempotencyKey`: the platform creates one webhook per key and user.
    pub idempotency_key: Option<&'a str>,
    /// `shouldInterpolateStrings`: replace `{{variables}}` inside strings too.
    pub should_interpolate_strings: Option<bool>,
    /// `ignoreSslErrors`: accept invalid TLS certificates at the request URL.
    pub ignore_ssl_errors: Option<bool>,
    /// `doNotRetry`: one attempt only.
    pub do_not_retry: Option<bool>,
}

impl<'a> WebhookDef<'a> {
    /// A definition with only the two required fields.
    pub const fn new(event_types: &'a [EventType], request_url: &'a str) -> Self {
        WebhookDef {
            event_types,
            request_url,
            payload_template: None,
            headers_template: None,
            description: None,
            idempotency_key: None,
            should_interpolate_strings: None,
            ignore_ssl_errors: None,
            do_not_retry: None,
        }
    }

    /// Sets `payloadTemplate`.
    pub const fn with_payload_template(mut self, template: &'a str) -> Self {
        self.payload_template = Some(template);
        self
    }

    /// Sets `headersTemplate`.
    pub const fn with_headers_template(mut self, template: &'a str) -> Self {
        self.headers_template = Some(template);
        self
    }

    /// Sets `description`.
    pub const fn with_description(mut self, description: &'a str) -> Self {
        self.description = Some(description);
        self
    }

    /// Sets `idempotencyKey`.
    pub const fn with_idempotency_key(mut self, key: &'a str) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// Sets `shouldInterpolateStrings`.
    pub const fn with_should_interpolate_strings(mut self, on: bool) -> Self {
        self.should_interpolate_strings = Some(on);
        self
    }

    /// Sets `ignoreSslErrors`.
    pub const fn with_ignore_ssl_errors(mut self, on: bool) -> Self {
        self.ignore_ssl_errors = Some(on);
        self
    }

    /// Sets `doNotRetry`.
    pub const fn with_do_not_retry(mut self, on: bool) -> Self {
        self.do_not_retry = Some(on);
        self
    }

    /// Checks every field for ad-hoc use and returns all problems at once.
    pub fn check(&self) -> Result<(), DefinitionErrors> {
        check_definition(self, true)
    }

    /// An owned copy.
    pub fn to_owned_definition(&self) -> WebhookDefinition {
        WebhookDefinition {
            event_types: self.event_types.to_vec(),
            request_url: self.request_url.to_owned(),
            payload_template: self.payload_template.map(str::to_owned),
            headers_template: self.headers_template.map(str::to_owned),
            description: self.description.map(str::to_owned),
            idempotency_key: self.idempotency_key.map(str::to_owned),
            should_interpolate_strings: self.should_interpolate_strings,
            ignore_ssl_errors: self.ignore_ssl_errors,
            do_not_retry: self.do_not_retry,
        }
    }
}

/// An owned webhook definition, for values known only at run time.
///
/// With the `serde` feature it (de)serialises with the platform's camelCase names and leaves
/// out unset fields.
///
/// ```
/// use apify_webhooks_core::{EventType, WebhookDefinition};
///
/// let url = format!("https://example.com/{}", "done");
/// let def = WebhookDefinition::new(EventType::ACTOR_RUN_TERMINAL.iter().copied(), url)
///     .payload_template(r#"{"status": {{resource.status}}}"#);
/// assert!(def.check().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct WebhookDefinition {
    /// `eventTypes`
    pub event_types: Vec<EventType>,
    /// `requestUrl`
    pub request_url: String,
    /// `payloadTemplate`
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub payload_template: Option<String>,
    /// `headersTemplate`
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub headers_template: Option<String>,
    /// `description`
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub description: Option<String>,
    /// `idempotencyKey`
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub idempotency_key: Option<String>,
    /// `shouldInterpolateStrings`
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub should_interpolate_strings: Option<bool>,
    /// `ignoreSslErrors`
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub ignore_ssl_errors: Option<bool>,
    /// `doNotRetry`
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub do_not_retry: Option<bool>,
}

impl WebhookDefinition {
    /// A definition with only the two required fields.
    pub fn new(
        events: impl IntoIterator<Item = EventType>,
        request_url: impl Into<String>,
    ) -> Self {
        WebhookDefinition {
            event_types: events.into_iter().collect(),
            request_url: request_url.into(),
            ..WebhookDefinition::default()
        }
    }

    /// Sets `payloadTemplate`.
    pub fn payload_template(mut self, template: impl Into<String>) -> Self {
        self.payload_template = Some(template.into());
        self
    }

    /// Sets `headersTemplate`.
    pub fn headers_template(mut self, template: impl Into<String>) -> Self {
        self.headers_template = Some(template.into());
        self
    }

    /// Sets `description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `idempotencyKey`.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Sets `shouldInterpolateStrings`.
    pub fn should_interpolate_strings(mut self, on: bool) -> Self {
        self.should_interpolate_strings = Some(on);
        self
    }

    /// Sets `ignoreSslErrors`.
    pub fn ignore_ssl_errors(mut self, on: bool) -> Self {
        self.ignore_ssl_errors = Some(on);
        self
    }

    /// Sets `doNotRetry`.
    pub fn do_not_retry(mut self, on: bool) -> Self {
        self.do_not_retry = Some(on);
        self
    }

    /// A borrowed view.
    pub fn as_def(&self) -> WebhookDef<'_> {
        WebhookDef {
            event_types: &self.event_types,
            request_url: &self.request_url,
            payload_template: self.payload_template.as_deref(),
            headers_template: self.headers_template.as_deref(),
            description: self.description.as_deref(),
            idempotency_key: self.idempotency_key.as_deref(),
            should_interpolate_strings: self.should_interpolate_strings,
            ignore_ssl_errors: self.ignore_ssl_errors,
            do_not_retry: self.do_not_retry,
        }
    }

    /// Checks every field for ad-hoc use and returns all problems at once.
    pub fn check(&self) -> Result<(), DefinitionErrors> {
        self.as_def().check()
    }
}

impl<'a> From<&'a WebhookDefinition> for WebhookDef<'a> {
    fn from(d: &'a WebhookDefinition) -> Self {
        d.as_def()
    }
}

/// A checked set of ad-hoc webhooks with its `webhooks` parameter computed at build time.
/// The `webhooks!` macro produces it; [`Webhooks::base64`] costs nothing at run time.
///
/// ```
/// use apify_webhooks_core::{EventType, WebhookDef, Webhooks};
///
/// static SET: Webhooks = Webhooks::from_parts(
///     &[WebhookDef::new(&[EventType::ActorRunFailed], "https://example.com/run-failed")],
///     r#"[{"eventTypes":["ACTOR.RUN.FAILED"],"requestUrl":"https://example.com/run-failed"}]"#,
///     "W3siZXZlbnRUeXBlcyI6WyJBQ1RPUi5SVU4uRkFJTEVEIl0sInJlcXVlc3RVcmwiOiJodHRwczovL2V4YW1wbGUuY29tL3J1bi1mYWlsZWQifV0=",
/// );
/// assert_eq!(SET.len(), 1);
/// assert_eq!(SET.base64(), apify_webhooks_core::encode::to_base64(SET.iter()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Webhooks {
    definitions: &'static [WebhookDef<'static>],
    json: &'static str,
    base64: &'static str,
}

impl Webhooks {
    /// An empty set (`[]`, `W10=`).
    pub const EMPTY: Webhooks = Webhooks {
        definitions: &[],
        json: "[]",
        base64: "W10=",
    };

    /// Assembles a set from parts computed elsewhere. The macro calls this with values it
    /// computed and checked; a hand-written call should pass [`crate::encode::to_json`] and
    /// [`crate::encode::to_base64`] of the same definitions.
    pub const fn from_parts(
        definitions: &'static [WebhookDef<'static>],
        json: &'static str,
        base64: &'static str,
    ) -> Self {
        Webhooks {
            definitions,
            json,
            base64,
        }
    }

    /// The `webhooks` query parameter: base64 of [`Webhooks::json`], standard alphabet, padded.
    pub const fn base64(&self) -> &'static str {
        self.base64
    }

    /// The compact JSON array, byte-identical to the JS client's `JSON.stringify`.
    pub const fn json(&self) -> &'static str {
        self.json
    }

    /// The typed definitions.
    pub const fn as_slice(&self) -> &'static [WebhookDef<'static>] {
        self.definitions
    }

    /// Iterates the typed definitions.
    pub fn iter(&self) -> std::slice::Iter<'static, WebhookDef<'static>> {
        self.definitions.iter()
    }

    /// The number of webhooks.
    pub const fn len(&self) -> usize {
        self.definitions.len()
    }

    /// Whether the set is empty.
    pub const fn is_empty(&self) -> bool {
        self.definitions.is_empty()
    }
}

impl IntoIterator for &Webhooks {
    type Item = &'static WebhookDef<'static>;
    type IntoIter = std::slice::Iter<'static, WebhookDef<'static>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
