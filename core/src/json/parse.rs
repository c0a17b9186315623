//! A streaming JSON parser with V8's `JSON.parse` grammar.
//!
//! It is fed bytes in pieces and reports the first byte at which the text stops being a
//! prefix of valid JSON (the same place V8 reports). The template engine feeds it the payload
//! as the payload is built, so it knows at every step whether the text so far can still
//! become valid JSON and whether a position is inside a string. With a [`Builder`] sink it
//! also produces a [`JsValue`]. It never recurses, so any nesting depth is safe.

use super::value::{JsObject, JsString, JsValue};
use std::fmt;

/// Why a text is not valid JSON. The variants mirror V8's error texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonErrorKind {
    /// The text ended where a value was expected.
    UnexpectedEnd,
    /// A character that cannot start a value.
    UnexpectedToken,
    /// After `{`: a key or `}` was expected.
    ExpectedPropertyNameOrBrace,
    /// After `,` in an object: a double-quoted key was expected.
    ExpectedDoubleQuotedPropertyName,
    /// A key was not followed by `:`.
    ExpectedColon,
    /// A value in an object was not followed by `,` or `}`.
    ExpectedCommaOrBrace,
    /// A value in an array was not followed by `,` or `]`.
    ExpectedCommaOrBracket,
    /// Text after a complete top-level value.
    UnexpectedNonWhitespace,
    /// A string with no closing quote.
    UnterminatedString,
    /// A raw control character (U+0000 to U+001F) inside a string.
    BadControlCharacter,
    /// A backslash followed by a character that is not a JSON escape.
    BadEscapedCharacter,
    /// A `\u` escape with fewer than four hex digits.
    BadUnicodeEscape,
    /// A `-` with no digit after it.
    NoNumberAfterMinus,
    /// A `.` with no digit after it.
    UnterminatedFractionalNumber,
    /// An exponent with no digits.
    ExponentMissingNumber,
    /// A leading zero followed by a digit, as in `01`.
    UnexpectedNumber,
}

impl JsonErrorKind {
    /// A short description in V8's words.
    pub fn describe(self) -> &'static str {
        use JsonErrorKind::*;
        match self {
            UnexpectedEnd => "unexpected end of JSON input",
            UnexpectedToken => "unexpected token",
            ExpectedPropertyNameOrBrace => "expected property name or '}'",
            ExpectedDoubleQuotedPropertyName => "expected double-quoted property name",
            ExpectedColon => "expected ':' after property name",
            ExpectedCommaOrBrace => "expected ',' or '}' after property value",
            ExpectedCommaOrBracket => "expected ',' or ']' after array element",
            UnexpectedNonWhitespace => "unexpected non-whitespace character after JSON",
            UnterminatedString => "unterminated string",
            BadControlCharacter => "bad control character in string literal",
            BadEscapedCharacter => "bad escaped character",
            BadUnicodeEscape => "bad Unicode escape",
            NoNumberAfterMinus => "no number after minus sign",
            UnterminatedFractionalNumber => "unterminated fractional number",
            ExponentMissingNumber => "exponent part is missing a number",
            UnexpectedNumber => "unexpected number",
        }
    }
}

/// A JSON syntax error at a byte offset of the parsed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// What is wrong.
    pub kind: JsonErrorKind,
    /// The byte offset of the offending character (the text length for end-of-input errors).
    pub offset: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.describe(), self.offset)
    }
}

impl std::error::Error for JsonError {}

/// Parses a complete JSON text the way V8's `JSON.parse` does.
pub fn parse(text: &str) -> Result<JsValue, JsonError> {
    let mut p = Parser::new(Builder::default());
    p.feed(text.as_bytes());
    p.finish()?;
    Ok(p.into_sink().finish())
}

/// Receives the structure a [`Parser`] recognises.
pub(crate) trait Sink {
    /// Whether string contents and numbers must be collected.
    const BUILDS: bool;
    fn begin(&mut self, array: bool);
    fn key(&mut self, key: JsString);
    fn scalar(&mut self, value: JsValue);
    fn end(&mut self);
    /// A string's decoded WTF-8 contents: a key, or a value.
    fn string(&mut self, wtf8: &[u8], key: bool) {
        let s = JsString::from_wtf8(wtf8.to_vec());
        if key {
            self.key(s);
        } else {
            self.scalar(JsValue::String(s));
        }
    }
    /// A number, as written (valid JSON number syntax).
    fn number(&mut self, text: &[u8]) {
        let n: f64 = std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(0.0);
        self.scalar(JsValue::Number(n));
    }
    /// A whole value as canonical JSON text (`JSON.stringify` output), taken as is; only
    /// offered to sinks that set [`Sink::RAW`].
    fn raw(&mut self, _json: &str) {}
    /// Whether [`Sink::raw`] is worth offering.
    const RAW: bool = false;
}

/// A sink that only checks syntax.
#[derive(Clone, Default)]
pub(crate) struct Validate;

impl Sink for Validate {
    const BUILDS: bool = false;
    fn begin(&mut self, _: bool) {}
    fn key(&mut self, _: JsString) {}
    fn scalar(&mut self, _: JsValue) {}
    fn end(&mut self) {}
}

enum Partial {
    Array(Vec<JsValue>),
    Object(Vec<(JsString, JsValue)>, Option<JsString>),
}

/// A sink that builds the [`JsValue`].
#[derive(Default)]
pub(crate) struct Builder {
    stack: Vec<Partial>,
    result: Option<JsValue>,
}

impl Builder {
    fn put(&mut self, value: JsValue) {
        match self.stack.last_mut() {
            Some(Partial::Array(items)) => items.push(value),
            Some(Partial::Object(entries, key)) => {
                let key = key.take().unwrap_or_default();
                entries.push((key, value));
            }
            None => self.result = Some(value),
        }
    }

    pub(crate) fn finish(self) -> JsValue {
        self.result.unwrap_or(JsValue::Null)
    }
}

impl Sink for Builder {
    const BUILDS: bool = true;
    fn begin(&mut self, array: bool) {
        self.stack.push(if array {
            Partial::Array(Vec::new())
        } else {
            Partial::Object(Vec::new(), None)
        });
    }
    fn key(&mut self, key: JsString) {
        if let Some(Partial::Object(_, slot)) = self.stack.last_mut() {
            *slot = Some(key);
        }
    }
    fn scalar(&mut self, value: JsValue) {
        self.put(value);
    }
    fn end(&mut self) {
        let value = match self.stack.pop() {
            Some(Partial::Array(items)) => JsValue::Array(items),
            Some(Partial::Object(entries, _)) => JsValue::Object(JsObject::from_entries(entries)),
            None => return,
        };
        self.put(value);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Num {
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    Exp,
    ExpSign,
    ExpDigits,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Value,
    ArrayFirst,
    ObjectFirst,
    ObjectKey,
    Colon,
    After,
    Str { key: bool },
    Escape { key: bool },
    Unicode { key: bool, digits: u8, code: u16 },
    Number(Num),
    Literal { word: &'static [u8], matched: u8 },
    Dead,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Frame {
    array: bool,
    id: u64,
}

/// Where a parser is: enough to tell whether two parsers will behave the same on the same
/// remaining input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Snapshot {
    depth: usize,
    top: u64,
    state: State,
}

/// The streaming parser.
#[derive(Clone)]
pub(crate) struct Parser<S: Sink> {
    sink: S,
    stack: Vec<Frame>,
    state: State,
    offset: usize,
    error: Option<JsonError>,
    next_id: u64,
    max_depth: usize,
    buf: Vec<u8>,
    high_surrogate: Option<u16>,
}

impl<S: Sink> Parser<S> {
    /// The deepest nesting seen so far.
    pub(crate) fn max_depth(&self) -> usize {
        self.max_depth
    }

    pub(crate) fn new(sink: S) -> Self {
        Parser {
            sink,
            stack: Vec::new(),
            state: State::Value,
            offset: 0,
            error: None,
            next_id: 0,
            max_depth: 0,
            buf: Vec::new(),
            high_surrogate: None,
        }
    }

    pub(crate) fn into_sink(self) -> S {
        self.sink
    }

    /// The first error, once the text fed so far can no longer become valid JSON.
    pub(crate) fn error(&self) -> Option<JsonError> {
        self.error
    }

    /// Whether the next byte would be string content (not an escape).
    pub(crate) fn in_string(&self) -> bool {
        matches!(self.state, State::Str { .. })
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot {
            depth: self.stack.len(),
            top: self.stack.last().map_or(u64::MAX, |f| f.id),
            state: self.state,
        }
    }

    /// A copy whose new containers get ids the original never uses, so that
    /// [`Parser::snapshot`] comparisons between the two are exact.
    pub(crate) fn fork(&self) -> Parser<Validate> {
        Parser {
            sink: Validate,
            stack: self.stack.clone(),
            state: self.state,
            offset: self.offset,
            error: self.error,
            next_id: self.next_id | (1 << 63),
            max_depth: self.max_depth,
            buf: Vec::new(),
            high_surrogate: None,
        }
    }

    fn fail(&mut self, kind: JsonErrorKind, at: usize) {
        self.error = Some(JsonError { kind, offset: at });
        self.state = State::Dead;
    }

    /// Feeds more text.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if self.state == State::Dead {
                return;
            }
            // Fast path through plain string content.
            if let State::Str { .. } = self.state {
                let run = bytes[i..]
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                    .unwrap_or(bytes.len() - i);
                if run > 0 {
                    if S::BUILDS {
                        self.flush_surrogate();
                        self.buf.extend_from_slice(&bytes[i..i + run]);
                    }
                    i += run;
                    self.offset += run;
                    continue;
                }
            }
            // Fast paths: whitespace between tokens, and digit runs inside numbers.
            if matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r')
                && !matches!(
                    self.state,
                    State::Str { .. }
                        | State::Number(_)
                        | State::Escape { .. }
                        | State::Unicode { .. }
                        | State::Literal { .. }
                )
            {
                let run = bytes[i..]
                    .iter()
                    .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(bytes.len() - i);
                i += run;
                self.offset += run;
                continue;
            }
            if let State::Number(Num::Int | Num::Frac | Num::ExpDigits) = self.state {
                let run = bytes[i..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .unwrap_or(bytes.len() - i);
                if run > 0 {
                    if S::BUILDS {
                        self.buf.extend_from_slice(&bytes[i..i + run]);
                    }
                    i += run;
                    self.offset += run;
                    continue;
                }
            }
            let b = bytes[i];
            if self.step(b) {
                i += 1;
                self.offset += 1;
            }
        }
    }

    /// Takes `json`, the canonical text of one whole value at most `depth` deep, in one step
    /// where a value may start; false (nothing taken) anywhere else, or for sinks without
    /// [`Sink::RAW`]. The same as feeding the text, without reading it again.
    pub(crate) fn accept_raw(&mut self, json: &str, depth: usize) -> bool {
        if !S::RAW || !matches!(self.state, State::Value | State::ArrayFirst) {
            return false;
        }
        self.sink.raw(json);
        self.offset += json.len();
        self.max_depth = self.max_depth.max(self.stack.len() + depth);
        self.state = State::After;
        true
    }

    fn push(&mut self, array: bool) {
        self.stack.push(Frame {
            array,
            id: self.next_id,
        });
        self.next_id += 1;
        self.max_depth = self.max_depth.max(self.stack.len());
        self.sink.begin(array);
    }

    fn pop(&mut self) {
        self.stack.pop();
        self.sink.end();
        self.state = State::After;
    }

    fn start_value(&mut self, b: u8) {
        let at = self.offset;
        match b {
            b'{' => {
                self.push(false);
                self.state = State::ObjectFirst;
            }
            b'[' => {
                self.push(true);
                self.state = State::ArrayFirst;
            }
            b'"' => {
                self.buf.clear();
                self.state = State::Str { key: false };
            }
            b'-' => self.start_number(b, Num::Minus),
            b'0' => self.start_number(b, Num::Zero),
            b'1'..=b'9' => self.start_number(b, Num::Int),
            b't' => self.state = lit(b"true"),
            b'f' => self.state = lit(b"false"),
            b'n' => self.state = lit(b"null"),
            _ => self.fail(JsonErrorKind::UnexpectedToken, at),
        }
    }

    fn start_number(&mut self, b: u8, state: Num) {
        if S::BUILDS {
            self.buf.clear();
            self.buf.push(b);
        }
        self.state = State::Number(state);
    }

    fn end_number(&mut self) {
        if S::BUILDS {
            self.sink.number(&self.buf);
        }
        self.state = State::After;
    }

    fn end_string(&mut self, key: bool) {
        if S::BUILDS {
            self.flush_surrogate();
            self.sink.string(&self.buf, key);
            self.buf.clear();
        }
        self.state = if key { State::Colon } else { State::After };
    }

    fn flush_surrogate(&mut self) {
        if let Some(high) = self.high_surrogate.take() {
            push_wtf8(&mut self.buf, u32::from(high));
        }
    }

    fn unicode_escape(&mut self, code: u16) {
        if !S::BUILDS {
            return;
        }
        match code {
            0xD800..=0xDBFF => {
                self.flush_surrogate();
                self.high_surrogate = Some(code);
            }
            0xDC00..=0xDFFF => match self.high_surrogate.take() {
                Some(high) => {
                    let c =
                        0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(code) - 0xDC00);
                    push_wtf8(&mut self.buf, c);
                }
                None => push_wtf8(&mut self.buf, u32::from(code)),
            },
            _ => {
                self.flush_surrogate();
                push_wtf8(&mut self.buf, u32::from(code));
            }
        }
    }

    /// Handles one byte; returns false when the byte must be handled again in the new state.
    fn step(&mut self, b: u8) -> bool {
        let at = self.offset;
        let ws = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        match self.state {
            State::Dead => {}
            State::Value => {
                if !ws {
                    self.start_value(b);
                }
            }
            State::ArrayFirst => {
                if b == b']' {
                    self.pop();
                } else if !ws {
                    self.start_value(b);
                }
            }
            State::ObjectFirst | State::ObjectKey => {
                if b == b'"' {
                    self.buf.clear();
                    self.state = State::Str { key: true };
                } else if b == b'}' && self.state == State::ObjectFirst {
                    self.pop();
                } else if !ws {
                    let kind = if self.state == State::ObjectFirst {
                        JsonErrorKind::ExpectedPropertyNameOrBrace
                    } else {
                        JsonErrorKind::ExpectedDoubleQuotedPropertyName
                    };
                    self.fail(kind, at);
                }
            }
            State::Colon => {
                if b == b':' {
                    self.state = State::Value;
                } else if !ws {
                    self.fail(JsonErrorKind::ExpectedColon, at);
                }
            }
            State::After => match self.stack.last().map(|f| f.array) {
                _ if ws => {}
                None => self.fail(JsonErrorKind::UnexpectedNonWhitespace, at),
                Some(true) => match b {
                    b',' => self.state = State::Value,
                    b']' => self.pop(),
                    _ => self.fail(JsonErrorKind::ExpectedCommaOrBracket, at),
                },
                Some(false) => match b {
                    b',' => self.state = State::ObjectKey,
                    b'}' => self.pop(),
                    _ => self.fail(JsonErrorKind::ExpectedCommaOrBrace, at),
                },
            },
            State::Str { key } => match b {
                b'"' => self.end_string(key),
                b'\\' => self.state = State::Escape { key },
                0..=0x1F => self.fail(JsonErrorKind::BadControlCharacter, at),
                _ => {
                    if S::BUILDS {
                        self.flush_surrogate();
                        self.buf.push(b);
                    }
                }
            },
            State::Escape { key } => {
                let plain = match b {
                    b'"' => Some(b'"'),
                    b'\\' => Some(b'\\'),
                    b'/' => Some(b'/'),
                    b'b' => Some(0x08),
                    b'f' => Some(0x0C),
                    b'n' => Some(b'\n'),
                    b'r' => Some(b'\r'),
                    b't' => Some(b'\t'),
                    _ => None,
                };
                if let Some(c) = plain {
                    if S::BUILDS {
                        self.flush_surrogate();
                        self.buf.push(c);
                    }
                    self.state = State::Str { key };
                } else if b == b'u' {
                    self.state = State::Unicode {
                        key,
                        digits: 0,
                        code: 0,
                    };
                } else {
                    self.fail(JsonErrorKind::BadEscapedCharacter, at);
                }
            }
            State::Unicode { key, digits, code } => match (b as char).to_digit(16) {
                Some(d) => {
                    let code = (code << 4) | d as u16;
                    if digits == 3 {
                        self.unicode_escape(code);
                        self.state = State::Str { key };
                    } else {
                        self.state = State::Unicode {
                            key,
                            digits: digits + 1,
                            code,
                        };
                    }
                }
                None => self.fail(JsonErrorKind::BadUnicodeEscape, at),
            },
            State::Number(n) => {
                let next = match (n, b) {
                    (Num::Minus, b'0') => Ok(Num::Zero),
                    (Num::Minus, b'1'..=b'9') => Ok(Num::Int),
                    (Num::Minus, _) => Err(Some(JsonErrorKind::NoNumberAfterMinus)),
                    (Num::Zero, b'0'..=b'9') => Err(Some(JsonErrorKind::UnexpectedNumber)),
                    (Num::Zero | Num::Int, b'.') => Ok(Num::Dot),
                    (Num::Zero | Num::Int | Num::Frac, b'e' | b'E') => Ok(Num::Exp),
                    (Num::Int, b'0'..=b'9') => Ok(Num::Int),
                    (Num::Dot | Num::Frac, b'0'..=b'9') => Ok(Num::Frac),
                    (Num::Dot, _) => Err(Some(JsonErrorKind::UnterminatedFractionalNumber)),
                    (Num::Exp, b'+' | b'-') => Ok(Num::ExpSign),
                    (Num::Exp | Num::ExpSign | Num::ExpDigits, b'0'..=b'9') => Ok(Num::ExpDigits),
                    (Num::Exp | Num::ExpSign, _) => Err(Some(JsonErrorKind::ExponentMissingNumber)),
                    (Num::Zero | Num::Int | Num::Frac | Num::ExpDigits, _) => Err(None),
                };
                match next {
                    Ok(state) => {
                        if S::BUILDS {
                            self.buf.push(b);
                        }
                        self.state = State::Number(state);
                    }
                    Err(Some(kind)) => self.fail(kind, at),
                    Err(None) => {
                        self.end_number();
                        return false;
                    }
                }
            }
            State::Literal { word, matched } => {
                if word[matched as usize] == b {
                    if matched as usize + 1 == word.len() {
                        if S::BUILDS {
                            self.sink.scalar(match word {
                                b"true" => JsValue::Bool(true),
                                b"false" => JsValue::Bool(false),
                                _ => JsValue::Null,
                            });
                        }
                        self.state = State::After;
                    } else {
                        self.state = State::Literal {
                            word,
                            matched: matched + 1,
                        };
                    }
                } else {
                    self.fail(JsonErrorKind::UnexpectedToken, at);
                }
            }
        }
        true
    }

    /// Ends the input; `Ok` when everything fed is exactly one valid JSON text.
    pub(crate) fn finish(&mut self) -> Result<(), JsonError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if let State::Number(n) = self.state {
            match n {
                Num::Zero | Num::Int | Num::Frac | Num::ExpDigits => self.end_number(),
                Num::Minus => self.fail(JsonErrorKind::NoNumberAfterMinus, self.offset),
                Num::Dot => self.fail(JsonErrorKind::UnterminatedFractionalNumber, self.offset),
                Num::Exp | Num::ExpSign => {
                    self.fail(JsonErrorKind::ExponentMissingNumber, self.offset)
                }
            }
        }
        let kind = match self.state {
            State::Dead => return Err(self.error.expect("a dead parser records its error")),
            State::After if self.stack.is_empty() => return Ok(()),
            State::After => {
                if self.stack.last().is_some_and(|f| f.array) {
                    JsonErrorKind::ExpectedCommaOrBracket
                } else {
                    JsonErrorKind::ExpectedCommaOrBrace
                }
            }
            State::ObjectFirst => JsonErrorKind::ExpectedPropertyNameOrBrace,
            State::ObjectKey => JsonErrorKind::ExpectedDoubleQuotedPropertyName,
            State::Colon => JsonErrorKind::ExpectedColon,
            State::Str { .. } | State::Escape { .. } | State::Unicode { .. } => {
                JsonErrorKind::UnterminatedString
            }
            State::Value | State::ArrayFirst | State::Literal { .. } | State::Number(_) => {
                JsonErrorKind::UnexpectedEnd
            }
        };
        self.fail(kind, self.offset);
        Err(self.error.expect("just set"))
    }
}

fn lit(word: &'static [u8]) -> State {
    State::Literal { word, matched: 1 }
}

/// Appends a code point (surrogates included) in generalized UTF-8.
fn push_wtf8(buf: &mut Vec<u8>, c: u32) {
    match c {
        0..=0x7F => buf.push(c as u8),
        0x80..=0x7FF => buf.extend_from_slice(&[0xC0 | (c >> 6) as u8, 0x80 | (c & 0x3F) as u8]),
        0x800..=0xFFFF => buf.extend_from_slice(&[
            0xE0 | (c >> 12) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]),
        _ => buf.extend_from_slice(&[
            0xF0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3F) as u8,
            0x80 | ((c >> 6) & 0x3F) as u8,
            0x80 | (c & 0x3F) as u8,
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JsonErrorKind::*;

    fn err(text: &str) -> JsonError {
        parse(text).unwrap_err()
    }

    #[test]
    fn accepts_every_json_form() {
        for ok in [
            "0",
            "-0",
            "1.5e-3",
            "1E+2",
            "\"a\\u00e9\\n\"",
            "[]",
            "{}",
            "[1,[2,{\"a\":null}]]",
            " \t\r\n true ",
            "false",
            "\"\\ud800\"",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn reports_v8_error_kinds_at_v8_positions() {
        assert_eq!(
            err("{\"a\":1,}"),
            JsonError {
                kind: ExpectedDoubleQuotedPropertyName,
                offset: 7
            }
        );
        assert_eq!(
            err("{"),
            JsonError {
                kind: ExpectedPropertyNameOrBrace,
                offset: 1
            }
        );
        assert_eq!(
            err("[1, 2, 3"),
            JsonError {
                kind: ExpectedCommaOrBracket,
                offset: 8
            }
        );
        assert_eq!(
            err("[1,]"),
            JsonError {
                kind: UnexpectedToken,
                offset: 3
            }
        );
        assert_eq!(
            err("01"),
            JsonError {
                kind: UnexpectedNumber,
                offset: 1
            }
        );
        assert_eq!(
            err("1 2"),
            JsonError {
                kind: UnexpectedNonWhitespace,
                offset: 2
            }
        );
        assert_eq!(
            err("\"abc"),
            JsonError {
                kind: UnterminatedString,
                offset: 4
            }
        );
        assert_eq!(
            err("\"\\x\""),
            JsonError {
                kind: BadEscapedCharacter,
                offset: 2
            }
        );
        assert_eq!(
            err("\"\\u12x4\""),
            JsonError {
                kind: BadUnicodeEscape,
                offset: 5
            }
        );
        assert_eq!(
            err("\"a\nb\""),
            JsonError {
                kind: BadControlCharacter,
                offset: 2
            }
        );
        assert_eq!(
            err("-"),
            JsonError {
                kind: NoNumberAfterMinus,
                offset: 1
            }
        );
        assert_eq!(
            err("1."),
            JsonError {
                kind: UnterminatedFractionalNumber,
                offset: 2
            }
        );
        assert_eq!(
            err("1e"),
            JsonError {
                kind: ExponentMissingNumber,
                offset: 2
            }
        );
        assert_eq!(
            err(""),
            JsonError {
                kind: UnexpectedEnd,
                offset: 0
            }
        );
        assert_eq!(
            err("tru"),
            JsonError {
                kind: UnexpectedEnd,
                offset: 3
            }
        );
        assert_eq!(
            err("{\"a\" 1}"),
            JsonError {
                kind: ExpectedColon,
                offset: 5
            }
        );
        assert_eq!(
            err("\u{feff}1"),
            JsonError {
                kind: UnexpectedToken,
                offset: 0
            }
        );
    }

    #[test]
    fn surrogate_pairs_combine_and_lone_ones_survive() {
        let v = parse("\"\\ud83d\\ude00\"").unwrap();
        let JsValue::String(s) = &v else { panic!() };
        assert_eq!(s.as_str(), Some("😀"));
        let v = parse("\"\\ud800x\"").unwrap();
        let JsValue::String(s) = &v else { panic!() };
        assert_eq!(s.as_bytes(), &[0xED, 0xA0, 0x80, b'x']);
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let deep = "[".repeat(200_000) + &"]".repeat(200_000);
        let mut p = Parser::new(Validate);
        p.feed(deep.as_bytes());
        assert!(p.finish().is_ok());
    }

    #[test]
    fn numbers_are_doubles() {
        assert_eq!(parse("1e400").unwrap(), JsValue::Number(f64::INFINITY));
        assert_eq!(
            parse("12345678901234567890").unwrap(),
            JsValue::Number(12345678901234567890.0)
        );
    }
}
