//! Durable state: one SQLite table of JSON objects by kind and id, written through on every
//! change and read back at start, so runs, webhooks and pending dispatches survive a restart.

use crate::config::Storage;
use rusqlite::{Connection, params};
use std::sync::Mutex;

pub(crate) struct Store {
    conn: Mutex<Connection>,
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
             CREATE TABLE IF NOT EXISTS objects (kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (kind, id));",
        )
        .map_err(|e| format!("cannot set up the database: {e}"))?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn put(&self, kind: &str, id: &str, body: &[u8]) {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = conn.execute(
            "INSERT INTO objects (kind, id, body) VALUES (?1, ?2, ?3) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            params![kind, id, body],
        ) {
            tracing::error!(kind, id, error = %e, "could not persist state");
        }
    }

    pub(crate) fn delete(&self, kind: &str, id: &str) {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let _ = conn.execute(
            "DELETE FROM objects WHERE kind = ?1 AND id = ?2",
            params![kind, id],
        );
    }

    pub(crate) fn load(&self, kind: &str) -> Vec<(String, Vec<u8>)> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(mut stmt) =
            conn.prepare("SELECT id, body FROM objects WHERE kind = ?1 ORDER BY rowid")
        else {
            return Vec::new();
        };
        stmt.query_map(params![kind], |r| Ok((r.get(0)?, r.get(1)?)))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }
}
