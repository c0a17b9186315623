//! The HTTP API: the slice of `/v2` that runs and ad-hoc webhooks use, with the platform's
//! envelopes (`{"data": …}`, `{"error": {"type", "message"}}`) and status codes.

use crate::config::{ActorSpec, actor_key};
use crate::model::{DispatchRec, WebhookRec, new_id};
use crate::state::{NewRun, State, is_terminal};
use crate::store::{DispatchFilter, Page};
use crate::time::now_iso;
use apify_webhooks_core::check::check_definition;
use apify_webhooks_core::{WebhookDefinition, decode};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State as Ctx};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The platform's request limit (`MAX_PAYLOAD_SIZE_BYTES`).
pub const MAX_BODY: usize = 9_437_184;

type Shared = Arc<State>;
type Params = Query<HashMap<String, String>>;

/// An error answer: `{"error": {"type", "message"}}`.
pub(crate) struct ApiError(StatusCode, &'static str, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.0,
            Json(json!({"error": {"type": self.1, "message": self.2}})),
        )
            .into_response()
    }
}

fn not_found(what: &str) -> ApiError {
    ApiError(
        StatusCode::NOT_FOUND,
        "record-not-found",
        format!("{what} was not found"),
    )
}

fn invalid(kind: &'static str, message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, kind, message.into())
}

fn data(status: StatusCode, value: Value) -> Response {
    (status, Json(json!({ "data": value }))).into_response()
}

/// The authenticated user.
#[derive(Clone)]
pub(crate) struct User {
    pub id: String,
    pub token: String,
}

async fn auth(Ctx(state): Ctx<Shared>, mut req: Request, next: Next) -> Response {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::to_owned);
    let query_token = req.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|p| p.strip_prefix("token="))
            .map(|t| t.to_owned())
    });
    let Some(token) = bearer.or(query_token).filter(|t| !t.is_empty()) else {
        return ApiError(
            StatusCode::UNAUTHORIZED,
            "token-not-provided",
            "Authentication token was not provided".into(),
        )
        .into_response();
    };
    let Some(user) = state.config.tokens.get(&token).cloned() else {
        return ApiError(
            StatusCode::UNAUTHORIZED,
            "invalid-token",
            "Authentication token is not valid".into(),
        )
        .into_response();
    };
    req.extensions_mut().insert(User { id: user, token });
    next.run(req).await
}

/// axum answers requests its extractors reject (a path segment that is not UTF-8, a bad
/// query or form) with plain text; clients expect the platform's error envelope, so wrap it.
/// (Found by the `emulator_request` fuzz target.)
async fn envelope_rejections(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"));
    if !status.is_client_error() || !plain {
        return response;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let message = String::from_utf8_lossy(&bytes).trim().to_owned();
    let message = if message.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("Bad request")
            .to_owned()
    } else {
        message
    };
    ApiError(status, "invalid-request", message).into_response()
}

/// A change is on disk before its answer goes out: a client that saw `201` can rely on the
/// run or webhook surviving a crash. Group commit keeps this cheap under load.
async fn durable(Ctx(state): Ctx<Shared>, req: Request, next: Next) -> Response {
    let changes = req.method() != Method::GET && req.method() != Method::HEAD;
    let response = next.run(req).await;
    if changes {
        state.store.flushed().await;
    }
    response
}

/// The body, or the platform's answer when it is too large or unreadable.
fn body(result: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    result.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request-too-large",
                format!("The request body is larger than {MAX_BODY} bytes"),
            )
        } else {
            ApiError(
                StatusCode::BAD_REQUEST,
                "invalid-request",
                format!("Cannot read the request body: {e}"),
            )
        }
    })
}

pub(crate) fn router(state: Shared) -> Router {
    let run_routes = |prefix: &str, task: bool| {
        let p = |s: &str| format!("{prefix}/{{id}}{s}");
        Router::new()
            .route(
                &p("/runs"),
                post(move |c, u, pa, q, h, b| start(c, u, pa, q, h, b, task, Mode::Runs)),
            )
            .route(
                &p("/run-sync"),
                post(move |c, u, pa, q, h, b| start(c, u, pa, q, h, b, task, Mode::Sync))
                    .get(move |c, u, pa, q, h, b| start(c, u, pa, q, h, b, task, Mode::Sync)),
            )
            .route(
                &p("/run-sync-get-dataset-items"),
                post(move |c, u, pa, q, h, b| start(c, u, pa, q, h, b, task, Mode::SyncItems))
                    .get(move |c, u, pa, q, h, b| start(c, u, pa, q, h, b, task, Mode::SyncItems)),
            )
    };
    let api = Router::new()
        .merge(run_routes("/v2/actors", false))
        .merge(run_routes("/v2/acts", false))
        .merge(run_routes("/v2/actor-tasks", true))
        .route("/v2/actors/{id}", get(get_actor))
        .route("/v2/acts/{id}", get(get_actor))
        .route("/v2/actor-runs", get(list_runs))
        .route("/v2/actor-runs/{id}", get(get_run))
        .route("/v2/actor-runs/{id}/abort", post(abort_run))
        .route("/v2/actor-runs/{id}/resurrect", post(resurrect_run))
        .route("/v2/actor-runs/{id}/log", get(run_log))
        .route("/v2/logs/{id}", get(run_log))
        .route("/v2/webhooks", post(create_webhook).get(list_webhooks))
        .route("/v2/webhooks/{id}", get(get_webhook).delete(delete_webhook))
        .route("/v2/webhooks/{id}/test", post(test_webhook))
        .route("/v2/webhooks/{id}/dispatches", get(webhook_dispatches))
        .route("/v2/webhook-dispatches", get(list_dispatches))
        .route("/v2/webhook-dispatches/{id}", get(get_dispatch))
        .route(
            "/v2/key-value-stores/{store}/records/{key}",
            get(get_record).put(put_record).post(put_record),
        )
        .route("/v2/datasets/{id}/items", get(get_items).post(push_items))
        .route(
            "/v2/key-value-stores",
            post(|c, u, q| open_storage(c, u, q, "key-value-stores")),
        )
        .route(
            "/v2/key-value-stores/{id}",
            get(|c, u, p| get_storage(c, u, p, "key-value-stores")),
        )
        .route(
            "/v2/datasets",
            post(|c, u, q| open_storage(c, u, q, "datasets")),
        )
        .route(
            "/v2/datasets/{id}",
            get(|c, u, p| get_storage(c, u, p, "datasets")),
        )
        .route("/v2/users/me", get(me))
        .layer(middleware::from_fn_with_state(state.clone(), auth));
    Router::new()
        .merge(api)
        .merge(crate::ui::router())
        .layer(middleware::from_fn_with_state(state.clone(), durable))
        .layer(middleware::from_fn(envelope_rejections))
        .method_not_allowed_fallback(|method: Method, uri: axum::http::Uri| async move {
            ApiError(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                format!("{method} is not allowed on {}", uri.path()),
            )
        })
        .fallback(|method: Method, uri: axum::http::Uri| async move {
            ApiError(
                StatusCode::NOT_FOUND,
                "page-not-found",
                format!("{method} {} is not part of the emulated API", uri.path()),
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower_http::decompression::RequestDecompressionLayer::new())
        .with_state(state)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Runs,
    Sync,
    SyncItems,
}

fn flag(v: Option<&String>) -> bool {
    matches!(v.map(String::as_str), Some("1" | "true"))
}

fn number<T: std::str::FromStr>(
    params: &HashMap<String, String>,
    key: &str,
) -> Result<Option<T>, ApiError> {
    match params.get(key) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            invalid(
                "invalid-input",
                format!("The `{key}` parameter must be a number, got `{v}`"),
            )
        }),
    }
}

/// Decodes and checks the `webhooks` run parameter; any problem is a 400 and nothing is created.
fn run_webhooks(param: Option<&String>) -> Result<Vec<WebhookDefinition>, ApiError> {
    let Some(param) = param else {
        return Ok(Vec::new());
    };
    let defs = decode::from_param(param).map_err(|e| {
        invalid(
            "invalid-input",
            format!("Invalid `webhooks` parameter: {e}"),
        )
    })?;
    for (i, d) in defs.iter().enumerate() {
        if let Err(errors) = check_definition(&d.as_def(), true) {
            return Err(invalid(
                "schema-validation",
                format!("Invalid `webhooks` parameter: webhook {i}: {errors}"),
            ));
        }
    }
    Ok(defs)
}

#[allow(clippy::too_many_arguments)]
async fn start(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
    Query(params): Params,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
    task: bool,
    mode: Mode,
) -> Result<Response, ApiError> {
    let raw = body(raw)?;
    let id = actor_key(&id);
    let (actor_id, task_id) = if task {
        let actor = state
            .config
            .tasks
            .get(&id)
            .cloned()
            .ok_or_else(|| not_found("Actor task"))?;
        (actor, Some(id))
    } else {
        (id, None)
    };
    let spec = state
        .config
        .actors
        .get(&actor_id)
        .cloned()
        .ok_or_else(|| not_found("Actor"))?;
    let defs = run_webhooks(params.get("webhooks"))?;
    let timeout = number::<u64>(&params, "timeout")?
        .filter(|t| *t > 0)
        .unwrap_or(state.config.run_timeout.as_secs());
    let memory = number::<u64>(&params, "memory")?.unwrap_or(1024);
    let wait = number::<u64>(&params, "waitForFinish")?
        .unwrap_or(0)
        .min(60);
    let build = params
        .get("build")
        .cloned()
        .unwrap_or_else(|| "latest".to_owned());
    let input: Option<Value> =
        if raw.is_empty() {
            None
        } else {
            Some(serde_json::from_slice(&raw).map_err(|e| {
                invalid("invalid-input", format!("The input is not valid JSON: {e}"))
            })?)
        };
    // The run, its input, its webhooks and the CREATED dispatches commit together.
    let run_id = state.store.batch(|| {
        let run = state.create_run(NewRun {
            actor_id: &actor_id,
            task_id: task_id.as_deref(),
            user_id: &user.id,
            timeout_secs: timeout,
            memory_mbytes: memory,
            build: &build,
        });
        let run_id = run["id"].as_str().unwrap_or_default().to_owned();
        if !raw.is_empty() {
            let kvs = run["defaultKeyValueStoreId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let ct = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json")
                .to_owned();
            let record = (ct, raw.to_vec());
            state.save_record(&kvs, "INPUT", &record);
            state
                .lock()
                .records
                .insert((kvs, "INPUT".to_owned()), record);
        }
        for d in defs {
            register(&state, &user, d, json!({"actorRunId": run_id}), true);
        }
        state.fire(&run, apify_webhooks_core::EventType::ActorRunCreated);
        run_id
    });
    let delay = input
        .as_ref()
        .and_then(|i| i["delayMillis"].as_u64())
        .map(Duration::from_millis);
    crate::runner::spawn(
        state.clone(),
        run_id.clone(),
        spec,
        user.token.clone(),
        Duration::from_secs(timeout),
        delay,
    );
    match mode {
        Mode::Runs => {
            let run = wait_for(&state, &run_id, Duration::from_secs(wait)).await;
            Ok(data(StatusCode::CREATED, run))
        }
        Mode::Sync | Mode::SyncItems => {
            let run = wait_for(&state, &run_id, Duration::from_secs(300)).await;
            let status = run["status"].as_str().unwrap_or_default();
            if status != "SUCCEEDED" {
                return Err(ApiError(
                    StatusCode::BAD_REQUEST,
                    "run-failed",
                    format!("Actor run did not succeed (run ID: {run_id}, status: {status})"),
                ));
            }
            let inner = state.lock();
            if mode == Mode::SyncItems {
                let ds = run["defaultDatasetId"].as_str().unwrap_or_default();
                let items = inner.datasets.get(ds).cloned().unwrap_or_default();
                return Ok((StatusCode::CREATED, Json(Value::Array(items))).into_response());
            }
            let kvs = run["defaultKeyValueStoreId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            Ok(match inner.records.get(&(kvs, "OUTPUT".to_owned())) {
                Some((ct, bytes)) => (
                    StatusCode::CREATED,
                    [(header::CONTENT_TYPE, ct.clone())],
                    bytes.clone(),
                )
                    .into_response(),
                None => (StatusCode::CREATED, Json(Value::Null)).into_response(),
            })
        }
    }
}

/// Waits until the run is finished or `wait` has passed; returns the run.
async fn wait_for(state: &Shared, run_id: &str, wait: Duration) -> Value {
    let deadline = Instant::now() + wait;
    let mut changes = state.changes.subscribe();
    loop {
        let run = state.run(run_id).unwrap_or(Value::Null);
        let left = deadline.saturating_duration_since(Instant::now());
        if is_terminal(run["status"].as_str().unwrap_or("")) || left.is_zero() {
            return run;
        }
        let _ = tokio::time::timeout(left, changes.changed()).await;
    }
}

/// Stores a webhook, or returns the user's existing one with the same idempotency key.
fn register(
    state: &Shared,
    user: &User,
    def: WebhookDefinition,
    condition: Value,
    ad_hoc: bool,
) -> (WebhookRec, bool) {
    let mut inner = state.lock();
    if let Some(key) = &def.idempotency_key {
        if let Some(existing) = inner.keyed_webhook(&user.id, key) {
            return (existing.clone(), false);
        }
    }
    let now = now_iso();
    let w = WebhookRec {
        id: new_id(),
        user_id: user.id.clone(),
        created_at: now.clone(),
        modified_at: now,
        is_ad_hoc: ad_hoc,
        event_types: def.event_types,
        condition,
        request_url: def.request_url,
        payload_template: def.payload_template,
        headers_template: def.headers_template,
        description: def.description,
        idempotency_key: def.idempotency_key,
        should_interpolate_strings: def.should_interpolate_strings.unwrap_or(false),
        ignore_ssl_errors: def.ignore_ssl_errors.unwrap_or(false),
        do_not_retry: def.do_not_retry.unwrap_or(false),
        is_enabled: true,
        fired: false,
        last_dispatch: None,
        total_dispatches: 0,
    };
    state.save_webhook(&w);
    inner.add_webhook(w.clone());
    tracing::info!(webhook = %w.id, ad_hoc, "webhook created");
    (w, true)
}

async fn create_webhook(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let raw = body(raw)?;
    let mut value: Value = serde_json::from_slice(&raw).map_err(|e| {
        invalid(
            "invalid-request",
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    let Some(obj) = value.as_object_mut() else {
        return Err(invalid(
            "schema-validation",
            "The request body must be a JSON object",
        ));
    };
    let condition = obj.remove("condition").unwrap_or(Value::Null);
    let ad_hoc = obj
        .remove("isAdHoc")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    for ignored in ["isEnabled", "title", "actionType"] {
        obj.remove(ignored);
    }
    let cond = condition.as_object().filter(|c| {
        c.len() == 1
            && ["actorRunId", "actorId", "actorTaskId"]
                .iter()
                .any(|k| c.get(*k).is_some_and(Value::is_string))
    });
    let Some(cond) = cond else {
        return Err(invalid(
            "schema-validation",
            "Webhook condition isn't valid.",
        ));
    };
    if ad_hoc && !cond.contains_key("actorRunId") {
        return Err(invalid(
            "schema-validation",
            "Ad hoc webhook can only be set for Actor runs.",
        ));
    }
    // A webhook may only watch the user's own runs.
    if let Some(id) = cond.get("actorRunId").and_then(Value::as_str) {
        own_run(&state, &user, id)?;
    }
    if let Some(id) = cond.get("actorId").and_then(Value::as_str) {
        if !state.config.actors.contains_key(&actor_key(id)) {
            return Err(not_found("Actor"));
        }
    }
    if let Some(id) = cond.get("actorTaskId").and_then(Value::as_str) {
        if !state.config.tasks.contains_key(&actor_key(id)) {
            return Err(not_found("Actor task"));
        }
    }
    let text = serde_json::to_string(&value).unwrap_or_default();
    let js = apify_webhooks_core::json::parse(&text)
        .map_err(|e| invalid("schema-validation", e.to_string()))?;
    let def = decode::definition(&js, 0).map_err(|e| {
        invalid(
            "schema-validation",
            e.to_string().trim_start_matches("webhook 0: ").to_owned(),
        )
    })?;
    if let Err(errors) = check_definition(&def.as_def(), ad_hoc) {
        return Err(invalid("schema-validation", errors.to_string()));
    }
    let (w, _) = register(&state, &user, def, condition, ad_hoc);
    let mut resp = data(StatusCode::CREATED, w.to_api(true));
    if let Ok(v) = HeaderValue::from_str(&format!("{}/v2/webhooks/{}", state.base_url, w.id)) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// `offset`, `limit` (at most 1,000) and `desc` from the query.
fn page(params: &HashMap<String, String>) -> Page {
    let number = |k: &str| params.get(k).and_then(|v| v.parse::<usize>().ok());
    Page {
        offset: number("offset").unwrap_or(0),
        limit: number("limit").unwrap_or(1000).min(1000),
        desc: flag(params.get("desc")),
    }
}

/// A list answer for one page out of `total`.
fn list_answer(page: Page, total: usize, items: Vec<Value>) -> Response {
    let Page {
        offset,
        limit,
        desc,
    } = page;
    data(
        StatusCode::OK,
        json!({"total": total, "offset": offset, "limit": limit, "count": items.len(), "desc": desc, "items": items}),
    )
}

/// A list answer from every item (kept in memory: runs and webhooks).
fn list(params: &HashMap<String, String>, mut items: Vec<Value>) -> Response {
    let page = page(params);
    if page.desc {
        items.reverse();
    }
    let total = items.len();
    let items = items
        .into_iter()
        .skip(page.offset)
        .take(page.limit)
        .collect();
    list_answer(page, total, items)
}

/// A list answer of dispatches, read from the store one page at a time.
fn dispatch_list(
    state: &State,
    filter: &DispatchFilter<'_>,
    params: &HashMap<String, String>,
) -> Response {
    let page = page(params);
    let (total, items) = state.list_dispatches(filter, page);
    list_answer(page, total, items.iter().map(DispatchRec::to_api).collect())
}

async fn list_webhooks(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Query(p): Params,
) -> Response {
    let inner = state.lock();
    let items = inner
        .webhooks
        .values()
        .filter(|w| w.user_id == user.id)
        .map(|w| w.to_api(false))
        .collect();
    list(&p, items)
}

async fn get_webhook(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let inner = state.lock();
    let w = inner
        .webhooks
        .get(&id)
        .filter(|w| w.user_id == user.id)
        .ok_or_else(|| not_found("Webhook"))?;
    Ok(data(StatusCode::OK, w.to_api(true)))
}

async fn delete_webhook(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut inner = state.lock();
    if inner.webhooks.get(&id).is_none_or(|w| w.user_id != user.id) {
        return Err(not_found("Webhook"));
    }
    inner.remove_webhook(&id);
    state.store.delete("webhook", &id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn test_webhook(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let d = state
        .test_webhook(&id, &user.id)
        .ok_or_else(|| not_found("Webhook"))?;
    Ok(data(StatusCode::CREATED, d.to_api()))
}

async fn list_dispatches(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Query(p): Params,
) -> Response {
    let filter = DispatchFilter {
        user: Some(&user.id),
        ..DispatchFilter::default()
    };
    dispatch_list(&state, &filter, &p)
}

async fn webhook_dispatches(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
    Query(p): Params,
) -> Result<Response, ApiError> {
    let owned = state
        .lock()
        .webhooks
        .get(&id)
        .is_some_and(|w| w.user_id == user.id);
    if !owned {
        return Err(not_found("Webhook"));
    }
    let filter = DispatchFilter {
        user: Some(&user.id),
        webhook: Some(&id),
        ..DispatchFilter::default()
    };
    Ok(dispatch_list(&state, &filter, &p))
}

async fn get_dispatch(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let d = state
        .dispatch(&id)
        .filter(|d| d.user_id == user.id)
        .ok_or_else(|| not_found("Webhook dispatch"))?;
    Ok(data(StatusCode::OK, d.to_api()))
}

fn own_run(state: &Shared, user: &User, id: &str) -> Result<Value, ApiError> {
    state
        .run(id)
        .filter(|r| r["userId"] == user.id.as_str())
        .ok_or_else(|| not_found("Actor run"))
}

async fn get_run(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
    Query(p): Params,
) -> Result<Response, ApiError> {
    own_run(&state, &user, &id)?;
    let wait = number::<u64>(&p, "waitForFinish")?.unwrap_or(0).min(60);
    Ok(data(
        StatusCode::OK,
        wait_for(&state, &id, Duration::from_secs(wait)).await,
    ))
}

async fn list_runs(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Query(p): Params,
) -> Response {
    let inner = state.lock();
    let items = inner
        .runs
        .values()
        .filter(|r| r.value["userId"] == user.id.as_str())
        .map(|r| r.value.clone())
        .collect();
    list(&p, items)
}

async fn abort_run(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let run = own_run(&state, &user, &id)?;
    if is_terminal(run["status"].as_str().unwrap_or("")) {
        return Ok(data(StatusCode::OK, run));
    }
    let run = state.set_status(&id, "ABORTING", None).unwrap_or(run);
    if let Some(r) = state.lock().runs.get(&id) {
        r.abort.notify_one();
    }
    Ok(data(StatusCode::OK, run))
}

async fn resurrect_run(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let run = own_run(&state, &user, &id)?;
    if !is_terminal(run["status"].as_str().unwrap_or("")) {
        return Err(invalid(
            "invalid-request",
            "Only a finished run can be resurrected",
        ));
    }
    let actor = run["actId"].as_str().unwrap_or_default().to_owned();
    let spec = state
        .config
        .actors
        .get(&actor)
        .cloned()
        .unwrap_or(ActorSpec::Scripted {
            outcome: crate::config::Outcome::Succeed,
            delay: Duration::from_millis(100),
        });
    let timeout = run["options"]["timeoutSecs"].as_u64().unwrap_or(3600);
    let run = state.set_status(&id, "RUNNING", None).unwrap_or(run);
    crate::runner::spawn(
        state.clone(),
        id.clone(),
        spec,
        user.token.clone(),
        Duration::from_secs(timeout),
        None,
    );
    Ok(data(StatusCode::OK, run))
}

async fn run_log(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    own_run(&state, &user, &id)?;
    let log = state
        .lock()
        .runs
        .get(&id)
        .map(|r| r.log.clone())
        .unwrap_or_default();
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], log).into_response())
}

async fn get_actor(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = actor_key(&id);
    let spec = state
        .config
        .actors
        .get(&id)
        .ok_or_else(|| not_found("Actor"))?;
    let (username, name) = id.split_once('~').unwrap_or(("local", &id));
    let kind = match spec {
        ActorSpec::Scripted { .. } => "scripted",
        ActorSpec::Command { .. } => "command",
    };
    let epoch = crate::time::iso(0);
    Ok(data(
        StatusCode::OK,
        json!({
            "id": id, "userId": user.id, "name": name, "username": username,
            "description": format!("a local {kind} Actor"), "isPublic": false,
            "createdAt": epoch, "modifiedAt": epoch, "stats": {}, "versions": [],
            "defaultRunOptions": {"build": "latest", "timeoutSecs": state.config.run_timeout.as_secs(), "memoryMbytes": 1024},
        }),
    ))
}

/// A storage object (key-value store or dataset) as the API returns it.
fn storage_object(state: &State, kind: &str, id: &str, name: Option<&str>, user: &str) -> Value {
    let now = now_iso();
    let mut v = json!({
        "id": id, "name": name, "userId": user, "createdAt": now, "modifiedAt": now, "accessedAt": now,
        "consoleUrl": format!("{}/storage/{kind}/{id}", state.base_url),
    });
    if kind == "datasets" {
        let count = state.lock().datasets.get(id).map_or(0, Vec::len);
        v["itemCount"] = json!(count);
        v["cleanItemCount"] = json!(count);
        v["itemsPublicUrl"] = json!(format!("{}/v2/datasets/{id}/items", state.base_url));
    } else {
        v["keysPublicUrl"] = json!(format!("{}/v2/key-value-stores/{id}/keys", state.base_url));
        v["recordsPublicUrl"] = json!(format!(
            "{}/v2/key-value-stores/{id}/records",
            state.base_url
        ));
    }
    v
}

/// Whose a storage is: a run's default storages are the run's user's, a named one's id says
/// whose it is (`named~{user}~{name}`); other ids belong to no one yet.
fn storage_owner(state: &State, id: &str) -> Option<String> {
    if let Some(rest) = id.strip_prefix("named~") {
        return rest.split_once('~').map(|(user, _)| user.to_owned());
    }
    state.lock().storage_owner(id).map(str::to_owned)
}

/// A storage `user` may use: a well-formed id that is not someone else's.
fn own_storage(state: &State, user: &User, id: &str, what: &str) -> Result<(), ApiError> {
    let well_formed = !id.is_empty()
        && id.len() <= 200
        && !id.contains("..")
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'~' | b'-' | b'_' | b'.'));
    if !well_formed {
        return Err(invalid(
            "invalid-parameter",
            format!("{what} id {id:?} is not valid: use letters, digits, `~`, `-`, `_` and `.`"),
        ));
    }
    match storage_owner(state, id) {
        Some(owner) if owner != user.id => Err(not_found(what)),
        _ => Ok(()),
    }
}

/// Storages exist as soon as they are named: a run's default storages, or any id.
async fn get_storage(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
    kind: &'static str,
) -> Result<Response, ApiError> {
    own_storage(&state, &user, &id, "Storage")?;
    Ok(data(
        StatusCode::OK,
        storage_object(&state, kind, &id, None, &user.id),
    ))
}

/// `POST /v2/{kind}?name=…`: get or create a named storage (the id is derived from the name).
async fn open_storage(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Query(p): Params,
    kind: &'static str,
) -> Response {
    let name = p.get("name").cloned();
    // Named storages are per user: the same name is a different storage for someone else.
    let id = match &name {
        Some(n) => format!("named~{}~{}", user.id, n.replace('/', "~")),
        None => new_id(),
    };
    data(
        StatusCode::CREATED,
        storage_object(&state, kind, &id, name.as_deref(), &user.id),
    )
}

async fn get_record(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path((store, key)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    own_storage(&state, &user, &store, "Key-value store")?;
    let inner = state.lock();
    let (ct, bytes) = inner
        .records
        .get(&(store, key))
        .ok_or_else(|| not_found("Record"))?;
    Ok(([(header::CONTENT_TYPE, ct.clone())], bytes.clone()).into_response())
}

async fn put_record(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path((store, key)): Path<(String, String)>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    own_storage(&state, &user, &store, "Key-value store")?;
    let raw = body(raw)?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let record = (ct, raw.to_vec());
    state.save_record(&store, &key, &record);
    state.lock().records.insert((store, key), record);
    Ok(StatusCode::CREATED.into_response())
}

async fn get_items(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    own_storage(&state, &user, &id, "Dataset")?;
    let items = state.lock().datasets.get(&id).cloned().unwrap_or_default();
    Ok(Json(Value::Array(items)).into_response())
}

async fn push_items(
    Ctx(state): Ctx<Shared>,
    Extension(user): Extension<User>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    own_storage(&state, &user, &id, "Dataset")?;
    let raw = body(raw)?;
    let value: Value = serde_json::from_slice(&raw).map_err(|e| {
        invalid(
            "invalid-input",
            format!("The items are not valid JSON: {e}"),
        )
    })?;
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    let mut inner = state.lock();
    inner.datasets.entry(id.clone()).or_default().extend(items);
    state.save_dataset(&inner, &id);
    Ok(StatusCode::CREATED.into_response())
}

async fn me(Extension(user): Extension<User>) -> Response {
    data(StatusCode::OK, json!({"id": user.id, "username": user.id}))
}
