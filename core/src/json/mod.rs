//! JSON with JavaScript semantics: V8's `JSON.parse` grammar and errors, `JSON.stringify`
//! output, JavaScript number printing and property order.
//!
//! ```
//! use apify_webhooks_core::json::{parse, stringify};
//! let v = parse(r#"{"b": 1.0, "10": 2, "2": 1e21}"#).unwrap();
//! assert_eq!(stringify(&v), r#"{"2":1e+21,"10":2,"b":1}"#);
//! ```

pub(crate) mod parse;
pub(crate) mod value;
mod write;

pub use parse::{JsonError, JsonErrorKind, parse};
pub use value::{JsObject, JsString, JsValue};
pub(crate) use write::write_quoted;
pub use write::{
    stringify, stringify_pretty, write_js_string, write_json, write_number, write_string,
};
