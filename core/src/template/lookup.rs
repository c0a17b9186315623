//! Variable lookup with JavaScript property semantics.
//!
//! The platform resolves `{{resource.stats.x}}` with plain JavaScript property reads, so a
//! path can also reach inherited members: `resource.__proto__` is `Object.prototype`
//! (stringified as `{}`), `resource.toString` is a function (inserted as the text
//! `undefined`), and `list.length` is a number. We copy that for the members of
//! `Object.prototype` and `Array.prototype`, so the verdicts match what the platform does.

use crate::json::{JsObject, JsValue, write_js_string, write_json};
use std::borrow::Cow;

/// The result of resolving a variable path.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Resolved<'c> {
    /// A missing property (`undefined`).
    Undefined,
    /// `null`, also what a path yields once it walks past a falsy or non-object value.
    Null,
    /// A value from the context.
    Value(Cow<'c, JsValue>),
    /// A built-in function, with the text `String(fn)` gives.
    Function(&'static str),
    /// `Object.prototype`.
    ObjectPrototype,
    /// `Array.prototype`.
    ArrayPrototype,
}

const OBJECT_PROTOTYPE: &[(&str, &str)] = &[
    ("constructor", "function Object() { [native code] }"),
    (
        "__defineGetter__",
        "function __defineGetter__() { [native code] }",
    ),
    (
        "__defineSetter__",
        "function __defineSetter__() { [native code] }",
    ),
    (
        "hasOwnProperty",
        "function hasOwnProperty() { [native code] }",
    ),
    (
        "__lookupGetter__",
        "function __lookupGetter__() { [native code] }",
    ),
    (
        "__lookupSetter__",
        "function __lookupSetter__() { [native code] }",
    ),
    (
        "isPrototypeOf",
        "function isPrototypeOf() { [native code] }",
    ),
    (
        "propertyIsEnumerable",
        "function propertyIsEnumerable() { [native code] }",
    ),
    ("toString", "function toString() { [native code] }"),
    ("valueOf", "function valueOf() { [native code] }"),
    (
        "toLocaleString",
        "function toLocaleString() { [native code] }",
    ),
];

/// `String(fn)` for the methods of `Array.prototype`.
fn array_method(name: &str) -> Option<&'static str> {
    macro_rules! sources {
        ($($n:literal),*) => {
            match name { $($n => Some(concat!("function ", $n, "() { [native code] }")),)* _ => None }
        };
    }
    sources!(
        "at",
        "concat",
        "copyWithin",
        "fill",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "lastIndexOf",
        "pop",
        "push",
        "reverse",
        "shift",
        "unshift",
        "slice",
        "sort",
        "splice",
        "includes",
        "indexOf",
        "join",
        "keys",
        "entries",
        "values",
        "forEach",
        "filter",
        "flat",
        "flatMap",
        "map",
        "every",
        "some",
        "reduce",
        "reduceRight",
        "toLocaleString",
        "toString",
        "toReversed",
        "toSorted",
        "toSpliced",
        "with"
    )
}

fn object_member(key: &str) -> Option<Resolved<'static>> {
    if key == "__proto__" {
        return Some(Resolved::ObjectPrototype);
    }
    OBJECT_PROTOTYPE
        .iter()
        .find(|(n, _)| *n == key)
        .map(|(_, src)| Resolved::Function(src))
}

fn get_object<'c>(o: &'c JsObject, key: &str) -> Resolved<'c> {
    match o.get(key.as_bytes()) {
        Some(v) => Resolved::Value(Cow::Borrowed(v)),
        None => object_member(key).unwrap_or(Resolved::Undefined),
    }
}

fn get_array<'c>(items: &'c [JsValue], key: &str) -> Resolved<'c> {
    if let Some(i) = crate::json::value::array_index(key.as_bytes()) {
        return match items.get(i as usize) {
            Some(v) => Resolved::Value(Cow::Borrowed(v)),
            None => Resolved::Undefined,
        };
    }
    match key {
        "length" => Resolved::Value(Cow::Owned(JsValue::Number(items.len() as f64))),
        "__proto__" => Resolved::ArrayPrototype,
        "constructor" => Resolved::Function("function Array() { [native code] }"),
        _ => array_method(key)
            .map(Resolved::Function)
            .or_else(|| object_member(key))
            .unwrap_or(Resolved::Undefined),
    }
}

impl<'c> Resolved<'c> {
    fn is_truthy(&self) -> bool {
        match self {
            Resolved::Undefined | Resolved::Null => false,
            Resolved::Value(v) => v.is_truthy(),
            Resolved::Function(_) | Resolved::ObjectPrototype | Resolved::ArrayPrototype => true,
        }
    }

    /// `typeof x === 'object'` (functions are not).
    fn is_object(&self) -> bool {
        match self {
            Resolved::Value(v) => matches!(**v, JsValue::Object(_) | JsValue::Array(_)),
            Resolved::ObjectPrototype | Resolved::ArrayPrototype => true,
            _ => false,
        }
    }

    fn get(&self, key: &str) -> Resolved<'c> {
        match self {
            Resolved::Value(Cow::Borrowed(JsValue::Object(o))) => get_object(o, key),
            Resolved::Value(Cow::Borrowed(JsValue::Array(items))) => get_array(items, key),
            Resolved::ObjectPrototype => match key {
                "__proto__" => Resolved::Null,
                _ => object_member(key).unwrap_or(Resolved::Undefined),
            },
            Resolved::ArrayPrototype => match key {
                "length" => Resolved::Value(Cow::Owned(JsValue::Number(0.0))),
                _ => get_array(&[], key).into_static_or(Resolved::Undefined),
            },
            _ => Resolved::Undefined,
        }
    }

    fn into_static_or(self, fallback: Resolved<'c>) -> Resolved<'c> {
        match self {
            Resolved::Value(Cow::Borrowed(_)) => fallback,
            other => other,
        }
    }

    /// The text spliced into the payload for a variable outside strings:
    /// `truthy ? JSON.stringify(value) : null`.
    pub(crate) fn insertion_text(&self) -> Cow<'static, str> {
        if !self.is_truthy() {
            return Cow::Borrowed("null");
        }
        match self {
            Resolved::Value(v) => {
                let mut out = String::new();
                write_json(&mut out, v);
                Cow::Owned(out)
            }
            Resolved::Function(_) => Cow::Borrowed("undefined"),
            Resolved::ObjectPrototype => Cow::Borrowed("{}"),
            Resolved::ArrayPrototype => Cow::Borrowed("[]"),
            Resolved::Undefined | Resolved::Null => Cow::Borrowed("null"),
        }
    }

    /// The typed value a whole-string `"{{var}}"` becomes; `None` is `undefined` (a function
    /// too, since `JSON.stringify` drops both).
    pub(crate) fn typed(&self) -> Option<JsValue> {
        match self {
            Resolved::Undefined | Resolved::Function(_) => None,
            Resolved::Null => Some(JsValue::Null),
            Resolved::Value(v) => Some(v.clone().into_owned()),
            Resolved::ObjectPrototype => Some(JsValue::Object(JsObject::new())),
            Resolved::ArrayPrototype => Some(JsValue::Array(Vec::new())),
        }
    }

    /// Appends `` `${value}` ``.
    pub(crate) fn write_js_string(&self, out: &mut String) {
        match self {
            Resolved::Undefined => out.push_str("undefined"),
            Resolved::Null => out.push_str("null"),
            Resolved::Value(v) => write_js_string(out, v),
            Resolved::Function(src) => out.push_str(src),
            Resolved::ObjectPrototype => out.push_str("[object Object]"),
            Resolved::ArrayPrototype => {}
        }
    }
}

/// Resolves a dot path the way the platform does: the first segment is read from the
/// context, and each later segment only from a truthy object (otherwise the result is `null`).
pub(crate) fn resolve<'c>(context: &'c JsObject, name: &str) -> Resolved<'c> {
    let mut segments = name.split('.');
    let head = segments.next().unwrap_or("");
    let mut current = get_object(context, head);
    for segment in segments {
        current = if !current.is_truthy() || !current.is_object() {
            Resolved::Null
        } else {
            current.get(segment)
        };
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn ctx() -> JsObject {
        parse(r#"{"resource":{"id":"x","exitCode":0,"list":[1,2],"empty":""},"userId":"u"}"#)
            .unwrap()
            .into_object()
            .unwrap()
    }

    fn text(name: &str) -> String {
        resolve(&ctx(), name).insertion_text().into_owned()
    }

    #[test]
    fn falsy_values_insert_null() {
        assert_eq!(text("resource.exitCode"), "null");
        assert_eq!(text("resource.empty"), "null");
        assert_eq!(text("missing"), "null");
        assert_eq!(text("resource.id.length"), "null");
    }

    #[test]
    fn values_insert_their_json() {
        assert_eq!(text("resource.id"), "\"x\"");
        assert_eq!(text("resource.list"), "[1,2]");
        assert_eq!(text("resource.list.1"), "2");
        assert_eq!(text("resource.list.length"), "2");
    }

    #[test]
    fn prototype_members_behave_like_javascript() {
        assert_eq!(text("resource.__proto__"), "{}");
        assert_eq!(text("resource.__proto__.__proto__"), "null");
        assert_eq!(text("resource.constructor"), "undefined");
        assert_eq!(text("resource.constructor.name"), "null");
        assert_eq!(text("resource.list.__proto__"), "[]");
        assert_eq!(text("resource.list.map"), "undefined");
        assert_eq!(resolve(&ctx(), "resource.toString").typed(), None);
    }
}
