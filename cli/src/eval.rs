//! `apify-webhooks template eval`: runs conformance records through the engine.
//!
//! Input records have the conformance set's shape (`id`, `template`, `options`,
//! `allowedVariables`, `context`); each gets one output line
//! `{"id", "verdict", "error_class", "output_json"}`.

use apify_webhooks_core::json::{self, JsObject, JsString, JsValue};
use apify_webhooks_core::template::{TemplateOptions, Variables, evaluate};
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
///
/// Records are read with the engine's own JSON reader, not serde_json, so lone surrogates and
/// any nesting depth are no obstacle.
pub fn eval_record(
    record: &JsValue,
    contexts: &HashMap<String, JsObject>,
) -> Result<String, String> {
    let obj = record.as_object().ok_or("a record must be a JSON object")?;
    let field = |k: &str| obj.get(k.as_bytes());
    let id = json::stringify(field("id").unwrap_or(&JsValue::Null));
    let context_name = match field("context") {
        Some(JsValue::String(s)) => s.to_string_lossy().into_owned(),
        None | Some(JsValue::Null) => "default".to_owned(),
        Some(_) => return Err(format!("record {id}: context must be a string")),
    };
    let context = contexts
        .get(&context_name)
        .ok_or_else(|| format!("record {id}: unknown context `{context_name}`"))?;
    let interpolate = match field("options")
        .and_then(JsValue::as_object)
        .and_then(|o| o.get(b"interpolateStrings"))
    {
        None | Some(JsValue::Null) => false,
        Some(JsValue::Bool(b)) => *b,
        Some(_) => {
            return Err(format!(
                "record {id}: options.interpolateStrings must be a boolean"
            ));
        }
    };
    let allowed: Option<Vec<String>> = match field("allowedVariables") {
        None | Some(JsValue::Null) => None,
        Some(JsValue::Array(items)) => Some(
            items
                .iter()
                .map(|v| match v {
                    JsValue::String(s) => Ok(s.to_string_lossy().into_owned()),
                    _ => Err(format!("record {id}: allowedVariables must hold strings")),
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => {
            return Err(format!(
                "record {id}: allowedVariables must be an array or null"
            ));
        }
    };
    let line = |verdict: &str, class: Option<&str>, output: Option<String>| {
        let mut out = format!("{{\"id\":{id},\"verdict\":\"{verdict}\",\"error_class\":");
        match class {
            Some(c) => out.push_str(&format!("\"{c}\"")),
            None => out.push_str("null"),
        }
        out.push_str(",\"output_json\":");
        match output {
            Some(o) => json::write_string(&mut out, &JsString::new(o)),
            None => out.push_str("null"),
        }
        out.push('}');
        out
    };
    let Some(JsValue::String(template)) = field("template") else {
        // The platform throws a plain Error for a template that is not a string.
        return Ok(line("error", Some("Error"), None));
    };
    let template = template.to_string_lossy();
    let names: Option<Vec<&str>> = allowed
        .as_ref()
        .map(|l| l.iter().map(String::as_str).collect());
    let variables = match &names {
        Some(list) => Variables::Only(list),
        None => Variables::Any,
    };
    Ok(
        match evaluate(
            &template,
            variables,
            context,
            TemplateOptions::interpolating(interpolate),
        ) {
            Ok(rendered) => line("ok", None, rendered.to_json()),
            Err(e) => line("error", Some(e.class().as_str()), None),
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
        let record = match json::parse(&line) {
            Ok(r) => r,
            Err(e) => {
                malformed.push(format!("line {}: not JSON: {e}", n + 1));
                continue;
            }
        };
        match eval_record(&record, contexts) {
            Ok(result) => {
                if result.contains("\"verdict\":\"ok\"") {
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
