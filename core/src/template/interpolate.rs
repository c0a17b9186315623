//! `shouldInterpolateStrings`: the walk over the parsed payload that replaces `{{name}}`
//! inside strings.
//!
//! Only names made of `[a-zA-Z0-9.]` are recognised. A string that is exactly `"{{name}}"`
//! becomes the value with its type; otherwise each match becomes JavaScript's `String(value)`.
//! Keys are never touched, and a `__proto__` key disappears (the platform rebuilds objects
//! with `out[key] = value`, which sets the prototype instead).

use super::lookup::resolve;
use crate::json::{JsObject, JsString, JsValue};

/// A name found in a string that is not allowed.
#[derive(Debug)]
pub(crate) struct BadName(pub String);

pub(crate) struct Interpolator<'c> {
    pub context: &'c JsObject,
    pub allowed: Option<&'c [&'c str]>,
}

/// One `{{name}}` match inside a string.
pub(crate) struct Match<'s> {
    pub start: usize,
    pub end: usize,
    pub name: &'s str,
}

/// The matches of `\{\{([a-zA-Z0-9.]+)\}\}`, left to right, without overlap.
pub(crate) fn matches(s: &[u8]) -> impl Iterator<Item = Match<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at + 4 <= s.len() {
            if s[at] == b'{' && s[at + 1] == b'{' {
                let name_start = at + 2;
                let mut i = name_start;
                while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'.') {
                    i += 1;
                }
                if i > name_start && s.get(i) == Some(&b'}') && s.get(i + 1) == Some(&b'}') {
                    let m = Match {
                        start: at,
                        end: i + 2,
                        name: std::str::from_utf8(&s[name_start..i]).unwrap_or_default(),
                    };
                    at = i + 2;
                    return Some(m);
                }
            }
            at += 1;
        }
        None
    })
}

impl Interpolator<'_> {
    fn check(&self, name: &str) -> Result<(), BadName> {
        let head = name.split('.').next().unwrap_or("");
        match self.allowed {
            Some(list) if !list.contains(&head) => Err(BadName(name.to_owned())),
            _ => Ok(()),
        }
    }

    /// Interpolates a value; `None` is JavaScript's `undefined`. Depth-first in property
    /// order, as the platform reports errors, with an explicit stack so depth is no risk.
    pub(crate) fn value(&self, value: &JsValue) -> Result<Option<JsValue>, BadName> {
        enum Work<'v> {
            Visit(&'v JsValue),
            Array(usize),
            Object(Vec<&'v JsString>),
        }
        let mut work = vec![Work::Visit(value)];
        let mut done: Vec<Option<JsValue>> = Vec::new();
        while let Some(item) = work.pop() {
            match item {
                Work::Visit(JsValue::String(s)) => done.push(self.string(s)?),
                Work::Visit(JsValue::Array(items)) => {
                    work.push(Work::Array(items.len()));
                    work.extend(items.iter().rev().map(Work::Visit));
                }
                Work::Visit(JsValue::Object(o)) => {
                    work.push(Work::Object(o.iter().map(|(k, _)| k).collect()));
                    let values: Vec<&JsValue> = o.iter().map(|(_, v)| v).collect();
                    work.extend(values.into_iter().rev().map(Work::Visit));
                }
                Work::Visit(other) => done.push(Some(other.clone())),
                Work::Array(n) => {
                    let items = done.split_off(done.len() - n);
                    let items = items
                        .into_iter()
                        .map(|v| v.unwrap_or(JsValue::Null))
                        .collect();
                    done.push(Some(JsValue::Array(items)));
                }
                Work::Object(keys) => {
                    let values = done.split_off(done.len() - keys.len());
                    let mut out = JsObject::new();
                    for (k, v) in keys.into_iter().zip(values) {
                        // `out["__proto__"] = v` sets the prototype: no own property.
                        if k.as_bytes() == b"__proto__" {
                            continue;
                        }
                        if let Some(v) = v {
                            out.push_ordered(k.clone(), v);
                        }
                    }
                    done.push(Some(JsValue::Object(out)));
                }
            }
        }
        Ok(done.pop().flatten())
    }

    fn string(&self, s: &JsString) -> Result<Option<JsValue>, BadName> {
        let bytes = s.as_bytes();
        let mut found = matches(bytes).peekable();
        let Some(first) = found.peek() else {
            return Ok(Some(JsValue::String(s.clone())));
        };
        if first.start == 0 && first.end == bytes.len() {
            self.check(first.name)?;
            return Ok(resolve(self.context, first.name).typed());
        }
        let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
        let mut last = 0;
        let mut text = String::new();
        for m in found {
            self.check(m.name)?;
            out.extend_from_slice(&bytes[last..m.start]);
            text.clear();
            resolve(self.context, m.name).write_js_string(&mut text);
            out.extend_from_slice(text.as_bytes());
            last = m.end;
        }
        out.extend_from_slice(&bytes[last..]);
        Ok(Some(JsValue::String(JsString::from_wtf8(out))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_follow_the_platform_regex() {
        let names: Vec<_> = matches(b"{{{userId}}} {{ a }} {{a_b}} {{x.y.0}}{{}}")
            .map(|m| m.name)
            .collect();
        assert_eq!(names, ["userId", "x.y.0"]);
    }
}
