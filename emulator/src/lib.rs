//! A local server for the slice of the Apify API that ad-hoc webhooks use. It runs local
//! Actors (scripted, or any command with the platform's environment), moves runs through the
//! platform's states, and really dispatches webhooks: rendered with the platform's template
//! engine, retried with backoff, recorded in a durable dispatch log.
//!
//! ```no_run
//! # async fn demo() -> Result<(), String> {
//! use apify_webhooks_emulator::{Config, Emulator};
//!
//! let emulator = Emulator::start(Config::default().token("my-token", "me")).await?;
//! println!("export APIFY_API_BASE_URL={}", emulator.url());
//! // ... start runs against it with the official clients or `apify-webhooks` ...
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

mod api;
mod config;
mod dispatch;
mod model;
mod runner;
mod state;
mod store;
pub mod time;
mod ui;

#[cfg(feature = "fuzzing")]
pub mod fuzzing;

pub use api::MAX_BODY;
pub use config::{ActorSpec, Config, DEFAULT_TOKEN, DEFAULT_USER, Outcome, Storage, actor_key};

use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// A running emulator.
pub struct Emulator {
    addr: SocketAddr,
    url: String,
    state: Arc<state::State>,
    server: JoinHandle<()>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Emulator {
    /// Binds `config.address` (port 0 picks a free port), resumes pending dispatches from
    /// the storage, and serves until [`Emulator::shutdown`].
    pub async fn start(config: Config) -> Result<Emulator, String> {
        let listener = tokio::net::TcpListener::bind(config.address)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.address))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let url = format!("http://{addr}");
        let store = store::Store::open(&config.storage)?;
        let state = state::State::new(config, url.clone(), store);
        dispatch::resume_all(&state);
        runner::recover(&state);
        let app = api::router(state.clone());
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let server = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(error = %e, "the emulator's server stopped");
            }
        });
        tracing::info!(%url, "Apify API emulator listening");
        Ok(Emulator {
            addr,
            url,
            state,
            server,
            stop,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to use as `APIFY_API_BASE_URL` (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A run as the API returns it.
    pub fn run(&self, id: &str) -> Option<Value> {
        self.state.run(id)
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Vec<Value> {
        let inner = self.state.lock();
        inner.runs.values().map(|r| r.value.clone()).collect()
    }

    /// Every webhook, oldest first, as the API returns it (with templates).
    pub fn webhooks(&self) -> Vec<Value> {
        let inner = self.state.lock();
        inner.webhooks.values().map(|w| w.to_api(true)).collect()
    }

    /// Every dispatch, oldest first, as the API returns it (read from the store).
    pub fn dispatches(&self) -> Vec<Value> {
        let all = store::DispatchFilter::default();
        let (_, items) = self.state.list_dispatches(&all, store::Page::ALL);
        items.iter().map(model::DispatchRec::to_api).collect()
    }

    /// Waits (up to `timeout`) until no dispatch is ACTIVE; returns whether that happened.
    pub async fn settle(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.state.lock().dispatches.is_empty() {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops accepting requests, lets in-flight requests finish, and leaves pending
    /// dispatches persisted so a restart resumes them.
    ///
    /// Webhook calls already under way are allowed to finish (up to the dispatch timeout) so
    /// their outcome is recorded; nothing new starts.
    pub async fn shutdown(self) {
        let _ = self.state.shutdown.send(true);
        let _ = self.stop.send(true);
        let mut in_flight = self.state.in_flight.subscribe();
        let limit = self.state.config.dispatch_timeout + Duration::from_secs(1);
        let _ = tokio::time::timeout(limit, in_flight.wait_for(|n| *n == 0)).await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.server).await;
    }
}
