//! Starting Actor and task runs with webhooks attached.

use super::{ApifyClient, Error, Run, path_id, query_escape};
use crate::WebhookSet;
use apify_webhooks_core::Webhooks;
use reqwest::Method;
use std::borrow::Cow;
use std::time::Duration;

/// Run options, sent as query parameters in the JS client's order (`waitForFinish, timeout,
/// memory, build, webhooks, maxItems, restartOnError`). Unset options are not sent.
///
/// ```
/// use apify_webhooks::{webhooks, RunOptions, Webhooks};
/// const HOOKS: Webhooks = webhooks![{ event_types: [ACTOR.RUN.FAILED], request_url: "https://example.com/f" }];
/// let opts = RunOptions::new().build("latest").memory_mbytes(256).webhooks(&HOOKS);
/// assert!(opts.to_query().starts_with("?memory=256&build=latest&webhooks=W3"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// `build`: a tag or number.
    pub build: Option<String>,
    /// `timeout` in seconds.
    pub timeout_secs: Option<u64>,
    /// `memory` in megabytes.
    pub memory_mbytes: Option<u32>,
    /// `maxItems`: the most dataset items a pay-per-result Actor may charge for.
    pub max_items: Option<u64>,
    /// `waitForFinish` in seconds (the platform caps it at 60).
    pub wait_for_finish: Option<u32>,
    /// `restartOnError`.
    pub restart_on_error: Option<bool>,
    /// The `webhooks` parameter (base64), already encoded.
    pub webhooks: Option<Cow<'static, str>>,
}

impl RunOptions {
    /// No options.
    pub fn new() -> Self {
        RunOptions::default()
    }
    /// Sets `build`.
    pub fn build(mut self, build: impl Into<String>) -> Self {
        self.build = Some(build.into());
        self
    }
    /// Sets `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout_secs = Some(timeout.as_secs());
        self
    }
    /// Sets `memory`.
    pub fn memory_mbytes(mut self, mb: u32) -> Self {
        self.memory_mbytes = Some(mb);
        self
    }
    /// Sets `maxItems`.
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }
    /// Sets `waitForFinish`.
    pub fn wait_for_finish(mut self, secs: u32) -> Self {
        self.wait_for_finish = Some(secs);
        self
    }
    /// Sets `restartOnError`.
    pub fn restart_on_error(mut self, on: bool) -> Self {
        self.restart_on_error = Some(on);
        self
    }
    /// Attaches a `webhooks!` constant: its precomputed base64, no work at run time.
    pub fn webhooks(mut self, set: &Webhooks) -> Self {
        self.webhooks = Some(Cow::Borrowed(set.base64()));
        self
    }
    /// Attaches webhooks built at run time (already checked by [`WebhookSet`]).
    pub fn webhook_set(mut self, set: &WebhookSet) -> Self {
        self.webhooks = Some(Cow::Owned(set.base64()));
        self
    }

    /// The query string, starting with `?` (empty when nothing is set).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut push = |k: &str, v: String| parts.push(format!("{k}={}", query_escape(&v)));
        if let Some(w) = self.wait_for_finish {
            push("waitForFinish", w.to_string());
        }
        if let Some(t) = self.timeout_secs {
            push("timeout", t.to_string());
        }
        if let Some(m) = self.memory_mbytes {
            push("memory", m.to_string());
        }
        if let Some(b) = &self.build {
            push("build", b.clone());
        }
        if let Some(w) = &self.webhooks {
            push("webhooks", w.to_string());
        }
        if let Some(n) = self.max_items {
            push("maxItems", n.to_string());
        }
        if let Some(r) = self.restart_on_error {
            push("restartOnError", if r { "1" } else { "0" }.to_owned());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// What `run-sync` returns: the run's `OUTPUT` record, as stored.
///
/// ```
/// let out = apify_webhooks::client::SyncOutput { body: br#"{"ok":true}"#.to_vec() };
/// assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.body).unwrap()["ok"], true);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncOutput {
    /// The record's bytes.
    pub body: Vec<u8>,
}

/// An Actor or a task, to start runs of. Made by [`ApifyClient::actor`] and
/// [`ApifyClient::task`].
///
/// ```no_run
/// # async fn demo(client: apify_webhooks::ApifyClient) -> Result<(), apify_webhooks::client::Error> {
/// use apify_webhooks::RunOptions;
/// let items = client.task("someuser/my-task").run_sync_get_dataset_items(None, &RunOptions::new()).await?;
/// println!("{} items", items.len());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct RunTarget<'c> {
    client: &'c ApifyClient,
    /// `/actors/{id}` or `/actor-tasks/{id}`.
    base: String,
}

impl ApifyClient {
    /// An Actor, by id or `username/actor-name`.
    pub fn actor(&self, id: &str) -> RunTarget<'_> {
        RunTarget {
            client: self,
            base: format!("/actors/{}", path_id(id)),
        }
    }

    /// A task, by id or `username/task-name`.
    pub fn task(&self, id: &str) -> RunTarget<'_> {
        RunTarget {
            client: self,
            base: format!("/actor-tasks/{}", path_id(id)),
        }
    }

    /// `GET /v2/actor-runs/{id}`, waiting up to `wait_for_finish` seconds for it to finish.
    pub async fn get_run(&self, run_id: &str, wait_for_finish: Option<u32>) -> Result<Run, Error> {
        let query = wait_for_finish
            .map(|w| format!("?waitForFinish={w}"))
            .unwrap_or_default();
        self.send_data(
            Method::GET,
            &format!("/actor-runs/{}", query_escape(run_id)),
            &query,
            None,
        )
        .await
    }

    /// `POST /v2/actor-runs/{id}/abort`: the run goes through ABORTING to ABORTED.
    pub async fn abort_run(&self, run_id: &str) -> Result<Run, Error> {
        self.send_data(
            Method::POST,
            &format!("/actor-runs/{}/abort", query_escape(run_id)),
            "",
            None,
        )
        .await
    }

    /// Polls a run (with `waitForFinish=60`) until it reaches a terminal status.
    pub async fn wait_for_run(&self, run_id: &str) -> Result<Run, Error> {
        loop {
            let run = self.get_run(run_id, Some(60)).await?;
            if run.status.is_terminal() {
                return Ok(run);
            }
        }
    }
}

fn input_body(input: Option<&serde_json::Value>) -> Option<Vec<u8>> {
    input.map(|v| serde_json::to_vec(v).unwrap_or_else(|_| b"null".to_vec()))
}

impl RunTarget<'_> {
    /// `POST …/runs`: starts a run and returns at once (or after `wait_for_finish`).
    pub async fn start(
        &self,
        input: Option<&serde_json::Value>,
        options: &RunOptions,
    ) -> Result<Run, Error> {
        let path = format!("{}/runs", self.base);
        self.client
            .send_data(Method::POST, &path, &options.to_query(), input_body(input))
            .await
    }

    /// Starts a run and waits for it to finish, polling with `waitForFinish`.
    pub async fn call(
        &self,
        input: Option<&serde_json::Value>,
        options: &RunOptions,
    ) -> Result<Run, Error> {
        let run = self.start(input, options).await?;
        if run.status.is_terminal() {
            return Ok(run);
        }
        self.client.wait_for_run(&run.id).await
    }

    /// `POST …/run-sync`: runs and returns the `OUTPUT` record (the platform waits up to 300 s).
    pub async fn run_sync(
        &self,
        input: Option<&serde_json::Value>,
        options: &RunOptions,
    ) -> Result<SyncOutput, Error> {
        let path = format!("{}/run-sync", self.base);
        let body = self
            .client
            .send(Method::POST, &path, &options.to_query(), input_body(input))
            .await?;
        Ok(SyncOutput { body })
    }

    /// `POST …/run-sync-get-dataset-items`: runs and returns the default dataset's items.
    pub async fn run_sync_get_dataset_items(
        &self,
        input: Option<&serde_json::Value>,
        options: &RunOptions,
    ) -> Result<Vec<serde_json::Value>, Error> {
        let path = format!("{}/run-sync-get-dataset-items", self.base);
        let label = format!("POST /v2{path}");
        let body = self
            .client
            .send(Method::POST, &path, &options.to_query(), input_body(input))
            .await?;
        serde_json::from_slice(&body).map_err(|e| Error::Decode {
            request: label,
            message: e.to_string(),
        })
    }
}
