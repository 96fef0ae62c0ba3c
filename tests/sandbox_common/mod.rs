//! Shared by the `sandbox_*` tests: a sandbox CRM on 127.0.0.1 port 0 over
//! a fresh database, seeded or not, and plain HTTP calls to it.
#![allow(dead_code, clippy::unwrap_used)]

use crmlog::sandbox::Sandbox;
use crmlog::sandbox::http::Server;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// The token every test sandbox uses.
pub const TOKEN: &str = "test-token";

/// A sandbox serving in this process.
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The database file.
    pub db: PathBuf,
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
    server: Option<Server>,
}

impl Running {
    /// Stops accepting connections (the database stays).
    pub fn stop(mut self) -> (tempfile::TempDir, PathBuf) {
        if let Some(s) = self.server.take() {
            s.stop();
        }
        (self.dir, self.db)
    }
}

/// A file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The spec's example account.
pub fn example_account() -> PathBuf {
    fixture("decide-examples/account.json")
}

/// Serves the database `db` (created when absent).
pub fn serve(dir: tempfile::TempDir, db: PathBuf) -> Running {
    let sb = Sandbox::open(&db, Some(TOKEN)).unwrap();
    let server = sb
        .serve(TcpListener::bind(("127.0.0.1", 0)).unwrap())
        .unwrap();
    Running {
        url: format!("http://127.0.0.1:{}", server.port()),
        db,
        dir,
        server: Some(server),
    }
}

/// A sandbox over a fresh database, seeded with `account` when given.
pub fn start(account: Option<&Path>) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    if let Some(account) = account {
        let store = crmlog::sandbox::store::Store::open(&db).unwrap();
        let text = std::fs::read_to_string(account).unwrap();
        crmlog::sandbox::account::seed(&store, &text, "2026-11-01T00:00:00.000Z").unwrap();
    }
    serve(dir, db)
}

/// One HTTP exchange: status, content type and body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends a request; `token` None sends no Authorization header.
pub fn call(
    url: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> Answer {
    let mut req = ureq::request(method, &format!("{url}{path}"));
    if let Some(t) = token {
        req = req.set("authorization", &format!("Bearer {t}"));
    }
    let result = match body {
        Some(b) => req.send_bytes(b),
        None => req.call(),
    };
    let response = match result {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    Answer {
        status: response.status(),
        content_type: response.header("content-type").unwrap_or("").to_string(),
        body: response.into_string().unwrap(),
    }
}

/// POSTs a raw message to an inbox (`bcc` or `forward`).
pub fn ingest(url: &str, kind: &str, raw: &[u8]) -> Answer {
    call(
        url,
        "POST",
        &format!("/crmlog/v1/inbox/{kind}"),
        Some(TOKEN),
        Some(raw),
    )
}

/// A JSON API call with the token.
pub fn api(url: &str, method: &str, path: &str, body: Option<serde_json::Value>) -> Answer {
    let body = body.map(|b| b.to_string());
    call(
        url,
        method,
        path,
        Some(TOKEN),
        body.as_deref().map(str::as_bytes),
    )
}

/// Ids of the objects of `to_type` associated with object `id` and each
/// association's type id, through the v4 API.
pub fn associated(url: &str, from_type: &str, id: &str, to_type: &str) -> Vec<(String, u64)> {
    let a = api(
        url,
        "GET",
        &format!("/crm/associations/v4/objects/{from_type}/{id}/associations/{to_type}"),
        None,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["toObjectId"].to_string(),
                r["associationTypes"][0]["typeId"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// One object through the API, with the given properties.
pub fn object(url: &str, object_type: &str, id: &str, properties: &str) -> serde_json::Value {
    let a = api(
        url,
        "GET",
        &format!("/crm/v3/objects/{object_type}/{id}?properties={properties}"),
        None,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()
}

/// Every object of a type through the list API.
pub fn list(url: &str, object_type: &str) -> Vec<serde_json::Value> {
    let a = api(
        url,
        "GET",
        &format!("/crm/v3/objects/{object_type}?limit=100"),
        None,
    );
    assert_eq!(a.status, 200, "{}", a.body);
    a.json()["results"].as_array().unwrap().clone()
}

/// Every row of every table of the database file, as text (each column
/// cast to text), for checking what is stored anywhere.
pub fn all_rows(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() >= 4, "tables: {tables:?}");
    let mut rows = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(row) = q.next().unwrap() {
            let mut text = format!("{t}:");
            for i in 0..n {
                let v: rusqlite::types::Value = row.get(i).unwrap();
                match v {
                    rusqlite::types::Value::Text(s) => text.push_str(&s),
                    rusqlite::types::Value::Blob(b) => text.push_str(&String::from_utf8_lossy(&b)),
                    rusqlite::types::Value::Integer(i) => text.push_str(&i.to_string()),
                    rusqlite::types::Value::Real(f) => text.push_str(&f.to_string()),
                    rusqlite::types::Value::Null => {}
                }
                text.push('|');
            }
            rows.push(text);
        }
    }
    rows
}

/// `crmlog decide --account A --event E` as JSON.
pub fn decide(account: &Path, event: &Path) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crmlog"))
        .args(["decide", "--account"])
        .arg(account)
        .arg("--event")
        .arg(event)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
