//! Every command of the `apify-webhooks` binary, for success and for bad input: exit codes,
//! stdout and stderr.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_apify-webhooks"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn file(name: &str, contents: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path.to_string_lossy().into_owned())
}

const GOOD: &str = r#"[
  {"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": "https://example.com/run-failed"},
  {"eventTypes": ["ACTOR.RUN.SUCCEEDED"], "requestUrl": "https://example.com/run-succeeded",
   "payloadTemplate": "{\"hello\": \"world\", \"resource\":{{resource}}}"}
]"#;

const JS_BASE64: &str = "W3siZXZlbnRUeXBlcyI6WyJBQ1RPUi5SVU4uRkFJTEVEIl0sInJlcXVlc3RVcmwiOiJodHRwczovL2V4YW1wbGUuY29tL3J1bi1mYWlsZWQifSx7ImV2ZW50VHlwZXMiOlsiQUNUT1IuUlVOLlNVQ0NFRURFRCJdLCJyZXF1ZXN0VXJsIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS9ydW4tc3VjY2VlZGVkIiwicGF5bG9hZFRlbXBsYXRlIjoie1wiaGVsbG9cIjogXCJ3b3JsZFwiLCBcInJlc291cmNlXCI6e3tyZXNvdXJjZX19fSJ9XQ==";

#[test]
fn check_accepts_good_definitions_and_reports_bad_ones_with_positions() {
    let (_d, good) = file("good.json", GOOD);
    let out = run(&["check", &good]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("checked 2 webhook definitions: 0 errors, 0 warnings"));

    let bad = "[\n  {\"eventTypes\": [\"ACTOR.BUILD.FAILED\"], \"requestUrl\": \"ftp://x\",\n   \"payloadTemplate\": \"{\\\"a\\\": {{ userId }}}\"}\n]";
    let (_d, bad) = file("bad.json", bad);
    let out = run(&["check", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("bad.json:2:"), "{err}");
    assert!(err.contains("can never fire an ad-hoc webhook"));
    assert!(err.contains("`ftp://`"));
    assert!(
        err.contains("bad.json:3:") && err.contains("remove the spaces inside the braces"),
        "{err}"
    );
    assert!(err.contains("3 errors"));
}

#[test]
fn check_warnings_and_unreadable_input() {
    let (_d, warn) = file(
        "w.json",
        r#"{"eventTypes": ["ACTOR.RUN.FAILED"], "requestUrl": "https://e.com", "payloadTemplate": "{\"c\": {{resource.exitCode}}}"}"#,
    );
    let out = run(&["check", &warn]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr)
            .contains("warning: webhook 0: payloadTemplate: `resource.exitCode` renders as null")
    );
    assert_eq!(
        run(&["check", &warn, "--deny-warnings"]).status.code(),
        Some(1)
    );

    let out = run(&["check", "/nonexistent/hooks.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read /nonexistent/hooks.json"));

    let (_d, broken) = file(
        "b.json",
        "[{\"eventTypes\": [\"ACTOR.RUN.FAILD\"], \"requestUrl\": \"x\"}]",
    );
    let out = run(&["check", &broken]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("did you mean `ACTOR.RUN.FAILED`?"));

    let (_d, notjson) = file("n.json", "[{,");
    let out = run(&["check", &notjson]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("n.json:1:3: not JSON"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn encode_gives_the_js_clients_bytes() {
    let (_d, good) = file("good.json", GOOD);
    let out = run(&["encode", &good]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).trim(), JS_BASE64);
    let out = run(&["encode", &good, "--url-encoded"]);
    assert!(text(&out.stdout).trim().ends_with("fSJ9XQ%3D%3D"));
    let out = run(&["encode", &good, "--json"]);
    assert!(text(&out.stdout).starts_with(r#"[{"eventTypes":["ACTOR.RUN.FAILED"]"#));

    let (_d, bad) = file(
        "bad.json",
        r#"[{"eventTypes": [], "requestUrl": "https://e.com"}]"#,
    );
    let out = run(&["encode", &bad]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("not encoding invalid definitions"));
}

#[test]
fn decode_reads_both_clients_and_rejects_garbage() {
    let out = run(&[
        "decode",
        &format!("{}%3D%3D", JS_BASE64.trim_end_matches('=')),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("\"requestUrl\": \"https://example.com/run-failed\""));
    let out = run(&["decode", "W10-"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("URL-safe alphabet"));
    // Decodes, but the definition fails the checks.
    let out = run(&["decode", "W3siZXZlbnRUeXBlcyI6W10sInJlcXVlc3RVcmwiOiJ4In1d"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("give at least one event type"));
}

#[test]
fn template_render_previews_and_reports() {
    let (_d, tpl) = file(
        "t.json",
        r#"{"run": {{resource.id}}, "msg": "status {{resource.status}}"}"#,
    );
    let out = run(&[
        "template",
        "render",
        &tpl,
        "--interpolate-strings",
        "--compact",
    ]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout).trim(),
        r#"{"run":"HG7ML7M8z78YcAPEB","msg":"status SUCCEEDED"}"#
    );
    let out = run(&["template", "render"]);
    assert!(text(&out.stdout).contains("\"eventType\": \"ACTOR.RUN.SUCCEEDED\""));

    let (_d, bad) = file("bad.json", "{\n  \"run\": {{resorce}}\n}");
    let out = run(&["template", "render", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("bad.json:2:10") && err.contains("did you mean `{{resource}}`?"),
        "{err}"
    );
    let out = run(&["template", "render", &tpl, "--event", "ACTOR.RUN.FINISHED"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn template_eval_runs_conformance_records() {
    let cases = concat!(
        r#"{"id":"a","template":"{\"x\": {{resource.id}}}","options":{"interpolateStrings":false},"allowedVariables":["resource"],"context":"c"}"#,
        "\n",
        r#"{"id":"b","template":"{{nope}}","options":{"interpolateStrings":false},"allowedVariables":["resource"],"context":"c"}"#,
        "\n",
        r#"{"id":"c","template":42,"options":{"interpolateStrings":false},"allowedVariables":null,"context":"c"}"#,
        "\n",
    );
    let (_d1, cases) = file("cases.jsonl", cases);
    let (_d2, contexts) = file("contexts.json", r#"{"c": {"resource": {"id": "r1"}}}"#);
    let out = run(&[
        "template",
        "eval",
        "--cases",
        &cases,
        "--contexts",
        &contexts,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines[0],
        serde_json::json!({"id": "a", "verdict": "ok", "error_class": null, "output_json": "{\"x\":\"r1\"}"})
    );
    assert_eq!(lines[1]["error_class"], "InvalidVariableError");
    assert_eq!(lines[2]["error_class"], "Error");

    let (_d3, badctx) = file("ctx.json", "[1]");
    assert_eq!(
        run(&["template", "eval", "--cases", &cases, "--contexts", &badctx])
            .status
            .code(),
        Some(2)
    );
    let (_d4, badcases) = file("bad.jsonl", "not json\n");
    let out = run(&[
        "template",
        "eval",
        "--cases",
        &badcases,
        "--contexts",
        &contexts,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("line 1: not JSON"));
}

#[test]
fn check_reads_stdin() {
    let mut child = bin()
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(GOOD.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
}

#[test]
fn serve_rejects_bad_flags_and_help_teaches() {
    let out = run(&["serve", "--actor", "no-equals-sign"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("--actor takes NAME=VALUE"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["serve", "--help"]);
    assert!(text(&out.stdout).contains("APIFY_API_BASE_URL"));
    let out = run(&["--help"]);
    for cmd in ["serve", "check", "encode", "decode", "template"] {
        assert!(text(&out.stdout).contains(cmd));
    }
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn serve_starts_answers_and_stops_on_sigterm() {
    let mut child = bin()
        .args(["serve", "--address", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 512];
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !seen.contains("export APIFY_TOKEN") && std::time::Instant::now() < deadline {
        use std::io::Read;
        let n = stdout.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains("listening on http://127.0.0.1:"), "{seen}");
    assert!(seen.contains("export APIFY_TOKEN=apify-webhooks-local-token"));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM stops it cleanly: {status:?}");
}
