//! Template errors that point at the user's template: byte offset, line, column, a caret
//! excerpt and a hint.

use super::engine::Span;
use crate::json::JsonErrorKind;
use std::fmt;

/// The platform's name for a class of template error, as `err.constructor.name` gives it.
///
/// ```
/// use apify_webhooks_core::template::{validate, ErrorClass, TemplateOptions};
/// let e = validate(r#"{"a": {{userId}},}"#, TemplateOptions::default()).unwrap_err();
/// assert_eq!(e.class(), ErrorClass::InvalidJsonError);
/// assert_eq!(e.class().as_str(), "InvalidJsonError");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// The text is not valid JSON once variables are replaced.
    InvalidJsonError,
    /// A variable whose first segment is not allowed.
    InvalidVariableError,
    /// The payload grows without bound (V8 fails with `Invalid string length`) or nests
    /// too deep.
    RangeError,
}

impl ErrorClass {
    /// The platform's class name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::InvalidJsonError => "InvalidJsonError",
            ErrorClass::InvalidVariableError => "InvalidVariableError",
            ErrorClass::RangeError => "RangeError",
        }
    }
}

/// What is wrong with a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateErrorKind {
    /// A variable the platform does not allow (it checks the first dot segment only).
    InvalidVariable {
        /// The raw text between the braces.
        name: String,
    },
    /// Not valid JSON once the variables outside strings are replaced.
    InvalidJson {
        /// What the JSON parser found.
        reason: JsonErrorKind,
    },
    /// A `{{` with no `}}` after it makes the platform's payload double on every retry.
    Unbounded,
    /// Nested deeper than the engine builds.
    TooDeep,
}

/// A template the platform would reject, with a position in the template as written.
///
/// ```
/// use apify_webhooks_core::template::{validate, TemplateOptions};
/// let e = validate("{\n  \"run\": {{resorce}}\n}", TemplateOptions::default()).unwrap_err();
/// assert_eq!((e.line(), e.column(), e.offset()), (2, 10, 11));
/// assert_eq!(e.hint(), Some("did you mean `{{resource}}`?"));
/// assert!(e.excerpt().ends_with("^^^^^^^^^^^"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    kind: TemplateErrorKind,
    span: Span,
    line: usize,
    column: usize,
    excerpt: String,
    hint: Option<String>,
}

impl TemplateError {
    pub(crate) fn new(
        template: &str,
        kind: TemplateErrorKind,
        span: Span,
        hint: Option<String>,
    ) -> Self {
        let (line, column, excerpt) = locate(template, span);
        TemplateError {
            kind,
            span,
            line,
            column,
            excerpt,
            hint,
        }
    }

    /// What is wrong.
    pub fn kind(&self) -> &TemplateErrorKind {
        &self.kind
    }

    /// The platform's error class.
    pub fn class(&self) -> ErrorClass {
        match self.kind {
            TemplateErrorKind::InvalidVariable { .. } => ErrorClass::InvalidVariableError,
            TemplateErrorKind::InvalidJson { .. } => ErrorClass::InvalidJsonError,
            TemplateErrorKind::Unbounded | TemplateErrorKind::TooDeep => ErrorClass::RangeError,
        }
    }

    /// Byte offset in the template.
    pub fn offset(&self) -> usize {
        self.span.start
    }

    /// The byte range in the template the error is about.
    pub fn span(&self) -> (usize, usize) {
        (self.span.start, self.span.end)
    }

    /// 1-based line in the template.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column (in characters) in the template.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The template line with a caret under the error.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }

    /// How to fix it, where we know.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The one-line message, without position.
    pub fn message(&self) -> String {
        match &self.kind {
            TemplateErrorKind::InvalidVariable { name } if name.ends_with("{{") => format!(
                "unclosed `{{{{`: with no `}}}}` after it, the platform takes all the text before \
                 it (`{}`) as a variable name and rejects it",
                shorten(name)
            ),
            TemplateErrorKind::InvalidVariable { name } => format!(
                "invalid variable `{{{{{}}}}}`: the platform allows only userId, createdAt, \
                 eventType, eventData and resource",
                shorten(name)
            ),
            TemplateErrorKind::InvalidJson { reason } => format!(
                "not valid JSON once variables are replaced: {}",
                reason.describe()
            ),
            TemplateErrorKind::Unbounded => "this `{{` has no closing `}}`, so the platform's \
                 payload doubles on every retry until it fails (RangeError: Invalid string length)"
                .to_owned(),
            TemplateErrorKind::TooDeep => format!(
                "nested deeper than {} levels; the platform cannot serialise the payload",
                super::engine::MAX_DEPTH
            ),
        }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {})\n{}",
            self.message(),
            self.line,
            self.column,
            self.excerpt
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TemplateError {}

fn shorten(name: &str) -> String {
    const MAX: usize = 60;
    if name.chars().count() <= MAX {
        return name.to_owned();
    }
    let head: String = name.chars().take(MAX).collect();
    format!("{head}…")
}

/// The 1-based line and column (in characters) of a byte offset of `text`; an offset inside
/// a character counts as that character.
///
/// ```
/// use apify_webhooks_core::template::line_col;
/// assert_eq!(line_col("{\n  \"é\": x}", 9), (2, 7));
/// ```
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = (0..=offset.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        1 + before.matches('\n').count(),
        1 + before[line_start..].chars().count(),
    )
}

/// Line, column and a one-line caret excerpt (at most about 60 characters around the error).
pub(crate) fn locate(template: &str, span: Span) -> (usize, usize, String) {
    let at = span.start.min(template.len());
    let at = (0..=at)
        .rev()
        .find(|&i| template.is_char_boundary(i))
        .unwrap_or(0);
    let (line, column) = line_col(template, at);
    let line_start = template[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = template[at..].find('\n').map_or(template.len(), |i| at + i);
    let text: Vec<char> = template[line_start..line_end]
        .chars()
        .map(|c| if c == '\t' || c == '\r' { ' ' } else { c })
        .collect();
    let col0 = column - 1;
    let width = template[at..span.end.clamp(at, line_end)]
        .chars()
        .count()
        .max(1);
    let from = col0.saturating_sub(30);
    let to = (col0 + width.max(1) + 30).min(text.len());
    let mut excerpt = String::new();
    if from > 0 {
        excerpt.push('…');
    }
    excerpt.extend(&text[from..to]);
    if to < text.len() {
        excerpt.push('…');
    }
    excerpt.push('\n');
    let pad = col0 - from + usize::from(from > 0);
    excerpt.extend(std::iter::repeat_n(' ', pad));
    excerpt.extend(std::iter::repeat_n(
        '^',
        width.min(to.saturating_sub(col0)).max(1),
    ));
    (line, column, excerpt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_points_at_the_column() {
        let (line, col, ex) = locate("{\n  \"a\": {{ x }}\n}", Span { start: 9, end: 16 });
        assert_eq!((line, col), (2, 8));
        assert_eq!(ex, "  \"a\": {{ x }}\n       ^^^^^^^");
    }

    #[test]
    fn long_lines_are_cut_around_the_error() {
        let t = format!("{}X{}", "a".repeat(100), "b".repeat(100));
        let (_, col, ex) = locate(
            &t,
            Span {
                start: 100,
                end: 101,
            },
        );
        assert_eq!(col, 101);
        let lines: Vec<_> = ex.lines().collect();
        assert!(lines[0].starts_with('…') && lines[0].ends_with('…'));
        assert_eq!(lines[0].chars().position(|c| c == 'X'), lines[1].find('^'));
    }
}
