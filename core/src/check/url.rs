//! The request URL check.
//!
//! Written by hand rather than with the `url` crate: the proc macro links this crate, and
//! `url` (with its IDNA tables) would multiply the macro's build time. The check is the
//! platform's rule as documented: an absolute `http`/`https` URL with a host, a valid port,
//! no whitespace or control characters, at most 500 characters.

use std::fmt;

/// The platform's limit on `requestUrl` (UTF-16 units, as JavaScript counts).
pub const MAX_URL_LENGTH: usize = 500;

/// Why a request URL is rejected. `at` is a character offset into the URL.
///
/// ```
/// use apify_webhooks_core::check::{check_request_url, UrlError};
/// let e = check_request_url("https://example.com/a b").unwrap_err();
/// assert_eq!(e, UrlError::Whitespace { at: 21 });
/// assert_eq!(e.position(), Some(21));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// The URL is empty.
    Empty,
    /// Longer than [`MAX_URL_LENGTH`].
    TooLong {
        /// The length in UTF-16 units.
        len: usize,
    },
    /// A space, tab, newline or other whitespace.
    Whitespace {
        /// Character offset.
        at: usize,
    },
    /// A control character.
    Control {
        /// Character offset.
        at: usize,
    },
    /// No `scheme://`.
    NotAbsolute,
    /// A scheme other than `http` or `https`.
    Scheme {
        /// The scheme given.
        scheme: String,
    },
    /// Nothing between `://` and the path.
    MissingHost {
        /// Character offset where the host should be.
        at: usize,
    },
    /// A character that cannot appear in a host name.
    InvalidHost {
        /// Character offset.
        at: usize,
        /// The character.
        ch: char,
    },
    /// A port that is not a number from 1 to 65535.
    InvalidPort {
        /// Character offset of the port.
        at: usize,
        /// The port text.
        port: String,
    },
}

impl UrlError {
    /// The character offset the error points at, where there is one.
    pub fn position(&self) -> Option<usize> {
        match self {
            UrlError::Whitespace { at }
            | UrlError::Control { at }
            | UrlError::MissingHost { at }
            | UrlError::InvalidHost { at, .. }
            | UrlError::InvalidPort { at, .. } => Some(*at),
            _ => None,
        }
    }
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Empty => write!(f, "the request URL is empty"),
            UrlError::TooLong { len } => write!(
                f,
                "the request URL is {len} characters long; the platform allows at most {MAX_URL_LENGTH}"
            ),
            UrlError::Whitespace { at } => write!(
                f,
                "the request URL contains whitespace at character {}; percent-encode it as %20 or remove it",
                at + 1
            ),
            UrlError::Control { at } => write!(
                f,
                "the request URL contains a control character at character {}",
                at + 1
            ),
            UrlError::NotAbsolute => write!(
                f,
                "the request URL must be absolute, starting with `https://` or `http://`"
            ),
            UrlError::Scheme { scheme } => write!(
                f,
                "the request URL uses `{scheme}://`; the platform only calls `http://` and `https://` URLs"
            ),
            UrlError::MissingHost { .. } => write!(f, "the request URL has no host"),
            UrlError::InvalidHost { at, ch } => write!(
                f,
                "the request URL's host contains `{ch}` at character {}, which is not allowed in a host name",
                at + 1
            ),
            UrlError::InvalidPort { port, .. } => write!(
                f,
                "the request URL's port `{port}` is not a number from 1 to 65535"
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// Checks a webhook's request URL.
///
/// ```
/// use apify_webhooks_core::check::{check_request_url, UrlError};
/// assert!(check_request_url("https://example.com:8443/hook?x=1#f").is_ok());
/// assert_eq!(check_request_url("ftp://example.com"), Err(UrlError::Scheme { scheme: "ftp".into() }));
/// ```
pub fn check_request_url(url: &str) -> Result<(), UrlError> {
    if url.is_empty() {
        return Err(UrlError::Empty);
    }
    let len = url.encode_utf16().count();
    if len > MAX_URL_LENGTH {
        return Err(UrlError::TooLong { len });
    }
    for (at, c) in url.chars().enumerate() {
        if c.is_whitespace() {
            return Err(UrlError::Whitespace { at });
        }
        if c.is_control() {
            return Err(UrlError::Control { at });
        }
    }
    let Some(sep) = url.find("://") else {
        return Err(match url.split_once(':') {
            Some((scheme, _)) if is_scheme(scheme) && !is_http(scheme) => UrlError::Scheme {
                scheme: scheme.to_owned(),
            },
            _ => UrlError::NotAbsolute,
        });
    };
    let scheme = &url[..sep];
    if !is_scheme(scheme) {
        return Err(UrlError::NotAbsolute);
    }
    if !is_http(scheme) {
        return Err(UrlError::Scheme {
            scheme: scheme.to_owned(),
        });
    }
    let rest_start = sep + 3;
    let rest = &url[rest_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let char_at = |byte: usize| url[..byte].chars().count();
    // Credentials (`user:pass@`) are allowed before the host.
    let host_start = authority.rfind('@').map_or(0, |i| i + 1);
    let host_port = &authority[host_start..];
    let host_offset = rest_start + host_start;
    let (host, port) = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(end) => (&host_port[..=end], &host_port[end + 1..]),
            None => {
                return Err(UrlError::InvalidHost {
                    at: char_at(host_offset),
                    ch: '[',
                });
            }
        }
    } else {
        match host_port.find(':') {
            Some(i) => (&host_port[..i], &host_port[i..]),
            None => (host_port, ""),
        }
    };
    if host.is_empty() {
        return Err(UrlError::MissingHost {
            at: char_at(host_offset),
        });
    }
    check_host(host).map_err(|(i, ch)| UrlError::InvalidHost {
        at: char_at(host_offset) + i,
        ch,
    })?;
    if !port.is_empty() {
        let digits = &port[1..];
        let at = char_at(host_offset + host.len() + 1);
        let valid = port.starts_with(':')
            && !digits.is_empty()
            && digits.len() <= 5
            && digits.bytes().all(|b| b.is_ascii_digit())
            && digits
                .parse::<u32>()
                .is_ok_and(|p| (1..=65535).contains(&p));
        if !valid {
            return Err(UrlError::InvalidPort {
                at,
                port: digits.to_owned(),
            });
        }
    }
    Ok(())
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn is_http(s: &str) -> bool {
    s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https")
}

/// A registered name (letters of any script, digits, `-`, `_`, `.`, `~`, percent escapes)
/// or a bracketed IPv6 literal. Returns the character index and character of a bad one.
fn check_host(host: &str) -> Result<(), (usize, char)> {
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').unwrap_or(inner);
        if inner.is_empty() {
            return Err((1, ']'));
        }
        for (i, c) in inner.chars().enumerate() {
            if !(c.is_ascii_hexdigit() || c == ':' || c == '.') {
                return Err((i + 1, c));
            }
        }
        return Ok(());
    }
    for (i, c) in host.chars().enumerate() {
        let ok = c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '%');
        if !ok {
            return Err((i, c));
        }
    }
    if host.starts_with('.') || host.contains("..") {
        let i = host.find("..").map_or(0, |i| i + 1);
        return Err((i, '.'));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_urls() {
        for url in [
            "https://example.com",
            "http://example.com/",
            "HTTPS://EXAMPLE.COM/Path",
            "https://example.com:8080/x?y=1&z=%20#frag",
            "https://user:pass@example.com/",
            "http://127.0.0.1:3000/hook",
            "http://[::1]:8080/",
            "http://[2001:db8::1]/",
            "https://bücher.example/ä?q=ü",
            "https://api.apify.com/v2/acts/x~y/runs?token=abc",
            "http://localhost:65535",
            "https://example.com.",
            "https://my_host.internal/x",
        ] {
            assert_eq!(check_request_url(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn bad_urls() {
        let long = format!("https://example.com/{}", "a".repeat(481));
        let cases: &[(&str, UrlError)] = &[
            ("", UrlError::Empty),
            (&long, UrlError::TooLong { len: 501 }),
            ("https://example.com/a b", UrlError::Whitespace { at: 21 }),
            (" https://example.com", UrlError::Whitespace { at: 0 }),
            ("https://example.com/\u{7}", UrlError::Control { at: 20 }),
            ("example.com/hook", UrlError::NotAbsolute),
            ("/hook", UrlError::NotAbsolute),
            (
                "ftp://example.com",
                UrlError::Scheme {
                    scheme: "ftp".into(),
                },
            ),
            (
                "mailto:a@b.c",
                UrlError::Scheme {
                    scheme: "mailto".into(),
                },
            ),
            ("https:///path", UrlError::MissingHost { at: 8 }),
            ("https://", UrlError::MissingHost { at: 8 }),
            ("https://:80/", UrlError::MissingHost { at: 8 }),
            (
                "https://exa!mple.com",
                UrlError::InvalidHost { at: 11, ch: '!' },
            ),
            ("https://ex..com", UrlError::InvalidHost { at: 11, ch: '.' }),
            (
                "https://example.com:0/",
                UrlError::InvalidPort {
                    at: 20,
                    port: "0".into(),
                },
            ),
            (
                "https://example.com:65536/",
                UrlError::InvalidPort {
                    at: 20,
                    port: "65536".into(),
                },
            ),
            (
                "https://example.com:/",
                UrlError::InvalidPort {
                    at: 20,
                    port: "".into(),
                },
            ),
            (
                "https://example.com:8a/",
                UrlError::InvalidPort {
                    at: 20,
                    port: "8a".into(),
                },
            ),
            ("http://[::1/", UrlError::InvalidHost { at: 7, ch: '[' }),
            ("http://[::g]/", UrlError::InvalidHost { at: 10, ch: 'g' }),
        ];
        for (url, want) in cases {
            assert_eq!(check_request_url(url).as_ref(), Err(want), "{url}");
        }
    }

    #[test]
    fn length_counts_utf16_units() {
        let url = format!("https://example.com/{}", "😀".repeat(240));
        assert_eq!(check_request_url(&url), Ok(()));
        let url = format!("https://example.com/{}", "😀".repeat(241));
        assert_eq!(check_request_url(&url), Err(UrlError::TooLong { len: 502 }));
    }
}
