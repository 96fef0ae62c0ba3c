//! `crmlog sandbox seed`: the account format of spec/decide.md loaded into
//! the sandbox CRM — idempotent, all or nothing, errors named as
//! `crmlog decide` names them — and the native client's logging job (rule
//! O6 through associations v4 and the deals batch read) against a seeded
//! sandbox; restart safety.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod sandbox_common;

use crmlog::crm::log::{LogJob, LogRequest, Party};
use crmlog::crm::transport::{HttpTransport, JobEnd, drive};
use sandbox_common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

fn seed(db: &Path, account: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmlog"))
        .args(["sandbox", "seed", "--db"])
        .arg(db)
        .arg(account)
        .output()
        .unwrap()
}

/// Counts of rows per object type and of associations, straight from the
/// database file.
fn counts(db: &Path) -> (Vec<(String, i64)>, i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let types = conn
        .prepare("SELECT type, count(*) FROM objects GROUP BY type ORDER BY type")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let assocs = conn
        .query_row("SELECT count(*) FROM associations", [], |r| r.get(0))
        .unwrap();
    (types, assocs)
}

#[test]
fn seeding_twice_creates_everything_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let first = seed(&db, &example_account());
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(
        report["counts"],
        json!({"contacts_created": 2, "contacts_updated": 0, "companies_created": 1,
               "deals_created": 7, "deals_updated": 0})
    );
    let after_first = counts(&db);
    assert_eq!(
        after_first,
        (
            vec![
                ("companies".into(), 1),
                ("contacts".into(), 2),
                ("deals".into(), 7)
            ],
            // Bob and the CEO to the company, Bob to seven deals.
            9
        )
    );
    let second = seed(&db, &example_account());
    assert!(second.status.success());
    let report: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(report["counts"]["contacts_created"], 0);
    assert_eq!(report["counts"]["companies_created"], 0);
    assert_eq!(report["counts"]["deals_created"], 0);
    assert_eq!(counts(&db), after_first);
}

#[test]
fn seeded_objects_carry_what_the_client_and_the_rules_read() {
    let sb = start(Some(&example_account()));
    let contacts = list(&sb.url, "contacts");
    let bob = contacts
        .iter()
        .find(|c| c["properties"]["email"] == "bob@client.example")
        .unwrap();
    assert_eq!(bob["properties"]["crmlog_legal_basis"], "true");
    let bob_id = bob["id"].as_str().unwrap();

    // Contact → company: one, labelled "Primary" (type 1).
    let companies = associated(&sb.url, "contacts", bob_id, "companies");
    assert_eq!(companies.len(), 1);
    assert_eq!(companies[0].1, 1);
    let company = object(&sb.url, "companies", &companies[0].0, "name,domain");
    assert_eq!(company["properties"]["name"], "client.example");
    assert_eq!(company["properties"]["domain"], "client.example");

    // Contact → deal (type 4); the batch read returns hs_is_closed and
    // createdate as the account gives them (the logging job's O6 step).
    let deals = associated(&sb.url, "contacts", bob_id, "deals");
    assert_eq!(deals.len(), 7);
    assert!(deals.iter().all(|(_, t)| *t == 4));
    let read = api(
        &sb.url,
        "POST",
        "/crm/objects/2026-03/deals/batch/read",
        Some(json!({
            "inputs": deals.iter().map(|(id, _)| json!({"id": id})).collect::<Vec<_>>(),
            "properties": ["hs_is_closed", "createdate", "dealname", "crmlog_deal_id"]
        })),
    );
    assert_eq!(read.status, 200, "{}", read.body);
    let mut seen: Vec<(String, String, String)> = read.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let p = &d["properties"];
            assert_eq!(p["dealname"], p["crmlog_deal_id"]);
            (
                p["crmlog_deal_id"].as_str().unwrap().to_string(),
                p["hs_is_closed"].as_str().unwrap().to_string(),
                p["createdate"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    let expected: Vec<(String, String, String)> = (1..=7)
        .map(|i| {
            (
                format!("d{i}"),
                (i == 2).to_string(),
                format!("2026-{i:02}-01T00:00:00.000Z"),
            )
        })
        .collect();
    assert_eq!(seen, expected);

    // The CEO has the company and no deals; the settings are stored.
    let ceo = contacts
        .iter()
        .find(|c| c["properties"]["email"] == "ceo@client.example")
        .unwrap();
    let ceo_id = ceo["id"].as_str().unwrap();
    assert_eq!(
        associated(&sb.url, "contacts", ceo_id, "companies"),
        companies
    );
    assert!(associated(&sb.url, "contacts", ceo_id, "deals").is_empty());
    let list = call(&sb.url, "GET", "/crmlog/v1/never-log", Some(TOKEN), None);
    assert_eq!(list.body, "rival.example\nceo@client.example\n");
}

#[test]
fn names_come_from_first_dot_last_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let account = dir.path().join("account.json");
    std::fs::write(
        &account,
        r#"{"contacts": [{"email": "Jana.Novak@Kunde.example", "company": "Kunde GmbH"},
                         {"email": "info@kunde.example", "company": "Kunde GmbH"}]}"#,
    )
    .unwrap();
    let sb = start(Some(&account));
    let contacts = list(&sb.url, "contacts");
    assert_eq!(contacts.len(), 2);
    let jana = &contacts[0]["properties"];
    assert_eq!(jana["email"], "jana.novak@kunde.example");
    assert_eq!(jana["firstname"], "Jana");
    assert_eq!(jana["lastname"], "Novak");
    assert_eq!(jana["crmlog_legal_basis"], "false");
    assert!(contacts[1]["properties"].get("firstname").is_none());
    let companies = list(&sb.url, "companies");
    assert_eq!(companies.len(), 1, "one company per distinct name");
    assert_eq!(companies[0]["properties"]["name"], "Kunde GmbH");
    assert!(companies[0]["properties"].get("domain").is_none());
}

#[test]
fn reseeding_a_changed_account_updates_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let v1 = dir.path().join("v1.json");
    let v2 = dir.path().join("v2.json");
    std::fs::write(
        &v1,
        r#"{"contacts": [{"email": "bob@client.example", "company": "Old Co",
             "deals": [{"id": "a", "open": true, "created": "2026-01-01T00:00:00Z"},
                       {"id": "b", "open": true, "created": "2026-02-01T00:00:00+01:00"}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        &v2,
        r#"{"contacts": [{"email": "bob@client.example", "legal_basis": true, "company": "New Co",
             "deals": [{"id": "a", "open": false, "created": "2026-01-01T00:00:00Z"}]}]}"#,
    )
    .unwrap();
    assert!(seed(&db, &v1).status.success());
    assert!(seed(&db, &v2).status.success());
    let sb = serve(dir, db);
    let contacts = list(&sb.url, "contacts");
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["properties"]["crmlog_legal_basis"], "true");
    let bob = contacts[0]["id"].as_str().unwrap();
    let companies = associated(&sb.url, "contacts", bob, "companies");
    assert_eq!(companies.len(), 1, "{companies:?}");
    let primary = object(&sb.url, "companies", &companies[0].0, "name");
    assert_eq!(primary["properties"]["name"], "New Co");
    let deals = associated(&sb.url, "contacts", bob, "deals");
    assert_eq!(deals.len(), 1);
    let a = object(&sb.url, "deals", &deals[0].0, "crmlog_deal_id,hs_is_closed");
    assert_eq!(a["properties"]["crmlog_deal_id"], "a");
    assert_eq!(a["properties"]["hs_is_closed"], "true");
    // Deal b stays in the CRM, no longer Bob's; its date is stored in UTC.
    let all = list(&sb.url, "deals");
    assert_eq!(all.len(), 2);
    let b = all
        .iter()
        .find(|d| d["properties"]["crmlog_deal_id"] == "b")
        .unwrap();
    assert_eq!(b["createdAt"], "2026-01-31T23:00:00.000Z");
}

#[test]
fn a_bad_file_is_named_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    for (file, line, field) in [
        (
            "sandbox/bad-deal-date.json",
            9,
            "contacts[0].deals[1].created",
        ),
        ("sandbox/bad-field.json", 6, "contacts[0].colour"),
    ] {
        let path = fixture(file);
        let out = seed(&db, &path);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{}:{line}: field `{field}`", path.display())),
            "{stderr}"
        );
        // The same message as `crmlog decide` gives for that account.
        let decide = Command::new(env!("CARGO_BIN_EXE_crmlog"))
            .args(["decide", "--account"])
            .arg(&path)
            .arg("--event")
            .arg(fixture("decide-examples/01-outgoing-mixed/event.json"))
            .output()
            .unwrap();
        assert_eq!(decide.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&decide.stderr), stderr);
    }
    let (types, assocs) = counts(&db);
    assert!(types.is_empty() && assocs == 0, "{types:?}");
    let missing = seed(&db, Path::new("no-such-account.json"));
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-account.json"));
}

fn request(tracking_id: &str) -> LogRequest {
    LogRequest {
        tracking_id: tracking_id.into(),
        from: Party {
            address: "anna@acme.example".into(),
            name: Some("Anna K".into()),
        },
        to: vec![Party {
            address: "bob@client.example".into(),
            name: Some("Bob".into()),
        }],
        cc: vec![],
        bcc: vec![],
        subject: "Offer".into(),
        text: "Hello Bob".into(),
        html: "<p>Hello Bob</p>".into(),
        sent_at: "2026-11-23T10:00:00Z".into(),
        direction: Default::default(),
    }
}

#[test]
fn the_native_client_logs_to_the_primary_company_and_five_newest_open_deals() {
    let sb = start(Some(&example_account()));
    let mut http = HttpTransport::new(&sb.url, TOKEN);
    let mut job = LogJob::new(
        request("crml-5knz5jl7dedbbq6rwxvrobvw5m"),
        ["bob@client.example".to_string()],
    );
    let JobEnd::Logged(logged) = drive(&mut job, &mut http) else {
        panic!("not logged")
    };
    assert!(!logged.already_logged);
    let companies = associated(&sb.url, "emails", &logged.email_id, "companies");
    assert_eq!(companies.len(), 1);
    assert_eq!(companies[0].1, 186);
    assert_eq!(
        object(&sb.url, "companies", &companies[0].0, "name")["properties"]["name"],
        "client.example"
    );
    let deals = associated(&sb.url, "emails", &logged.email_id, "deals");
    let ids: BTreeSet<String> = deals
        .iter()
        .map(|(id, t)| {
            assert_eq!(*t, 210);
            object(&sb.url, "deals", id, "crmlog_deal_id")["properties"]["crmlog_deal_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    // spec/decide-examples: Bob's five most recently created open deals.
    assert_eq!(ids, ["d3", "d4", "d5", "d6", "d7"].map(String::from).into());
}

#[test]
fn everything_survives_a_restart() {
    let sb = start(Some(&example_account()));
    let mut http = HttpTransport::new(&sb.url, TOKEN);
    let mut job = LogJob::new(
        request("crml-aaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ["bob@client.example".to_string()],
    );
    let JobEnd::Logged(api_email) = drive(&mut job, &mut http) else {
        panic!("not logged")
    };
    let fwd = std::fs::read(fixture("decide-examples/04-forward-german-gmail/fwd.eml")).unwrap();
    let forwarded = ingest(&sb.url, "forward", &fwd);
    assert_eq!(forwarded.status, 201);
    let unknown = std::fs::read(fixture("sandbox/bcc-unknown-sender.eml")).unwrap();
    assert_eq!(ingest(&sb.url, "bcc", &unknown).json()["logged"], false);
    let put = call(
        &sb.url,
        "PUT",
        "/crmlog/v1/never-log",
        Some(TOKEN),
        Some(b"# shared\nrival.example\n*.press.example\n"),
    );
    assert_eq!(put.status, 200);
    let before = all_rows(&sb.db);
    let (dir, db) = sb.stop();

    // Reopened from the same file by another server.
    let sb = serve(dir, db);
    assert_eq!(all_rows(&sb.db), before);
    assert_eq!(list(&sb.url, "contacts").len(), 3);
    assert_eq!(list(&sb.url, "emails").len(), 2);
    let list_text = call(&sb.url, "GET", "/crmlog/v1/never-log", Some(TOKEN), None);
    assert_eq!(list_text.body, "# shared\nrival.example\n*.press.example\n");
    // The logging job's retry finds its email; the inbox finds its copy.
    let mut http = HttpTransport::new(&sb.url, TOKEN);
    let mut retry = LogJob::new(
        request("crml-aaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ["bob@client.example".to_string()],
    );
    let JobEnd::Logged(again) = drive(&mut retry, &mut http) else {
        panic!("not logged")
    };
    assert!(again.already_logged);
    assert_eq!(again.email_id, api_email.email_id);
    let again = ingest(&sb.url, "forward", &fwd).json();
    assert_eq!(again["already_logged"], true);
    assert_eq!(again["email_id"], forwarded.json()["email_id"]);
    // The account still decides: Jana, created before the restart, is a
    // contact now.
    assert_eq!(again["create_contacts"], json!([]));
    let page = call(&sb.url, "GET", "/", None, None).body;
    assert!(page.contains("Anfrage") && page.contains("sender_not_authorized (B2)"));
}
