//! Template engine throughput, next to the platform's reference engine.
//!
//! `cargo bench -p apify-webhooks-core --bench templates` times our engine (parse + render,
//! the body the platform sends) on generated templates, including 100 KB templates with 0,
//! 100 and 1,769 variables and a size sweep, to show that time grows linearly.
//!
//! `bench/run.sh` runs the reference (`@apify/utilities` on Node 22) on its own
//! fixed inputs, then calls this bench with `--templates DIR --reference FILE`, which times
//! ours on exactly those inputs and prints both side by side with the ratio.

use apify_webhooks_core::json::{self, JsObject, JsValue};
use apify_webhooks_core::template::{TemplateOptions, render, render_json};
use std::hint::black_box;
use std::time::{Duration, Instant};

struct Case {
    name: String,
    template: String,
    interpolate: bool,
}

/// `--quick`: a smoke run with 1/30 of the timing budget.
static QUICK: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Median seconds per call over 5 runs of at least `min` each, after a warm-up.
fn time(mut f: impl FnMut(), min: Duration) -> f64 {
    let min = if QUICK.load(std::sync::atomic::Ordering::Relaxed) {
        min / 30
    } else {
        min
    };
    for _ in 0..3 {
        f();
    }
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let mut n = 0u32;
            while start.elapsed() < min {
                f();
                n += 1;
            }
            start.elapsed().as_secs_f64() / f64::from(n)
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[2]
}

fn count_vars(t: &str) -> usize {
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = t[from..].find("{{") {
        let open = from + i;
        match t[open + 2..].find("}}") {
            Some(j) if !t[open + 2..open + 2 + j].contains('}') => {
                n += 1;
                from = open + 2 + j + 2;
            }
            _ => from = open + 2,
        }
    }
    n
}

/// A template of about `size` bytes: static rows, with `vars` of them carrying a variable.
fn rows_with_vars(size: usize, vars: usize) -> String {
    let row = |i: usize| {
        format!(
            r#"{{"id": {i}, "name": "static row number {i}", "tags": ["a", "b", "c"], "value": {}}}"#,
            i as f64 * 1.5
        )
    };
    let var_row = |i: usize| {
        format!(
            r#"{{"id": {i}, "run": {{{{resource.id}}}}, "status": {{{{resource.status}}}}, "note": "static text for item {i}", "ok": true}}"#
        )
    };
    let mut rows = Vec::new();
    let mut len = 12;
    let mut i = 0;
    while len < size {
        let r = row(i);
        len += r.len() + 2;
        rows.push(r);
        i += 1;
    }
    // Spread the variable rows evenly (each holds 2 variables).
    let with = vars / 2;
    if with > 0 {
        let step = rows.len() as f64 / with as f64;
        for k in 0..with {
            let at = ((k as f64 * step) as usize).min(rows.len() - 1);
            rows[at] = var_row(at);
        }
    }
    let mut t = format!("{{\"data\": [{}]", rows.join(", "));
    if vars % 2 == 1 {
        t.push_str(", \"event\": {{eventType}}");
    }
    t.push('}');
    t
}

fn generated() -> Vec<Case> {
    // Named by their real size (variable rows are longer than the static rows they replace).
    let case = |template: String, what: String| Case {
        name: format!("{} KB, {what}", template.len() / 1024),
        template,
        interpolate: false,
    };
    let mut cases = Vec::new();
    for vars in [0, 100, 1769] {
        cases.push(case(
            rows_with_vars(100 * 1024, vars),
            format!("{vars} variables"),
        ));
    }
    for kb in [10, 30, 100, 300, 1000] {
        let template = rows_with_vars(kb * 1024, kb * 1769 / 100);
        cases.push(case(template, "variables as values (many)".to_owned()));
    }
    cases
}

fn load_dir(dir: &str) -> (Vec<Case>, JsObject) {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && p.file_stem().is_some_and(|s| s != "context")
        })
        .collect();
    files.sort();
    let cases = files
        .iter()
        .map(|p| {
            let v = json::parse(&std::fs::read_to_string(p).unwrap()).unwrap();
            let o = v.as_object().unwrap();
            let text = |k: &str| match o.get(k.as_bytes()) {
                Some(JsValue::String(s)) => s.to_string_lossy().into_owned(),
                _ => String::new(),
            };
            Case {
                name: text("name"),
                template: text("template"),
                interpolate: matches!(o.get(b"interpolateStrings"), Some(JsValue::Bool(true))),
            }
        })
        .collect();
    let ctx = json::parse(&std::fs::read_to_string(format!("{dir}/context.json")).unwrap())
        .unwrap()
        .into_object()
        .unwrap();
    (cases, ctx)
}

fn default_context() -> JsObject {
    json::parse(include_str!("../tests/conformance/contexts.json"))
        .unwrap()
        .as_object()
        .and_then(|o| o.get(b"default"))
        .and_then(JsValue::as_object)
        .unwrap()
        .clone()
}

/// Reference µs per call by template name, from `bench_reference.js --json`.
fn reference(path: &str) -> Vec<(String, f64)> {
    let v = json::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rows = match v.as_object().and_then(|o| o.get(b"rows")) {
        Some(JsValue::Array(rows)) => rows,
        _ => panic!("{path} has no rows"),
    };
    rows.iter()
        .filter_map(|r| {
            let o = r.as_object()?;
            let name = match o.get(b"template")? {
                JsValue::String(s) => s.to_string_lossy().into_owned(),
                _ => return None,
            };
            let us = match o.get(b"us_per_call")? {
                JsValue::Number(n) => *n,
                _ => return None,
            };
            Some((name, us))
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (cases, ctx) = match arg("--templates") {
        Some(dir) => load_dir(&dir),
        None => (generated(), default_context()),
    };
    let reference = arg("--reference")
        .map(|p| reference(&p))
        .unwrap_or_default();
    let markdown = args.iter().any(|a| a == "--markdown");
    QUICK.store(
        args.iter().any(|a| a == "--quick"),
        std::sync::atomic::Ordering::Relaxed,
    );
    let rows: Vec<Row> = cases.iter().map(|case| measure(case, &ctx)).collect();
    if let Some(path) = arg("--csv") {
        let mut csv = String::from("name,bytes,vars,us\n");
        for r in &rows {
            csv.push_str(&format!(
                "{},{},{},{:.3}\n",
                r.name.replace(',', ";"),
                r.bytes,
                r.vars,
                r.us
            ));
        }
        std::fs::write(&path, csv).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
    }
    if markdown {
        print_markdown(&rows, &reference, &ctx);
    } else {
        print_text(&rows, &reference);
    }
}

/// One template's timing.
struct Row {
    name: String,
    bytes: usize,
    vars: usize,
    us: f64,
}

fn measure(case: &Case, ctx: &JsObject) -> Row {
    let options = TemplateOptions::interpolating(case.interpolate);
    // The tree path and the direct writer agree (the conformance test checks it everywhere).
    let tree = render(&case.template, ctx, options).expect("bench templates are valid");
    assert_eq!(
        render_json(&case.template, ctx, options).unwrap(),
        tree.to_json()
    );
    let min = Duration::from_millis(if case.template.len() > 50_000 {
        300
    } else {
        150
    });
    let secs = time(
        || {
            black_box(render_json(black_box(&case.template), ctx, options).unwrap());
        },
        min,
    );
    Row {
        name: case.name.clone(),
        bytes: case.template.len(),
        vars: count_vars(&case.template),
        us: secs * 1e6,
    }
}

fn reference_us<'a>(reference: &'a [(String, f64)], name: &str) -> Option<&'a f64> {
    reference.iter().find(|(n, _)| n == name).map(|(_, us)| us)
}

fn print_text(rows: &[Row], reference: &[(String, f64)]) {
    println!(
        "apify-webhooks-core template engine: parse + render (the body sent), median of 5 runs"
    );
    println!(
        "{:<48} {:>9} {:>6} {:>12} {:>14} {:>9}",
        "template", "bytes", "vars", "ours µs", "reference µs", "speed-up"
    );
    for r in rows {
        let (reference, ratio) = match reference_us(reference, &r.name) {
            Some(ref_us) => (format!("{ref_us:.1}"), format!("{:.0}×", ref_us / r.us)),
            None => (String::new(), format!("{:.0} MB/s", r.bytes as f64 / r.us)),
        };
        println!(
            "{:<48} {:>9} {:>6} {:>12.1} {:>14} {:>9}",
            r.name, r.bytes, r.vars, r.us, reference, ratio
        );
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**NOT met**" }
}

fn print_markdown(rows: &[Row], reference: &[(String, f64)], ctx: &JsObject) {
    if reference.is_empty() {
        println!("| template | bytes | variables | µs per render | MB/s | µs per KB |");
        println!("|---|---:|---:|---:|---:|---:|");
        for r in rows {
            println!(
                "| {} | {} | {} | {:.1} | {:.0} | {:.2} |",
                r.name,
                r.bytes,
                r.vars,
                r.us,
                r.bytes as f64 / r.us,
                r.us / (r.bytes as f64 / 1024.0)
            );
        }
        return;
    }
    println!(
        "| template | bytes | variables | reference µs | ours µs | reference templates/s | ours templates/s | ours ÷ reference |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let Some(ref_us) = reference_us(reference, &r.name) else {
            continue;
        };
        println!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.0} | {:.0} | {:.1}× |",
            r.name,
            r.bytes,
            r.vars,
            ref_us,
            r.us,
            1e6 / ref_us,
            1e6 / r.us,
            ref_us / r.us
        );
    }
    println!();
    if let Some(r) = rows
        .iter()
        .find(|r| r.name.starts_with("small: default template ("))
    {
        let ratio = reference_us(reference, &r.name).map_or(0.0, |ref_us| ref_us / r.us);
        println!(
            "- Goal: at least 20× the reference's templates/s on the default template: {} ({ratio:.1}×).",
            verdict(ratio >= 20.0)
        );
    }
    if let Some(r) = rows
        .iter()
        .find(|r| r.name == "100 KB: vars as values (many)")
    {
        println!(
            "- Goal: 100 KB with {} variables in under 1 ms: {} ({:.0} µs).",
            r.vars,
            verdict(r.us < 1000.0),
            r.us
        );
    }
    // For scale: what serialising the context's values costs (the default template inserts
    // all five whole, so no render of it can be cheaper).
    let mut out = String::new();
    let stringify_us = time(
        || {
            out.clear();
            for (_, value) in black_box(ctx).iter() {
                apify_webhooks_core::json::write_json(&mut out, value);
            }
            black_box(&out);
        },
        Duration::from_millis(150),
    ) * 1e6;
    println!(
        "- For scale: serialising the context's five values alone ({} bytes of JSON, which the default template inserts whole) takes {stringify_us:.1} µs with our writer.",
        out.len()
    );
}
