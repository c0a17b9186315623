//! Runs local Actors: scripted ones end after a delay; commands are spawned with the
//! platform's environment. Timeouts go through TIMING-OUT to TIMED-OUT, aborts through
//! ABORTING to ABORTED.

use crate::config::{ActorSpec, Outcome};
use crate::state::{State, is_terminal};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

/// Drives a run from READY to a terminal status.
pub(crate) fn spawn(
    state: Arc<State>,
    run_id: String,
    spec: ActorSpec,
    token: String,
    timeout: Duration,
    input_delay: Option<Duration>,
) {
    tokio::spawn(async move {
        let Some(abort) = state.lock().runs.get(&run_id).map(|r| r.abort.clone()) else {
            return;
        };
        state.set_status(&run_id, "RUNNING", None);
        match spec {
            ActorSpec::Scripted { outcome, delay } => {
                let delay = input_delay.unwrap_or(delay);
                let (run_for, result) = match outcome {
                    Outcome::TimeOut => (timeout.max(delay), None),
                    other => (delay, Some(other)),
                };
                tokio::select! {
                    _ = tokio::time::sleep(run_for.min(timeout)) => match result {
                        Some(Outcome::Succeed) if run_for <= timeout => { state.log(&run_id, "scripted Actor: succeeded"); state.set_status(&run_id, "SUCCEEDED", Some(0)); }
                        Some(Outcome::Fail) if run_for <= timeout => { state.log(&run_id, "scripted Actor: failed"); state.set_status(&run_id, "FAILED", Some(1)); }
                        _ => time_out(&state, &run_id, None).await,
                    },
                    _ = abort.notified() => finish_abort(&state, &run_id, None).await,
                }
            }
            ActorSpec::Command {
                program,
                args,
                env,
                cwd,
            } => {
                run_command(
                    &state,
                    &run_id,
                    &program,
                    &args,
                    &env,
                    cwd.as_deref(),
                    &token,
                    timeout,
                    abort,
                )
                .await
            }
        }
    });
}

async fn time_out(state: &Arc<State>, run_id: &str, child: Option<&mut tokio::process::Child>) {
    state.set_status(run_id, "TIMING-OUT", None);
    state.log(run_id, "the run timed out");
    if let Some(c) = child {
        let _ = c.kill().await;
    }
    state.set_status(run_id, "TIMED-OUT", None);
}

async fn finish_abort(state: &Arc<State>, run_id: &str, child: Option<&mut tokio::process::Child>) {
    if let Some(c) = child {
        let _ = c.kill().await;
    }
    state.log(run_id, "the run was aborted");
    state.set_status(run_id, "ABORTED", None);
}

#[allow(clippy::too_many_arguments)]
async fn run_command(
    state: &Arc<State>,
    run_id: &str,
    program: &str,
    args: &[String],
    env: &[(String, String)],
    cwd: Option<&std::path::Path>,
    token: &str,
    timeout: Duration,
    abort: Arc<tokio::sync::Notify>,
) {
    let Some(run) = state.run(run_id) else { return };
    let text = |k: &str| run[k].as_str().unwrap_or_default().to_owned();
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("ACTOR_RUN_ID", run_id)
        .env("APIFY_ACTOR_RUN_ID", run_id)
        .env("APIFY_TOKEN", token)
        .env("APIFY_API_BASE_URL", &state.base_url)
        .env("APIFY_API_PUBLIC_BASE_URL", &state.base_url)
        .env("APIFY_IS_AT_HOME", "1")
        .env("ACTOR_ID", text("actId"))
        .env("APIFY_ACTOR_ID", text("actId"))
        .env("APIFY_USER_ID", text("userId"))
        .env(
            "ACTOR_DEFAULT_KEY_VALUE_STORE_ID",
            text("defaultKeyValueStoreId"),
        )
        .env(
            "APIFY_DEFAULT_KEY_VALUE_STORE_ID",
            text("defaultKeyValueStoreId"),
        )
        .env("ACTOR_DEFAULT_DATASET_ID", text("defaultDatasetId"))
        .env("APIFY_DEFAULT_DATASET_ID", text("defaultDatasetId"))
        .env(
            "ACTOR_DEFAULT_REQUEST_QUEUE_ID",
            text("defaultRequestQueueId"),
        )
        .env(
            "APIFY_DEFAULT_REQUEST_QUEUE_ID",
            text("defaultRequestQueueId"),
        )
        .env("ACTOR_STARTED_AT", text("startedAt"))
        .env(
            "ACTOR_TIMEOUT_AT",
            crate::time::iso(crate::time::now_ms() + timeout.as_millis() as i64),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(task) = run["actorTaskId"].as_str() {
        cmd.env("ACTOR_TASK_ID", task)
            .env("APIFY_ACTOR_TASK_ID", task);
    }
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            state.log(run_id, &format!("cannot start `{program}`: {e}"));
            state.set_status(run_id, "FAILED", Some(-1));
            return;
        }
    };
    for stream in [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        child.stderr.take().map(|s| Box::new(s) as _),
    ]
    .into_iter()
    .flatten()
    {
        let (state, run_id) = (state.clone(), run_id.to_owned());
        tokio::spawn(async move {
            let mut lines = BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                state.log(&run_id, &line);
            }
            state.persist_log(&run_id);
        });
    }
    tokio::select! {
        status = child.wait() => {
            let code = status.ok().and_then(|s| s.code()).map_or(-1, i64::from);
            // An abort may have finished the run already.
            if !state.run(run_id).is_some_and(|r| is_terminal(r["status"].as_str().unwrap_or(""))) {
                state.set_status(run_id, if code == 0 { "SUCCEEDED" } else { "FAILED" }, Some(code));
            }
        }
        _ = tokio::time::sleep(timeout) => time_out(state, run_id, Some(&mut child)).await,
        _ = abort.notified() => finish_abort(state, run_id, Some(&mut child)).await,
    }
}

/// After a restart (or a crash), runs that were not finished have no process driving them:
/// each restarts from the beginning, as the platform restarts a migrated run (its
/// `stats.restartCount` goes up), so its webhooks still fire. A run whose Actor is no longer
/// configured fails instead; one that was aborting or timing out finishes that way.
pub(crate) fn recover(state: &Arc<State>) {
    let unfinished: Vec<serde_json::Value> = state
        .lock()
        .runs
        .values()
        .filter(|r| !is_terminal(r.value["status"].as_str().unwrap_or("")))
        .map(|r| r.value.clone())
        .collect();
    for run in unfinished {
        let id = run["id"].as_str().unwrap_or_default().to_owned();
        let status = run["status"].as_str().unwrap_or_default();
        let note = "the emulator restarted while this run was unfinished";
        match status {
            "ABORTING" => {
                state.log(&id, &format!("{note}: the abort completes"));
                state.set_status(&id, "ABORTED", None);
                continue;
            }
            "TIMING-OUT" => {
                state.log(&id, &format!("{note}: the timeout completes"));
                state.set_status(&id, "TIMED-OUT", None);
                continue;
            }
            _ => {}
        }
        let spec = run["actId"]
            .as_str()
            .and_then(|a| state.config.actors.get(a).cloned());
        let token = run["userId"]
            .as_str()
            .and_then(|user| state.config.token_of(user))
            .map(str::to_owned);
        let (Some(spec), Some(token)) = (spec, token) else {
            state.log(
                &id,
                &format!("{note}, and its Actor or user is no longer configured"),
            );
            state.set_status(&id, "FAILED", None);
            continue;
        };
        let input_delay = state.input_delay(&run);
        let timeout = Duration::from_secs(run["options"]["timeoutSecs"].as_u64().unwrap_or(3600));
        state.restarted(&id);
        state.log(&id, &format!("{note}: it restarts"));
        tracing::info!(run = %id, "restarting an unfinished run");
        spawn(state.clone(), id, spec, token, timeout, input_delay);
    }
}
