//! Delivers dispatches: renders the payload and headers with the platform's template engine,
//! POSTs them with the platform's headers, records every call, and retries failures with
//! exponential backoff (±25% jitter). Each attempt is persisted before the next is scheduled,
//! so a restart resumes where it stopped, with the same dispatch id.

use crate::model::{DispatchRec, DispatchStatus, WebhookRec};
use crate::state::{State, dispatch_op, webhook_op};
use crate::time::{now_iso, now_ms};
use apify_webhooks_core::json::{self as jsjson, JsObject, JsValue};
use apify_webhooks_core::template::{self, DEFAULT_PAYLOAD_TEMPLATE, TemplateOptions};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// At most this much of a response body is kept with a call.
const MAX_RESPONSE_BODY: usize = 2048;

/// Starts (or resumes) delivering a dispatch.
pub(crate) fn spawn(state: Arc<State>, dispatch_id: String) {
    tokio::spawn(async move { deliver(state, dispatch_id).await });
}

/// What to send, rendered.
struct Request {
    body: String,
    headers: Vec<(String, String)>,
}

fn to_js(v: &Value) -> JsObject {
    jsjson::parse(&v.to_string())
        .ok()
        .and_then(JsValue::into_object)
        .unwrap_or_default()
}

fn render(webhook: &WebhookRec, context: &Value) -> Result<Request, String> {
    let options = TemplateOptions::interpolating(webhook.should_interpolate_strings);
    let ctx = to_js(context);
    let template = webhook
        .payload_template
        .as_deref()
        .unwrap_or(DEFAULT_PAYLOAD_TEMPLATE);
    let body = template::render_json(template, &ctx, options)
        .map_err(|e| e.message())?
        .unwrap_or_default();
    let mut headers = Vec::new();
    if let Some(h) = webhook
        .headers_template
        .as_deref()
        .filter(|h| !h.is_empty())
    {
        let value = template::render(h, &ctx, options)
            .map_err(|e| format!("headers template: {}", e.message()))?;
        let Some(JsValue::Object(obj)) = value.value() else {
            return Err("headers template: it must render to a JSON object".to_owned());
        };
        for (name, v) in obj.iter() {
            let name = name.to_string_lossy().into_owned();
            let JsValue::String(s) = v else {
                return Err(format!(
                    "headers template: header `{name}` did not render to a string"
                ));
            };
            let overwritten = [
                "host",
                "content-type",
                "x-apify-webhook",
                "x-apify-webhook-dispatch-id",
                "x-apify-request-origin",
            ];
            if !overwritten.contains(&name.to_ascii_lowercase().as_str()) {
                headers.push((name, s.to_string_lossy().into_owned()));
            }
        }
    }
    Ok(Request { body, headers })
}

/// The active dispatch and its webhook; `None` once it finished. A dispatch whose webhook
/// was deleted fails here, so it does not stay ACTIVE for ever.
fn snapshot(state: &State, id: &str) -> Option<(DispatchRec, WebhookRec)> {
    let mut d = state.lock().dispatches.get(id)?.clone();
    let webhook = state.lock().webhooks.get(&d.webhook_id).cloned();
    let Some(w) = webhook else {
        d.status = DispatchStatus::Failed;
        d.calls.push(json!({"startedAt": now_iso(), "finishedAt": now_iso(), "responseStatus": null, "responseBody": null,
            "errorMessage": "Not dispatched: the webhook was deleted"}));
        update(state, &d);
        return None;
    };
    Some((d, w))
}

/// Records an attempt's outcome (the dispatch, and the webhook's stats once it finished) as
/// one group of writes.
fn update(state: &State, d: &DispatchRec) {
    let mut inner = state.lock();
    let mut ops = vec![dispatch_op(d)];
    if d.status != DispatchStatus::Active {
        if let Some(w) = inner.webhooks.get_mut(&d.webhook_id) {
            w.last_dispatch = Some(json!({"status": d.status, "finishedAt": now_iso()}));
            w.total_dispatches += 1;
            ops.push(webhook_op(w));
        }
    }
    state.store.submit(ops);
    if d.status == DispatchStatus::Active {
        inner.dispatches.insert(d.id.clone(), d.clone());
    } else {
        // Finished: from now on it lives only in the store. (`swap_remove` is O(1); the
        // active set's order does not matter, lists come from the store.)
        inner.dispatches.swap_remove(&d.id);
    }
}

async fn deliver(state: Arc<State>, id: String) {
    let mut shutdown = state.shutdown.subscribe();
    let mut nudged = state.nudge.subscribe();
    loop {
        let Some((mut d, webhook)) = snapshot(&state, &id) else {
            return;
        };
        if d.status != DispatchStatus::Active || *shutdown.borrow() {
            return;
        }
        let wait = (d.next_attempt_ms - now_ms()).max(0) as u64;
        if wait > 0 {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
                _ = shutdown.changed() => return, // persisted: resumes after a restart
                // "Retry now" moved some attempt forward: look at the schedule again.
                _ = nudged.changed() => continue,
            }
        }
        // At most `max_concurrent_calls` calls at once; the rest wait their turn here.
        let Ok(_permit) = state.call_slots.acquire().await else {
            return;
        };
        // Counted from here until the outcome is persisted, so shutdown can wait for it.
        state.in_flight.send_modify(|n| *n += 1);
        let _in_flight = InFlight(&state);
        let started = now_iso();
        let mut call = json!({"startedAt": started, "finishedAt": null, "errorMessage": null, "responseStatus": null, "responseBody": null});
        let request = match render(&webhook, &d.context) {
            Ok(r) => r,
            Err(message) => {
                // The platform fails a dispatch that cannot render, without retrying.
                call["finishedAt"] = json!(now_iso());
                call["errorMessage"] = json!(format!("Failed to handle dispatch: {message}"));
                d.calls.push(call);
                d.attempts += 1;
                d.status = DispatchStatus::Failed;
                tracing::warn!(dispatch = %d.id, error = %message, "webhook payload did not render");
                update(&state, &d);
                return;
            }
        };
        // The same headers are sent and recorded (the recorded ones never hold a token).
        let headers = sent_headers(&webhook, &d, &request);
        let mut req = state
            .http
            .post(&webhook.request_url)
            .timeout(state.config.dispatch_timeout);
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        if d.payload.is_none() {
            d.payload = Some(request.body.clone());
            d.headers = headers;
        }
        if webhook.request_url.starts_with(&state.base_url) {
            // Calls to the (emulated) Apify API carry the owner's token, as on the platform.
            if let Some(token) = state.config.token_of(&webhook.user_id) {
                req = req.bearer_auth(token);
            }
        }
        let result = req.body(request.body).send().await;
        call["finishedAt"] = json!(now_iso());
        let ok = match result {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let body = kept_body(resp).await;
                let text = String::from_utf8_lossy(&body).into_owned();
                call["responseStatus"] = json!(status);
                call["responseBody"] = json!(text);
                if !(200..300).contains(&status) {
                    call["errorMessage"] =
                        json!(format!("Endpoint responded with HTTP status code {status}"));
                }
                (200..300).contains(&status)
            }
            Err(e) => {
                // reqwest's message names the URL, whose query may hold a token: leave it out.
                let e = e.without_url();
                call["errorMessage"] =
                    json!(format!("Failed to handle dispatch: {}", error_chain(&e)));
                false
            }
        };
        d.calls.push(call);
        d.attempts += 1;
        if ok {
            d.status = DispatchStatus::Succeeded;
        } else if d.attempts >= d.max_attempts {
            d.status = DispatchStatus::Failed;
        } else {
            let base = state.config.retry_base.as_millis() as f64;
            let delay = base * 2f64.powi(d.attempts as i32 - 1) * (0.75 + fastrand::f64() * 0.5);
            d.next_attempt_ms = now_ms() + delay as i64;
        }
        tracing::info!(dispatch = %d.id, attempt = d.attempts, status = ?d.status, url = %redacted(&webhook.request_url), "webhook call");
        update(&state, &d);
        // The outcome is on disk before the next attempt is scheduled.
        state.store.flushed().await;
        if d.status != DispatchStatus::Active {
            return;
        }
    }
}

/// The headers a call carries: the platform's, then the headers template's. (A call to the
/// emulator's own API also gets the owner's token, which is added apart and not recorded.)
fn sent_headers(webhook: &WebhookRec, d: &DispatchRec, r: &Request) -> Vec<(String, String)> {
    let mut headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("X-Apify-Webhook".to_owned(), webhook.id.clone()),
        ("X-Apify-Webhook-Dispatch-Id".to_owned(), d.id.clone()),
        ("X-Apify-Request-Origin".to_owned(), "WEBHOOK".to_owned()),
    ];
    headers.extend(r.headers.iter().cloned());
    headers
}

/// The first [`MAX_RESPONSE_BODY`] bytes of a response; the rest is never read (the
/// connection is dropped), so a huge or endless body costs nothing.
async fn kept_body(mut resp: reqwest::Response) -> Vec<u8> {
    let mut kept = Vec::new();
    while kept.len() < MAX_RESPONSE_BODY {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_RESPONSE_BODY - kept.len();
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    kept
}

/// Decrements the in-flight count when an attempt is done (or abandoned).
struct InFlight<'a>(&'a State);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// The URL without its query and fragment, which may carry secrets (an API token, say).
fn redacted(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        out.push_str(": ");
        out.push_str(&s.to_string());
        src = s.source();
    }
    out
}

/// Resumes every dispatch still ACTIVE (after a restart).
pub(crate) fn resume_all(state: &Arc<State>) {
    let ids: Vec<String> = {
        let inner = state.lock();
        inner
            .dispatches
            .values()
            .filter(|d| d.status == DispatchStatus::Active)
            .map(|d| d.id.clone())
            .collect()
    };
    for id in ids {
        tracing::info!(dispatch = %id, "resuming a pending dispatch");
        spawn(state.clone(), id);
    }
}
