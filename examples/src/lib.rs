//! Shared pieces of the examples: a tiny webhook receiver.
//!
//! ```no_run
//! # async fn demo() -> Result<(), String> {
//! let receiver = apify_webhooks_examples::Receiver::start("127.0.0.1:8799").await?;
//! // ... point webhooks at http://127.0.0.1:8799/... and start runs ...
//! for d in receiver.snapshot() {
//!     println!("{} {}", d.path, d.body);
//! }
//! # Ok(()) }
//! ```

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use std::sync::{Arc, Mutex};

/// One delivered webhook.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// The path it was sent to.
    pub path: String,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body, parsed.
    pub body: serde_json::Value,
}

/// A local HTTP server that records every POST it gets and answers 200.
pub struct Receiver {
    /// Every delivery so far.
    pub deliveries: Arc<Mutex<Vec<Delivery>>>,
    /// Its base URL (`http://127.0.0.1:PORT`), the port chosen when `addr` asks for port 0.
    pub url: String,
}

impl Receiver {
    /// Listens on `addr` (e.g. `127.0.0.1:8799`).
    pub async fn start(addr: &str) -> Result<Receiver, String> {
        let deliveries: Arc<Mutex<Vec<Delivery>>> = Arc::default();
        let app = axum::Router::new()
            .fallback(
                |State(log): State<Arc<Mutex<Vec<Delivery>>>>,
                 uri: Uri,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
                    log.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(Delivery {
                            path: uri.path().to_owned(),
                            headers,
                            body,
                        });
                    "ok"
                },
            )
            .with_state(deliveries.clone());
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr} for the webhook receiver: {e} (is another quickstart running?)"))?;
        let url = listener
            .local_addr()
            .map(|a| format!("http://{a}"))
            .map_err(|e| e.to_string())?;
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Receiver { deliveries, url })
    }

    /// A copy of the deliveries so far.
    pub fn snapshot(&self) -> Vec<Delivery> {
        self.deliveries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
