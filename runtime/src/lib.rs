//! Apify ad-hoc webhooks, checked at compile time.
//!
//! [`webhooks!`] declares ad-hoc webhooks once. A typo in an event type, a malformed URL, or a
//! payload template the platform would reject fails the build at the offending token; what
//! passes costs nothing at run time, because the `webhooks` run parameter is computed during
//! the build.
//!
//! ```
//! use apify_webhooks::{webhooks, Webhooks};
//!
//! const ON_FINISH: Webhooks = webhooks![
//!     {
//!         event_types: [ACTOR.RUN.FAILED],
//!         request_url: "https://example.com/run-failed",
//!     },
//!     {
//!         event_types: [ACTOR.RUN.SUCCEEDED],
//!         request_url: "https://example.com/run-succeeded",
//!         payload_template: r#"{"hello": "world", "resource":{{resource}}}"#,
//!     },
//! ];
//!
//! // Byte-identical to the official JS client's `webhooks` parameter.
//! assert!(ON_FINISH.base64().starts_with("W3siZXZlbnRUeXBlcyI6WyJBQ1RPUi5SVU4uRkFJTEVEIl0s"));
//! assert_eq!(ON_FINISH.iter().count(), 2);
//! ```
//!
//! Webhooks known only at run time use [`WebhookDefinition`] with the same checks, returning
//! errors instead of failing the build.

pub use apify_webhooks_core::{
    EventType, UnknownEventType, WebhookDef, WebhookDefinition, Webhooks, check, decode, encode,
    json, template,
};

mod set;
pub use set::WebhookSet;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
pub use client::{Actor, ApifyClient, Registration, Run, RunOptions, RunStatus, run_scoped_key};

/// Declares checked ad-hoc webhooks; evaluates to a [`Webhooks`] constant.
///
/// Each `{ ... }` is one webhook. Fields (all but the first two are optional):
///
/// | field | value |
/// | --- | --- |
/// | `event_types` | `[ACTOR.RUN.SUCCEEDED, "ACTOR.RUN.FAILED", ACTOR_RUN_TERMINAL]`: paths, strings or group names |
/// | `request_url` | `"https://..."`: absolute `http`/`https`, at most 500 characters |
/// | `payload_template` | a string or raw string: the platform's template language |
/// | `headers_template` | a template that renders to an object of strings |
/// | `description` | at most 320 characters |
/// | `idempotency_key` | 1–128 characters (warns: a fixed key means only the first run gets it) |
/// | `should_interpolate_strings`, `ignore_ssl_errors`, `do_not_retry` | `true` or `false` |
/// | `allow` | warnings to silence, e.g. `[falsy_as_null]` |
///
/// ```
/// use apify_webhooks::{webhooks, Webhooks};
///
/// static ALERTS: Webhooks = webhooks![{
///     event_types: [ACTOR_RUN_TERMINAL],
///     request_url: "https://example.com/alerts",
///     payload_template: r#"{"run": {{resource.id}}, "status": {{resource.status}}}"#,
///     headers_template: r#"{"X-Source": "my-actor"}"#,
///     do_not_retry: true,
/// }];
/// assert_eq!(ALERTS.as_slice()[0].event_types.len(), 4);
/// ```
///
/// A mistake fails the build at its token:
///
/// ```compile_fail
/// use apify_webhooks::{webhooks, Webhooks};
/// const W: Webhooks = webhooks![{ event_types: [ACTOR.RUN.FAILD], request_url: "https://e.com" }];
/// ```
#[macro_export]
macro_rules! webhooks {
    ($($tokens:tt)*) => {
        $crate::__private::webhooks_impl!($crate; $($tokens)*)
    };
}

#[doc(hidden)]
pub mod __private {
    pub use apify_webhooks_core::{EventType, WebhookDef, Webhooks};
    pub use apify_webhooks_macros::webhooks_impl;
}
