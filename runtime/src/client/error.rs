//! Errors of the API client.

use apify_webhooks_core::check::DefinitionErrors;
use std::fmt;

/// An error response from the Apify API.
///
/// ```
/// use apify_webhooks::client::ApiError;
/// let e = ApiError { status: 400, error_type: Some("schema-validation".into()), message: "Webhook URL must be a valid URL.".into(),
///                    method: "POST".into(), path: "/v2/webhooks".into(), attempts: 1 };
/// assert_eq!(e.to_string(), "POST /v2/webhooks failed with 400 (schema-validation): Webhook URL must be a valid URL.");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The Apify error `type`, e.g. `schema-validation` or `record-not-found`.
    pub error_type: Option<String>,
    /// The API's message (or the body, when it has no `error` object).
    pub message: String,
    /// The HTTP method.
    pub method: String,
    /// The request path, without the query (which may hold secrets).
    pub path: String,
    /// How many attempts were made.
    pub attempts: u32,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} failed with {}",
            self.method, self.path, self.status
        )?;
        if let Some(t) = &self.error_type {
            write!(f, " ({t})")?;
        }
        write!(f, ": {}", self.message)?;
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Everything the client can fail with.
///
/// ```
/// use apify_webhooks::{ApifyClient, client::Error};
/// // A missing token is an error, never a silent local fallback.
/// assert!(matches!(ApifyClient::builder().build(), Err(Error::MissingToken)));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status (after retries, for 429 and 5xx).
    Api(ApiError),
    /// The request never got an answer (connection, timeout), after retries.
    Transport {
        /// The method and path.
        request: String,
        /// How many attempts were made.
        attempts: u32,
        /// The last underlying error.
        source: reqwest::Error,
    },
    /// `APIFY_TOKEN` (or an explicit token) is missing.
    MissingToken,
    /// A setting is invalid, e.g. a base URL that does not parse.
    Config(String),
    /// Running on the platform, but the run id is not in the environment.
    MissingRunId,
    /// A definition fails the platform's checks (nothing was sent).
    Invalid(DefinitionErrors),
    /// The API's answer could not be read.
    Decode {
        /// The method and path.
        request: String,
        /// What went wrong.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "{e}"),
            Error::Transport {
                request,
                attempts,
                source,
            } => {
                write!(
                    f,
                    "{request}: no answer after {attempts} attempts: {source}"
                )
            }
            Error::MissingToken => write!(
                f,
                "no API token: set APIFY_TOKEN (or pass one to ApifyClient::builder().token(...))"
            ),
            Error::Config(m) => write!(f, "invalid client settings: {m}"),
            Error::MissingRunId => write!(
                f,
                "APIFY_IS_AT_HOME is set but neither ACTOR_RUN_ID nor APIFY_ACTOR_RUN_ID is"
            ),
            Error::Invalid(e) => write!(f, "invalid webhook definition: {e}"),
            Error::Decode { request, message } => {
                write!(f, "{request}: unexpected answer: {message}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(e) => Some(e),
            Error::Transport { source, .. } => Some(source),
            Error::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

impl From<DefinitionErrors> for Error {
    fn from(e: DefinitionErrors) -> Self {
        Error::Invalid(e)
    }
}
