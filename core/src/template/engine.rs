//! The substitution step of the platform's template engine, in one pass.
//!
//! The platform's `_parse` is a retry loop: try `JSON.parse`; on failure find the next `{{`,
//! decide "outside a string" by counting unescaped quotes before it, splice in the variable's
//! JSON, and try again. Every variable costs a full parse, so it is quadratic. We produce the
//! same splices with one left-to-right scan:
//!
//! * The payload left of the search position never changes, so it is built once (`out`), and a
//!   streaming JSON parser is fed as it grows. It tells whether the text so far can still be
//!   valid JSON and whether a position is inside a real string.
//! * The loop only stops early when the payload is already valid JSON. A `{{` outside a real
//!   string can never be valid JSON, so that is only possible where the quote heuristic and the
//!   real string state disagree (after a string that ends in a backslash). Only there do we
//!   check the rest of the input, with a forked parser, and we remember its states so that the
//!   next such point in the same situation needs no second look.
//! * Inserted text is scanned again from its second byte (the loop resumes at `open + 1`), so
//!   the remaining input is a stack of segments: inserted texts over the rest of the template.
//! * An unclosed `{{` makes the platform copy the whole payload prefix into itself on every try,
//!   doubling it until V8's string limit throws a RangeError. We perform the same copies, but
//!   stop with the same error class once the copies exceed a fixed budget.
//!
//! We write this scanner by hand (no parser crate) because it must reproduce the platform's
//! byte-level quirks exactly and run in linear time.

use super::lookup::resolve;
use super::writer::Writer;
use crate::json::parse::{Builder, Parser, Sink, Snapshot};
use crate::json::{JsObject, JsValue, JsonError};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

/// Deepest nesting we build. V8 parses any depth, but `JSON.stringify` (which sends the
/// payload) fails somewhere between 2,000 and 5,000 levels.
pub(crate) const MAX_DEPTH: usize = 4096;

/// The variable names a template may use; `None` checks nothing.
pub(crate) type Allowed<'a> = Option<&'a [&'a str]>;

/// A byte range of the template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// Where a piece of the payload came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// The template, starting at this template offset.
    Template,
    /// Text inserted for the variable written at this span.
    Variable(Span),
}

struct Segment<'t> {
    text: Cow<'t, str>,
    pos: usize,
    origin: Origin,
    /// Where the first `}}` at or after some earlier position is (`usize::MAX`: none), once
    /// looked up; positions only move forward, so each segment is searched about once.
    close: Cell<Option<usize>>,
}

impl<'t> Segment<'t> {
    fn new(text: Cow<'t, str>, origin: Origin) -> Self {
        Segment {
            text,
            pos: 0,
            origin,
            close: Cell::new(None),
        }
    }

    /// The first `}}` at or after `from`; calls `scanned` with the bytes searched, if any.
    fn close_from(&self, from: usize, scanned: impl FnOnce(usize)) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let at = match self.close.get() {
            Some(c) if c == usize::MAX || c >= from => c,
            _ => {
                let found = find_bytes(&bytes[from.min(bytes.len())..], b"}}");
                scanned(found.map_or(bytes.len().saturating_sub(from), |k| k + 2));
                let c = found.map_or(usize::MAX, |k| from + k);
                self.close.set(Some(c));
                c
            }
        };
        (at != usize::MAX).then_some(at)
    }
}

/// Work counters for [`crate::template::cost`], in bytes.
#[derive(Default)]
pub(crate) struct Meter {
    /// Scanned, fed to a parser or copied.
    pub work: Cell<usize>,
    /// Inserted for variables.
    pub inserted: Cell<usize>,
    /// Grown by the unclosed-`{{` quirk and by variables inside inserted data (budgeted).
    pub grown: Cell<usize>,
}

fn add(cell: &Cell<usize>, n: usize) {
    cell.set(cell.get().saturating_add(n));
}

/// A variable the scan met, for diagnostics and findings.
#[derive(Clone, Debug)]
pub(crate) struct Occurrence {
    /// The variable as written, `{{` to `}}`, in the template (or the variable whose inserted
    /// text held it).
    pub span: Span,
    /// The raw name between the braces.
    pub name: String,
    /// Whether it was written in the template itself (not inside inserted data).
    pub in_template: bool,
}

/// Why substitution failed.
#[derive(Debug)]
pub(crate) enum Failure {
    InvalidVariable { name: String, span: Span },
    InvalidJson { error: JsonError, at: Span },
    TooLarge { at: Span },
    TooDeep { at: Span },
}

/// The parsed payload, before string interpolation: a value, or the text written so far.
pub(crate) struct Substituted<V = JsValue> {
    pub value: V,
    pub occurrences: Vec<Occurrence>,
}

/// What the engine's parser feeds: a value tree ([`Builder`]) or the output text ([`Writer`]).
pub(crate) trait Collect: Sink {
    type Out;
    fn collect(self) -> Self::Out;
    /// The outcome when the platform returns early with a payload parsed whole.
    fn from_value(value: JsValue) -> Self::Out;
}

impl Collect for Builder {
    type Out = JsValue;
    fn collect(self) -> JsValue {
        self.finish()
    }
    fn from_value(value: JsValue) -> JsValue {
        value
    }
}

impl Collect for Writer {
    type Out = Writer;
    fn collect(self) -> Writer {
        self
    }
    fn from_value(_: JsValue) -> Writer {
        // Rare (a payload that is valid JSON before its last variable): the tree path.
        Writer::needing_tree()
    }
}

pub(crate) struct Engine<'t, 'c, S: Sink = Builder> {
    template: &'t str,
    allowed: Allowed<'c>,
    context: &'c JsObject,
    segments: Vec<Segment<'t>>,
    out: String,
    /// Counted quotes in `out` so far are odd.
    odd_quotes: bool,
    /// Fed the payload as it is built; builds the value (or its text) on the way.
    parser: Parser<S>,
    /// `(offset in out, origin, template offset at that point)`.
    pieces: Vec<(usize, Origin, usize)>,
    occurrences: Vec<Occurrence>,
    /// Parser states a forked check passed through, by template offset of a `{{`.
    shadow_states: HashMap<usize, Snapshot>,
    grown: usize,
    budget: usize,
    /// Insert this text for every variable instead of its value.
    marker: Option<&'static str>,
    /// Counts the work done, when measuring.
    meter: Option<&'c Meter>,
    /// Whether to record occurrences (findings need them; the writer does not).
    keep_occurrences: bool,
    /// The text inserted for each variable name seen so far (a template often repeats one).
    cache: HashMap<String, Rc<Insertion>>,
}

/// A variable's inserted text, and its JSON depth when a writer may take it whole.
struct Insertion {
    text: String,
    raw_depth: Option<usize>,
}

/// Names longer than this (an unclosed `{{` takes the whole payload prefix as its name) are
/// not cached.
const CACHED_NAME: usize = 256;

impl<'t, 'c> Engine<'t, 'c, Builder> {
    /// An engine that builds the payload's value.
    pub(crate) fn new(template: &'t str, allowed: Allowed<'c>, context: &'c JsObject) -> Self {
        Engine::with_sink(template, allowed, context, Builder::default())
    }
}

impl<'t, 'c> Engine<'t, 'c, Writer> {
    /// An engine that writes the payload's `JSON.stringify` text directly.
    pub(crate) fn writing(
        template: &'t str,
        allowed: Allowed<'c>,
        context: &'c JsObject,
        interpolate: bool,
    ) -> Self {
        let sink = Writer::new(template.len() + 256, interpolate);
        let mut engine = Engine::with_sink(template, allowed, context, sink);
        engine.keep_occurrences = false;
        engine
    }
}

impl<'t, 'c, S: Collect> Engine<'t, 'c, S> {
    fn with_sink(template: &'t str, allowed: Allowed<'c>, context: &'c JsObject, sink: S) -> Self {
        Engine {
            template,
            allowed,
            context,
            segments: vec![Segment::new(Cow::Borrowed(template), Origin::Template)],
            out: String::with_capacity(template.len() + 64),
            odd_quotes: false,
            parser: Parser::new(sink),
            pieces: Vec::new(),
            occurrences: Vec::new(),
            shadow_states: HashMap::new(),
            grown: 0,
            budget: (16 * template.len()).max(4 << 20),
            marker: None,
            meter: None,
            keep_occurrences: true,
            cache: HashMap::new(),
        }
    }

    /// Counts the work done into `meter` (see [`crate::template::cost`]).
    pub(crate) fn measured(mut self, meter: &'c Meter) -> Self {
        self.meter = Some(meter);
        self
    }

    fn charge(&self, bytes: usize) {
        if let Some(m) = self.meter {
            add(&m.work, bytes);
        }
    }

    /// Inserts `marker` (JSON text) for every variable, to tell literals from variables.
    pub(crate) fn marking_variables(mut self, marker: &'static str) -> Self {
        self.marker = Some(marker);
        self
    }

    fn text_for(&self, name: &str) -> Cow<'static, str> {
        match self.marker {
            Some(m) => Cow::Borrowed(m),
            None => resolve(self.context, name).insertion_text(),
        }
    }

    /// Runs the substitution loop to the end.
    pub(crate) fn run(mut self) -> Result<Substituted<S::Out>, Failure> {
        while self.find_open() {
            if self.odd_quotes {
                // Judged inside a string: skip it, and search again from the next byte.
                self.take(1, true);
                continue;
            }
            if self.parser.error().is_none() && self.parser.in_string() {
                if let Some(value) = self.rest_if_valid()? {
                    return Ok(Substituted {
                        value: S::from_value(value),
                        occurrences: self.occurrences,
                    });
                }
            }
            self.replace()?;
        }
        if let Err(error) = self.parser.finish() {
            let at = self.locate(error.offset);
            return Err(Failure::InvalidJson { error, at });
        }
        if self.parser.max_depth() > MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok(Substituted {
            value: self.parser.into_sink().collect(),
            occurrences: self.occurrences,
        })
    }

    fn too_deep(&self) -> Failure {
        Failure::TooDeep {
            at: Span {
                start: 0,
                end: self.template.len(),
            },
        }
    }

    /// Parses the payload when the platform returns early (it is already valid JSON).
    fn build(&self, payload: &str, depth: usize) -> Result<JsValue, Failure> {
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        crate::json::parse(payload).map_err(|error| Failure::InvalidJson {
            at: self.locate(error.offset),
            error,
        })
    }

    /// The template offset of the current position (or the span of the variable whose
    /// inserted text is being read).
    fn origin_here(&self) -> (Origin, usize) {
        match self.segments.last() {
            Some(seg) => match seg.origin {
                Origin::Template => (Origin::Template, seg.pos),
                o => (o, 0),
            },
            None => (Origin::Template, self.template.len()),
        }
    }

    /// Maps an offset of the payload to where the user wrote it.
    fn locate(&self, offset: usize) -> Span {
        let i = self
            .pieces
            .partition_point(|&(start, _, _)| start <= offset);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            Some((start, Origin::Template, tpos)) => {
                let at = (tpos + offset - start).min(self.template.len());
                let end = next_char_boundary(self.template, at);
                Span { start: at, end }
            }
            Some((_, Origin::Variable(span), _)) => span,
            None => Span::default(),
        }
    }

    /// Appends payload text, keeping the quote count and the parser up to date.
    fn emit(&mut self, text: &str, origin: Origin, tpos: usize) {
        self.emit_text(text, origin, tpos, None);
    }

    /// [`Engine::emit`]; with `raw_depth`, `text` is one whole canonical JSON value that deep,
    /// which a sink that can takes without parsing it.
    fn emit_text(&mut self, text: &str, origin: Origin, tpos: usize, raw_depth: Option<usize>) {
        if text.is_empty() {
            return;
        }
        self.charge(text.len());
        let start = self.out.len();
        if self.pieces.last().is_none_or(|&(s, o, t)| {
            o != origin || (o == Origin::Template && t + (start - s) != tpos)
        }) {
            self.pieces.push((start, origin, tpos));
        }
        let bytes = text.as_bytes();
        // The platform counts quotes not preceded by a backslash. Only the parity matters:
        // count all quotes and the `\"` pairs, in two loops the compiler vectorises.
        let prev = self.out.as_bytes().last().copied().unwrap_or(0);
        let quotes = bytes.iter().filter(|&&b| b == b'"').count();
        let escaped = bytes.windows(2).filter(|w| w == b"\\\"").count()
            + usize::from(bytes[0] == b'"' && prev == b'\\');
        if (quotes - escaped) % 2 == 1 {
            self.odd_quotes = !self.odd_quotes;
        }
        if self.parser.error().is_none() {
            let taken = raw_depth.is_some_and(|depth| self.parser.accept_raw(text, depth));
            if !taken {
                self.parser.feed(bytes);
            }
        }
        self.out.push_str(text);
    }

    /// Moves to the next `{{`, emitting everything before it. False at the end of input.
    fn find_open(&mut self) -> bool {
        loop {
            let Some(seg) = self.segments.last_mut() else {
                return false;
            };
            // Take the text out so it can be emitted without copying.
            let text = std::mem::take(&mut seg.text);
            let (origin, pos) = (seg.origin, seg.pos);
            let rest = &text[pos..];
            let (emit_len, found) = match rest.find("{{") {
                Some(k) => (k, true),
                None => {
                    let straddles = rest.ends_with('{') && self.byte_below_top(0) == Some(b'{');
                    (rest.len() - usize::from(straddles), straddles)
                }
            };
            self.emit(&rest[..emit_len], origin, pos);
            let seg = self.segments.last_mut().expect("still there");
            seg.text = text;
            seg.pos = pos + emit_len;
            if found {
                return true;
            }
            self.segments.pop();
        }
    }

    /// The `n`th byte after the top segment.
    fn byte_below_top(&self, mut n: usize) -> Option<u8> {
        for seg in self.segments.iter().rev().skip(1) {
            let rest = &seg.text.as_bytes()[seg.pos..];
            if n < rest.len() {
                return Some(rest[n]);
            }
            n -= rest.len();
        }
        None
    }

    /// Consumes `n` bytes of input, emitting them or dropping them.
    fn take(&mut self, mut n: usize, emit: bool) {
        while n > 0 {
            let Some(seg) = self.segments.last_mut() else {
                break;
            };
            let k = n.min(seg.text.len() - seg.pos);
            let (origin, pos) = (seg.origin, seg.pos);
            seg.pos += k;
            let exhausted = seg.pos == seg.text.len();
            if !emit {
                self.charge(k);
            } else {
                let text = std::mem::take(&mut seg.text);
                self.emit(&text[pos..pos + k], origin, pos);
                self.segments.last_mut().expect("still there").text = text;
            }
            if exhausted {
                self.segments.pop();
            }
            n -= k;
        }
    }

    /// From the `{{` at the cursor: the raw name up to the first `}}`, or `None` when no
    /// `}}` follows (the platform's `indexOf("}}", open)`). The search uses each segment's
    /// cached `}}` position, and the name is only copied once a `}}` is found, so an unclosed
    /// `{{` over a deep stack of inserted copies costs nothing to re-check.
    fn find_close(&self) -> Option<String> {
        // (segment index, from, to) pieces of the name, top segment first.
        let mut pieces: Vec<(usize, usize, usize)> = Vec::new();
        let mut skip = 2; // the `{{`
        let mut prev_brace = false;
        for (i, seg) in self.segments.iter().enumerate().rev() {
            let len = seg.text.len();
            let start = (seg.pos + skip).min(len);
            skip -= start - seg.pos;
            if start == len {
                continue;
            }
            let bytes = seg.text.as_bytes();
            if prev_brace && bytes[start] == b'}' {
                // `}` ending the piece above and `}` here: drop that last brace from the name.
                if let Some(last) = pieces.last_mut() {
                    last.2 -= 1;
                }
                return Some(self.name_of(&pieces));
            }
            if let Some(k) = seg.close_from(start, |n| self.charge(n)) {
                pieces.push((i, start, k));
                return Some(self.name_of(&pieces));
            }
            pieces.push((i, start, len));
            prev_brace = bytes[len - 1] == b'}';
        }
        None
    }

    fn name_of(&self, pieces: &[(usize, usize, usize)]) -> String {
        let mut name = Vec::new();
        for &(i, from, to) in pieces {
            name.extend_from_slice(&self.segments[i].text.as_bytes()[from..to]);
        }
        self.charge(name.len());
        into_string(name)
    }

    /// The span of the `{{`…`}}` at the cursor, in template terms.
    fn variable_span(&self, len: usize) -> Span {
        match self.origin_here() {
            (Origin::Template, tpos) => Span {
                start: tpos,
                end: (tpos + len).min(self.template.len()),
            },
            (Origin::Variable(span), _) => span,
        }
    }

    /// Replaces the variable at the cursor (judged outside a string).
    fn replace(&mut self) -> Result<(), Failure> {
        let in_template = matches!(self.origin_here().0, Origin::Template);
        let Some(name) = self.find_close() else {
            return self.replace_unclosed();
        };
        let len = 2 + name.len() + 2;
        let span = self.variable_span(len);
        self.check_allowed(&name, span)?;
        if self.keep_occurrences {
            self.occurrences.push(Occurrence {
                span,
                name: name.clone(),
                in_template,
            });
        }
        let inserted = self.insertion(&name);
        if let Some(m) = self.meter {
            add(&m.inserted, inserted.text.len());
        }
        if !in_template {
            self.grow(inserted.text.len(), span)?;
        }
        self.take(len, false);
        self.insert(&inserted, Origin::Variable(span));
        Ok(())
    }

    /// The text for a variable, resolved and serialised once per name.
    fn insertion(&mut self, name: &str) -> Rc<Insertion> {
        if let Some(known) = self.cache.get(name) {
            return known.clone();
        }
        let text = self.text_for(name).into_owned();
        // Text without `{{` holds nothing to substitute, so scanning it again finds nothing
        // (it never ends in `{`, so no `{{` forms across its end either): the writer may take
        // it whole. `undefined` (a function's value) is not JSON, so the parser must see it.
        let raw_depth =
            (S::RAW && text != "undefined" && !text.contains("{{")).then(|| json_depth(&text));
        let inserted = Rc::new(Insertion { text, raw_depth });
        if self.marker.is_none() && name.len() <= CACHED_NAME {
            self.cache.insert(name.to_owned(), inserted.clone());
        }
        inserted
    }

    fn check_allowed(&self, name: &str, span: Span) -> Result<(), Failure> {
        let head = name.split('.').next().unwrap_or("");
        match self.allowed {
            Some(list) if !list.contains(&head) => Err(Failure::InvalidVariable {
                name: name.to_owned(),
                span,
            }),
            _ => Ok(()),
        }
    }

    /// Splices inserted text in: its first byte is final, the rest is scanned again.
    fn insert(&mut self, inserted: &Insertion, origin: Origin) {
        let text = inserted.text.as_str();
        if inserted.raw_depth.is_some() {
            self.emit_text(text, origin, 0, inserted.raw_depth);
            return;
        }
        let mut chars = text.char_indices();
        let split = chars.nth(1).map_or(text.len(), |(i, _)| i);
        self.emit(&text[..split], origin, 0);
        if split < text.len() {
            self.segments
                .push(Segment::new(Cow::Owned(text[split..].to_owned()), origin));
        }
    }

    fn grow(&mut self, bytes: usize, at: Span) -> Result<(), Failure> {
        self.grown += bytes;
        if let Some(m) = self.meter {
            add(&m.grown, bytes);
        }
        if self.grown > self.budget {
            return Err(Failure::TooLarge { at });
        }
        Ok(())
    }

    /// A `{{` with no `}}` after it. The platform takes everything from the payload's start up
    /// to and including the `{{` as the "name", and splices so that the payload becomes
    /// `prefix + value + payload[1..]`.
    fn replace_unclosed(&mut self) -> Result<(), Failure> {
        let span = self.variable_span(2);
        let name = format!("{}{{{{", self.out);
        self.check_allowed(&name, span)?;
        if self.keep_occurrences {
            self.occurrences.push(Occurrence {
                span,
                name: name.clone(),
                in_template: false,
            });
        }
        let inserted = self.insertion(&name);
        let text = &inserted.text;
        let copy = match self.out.char_indices().nth(1) {
            Some((i, _)) => format!("{}{{{{", &self.out[i..]),
            None if self.out.is_empty() => "{".to_owned(),
            None => "{{".to_owned(),
        };
        self.grow(text.len() + copy.len(), span)?;
        self.take(2, false);
        self.segments
            .push(Segment::new(Cow::Owned(copy), Origin::Variable(span)));
        self.insert(&inserted, Origin::Variable(span));
        Ok(())
    }

    /// Whether the payload as it stands (the output plus the unread input) is valid JSON; if
    /// so, its value, which the platform returns at once.
    fn rest_if_valid(&mut self) -> Result<Option<JsValue>, Failure> {
        let here = self.parser.snapshot();
        if self.segments.len() == 1 {
            let tpos = self.segments[0].pos;
            if self.shadow_states.get(&tpos) == Some(&here) {
                return Ok(None);
            }
        }
        self.shadow_states.clear();
        let mut fork = self.parser.fork();
        for (i, seg) in self.segments.iter().enumerate().rev() {
            let text = &seg.text[seg.pos..];
            self.charge(text.len());
            if i == 0 {
                // The rest of the template: note the parser state at every `{{`, so a later
                // check that reaches one in the same state can reuse this verdict.
                let mut from = 0;
                while let Some(k) = text[from..].find("{{") {
                    fork.feed(&text.as_bytes()[from..from + k]);
                    if fork.error().is_some() {
                        return Ok(None);
                    }
                    self.shadow_states
                        .insert(seg.pos + from + k, fork.snapshot());
                    from += k + 1;
                }
                fork.feed(&text.as_bytes()[from..]);
            } else {
                fork.feed(text.as_bytes());
            }
            if fork.error().is_some() {
                return Ok(None);
            }
        }
        if fork.finish().is_err() {
            return Ok(None);
        }
        let mut payload = self.out.clone();
        for seg in self.segments.iter().rev() {
            payload.push_str(&seg.text[seg.pos..]);
        }
        self.charge(payload.len());
        self.build(&payload, fork.max_depth()).map(Some)
    }
}

/// The nesting depth of a canonical JSON text (brackets outside strings).
fn json_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                // Skip the string: to its closing quote, stepping over escapes.
                i += 1;
                while let Some(k) = bytes
                    .get(i..)
                    .and_then(|rest| rest.iter().position(|&b| b == b'"' || b == b'\\'))
                {
                    i += k;
                    if bytes[i] == b'"' {
                        break;
                    }
                    i += 2;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    max
}

fn into_string(bytes: Vec<u8>) -> String {
    // Names are cut at ASCII braces inside valid UTF-8, so they are valid UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn next_char_boundary(s: &str, at: usize) -> usize {
    let mut end = (at + 1).min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    end
}
