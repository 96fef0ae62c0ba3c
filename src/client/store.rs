//! [`OutboxStore`] over SQLite: one row per tracking id, written in its own
//! transaction before the host acts on it.

use crate::crm::outbox::{Item, ItemState, OutboxStore};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

/// The outbox in a SQLite file.
pub struct SqliteOutbox {
    conn: Connection,
}

/// A store failure (database, or an item that cannot be read back).
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "outbox store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

fn state_name(s: ItemState) -> &'static str {
    match s {
        ItemState::Queued => "queued",
        ItemState::Sending => "sending",
        ItemState::Done => "done",
        ItemState::Parked => "parked",
        ItemState::Refused => "refused",
        ItemState::SentToBcc => "sent_to_bcc",
    }
}

impl SqliteOutbox {
    /// Opens (creating when absent) the outbox at `path`.
    pub fn open(path: &Path) -> Result<SqliteOutbox, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a confirmed write survives a power cut, not only a kill.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS outbox (
               seq INTEGER PRIMARY KEY AUTOINCREMENT,
               tracking_id TEXT NOT NULL UNIQUE,
               state TEXT NOT NULL,
               item TEXT NOT NULL
             );
             CREATE INDEX IF NOT EXISTS outbox_state ON outbox(state, seq);",
        )?;
        Ok(SqliteOutbox { conn })
    }

    fn read(rows: Vec<String>) -> Result<Vec<Item>, StoreError> {
        rows.into_iter()
            .map(|json| serde_json::from_str(&json).map_err(|e| StoreError(e.to_string())))
            .collect()
    }

    /// Counts of items by state: (queued + sending, done, parked).
    pub fn counts(&mut self) -> Result<(u64, u64, u64), StoreError> {
        let count = |conn: &Connection, states: &str| -> Result<u64, StoreError> {
            Ok(conn.query_row(
                &format!("SELECT count(*) FROM outbox WHERE state IN ({states})"),
                [],
                |r| r.get::<_, i64>(0),
            )? as u64)
        };
        Ok((
            count(&self.conn, "'queued','sending'")?,
            count(&self.conn, "'done'")?,
            count(&self.conn, "'parked'")?,
        ))
    }
}

impl OutboxStore for SqliteOutbox {
    type Error = StoreError;

    fn put(&mut self, item: &Item) -> Result<(), StoreError> {
        let json = serde_json::to_string(item).map_err(|e| StoreError(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO outbox(tracking_id, state, item) VALUES(?1, ?2, ?3)
             ON CONFLICT(tracking_id) DO UPDATE SET state = excluded.state, item = excluded.item",
            params![item.key(), state_name(item.state), json],
        )?;
        Ok(())
    }

    fn get(&mut self, key: &str) -> Result<Option<Item>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT item FROM outbox WHERE tracking_id = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(Self::read(json.into_iter().collect())?.pop())
    }

    fn pending(&mut self) -> Result<Vec<Item>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT item FROM outbox WHERE state IN ('queued','sending','sent_to_bcc') ORDER BY seq")?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Self::read(rows)
    }

    fn all(&mut self) -> Result<Vec<Item>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT item FROM outbox ORDER BY seq")?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Self::read(rows)
    }
}
