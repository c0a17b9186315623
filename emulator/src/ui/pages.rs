//! The page markup. Everything shown is escaped by maud; URLs have `token` query values
//! blanked, since a webhook URL may carry an API token.

use super::LIST_LIMIT;
use crate::model::{DispatchRec, DispatchStatus, WebhookRec};
use crate::state::State;
use crate::store::{DispatchFilter, Page};
use crate::time::{iso, now_ms, parse_iso};
use apify_webhooks_core::json;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

const STYLE: &str = include_str!("style.css");

/// Reloads the page every 2 s while the box is ticked (remembered per browser).
const AUTO_REFRESH: &str = "const box = document.getElementById('live');\
box.checked = localStorage.getItem('live') !== 'off';\
box.onchange = () => localStorage.setItem('live', box.checked ? 'on' : 'off');\
setInterval(() => { if (box.checked && !document.hidden) location.reload(); }, 2000);";

fn layout(title: &str, user: Option<&str>, live: bool, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Apify webhooks emulator" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    a.brand href="/" { "Apify webhooks emulator" }
                    @if let Some(user) = user {
                        nav {
                            a href="/" { "Runs" }
                            a href="/ui/webhooks" { "Webhooks" }
                            a href="/ui/dispatches" { "Dispatches" }
                        }
                        span.spacer {}
                        @if live {
                            label.live { input #live type="checkbox"; " auto-refresh" }
                        }
                        span.user { "user " code { (user) } }
                        form.inline method="post" action="/ui/logout" { button.link type="submit" { "Sign out" } }
                    }
                }
                main { (body) }
                @if live && user.is_some() {
                    script { (PreEscaped(AUTO_REFRESH)) }
                }
            }
        }
    }
}

fn badge(status: &str) -> Markup {
    html! { span class={ "badge s-" (status) } { (status) } }
}

fn time(ts: &Value) -> Markup {
    match ts.as_str() {
        Some(t) => html! { time datetime=(t) { (t.replace('T', " ").trim_end_matches('Z')) } },
        None => html! { span.muted { "—" } },
    }
}

/// A URL with every `token=` query value blanked.
fn shown_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("token") => format!("{k}=…"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}

/// Pretty JSON with JavaScript's number printing and key order; other text as it is.
fn pretty(text: &str) -> String {
    json::parse(text).map_or_else(|_| text.to_owned(), |v| json::stringify_pretty(&v, 2))
}

pub(crate) fn login(error: Option<&str>) -> Markup {
    layout(
        "Sign in",
        None,
        false,
        html! {
            section.card.narrow {
                h1 { "Sign in" }
                p { "Enter the API token this emulator accepts (the one "
                    code { "apify-webhooks serve" } " printed, or your " code { "APIFY_TOKEN" } ")." }
                @if let Some(e) = error { p.error { (e) } }
                form method="post" action="/ui/login" {
                    label for="token" { "API token" }
                    input #token type="password" name="token" autocomplete="off" required autofocus;
                    button type="submit" { "Sign in" }
                }
            }
        },
    )
}

pub(crate) fn not_found(user: &str, what: &str, id: &str) -> Markup {
    problem(user, &format!("There is no {what} {id} for this user."))
}

pub(crate) fn problem(user: &str, message: &str) -> Markup {
    layout(
        "Not available",
        Some(user),
        false,
        html! { section.card { p.error { (message) } p { a href="/" { "Back to the runs" } } } },
    )
}

fn dispatch_counts(c: [usize; 3]) -> Markup {
    html! {
        @if c == [0, 0, 0] { span.muted { "none" } }
        @if c[1] > 0 { span class="count s-SUCCEEDED" title="succeeded" { "✓ " (c[1]) } }
        @if c[2] > 0 { span class="count s-FAILED" title="failed" { "✗ " (c[2]) } }
        @if c[0] > 0 { span class="count s-ACTIVE" title="pending" { "⏳ " (c[0]) } }
    }
}

pub(crate) fn runs(state: &State, user: &str) -> Markup {
    // Per run: its (ACTIVE, SUCCEEDED, FAILED) dispatches, in one query.
    let counts = state.store.dispatch_counts(user);
    let inner = state.lock();
    let mine: Vec<&Value> = inner
        .runs
        .values()
        .map(|r| &r.value)
        .filter(|r| r["userId"] == user)
        .collect();
    let total = mine.len();
    let rows: Vec<(&Value, usize)> = mine
        .into_iter()
        .rev()
        .take(LIST_LIMIT)
        .map(|run| {
            let hooks = inner
                .watching(run)
                .iter()
                .filter_map(|id| inner.webhooks.get(id))
                .filter(|w| w.user_id == user && w.matches(run))
                .count();
            (run, hooks)
        })
        .collect();
    let body = html! {
        h1 { "Runs" }
        @if total == 0 {
            section.card { p { "No runs yet. Start one with the API, e.g. "
                code { "POST /v2/acts/scripted~succeeds/runs?webhooks=…" } "." } }
        } @else {
            @if total > LIST_LIMIT { p.muted { "The newest " (LIST_LIMIT) " of " (total) " runs." } }
            table {
                thead { tr { th { "Run" } th { "Actor" } th { "Status" } th { "Started" } th { "Finished" } th.num { "Webhooks" } th { "Dispatches" } } }
                tbody {
                    @for (run, hooks) in &rows {
                        @let id = run["id"].as_str().unwrap_or("");
                        tr {
                            td { a href={ "/ui/runs/" (id) } { code { (id) } } }
                            td { (run["actId"].as_str().unwrap_or("")) @if let Some(t) = run["actorTaskId"].as_str() { br; span.muted { "task " (t) } } }
                            td { (badge(run["status"].as_str().unwrap_or(""))) }
                            td { (time(&run["startedAt"])) }
                            td { (time(&run["finishedAt"])) }
                            td.num { (hooks) }
                            td { (dispatch_counts(counts.get(id).copied().unwrap_or([0; 3]))) }
                        }
                    }
                }
            }
        }
    };
    drop(inner);
    layout("Runs", Some(user), true, body)
}

fn webhook_table(webhooks: &[WebhookRec]) -> Markup {
    html! {
        @if webhooks.is_empty() {
            p.muted { "No webhooks." }
        } @else {
            @for w in webhooks {
                article.card.webhook {
                    div.row {
                        h3 { code { (w.id) } }
                        @if w.is_ad_hoc { span.tag { "ad hoc" } @if w.fired { span.tag { "fired" } } }
                        span.spacer {}
                        form.inline method="post" action={ "/ui/webhooks/" (w.id) "/test" } {
                            button type="submit" title="Send a TEST event, as POST /v2/webhooks/{id}/test does" { "Test" }
                        }
                    }
                    dl {
                        dt { "Event types" } dd { @for e in &w.event_types { code.event { (e.as_str()) } " " } }
                        dt { "Request URL" } dd { code { (shown_url(&w.request_url)) } }
                        dt { "Condition" } dd { code { (w.condition.to_string()) } }
                        dt { "Idempotency key" } dd { @if let Some(k) = &w.idempotency_key { code { (k) } } @else { span.muted { "none" } } }
                        @if let Some(d) = &w.description { dt { "Description" } dd { (d) } }
                        dt { "Options" } dd {
                            "interpolate strings: " (w.should_interpolate_strings)
                            ", do not retry: " (w.do_not_retry)
                            ", ignore SSL errors: " (w.ignore_ssl_errors)
                        }
                        dt { "Payload template" } dd { @match &w.payload_template {
                            Some(t) => pre.scroll { (t) },
                            None => span.muted { "the default template" },
                        } }
                        @if let Some(h) = w.headers_template.as_deref().filter(|h| !h.is_empty()) {
                            dt { "Headers template" } dd { pre.scroll { (h) } }
                        }
                    }
                }
            }
        }
    }
}

fn dispatch_table(dispatches: &[DispatchRec]) -> Markup {
    html! {
        @if dispatches.is_empty() {
            p.muted { "No dispatches." }
        } @else {
            table {
                thead { tr { th { "Dispatch" } th { "Event" } th { "Status" } th { "Created" } th.num { "Attempts" } th { "Last response" } th { "URL" } } }
                tbody {
                    @for d in dispatches {
                        @let last = d.calls.last();
                        tr {
                            td { a href={ "/ui/dispatches/" (d.id) } { code { (d.id) } } }
                            td { code.event { (d.event_type) } }
                            td { (badge(d.status.as_str())) }
                            td { (time(&Value::String(d.created_at.clone()))) }
                            td.num { (d.attempts) " / " (d.max_attempts) }
                            td { @match last {
                                Some(c) => { (response_summary(c)) },
                                None => span.muted { "not called yet" },
                            } }
                            td { code.url { (shown_url(d.webhook["requestUrl"].as_str().unwrap_or(""))) } }
                        }
                    }
                }
            }
        }
    }
}

fn response_summary(call: &Value) -> Markup {
    html! {
        @match call["responseStatus"].as_u64() {
            Some(s) => span class={ "http " @if (200..300).contains(&s) { "ok" } @else { "bad" } } { (s) },
            None => span.http.bad { "no response" },
        }
        @if let Some(e) = call["errorMessage"].as_str() { " " span.muted { (e) } }
    }
}

pub(crate) fn run(state: &State, user: &str, id: &str) -> Option<Markup> {
    let run = state.run(id).filter(|r| r["userId"] == user)?;
    let (webhooks, log): (Vec<WebhookRec>, String) = {
        let inner = state.lock();
        let hooks = inner
            .watching(&run)
            .iter()
            .filter_map(|id| inner.webhooks.get(id))
            .filter(|w| w.user_id == user && w.matches(&run))
            .cloned()
            .collect();
        let log = inner
            .runs
            .get(id)
            .map(|r| r.log.clone())
            .unwrap_or_default();
        (hooks, log)
    };
    let filter = DispatchFilter {
        user: Some(user),
        run: Some(id),
        ..DispatchFilter::default()
    };
    let (_, dispatches) = state.list_dispatches(&filter, Page::ALL);
    let live = !crate::state::is_terminal(run["status"].as_str().unwrap_or(""))
        || dispatches
            .iter()
            .any(|d| d.status == DispatchStatus::Active);
    let tail: Vec<&str> = log.lines().rev().take(40).collect();
    let body = html! {
        p.crumbs { a href="/" { "Runs" } " / " code { (id) } }
        section.card {
            div.row { h1 { "Run " code { (id) } } (badge(run["status"].as_str().unwrap_or(""))) }
            dl.grid {
                dt { "Actor" } dd { (run["actId"].as_str().unwrap_or("")) }
                @if let Some(t) = run["actorTaskId"].as_str() { dt { "Task" } dd { (t) } }
                dt { "Started" } dd { (time(&run["startedAt"])) }
                dt { "Finished" } dd { (time(&run["finishedAt"])) }
                dt { "Exit code" } dd { (run["exitCode"].to_string()) }
                @if let Some(m) = run["statusMessage"].as_str() { dt { "Status message" } dd { (m) } }
            }
        }
        h2 { "Webhooks (" (webhooks.len()) ")" }
        (webhook_table(&webhooks))
        h2 { "Dispatches (" (dispatches.len()) ")" }
        (dispatch_table(&dispatches))
        h2 { "Log (last " (tail.len()) " lines)" }
        @if tail.is_empty() { p.muted { "Empty." } } @else {
            pre.scroll.log { @for line in tail.iter().rev() { (line) "\n" } }
        }
    };
    Some(layout(&format!("Run {id}"), Some(user), live, body))
}

pub(crate) fn webhooks(state: &State, user: &str) -> Markup {
    let webhooks: Vec<WebhookRec> = state
        .lock()
        .webhooks
        .values()
        .filter(|w| w.user_id == user)
        .rev()
        .take(LIST_LIMIT)
        .cloned()
        .collect();
    layout(
        "Webhooks",
        Some(user),
        false,
        html! {
            h1 { "Webhooks" }
            p.muted { "Newest first. Ad-hoc webhooks are also listed on their run's page." }
            (webhook_table(&webhooks))
        },
    )
}

pub(crate) fn dispatches(user: &str, total: usize, dispatches: &[DispatchRec]) -> Markup {
    layout(
        "Dispatches",
        Some(user),
        true,
        html! {
            h1 { "Dispatches" }
            @if total > dispatches.len() { p.muted { "The newest " (dispatches.len()) " of " (total) "." } }
            (dispatch_table(dispatches))
        },
    )
}

/// The attempts still to come: (attempt number, due time in ms, whether it is an estimate).
fn pending_attempts(state: &State, d: &DispatchRec) -> Vec<(u32, i64, bool)> {
    if d.status != DispatchStatus::Active {
        return Vec::new();
    }
    let base = state.config.retry_base.as_millis() as f64;
    let mut due = d.next_attempt_ms;
    let mut out = vec![(d.attempts + 1, due, false)];
    for attempt in d.attempts + 2..=d.max_attempts {
        // The delay after attempt n is base × 2^(n-1), ±25%.
        due += (base * 2f64.powi(attempt as i32 - 2)) as i64;
        out.push((attempt, due, true));
    }
    out
}

pub(crate) fn dispatch(state: &State, user: &str, d: &DispatchRec) -> Markup {
    let url = d.webhook["requestUrl"].as_str().unwrap_or("");
    let pending = pending_attempts(state, d);
    let now = now_ms();
    let body = html! {
        p.crumbs {
            @if let Some(run) = &d.run_id { a href="/" { "Runs" } " / " a href={ "/ui/runs/" (run) } { code { (run) } } }
            @else { a href="/ui/dispatches" { "Dispatches" } }
            " / dispatch " code { (d.id) }
        }
        section.card {
            div.row {
                h1 { "Dispatch " code { (d.id) } }
                (badge(d.status.as_str()))
                span.spacer {}
                @if d.status != DispatchStatus::Succeeded {
                    form.inline method="post" action={ "/ui/dispatches/" (d.id) "/retry" } {
                        button #retry-now type="submit" { "Retry now" }
                    }
                }
            }
            dl.grid {
                dt { "Event" } dd { code.event { (d.event_type) } }
                dt { "Webhook" } dd { code { (d.webhook_id) } }
                dt { "Request URL" } dd { code { (shown_url(url)) } }
                dt { "Created" } dd { (time(&Value::String(d.created_at.clone()))) }
                dt { "Attempts" } dd { (d.attempts) " of at most " (d.max_attempts) }
            }
        }
        h2 { "Payload sent" }
        @match &d.payload {
            Some(p) if p.is_empty() => p.muted { "An empty body: the template rendered to JavaScript's undefined." },
            Some(p) => pre.scroll.payload #payload { (pretty(p)) },
            None => p.muted { "Not rendered yet: the first attempt has not started." },
        }
        h2 { "Headers sent" }
        @if d.headers.is_empty() { p.muted { "None yet." } } @else {
            table.headers { tbody { @for (k, v) in &d.headers { tr { th { (k) } td { code { (v) } } } } } }
        }
        h2 { "Calls (" (d.calls.len()) ")" }
        @if d.calls.is_empty() { p.muted { "No call yet." } } @else {
            table.calls {
                thead { tr { th.num { "#" } th { "Started" } th.num { "Duration" } th { "Response" } th { "Response body (first 2 KB)" } } }
                tbody {
                    @for (i, c) in d.calls.iter().enumerate() {
                        @let took = c["startedAt"].as_str().and_then(parse_iso).zip(c["finishedAt"].as_str().and_then(parse_iso)).map(|(a, b)| b - a);
                        tr {
                            td.num { (i + 1) }
                            td { (time(&c["startedAt"])) }
                            td.num { @match took { Some(ms) => { (ms) " ms" }, None => "—" } }
                            td { (response_summary(c)) }
                            td { @match c["responseBody"].as_str().filter(|b| !b.is_empty()) {
                                Some(b) => pre.scroll.small { (b) },
                                None => span.muted { "empty" },
                            } }
                        }
                    }
                }
            }
        }
        h2 { "Retry schedule" }
        ol.schedule {
            @for (i, c) in d.calls.iter().enumerate() {
                li.done { "Attempt " (i + 1) ": " (time(&c["startedAt"])) " — " (response_summary(c)) }
            }
            @for (attempt, due, estimate) in &pending {
                li.pending {
                    "Attempt " (attempt) ": " @if *estimate { "about " } (time(&Value::String(iso(*due))))
                    @let secs = (*due - now) as f64 / 1000.0;
                    @if secs > 0.0 { " (in " (format!("{secs:.1}")) " s)" } @else { " (due now)" }
                }
            }
            @if pending.is_empty() {
                li.muted { @match d.status {
                    DispatchStatus::Succeeded => "Delivered: no more attempts.",
                    _ => "No more attempts: the dispatch failed. \"Retry now\" makes one more.",
                } }
            }
        }
    };
    layout(
        &format!("Dispatch {}", d.id),
        Some(user),
        d.status == DispatchStatus::Active,
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_query_values_are_blanked() {
        assert_eq!(
            shown_url("https://x.test/a?token=s3cret&b=1"),
            "https://x.test/a?token=…&b=1"
        );
        assert_eq!(
            shown_url("https://x.test/a?b=1&TOKEN=s"),
            "https://x.test/a?b=1&TOKEN=…"
        );
        assert_eq!(shown_url("https://x.test/a"), "https://x.test/a");
    }

    #[test]
    fn payloads_are_pretty_printed_with_javascript_numbers() {
        assert_eq!(
            pretty(r#"{"a":1e21,"b":[1]}"#),
            "{\n  \"a\": 1e+21,\n  \"b\": [\n    1\n  ]\n}"
        );
        assert_eq!(pretty("not json"), "not json");
    }
}
