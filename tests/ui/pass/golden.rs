// The docs' two-webhook example must give the official JS client's bytes exactly.
use apify_webhooks::{webhooks, Webhooks};

const ON_FINISH: Webhooks = webhooks![
    {
        event_types: [ACTOR.RUN.FAILED],
        request_url: "https://example.com/run-failed",
    },
    {
        event_types: [ACTOR.RUN.SUCCEEDED],
        request_url: "https://example.com/run-succeeded",
        payload_template: r#"{"hello": "world", "resource":{{resource}}}"#,
    },
];

fn main() {
    assert_eq!(ON_FINISH.json(), r#"[{"eventTypes":["ACTOR.RUN.FAILED"],"requestUrl":"https://example.com/run-failed"},{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"requestUrl":"https://example.com/run-succeeded","payloadTemplate":"{\"hello\": \"world\", \"resource\":{{resource}}}"}]"#);
    assert_eq!(ON_FINISH.base64(), "W3siZXZlbnRUeXBlcyI6WyJBQ1RPUi5SVU4uRkFJTEVEIl0sInJlcXVlc3RVcmwiOiJodHRwczovL2V4YW1wbGUuY29tL3J1bi1mYWlsZWQifSx7ImV2ZW50VHlwZXMiOlsiQUNUT1IuUlVOLlNVQ0NFRURFRCJdLCJyZXF1ZXN0VXJsIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS9ydW4tc3VjY2VlZGVkIiwicGF5bG9hZFRlbXBsYXRlIjoie1wiaGVsbG9cIjogXCJ3b3JsZFwiLCBcInJlc291cmNlXCI6e3tyZXNvdXJjZX19fSJ9XQ==");
}
