//! Typed API objects.

use apify_webhooks_core::EventType;
use serde::{Deserialize, Serialize};

/// A run's status. `TIMING-OUT` and `TIMED-OUT` are spelled with a hyphen (the event types
/// use an underscore).
///
/// ```
/// use apify_webhooks::RunStatus;
/// let s: RunStatus = serde_json::from_str("\"TIMED-OUT\"").unwrap();
/// assert!(s.is_terminal());
/// assert_eq!(s.to_string(), "TIMED-OUT");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
pub enum RunStatus {
    /// Created, not started.
    Ready,
    /// Running.
    Running,
    /// Finished with exit code 0.
    Succeeded,
    /// Finished with another exit code.
    Failed,
    /// Past its timeout, stopping.
    TimingOut,
    /// Stopped at its timeout.
    TimedOut,
    /// Being aborted.
    Aborting,
    /// Aborted.
    Aborted,
}

impl RunStatus {
    /// The API's spelling, e.g. `TIMED-OUT`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Ready => "READY",
            RunStatus::Running => "RUNNING",
            RunStatus::Succeeded => "SUCCEEDED",
            RunStatus::Failed => "FAILED",
            RunStatus::TimingOut => "TIMING-OUT",
            RunStatus::TimedOut => "TIMED-OUT",
            RunStatus::Aborting => "ABORTING",
            RunStatus::Aborted => "ABORTED",
        }
    }

    /// Whether the run has finished (SUCCEEDED, FAILED, TIMED-OUT or ABORTED).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            RunStatus::Succeeded | RunStatus::Failed | RunStatus::TimedOut | RunStatus::Aborted
        )
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An Actor run, as `GET /v2/actor-runs/{id}` returns it. Fields not listed are kept in
/// `extra`.
///
/// ```
/// let run: apify_webhooks::Run = serde_json::from_str(
///     r#"{"id":"r1","actId":"a1","userId":"u1","status":"TIMED-OUT","startedAt":"2025-01-01T00:00:00.000Z","stats":{}}"#,
/// ).unwrap();
/// assert!(run.status.is_terminal());
/// assert!(run.extra.contains_key("stats"));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// The run id.
    pub id: String,
    /// The Actor id.
    pub act_id: String,
    /// The owner.
    pub user_id: String,
    /// The task, for task runs.
    #[serde(default)]
    pub actor_task_id: Option<String>,
    /// The status.
    pub status: RunStatus,
    /// The status message, if the Actor set one.
    #[serde(default)]
    pub status_message: Option<String>,
    /// When it started (ISO 8601).
    pub started_at: String,
    /// When it finished.
    #[serde(default)]
    pub finished_at: Option<String>,
    /// The process exit code, once finished.
    #[serde(default)]
    pub exit_code: Option<i64>,
    /// The default dataset.
    #[serde(default)]
    pub default_dataset_id: Option<String>,
    /// The default key-value store.
    #[serde(default)]
    pub default_key_value_store_id: Option<String>,
    /// The default request queue.
    #[serde(default)]
    pub default_request_queue_id: Option<String>,
    /// Everything else the API sent (`stats`, `options`, `meta`, `usage`, …).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A webhook as the API returns it.
///
/// ```
/// let w: apify_webhooks::client::Webhook = serde_json::from_str(
///     r#"{"id":"w1","isAdHoc":true,"eventTypes":["ACTOR.RUN.FAILED"],"condition":{"actorRunId":"r1"},"createdAt":"2025-01-01T00:00:00.000Z"}"#,
/// ).unwrap();
/// assert!(w.is_ad_hoc);
/// assert_eq!(w.condition["actorRunId"], "r1");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// The webhook id.
    pub id: String,
    /// Whether it is ad hoc (fires at most once, for one run).
    #[serde(default)]
    pub is_ad_hoc: bool,
    /// When it fires.
    #[serde(default)]
    pub event_types: Vec<EventType>,
    /// Where it posts.
    #[serde(default)]
    pub request_url: Option<String>,
    /// Its idempotency key, when the API echoes it.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// `{"actorRunId": ...}` for ad-hoc webhooks.
    #[serde(default)]
    pub condition: serde_json::Value,
    /// Everything else the API sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
