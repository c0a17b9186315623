//! Durable state in SQLite, written through on every change and read back at start, so runs,
//! webhooks and pending dispatches survive a restart.
//!
//! Writes go to one writer thread that commits whatever has queued up in a single transaction
//! (group commit): under load, one commit covers hundreds of changes instead of one each.
//! Groups of writes that belong together (a run's new status and the dispatches it fires) are
//! sent as one message, so they commit together or not at all. Reads first wait for the queued
//! writes, so they always see them.
//!
//! Runs, webhooks and storages are JSON objects by kind and id. Dispatches have their own
//! table, indexed by user, webhook and run: it is the source of truth for them, so finished
//! dispatches live only on disk and the emulator's memory does not grow with them.

use crate::config::Storage;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

pub(crate) struct Store {
    conn: Arc<Mutex<Connection>>,
    writes: mpsc::Sender<Message>,
}

/// One change.
pub(crate) enum Op {
    Put {
        kind: &'static str,
        id: String,
        body: Vec<u8>,
    },
    Delete {
        kind: &'static str,
        id: String,
    },
    Dispatch {
        id: String,
        user: String,
        webhook: String,
        run: Option<String>,
        status: &'static str,
        body: Vec<u8>,
    },
}

/// The changes of a [`Store::batch`], and what waits for them to be queued.
#[derive(Default)]
struct Batch {
    ops: Vec<Op>,
    then: Vec<Box<dyn FnOnce()>>,
}

thread_local! {
    /// The [`Store::batch`] running on this thread.
    static BATCH: std::cell::RefCell<Option<Batch>> = const { std::cell::RefCell::new(None) };
}

enum Message {
    /// Changes that commit together.
    Group(Vec<Op>),
    /// Answered once everything sent before it is committed.
    Flush(Box<dyn FnOnce() + Send>),
}

/// Which dispatches to list.
#[derive(Default)]
pub(crate) struct DispatchFilter<'a> {
    pub user: Option<&'a str>,
    pub webhook: Option<&'a str>,
    pub run: Option<&'a str>,
    pub active_only: bool,
}

/// A slice of a list, as the API's `offset`, `limit` and `desc` ask.
#[derive(Clone, Copy)]
pub(crate) struct Page {
    pub offset: usize,
    pub limit: usize,
    pub desc: bool,
}

impl Page {
    pub(crate) const ALL: Page = Page {
        offset: 0,
        limit: usize::MAX,
        desc: false,
    };
}

impl Store {
    pub(crate) fn open(storage: &Storage) -> Result<Store, String> {
        let conn = match storage {
            Storage::Memory => Connection::open_in_memory(),
            Storage::Dir(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                Connection::open(dir.join("emulator.sqlite"))
            }
        }
        .map_err(|e| format!("cannot open the database: {e}"))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS objects (kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (kind, id));
             CREATE TABLE IF NOT EXISTS dispatches (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, webhook_id TEXT NOT NULL, run_id TEXT, status TEXT NOT NULL, body BLOB NOT NULL);
             CREATE INDEX IF NOT EXISTS dispatches_by_user ON dispatches (user_id, seq);
             CREATE INDEX IF NOT EXISTS dispatches_by_webhook ON dispatches (webhook_id, seq);
             CREATE INDEX IF NOT EXISTS dispatches_by_run ON dispatches (run_id, seq);
             CREATE INDEX IF NOT EXISTS dispatches_by_status ON dispatches (status, seq);",
        )
        .map_err(|e| format!("cannot set up the database: {e}"))?;
        let conn = Arc::new(Mutex::new(conn));
        let (writes, queue) = mpsc::channel();
        let writer = conn.clone();
        std::thread::Builder::new()
            .name("emulator-store".to_owned())
            .spawn(move || write_loop(&writer, &queue))
            .map_err(|e| format!("cannot start the store's writer: {e}"))?;
        Ok(Store { conn, writes })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues changes that commit together (inside [`Store::batch`], with the batch).
    pub(crate) fn submit(&self, mut ops: Vec<Op>) {
        if ops.is_empty() {
            return;
        }
        let batched = BATCH.with(|b| match b.borrow_mut().as_mut() {
            Some(batch) => {
                batch.ops.append(&mut ops);
                true
            }
            None => false,
        });
        if !batched {
            let _ = self.writes.send(Message::Group(ops));
        }
    }

    /// Runs `then` once the changes queued so far are queued for good: at once, or inside a
    /// [`Store::batch`] when the batch is sent. Work that must see its changes queued first
    /// (a delivery that later updates the dispatch it was started for) goes here.
    pub(crate) fn after_submit(&self, then: impl FnOnce() + 'static) {
        let deferred = BATCH.with(|b| match b.borrow_mut().as_mut() {
            Some(batch) => {
                batch.then.push(Box::new(then));
                None
            }
            None => Some(then),
        });
        if let Some(then) = deferred {
            then();
        }
    }

    /// Runs `f`, and commits every change it makes on this thread as one group: all or
    /// nothing, so a crash cannot leave, say, a run without the webhooks it was started with.
    pub(crate) fn batch<R>(&self, f: impl FnOnce() -> R) -> R {
        let outer = BATCH.with(|b| b.borrow_mut().replace(Batch::default()));
        let result = f();
        let batch = BATCH.with(|b| std::mem::replace(&mut *b.borrow_mut(), outer));
        if let Some(batch) = batch {
            self.submit(batch.ops);
            for then in batch.then {
                self.after_submit(then);
            }
        }
        result
    }

    pub(crate) fn put(&self, kind: &'static str, id: &str, body: Vec<u8>) {
        self.submit(vec![Op::Put {
            kind,
            id: id.to_owned(),
            body,
        }]);
    }

    pub(crate) fn delete(&self, kind: &'static str, id: &str) {
        self.submit(vec![Op::Delete {
            kind,
            id: id.to_owned(),
        }]);
    }

    /// Resolves once every change queued so far is committed.
    pub(crate) async fn flushed(&self) {
        let (done, wait) = tokio::sync::oneshot::channel::<()>();
        let callback = Box::new(move || {
            let _ = done.send(());
        });
        if self.writes.send(Message::Flush(callback)).is_ok() {
            let _ = wait.await;
        }
    }

    /// Blocks until every change queued so far is committed (before a read).
    fn sync(&self) {
        let (done, wait) = mpsc::channel::<()>();
        let callback = Box::new(move || {
            let _ = done.send(());
        });
        if self.writes.send(Message::Flush(callback)).is_ok() {
            let _ = wait.recv();
        }
    }

    pub(crate) fn load(&self, kind: &str) -> Vec<(String, Vec<u8>)> {
        self.sync();
        let conn = self.conn();
        let Ok(mut stmt) =
            conn.prepare("SELECT id, body FROM objects WHERE kind = ?1 ORDER BY rowid")
        else {
            return Vec::new();
        };
        stmt.query_map(params![kind], |r| Ok((r.get(0)?, r.get(1)?)))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }

    /// One dispatch's body.
    pub(crate) fn dispatch(&self, id: &str) -> Option<Vec<u8>> {
        self.sync();
        let conn = self.conn();
        conn.prepare_cached("SELECT body FROM dispatches WHERE id = ?1")
            .and_then(|mut s| s.query_row(params![id], |r| r.get(0)).optional())
            .ok()
            .flatten()
    }

    /// For each run of `user`: how many of its dispatches are (ACTIVE, SUCCEEDED, FAILED).
    pub(crate) fn dispatch_counts(
        &self,
        user: &str,
    ) -> std::collections::HashMap<String, [usize; 3]> {
        self.sync();
        let conn = self.conn();
        let mut counts = std::collections::HashMap::new();
        let rows = conn
            .prepare_cached("SELECT run_id, status, COUNT(*) FROM dispatches WHERE user_id = ?1 AND run_id IS NOT NULL GROUP BY run_id, status")
            .and_then(|mut s| {
                s.query_map(params![user], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
                })
                .map(|rows| rows.filter_map(Result::ok).collect::<Vec<_>>())
            })
            .unwrap_or_default();
        for (run, status, n) in rows {
            let slot = match status.as_str() {
                "ACTIVE" => 0,
                "SUCCEEDED" => 1,
                _ => 2,
            };
            counts.entry(run).or_insert([0; 3])[slot] += n as usize;
        }
        counts
    }

    /// The total that match, and the bodies of one page of them, in creation order.
    pub(crate) fn dispatches(
        &self,
        filter: &DispatchFilter<'_>,
        page: Page,
    ) -> (usize, Vec<Vec<u8>>) {
        let mut clauses = Vec::new();
        let mut args: Vec<&str> = Vec::new();
        for (column, value) in [
            ("user_id", filter.user),
            ("webhook_id", filter.webhook),
            ("run_id", filter.run),
        ] {
            if let Some(v) = value {
                args.push(v);
                clauses.push(format!("{column} = ?{}", args.len()));
            }
        }
        if filter.active_only {
            clauses.push("status = 'ACTIVE'".to_owned());
        }
        let condition = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        self.sync();
        let conn = self.conn();
        let total: usize = conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM dispatches{condition}"))
            .and_then(|mut s| s.query_row(params_from_iter(&args), |r| r.get::<_, i64>(0)))
            .map(|n| n as usize)
            .unwrap_or(0);
        let order = if page.desc { "DESC" } else { "ASC" };
        // Limit and offset are bound, so each filter shape is one cached statement.
        let sql = format!(
            "SELECT body FROM dispatches{condition} ORDER BY seq {order} LIMIT ?{} OFFSET ?{}",
            args.len() + 1,
            args.len() + 2
        );
        let mut values: Vec<rusqlite::types::Value> = args
            .iter()
            .map(|a| rusqlite::types::Value::Text((*a).to_owned()))
            .collect();
        values.push(i64::try_from(page.limit).unwrap_or(i64::MAX).into());
        values.push(i64::try_from(page.offset).unwrap_or(i64::MAX).into());
        let bodies = conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(&values), |r| r.get(0))
                    .map(|rows| rows.filter_map(Result::ok).collect())
            })
            .unwrap_or_default();
        (total, bodies)
    }
}

/// The writer thread: takes everything queued, commits it in one transaction, then answers
/// the flushes that were waiting on it. Ends when the store is dropped.
fn write_loop(conn: &Mutex<Connection>, queue: &mpsc::Receiver<Message>) {
    while let Ok(first) = queue.recv() {
        let mut groups = Vec::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Group(ops) => groups.push(ops),
                Message::Flush(f) => flushes.push(f),
            }
            next = if groups.len() < 10_000 {
                queue.try_recv().ok()
            } else {
                None
            };
        }
        if !groups.is_empty() {
            let mut conn = conn.lock().unwrap_or_else(|e| e.into_inner());
            if let Err(e) = commit(&mut conn, &groups) {
                tracing::error!(error = %e, changes = groups.len(), "could not persist state");
            }
        }
        for f in flushes {
            f();
        }
    }
}

fn commit(conn: &mut Connection, groups: &[Vec<Op>]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut put = tx.prepare_cached("INSERT INTO objects (kind, id, body) VALUES (?1, ?2, ?3) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body")?;
        let mut delete = tx.prepare_cached("DELETE FROM objects WHERE kind = ?1 AND id = ?2")?;
        let mut dispatch = tx.prepare_cached(
            "INSERT INTO dispatches (id, user_id, webhook_id, run_id, status, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body",
        )?;
        for op in groups.iter().flatten() {
            match op {
                Op::Put { kind, id, body } => put.execute(params![kind, id, body])?,
                Op::Delete { kind, id } => delete.execute(params![kind, id])?,
                Op::Dispatch {
                    id,
                    user,
                    webhook,
                    run,
                    status,
                    body,
                } => dispatch.execute(params![id, user, webhook, run, status, body])?,
            };
        }
    }
    tx.commit()
}
