//! Webhooks and dispatches as the emulator keeps them.

use apify_webhooks_core::EventType;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A stored webhook.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WebhookRec {
    pub id: String,
    pub user_id: String,
    pub created_at: String,
    pub modified_at: String,
    pub is_ad_hoc: bool,
    pub event_types: Vec<EventType>,
    pub condition: Value,
    pub request_url: String,
    pub payload_template: Option<String>,
    pub headers_template: Option<String>,
    pub description: Option<String>,
    pub idempotency_key: Option<String>,
    pub should_interpolate_strings: bool,
    pub ignore_ssl_errors: bool,
    pub do_not_retry: bool,
    pub is_enabled: bool,
    /// An ad-hoc webhook fires at most once.
    pub fired: bool,
    pub last_dispatch: Option<Value>,
    pub total_dispatches: u64,
}

impl WebhookRec {
    /// The API object; list endpoints leave out the templates.
    pub(crate) fn to_api(&self, templates: bool) -> Value {
        let mut v = json!({
            "id": self.id,
            "createdAt": self.created_at,
            "modifiedAt": self.modified_at,
            "userId": self.user_id,
            "isAdHoc": self.is_ad_hoc,
            "isEnabled": self.is_enabled,
            "eventTypes": self.event_types,
            "condition": self.condition,
            "ignoreSslErrors": self.ignore_ssl_errors,
            "doNotRetry": self.do_not_retry,
            "requestUrl": self.request_url,
            "description": self.description,
            "shouldInterpolateStrings": self.should_interpolate_strings,
            "idempotencyKey": self.idempotency_key,
            "actionType": "HTTP_REQUEST",
            "lastDispatch": self.last_dispatch,
            "stats": {"totalDispatches": self.total_dispatches},
        });
        if templates {
            v["payloadTemplate"] = json!(self.payload_template);
            v["headersTemplate"] = json!(self.headers_template);
        }
        v
    }

    /// Whether this webhook listens to `run`.
    pub(crate) fn matches(&self, run: &Value) -> bool {
        let cond = |k: &str| self.condition.get(k).and_then(Value::as_str);
        let field = |k: &str| run.get(k).and_then(Value::as_str);
        match (cond("actorRunId"), cond("actorId"), cond("actorTaskId")) {
            (Some(id), _, _) => field("id") == Some(id),
            (_, Some(id), _) => field("actId") == Some(id),
            (_, _, Some(id)) => field("actorTaskId") == Some(id),
            _ => false,
        }
    }
}

/// `ACTIVE`, `SUCCEEDED` or `FAILED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub(crate) enum DispatchStatus {
    Active,
    Succeeded,
    Failed,
}

/// A stored dispatch, with what it needs to be retried after a restart.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DispatchRec {
    pub id: String,
    pub user_id: String,
    pub webhook_id: String,
    /// The run whose event this is (none for TEST dispatches).
    #[serde(default)]
    pub run_id: Option<String>,
    pub created_at: String,
    pub status: DispatchStatus,
    pub event_type: String,
    pub event_data: Value,
    /// `{userId, createdAt, eventType, eventData, resource}` at the time of the event.
    pub context: Value,
    pub calls: Vec<Value>,
    /// When the next attempt is due (ms since the epoch), while ACTIVE.
    pub next_attempt_ms: i64,
    pub attempts: u32,
    /// The most attempts allowed (1 with doNotRetry).
    pub max_attempts: u32,
    pub webhook: Value,
    /// The body sent, once rendered (the same for every attempt).
    #[serde(default)]
    pub payload: Option<String>,
    /// The headers sent with it, the platform's and the headers template's.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}

impl DispatchStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DispatchStatus::Active => "ACTIVE",
            DispatchStatus::Succeeded => "SUCCEEDED",
            DispatchStatus::Failed => "FAILED",
        }
    }
}

impl DispatchRec {
    pub(crate) fn to_api(&self) -> Value {
        json!({
            "id": self.id,
            "userId": self.user_id,
            "webhookId": self.webhook_id,
            "createdAt": self.created_at,
            "status": self.status,
            "eventType": self.event_type,
            "eventData": self.event_data,
            "webhook": self.webhook,
            "calls": self.calls,
        })
    }
}

/// A 17-character id, as the platform's.
pub(crate) fn new_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..17)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect()
}
