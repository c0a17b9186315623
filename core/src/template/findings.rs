//! Findings: templates the platform accepts but almost surely renders wrong.

use super::engine::{Engine, Span};
use super::interpolate::matches;
use super::shape::{PathInfo, describe};
use super::{ALLOWED_VARIABLES, TemplateOptions};
use crate::json::{JsObject, JsValue};

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// `{{name}}` inside a string is sent literally because interpolation is off.
    VariableInString {
        /// The variable name.
        name: String,
    },
    /// `{{name}}` in an object key is never replaced, not even with interpolation.
    VariableInKey {
        /// The variable name.
        name: String,
    },
    /// Inside strings only names of letters, digits and dots are replaced.
    NotInterpolated {
        /// The text between the braces.
        name: String,
    },
    /// A dot path that a run's payload does not have; it renders `null`.
    UnknownPath {
        /// The full path.
        path: String,
        /// The closest existing name for the unknown segment.
        suggestion: Option<String>,
    },
    /// A value that may be `0`, `false`, `""` or `null` renders as `null` outside a string.
    FalsyAsNull {
        /// The path.
        path: String,
    },
    /// A string ending in a backslash makes the platform treat later variables as inside a
    /// string.
    TrailingBackslash,
}

/// Something the platform accepts but almost surely mis-renders, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// Byte range in the template.
    pub span: (usize, usize),
}

impl Finding {
    /// A one-line explanation with the fix.
    pub fn message(&self) -> String {
        match &self.kind {
            FindingKind::VariableInString { name } => format!(
                "`{{{{{name}}}}}` is inside a string, so it is sent literally; variables inside \
                 strings are only replaced when should_interpolate_strings is true"
            ),
            FindingKind::VariableInKey { name } => format!(
                "`{{{{{name}}}}}` is in an object key; the platform never replaces variables in keys"
            ),
            FindingKind::NotInterpolated { name } => format!(
                "`{{{{{name}}}}}` is not interpolated: inside strings only names made of letters, \
                 digits and dots are replaced"
            ),
            FindingKind::UnknownPath { path, suggestion } => match suggestion {
                Some(s) => format!(
                    "`{path}` does not exist on the payload, so it renders null; did you mean `{s}`?"
                ),
                None => format!("`{path}` does not exist on the payload, so it renders null"),
            },
            FindingKind::FalsyAsNull { path } => format!(
                "`{path}` renders as null when its value is 0, false or empty; write \
                 \"{{{{{path}}}}}\" with should_interpolate_strings to keep the value"
            ),
            FindingKind::TrailingBackslash => {
                "this string ends in a backslash, which throws off the \
                 platform's quote counting: later variables are taken to be inside strings or \
                 outside them the wrong way round, so they are left unreplaced or spliced into a \
                 string, and real dispatches fail"
                    .to_owned()
            }
        }
    }
}

/// Finds what the platform accepts but almost surely renders wrong. Templates that do not
/// validate have no findings (their error says more).
///
/// ```
/// use apify_webhooks_core::template::{findings, FindingKind, TemplateOptions};
///
/// let found = findings(r#"{"code": {{resource.exitCode}}, "ds": {{resource.defaultDataSetId}}}"#,
///                      TemplateOptions::default());
/// assert!(matches!(found[0].kind, FindingKind::FalsyAsNull { .. }));
/// assert_eq!(found[1].message(), "`resource.defaultDataSetId` does not exist on the payload, \
///            so it renders null; did you mean `resource.defaultDatasetId`?");
/// ```
pub fn findings(template: &str, options: TemplateOptions) -> Vec<Finding> {
    let empty = JsObject::new();
    let Ok(substituted) = Engine::new(template, Some(&ALLOWED_VARIABLES), &empty).run() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for occ in substituted.occurrences.iter().filter(|o| o.in_template) {
        path_findings(&occ.name, occ.span, true, &mut out);
    }
    let mut cursor = 0;
    walk_strings(&substituted.value, &mut |text, is_key| {
        for m in matches(text) {
            let needle = &text[m.start..m.end];
            let span = find_span(template, needle, &mut cursor);
            let name = m.name.to_owned();
            if is_key {
                out.push(Finding {
                    kind: FindingKind::VariableInKey { name },
                    span,
                });
            } else if !options.interpolate_strings {
                out.push(Finding {
                    kind: FindingKind::VariableInString { name },
                    span,
                });
            } else {
                path_findings(
                    m.name,
                    Span {
                        start: span.0,
                        end: span.1,
                    },
                    false,
                    &mut out,
                );
            }
        }
        if options.interpolate_strings && !is_key {
            for (name, span) in unmatched_braces(text, template, &mut cursor) {
                out.push(Finding {
                    kind: FindingKind::NotInterpolated { name },
                    span,
                });
            }
        }
    });
    if let Some(at) = trailing_backslash(template) {
        out.push(Finding {
            kind: FindingKind::TrailingBackslash,
            span: (at, at + 1),
        });
    }
    out.sort_by_key(|f| f.span);
    out
}

fn path_findings(name: &str, span: Span, outside_string: bool, out: &mut Vec<Finding>) {
    let head = name.split('.').next().unwrap_or("");
    if !ALLOWED_VARIABLES.contains(&head) {
        return;
    }
    let span = (span.start, span.end);
    match describe(name) {
        PathInfo::Unknown {
            parent,
            segment,
            suggestion,
        } => {
            let suggestion = suggestion.map(|s| {
                if parent.is_empty() {
                    s.to_owned()
                } else {
                    format!("{parent}.{s}")
                }
            });
            let _ = segment;
            out.push(Finding {
                kind: FindingKind::UnknownPath {
                    path: name.to_owned(),
                    suggestion,
                },
                span,
            });
        }
        PathInfo::Known { falsy: true } if outside_string => out.push(Finding {
            kind: FindingKind::FalsyAsNull {
                path: name.to_owned(),
            },
            span,
        }),
        PathInfo::Known { .. } => {}
    }
}

/// Calls `f` on every string (keys flagged) of the value, in order.
fn walk_strings(value: &JsValue, f: &mut dyn FnMut(&[u8], bool)) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            JsValue::String(s) => f(s.as_bytes(), false),
            JsValue::Array(items) => stack.extend(items.iter().rev()),
            JsValue::Object(o) => {
                let entries: Vec<_> = o.iter().collect();
                for (k, v) in entries.into_iter().rev() {
                    stack.push(v);
                    f(k.as_bytes(), true);
                }
            }
            _ => {}
        }
    }
}

fn find_span(template: &str, needle: &[u8], cursor: &mut usize) -> (usize, usize) {
    let needle = String::from_utf8_lossy(needle);
    let found = template[*cursor..]
        .find(needle.as_ref())
        .map(|i| i + *cursor)
        .or_else(|| template.find(needle.as_ref()));
    match found {
        Some(start) => {
            *cursor = start + needle.len();
            (start, start + needle.len())
        }
        None => (0, 0),
    }
}

/// `{{…}}` in a string that the interpolation regex does not match (spaces, `_`, `-`, …).
fn unmatched_braces(
    text: &[u8],
    template: &str,
    cursor: &mut usize,
) -> Vec<(String, (usize, usize))> {
    let mut found = Vec::new();
    let s = String::from_utf8_lossy(text);
    let mut from = 0;
    while let Some(open) = s[from..].find("{{").map(|i| i + from) {
        let Some(close) = s[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        let name = &s[open + 2..close];
        let recognised =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.');
        if !recognised && !name.contains('{') && !name.trim().is_empty() {
            let span = find_span(template, s[open..close + 2].as_bytes(), cursor);
            found.push((name.to_owned(), span));
        }
        from = close + 2;
    }
    found
}

/// The offset of a string's closing quote preceded by an escaped backslash (`"…\\"`) when a
/// `{{` follows it.
fn trailing_backslash(template: &str) -> Option<usize> {
    // A template that is valid JSON as written is returned untouched: no quote counting.
    if crate::json::parse(template).is_ok() {
        return None;
    }
    let at = string_ending_in_backslash(template, template.len())?;
    template[at..].contains("{{").then_some(at)
}

/// Whether a string ending in a backslash closes before `limit`.
pub(crate) fn ends_in_backslash_before(template: &str, limit: usize) -> bool {
    string_ending_in_backslash(template, limit).is_some()
}

fn string_ending_in_backslash(template: &str, limit: usize) -> Option<usize> {
    let bytes = template.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len().min(limit) {
        match bytes[i] {
            b'"' if !in_string => in_string = true,
            b'\\' if in_string => {
                i += 1;
            }
            b'"' => {
                in_string = false;
                if i >= 1 && bytes[i - 1] == b'\\' {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str, interpolate: bool) -> Vec<FindingKind> {
        findings(t, TemplateOptions::interpolating(interpolate))
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn variable_in_string_without_interpolation() {
        assert_eq!(
            kinds(r#"{"id": "{{resource.id}}"}"#, false),
            [FindingKind::VariableInString {
                name: "resource.id".into()
            }]
        );
        assert!(kinds(r#"{"id": "{{resource.id}}"}"#, true).is_empty());
    }

    #[test]
    fn keys_spaces_and_backslashes() {
        assert_eq!(
            kinds(r#"{"{{userId}}": 1, "a": "{{ userId }}"}"#, true),
            [
                FindingKind::VariableInKey {
                    name: "userId".into()
                },
                FindingKind::NotInterpolated {
                    name: " userId ".into()
                },
            ]
        );
        // Valid JSON as written: the platform never counts quotes, so no backslash finding.
        assert_eq!(
            kinds(r#"{"p": "C:\\", "q": "{{userId}}"}"#, false),
            [FindingKind::VariableInString {
                name: "userId".into()
            }]
        );
        // Validates (variables are null then), but every real dispatch breaks the string.
        let t = r#"["C:\\", "{{userId}}", "D:\\", {{resource.id}}]"#;
        assert!(crate::template::validate(t, TemplateOptions::default()).is_ok());
        assert!(kinds(t, false).contains(&FindingKind::TrailingBackslash));
    }

    #[test]
    fn unknown_paths_suggest_and_falsy_values_warn() {
        assert_eq!(
            kinds(r#"{"a": {{resource.stats.durationMilis}}}"#, false),
            [FindingKind::UnknownPath {
                path: "resource.stats.durationMilis".into(),
                suggestion: Some("resource.stats.durationMillis".into())
            }]
        );
        assert_eq!(
            kinds(
                r#"{"a": {{resource.isStatusMessageTerminal}}, "b": {{resource.id}}}"#,
                false
            ),
            [FindingKind::FalsyAsNull {
                path: "resource.isStatusMessageTerminal".into()
            }]
        );
    }
}
