//! `JSON.stringify` and JavaScript's `String(value)`, byte for byte.

use super::value::{JsObject, JsString, JsValue};

/// Appends a JavaScript number as `Number#toString` writes it (`1e+21`, `1e-7`, `0.000001`).
pub fn write_number(out: &mut String, n: f64) {
    if n == 0.0 {
        out.push('0'); // also -0
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        // Integers below 10^15 print as their digits; skip the shortest-digits search.
        use std::fmt::Write;
        let _ = write!(out, "{}", n as i64);
    } else if n.is_finite() {
        out.push_str(ryu_js::Buffer::new().format_finite(n));
    } else if n.is_nan() {
        out.push_str("NaN");
    } else if n > 0.0 {
        out.push_str("Infinity");
    } else {
        out.push_str("-Infinity");
    }
}

/// Appends `JSON.stringify(s)`: escapes `"`, `\`, control characters and lone surrogates,
/// and nothing else.
pub fn write_string(out: &mut String, s: &JsString) {
    write_quoted(out, s.as_bytes());
}

/// Bytes that need a look in a string: `"`, `\`, control characters, and 0xED (which starts
/// a surrogate in WTF-8).
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[0xED] = true;
    t
};

pub(crate) fn write_quoted(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push('"');
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Plain bytes are the common case: skip them with a table lookup each.
        while i < bytes.len() && !SPECIAL[bytes[i] as usize] {
            i += 1;
        }
        if i == bytes.len() {
            break;
        }
        let b = bytes[i];
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            0x08 => Some("\\b"),
            0x0C => Some("\\f"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            _ => None,
        };
        let lone_surrogate = b == 0xED && bytes.get(i + 1).is_some_and(|&n| n >= 0xA0);
        if escape.is_none() && b >= 0x20 && !lone_surrogate {
            i += 1;
            continue;
        }
        push_utf8(out, &bytes[start..i]);
        if let Some(e) = escape {
            out.push_str(e);
            i += 1;
        } else if lone_surrogate {
            let code = (u32::from(bytes[i] & 0x0F) << 12)
                | (u32::from(bytes[i + 1] & 0x3F) << 6)
                | u32::from(bytes[i + 2] & 0x3F);
            out.push_str(&format!("\\u{code:04x}"));
            i += 3;
        } else {
            out.push_str(&format!("\\u{b:04x}"));
            i += 1;
        }
        start = i;
    }
    push_utf8(out, &bytes[start..]);
    out.push('"');
}

/// Pushes bytes known to be valid UTF-8 (the writer never splits a character and moves lone
/// surrogates out as escapes).
fn push_utf8(out: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => out.push_str(s),
        Err(_) => out.push_str(&String::from_utf8_lossy(bytes)),
    }
}

/// `JSON.stringify(value)`: compact, keys in the object's order, non-finite numbers as `null`.
/// Iterative, so any depth is safe.
pub fn stringify(value: &JsValue) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

enum Frame<'a> {
    Value(&'a JsValue),
    Items(&'a [JsValue], usize),
    Entries(&'a JsObject, usize),
}

/// Appends `JSON.stringify(value)` to `out`.
pub fn write_json(out: &mut String, value: &JsValue) {
    let mut stack = vec![Frame::Value(value)];
    while let Some(frame) = stack.pop() {
        match frame {
            Frame::Value(v) => match v {
                JsValue::Null => out.push_str("null"),
                JsValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                JsValue::Number(n) if n.is_finite() => write_number(out, *n),
                JsValue::Number(_) => out.push_str("null"),
                JsValue::String(s) => write_string(out, s),
                JsValue::Array(items) => {
                    out.push('[');
                    stack.push(Frame::Items(items, 0));
                }
                JsValue::Object(o) => {
                    out.push('{');
                    stack.push(Frame::Entries(o, 0));
                }
            },
            Frame::Items(items, i) => match items.get(i) {
                Some(v) => {
                    if i > 0 {
                        out.push(',');
                    }
                    stack.push(Frame::Items(items, i + 1));
                    stack.push(Frame::Value(v));
                }
                None => out.push(']'),
            },
            Frame::Entries(o, i) => match o.entry(i) {
                Some((k, v)) => {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    stack.push(Frame::Entries(o, i + 1));
                    stack.push(Frame::Value(v));
                }
                None => out.push('}'),
            },
        }
    }
}

/// `JSON.stringify(value, null, indent)`: the same text with line breaks and indentation,
/// keys still in the object's order.
pub fn stringify_pretty(value: &JsValue, indent: usize) -> String {
    let compact = stringify(value);
    // Re-indent the compact text: strings are copied verbatim, structure gets whitespace.
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(&pad);
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    if c == '\\' {
                        if let Some(n) = chars.next() {
                            out.push(n);
                        }
                    } else if c == '"' {
                        break;
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(chars.next().unwrap_or(close));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

/// Appends JavaScript's `String(value)`: arrays join their elements with `,` (with `null`
/// elements as empty text) and objects become `[object Object]`.
pub fn write_js_string(out: &mut String, value: &JsValue) {
    match value {
        JsValue::Null => out.push_str("null"),
        JsValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        JsValue::Number(n) => write_number(out, *n),
        JsValue::String(s) => out.push_str(&s.to_string_lossy()),
        JsValue::Object(_) => out.push_str("[object Object]"),
        JsValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !matches!(item, JsValue::Null) {
                    write_js_string(out, item);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse::parse;

    fn roundtrip(text: &str) -> String {
        stringify(&parse(text).unwrap())
    }

    #[test]
    fn numbers_print_like_javascript() {
        assert_eq!(
            roundtrip("[0, -0, 1.0, 1e2, 1e-2, 1e21, 1e20, 0.000001, 0.0000001, 1e400, 5e-324]"),
            "[0,0,1,100,0.01,1e+21,100000000000000000000,0.000001,1e-7,null,5e-324]"
        );
        assert_eq!(roundtrip("12345678901234567890"), "12345678901234567000");
    }

    #[test]
    fn strings_escape_only_what_javascript_escapes() {
        assert_eq!(
            roundtrip(r#""a\"b\\c\/\u0001\u001f\b\f\n\r\t é \u2028 😀""#),
            "\"a\\\"b\\\\c/\\u0001\\u001f\\b\\f\\n\\r\\t é \u{2028} 😀\""
        );
        assert_eq!(roundtrip(r#""\ud800""#), r#""\ud800""#);
        assert_eq!(roundtrip(r#"["\udc00x"]"#), r#"["\udc00x"]"#);
    }

    #[test]
    fn pretty_output_matches_json_stringify_with_indent() {
        let v = parse(r#"{"b":[1,{}],"a":{"x":"s,:{"},"e":[]}"#).unwrap();
        assert_eq!(
            stringify_pretty(&v, 2),
            "{\n  \"b\": [\n    1,\n    {}\n  ],\n  \"a\": {\n    \"x\": \"s,:{\"\n  },\n  \"e\": []\n}"
        );
    }

    #[test]
    fn js_string_conversion() {
        let v = parse(r#"[1,"two",{"three":3},null,[4,5],true]"#).unwrap();
        let mut out = String::new();
        write_js_string(&mut out, &v);
        assert_eq!(out, "1,two,[object Object],,4,5,true");
    }
}
