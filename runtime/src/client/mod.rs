//! The API client: starting runs with webhooks attached, and registering ad-hoc webhooks from
//! Actor code. reqwest with rustls on tokio.

mod actor;
mod error;
mod model;
mod runs;

pub use actor::{Actor, Registration, run_scoped_key};
pub use error::{ApiError, Error};
pub use model::{Run, RunStatus, Webhook};
pub use runs::{RunOptions, RunTarget, SyncOutput};

use reqwest::Method;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The platform's API, used when `APIFY_API_BASE_URL` is not set.
pub const DEFAULT_BASE_URL: &str = "https://api.apify.com";

/// An API token. Its `Debug` output never shows the value.
///
/// ```
/// let client = apify_webhooks::ApifyClient::builder().token("secret").build().unwrap();
/// assert!(format!("{client:?}").contains("Token(***)"));
/// ```
#[derive(Clone)]
pub struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// How failed requests are retried: 429, 5xx and transport errors, with exponential backoff
/// and jitter (`min_delay × 2^(n−1) × U[1,2)` before retry `n`), as the official clients do.
/// Other statuses fail at once.
///
/// ```
/// use apify_webhooks::client::RetryPolicy;
/// use std::time::Duration;
/// let quick = RetryPolicy { max_retries: 2, min_delay: Duration::from_millis(50), ..RetryPolicy::default() };
/// assert_eq!(RetryPolicy::default().max_retries, 8);
/// assert_eq!(quick.max_timeout, Duration::from_secs(360));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (the JS client's default: 8).
    pub max_retries: u32,
    /// The base delay (500 ms in both official clients).
    pub min_delay: Duration,
    /// The first attempt's timeout; it doubles on each retry up to `max_timeout`.
    pub timeout: Duration,
    /// The cap on one attempt's timeout (360 s in both official clients).
    pub max_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 8,
            min_delay: Duration::from_millis(500),
            timeout: Duration::from_secs(30),
            max_timeout: Duration::from_secs(360),
        }
    }
}

/// Settings for an [`ApifyClient`].
///
/// ```
/// use apify_webhooks::ApifyClient;
/// use std::time::Duration;
///
/// let client = ApifyClient::builder()
///     .token("my-token")
///     .base_url("http://127.0.0.1:8000")
///     .max_retries(2)
///     .min_delay(Duration::from_millis(10))
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url(), "http://127.0.0.1:8000");
/// assert!(!format!("{client:?}").contains("my-token"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct ClientBuilder {
    token: Option<Token>,
    base_url: Option<String>,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// The API token, sent only as `Authorization: Bearer`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token(token.into()));
        self
    }

    /// The API base URL (default [`DEFAULT_BASE_URL`]); `/v2` is added to it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Retries after the first attempt.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry.max_retries = n;
        self
    }

    /// The base backoff delay.
    pub fn min_delay(mut self, d: Duration) -> Self {
        self.retry.min_delay = d;
        self
    }

    /// The first attempt's timeout.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.retry.timeout = d;
        self
    }

    /// Builds the client; fails without a token or with a base URL that is not `http(s)://`.
    pub fn build(self) -> Result<ApifyClient, Error> {
        let token = self
            .token
            .filter(|t| !t.0.is_empty())
            .ok_or(Error::MissingToken)?;
        let base = self.base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let base = base
            .trim_end_matches('/')
            .trim_end_matches("/v2")
            .to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::Config(format!(
                "the API base URL `{base}` must start with http:// or https://"
            )));
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                "apify-webhooks/",
                env!("CARGO_PKG_VERSION"),
                " (Rust)"
            ))
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(ApifyClient {
            inner: Arc::new(Inner {
                http,
                base,
                token,
                retry: self.retry,
            }),
        })
    }
}

struct Inner {
    http: reqwest::Client,
    base: String,
    token: Token,
    retry: RetryPolicy,
}

/// A client for the slice of the Apify API that ad-hoc webhooks need. Cheap to clone.
///
/// ```no_run
/// # async fn demo() -> Result<(), apify_webhooks::client::Error> {
/// use apify_webhooks::{webhooks, ApifyClient, RunOptions, Webhooks};
///
/// const ON_FINISH: Webhooks = webhooks![{
///     event_types: [ACTOR_RUN_TERMINAL],
///     request_url: "https://example.com/run-finished",
/// }];
///
/// let client = ApifyClient::from_env()?; // APIFY_TOKEN, APIFY_API_BASE_URL
/// let run = client
///     .actor("apify/hello-world")
///     .start(Some(&serde_json::json!({"name": "world"})), &RunOptions::new().webhooks(&ON_FINISH))
///     .await?;
/// println!("started {}", run.id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ApifyClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for ApifyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApifyClient")
            .field("base_url", &self.inner.base)
            .field("token", &self.inner.token)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl ApifyClient {
    /// Settings, starting from the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `APIFY_TOKEN` and `APIFY_API_BASE_URL` (default
    /// `https://api.apify.com`). A missing token is an error, never a silent fallback.
    pub fn from_env() -> Result<Self, Error> {
        let mut b = ClientBuilder::default();
        if let Ok(t) = std::env::var("APIFY_TOKEN") {
            b = b.token(t);
        }
        if let Ok(u) = std::env::var("APIFY_API_BASE_URL") {
            if !u.is_empty() {
                b = b.base_url(u);
            }
        }
        b.build()
    }

    /// The API base URL, without `/v2`.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Sends a request with retries; returns the body of a 2xx answer.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        query: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, Error> {
        let policy = &self.inner.retry;
        let url = format!("{}/v2{path}{query}", self.inner.base);
        let label = format!("{method} /v2{path}");
        let attempts = policy.max_retries + 1;
        let compressed = body
            .as_deref()
            .filter(|b| b.len() >= COMPRESS_FROM)
            .and_then(gzip);
        let mut last: Option<Error> = None;
        for attempt in 1..=attempts {
            let timeout = policy
                .timeout
                .saturating_mul(1u32 << (attempt - 1).min(16))
                .min(policy.max_timeout);
            let mut req = self
                .inner
                .http
                .request(method.clone(), &url)
                .bearer_auth(&self.inner.token.0)
                .timeout(timeout);
            if let Some(b) = &body {
                req = req.header(reqwest::header::CONTENT_TYPE, "application/json");
                req = match &compressed {
                    Some(gz) => req
                        .header(reqwest::header::CONTENT_ENCODING, "gzip")
                        .body(gz.clone()),
                    None => req.body(b.clone()),
                };
            }
            match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    match resp.bytes().await {
                        Ok(bytes) if (200..300).contains(&status) => return Ok(bytes.to_vec()),
                        Ok(bytes) => {
                            let err = api_error(status, &bytes, &method, path, attempt);
                            if status != 429 && status < 500 {
                                return Err(Error::Api(err));
                            }
                            last = Some(Error::Api(err));
                        }
                        Err(source) => {
                            last = Some(Error::Transport {
                                request: label.clone(),
                                attempts: attempt,
                                source,
                            })
                        }
                    }
                }
                Err(source) => {
                    last = Some(Error::Transport {
                        request: label.clone(),
                        attempts: attempt,
                        source,
                    })
                }
            }
            if attempt < attempts {
                let factor = f64::from(1u32 << (attempt - 1).min(20)) * (1.0 + fastrand::f64());
                let delay = policy.min_delay.mul_f64(factor);
                tracing::warn!(
                    request = %label,
                    attempt,
                    of = attempts,
                    retry_in_ms = delay.as_millis() as u64,
                    error = %last.as_ref().map(ToString::to_string).unwrap_or_default(),
                    "Apify API request failed; retrying"
                );
                tokio::time::sleep(delay).await;
            }
        }
        Err(last.expect("at least one attempt was made"))
    }

    /// Sends a request and reads `{"data": ...}` from the answer.
    pub(crate) async fn send_data<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, Error> {
        let label = format!("{method} /v2{path}");
        let bytes = self.send(method, path, query, body).await?;
        #[derive(serde::Deserialize)]
        struct Envelope<T> {
            data: T,
        }
        serde_json::from_slice::<Envelope<T>>(&bytes)
            .map(|e| e.data)
            .map_err(|e| Error::Decode {
                request: label,
                message: e.to_string(),
            })
    }
}

fn api_error(status: u16, body: &[u8], method: &Method, path: &str, attempts: u32) -> ApiError {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let error = parsed.as_ref().and_then(|v| v.get("error"));
    let text = |k: &str| {
        error
            .and_then(|e| e.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    ApiError {
        status,
        error_type: text("type"),
        message: text("message").unwrap_or_else(|| {
            let body = String::from_utf8_lossy(body);
            format!(
                "Unexpected error: {}",
                body.chars().take(500).collect::<String>()
            )
        }),
        method: method.to_string(),
        path: format!("/v2{path}"),
        attempts,
    }
}

/// Bodies at least this large are compressed, as the official clients do (JS: brotli,
/// Python: gzip; the API accepts both).
const COMPRESS_FROM: usize = 1024;

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).ok()?;
    enc.finish().ok()
}

/// Percent-encodes a query value: everything but `A-Z a-z 0-9 - . _ ~`, so base64's `+`, `/`
/// and `=` become `%2B`, `%2F` and `%3D` as the official clients send them.
pub(crate) fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Path-escapes an Actor or task id; `user/name` becomes `user~name` as both clients write it.
pub(crate) fn path_id(id: &str) -> String {
    query_escape(&id.replacen('/', "~", 1))
}
