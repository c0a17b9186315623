//! Durable state in SQLite, written through on every change and read back at start, so runs,
//! webhooks and pending dispatches survive a restart.
//!
//! Runs, webhooks and storages are JSON objects by kind and id. Dispatches have their own
//! table, indexed by user, webhook and run: it is the source of truth for them, so finished
//! dispatches live only on disk and the emulator's memory does not grow with them.

use crate::config::Storage;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use std::sync::Mutex;

pub(crate) struct Store {
    conn: Mutex<Connection>,
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

/// One dispatch row: what the indexes need, and the JSON body.
pub(crate) struct DispatchRow<'a> {
    pub id: &'a str,
    pub user: &'a str,
    pub webhook: &'a str,
    pub run: Option<&'a str>,
    pub status: &'a str,
    pub body: &'a [u8],
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
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn put(&self, kind: &str, id: &str, body: &[u8]) {
        let conn = self.conn();
        let result = conn
            .prepare_cached("INSERT INTO objects (kind, id, body) VALUES (?1, ?2, ?3) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body")
            .and_then(|mut s| s.execute(params![kind, id, body]));
        if let Err(e) = result {
            tracing::error!(kind, id, error = %e, "could not persist state");
        }
    }

    pub(crate) fn delete(&self, kind: &str, id: &str) {
        let _ = self.conn().execute(
            "DELETE FROM objects WHERE kind = ?1 AND id = ?2",
            params![kind, id],
        );
    }

    pub(crate) fn load(&self, kind: &str) -> Vec<(String, Vec<u8>)> {
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

    /// Inserts or updates a dispatch; it keeps its place in the creation order.
    pub(crate) fn put_dispatch(&self, row: DispatchRow<'_>) {
        let conn = self.conn();
        let result = conn
            .prepare_cached(
                "INSERT INTO dispatches (id, user_id, webhook_id, run_id, status, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body",
            )
            .and_then(|mut s| {
                s.execute(params![row.id, row.user, row.webhook, row.run, row.status, row.body])
            });
        if let Err(e) = result {
            tracing::error!(dispatch = row.id, error = %e, "could not persist a dispatch");
        }
    }

    /// One dispatch's body.
    pub(crate) fn dispatch(&self, id: &str) -> Option<Vec<u8>> {
        let conn = self.conn();
        conn.prepare_cached("SELECT body FROM dispatches WHERE id = ?1")
            .and_then(|mut s| s.query_row(params![id], |r| r.get(0)).optional())
            .ok()
            .flatten()
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
        let conn = self.conn();
        let total: usize = conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM dispatches{condition}"))
            .and_then(|mut s| s.query_row(params_from_iter(&args), |r| r.get::<_, i64>(0)))
            .map(|n| n as usize)
            .unwrap_or(0);
        let order = if page.desc { "DESC" } else { "ASC" };
        let limit = i64::try_from(page.limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT body FROM dispatches{condition} ORDER BY seq {order} LIMIT {limit} OFFSET {offset}"
        );
        let bodies = conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(&args), |r| r.get(0))
                    .map(|rows| rows.filter_map(Result::ok).collect())
            })
            .unwrap_or_default();
        (total, bodies)
    }
}
