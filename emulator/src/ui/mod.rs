//! The emulator's web page at `/`: runs, the webhooks each carries, and every dispatch with
//! the exact payload and headers sent, each call's response, and the retry schedule, with
//! "retry now" and "test" buttons. Server-rendered HTML (maud); the only script is a few lines
//! of auto-refresh.
//!
//! It asks for the same token as the API, then keeps a random session id in an HttpOnly,
//! SameSite=Strict cookie (the token itself is never stored in the browser or shown), and only
//! ever shows the signed-in user's data.

mod pages;

use crate::state::{RetryRefused, State};
use crate::store::{DispatchFilter, Page};
use axum::Form;
use axum::Router;
use axum::extract::{FromRequestParts, Path, State as Ctx};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::sync::Arc;

type Shared = Arc<State>;

const COOKIE: &str = "apify_webhooks_session";
/// Rows shown in a list before it says how many more there are.
pub(crate) const LIST_LIMIT: usize = 200;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(runs_page))
        .route("/ui/login", post(login))
        .route("/ui/logout", post(logout))
        .route("/ui/runs/{id}", get(run_page))
        .route("/ui/webhooks", get(webhooks_page))
        .route("/ui/webhooks/{id}/test", post(test_webhook))
        .route("/ui/dispatches", get(dispatches_page))
        .route("/ui/dispatches/{id}", get(dispatch_page))
        .route("/ui/dispatches/{id}/retry", post(retry_dispatch))
}

/// The session id in the request's cookie.
fn session_id(headers: &HeaderMap) -> Option<&str> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, id)| id)
}

/// The signed-in user, from the session cookie.
fn session_user(state: &State, headers: &HeaderMap) -> Option<String> {
    state.ui_sessions().get(session_id(headers)?).cloned()
}

/// The signed-in user; pages other than `/` send a visitor without a session to sign in.
struct SignedIn(String);

impl FromRequestParts<Shared> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Response> {
        session_user(state, &parts.headers)
            .map(SignedIn)
            .ok_or_else(|| Redirect::to("/").into_response())
    }
}

/// A 128-bit session id from the operating system's random source.
fn new_session_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn html(status: StatusCode, markup: maud::Markup) -> Response {
    (status, Html(markup.into_string())).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

async fn login(Ctx(state): Ctx<Shared>, Form(form): Form<LoginForm>) -> Response {
    let Some(user) = state.config.tokens.get(form.token.trim()).cloned() else {
        return html(
            StatusCode::UNAUTHORIZED,
            pages::login(Some("That token is not valid for this emulator.")),
        );
    };
    let session = match new_session_id() {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(error = %e, "no random source for a session id");
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::login(Some(
                    "The emulator could not start a session (no random source).",
                )),
            );
        }
    };
    state.ui_sessions().insert(session.clone(), user);
    let cookie = format!("{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/");
    let mut resp = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

async fn logout(Ctx(state): Ctx<Shared>, headers: HeaderMap) -> Response {
    if let Some(session) = session_id(&headers) {
        state.ui_sessions().remove(session);
    }
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "apify_webhooks_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
        ),
    );
    resp
}

async fn runs_page(Ctx(state): Ctx<Shared>, headers: HeaderMap) -> Response {
    let Some(user) = session_user(&state, &headers) else {
        return html(StatusCode::OK, pages::login(None));
    };
    html(StatusCode::OK, pages::runs(&state, &user))
}

async fn run_page(
    Ctx(state): Ctx<Shared>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Response {
    match pages::run(&state, &user, &id) {
        Some(page) => html(StatusCode::OK, page),
        None => html(StatusCode::NOT_FOUND, pages::not_found(&user, "run", &id)),
    }
}

async fn webhooks_page(Ctx(state): Ctx<Shared>, SignedIn(user): SignedIn) -> Response {
    html(StatusCode::OK, pages::webhooks(&state, &user))
}

async fn dispatches_page(Ctx(state): Ctx<Shared>, SignedIn(user): SignedIn) -> Response {
    let filter = DispatchFilter {
        user: Some(&user),
        ..DispatchFilter::default()
    };
    let page = Page {
        offset: 0,
        limit: LIST_LIMIT,
        desc: true,
    };
    let (total, dispatches) = state.list_dispatches(&filter, page);
    html(StatusCode::OK, pages::dispatches(&user, total, &dispatches))
}

async fn dispatch_page(
    Ctx(state): Ctx<Shared>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Response {
    match state.dispatch(&id).filter(|d| d.user_id == user) {
        Some(d) => html(StatusCode::OK, pages::dispatch(&state, &user, &d)),
        None => html(
            StatusCode::NOT_FOUND,
            pages::not_found(&user, "dispatch", &id),
        ),
    }
}

async fn retry_dispatch(
    Ctx(state): Ctx<Shared>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let why = match state.retry_now(&id, &user) {
        Ok(()) => return Redirect::to(&format!("/ui/dispatches/{id}")).into_response(),
        Err(RetryRefused::NotFound) => {
            return html(
                StatusCode::NOT_FOUND,
                pages::not_found(&user, "dispatch", &id),
            );
        }
        Err(RetryRefused::Succeeded) => "it already succeeded",
        Err(RetryRefused::JustFinished) => "it finished just now; reload the page",
    };
    html(
        StatusCode::CONFLICT,
        pages::problem(&user, &format!("Not retried: {why}.")),
    )
}

async fn test_webhook(
    Ctx(state): Ctx<Shared>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Response {
    match state.test_webhook(&id, &user) {
        Some(d) => Redirect::to(&format!("/ui/dispatches/{}", d.id)).into_response(),
        None => html(
            StatusCode::NOT_FOUND,
            pages::not_found(&user, "webhook", &id),
        ),
    }
}
