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
    /// Bumped by every write of this process that can change the account
    /// the rules decide with (see [`Store::version`]).
    generation: std::sync::atomic::AtomicU64,
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
DROP INDEX IF EXISTS associations_to;
CREATE INDEX IF NOT EXISTS associations_to_type ON associations(to_id, type_id, from_id);
CREATE TABLE IF NOT EXISTS ingestions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reasons TEXT NOT NULL,
  email_id INTEGER,
  message_id TEXT,
  message_date TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS ingestions_message ON ingestions(kind, message_id)
  WHERE message_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS opens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tracking_id TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS opens_by_id ON opens(tracking_id);
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
            generation: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Records one fetch of the open-tracking pixel of `tracking_id`
    /// (spec/tracking.md, carrier 3).
    pub fn record_open(&self, tracking_id: &str, at: &str) -> Result<(), StoreError> {
        let conn = lock(&self.conn);
        conn.execute(
            "INSERT INTO opens(tracking_id, at) VALUES(?1, ?2)",
            params![tracking_id, at],
        )?;
        Ok(())
    }

    /// How often the pixel of `tracking_id` was fetched, and when last.
    pub fn opens(&self, tracking_id: &str) -> Result<(u64, Option<String>), StoreError> {
        let conn = lock(&self.conn);
        Ok(conn.query_row(
            "SELECT COUNT(*), MAX(at) FROM opens WHERE tracking_id = ?1",
            [tracking_id],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
        )?)
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
        self.bump();
        Ok(())
    }

    /// Changes whenever what the account is built from (settings, the
    /// never-log list, contacts, companies, deals and their associations)
    /// may have changed: SQLite's `data_version` moves when another
    /// connection (a `sandbox seed` process) commits, the generation when
    /// this process writes. Emails and their associations leave it alone.
    pub fn version(&self) -> Result<(i64, u64), StoreError> {
        let conn = lock(&self.conn);
        let data_version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok((
            data_version,
            self.generation.load(std::sync::atomic::Ordering::SeqCst),
        ))
    }

    fn bump(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
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
        let mut changes_account = object_type != "emails";
        for (properties, associations) in items {
            changes_account |= associations
                .iter()
                .any(|(_, type_id, _)| !EMAIL_ASSOCIATIONS.contains(type_id));
            created.push(insert_object(
                &tx,
                object_type,
                properties,
                &associations,
                now,
                now,
            )?);
        }
        tx.commit()?;
        if changes_account {
            self.bump();
        }
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
                    // The two searches the logging job makes use the
                    // indexed columns: contacts by email (stored lower-cased)
                    // and emails by tracking id (a unique property; ids are
                    // canonical lower case, tracking.md). Other properties
                    // are compared inside the JSON, ignoring case.
                    let indexed = match (object_type, property.as_str()) {
                        ("contacts", "email") => Some("email"),
                        ("emails", crate::crm::api::TRACKING_PROPERTY) => Some("tracking_id"),
                        _ => None,
                    };
                    match indexed {
                        Some(column) => {
                            let marks = vec!["?"; values.len()].join(",");
                            ands.push(format!("{column} IN ({marks})"));
                            args.extend(values.iter().map(|v| v.trim().to_lowercase()));
                        }
                        None => {
                            let path = format!("$.\"{}\"", property.replace('"', ""));
                            let marks = vec!["lower(?)"; values.len()].join(",");
                            ands.push(format!("lower(json_extract(properties, ?)) IN ({marks})"));
                            args.push(path);
                            args.extend(values.iter().cloned());
                        }
                    }
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

/// A contact as the rules engine needs it (G1, O6), read from the CRM
/// objects: its legal basis and the companies and deals associated with it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactFacts {
    /// Object id.
    pub id: String,
    /// Lower-cased address.
    pub email: String,
    /// The `crmlog_legal_basis` property is `true`.
    pub legal_basis: bool,
    /// Associated companies and deals, by object id.
    pub links: Vec<Link>,
}

/// An object associated with a contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The associated object.
    pub object: Object,
    /// The association's type id (contact → company 1 is "Primary").
    pub type_id: u32,
}

/// A deal of a contact to seed.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedDeal {
    /// The account's deal id, kept in the property `crmlog_deal_id`.
    pub id: String,
    /// Open or closed (`hs_is_closed`).
    pub open: bool,
    /// Creation time, RFC 3339 UTC (`createdate`).
    pub created: String,
}

/// A contact to seed.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedContact {
    /// Lower-cased address.
    pub email: String,
    /// Properties to set (names only when the contact has none yet).
    pub properties: Map<String, Value>,
    /// Name of its primary company.
    pub company: Option<String>,
    /// Its deals.
    pub deals: Vec<SeedDeal>,
}

/// What a seed changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SeedCounts {
    /// Contacts created.
    pub contacts_created: usize,
    /// Contacts that existed and were updated.
    pub contacts_updated: usize,
    /// Companies created.
    pub companies_created: usize,
    /// Deals created.
    pub deals_created: usize,
    /// Deals that existed and were updated.
    pub deals_updated: usize,
}

/// A timeline contact of an ingested email.
#[derive(Debug, Clone, PartialEq)]
pub enum TimelineContact {
    /// A contact the decision found.
    Existing(String),
    /// A contact to create (O5) with these properties, `email` among them;
    /// if a concurrent writer created it meanwhile, that one is used.
    New(Map<String, Value>),
}

/// An email logged from the BCC or forwarding inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxEmail {
    /// `bcc` or `forward`.
    pub kind: &'static str,
    /// The received message's Message-ID: a second copy is ignored.
    pub message_id: Option<String>,
    /// The message's Date, RFC 3339.
    pub message_date: Option<String>,
    /// The decision's reasons as JSON (`[{"code","rule"}]`, no messages).
    pub reasons: String,
    /// The email's properties.
    pub properties: Map<String, Value>,
    /// The timeline.
    pub contacts: Vec<TimelineContact>,
    /// Company ids (O6).
    pub companies: Vec<String>,
    /// Deal ids (O6).
    pub deals: Vec<String>,
}

/// The outcome of [`Store::log_inbox_email`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxWrite {
    /// The email was created.
    Created {
        /// Its id.
        email_id: String,
        /// The timeline contacts' ids.
        contact_ids: Vec<String>,
    },
    /// A copy with the same tracking id or Message-ID was logged before.
    Duplicate {
        /// That copy's id.
        email_id: String,
    },
}

/// One message the inbox received, as the page lists it. Holds no address
/// and no message content (N5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingestion {
    /// When it arrived, RFC 3339.
    pub at: String,
    /// `bcc` or `forward`.
    pub kind: String,
    /// `logged`, `duplicate` or `not_logged`.
    pub outcome: String,
    /// `[{"code","rule"}]`.
    pub reasons: Vec<(String, String)>,
    /// The email logged (or found), if any.
    pub email_id: Option<String>,
    /// The message's Date, RFC 3339.
    pub message_date: Option<String>,
}

/// The property that keeps an account's deal id on a seeded deal.
pub const DEAL_ID_PROPERTY: &str = "crmlog_deal_id";
/// The contact property that holds the GDPR legal basis (G1).
pub const LEGAL_BASIS_PROPERTY: &str = "crmlog_legal_basis";
/// Association type contact → company "Primary" (HubSpot-defined).
pub const CONTACT_TO_PRIMARY_COMPANY: u32 = 1;
/// Association type contact → deal (HubSpot-defined).
pub const CONTACT_TO_DEAL: u32 = 4;
const HUBSPOT_DEFINED: &str = "HUBSPOT_DEFINED";
/// An email's association types (to contact, company, deal): they never
/// change the account the rules decide with.
const EMAIL_ASSOCIATIONS: [u32; 3] = [
    crate::crm::api::EMAIL_TO_CONTACT,
    crate::crm::api::EMAIL_TO_COMPANY,
    crate::crm::api::EMAIL_TO_DEAL,
];

impl Store {
    /// Every contact with its legal basis and associated companies and
    /// deals, for building the account the rules decide with.
    pub fn contact_facts(&self) -> Result<Vec<ContactFacts>, StoreError> {
        let conn = lock(&self.conn);
        let mut contacts: Vec<ContactFacts> = Vec::new();
        let mut index = std::collections::HashMap::new();
        {
            let mut stmt = conn.prepare(
                "SELECT id, type, properties, created_at, updated_at FROM objects
                 WHERE type = 'contacts' ORDER BY id",
            )?;
            for o in stmt.query_map([], row_to_object)? {
                let o = o?;
                index.insert(o.id.clone(), contacts.len());
                contacts.push(ContactFacts {
                    email: o.prop("email").unwrap_or_default().to_string(),
                    legal_basis: o.prop(LEGAL_BASIS_PROPERTY) == Some("true"),
                    id: o.id,
                    links: Vec::new(),
                });
            }
        }
        // Associations are symmetric (as in HubSpot): either end may be the
        // contact. The walk starts from the companies and deals (CROSS JOIN
        // fixes that order in SQLite), because emails' associations are the
        // bulk of the table and never link a contact to a company or deal.
        let mut stmt = conn.prepare(
            "SELECT a.from_id, a.type_id, o.id, o.type, o.properties, o.created_at, o.updated_at
               FROM objects o CROSS JOIN associations a ON a.to_id = o.id
              WHERE o.type IN ('companies', 'deals') AND a.type_id NOT IN (198, 186, 210)
             UNION ALL
             SELECT a.to_id, a.type_id, o.id, o.type, o.properties, o.created_at, o.updated_at
               FROM objects o CROSS JOIN associations a ON a.from_id = o.id
              WHERE o.type IN ('companies', 'deals') AND a.type_id NOT IN (198, 186, 210)
             ORDER BY 1, 3",
        )?;
        let rows = stmt.query_map([], |r| {
            let contact: i64 = r.get(0)?;
            let type_id: u32 = r.get(1)?;
            let props: String = r.get(4)?;
            let properties = match serde_json::from_str::<Value>(&props) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            };
            Ok((
                contact.to_string(),
                type_id,
                Object {
                    id: r.get::<_, i64>(2)?.to_string(),
                    object_type: r.get(3)?,
                    properties,
                    created_at: r.get(5)?,
                    updated_at: r.get(6)?,
                },
            ))
        })?;
        for row in rows {
            let (contact, type_id, object) = row?;
            if let Some(c) = index.get(&contact).and_then(|&i| contacts.get_mut(i))
                && !c.links.iter().any(|l| l.object.id == object.id)
            {
                c.links.push(Link { object, type_id });
            }
        }
        Ok(contacts)
    }

    /// Loads an account's settings (`meta`) and its contacts, companies and
    /// deals in one transaction, so that a failed seed changes nothing and
    /// a repeated seed duplicates nothing: contacts are keyed by address,
    /// companies by name, deals by the account's deal id.
    pub fn seed(
        &self,
        meta: &[(&str, String)],
        contacts: &[SeedContact],
        now: &str,
    ) -> Result<SeedCounts, StoreError> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction()?;
        let mut counts = SeedCounts::default();
        for (key, value) in meta {
            tx.execute(
                "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        let mut companies = keyed(&tx, "companies", "name")?;
        let mut deals = keyed(&tx, "deals", DEAL_ID_PROPERTY)?;
        for c in contacts {
            let contact = match contact_id(&tx, &c.email)? {
                Some(id) => {
                    let mut properties = object_properties(&tx, id)?;
                    for (k, v) in &c.properties {
                        // Names someone may have edited are kept.
                        let is_name = k == "firstname" || k == "lastname";
                        if !is_name || properties.get(k).is_none_or(Value::is_null) {
                            properties.insert(k.clone(), v.clone());
                        }
                    }
                    update_properties(&tx, id, &properties, None, now)?;
                    counts.contacts_updated += 1;
                    id
                }
                None => {
                    let mut properties = c.properties.clone();
                    properties.insert("email".into(), Value::String(c.email.clone()));
                    counts.contacts_created += 1;
                    object_id(&insert_object(&tx, "contacts", properties, &[], now, now)?)
                }
            };

            // One primary company: the seed's (or none).
            let company = match &c.company {
                Some(name) => Some(match companies.get(name) {
                    Some(&id) => id,
                    None => {
                        let mut p = Map::new();
                        p.insert("name".into(), Value::String(name.clone()));
                        if looks_like_domain(name) {
                            p.insert("domain".into(), Value::String(name.to_lowercase()));
                        }
                        counts.companies_created += 1;
                        let id = object_id(&insert_object(&tx, "companies", p, &[], now, now)?);
                        companies.insert(name.clone(), id);
                        id
                    }
                }),
                None => None,
            };
            tx.execute(
                "DELETE FROM associations WHERE from_id = ?1 AND type_id = ?2
                   AND to_id IN (SELECT id FROM objects WHERE type = 'companies')
                   AND to_id IS NOT ?3",
                params![contact, CONTACT_TO_PRIMARY_COMPANY, company],
            )?;
            if let Some(company) = company {
                associate(
                    &tx,
                    contact,
                    company,
                    CONTACT_TO_PRIMARY_COMPANY,
                    HUBSPOT_DEFINED,
                )?;
            }

            let mut kept = Vec::with_capacity(c.deals.len());
            for d in &c.deals {
                let closed = Value::String((!d.open).to_string());
                let id = match deals.get(&d.id) {
                    Some(&id) => {
                        let mut properties = object_properties(&tx, id)?;
                        properties.insert("hs_is_closed".into(), closed);
                        properties.insert("createdate".into(), Value::String(d.created.clone()));
                        update_properties(&tx, id, &properties, Some(&d.created), now)?;
                        counts.deals_updated += 1;
                        id
                    }
                    None => {
                        let mut p = Map::new();
                        p.insert("dealname".into(), Value::String(d.id.clone()));
                        p.insert("hs_is_closed".into(), closed);
                        p.insert("createdate".into(), Value::String(d.created.clone()));
                        p.insert(DEAL_ID_PROPERTY.into(), Value::String(d.id.clone()));
                        counts.deals_created += 1;
                        let id = object_id(&insert_object(&tx, "deals", p, &[], &d.created, now)?);
                        deals.insert(d.id.clone(), id);
                        id
                    }
                };
                associate(&tx, contact, id, CONTACT_TO_DEAL, HUBSPOT_DEFINED)?;
                kept.push(id);
            }
            // Seeded deals the file no longer gives this contact are
            // dissociated; deals made otherwise are left alone.
            let mut stmt = tx.prepare_cached(
                "SELECT a.to_id FROM associations a JOIN objects o ON o.id = a.to_id
                  WHERE a.from_id = ?1 AND a.type_id = ?2 AND o.type = 'deals'
                    AND json_extract(o.properties, '$.crmlog_deal_id') IS NOT NULL",
            )?;
            let linked: Vec<i64> = stmt
                .query_map(params![contact, CONTACT_TO_DEAL], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            drop(stmt);
            for id in linked.into_iter().filter(|id| !kept.contains(id)) {
                tx.execute(
                    "DELETE FROM associations WHERE from_id = ?1 AND to_id = ?2 AND type_id = ?3",
                    params![contact, id, CONTACT_TO_DEAL],
                )?;
            }
        }
        tx.commit()?;
        self.bump();
        Ok(counts)
    }

    /// Logs an email received by the BCC or forwarding inbox in one
    /// transaction: the missing contacts, the email with its associations,
    /// and the record of the ingestion. A copy whose tracking id or
    /// Message-ID was logged before is not logged again (tracking.md,
    /// carrier 4).
    pub fn log_inbox_email(&self, email: InboxEmail, now: &str) -> Result<InboxWrite, StoreError> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction()?;
        let tracking = email
            .properties
            .get(crate::crm::api::TRACKING_PROPERTY)
            .and_then(Value::as_str)
            .map(|t| t.trim().to_lowercase());
        let mut earlier = match &tracking {
            Some(t) => email_by_tracking_id(&tx, t)?,
            None => None,
        };
        if earlier.is_none()
            && let Some(m) = &email.message_id
        {
            earlier = tx
                .query_row(
                    "SELECT email_id FROM ingestions WHERE kind = ?1 AND message_id = ?2",
                    params![email.kind, m],
                    |r| r.get(0),
                )
                .optional()?;
        }
        if let Some(id) = earlier {
            record(
                &tx,
                now,
                email.kind,
                "duplicate",
                &email.reasons,
                Some(id),
                None,
                email.message_date.as_deref(),
            )?;
            tx.commit()?;
            return Ok(InboxWrite::Duplicate {
                email_id: id.to_string(),
            });
        }
        let mut contact_ids = Vec::with_capacity(email.contacts.len());
        let mut created_contacts = false;
        for c in email.contacts {
            let id = match c {
                TimelineContact::Existing(id) => id,
                TimelineContact::New(properties) => {
                    let address = properties
                        .get("email")
                        .and_then(Value::as_str)
                        .map(|e| e.trim().to_lowercase())
                        .unwrap_or_default();
                    match contact_id(&tx, &address)? {
                        Some(id) => id.to_string(),
                        None => {
                            created_contacts = true;
                            insert_object(&tx, "contacts", properties, &[], now, now)?.id
                        }
                    }
                }
            };
            if !contact_ids.contains(&id) {
                contact_ids.push(id);
            }
        }
        let associations: Vec<NewAssociation> = contact_ids
            .iter()
            .map(|id| (id.clone(), crate::crm::api::EMAIL_TO_CONTACT))
            .chain(
                email
                    .companies
                    .iter()
                    .map(|id| (id.clone(), crate::crm::api::EMAIL_TO_COMPANY)),
            )
            .chain(
                email
                    .deals
                    .iter()
                    .map(|id| (id.clone(), crate::crm::api::EMAIL_TO_DEAL)),
            )
            .map(|(id, t)| (id, t, HUBSPOT_DEFINED.to_string()))
            .collect();
        let created = insert_object(&tx, "emails", email.properties, &associations, now, now)?;
        let email_id = object_id(&created);
        record(
            &tx,
            now,
            email.kind,
            "logged",
            &email.reasons,
            Some(email_id),
            email.message_id.as_deref(),
            email.message_date.as_deref(),
        )?;
        tx.commit()?;
        if created_contacts {
            self.bump();
        }
        Ok(InboxWrite::Created {
            email_id: created.id,
            contact_ids,
        })
    }

    /// Records a message the inbox did not log: when, which inbox, and the
    /// reasons (codes and rule ids only; no address, no content).
    pub fn record_refusal(
        &self,
        kind: &str,
        reasons: &str,
        message_date: Option<&str>,
        now: &str,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction()?;
        record(
            &tx,
            now,
            kind,
            "not_logged",
            reasons,
            None,
            None,
            message_date,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The most recent ingestions, newest first.
    pub fn ingestions(&self, limit: usize) -> Result<Vec<Ingestion>, StoreError> {
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare_cached(
            "SELECT at, kind, outcome, reasons, email_id, message_date FROM ingestions
             ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            let reasons: String = r.get(3)?;
            let reasons: Vec<Value> = serde_json::from_str(&reasons).unwrap_or_default();
            Ok(Ingestion {
                at: r.get(0)?,
                kind: r.get(1)?,
                outcome: r.get(2)?,
                reasons: reasons
                    .iter()
                    .map(|v| {
                        let s =
                            |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                        (s("code"), s("rule"))
                    })
                    .collect(),
                email_id: r.get::<_, Option<i64>>(4)?.map(|i| i.to_string()),
                message_date: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    tx: &Connection,
    now: &str,
    kind: &str,
    outcome: &str,
    reasons: &str,
    email_id: Option<i64>,
    message_id: Option<&str>,
    message_date: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO ingestions(at, kind, outcome, reasons, email_id, message_id, message_date)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            now,
            kind,
            outcome,
            reasons,
            email_id,
            message_id,
            message_date
        ],
    )?;
    Ok(())
}

/// Ids of the objects of a type by one of their string properties; the
/// first object wins when several share a value.
fn keyed(
    tx: &Connection,
    object_type: &str,
    property: &str,
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let mut stmt = tx.prepare(
        "SELECT id, json_extract(properties, ?2) FROM objects WHERE type = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![object_type, format!("$.\"{property}\"")], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut out = std::collections::HashMap::new();
    for row in rows {
        if let (id, Some(key)) = row? {
            out.entry(key).or_insert(id);
        }
    }
    Ok(out)
}

fn object_properties(tx: &Connection, id: i64) -> Result<Map<String, Value>, StoreError> {
    let text: String = tx.query_row("SELECT properties FROM objects WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    Ok(match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    })
}

fn update_properties(
    tx: &Connection,
    id: i64,
    properties: &Map<String, Value>,
    created_at: Option<&str>,
    now: &str,
) -> Result<(), StoreError> {
    let json = Value::Object(properties.clone()).to_string();
    tx.execute(
        "UPDATE objects SET properties = ?2, updated_at = ?3, created_at = coalesce(?4, created_at)
          WHERE id = ?1",
        params![id, json, now, created_at],
    )?;
    Ok(())
}

fn object_id(o: &Object) -> i64 {
    o.id.parse().unwrap_or(-1)
}

/// A company name that is a domain (`client.example`) also becomes the
/// company's `domain` property, as HubSpot fills it.
fn looks_like_domain(name: &str) -> bool {
    let name = name.trim();
    name.contains('.')
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

/// Inserts one object and its associations inside a transaction, after
/// the uniqueness checks of [`Store::create`].
fn insert_object(
    tx: &rusqlite::Transaction<'_>,
    object_type: &str,
    mut properties: Map<String, Value>,
    associations: &[NewAssociation],
    created_at: &str,
    now: &str,
) -> Result<Object, StoreError> {
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
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
    } else {
        None
    };
    if let Some(e) = &email
        && let Some(id) = contact_id(tx, e)?
    {
        return Err(StoreError::Conflict {
            property: "email",
            existing: id.to_string(),
        });
    }
    if let Some(t) = &tracking
        && let Some(id) = email_by_tracking_id(tx, t)?
    {
        return Err(StoreError::Conflict {
            property: crate::crm::api::TRACKING_PROPERTY,
            existing: id.to_string(),
        });
    }
    let json = Value::Object(properties.clone()).to_string();
    tx.execute(
        "INSERT INTO objects(type, email, tracking_id, properties, created_at, updated_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
        params![object_type, email, tracking, json, created_at, now],
    )?;
    let id = tx.last_insert_rowid();
    for (to_id, type_id, category) in associations {
        let to: i64 = to_id.parse().unwrap_or(-1);
        associate(tx, id, to, *type_id, category)?;
    }
    Ok(Object {
        id: id.to_string(),
        object_type: object_type.to_string(),
        properties,
        created_at: created_at.to_string(),
        updated_at: now.to_string(),
    })
}

fn contact_id(tx: &Connection, email: &str) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT id FROM objects WHERE type = 'contacts' AND email = ?1")?
        .query_row([email], |r| r.get(0))
        .optional()?)
}

fn email_by_tracking_id(tx: &Connection, tracking_id: &str) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT id FROM objects WHERE type = 'emails' AND tracking_id = ?1")?
        .query_row([tracking_id], |r| r.get(0))
        .optional()?)
}

fn associate(
    tx: &Connection,
    from: i64,
    to: i64,
    type_id: u32,
    category: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO associations(from_id, to_id, type_id, category) VALUES(?1, ?2, ?3, ?4)",
    )?
    .execute(params![from, to, type_id, category])?;
    Ok(())
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
