//! The sandbox CRM's database: one SQLite file holding CRM objects
//! (contacts, companies, deals, emails) as JSON property bags, and their
//! associations. Restart-safe: every call is its own transaction.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::Mutex;

/// The object types the sandbox stores.
pub const OBJECT_TYPES: [&str; 4] = ["contacts", "companies", "deals", "emails"];

/// An association to make: (object id, type id, category).
pub type NewAssociation = (String, u32, String);
/// An object to create: its properties and associations.
pub type NewObject = (Map<String, Value>, Vec<NewAssociation>);

/// A stored object.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Id (decimal, as HubSpot's).
    pub id: String,
    /// Type, one of [`OBJECT_TYPES`].
    pub object_type: String,
    /// Properties.
    pub properties: Map<String, Value>,
    /// Creation time, RFC 3339.
    pub created_at: String,
    /// Last update, RFC 3339.
    pub updated_at: String,
}

impl Object {
    /// The HubSpot JSON form, with the requested properties (all when
    /// `wanted` is empty).
    pub fn to_json(&self, wanted: &[String]) -> Value {
        let mut props = Map::new();
        if wanted.is_empty() {
            props = self.properties.clone();
        } else {
            for w in wanted {
                props.insert(
                    w.clone(),
                    self.properties.get(w).cloned().unwrap_or(Value::Null),
                );
            }
        }
        props.insert("hs_object_id".into(), Value::String(self.id.clone()));
        props.insert("createdate".into(), Value::String(self.created_at.clone()));
        props.insert(
            "hs_lastmodifieddate".into(),
            Value::String(self.updated_at.clone()),
        );
        serde_json::json!({
            "id": self.id,
            "properties": props,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "archived": false,
        })
    }

    /// A string property.
    pub fn prop(&self, name: &str) -> Option<&str> {
        self.properties.get(name).and_then(Value::as_str)
    }
}

/// Why a write was refused.
#[derive(Debug)]
pub enum StoreError {
    /// A unique property already holds this value on object `existing`.
    Conflict {
        /// The property.
        property: &'static str,
        /// The object that has it.
        existing: String,
    },
    /// The database failed.
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e)
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Conflict { property, existing } => {
                write!(
                    f,
                    "an object with this {property} already exists: {existing}"
                )
            }
            StoreError::Db(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// The database.
pub struct Store {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  email TEXT,
  tracking_id TEXT,
  properties TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_contact_email ON objects(email) WHERE type = 'contacts';
CREATE UNIQUE INDEX IF NOT EXISTS objects_email_tracking ON objects(tracking_id) WHERE type = 'emails';
CREATE INDEX IF NOT EXISTS objects_by_type ON objects(type, id);
CREATE TABLE IF NOT EXISTS associations (
  from_id INTEGER NOT NULL,
  to_id INTEGER NOT NULL,
  type_id INTEGER NOT NULL,
  category TEXT NOT NULL,
  PRIMARY KEY (from_id, to_id, type_id)
);
CREATE INDEX IF NOT EXISTS associations_to ON associations(to_id);
";

fn lock(m: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    // A panic while holding the lock leaves SQLite consistent (each call is
    // one transaction), so a poisoned lock is safe to reuse.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Store {
    /// Opens (creating when absent) the database file.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    /// A value from the meta table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let conn = lock(&self.conn);
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Sets a value in the meta table.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let conn = lock(&self.conn);
        conn.execute(
            "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Creates objects of one type with their associations, all or none.
    /// Contacts are unique by lower-cased `email`, emails by
    /// `crmlog_tracking_id` (the property is created with a unique value, as
    /// HubSpot allows for custom properties).
    pub fn create(
        &self,
        object_type: &str,
        items: Vec<NewObject>,
        now: &str,
    ) -> Result<Vec<Object>, StoreError> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction()?;
        let mut created = Vec::with_capacity(items.len());
        for (mut properties, associations) in items {
            let email = if object_type == "contacts" {
                let e = properties
                    .get("email")
                    .and_then(Value::as_str)
                    .map(|e| e.trim().to_lowercase());
                if let Some(e) = &e {
                    properties.insert("email".into(), Value::String(e.clone()));
                }
                e
            } else {
                None
            };
            let tracking = if object_type == "emails" {
                properties
                    .get(crate::crm::api::TRACKING_PROPERTY)
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
            } else {
                None
            };
            if let Some(e) = &email {
                let existing: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM objects WHERE type = 'contacts' AND email = ?1",
                        [e],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(id) = existing {
                    return Err(StoreError::Conflict {
                        property: "email",
                        existing: id.to_string(),
                    });
                }
            }
            if let Some(t) = &tracking {
                let existing: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM objects WHERE type = 'emails' AND tracking_id = ?1",
                        [t],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(id) = existing {
                    return Err(StoreError::Conflict {
                        property: crate::crm::api::TRACKING_PROPERTY,
                        existing: id.to_string(),
                    });
                }
            }
            let json = Value::Object(properties.clone()).to_string();
            tx.execute(
                "INSERT INTO objects(type, email, tracking_id, properties, created_at, updated_at)
                 VALUES(?1, ?2, ?3, ?4, ?5, ?5)",
                params![object_type, email, tracking, json, now],
            )?;
            let id = tx.last_insert_rowid();
            for (to_id, type_id, category) in associations {
                let to: i64 = to_id.parse().unwrap_or(-1);
                tx.execute(
                    "INSERT OR IGNORE INTO associations(from_id, to_id, type_id, category) VALUES(?1, ?2, ?3, ?4)",
                    params![id, to, type_id, category],
                )?;
            }
            created.push(Object {
                id: id.to_string(),
                object_type: object_type.to_string(),
                properties,
                created_at: now.to_string(),
                updated_at: now.to_string(),
            });
        }
        tx.commit()?;
        Ok(created)
    }

    /// One object by id.
    pub fn get(&self, object_type: &str, id: &str) -> Result<Option<Object>, StoreError> {
        let Ok(id) = id.parse::<i64>() else {
            return Ok(None);
        };
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare_cached(
            "SELECT id, type, properties, created_at, updated_at FROM objects WHERE type = ?1 AND id = ?2",
        )?;
        Ok(stmt
            .query_row(params![object_type, id], row_to_object)
            .optional()?)
    }

    /// Contacts by (lower-cased) email.
    pub fn contact_by_email(&self, email: &str) -> Result<Option<Object>, StoreError> {
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare_cached(
            "SELECT id, type, properties, created_at, updated_at FROM objects WHERE type = 'contacts' AND email = ?1",
        )?;
        Ok(stmt
            .query_row([email.trim().to_lowercase()], row_to_object)
            .optional()?)
    }

    /// Objects of a type with id greater than `after`, oldest first.
    pub fn list(
        &self,
        object_type: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Object>, StoreError> {
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare_cached(
            "SELECT id, type, properties, created_at, updated_at FROM objects
             WHERE type = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![object_type, after, limit as i64], row_to_object)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Objects of a type where any filter group matches; a group matches
    /// when all its `(property, values)` filters do (string comparison
    /// ignoring case, as HubSpot's search does).
    pub fn search(
        &self,
        object_type: &str,
        groups: &[Vec<(String, Vec<String>)>],
        limit: usize,
    ) -> Result<(u64, Vec<Object>), StoreError> {
        let mut sql = String::from(
            "SELECT id, type, properties, created_at, updated_at FROM objects WHERE type = ?",
        );
        let mut args: Vec<String> = vec![object_type.to_string()];
        if !groups.is_empty() {
            let mut ors = Vec::new();
            for group in groups {
                let mut ands = Vec::new();
                for (property, values) in group {
                    let path = format!("$.\"{}\"", property.replace('"', ""));
                    let marks = vec!["lower(?)"; values.len()].join(",");
                    ands.push(format!("lower(json_extract(properties, ?)) IN ({marks})"));
                    args.push(path);
                    args.extend(values.iter().cloned());
                }
                if ands.is_empty() {
                    ands.push("1".into());
                }
                ors.push(format!("({})", ands.join(" AND ")));
            }
            sql.push_str(&format!(" AND ({})", ors.join(" OR ")));
        }
        sql.push_str(" ORDER BY id");
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), row_to_object)?;
        let all: Vec<Object> = rows.collect::<Result<_, _>>()?;
        let total = all.len() as u64;
        Ok((total, all.into_iter().take(limit).collect()))
    }

    /// Ids of the objects of `to_type` associated with object `id`, in
    /// either direction (associations are symmetric, as in HubSpot).
    pub fn associated(&self, id: &str, to_type: &str) -> Result<Vec<(String, u32)>, StoreError> {
        let Ok(id) = id.parse::<i64>() else {
            return Ok(Vec::new());
        };
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare_cached(
            "SELECT o.id, a.type_id FROM associations a JOIN objects o ON o.id = a.to_id
               WHERE a.from_id = ?1 AND o.type = ?2
             UNION
             SELECT o.id, a.type_id FROM associations a JOIN objects o ON o.id = a.from_id
               WHERE a.to_id = ?1 AND o.type = ?2
             ORDER BY 1",
        )?;
        let rows = stmt.query_map(params![id, to_type], |r| {
            Ok((r.get::<_, i64>(0)?.to_string(), r.get::<_, u32>(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Number of objects of a type.
    pub fn count(&self, object_type: &str) -> Result<u64, StoreError> {
        let conn = lock(&self.conn);
        Ok(conn.query_row(
            "SELECT count(*) FROM objects WHERE type = ?1",
            [object_type],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }
}

fn row_to_object(r: &rusqlite::Row<'_>) -> rusqlite::Result<Object> {
    let id: i64 = r.get(0)?;
    let props: String = r.get(2)?;
    let properties = match serde_json::from_str::<Value>(&props) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    Ok(Object {
        id: id.to_string(),
        object_type: r.get(1)?,
        properties,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}
