//! The emulator's state: runs, webhooks, dispatches and storages, kept in memory and written
//! through to the [`Store`]. Status changes fire the platform's events.

use crate::config::Config;
use crate::model::{DispatchRec, DispatchStatus, WebhookRec, new_id};
use crate::store::{DispatchFilter, Op, Page, Store};
use crate::time::{now_iso, now_ms};
use apify_webhooks_core::EventType;
use indexmap::IndexMap;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{Notify, watch};

/// A run and what drives it.
pub(crate) struct RunEntry {
    pub value: Value,
    pub log: String,
    pub abort: Arc<Notify>,
}

#[derive(Default)]
pub(crate) struct Inner {
    /// Runs, webhooks and dispatches keep their creation order, which the API lists use.
    pub runs: IndexMap<String, RunEntry>,
    /// Add and remove webhooks with [`Inner::add_webhook`] and [`Inner::remove_webhook`],
    /// which keep `watchers` in step.
    pub webhooks: IndexMap<String, WebhookRec>,
    /// Webhook ids by what their condition watches (`run:ID`, `actor:ID`, `task:ID`), so an
    /// event looks at its own webhooks only, not at every webhook there is.
    watchers: HashMap<String, Vec<String>>,
    /// Webhook ids by (user, idempotency key): the first webhook with a key wins.
    keyed: HashMap<(String, String), String>,
    /// The user of each run's default storages (key-value store, dataset, request queue).
    storage_owners: HashMap<String, String>,
    /// ACTIVE dispatches only: finished ones live in the store, so memory does not grow
    /// with them.
    pub dispatches: IndexMap<String, DispatchRec>,
    /// (store id, key) → (content type, bytes)
    pub records: HashMap<(String, String), (String, Vec<u8>)>,
    pub datasets: HashMap<String, Vec<Value>>,
}

/// The watcher key of a webhook condition.
fn watch_key(condition: &Value) -> Option<String> {
    let c = condition.as_object()?;
    [
        ("actorRunId", "run"),
        ("actorId", "actor"),
        ("actorTaskId", "task"),
    ]
    .iter()
    .find_map(|(field, kind)| c.get(*field)?.as_str().map(|id| format!("{kind}:{id}")))
}

impl Inner {
    /// Stores a run and indexes whose its default storages are.
    pub(crate) fn add_run(&mut self, entry: RunEntry) {
        let v = &entry.value;
        let user = v["userId"].as_str().unwrap_or_default();
        for key in [
            "defaultKeyValueStoreId",
            "defaultDatasetId",
            "defaultRequestQueueId",
        ] {
            if let Some(storage) = v[key].as_str() {
                self.storage_owners
                    .insert(storage.to_owned(), user.to_owned());
            }
        }
        let id = v["id"].as_str().unwrap_or_default().to_owned();
        self.runs.insert(id, entry);
    }

    /// The user a run's default storage belongs to.
    pub(crate) fn storage_owner(&self, storage: &str) -> Option<&str> {
        self.storage_owners.get(storage).map(String::as_str)
    }

    /// Stores a webhook and indexes it by what it watches.
    pub(crate) fn add_webhook(&mut self, w: WebhookRec) {
        if let Some(key) = &w.idempotency_key {
            self.keyed
                .entry((w.user_id.clone(), key.clone()))
                .or_insert_with(|| w.id.clone());
        }
        if let Some(key) = watch_key(&w.condition) {
            self.watchers.entry(key).or_default().push(w.id.clone());
        }
        self.webhooks.insert(w.id.clone(), w);
    }

    /// Removes a webhook and its index entry.
    pub(crate) fn remove_webhook(&mut self, id: &str) -> Option<WebhookRec> {
        let w = self.webhooks.shift_remove(id)?;
        if let Some(key) = &w.idempotency_key {
            self.keyed.remove(&(w.user_id.clone(), key.clone()));
        }
        if let Some(key) = watch_key(&w.condition) {
            if let Some(ids) = self.watchers.get_mut(&key) {
                ids.retain(|i| i != id);
            }
        }
        Some(w)
    }

    /// `user`'s webhook with this idempotency key, if any.
    pub(crate) fn keyed_webhook(&self, user: &str, key: &str) -> Option<&WebhookRec> {
        let id = self.keyed.get(&(user.to_owned(), key.to_owned()))?;
        self.webhooks.get(id)
    }

    /// The ids of the webhooks that may listen to `run`, in creation order.
    pub(crate) fn watching(&self, run: &Value) -> Vec<String> {
        let field = |k: &str| run.get(k).and_then(Value::as_str);
        let keys = [
            field("id").map(|id| format!("run:{id}")),
            field("actId").map(|id| format!("actor:{id}")),
            field("actorTaskId").map(|id| format!("task:{id}")),
        ];
        let mut ids: Vec<String> = keys
            .iter()
            .flatten()
            .filter_map(|k| self.watchers.get(k))
            .flatten()
            .cloned()
            .collect();
        ids.sort_by_key(|id| self.webhooks.get_index_of(id));
        ids.dedup();
        ids
    }
}

pub(crate) struct State {
    pub config: Config,
    pub base_url: String,
    pub store: Store,
    inner: Mutex<Inner>,
    /// Bumped on every run change; `waitForFinish` waits on it.
    pub changes: watch::Sender<u64>,
    /// True once shutdown starts: dispatchers stop scheduling attempts.
    pub shutdown: watch::Sender<bool>,
    pub http: reqwest::Client,
    /// Webhook calls under way; shutdown waits for their results to be recorded.
    pub in_flight: watch::Sender<usize>,
    /// Bumped when an attempt is moved forward ("retry now"), so waiting dispatchers look
    /// at their schedule again.
    pub nudge: watch::Sender<u64>,
    /// Bounds the webhook calls made at once.
    pub call_slots: tokio::sync::Semaphore,
    /// Web page sessions: random id → user.
    ui_sessions: Mutex<HashMap<String, String>>,
}

/// What a new run needs.
pub(crate) struct NewRun<'a> {
    pub actor_id: &'a str,
    pub task_id: Option<&'a str>,
    pub user_id: &'a str,
    pub timeout_secs: u64,
    pub memory_mbytes: u64,
    pub build: &'a str,
}

pub(crate) const TERMINAL: [&str; 4] = ["SUCCEEDED", "FAILED", "TIMED-OUT", "ABORTED"];

pub(crate) fn is_terminal(status: &str) -> bool {
    TERMINAL.contains(&status)
}

fn event_for(status: &str) -> Option<EventType> {
    Some(match status {
        "SUCCEEDED" => EventType::ActorRunSucceeded,
        "FAILED" => EventType::ActorRunFailed,
        "TIMED-OUT" => EventType::ActorRunTimedOut,
        "ABORTED" => EventType::ActorRunAborted,
        _ => return None,
    })
}

impl State {
    pub(crate) fn new(config: Config, base_url: String, store: Store) -> Arc<State> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                // Follow redirects only within the webhook's own host.
                let same = attempt.previous().first().is_some_and(|first| {
                    first.host_str() == attempt.url().host_str()
                        && first.port_or_known_default() == attempt.url().port_or_known_default()
                });
                if same && attempt.previous().len() < 5 {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .user_agent("ApifyWebhookEmulator/0.1")
            .build()
            .expect("a default HTTP client builds");
        let call_slots = tokio::sync::Semaphore::new(config.max_concurrent_calls.max(1));
        let state = State {
            config,
            base_url,
            store,
            inner: Mutex::default(),
            changes: watch::channel(0).0,
            shutdown: watch::channel(false).0,
            http,
            in_flight: watch::channel(0).0,
            nudge: watch::channel(0).0,
            call_slots,
            ui_sessions: Mutex::default(),
        };
        state.load();
        Arc::new(state)
    }

    /// The web page's sessions.
    pub(crate) fn ui_sessions(&self) -> MutexGuard<'_, HashMap<String, String>> {
        self.ui_sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn load(&self) {
        let mut inner = self.lock();
        let mut logs: HashMap<String, String> = self
            .store
            .load("log")
            .into_iter()
            .map(|(id, b)| (id, String::from_utf8_lossy(&b).into_owned()))
            .collect();
        for (id, body) in self.store.load("run") {
            if let Ok(value) = serde_json::from_slice::<Value>(&body) {
                let log = logs.remove(&id).unwrap_or_default();
                inner.add_run(RunEntry {
                    value,
                    log,
                    abort: Arc::new(Notify::new()),
                });
            }
        }
        for (_, body) in self.store.load("webhook") {
            if let Ok(w) = serde_json::from_slice(&body) {
                inner.add_webhook(w);
            }
        }
        let active = DispatchFilter {
            active_only: true,
            ..DispatchFilter::default()
        };
        for d in self.list_dispatches(&active, Page::ALL).1 {
            inner.dispatches.insert(d.id.clone(), d);
        }
        for (id, body) in self.store.load("record") {
            if let (Some((store, key)), Ok(v)) = (
                id.split_once('/'),
                serde_json::from_slice::<(String, Vec<u8>)>(&body),
            ) {
                inner.records.insert((store.to_owned(), key.to_owned()), v);
            }
        }
        for (id, body) in self.store.load("dataset") {
            if let Ok(items) = serde_json::from_slice(&body) {
                inner.datasets.insert(id, items);
            }
        }
    }

    /// Persists a run and its log so far (on every status change).
    pub(crate) fn save_run(&self, inner: &Inner, id: &str) {
        self.store.submit(run_ops(inner, id));
    }

    pub(crate) fn save_webhook(&self, w: &WebhookRec) {
        self.store.submit(vec![webhook_op(w)]);
    }

    pub(crate) fn save_record(&self, store: &str, key: &str, value: &(String, Vec<u8>)) {
        self.store.put(
            "record",
            &format!("{store}/{key}"),
            serde_json::to_vec(value).unwrap_or_default(),
        );
    }

    pub(crate) fn save_dataset(&self, inner: &Inner, id: &str) {
        if let Some(items) = inner.datasets.get(id) {
            self.store
                .put("dataset", id, serde_json::to_vec(items).unwrap_or_default());
        }
    }

    /// A dispatch, active or finished.
    pub(crate) fn dispatch(&self, id: &str) -> Option<DispatchRec> {
        if let Some(d) = self.lock().dispatches.get(id) {
            return Some(d.clone());
        }
        serde_json::from_slice(&self.store.dispatch(id)?).ok()
    }

    /// The total that match, and one page of them, oldest first (or newest with `desc`).
    pub(crate) fn list_dispatches(
        &self,
        filter: &DispatchFilter<'_>,
        page: Page,
    ) -> (usize, Vec<DispatchRec>) {
        let (total, bodies) = self.store.dispatches(filter, page);
        let items = bodies
            .iter()
            .filter_map(|b| serde_json::from_slice(b).ok())
            .collect();
        (total, items)
    }

    /// Appends to a run's log (persisted with the run on its next status change, not per line).
    pub(crate) fn log(&self, run_id: &str, line: &str) {
        let mut inner = self.lock();
        if let Some(r) = inner.runs.get_mut(run_id) {
            r.log.push_str(line);
            if !line.ends_with('\n') {
                r.log.push('\n');
            }
        }
    }

    /// Persists a run's log (when its output ends, for lines after the last status change).
    pub(crate) fn persist_log(&self, run_id: &str) {
        let inner = self.lock();
        if let Some(r) = inner.runs.get(run_id) {
            self.store.put("log", run_id, r.log.as_bytes().to_vec());
        }
    }

    /// Creates a run (READY). The caller registers the run's webhooks and then fires
    /// `ACTOR.RUN.CREATED`.
    pub(crate) fn create_run(self: &Arc<Self>, new: NewRun<'_>) -> Value {
        let NewRun {
            actor_id,
            task_id,
            user_id,
            timeout_secs,
            memory_mbytes: memory,
            build,
        } = new;
        let id = new_id();
        let now = now_iso();
        let (kvs, ds, rq) = (new_id(), new_id(), new_id());
        let run = json!({
            "id": id,
            "actId": actor_id,
            "userId": user_id,
            "actorTaskId": task_id,
            "startedAt": now,
            "finishedAt": null,
            "status": "READY",
            "statusMessage": null,
            "isStatusMessageTerminal": null,
            "meta": {"origin": "API", "userAgent": "apify-webhooks-emulator"},
            "stats": {"inputBodyLen": 0, "restartCount": 0, "resurrectCount": 0, "computeUnits": 0, "durationMillis": 0, "runTimeSecs": 0},
            "options": {"build": build, "timeoutSecs": timeout_secs, "memoryMbytes": memory, "diskMbytes": memory * 2},
            "buildId": "LocalBuild0000001",
            "buildNumber": "0.0.1",
            "exitCode": null,
            "generalAccess": "FOLLOW_USER_SETTING",
            "defaultKeyValueStoreId": kvs,
            "defaultDatasetId": ds,
            "defaultRequestQueueId": rq,
            "containerUrl": format!("{}/container/{id}", self.base_url),
            "usageTotalUsd": 0,
        });
        {
            let mut inner = self.lock();
            inner.add_run(RunEntry {
                value: run.clone(),
                log: String::new(),
                abort: Arc::new(Notify::new()),
            });
            self.save_run(&inner, &id);
        }
        self.changes.send_modify(|v| *v += 1);
        run
    }

    /// Moves a run to `status`; firing the terminal event on entering a terminal status and
    /// `ACTOR.RUN.RESURRECTED` on leaving one.
    pub(crate) fn set_status(
        self: &Arc<Self>,
        run_id: &str,
        status: &str,
        exit_code: Option<i64>,
    ) -> Option<Value> {
        let (run, old) = {
            let mut inner = self.lock();
            let entry = inner.runs.get_mut(run_id)?;
            let old = entry.value["status"].as_str().unwrap_or("READY").to_owned();
            if old == status {
                return Some(entry.value.clone());
            }
            entry.value["status"] = json!(status);
            if is_terminal(status) {
                let now = now_ms();
                entry.value["finishedAt"] = json!(crate::time::iso(now));
                if let Some(code) = exit_code {
                    entry.value["exitCode"] = json!(code);
                }
            } else if is_terminal(&old) {
                entry.value["finishedAt"] = Value::Null;
                entry.value["exitCode"] = Value::Null;
                let n = entry.value["stats"]["resurrectCount"].as_u64().unwrap_or(0);
                entry.value["stats"]["resurrectCount"] = json!(n + 1);
            }
            let run = entry.value.clone();
            (run, old)
        };
        tracing::info!(run = run_id, from = %old, to = status, "run status");
        let event = if is_terminal(status) {
            event_for(status)
        } else if is_terminal(&old) {
            Some(EventType::ActorRunResurrected)
        } else {
            None
        };
        // The new status and the dispatches it fires commit together, and exist before
        // anyone waiting on the run is woken.
        let mut ops = run_ops(&self.lock(), run_id);
        let due = match event {
            Some(e) => self.create_dispatches(&run, e, &mut ops),
            None => Vec::new(),
        };
        self.commit_and_deliver(ops, due);
        self.changes.send_modify(|v| *v += 1);
        Some(run)
    }

    /// Counts a restart of a run (`stats.restartCount`), persisted.
    pub(crate) fn restarted(&self, id: &str) {
        let mut inner = self.lock();
        if let Some(r) = inner.runs.get_mut(id) {
            let n = r.value["stats"]["restartCount"].as_u64().unwrap_or(0);
            r.value["stats"]["restartCount"] = json!(n + 1);
            self.save_run(&inner, id);
        }
    }

    /// The `delayMillis` a run's input asks of a scripted Actor.
    pub(crate) fn input_delay(&self, run: &Value) -> Option<std::time::Duration> {
        let kvs = run["defaultKeyValueStoreId"].as_str()?.to_owned();
        let inner = self.lock();
        let (_, bytes) = inner.records.get(&(kvs, "INPUT".to_owned()))?;
        let input: Value = serde_json::from_slice(bytes).ok()?;
        input["delayMillis"]
            .as_u64()
            .map(std::time::Duration::from_millis)
    }

    pub(crate) fn run(&self, id: &str) -> Option<Value> {
        self.lock().runs.get(id).map(|r| r.value.clone())
    }

    /// Fires `event` for `run`: creates, persists and starts delivering its dispatches.
    pub(crate) fn fire(self: &Arc<Self>, run: &Value, event: EventType) {
        let mut ops = Vec::new();
        let due = self.create_dispatches(run, event, &mut ops);
        self.commit_and_deliver(ops, due);
    }

    /// Queues the writes, then starts the deliveries: a delivery's own updates always queue
    /// after the dispatch's creation, even inside a [`Store::batch`].
    fn commit_and_deliver(self: &Arc<Self>, ops: Vec<Op>, due: Vec<String>) {
        self.store.submit(ops);
        let state = self.clone();
        self.store.after_submit(move || {
            for id in due {
                crate::dispatch::spawn(state.clone(), id);
            }
        });
    }

    /// Sends a TEST event to one of `user`'s webhooks, as `POST /v2/webhooks/{id}/test` does;
    /// `None` if there is no such webhook.
    pub(crate) fn test_webhook(self: &Arc<Self>, id: &str, user: &str) -> Option<DispatchRec> {
        let d = {
            let mut inner = self.lock();
            let w = inner
                .webhooks
                .get(id)
                .filter(|w| w.user_id == user)?
                .clone();
            let context = json!({
                "userId": user, "createdAt": now_iso(), "eventType": "TEST", "eventData": null,
                "resource": {"joke": "Why did the webhook cross the road? To get to the other dispatch."},
            });
            let d = self.new_dispatch(&w, "TEST", Value::Null, context, 4);
            inner.dispatches.insert(d.id.clone(), d.clone());
            d
        };
        self.commit_and_deliver(vec![dispatch_op(&d)], vec![d.id.clone()]);
        Some(d)
    }

    /// Moves a dispatch's next attempt to now: a pending retry happens at once, and a FAILED
    /// dispatch gets one more attempt (ACTIVE again). An error says why not.
    pub(crate) fn retry_now(self: &Arc<Self>, id: &str, user: &str) -> Result<(), RetryRefused> {
        let d = self
            .dispatch(id)
            .filter(|d| d.user_id == user)
            .ok_or(RetryRefused::NotFound)?;
        match d.status {
            DispatchStatus::Succeeded => Err(RetryRefused::Succeeded),
            DispatchStatus::Active => {
                let mut inner = self.lock();
                let d = inner
                    .dispatches
                    .get_mut(id)
                    .ok_or(RetryRefused::JustFinished)?;
                d.next_attempt_ms = now_ms();
                self.store.submit(vec![dispatch_op(d)]);
                drop(inner);
                self.nudge.send_modify(|n| *n += 1);
                Ok(())
            }
            DispatchStatus::Failed => {
                let mut d = d;
                d.status = DispatchStatus::Active;
                d.max_attempts = d.attempts + 1;
                d.next_attempt_ms = now_ms();
                self.lock().dispatches.insert(d.id.clone(), d.clone());
                tracing::info!(dispatch = %d.id, "retrying a failed dispatch on request");
                self.commit_and_deliver(vec![dispatch_op(&d)], vec![d.id.clone()]);
                Ok(())
            }
        }
    }

    /// Creates a dispatch for every webhook that listens to `run` and `event`, adds their
    /// writes to `ops`, and returns the ids to deliver.
    fn create_dispatches(&self, run: &Value, event: EventType, ops: &mut Vec<Op>) -> Vec<String> {
        let context = json!({
            "userId": run["userId"],
            "createdAt": now_iso(),
            "eventType": event.as_str(),
            "eventData": event_data(run),
            "resource": run,
        });
        let mut due = Vec::new();
        {
            let mut guard = self.lock();
            let candidates = guard.watching(run);
            let Inner {
                webhooks,
                dispatches,
                ..
            } = &mut *guard;
            for id in candidates {
                let Some(w) = webhooks.get_mut(&id) else {
                    continue;
                };
                let listens = w.is_enabled
                    && w.event_types.contains(&event)
                    && w.matches(run)
                    && !(w.is_ad_hoc && w.fired);
                if !listens {
                    continue;
                }
                // An ad-hoc webhook fires at most once.
                w.fired |= w.is_ad_hoc;
                ops.push(webhook_op(w));
                let mut d = self.new_dispatch(
                    w,
                    event.as_str(),
                    context["eventData"].clone(),
                    context.clone(),
                    self.config.retries + 1,
                );
                if dispatches.len() >= self.config.max_pending_dispatches {
                    refuse_over_limit(&mut d, self.config.max_pending_dispatches);
                    ops.push(dispatch_op(&d));
                    continue;
                }
                ops.push(dispatch_op(&d));
                due.push(d.id.clone());
                dispatches.insert(d.id.clone(), d);
            }
        }
        due
    }

    pub(crate) fn new_dispatch(
        &self,
        w: &WebhookRec,
        event: &str,
        event_data: Value,
        context: Value,
        max_attempts: u32,
    ) -> DispatchRec {
        DispatchRec {
            id: new_id(),
            user_id: w.user_id.clone(),
            webhook_id: w.id.clone(),
            run_id: context["resource"]["id"].as_str().map(str::to_owned),
            created_at: now_iso(),
            status: DispatchStatus::Active,
            event_type: event.to_owned(),
            event_data,
            context,
            calls: Vec::new(),
            next_attempt_ms: now_ms(),
            attempts: 0,
            max_attempts: if w.do_not_retry { 1 } else { max_attempts },
            webhook: json!({"actionType": "HTTP_REQUEST", "condition": w.condition, "requestUrl": w.request_url, "isAdHoc": w.is_ad_hoc}),
            payload: None,
            headers: Vec::new(),
        }
    }
}

/// Why "retry now" did nothing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RetryRefused {
    /// No such dispatch for this user.
    NotFound,
    /// It already succeeded.
    Succeeded,
    /// It finished between the look and the change; look again.
    JustFinished,
}

/// A run's and its log's writes.
fn run_ops(inner: &Inner, id: &str) -> Vec<Op> {
    let Some(r) = inner.runs.get(id) else {
        return Vec::new();
    };
    vec![
        Op::Put {
            kind: "run",
            id: id.to_owned(),
            body: serde_json::to_vec(&r.value).unwrap_or_default(),
        },
        Op::Put {
            kind: "log",
            id: id.to_owned(),
            body: r.log.as_bytes().to_vec(),
        },
    ]
}

pub(crate) fn webhook_op(w: &WebhookRec) -> Op {
    Op::Put {
        kind: "webhook",
        id: w.id.clone(),
        body: serde_json::to_vec(w).unwrap_or_default(),
    }
}

pub(crate) fn dispatch_op(d: &DispatchRec) -> Op {
    Op::Dispatch {
        id: d.id.clone(),
        user: d.user_id.clone(),
        webhook: d.webhook_id.clone(),
        run: d.run_id.clone(),
        status: d.status.as_str(),
        body: serde_json::to_vec(d).unwrap_or_default(),
    }
}

/// Records, instead of queueing, a dispatch beyond the pending limit: FAILED, with an error
/// that names the limit, so the event is not silently lost.
fn refuse_over_limit(d: &mut DispatchRec, limit: usize) {
    tracing::error!(dispatch = %d.id, limit, "too many pending dispatches; this one fails at once");
    d.status = DispatchStatus::Failed;
    d.calls.push(json!({
        "startedAt": now_iso(), "finishedAt": now_iso(), "responseStatus": null, "responseBody": null,
        "errorMessage": format!("Not dispatched: {limit} dispatches were already pending (the emulator's max_pending_dispatches)"),
    }));
}

/// `{actorId, actorTaskId (task runs only), actorRunId}`.
pub(crate) fn event_data(run: &Value) -> Value {
    let mut data = json!({"actorId": run["actId"]});
    if let Some(task) = run["actorTaskId"].as_str() {
        data["actorTaskId"] = json!(task);
    }
    data["actorRunId"] = run["id"].clone();
    data
}
