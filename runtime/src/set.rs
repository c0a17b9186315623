//! Webhooks built at run time, with the macro's checks.

use apify_webhooks_core::check::DefinitionErrors;
use apify_webhooks_core::{WebhookDef, WebhookDefinition, Webhooks, encode};

/// A set of webhooks built from run-time values (a URL from input or the environment). Every
/// definition is checked as the `webhooks!` macro checks it; a bad one is a typed error
/// instead of a compile error.
///
/// ```
/// use apify_webhooks::{EventType, WebhookDefinition, WebhookSet};
///
/// let url = String::from("https://example.com/from-input"); // e.g. read from the Actor input
/// let mut set = WebhookSet::new();
/// set.push(WebhookDefinition::new([EventType::ActorRunSucceeded], url))?;
/// assert!(set.base64().starts_with("W3siZXZlbnRUeXBlcyI6"));
///
/// let err = set.push(WebhookDefinition::new([EventType::ActorBuildFailed], "ftp://x")).unwrap_err();
/// assert_eq!(err.0.len(), 2); // a build event and a bad URL
/// # Ok::<(), apify_webhooks::check::DefinitionErrors>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookSet {
    definitions: Vec<WebhookDefinition>,
}

impl WebhookSet {
    /// An empty set.
    pub fn new() -> Self {
        WebhookSet::default()
    }

    /// Checks a definition and adds it; on error the set is unchanged.
    pub fn push(&mut self, def: WebhookDefinition) -> Result<&mut Self, DefinitionErrors> {
        def.check()?;
        self.definitions.push(def);
        Ok(self)
    }

    /// Checks every definition; all problems of the first bad one are returned.
    pub fn try_from_definitions(
        defs: impl IntoIterator<Item = WebhookDefinition>,
    ) -> Result<Self, DefinitionErrors> {
        let mut set = WebhookSet::new();
        for d in defs {
            set.push(d)?;
        }
        Ok(set)
    }

    /// The definitions.
    pub fn definitions(&self) -> &[WebhookDefinition] {
        &self.definitions
    }

    /// Borrowed views, as `add_webhook` takes them.
    pub fn iter(&self) -> impl Iterator<Item = WebhookDef<'_>> {
        self.definitions.iter().map(WebhookDefinition::as_def)
    }

    /// The compact JSON array, in the JS client's bytes.
    pub fn json(&self) -> String {
        encode::to_json(&self.definitions)
    }

    /// The `webhooks` run parameter (standard, padded base64).
    pub fn base64(&self) -> String {
        encode::to_base64(&self.definitions)
    }

    /// Each definition as a JSON value, for the official `apify-client` crate's untyped
    /// `webhooks: Option<Vec<serde_json::Value>>` run option. That crate writes the values
    /// with sorted keys, so its base64 differs from [`WebhookSet::base64`]; the platform
    /// parses the JSON, so the webhooks are the same.
    ///
    /// ```
    /// use apify_webhooks::{webhooks, WebhookSet, Webhooks};
    /// const HOOKS: Webhooks = webhooks![{ event_types: [ACTOR.RUN.FAILED], request_url: "https://example.com/f" }];
    /// let values: Vec<serde_json::Value> = WebhookSet::from(&HOOKS).to_json_values();
    /// assert_eq!(values[0]["eventTypes"][0], "ACTOR.RUN.FAILED");
    /// // apify_client::ActorStartOptions { webhooks: Some(values), .. }
    /// ```
    #[cfg(feature = "client")]
    pub fn to_json_values(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.json()).unwrap_or_default()
    }
}

impl From<&Webhooks> for WebhookSet {
    /// The macro's constants are already checked.
    fn from(set: &Webhooks) -> Self {
        WebhookSet {
            definitions: set.iter().map(WebhookDef::to_owned_definition).collect(),
        }
    }
}
