//! The shared model of Apify ad-hoc webhooks, with no I/O.
//!
//! Everything that must agree on what a valid webhook is lives here: the compile-time
//! `webhooks!` macro, the runtime client, the local emulator and the CLI all call these
//! checks. It builds fast and pulls in neither `serde_json` nor `url`, so the proc macro can
//! link it.
//!
//! * [`EventType`]: the platform's 12 event types and their groups.
//! * [`WebhookDef`] (borrowed, `const`-constructible) and [`WebhookDefinition`] (owned).
//! * [`check`]: the platform's limits, with typed errors.
//! * [`template`]: the platform's payload-template engine, reproduced exactly.
//! * [`encode`] / [`decode`]: the `webhooks` query parameter, byte-identical to the official
//!   JavaScript client.
//!
//! ```
//! use apify_webhooks_core::{EventType, WebhookDefinition, encode};
//!
//! let def = WebhookDefinition::new([EventType::ActorRunFailed], "https://example.com/run-failed");
//! def.check().unwrap();
//! let param = encode::to_base64(&[def]);
//! assert!(param.starts_with("W3siZXZlbnRUeXBlcyI6"));
//! ```

pub mod check;
pub mod decode;
mod definition;
pub mod encode;
mod event_type;
pub mod json;
pub mod suggest;
pub mod template;

pub use definition::{WebhookDef, WebhookDefinition, Webhooks};
pub use event_type::{EventType, UnknownEventType};
