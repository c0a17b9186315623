//! UI (trybuild) tests of the `webhooks!` macro live in `tests/ui/`, and the official JS and
//! Python clients' checks in `tests/official-clients/`; this library is empty.
//!
//! ```
//! // The UI tests compile files like this one:
//! use apify_webhooks::{webhooks, Webhooks};
//! const HOOKS: Webhooks = webhooks![{ event_types: [ACTOR.RUN.SUCCEEDED], request_url: "https://example.com/ok" }];
//! assert_eq!(HOOKS.len(), 1);
//! ```
