//! The platform's payload-template language, reproduced exactly.
//!
//! A template is JSON text in which `{{variable}}` may stand outside strings; each is replaced
//! by the variable's JSON. With `should_interpolate_strings`, `{{variable}}` inside strings is
//! replaced too. [`validate`] is the check the platform makes when a webhook is created;
//! [`render`] produces the body it sends. Both give the platform's verdict for every input,
//! including its quirks (see `reference/payload-templates.md` in the repository docs), in
//! linear time.
//!
//! ```
//! use apify_webhooks_core::template::{self, TemplateOptions};
//!
//! let opts = TemplateOptions::default();
//! assert!(template::validate(r#"{"run": {{resource}}, "at": {{createdAt}}}"#, opts).is_ok());
//!
//! let err = template::validate(r#"{"run": {{ resource }}}"#, opts).unwrap_err();
//! assert_eq!((err.line(), err.column()), (1, 9));
//! assert_eq!(err.hint(), Some("remove the spaces inside the braces: `{{resource}}`"));
//! ```

mod engine;
mod error;
mod findings;
mod interpolate;
mod lookup;
mod shape;
mod writer;

pub use engine::Span;
pub use error::{ErrorClass, TemplateError, TemplateErrorKind, line_col};
pub use findings::{Finding, FindingKind, findings};

use crate::json::{JsObject, JsValue, write_json};
use engine::{Engine, Failure};
use interpolate::Interpolator;

/// The variables the platform allows (`WEBHOOK_ALLOWED_PAYLOAD_VARIABLES`).
pub const ALLOWED_VARIABLES: [&str; 5] =
    ["userId", "createdAt", "eventType", "eventData", "resource"];

/// The payload the platform sends when a webhook has no `payloadTemplate`.
pub const DEFAULT_PAYLOAD_TEMPLATE: &str = "{\n    \"userId\": {{userId}},\n    \"createdAt\": {{createdAt}},\n    \"eventType\": {{eventType}},\n    \"eventData\": {{eventData}},\n    \"resource\": {{resource}}\n}";

/// How a template is evaluated.
///
/// ```
/// use apify_webhooks_core::template::{validate, TemplateOptions};
/// // Inside strings, names are checked only when interpolation is on.
/// assert!(validate(r#"{"a": "{{nope}}"}"#, TemplateOptions::default()).is_ok());
/// assert!(validate(r#"{"a": "{{nope}}"}"#, TemplateOptions::interpolating(true)).is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TemplateOptions {
    /// `shouldInterpolateStrings`: also replace `{{variable}}` inside strings.
    pub interpolate_strings: bool,
}

impl TemplateOptions {
    /// Options with string interpolation switched on or off.
    pub const fn interpolating(interpolate_strings: bool) -> Self {
        TemplateOptions {
            interpolate_strings,
        }
    }
}

/// Which variable names a template may use.
///
/// ```
/// use apify_webhooks_core::json::JsObject;
/// use apify_webhooks_core::template::{evaluate, TemplateOptions, Variables};
/// let ctx = JsObject::new();
/// let opts = TemplateOptions::default();
/// assert!(evaluate("{{anything}}", Variables::Any, &ctx, opts).is_ok());
/// assert!(evaluate("{{anything}}", Variables::Platform, &ctx, opts).is_err());
/// assert!(evaluate("{{mine.x}}", Variables::Only(&["mine"]), &ctx, opts).is_ok());
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Variables<'a> {
    /// The platform's five ([`ALLOWED_VARIABLES`]).
    Platform,
    /// Any name (the reference engine called with `allowedVariables = null`).
    Any,
    /// Exactly these first segments.
    Only(&'a [&'a str]),
}

impl<'a> Variables<'a> {
    fn list(self) -> Option<&'a [&'a str]> {
        match self {
            Variables::Platform => Some(&ALLOWED_VARIABLES),
            Variables::Any => None,
            Variables::Only(list) => Some(list),
        }
    }
}

/// A rendered payload.
///
/// ```
/// use apify_webhooks_core::json::JsObject;
/// use apify_webhooks_core::template::{evaluate, TemplateOptions, Variables};
/// // A whole-string variable that is missing renders JavaScript's `undefined`: no body at all.
/// let r = evaluate(r#""{{resource}}""#, Variables::Platform, &JsObject::new(), TemplateOptions::interpolating(true)).unwrap();
/// assert_eq!(r.to_json(), None);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    value: Option<JsValue>,
}

impl Rendered {
    /// The payload value; `None` when it is JavaScript's `undefined` (a whole-template
    /// `"{{missing}}"` with interpolation).
    pub fn value(&self) -> Option<&JsValue> {
        self.value.as_ref()
    }

    /// The exact bytes the platform sends (`JSON.stringify` of the value), or `None` for
    /// `undefined`.
    pub fn to_json(&self) -> Option<String> {
        self.value.as_ref().map(|v| {
            let mut out = String::new();
            write_json(&mut out, v);
            out
        })
    }
}

/// The reference engine's `parse(template, allowedVariables, context, {interpolateStrings})`.
///
/// ```
/// use apify_webhooks_core::json::parse;
/// use apify_webhooks_core::template::{evaluate, TemplateOptions, Variables};
///
/// let ctx = parse(r#"{"resource": {"exitCode": 0}}"#).unwrap().into_object().unwrap();
/// let out = evaluate(r#"{"code": {{resource.exitCode}}}"#, Variables::Platform, &ctx,
///                    TemplateOptions::default()).unwrap();
/// // Falsy values become null outside strings, as on the platform.
/// assert_eq!(out.to_json().unwrap(), r#"{"code":null}"#);
/// ```
pub fn evaluate(
    template: &str,
    variables: Variables<'_>,
    context: &JsObject,
    options: TemplateOptions,
) -> Result<Rendered, TemplateError> {
    let allowed = variables.list();
    let substituted = Engine::new(template, allowed, context)
        .run()
        .map_err(|f| failure_to_error(template, f))?;
    if !options.interpolate_strings {
        return Ok(Rendered {
            value: Some(substituted.value),
        });
    }
    let interpolator = Interpolator { context, allowed };
    match interpolator.value(&substituted.value) {
        Ok(value) => Ok(Rendered { value }),
        Err(interpolate::BadName(name)) => {
            let needle = format!("{{{{{name}}}}}");
            let (span, hint) = match template.find(&needle) {
                Some(start) => (
                    Span {
                        start,
                        end: start + needle.len(),
                    },
                    variable_hint(&name),
                ),
                None => (
                    Span {
                        start: 0,
                        end: template.len(),
                    },
                    Some(format!(
                        "`{needle}` comes from the run's own data (a value inserted by a \
                         variable); with should_interpolate_strings the platform interpolates \
                         that data too"
                    )),
                ),
            };
            Err(TemplateError::new(
                template,
                TemplateErrorKind::InvalidVariable { name },
                span,
                hint,
            ))
        }
    }
}

/// [`evaluate`], straight to the bytes the platform sends (`None` for `undefined`).
///
/// Faster than `evaluate(..).to_json()`: the payload's text is written while the template is
/// read, and values inserted for variables are copied in as JSON instead of being parsed
/// again. Objects that JavaScript would reorder (array-index keys, duplicate keys) and
/// strings to interpolate take the value-tree path, so the output is always the same.
///
/// ```
/// use apify_webhooks_core::json::parse;
/// use apify_webhooks_core::template::{evaluate_json, TemplateOptions, Variables};
///
/// let ctx = parse(r#"{"resource": {"id": "r1", "exitCode": 0}}"#).unwrap().into_object().unwrap();
/// let body = evaluate_json(r#"{"run": {{resource}}, "2": 1}"#, Variables::Platform, &ctx,
///                          TemplateOptions::default()).unwrap();
/// assert_eq!(body.as_deref(), Some(r#"{"2":1,"run":{"id":"r1","exitCode":0}}"#));
/// ```
pub fn evaluate_json(
    template: &str,
    variables: Variables<'_>,
    context: &JsObject,
    options: TemplateOptions,
) -> Result<Option<String>, TemplateError> {
    let written = Engine::writing(
        template,
        variables.list(),
        context,
        options.interpolate_strings,
    )
    .run()
    .map_err(|f| failure_to_error(template, f))?;
    if !written.value.needs_tree {
        return Ok(Some(written.value.out));
    }
    evaluate(template, variables, context, options).map(|r| r.to_json())
}

/// [`render`], straight to the bytes the platform sends; see [`evaluate_json`].
///
/// ```
/// use apify_webhooks_core::json::parse;
/// use apify_webhooks_core::template::{render_json, TemplateOptions};
///
/// let ctx = parse(r#"{"userId": "u1"}"#).unwrap().into_object().unwrap();
/// let body = render_json(r#"{"user": {{userId}}}"#, &ctx, TemplateOptions::default()).unwrap();
/// assert_eq!(body.as_deref(), Some(r#"{"user":"u1"}"#));
/// ```
pub fn render_json(
    template: &str,
    context: &JsObject,
    options: TemplateOptions,
) -> Result<Option<String>, TemplateError> {
    evaluate_json(template, Variables::Platform, context, options)
}

/// The work [`evaluate`] does on a template, whatever the outcome.
///
/// The platform's engine re-parses the whole payload for every variable (quadratic) and can
/// double the payload until V8 gives up (exponential). Ours is linear: [`Cost::work`] is a
/// small multiple of the template, the text inserted for variables, and the text grown by the
/// doubling quirk, which stops at a fixed budget (16 × the template, at least 4 MiB) with the
/// platform's RangeError. The property tests hold random and adversarial templates to
/// `work ≤ 8 × (template + inserted + grown) + 64`.
///
/// ```
/// use apify_webhooks_core::json::JsObject;
/// use apify_webhooks_core::template::{cost, TemplateOptions, Variables};
/// let c = cost(r#"{"a": {{x}}}"#, Variables::Any, &JsObject::new(), TemplateOptions::default());
/// assert_eq!(c.inserted, 4); // `null`
/// assert!(c.work < 8 * (12 + c.inserted));
/// ```
pub fn cost(
    template: &str,
    variables: Variables<'_>,
    context: &JsObject,
    options: TemplateOptions,
) -> Cost {
    let meter = engine::Meter::default();
    let substituted = Engine::writing(
        template,
        variables.list(),
        context,
        options.interpolate_strings,
    )
    .measured(&meter)
    .run();
    // The tree path (reordering, interpolation) substitutes once more and writes the result.
    if substituted.is_ok_and(|s| s.value.needs_tree) {
        let again = engine::Meter::default();
        if let Ok(s) = Engine::new(template, variables.list(), context)
            .measured(&again)
            .run()
        {
            let written = crate::json::stringify(&s.value).len();
            meter
                .work
                .set(meter.work.get() + again.work.get() + written);
        }
    }
    Cost {
        work: meter.work.get(),
        inserted: meter.inserted.get(),
        grown: meter.grown.get(),
    }
}

/// What [`cost`] measured, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    /// Bytes scanned, fed to a parser, or copied.
    pub work: usize,
    /// Bytes inserted for variables.
    pub inserted: usize,
    /// Bytes grown by the unclosed-`{{` quirk and by variables inside inserted data.
    pub grown: usize,
}

/// The platform's creation-time check: the allowed variables, an empty context.
pub fn validate(template: &str, options: TemplateOptions) -> Result<(), TemplateError> {
    evaluate(template, Variables::Platform, &JsObject::new(), options).map(|_| ())
}

/// Renders a template as the platform does at dispatch time, with the allowed variables.
///
/// ```
/// use apify_webhooks_core::json::parse;
/// use apify_webhooks_core::template::{render, TemplateOptions};
///
/// let ctx = parse(r#"{"userId": "u1"}"#).unwrap().into_object().unwrap();
/// let out = render(r#"{"user": {{userId}}}"#, &ctx, TemplateOptions::default()).unwrap();
/// assert_eq!(out.to_json().unwrap(), r#"{"user":"u1"}"#);
/// ```
pub fn render(
    template: &str,
    context: &JsObject,
    options: TemplateOptions,
) -> Result<Rendered, TemplateError> {
    evaluate(template, Variables::Platform, context, options)
}

/// The payload parsed with every variable outside strings replaced by a marker string, or
/// `None` if that does not parse. Used to tell literal values from variables.
pub(crate) fn evaluate_marking_variables(template: &str) -> Option<JsValue> {
    let empty = JsObject::new();
    Engine::new(template, None, &empty)
        .marking_variables("\"\\u0000variable\"")
        .run()
        .ok()
        .map(|s| s.value)
}

fn variable_hint(name: &str) -> Option<String> {
    let trimmed = name.trim();
    if trimmed != name && !trimmed.is_empty() && !trimmed.contains(char::is_whitespace) {
        return Some(format!(
            "remove the spaces inside the braces: `{{{{{trimmed}}}}}`"
        ));
    }
    let head = name.split('.').next().unwrap_or("");
    if head == "globals" {
        return Some(
            "`globals` appears in the docs, but the platform's validator rejects it; use \
             `{{createdAt}}` for the event time"
                .to_owned(),
        );
    }
    if name.is_empty() {
        return Some("write a variable name between the braces, e.g. `{{resource}}`".to_owned());
    }
    crate::suggest::did_you_mean(head, &ALLOWED_VARIABLES).map(|s| {
        let rest = &name[head.len()..];
        format!("did you mean `{{{{{s}{rest}}}}}`?")
    })
}

fn failure_to_error(template: &str, failure: Failure) -> TemplateError {
    match failure {
        Failure::InvalidVariable { name, span } => {
            let unclosed = name.ends_with("{{") && span.end - span.start == 2;
            let hint = if unclosed {
                Some("this `{{` has no closing `}}`".to_owned())
            } else if name.contains("{{") || name.contains('}') {
                Some("the braces do not pair up: a variable is `{{name}}` with exactly two braces on each side".to_owned())
            } else {
                variable_hint(&name)
            };
            TemplateError::new(
                template,
                TemplateErrorKind::InvalidVariable { name },
                span,
                hint,
            )
        }
        Failure::InvalidJson { error, at, .. } => {
            let hint = json_hint(template, at);
            TemplateError::new(
                template,
                TemplateErrorKind::InvalidJson { reason: error.kind },
                at,
                hint,
            )
        }
        Failure::TooLarge { at } => TemplateError::new(
            template,
            TemplateErrorKind::Unbounded,
            at,
            Some("close the variable with `}}` or remove the stray `{{`".to_owned()),
        ),
        Failure::TooDeep { at } => {
            TemplateError::new(template, TemplateErrorKind::TooDeep, at, None)
        }
    }
}

fn json_hint(template: &str, at: Span) -> Option<String> {
    if findings::ends_in_backslash_before(template, at.start) {
        return Some(
            "a string before this ends in a backslash; the platform counts quotes to tell \
             whether a variable is inside a string, and an escaped backslash before a closing \
             quote makes it treat every later variable as inside a string"
                .to_owned(),
        );
    }
    Some(
        "aside from variables in double curly braces outside strings, the template must be \
         valid JSON"
            .to_owned(),
    )
}
