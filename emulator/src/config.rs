//! What the emulator runs and how it dispatches.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The token `Config::default()` accepts, so local use needs no setup.
pub const DEFAULT_TOKEN: &str = "apify-webhooks-local-token";
/// The user that [`DEFAULT_TOKEN`] belongs to.
pub const DEFAULT_USER: &str = "LocalUser00000001";

/// How a scripted Actor ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exit code 0: SUCCEEDED.
    Succeed,
    /// Exit code 1: FAILED.
    Fail,
    /// Runs past its timeout: TIMING-OUT, then TIMED-OUT.
    TimeOut,
}

/// A local Actor.
///
/// ```
/// use apify_webhooks_emulator::ActorSpec;
/// let spec = ActorSpec::command("node main.js --verbose");
/// assert!(matches!(spec, ActorSpec::Command { ref program, ref args, .. } if program == "node" && args.len() == 2));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActorSpec {
    /// Ends with `outcome` after `delay` (the input may override it with `{"delayMillis": n}`).
    Scripted {
        /// How it ends.
        outcome: Outcome,
        /// How long it runs.
        delay: Duration,
    },
    /// A local command (any executable, e.g. `cargo run --example my-actor`), started with the
    /// platform's environment. Exit code 0 is SUCCEEDED, anything else FAILED; its output goes
    /// to the run log.
    Command {
        /// The program.
        program: String,
        /// Its arguments.
        args: Vec<String>,
        /// Extra environment variables.
        env: Vec<(String, String)>,
        /// The working directory.
        cwd: Option<PathBuf>,
    },
}

impl ActorSpec {
    /// A command from a shell-like line (split on whitespace).
    pub fn command(line: &str) -> ActorSpec {
        let mut parts = line.split_whitespace().map(str::to_owned);
        ActorSpec::Command {
            program: parts.next().unwrap_or_default(),
            args: parts.collect(),
            env: Vec::new(),
            cwd: None,
        }
    }
}

/// The key of an Actor or task: `username/name` is stored as `username~name`, as the API
/// writes it in paths.
///
/// ```
/// assert_eq!(apify_webhooks_emulator::actor_key("me/hello"), "me~hello");
/// ```
pub fn actor_key(id: &str) -> String {
    id.replacen('/', "~", 1)
}

/// Where state is kept.
///
/// ```
/// use apify_webhooks_emulator::{Config, Storage};
/// let durable = Config::default().storage(Storage::Dir(".emulator".into()));
/// assert_eq!(durable.storage, Storage::Dir(".emulator".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Storage {
    /// In memory: lost when the emulator stops (tests).
    Memory,
    /// An SQLite database `emulator.sqlite` in this directory: runs, webhooks, dispatches and
    /// pending retries survive a restart.
    Dir(PathBuf),
}

/// The emulator's settings.
///
/// ```
/// use apify_webhooks_emulator::{Config, ActorSpec, Outcome};
/// use std::time::Duration;
///
/// let config = Config::default()
///     .token("my-token", "user1")
///     .actor("me/greeter", ActorSpec::Scripted { outcome: Outcome::Succeed, delay: Duration::from_millis(50) })
///     .retry(Duration::from_millis(20), 3);
/// assert_eq!(config.address.port(), 0);
/// ```
#[derive(Clone)]
pub struct Config {
    /// Where to listen (default `127.0.0.1:0`, a free port).
    pub address: SocketAddr,
    /// Tokens and the users they belong to.
    pub tokens: BTreeMap<String, String>,
    /// Actors by id or `username/name` (stored as `username~name`).
    pub actors: BTreeMap<String, ActorSpec>,
    /// Tasks: id → the Actor they run.
    pub tasks: BTreeMap<String, String>,
    /// State storage.
    pub storage: Storage,
    /// The first retry delay; it doubles after each failed attempt (the platform: about 1 min).
    pub retry_base: Duration,
    /// Retries after the first attempt (the platform: 11).
    pub retries: u32,
    /// The timeout of one webhook call (the platform: 2 min).
    pub dispatch_timeout: Duration,
    /// The default run timeout.
    pub run_timeout: Duration,
    /// The most webhook calls under way at once; further due attempts wait for a slot.
    pub max_concurrent_calls: usize,
    /// The most dispatches pending (ACTIVE) at once. An event beyond it is still recorded, as a
    /// FAILED dispatch whose error says so, rather than growing the retry queue without bound.
    pub max_pending_dispatches: usize,
}

/// Tokens are secrets: `Debug` names only the users they belong to.
///
/// ```
/// use apify_webhooks_emulator::Config;
/// let shown = format!("{:?}", Config::default().token("s3cret", "me"));
/// assert!(shown.contains("me") && !shown.contains("s3cret"));
/// ```
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let users: Vec<&String> = self.tokens.values().collect();
        f.debug_struct("Config")
            .field("address", &self.address)
            .field(
                "tokens",
                &format_args!("<{} tokens, for {users:?}>", users.len()),
            )
            .field("actors", &self.actors)
            .field("tasks", &self.tasks)
            .field("storage", &self.storage)
            .field("retry_base", &self.retry_base)
            .field("retries", &self.retries)
            .field("dispatch_timeout", &self.dispatch_timeout)
            .field("run_timeout", &self.run_timeout)
            .field("max_concurrent_calls", &self.max_concurrent_calls)
            .field("max_pending_dispatches", &self.max_pending_dispatches)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        let scripted = |outcome, ms| ActorSpec::Scripted {
            outcome,
            delay: Duration::from_millis(ms),
        };
        let mut actors = BTreeMap::new();
        actors.insert(
            "scripted~succeeds".to_owned(),
            scripted(Outcome::Succeed, 200),
        );
        actors.insert("scripted~fails".to_owned(), scripted(Outcome::Fail, 200));
        actors.insert(
            "scripted~times-out".to_owned(),
            scripted(Outcome::TimeOut, 200),
        );
        Config {
            address: SocketAddr::from(([127, 0, 0, 1], 0)),
            tokens: BTreeMap::from([(DEFAULT_TOKEN.to_owned(), DEFAULT_USER.to_owned())]),
            actors,
            tasks: BTreeMap::new(),
            storage: Storage::Memory,
            retry_base: Duration::from_secs(60),
            retries: 11,
            dispatch_timeout: Duration::from_secs(120),
            run_timeout: Duration::from_secs(3600),
            max_concurrent_calls: 256,
            max_pending_dispatches: 100_000,
        }
    }
}

impl Config {
    /// A token of `user`'s, for calls the emulator makes on their behalf (a run's
    /// `APIFY_TOKEN`, a webhook that calls the emulated API).
    ///
    /// ```
    /// use apify_webhooks_emulator::Config;
    /// assert_eq!(Config::default().token("t", "me").token_of("me"), Some("t"));
    /// ```
    pub fn token_of(&self, user: &str) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(_, u)| *u == user)
            .map(|(t, _)| t.as_str())
    }

    /// Accepts `token` as `user`.
    pub fn token(mut self, token: impl Into<String>, user: impl Into<String>) -> Self {
        self.tokens.insert(token.into(), user.into());
        self
    }
    /// Adds a local Actor (`username/name` is stored as `username~name`).
    pub fn actor(mut self, id: &str, spec: ActorSpec) -> Self {
        self.actors.insert(actor_key(id), spec);
        self
    }
    /// Adds a task that runs `actor`.
    pub fn task(mut self, id: &str, actor: &str) -> Self {
        self.tasks.insert(actor_key(id), actor_key(actor));
        self
    }
    /// Sets the storage.
    pub fn storage(mut self, storage: Storage) -> Self {
        self.storage = storage;
        self
    }
    /// Sets the retry schedule: first delay and number of retries.
    pub fn retry(mut self, base: Duration, retries: u32) -> Self {
        self.retry_base = base;
        self.retries = retries;
        self
    }
    /// Sets the listening address.
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }
    /// Sets the per-call dispatch timeout.
    pub fn dispatch_timeout(mut self, timeout: Duration) -> Self {
        self.dispatch_timeout = timeout;
        self
    }
}
