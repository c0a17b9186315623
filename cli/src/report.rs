//! Diagnostics for `check`, `encode` and `decode`, and the sample context for `render`.

use crate::locate;
use apify_webhooks_core::WebhookDefinition;
use apify_webhooks_core::check::{DefinitionErrorKind, Field, HeadersError, check_definition};
use apify_webhooks_core::json::{self, JsObject, JsString, JsValue};
use apify_webhooks_core::template::{self, TemplateError, TemplateOptions};
use std::io::Write;

/// Counts of what was reported.
#[derive(Default)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn line(&self, definitions: usize) -> String {
        format!(
            "checked {definitions} webhook definition{}: {} error{}, {} warning{}",
            if definitions == 1 { "" } else { "s" },
            self.errors,
            if self.errors == 1 { "" } else { "s" },
            self.warnings,
            if self.warnings == 1 { "" } else { "s" },
        )
    }
}

struct Reporter<'a> {
    name: &'a str,
    text: &'a str,
    out: &'a mut dyn Write,
    summary: Summary,
}

impl Reporter<'_> {
    /// `file:line:col: level: message`, then indented detail lines.
    fn emit(&mut self, level: &str, offset: Option<usize>, message: &str, detail: &[String]) {
        let place = match offset {
            Some(o) if !self.text.is_empty() => {
                let (l, c) = locate::line_col(self.text, o);
                format!("{}:{l}:{c}", self.name)
            }
            _ => self.name.to_owned(),
        };
        let _ = writeln!(self.out, "{place}: {level}: {message}");
        for d in detail {
            for line in d.lines() {
                let _ = writeln!(self.out, "    {line}");
            }
        }
        if level == "error" {
            self.summary.errors += 1;
        } else {
            self.summary.warnings += 1;
        }
    }

    fn field_offset(&self, index: usize, field: Field) -> Option<usize> {
        locate::value(self.text, index, field.json_name())
            .or_else(|| locate::item(self.text, index))
    }

    fn template_error(&mut self, index: usize, field: Field, e: &TemplateError) {
        let literal = locate::value(self.text, index, field.json_name());
        let offset = literal
            .map(|l| locate::inside_string(self.text, l, e.offset()))
            .or_else(|| locate::item(self.text, index));
        let mut detail = vec![format!(
            "in the template, line {} column {}:\n{}",
            e.line(),
            e.column(),
            e.excerpt()
        )];
        if let Some(h) = e.hint() {
            detail.push(format!("hint: {h}"));
        }
        let message = format!("webhook {index}: {}: {}", field.json_name(), e.message());
        self.emit("error", offset, &message, &detail);
    }
}

/// Checks every definition and reports errors and warnings.
pub fn check_all(
    name: &str,
    text: &str,
    defs: &[WebhookDefinition],
    out: &mut dyn Write,
) -> Summary {
    let mut r = Reporter {
        name,
        text,
        out,
        summary: Summary::default(),
    };
    for (index, def) in defs.iter().enumerate() {
        if let Err(errors) = check_definition(&def.as_def(), true) {
            for e in errors.0 {
                match &e.kind {
                    DefinitionErrorKind::PayloadTemplate(t)
                    | DefinitionErrorKind::HeadersTemplate(HeadersError::Template(t)) => {
                        r.template_error(index, e.field, t)
                    }
                    _ => {
                        let offset = r.field_offset(index, e.field);
                        r.emit("error", offset, &format!("webhook {index}: {e}"), &[]);
                    }
                }
            }
        }
        let options =
            TemplateOptions::interpolating(def.should_interpolate_strings.unwrap_or(false));
        for (field, tpl) in [
            (Field::PayloadTemplate, def.payload_template.as_deref()),
            (Field::HeadersTemplate, def.headers_template.as_deref()),
        ] {
            let Some(tpl) = tpl else { continue };
            for f in template::findings(tpl, options) {
                let offset = locate::value(text, index, field.json_name())
                    .map(|l| locate::inside_string(text, l, f.span.0));
                let message = format!("webhook {index}: {}: {}", field.json_name(), f.message());
                r.emit("warning", offset, &message, &[]);
            }
        }
    }
    r.summary
}

/// A run like the platform's, for previews.
const SAMPLE_RUN: &str = r#"{"id":"HG7ML7M8z78YcAPEB","actId":"HDSasDasz78YcAPEB","userId":"wRsJZtadYvn4mBZmm","actorTaskId":null,"startedAt":"2025-01-15T10:18:02.123Z","finishedAt":"2025-01-15T10:20:29.987Z","status":"SUCCEEDED","statusMessage":"Finished! Total 42 requests: 42 succeeded, 0 failed.","isStatusMessageTerminal":true,"meta":{"origin":"API","userAgent":"ApifyClient/2.25.0 (linux; Node/v22.23.5); isAtHome/false"},"stats":{"inputBodyLen":240,"migrationCount":0,"rebootCount":0,"restartCount":0,"resurrectCount":0,"memAvgBytes":267874071.9,"memMaxBytes":404713472,"memCurrentBytes":0,"cpuAvgUsage":33.75321011075384,"cpuMaxUsage":169.65073553494125,"cpuCurrentUsage":0,"netRxBytes":103508042,"netTxBytes":4854600,"durationMillis":147864,"runTimeSecs":147.864,"metamorph":0,"computeUnits":0.04107333333333333},"options":{"build":"latest","timeoutSecs":3600,"memoryMbytes":1024,"diskMbytes":2048},"buildId":"7sT5jcggjjA9fNcxF","buildNumber":"0.2.17","exitCode":0,"generalAccess":"FOLLOW_USER_SETTING","defaultKeyValueStoreId":"eJNzqsbPiopwJcgGQ","defaultDatasetId":"wmKPijuyDnPZAPRMk","defaultRequestQueueId":"FL35cSF7jrxr3BY39","containerUrl":"https://g8kd8kbc5ge8.runs.apify.net","usageTotalUsd":0.01523}"#;

/// The dispatch context for `event`, with `run_json` (or a sample run) as `resource`.
pub fn sample_context(event: &str, run_json: Option<&str>) -> Result<JsObject, String> {
    let event = apify_webhooks_core::EventType::parse(event).map_err(|e| e.to_string())?;
    let run = json::parse(run_json.unwrap_or(SAMPLE_RUN))
        .map_err(|e| format!("the run file is not JSON: {e}"))?;
    let run = match run.into_object() {
        // Accept the API envelope `{"data": run}` as well as the bare run.
        Some(o) => match o.get(b"data").and_then(JsValue::as_object) {
            Some(inner) => inner.clone(),
            None => o,
        },
        None => return Err("the run file must hold a JSON object".into()),
    };
    let text = |k: &str| run.get(k.as_bytes()).cloned().unwrap_or(JsValue::Null);
    let mut event_data = JsObject::new();
    event_data.insert("actorId".into(), text("actId"));
    if let Some(task @ JsValue::String(_)) = run.get(b"actorTaskId") {
        event_data.insert("actorTaskId".into(), task.clone());
    }
    event_data.insert("actorRunId".into(), text("id"));
    let mut ctx = JsObject::new();
    ctx.insert("userId".into(), text("userId"));
    let created = match run.get(b"finishedAt") {
        Some(v @ JsValue::String(_)) => v.clone(),
        _ => text("startedAt"),
    };
    ctx.insert("createdAt".into(), created);
    ctx.insert(
        "eventType".into(),
        JsValue::String(JsString::new(event.as_str())),
    );
    ctx.insert("eventData".into(), JsValue::Object(event_data));
    ctx.insert("resource".into(), JsValue::Object(run));
    Ok(ctx)
}
