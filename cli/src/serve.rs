//! `apify-webhooks serve`: the emulator as a command.

use apify_webhooks_emulator::{ActorSpec, Config, DEFAULT_TOKEN, DEFAULT_USER, Emulator, Storage};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8000")]
    address: SocketAddr,
    /// Keep runs, webhooks and dispatches in DIR (SQLite), so pending dispatches survive a
    /// restart. Without it, state is kept in memory.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Accept this token (as user LocalUser00000001) instead of the default local token.
    #[arg(long, env = "APIFY_EMULATOR_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// A local Actor that runs a command, e.g. `--actor me/hello='cargo run --example hello'`.
    /// It gets ACTOR_RUN_ID, APIFY_TOKEN, APIFY_API_BASE_URL, APIFY_IS_AT_HOME=1 and the other
    /// platform variables; exit code 0 means SUCCEEDED.
    #[arg(long = "actor", value_name = "NAME=COMMAND")]
    actors: Vec<String>,
    /// A task that runs an Actor, e.g. `--task me/nightly=me/hello`.
    #[arg(long = "task", value_name = "NAME=ACTOR")]
    tasks: Vec<String>,
    /// The first retry delay of a failed webhook call, in seconds; it doubles each time
    /// (the platform waits about 60 s).
    #[arg(long, default_value_t = 1.0)]
    retry_base_secs: f64,
    /// Retries after the first attempt (the platform makes 11).
    #[arg(long, default_value_t = 11)]
    retries: u32,
    /// The timeout of one webhook call, in seconds.
    #[arg(long, default_value_t = 30)]
    dispatch_timeout_secs: u64,
}

fn split(flag: &str, value: &str) -> Result<(String, String), String> {
    value
        .split_once('=')
        .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| format!("--{flag} takes NAME=VALUE, got `{value}`"))
}

pub fn run(args: ServeArgs) -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if !(args.retry_base_secs.is_finite() && args.retry_base_secs >= 0.0) {
        return Err("--retry-base-secs must be a non-negative number".into());
    }
    let mut config = Config::default()
        .address(args.address)
        .retry(Duration::from_secs_f64(args.retry_base_secs), args.retries)
        .dispatch_timeout(Duration::from_secs(args.dispatch_timeout_secs));
    let token = args
        .token
        .clone()
        .unwrap_or_else(|| DEFAULT_TOKEN.to_owned());
    config.tokens.clear();
    config = config.token(token.clone(), DEFAULT_USER);
    if let Some(dir) = &args.data_dir {
        config = config.storage(Storage::Dir(dir.clone()));
    }
    for a in &args.actors {
        let (name, command) = split("actor", a)?;
        config = config.actor(&name, ActorSpec::command(&command));
    }
    for t in &args.tasks {
        let (name, actor) = split("task", t)?;
        config = config.task(&name, &actor);
    }
    let actors: Vec<String> = config
        .actors
        .keys()
        .map(|a| a.replacen('~', "/", 1))
        .collect();
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let emulator = Emulator::start(config).await?;
        let (token_note, token_export) = match args.token {
            Some(_) => ("the one you gave", "<your token>"),
            None => (DEFAULT_TOKEN, DEFAULT_TOKEN),
        };
        println!("Apify API emulator listening on {}", emulator.url());
        println!("  token: (user {DEFAULT_USER}) {token_note}");
        println!(
            "  state: {}",
            args.data_dir
                .as_ref()
                .map_or("in memory".to_owned(), |d| d.display().to_string())
        );
        println!("  Actors: {}", actors.join(", "));
        println!("  web page: {}/ (sign in with the token)", emulator.url());
        println!();
        println!("Point the official clients, the SDKs or apify-webhooks at it:");
        println!("  export APIFY_API_BASE_URL={}", emulator.url());
        println!("  export APIFY_TOKEN={token_export}");
        println!();
        println!(
            "Press Ctrl-C to stop; pending dispatches are kept{}.",
            if args.data_dir.is_some() {
                " and resume on the next start"
            } else {
                " only in memory"
            }
        );
        shutdown_signal().await;
        eprintln!("stopping...");
        emulator.shutdown().await;
        Ok::<(), String>(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
