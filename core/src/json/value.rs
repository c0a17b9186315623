//! A JSON value with JavaScript semantics.
//!
//! The platform's template engine runs on V8, so the bytes it sends follow JavaScript rules:
//! numbers are IEEE doubles, object keys are ordered the JavaScript way (integer-like keys
//! first), and strings are UTF-16, so a lone surrogate escape such as `"\ud800"` survives a
//! parse/stringify round trip. `serde_json::Value` can do none of these, so we keep our own type.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// A JavaScript string stored as WTF-8: UTF-8 that may also hold lone surrogates (as the
/// three-byte sequences `ED A0..BF xx`). Lone surrogates can only come from `\uD8xx` escapes.
///
/// ```
/// use apify_webhooks_core::json::{parse, stringify, JsValue};
/// // A lone surrogate escape survives a round trip, as in JavaScript.
/// let v = parse(r#""\ud800""#).unwrap();
/// assert!(matches!(&v, JsValue::String(s) if s.as_str().is_none()));
/// assert_eq!(stringify(&v), r#""\ud800""#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct JsString(Vec<u8>);

impl JsString {
    /// Wraps UTF-8 text.
    pub fn new(text: impl Into<String>) -> Self {
        JsString(text.into().into_bytes())
    }

    pub(crate) fn from_wtf8(bytes: Vec<u8>) -> Self {
        JsString(bytes)
    }

    /// The raw WTF-8 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The text, if it holds no lone surrogate.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The text, with any lone surrogate replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// Whether the string is empty (and so falsy in JavaScript).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string_lossy(), f)
    }
}

impl From<&str> for JsString {
    fn from(s: &str) -> Self {
        JsString(s.as_bytes().to_vec())
    }
}

impl From<String> for JsString {
    fn from(s: String) -> Self {
        JsString(s.into_bytes())
    }
}

/// A JSON value as JavaScript sees it after `JSON.parse`.
///
/// ```
/// use apify_webhooks_core::json::{parse, JsValue};
/// assert_eq!(parse("1e400").unwrap(), JsValue::Number(f64::INFINITY));
/// assert!(!parse("0").unwrap().is_truthy());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum JsValue {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// Every JSON number is an IEEE double; `1e400` parses to infinity.
    Number(f64),
    /// A string.
    String(JsString),
    /// An array.
    Array(Vec<JsValue>),
    /// An object, in JavaScript property order.
    Object(JsObject),
}

impl Drop for JsValue {
    /// Drops nested values with an explicit stack, so a deeply nested payload cannot
    /// overflow the thread's stack.
    fn drop(&mut self) {
        let mut pending: Vec<JsValue> = match self {
            JsValue::Array(items) if !items.is_empty() => std::mem::take(items),
            JsValue::Object(o) if !o.entries.is_empty() => {
                o.entries.drain(..).map(|(_, v)| v).collect()
            }
            _ => return,
        };
        while let Some(mut v) = pending.pop() {
            match &mut v {
                JsValue::Array(items) => pending.append(items),
                JsValue::Object(o) => pending.extend(o.entries.drain(..).map(|(_, v)| v)),
                _ => {}
            }
        }
    }
}

impl JsValue {
    /// The JSON type with an article, for messages: `a string`, `an array`, `null`, …
    ///
    /// ```
    /// assert_eq!(apify_webhooks_core::json::JsValue::Bool(true).type_name(), "a boolean");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            JsValue::Null => "null",
            JsValue::Bool(_) => "a boolean",
            JsValue::Number(_) => "a number",
            JsValue::String(_) => "a string",
            JsValue::Array(_) => "an array",
            JsValue::Object(_) => "an object",
        }
    }

    /// The object, if this is one (without copying).
    pub fn into_object(mut self) -> Option<JsObject> {
        match &mut self {
            JsValue::Object(o) => Some(std::mem::take(o)),
            _ => None,
        }
    }

    /// JavaScript truthiness: `null`, `false`, `0`, `NaN` and `""` are falsy.
    pub fn is_truthy(&self) -> bool {
        match self {
            JsValue::Null => false,
            JsValue::Bool(b) => *b,
            JsValue::Number(n) => *n != 0.0 && !n.is_nan(),
            JsValue::String(s) => !s.is_empty(),
            JsValue::Array(_) | JsValue::Object(_) => true,
        }
    }

    /// A string value.
    pub fn string(text: impl Into<String>) -> Self {
        JsValue::String(JsString::new(text))
    }

    /// The object's entries, if this is an object.
    pub fn as_object(&self) -> Option<&JsObject> {
        match self {
            JsValue::Object(o) => Some(o),
            _ => None,
        }
    }
}

/// An object whose entries are kept in JavaScript's property order: canonical array-index
/// keys (`"0"` to `"4294967294"`) first in ascending order, then the other keys in insertion
/// order. A repeated key keeps the position of its first occurrence and the last value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct JsObject {
    entries: Vec<(JsString, JsValue)>,
}

impl JsObject {
    /// An empty object.
    pub fn new() -> Self {
        JsObject::default()
    }

    /// Builds an object from entries in source order, applying JavaScript's ordering and
    /// duplicate-key rules.
    pub fn from_entries(mut entries: Vec<(JsString, JsValue)>) -> Self {
        let has_duplicates = if entries.len() <= 8 {
            (1..entries.len()).any(|i| entries[..i].iter().any(|(k, _)| *k == entries[i].0))
        } else {
            let mut seen = std::collections::HashSet::with_capacity(entries.len());
            !entries.iter().all(|(k, _)| seen.insert(k))
        };
        if has_duplicates {
            let mut out: Vec<(JsString, JsValue)> = Vec::with_capacity(entries.len());
            let mut index: HashMap<JsString, usize> = HashMap::with_capacity(entries.len());
            for (k, v) in entries {
                match index.get(&k) {
                    Some(&i) => out[i].1 = v,
                    None => {
                        index.insert(k.clone(), out.len());
                        out.push((k, v));
                    }
                }
            }
            entries = out;
        }
        if entries
            .iter()
            .any(|(k, _)| array_index(k.as_bytes()).is_some())
        {
            // A stable sort keeps the insertion order of the non-index keys.
            entries.sort_by_key(|(k, _)| match array_index(k.as_bytes()) {
                Some(i) => (0u8, i),
                None => (1u8, 0),
            });
        }
        JsObject { entries }
    }

    /// Inserts or replaces a key, as JavaScript's `obj[key] = value` does.
    pub fn insert(&mut self, key: JsString, value: JsValue) {
        if let Some(slot) = self.entries.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
            return;
        }
        match array_index(key.as_bytes()) {
            Some(i) => {
                let at = self
                    .entries
                    .iter()
                    .position(|(k, _)| array_index(k.as_bytes()).is_none_or(|j| j > i))
                    .unwrap_or(self.entries.len());
                self.entries.insert(at, (key, value));
            }
            None => self.entries.push((key, value)),
        }
    }

    /// Appends an entry known to be new and in order (keys taken from an ordered object).
    pub(crate) fn push_ordered(&mut self, key: JsString, value: JsValue) {
        self.entries.push((key, value));
    }

    /// The own property `key`.
    pub fn get(&self, key: &[u8]) -> Option<&JsValue> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_bytes() == key)
            .map(|(_, v)| v)
    }

    /// The `i`th entry in property order.
    pub fn entry(&self, i: usize) -> Option<(&JsString, &JsValue)> {
        self.entries.get(i).map(|(k, v)| (k, v))
    }

    /// The entries in property order.
    pub fn iter(&self) -> impl Iterator<Item = (&JsString, &JsValue)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The number of own properties.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the object has no own properties.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A canonical array index (`0`..=`4294967294`, no leading zeros), which JavaScript lists
/// before all other keys.
pub(crate) fn array_index(key: &[u8]) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key[0] == b'0') {
        return None;
    }
    let mut n: u64 = 0;
    for &b in key {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    (n < u64::from(u32::MAX)).then_some(n as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(o: &JsObject) -> Vec<String> {
        o.iter()
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn integer_like_keys_come_first() {
        let o = JsObject::from_entries(vec![
            ("b".into(), JsValue::Null),
            ("10".into(), JsValue::Null),
            ("2".into(), JsValue::Null),
            ("01".into(), JsValue::Null),
            ("4294967295".into(), JsValue::Null),
            ("4294967294".into(), JsValue::Null),
        ]);
        assert_eq!(keys(&o), ["2", "10", "4294967294", "b", "01", "4294967295"]);
    }

    #[test]
    fn duplicate_keys_keep_first_position_and_last_value() {
        let o = JsObject::from_entries(vec![
            ("a".into(), JsValue::Number(1.0)),
            ("b".into(), JsValue::Number(2.0)),
            ("a".into(), JsValue::Number(3.0)),
        ]);
        assert_eq!(keys(&o), ["a", "b"]);
        assert_eq!(o.get(b"a"), Some(&JsValue::Number(3.0)));
    }

    #[test]
    fn insert_places_index_keys_in_order() {
        let mut o = JsObject::new();
        o.insert("z".into(), JsValue::Null);
        o.insert("5".into(), JsValue::Null);
        o.insert("1".into(), JsValue::Null);
        assert_eq!(keys(&o), ["1", "5", "z"]);
    }

    #[test]
    fn truthiness_follows_javascript() {
        assert!(!JsValue::Number(0.0).is_truthy());
        assert!(!JsValue::Number(f64::NAN).is_truthy());
        assert!(!JsValue::string("").is_truthy());
        assert!(JsValue::Array(vec![]).is_truthy());
        assert!(JsValue::Object(JsObject::new()).is_truthy());
    }
}
