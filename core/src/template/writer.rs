//! A parser sink that writes the payload's `JSON.stringify` text while the template is read,
//! instead of building a value and serialising it afterwards. Values inserted for variables
//! are already canonical JSON, so they are copied in without being parsed again.
//!
//! The text equals `JSON.stringify(JSON.parse(payload))` only while no object needs
//! reordering: JavaScript lists array-index keys first and keeps a duplicate key at its first
//! place with the last value. Such keys (and, with string interpolation, any string holding
//! `{{`, or a `__proto__` key, which the rebuild drops) set [`Writer::needs_tree`], and the caller renders through the value tree instead.

use crate::json::parse::Sink;
use crate::json::value::array_index;
use crate::json::{JsString, JsValue, write_number, write_quoted};
use std::collections::HashSet;

/// Above this many keys an object's duplicate check uses a hash set instead of a scan.
const SCAN_KEYS: usize = 16;

struct Frame {
    array: bool,
    first: bool,
    /// Hashes of the keys so far (a collision only costs the fast path, never correctness).
    keys: Vec<u64>,
    key_set: Option<HashSet<u64>>,
}

#[derive(Default)]
pub(crate) struct Writer {
    pub out: String,
    frames: Vec<Frame>,
    /// Strings holding `{{` must be interpolated, which the tree path does.
    pub interpolate: bool,
    /// Set when the text written is not the platform's output (see the module docs).
    pub needs_tree: bool,
}

fn hash(bytes: &[u8]) -> u64 {
    // FNV-1a: keys are short and a collision only disables the fast path.
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Writer {
    pub(crate) fn new(capacity: usize, interpolate: bool) -> Self {
        Writer {
            out: String::with_capacity(capacity),
            interpolate,
            ..Writer::default()
        }
    }

    /// A writer whose text must not be used.
    pub(crate) fn needing_tree() -> Self {
        Writer {
            needs_tree: true,
            ..Writer::default()
        }
    }

    /// A comma before a value, when it is not the first in its array.
    fn before_value(&mut self) {
        if let Some(f) = self.frames.last_mut() {
            if f.array {
                if !f.first {
                    self.out.push(',');
                }
                f.first = false;
            }
        }
    }

    fn note_key(&mut self, key: &[u8]) {
        // With interpolation the platform rebuilds objects, and a `__proto__` key vanishes.
        if array_index(key).is_some() || (self.interpolate && key == b"__proto__") {
            self.needs_tree = true;
            return;
        }
        let Some(f) = self.frames.last_mut() else {
            return;
        };
        let h = hash(key);
        let duplicate = match &mut f.key_set {
            Some(set) => !set.insert(h),
            None => {
                let seen = f.keys.contains(&h);
                f.keys.push(h);
                if f.keys.len() > SCAN_KEYS {
                    f.key_set = Some(f.keys.drain(..).collect());
                }
                seen
            }
        };
        if duplicate {
            self.needs_tree = true;
        }
    }

    fn check_interpolation(&mut self, wtf8: &[u8]) {
        if self.interpolate && wtf8.windows(2).any(|w| w == b"{{") {
            self.needs_tree = true;
        }
    }
}

impl Sink for Writer {
    const BUILDS: bool = true;
    const RAW: bool = true;

    fn begin(&mut self, array: bool) {
        self.before_value();
        self.out.push(if array { '[' } else { '{' });
        self.frames.push(Frame {
            array,
            first: true,
            keys: Vec::new(),
            key_set: None,
        });
    }

    fn key(&mut self, key: JsString) {
        self.string(key.as_bytes(), true);
    }

    fn string(&mut self, wtf8: &[u8], key: bool) {
        if self.needs_tree {
            return;
        }
        self.check_interpolation(wtf8);
        if key {
            self.note_key(wtf8);
            if let Some(f) = self.frames.last_mut() {
                if !f.first {
                    self.out.push(',');
                }
                f.first = false;
            }
            write_quoted(&mut self.out, wtf8);
            self.out.push(':');
        } else {
            self.before_value();
            write_quoted(&mut self.out, wtf8);
        }
    }

    fn scalar(&mut self, value: JsValue) {
        if self.needs_tree {
            return;
        }
        self.before_value();
        match &value {
            JsValue::Null => self.out.push_str("null"),
            JsValue::Bool(true) => self.out.push_str("true"),
            JsValue::Bool(false) => self.out.push_str("false"),
            JsValue::Number(n) if n.is_finite() => write_number(&mut self.out, *n),
            JsValue::Number(_) => self.out.push_str("null"),
            JsValue::String(s) => {
                self.check_interpolation(s.as_bytes());
                write_quoted(&mut self.out, s.as_bytes());
            }
            other => crate::json::write_json(&mut self.out, other),
        }
    }

    fn number(&mut self, text: &[u8]) {
        if self.needs_tree {
            return;
        }
        if prints_as_written(text) {
            self.before_value();
            // Number syntax is ASCII.
            self.out.push_str(std::str::from_utf8(text).unwrap_or("0"));
            return;
        }
        let n: f64 = std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(0.0);
        self.scalar(JsValue::Number(n));
    }

    fn end(&mut self) {
        if let Some(f) = self.frames.pop() {
            self.out.push(if f.array { ']' } else { '}' });
        }
    }

    fn raw(&mut self, json: &str) {
        if self.needs_tree {
            return;
        }
        // Inserted data is interpolated too when strings are: leave that to the tree path.
        if self.interpolate && (json.contains("{{") || json.contains("\"__proto__\"")) {
            self.needs_tree = true;
            return;
        }
        self.before_value();
        self.out.push_str(json);
    }
}

/// Whether JavaScript prints this JSON number exactly as written, so it can be copied: an
/// integer or plain decimal with at most 15 significant digits (each such decimal is the
/// shortest text of its double), no leading zeros, no trailing fraction zeros, not `-0`, and
/// not below 10^-6 (printed with an exponent).
fn prints_as_written(text: &[u8]) -> bool {
    let digits = text.strip_prefix(b"-").unwrap_or(text);
    let (int, frac) = match digits.iter().position(|&b| b == b'.') {
        Some(dot) => (&digits[..dot], Some(&digits[dot + 1..])),
        None => (digits, None),
    };
    if int.is_empty() || !int.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let Some(frac) = frac else {
        // `0` prints as written; `-0` prints `0`; leading zeros cannot occur in JSON.
        return int.len() <= 15 && !(int == b"0" && text[0] == b'-');
    };
    if frac.is_empty() || !frac.iter().all(u8::is_ascii_digit) || frac.last() == Some(&b'0') {
        return false;
    }
    if int == b"0" {
        let zeros = frac.iter().take_while(|&&b| b == b'0').count();
        zeros <= 5 && frac.len() - zeros <= 15
    } else {
        int.len() + frac.len() <= 15
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse::Parser;

    fn write(text: &str) -> (String, bool) {
        let mut p = Parser::new(Writer::new(0, false));
        p.feed(text.as_bytes());
        p.finish().unwrap();
        let w = p.into_sink();
        (w.out, w.needs_tree)
    }

    #[test]
    fn writes_what_stringify_of_parse_writes() {
        let text = r#" { "a" : [1.50, -0, 1e2, "x\u0041\/", true, null, {}], "b": {"c": []} } "#;
        let (out, tree) = write(text);
        assert!(!tree);
        assert_eq!(
            out,
            crate::json::stringify(&crate::json::parse(text).unwrap())
        );
    }

    #[test]
    fn numbers_copied_only_where_javascript_prints_them_as_written() {
        for n in [
            "0",
            "7",
            "-12",
            "1.5",
            "-0.25",
            "0.000001",
            "123456789012345",
            "0.1",
        ] {
            assert!(prints_as_written(n.as_bytes()), "{n}");
        }
        for n in [
            "-0",
            "1.50",
            "1e5",
            "0.0000001",
            "1234567890123456",
            "1.0",
            "0.1234567890123456",
        ] {
            assert!(!prints_as_written(n.as_bytes()), "{n}");
        }
        for n in [
            "0",
            "-12",
            "1.5",
            "0.000001",
            "123456789012345",
            "-0",
            "1.50",
            "1e5",
            "0.0000001",
            "1234567890123456789",
        ] {
            assert_eq!(
                write(n).0,
                crate::json::stringify(&crate::json::parse(n).unwrap()),
                "{n}"
            );
        }
    }

    #[test]
    fn index_keys_and_duplicates_need_the_tree() {
        assert!(write(r#"{"b": 1, "1": 2}"#).1);
        assert!(write(r#"{"a": 1, "a": 2}"#).1);
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        assert!(!write(&format!("{{{}}}", many.join(","))).1);
        assert!(write(&format!("{{{}, \"k3\": 0}}", many.join(","))).1);
        // The same key in different objects is fine.
        assert!(!write(r#"[{"a": 1}, {"a": 2}]"#).1);
    }
}
