//! The API router without sockets, for cargo-fuzz (feature `fuzzing`): one emulator state in
//! memory, requests handed straight to the router. A response that is a server error, or an
//! error without the platform's envelope, is a bug, and [`Harness::request`] panics on it so
//! the fuzzer reports it.
//!
//! ```
//! use apify_webhooks_emulator::fuzzing::Harness;
//! let harness = Harness::new();
//! assert_eq!(harness.request("POST", "/v2/webhooks", b"{not json"), 400);
//! ```

use crate::api;
use crate::config::{Config, DEFAULT_TOKEN};
use crate::state::State;
use crate::store::Store;
use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

/// An emulator state and its router.
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
}

impl Default for Harness {
    fn default() -> Self {
        Harness::new()
    }
}

impl Harness {
    /// A fresh in-memory emulator with the default token and Actors.
    pub fn new() -> Harness {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let config = Config::default().retry(std::time::Duration::from_millis(1), 0);
        let store = Store::open(&config.storage).expect("an in-memory store");
        let app = runtime.block_on(async {
            let state = State::new(config, "http://127.0.0.1:9".to_owned(), store);
            api::router(state)
        });
        Harness { runtime, app }
    }

    /// Sends one authenticated request; returns the status. Panics on a 5xx, or on a 4xx
    /// without `{"error": {"type", "message"}}` (the web page's HTML answers excepted).
    pub fn request(&self, method: &str, uri: &str, body: &[u8]) -> u16 {
        let Ok(request) = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", format!("Bearer {DEFAULT_TOKEN}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_vec()))
        else {
            return 0; // not an HTTP request at all (a bad method or URI)
        };
        self.runtime.block_on(async {
            let response = self.app.clone().oneshot(request).await.expect("infallible");
            let status = response.status().as_u16();
            let html = response
                .headers()
                .get("content-type")
                .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap_or_default();
            assert!(
                status < 500,
                "{method} {uri} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            );
            if status >= 400 && !html {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
                assert!(
                    v["error"]["type"].is_string() && v["error"]["message"].is_string(),
                    "{method} {uri} answered {status} without the error envelope: {}",
                    String::from_utf8_lossy(&bytes)
                );
            }
            status
        })
    }
}
