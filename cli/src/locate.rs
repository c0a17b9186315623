//! Finding where things are in a JSON definitions file, for `file:line:col` diagnostics.
//!
//! `decode` works on parsed values, which carry no positions; this small scanner walks the
//! text once more (strings and nesting only) to find an item, a key, or a value.

pub use apify_webhooks_core::template::line_col;

/// Calls `f(depth, offset, byte)` for every byte outside strings and for every string start
/// (`"`), with the nesting depth at that point.
fn walk(text: &str, mut f: impl FnMut(usize, usize, u8) -> bool) {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if f(depth, i, b) {
            return;
        }
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
}

fn top_is_array(text: &str) -> bool {
    text.trim_start().starts_with('[')
}

/// The byte range of item `index` (the whole text's object when the top level is one).
fn item_range(text: &str, index: usize) -> Option<(usize, usize)> {
    if !top_is_array(text) {
        return (index == 0).then_some((0, text.len()));
    }
    let (mut current, mut start, mut found) = (0usize, None, None);
    walk(text, |depth, i, b| {
        if depth == 1 && b == b'{' && start.is_none() && current == index {
            start = Some(i);
        }
        if depth == 2 && b == b'}' && start.is_some() {
            found = Some((start.unwrap_or(0), i + 1));
            return true;
        }
        if depth == 1 && b == b',' {
            current += 1;
        }
        false
    });
    found.or_else(|| start.map(|s| (s, text.len())))
}

/// Where item `index` starts.
pub fn item(text: &str, index: usize) -> Option<usize> {
    item_range(text, index).map(|(s, _)| s)
}

/// Where key `"key"` of item `index` is written.
pub fn key(text: &str, index: usize, key: &str) -> Option<usize> {
    let (start, end) = item_range(text, index)?;
    let base = if top_is_array(text) { 2 } else { 1 };
    let quoted = format!("\"{key}\"");
    let mut found = None;
    walk(&text[..end], |depth, i, b| {
        if i >= start && depth == base && b == b'"' && text[i..].starts_with(&quoted) {
            let after = text[i + quoted.len()..].trim_start();
            if after.starts_with(':') {
                found = Some(i);
                return true;
            }
        }
        false
    });
    found
}

/// Where the value of `key` in item `index` starts.
pub fn value(text: &str, index: usize, field: &str) -> Option<usize> {
    let k = key(text, index, field)?;
    let colon = k + text[k..].find(':')?;
    let rest = &text[colon + 1..];
    Some(colon + 1 + (rest.len() - rest.trim_start().len()))
}

/// Maps a byte offset inside a decoded JSON string to the file: `literal` is the offset of
/// the string's opening quote, `inner` a byte offset into the decoded text.
pub fn inside_string(text: &str, literal: usize, inner: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut decoded) = (literal + 1, 0usize);
    while i < bytes.len() && bytes[i] != b'"' && decoded < inner {
        if bytes[i] == b'\\' {
            let (width, produced) = match bytes.get(i + 1) {
                Some(b'u') => {
                    let code = text
                        .get(i + 2..i + 6)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .unwrap_or(0);
                    (6, char::from_u32(code).map_or(3, char::len_utf8))
                }
                _ => (2, 1),
            };
            i += width;
            decoded += produced;
        } else {
            let w = text[i..].chars().next().map_or(1, char::len_utf8);
            i += w;
            decoded += w;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "[\n  {\"eventTypes\": [\"ACTOR.RUN.FAILED\"], \"requestUrl\": \"x\"},\n  {\"requestUrl\": \"a\\\"b{{c}}\"}\n]";

    #[test]
    fn finds_items_keys_and_values() {
        assert_eq!(line_col(FILE, item(FILE, 1).unwrap()), (3, 3));
        assert_eq!(line_col(FILE, key(FILE, 0, "requestUrl").unwrap()), (2, 40));
        let v = value(FILE, 1, "requestUrl").unwrap();
        assert_eq!(&FILE[v..v + 1], "\"");
        // `a"b{{c}}`: decoded offset 3 is the first `{`, after the two-byte escape.
        assert_eq!(&FILE[inside_string(FILE, v, 3)..][..2], "{{");
    }

    #[test]
    fn a_single_object_file() {
        let t = "{\"requestUrl\": 1}";
        assert_eq!(key(t, 0, "requestUrl"), Some(1));
        assert_eq!(item(t, 1), None);
    }
}
