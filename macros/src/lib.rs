//! The proc macro behind `apify_webhooks::webhooks!`. Depend on `apify-webhooks` and use the
//! macro from there: it passes its own path in, so generated code keeps working under a
//! renamed dependency.
//!
//! This entry point only converts token streams; everything else is plain code on
//! `proc_macro2` types in the `expand` module, unit-tested without a compiler.
//!
//! ```
//! use apify_webhooks::{webhooks, Webhooks};
//!
//! const ON_FAIL: Webhooks = webhooks![{
//!     event_types: [ACTOR.RUN.FAILED],
//!     request_url: "https://example.com/failed",
//! }];
//! assert_eq!(ON_FAIL.json(), r#"[{"eventTypes":["ACTOR.RUN.FAILED"],"requestUrl":"https://example.com/failed"}]"#);
//! ```

mod events;
mod expand;
mod fields;
mod input;
mod warnings;

#[cfg(test)]
mod properties;

/// Expands `$crate; { ... }, ...` into a checked `Webhooks` constant expression.
#[doc(hidden)]
#[proc_macro]
pub fn webhooks_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand::expand(input.into()).into()
}
