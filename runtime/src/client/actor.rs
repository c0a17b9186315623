//! The running Actor's context: attaching ad-hoc webhooks to its own run.

use super::{ApifyClient, Error, Webhook};
use apify_webhooks_core::{WebhookDef, Webhooks, encode};
use reqwest::Method;
use sha2::{Digest, Sha256};

/// What registering a webhook did.
///
/// ```
/// # async fn demo() -> Result<(), apify_webhooks::client::Error> {
/// use apify_webhooks::{Actor, EventType, Registration, WebhookDef};
/// let def = WebhookDef::new(&[EventType::ActorRunFailed], "https://example.com/failed");
/// // Off the platform nothing is sent.
/// assert_eq!(Actor::local().add_webhook(def).await?, Registration::Skipped);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Registration {
    /// The platform created it (or returned the one it already had for the key).
    Created(Box<Webhook>),
    /// Not on the Apify platform, so nothing was sent (both official SDKs do the same).
    Skipped,
}

impl Registration {
    /// The webhook, if one was created.
    pub fn webhook(&self) -> Option<&Webhook> {
        match self {
            Registration::Created(w) => Some(w),
            Registration::Skipped => None,
        }
    }
}

/// The default idempotency key of `def` in run `run_id`: `"{run_id}:{24 hex}"`, where the hex
/// is SHA-256 of the run id and the definition's JSON. It is deterministic (a restarted or
/// migrated run sends the same key, so the platform creates the webhook once), different for
/// different definitions, and at most 128 characters.
///
/// ```
/// use apify_webhooks::{run_scoped_key, EventType, WebhookDef};
/// let def = WebhookDef::new(&[EventType::ActorRunFailed], "https://example.com/f");
/// let key = run_scoped_key("HG7ML7M8z78YcAPEB", &def);
/// assert!(key.starts_with("HG7ML7M8z78YcAPEB:") && key.len() == 42);
/// assert_eq!(key, run_scoped_key("HG7ML7M8z78YcAPEB", &def));
/// ```
pub fn run_scoped_key(run_id: &str, def: &WebhookDef<'_>) -> String {
    let unkeyed = WebhookDef {
        idempotency_key: None,
        ..*def
    };
    let mut hash = Sha256::new();
    hash.update(run_id.as_bytes());
    hash.update([0]);
    hash.update(encode::to_json([unkeyed]).as_bytes());
    let digest = hash.finalize();
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    if run_id.len() <= 100 && !run_id.contains(':') {
        format!("{run_id}:{hex}")
    } else {
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// `APIFY_IS_AT_HOME` read as a boolean: `1`, `true`, `yes` and `on` (any case) mean "on the
/// platform"; anything else, `0` included, means not. This is the Python SDK's reading; the JS
/// SDK treats any non-empty value, even `0`, as true, which makes `APIFY_IS_AT_HOME=0` mean
/// the opposite of what it says.
fn at_home(value: Option<String>) -> bool {
    matches!(
        value
            .as_deref()
            .map(str::trim)
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("1" | "true" | "yes" | "on")
    )
}

/// The running Actor, as its environment describes it.
///
/// ```
/// # async fn demo() -> Result<(), apify_webhooks::client::Error> {
/// use apify_webhooks::{webhooks, Actor, Webhooks};
///
/// const ON_FINISH: Webhooks = webhooks![{
///     event_types: [ACTOR_RUN_TERMINAL],
///     request_url: "https://example.com/run-finished",
/// }];
///
/// let actor = Actor::from_env()?;
/// // One webhook per definition, each with a run-scoped idempotency key: a restarted run
/// // does not create them twice. Off the platform this logs a warning and sends nothing.
/// let registrations = actor.add_webhooks(&ON_FINISH).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Actor {
    client: Option<ApifyClient>,
    run_id: Option<String>,
    at_home: bool,
}

impl Actor {
    /// Reads `APIFY_IS_AT_HOME`, the run id (`ACTOR_RUN_ID`, then `APIFY_ACTOR_RUN_ID`),
    /// `APIFY_TOKEN` and `APIFY_API_BASE_URL`. On the platform the run id and token are
    /// required; off it they are optional.
    pub fn from_env() -> Result<Actor, Error> {
        let at_home = at_home(std::env::var("APIFY_IS_AT_HOME").ok());
        let run_id = ["ACTOR_RUN_ID", "APIFY_ACTOR_RUN_ID"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
        if !at_home {
            return Ok(Actor {
                client: ApifyClient::from_env().ok(),
                run_id,
                at_home,
            });
        }
        let run_id = run_id.ok_or(Error::MissingRunId)?;
        Ok(Actor {
            client: Some(ApifyClient::from_env()?),
            run_id: Some(run_id),
            at_home,
        })
    }

    /// An Actor context with explicit settings (on the platform), for tests and tools.
    pub fn new(client: ApifyClient, run_id: impl Into<String>) -> Actor {
        Actor {
            client: Some(client),
            run_id: Some(run_id.into()),
            at_home: true,
        }
    }

    /// A context that is not on the platform: registration is skipped.
    pub fn local() -> Actor {
        Actor {
            client: None,
            run_id: None,
            at_home: false,
        }
    }

    /// The run id, if known.
    pub fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref()
    }

    /// Whether this runs on the Apify platform (`APIFY_IS_AT_HOME`).
    pub fn is_at_home(&self) -> bool {
        self.at_home
    }

    /// The request body `Actor.addWebhook` sends: the definition's fields (with the
    /// run-scoped key when none is set), then `isAdHoc` and `condition`.
    pub fn request_body(run_id: &str, def: &WebhookDef<'_>) -> String {
        let key = def
            .idempotency_key
            .map(str::to_owned)
            .unwrap_or_else(|| run_scoped_key(run_id, def));
        let keyed = WebhookDef {
            idempotency_key: Some(&key),
            ..*def
        };
        let mut body = String::new();
        encode::write_definition(&mut body, &keyed);
        body.pop(); // the closing brace
        body.push_str(",\"isAdHoc\":true,\"condition\":{\"actorRunId\":");
        body.push_str(&serde_json::to_string(run_id).unwrap_or_default());
        body.push_str("}}");
        body
    }

    /// Attaches one ad-hoc webhook to this run (`POST /v2/webhooks`), after the same checks
    /// the macro makes. Retries are safe: the idempotency key makes a repeat return the
    /// webhook created first.
    pub async fn add_webhook<'d>(
        &self,
        def: impl Into<WebhookDef<'d>>,
    ) -> Result<Registration, Error> {
        let def = def.into();
        def.check()?;
        let (Some(client), Some(run_id), true) = (&self.client, &self.run_id, self.at_home) else {
            tracing::warn!(
                request_url = def.request_url,
                "add_webhook is only supported when running on the Apify platform (APIFY_IS_AT_HOME); the webhook will not be invoked"
            );
            return Ok(Registration::Skipped);
        };
        let body = Self::request_body(run_id, &def).into_bytes();
        let webhook: Webhook = client
            .send_data(Method::POST, "/webhooks", "", Some(body))
            .await?;
        tracing::info!(webhook = %webhook.id, run = %run_id, "ad-hoc webhook registered");
        Ok(Registration::Created(Box::new(webhook)))
    }

    /// Attaches every webhook of a set, in order; stops at the first error.
    pub async fn add_webhooks(&self, set: &Webhooks) -> Result<Vec<Registration>, Error> {
        let mut out = Vec::with_capacity(set.len());
        for def in set.iter() {
            out.push(self.add_webhook(*def).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use apify_webhooks_core::EventType;

    #[test]
    fn at_home_reads_like_the_python_sdk() {
        for (v, want) in [
            ("1", true),
            ("true", true),
            ("TRUE", true),
            ("0", false),
            ("false", false),
            ("", false),
        ] {
            assert_eq!(at_home(Some(v.into())), want, "{v}");
        }
        assert!(!at_home(None));
    }

    #[test]
    fn keys_differ_per_definition_and_ignore_an_explicit_key() {
        let a = WebhookDef::new(&[EventType::ActorRunFailed], "https://e.com/a");
        let b = WebhookDef::new(&[EventType::ActorRunFailed], "https://e.com/b");
        assert_ne!(run_scoped_key("r", &a), run_scoped_key("r", &b));
        assert_ne!(run_scoped_key("r1", &a), run_scoped_key("r2", &a));
        assert_eq!(
            run_scoped_key("r", &a),
            run_scoped_key("r", &a.with_idempotency_key("x"))
        );
        assert!(run_scoped_key(&"x".repeat(300), &a).len() <= 128);
    }

    #[test]
    fn body_matches_the_js_sdk_shape() {
        let def = WebhookDef::new(
            &[EventType::ActorRunFailed],
            "https://example.com/run-failed",
        )
        .with_idempotency_key("k1");
        assert_eq!(
            Actor::request_body("capActorRunId0001", &def),
            r#"{"eventTypes":["ACTOR.RUN.FAILED"],"requestUrl":"https://example.com/run-failed","idempotencyKey":"k1","isAdHoc":true,"condition":{"actorRunId":"capActorRunId0001"}}"#
        );
    }
}
