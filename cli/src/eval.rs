//! `apify-webhooks template eval`: runs conformance records through the engine.
//!
//! Input records have the conformance set's shape (`id`, `template`, `options`,
//! `allowedVariables`, `context`); each gets one output line
//! `{"id", "verdict", "error_class", "output_json"}`.

use apify_webhooks_core::json::{self, JsObject};
use apify_webhooks_core::template::{TemplateOptions, Variables, evaluate};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, Write};

/// Reads the contexts file with the engine's own JSON reader, which keeps JavaScript's key
/// order and number semantics (serde_json would sort keys and change numbers).
pub fn load_contexts(text: &str) -> Result<HashMap<String, JsObject>, String> {
    let value = json::parse(text).map_err(|e| format!("the contexts file is not JSON: {e}"))?;
    let all = value
        .into_object()
        .ok_or("the contexts file must be a JSON object of named contexts")?;
    all.iter()
        .map(|(name, ctx)| {
            let name = name.to_string_lossy().into_owned();
            match ctx.as_object() {
                Some(o) => Ok((name, o.clone())),
                None => Err(format!("context `{name}` must be a JSON object")),
            }
        })
        .collect()
}

/// Evaluates one record; `Err` is a malformed record (reported, not fatal).
pub fn eval_record(record: &Value, contexts: &HashMap<String, JsObject>) -> Result<Value, String> {
    let id = record.get("id").cloned().unwrap_or(Value::Null);
    let context_name = record
        .get("context")
        .and_then(Value::as_str)
        .unwrap_or("default");
    let context = contexts
        .get(context_name)
        .ok_or_else(|| format!("record {id}: unknown context `{context_name}`"))?;
    let interpolate = match record.pointer("/options/interpolateStrings") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(format!(
                "record {id}: options.interpolateStrings must be a boolean, found {other}"
            ));
        }
    };
    let allowed: Option<Vec<&str>> = match record.get("allowedVariables") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|v| {
                    v.as_str()
                        .ok_or_else(|| format!("record {id}: allowedVariables must hold strings"))
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => {
            return Err(format!(
                "record {id}: allowedVariables must be an array or null"
            ));
        }
    };
    let Some(template) = record.get("template").and_then(Value::as_str) else {
        // The platform throws a plain Error for a template that is not a string.
        return Ok(
            json!({"id": id, "verdict": "error", "error_class": "Error", "output_json": null}),
        );
    };
    let variables = match &allowed {
        Some(list) => Variables::Only(list),
        None => Variables::Any,
    };
    Ok(
        match evaluate(
            template,
            variables,
            context,
            TemplateOptions::interpolating(interpolate),
        ) {
            Ok(rendered) => {
                json!({"id": id, "verdict": "ok", "error_class": null, "output_json": rendered.to_json()})
            }
            Err(e) => {
                json!({"id": id, "verdict": "error", "error_class": e.class().as_str(), "output_json": null})
            }
        },
    )
}

/// Runs every line of `cases`, writing one result line each. Returns (ok, error, malformed).
pub fn run(
    cases: impl BufRead,
    contexts: &HashMap<String, JsObject>,
    mut out: impl Write,
    mut progress: impl FnMut(usize),
) -> Result<(usize, usize, Vec<String>), String> {
    let (mut ok, mut errors, mut malformed) = (0, 0, Vec::new());
    for (n, line) in cases.lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read the cases file: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = match serde_json::from_str(&line) {
            Ok(r) => r,
            Err(e) => {
                malformed.push(format!("line {}: not JSON: {e}", n + 1));
                continue;
            }
        };
        match eval_record(&record, contexts) {
            Ok(result) => {
                if result["verdict"] == "ok" {
                    ok += 1
                } else {
                    errors += 1
                }
                writeln!(out, "{result}").map_err(|e| format!("cannot write output: {e}"))?;
            }
            Err(e) => malformed.push(format!("line {}: {e}", n + 1)),
        }
        progress(n + 1);
    }
    Ok((ok, errors, malformed))
}
