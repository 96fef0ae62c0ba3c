//! The sandbox CRM's BCC and forwarding inboxes (`POST
//! /crmlog/v1/inbox/{bcc,forward}`) and `crmlog ingest`: the same
//! decisions as `crmlog decide`, the right objects in the database, N5 at
//! the storage edge, refusals recorded and shown, and HubSpot's error
//! shapes.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

mod sandbox_common;

use sandbox_common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixture(rel)).unwrap()
}

/// The inbox's answer without the fields it adds to the decision.
fn decision_of(answer: &Answer) -> Value {
    let mut v = answer.json();
    let o = v.as_object_mut().unwrap();
    o.remove("email_id");
    o.remove("already_logged");
    v
}

fn deal_ids(url: &str, ids: &[(String, u64)]) -> BTreeSet<String> {
    ids.iter()
        .map(|(id, _)| {
            object(url, "deals", id, "crmlog_deal_id")["properties"]["crmlog_deal_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn bcc_from_team_inbox_decides_as_crmlog_decide_and_logs_the_objects() {
    let sb = start(Some(&example_account()));
    let dir = "decide-examples/05-bcc-from-team-inbox";
    let answer = ingest(&sb.url, "bcc", &read(&format!("{dir}/bcc.eml")));
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert!(answer.content_type.starts_with("application/json"));
    let expected = decide(&example_account(), &fixture(&format!("{dir}/event.json")));
    assert_eq!(decision_of(&answer), expected);
    // The answer keeps decide.md's key order, then adds its own fields.
    assert!(
        answer
            .body
            .starts_with("{\"logged\":true,\"direction\":\"EMAIL\"")
    );
    let body = answer.json();
    assert_eq!(body["already_logged"], false);
    let email_id = body["email_id"].as_str().unwrap().to_string();

    let email = object(
        &sb.url,
        "emails",
        &email_id,
        "hs_email_direction,hs_email_subject,hs_timestamp,hs_email_headers,crmlog_attributed_to",
    );
    let p = &email["properties"];
    assert_eq!(p["hs_email_direction"], "EMAIL");
    assert_eq!(p["hs_email_subject"], "Your ticket");
    assert_eq!(p["hs_timestamp"], "2026-11-23T10:00:00.000Z");
    assert_eq!(p["crmlog_attributed_to"], "u2");
    let headers: Value = serde_json::from_str(p["hs_email_headers"].as_str().unwrap()).unwrap();
    assert_eq!(headers["from"]["email"], "help@acme.example");
    assert_eq!(headers["to"][0]["email"], "bob@client.example");
    // The CRM's own BCC address is not a party of the logged email.
    assert_eq!(headers["bcc"], serde_json::json!([]));

    let contacts = associated(&sb.url, "emails", &email_id, "contacts");
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].1, 198);
    let bob = object(&sb.url, "contacts", &contacts[0].0, "email");
    assert_eq!(bob["properties"]["email"], "bob@client.example");
    let companies = associated(&sb.url, "emails", &email_id, "companies");
    assert_eq!(companies.len(), 1);
    assert_eq!(companies[0].1, 186);
    let company = object(&sb.url, "companies", &companies[0].0, "name");
    assert_eq!(company["properties"]["name"], "client.example");
    let deals = associated(&sb.url, "emails", &email_id, "deals");
    assert!(deals.iter().all(|(_, t)| *t == 210));
    assert_eq!(
        deal_ids(&sb.url, &deals),
        ["d3", "d4", "d5", "d6", "d7"].map(String::from).into()
    );
    // Nothing else was created.
    assert_eq!(list(&sb.url, "contacts").len(), 2);
    assert_eq!(list(&sb.url, "emails").len(), 1);
}

#[test]
fn german_gmail_forward_decides_as_crmlog_decide_and_creates_the_sender() {
    let sb = start(Some(&example_account()));
    let dir = "decide-examples/04-forward-german-gmail";
    let answer = ingest(&sb.url, "forward", &read(&format!("{dir}/fwd.eml")));
    assert_eq!(answer.status, 201, "{}", answer.body);
    let expected = decide(&example_account(), &fixture(&format!("{dir}/event.json")));
    assert_eq!(decision_of(&answer), expected);
    let email_id = answer.json()["email_id"].as_str().unwrap().to_string();

    let email = object(
        &sb.url,
        "emails",
        &email_id,
        "hs_email_direction,hs_email_subject,hs_email_text,hs_timestamp,hs_email_headers",
    );
    let p = &email["properties"];
    assert_eq!(p["hs_email_direction"], "FORWARDED_EMAIL");
    // F6: the original message, as the forwarded block gives it.
    assert_eq!(p["hs_email_subject"], "Anfrage");
    assert_eq!(p["hs_email_text"], "Wir brauchen ein Angebot.");
    assert_eq!(p["hs_timestamp"], "2026-11-16T09:31:00.000Z");
    let headers: Value = serde_json::from_str(p["hs_email_headers"].as_str().unwrap()).unwrap();
    assert_eq!(headers["from"]["email"], "jana@kunde.example");

    let contacts = associated(&sb.url, "emails", &email_id, "contacts");
    assert_eq!(contacts.len(), 1);
    let jana = object(
        &sb.url,
        "contacts",
        &contacts[0].0,
        "email,firstname,lastname",
    );
    assert_eq!(jana["properties"]["email"], "jana@kunde.example");
    assert_eq!(jana["properties"]["firstname"], "Jana");
    assert_eq!(jana["properties"]["lastname"], "Novak");
    assert!(associated(&sb.url, "emails", &email_id, "companies").is_empty());
    assert!(associated(&sb.url, "emails", &email_id, "deals").is_empty());

    // Jana is a contact now: the same forward again is the same message
    // (Message-ID), ignored; the decision no longer creates her.
    let again = ingest(&sb.url, "forward", &read(&format!("{dir}/fwd.eml")));
    assert_eq!(again.status, 200, "{}", again.body);
    let again = again.json();
    assert_eq!(again["already_logged"], true);
    assert_eq!(again["email_id"].as_str(), Some(email_id.as_str()));
    assert_eq!(again["create_contacts"], serde_json::json!([]));
    assert_eq!(list(&sb.url, "emails").len(), 1);
    assert_eq!(list(&sb.url, "contacts").len(), 3);
}

#[test]
fn a_copy_with_a_logged_tracking_id_is_ignored() {
    let sb = start(Some(&example_account()));
    let raw = read("sandbox/bcc-never-log.eml");
    let first = ingest(&sb.url, "bcc", &raw);
    assert_eq!(first.status, 201, "{}", first.body);
    let first = first.json();
    let email_id = first["email_id"].as_str().unwrap();
    let email = object(&sb.url, "emails", email_id, "crmlog_tracking_id");
    assert_eq!(
        email["properties"]["crmlog_tracking_id"],
        "crml-5knz5jl7dedbbq6rwxvrobvw5m"
    );
    // Another copy of the same sent message: another Message-ID, the same
    // tracking id (tracking.md, carrier 4).
    let text = String::from_utf8(raw).unwrap();
    let copy = text.replace("<n5@mail.acme.example>", "<n5-copy@mail.acme.example>");
    let second = ingest(&sb.url, "bcc", copy.as_bytes());
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(second.json()["already_logged"], true);
    assert_eq!(second.json()["email_id"], first["email_id"]);
    assert_eq!(list(&sb.url, "emails").len(), 1);
    // The logging job's search finds it too, whatever the id's case.
    let search = api(
        &sb.url,
        "POST",
        "/crm/objects/2026-03/emails/search",
        Some(
            serde_json::json!({"filterGroups": [{"filters": [{"propertyName": "crmlog_tracking_id",
            "operator": "EQ", "value": "CRML-5KNZ5JL7DEDBBQ6RWXVROBVW5M"}]}], "limit": 1}),
        ),
    );
    assert_eq!(search.status, 200, "{}", search.body);
    assert_eq!(search.json()["total"], 1);
    assert_eq!(search.json()["results"][0]["id"], first["email_id"]);
}

#[test]
fn never_logged_addresses_are_stored_nowhere() {
    let sb = start(Some(&example_account()));
    let answer = ingest(&sb.url, "bcc", &read("sandbox/bcc-never-log.eml"));
    assert_eq!(answer.status, 201, "{}", answer.body);
    let d = answer.json();
    assert_eq!(d["logged"], true);
    assert_eq!(
        d["timeline"],
        serde_json::json!(["bob@client.example", "carl.new@client.example"])
    );
    assert_eq!(
        d["excluded"],
        serde_json::json!([
            {"address": "ceo+news@client.example", "reason": "never_log_address"},
            {"address": "mia@rival.example", "reason": "never_log_domain"}
        ])
    );
    let email_id = d["email_id"].as_str().unwrap().to_string();
    let refused = ingest(&sb.url, "forward", &read("sandbox/fwd-never-log.eml"));
    assert_eq!(refused.status, 200, "{}", refused.body);
    assert_eq!(refused.json()["logged"], false);
    assert_eq!(refused.json()["reasons"][0]["code"], "never_log_domain");

    let (_dir, db) = sb.stop();
    let rows = all_rows(&db);
    for needle in ["mia@rival.example", "ceo+news@client.example", "mia rival"] {
        let found: Vec<&String> = rows
            .iter()
            .filter(|r| r.to_lowercase().contains(needle))
            .collect();
        assert!(found.is_empty(), "{needle} is stored: {found:?}");
    }
    // The same holds for every byte of the database files.
    for file in ["crm.db", "crm.db-wal"] {
        let path = db.with_file_name(file);
        if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes).to_lowercase();
            assert!(!text.contains("rival.example>"), "{file}");
            assert!(!text.contains("mia@rival.example"), "{file}");
            assert!(!text.contains("ceo+news@"), "{file}");
        }
    }
    // What was logged is there, with the excluded addresses replaced.
    assert!(
        rows.iter()
            .any(|r| r.contains("carl.new@client.example") && r.starts_with("objects:"))
    );
    let logged = rows
        .iter()
        .find(|r| r.starts_with(&format!("objects:{email_id}|emails|")))
        .unwrap();
    assert!(logged.contains("Offer (Mia: [never-log])"), "{logged}");
    // The refusal is recorded with its code and rule only.
    let refusal = rows
        .iter()
        .find(|r| r.starts_with("ingestions:") && r.contains("not_logged"))
        .unwrap();
    assert!(refusal.contains("never_log_domain") && refusal.contains("F4"));
    assert!(!refusal.contains('@'), "{refusal}");
}

#[test]
fn refusals_are_recorded_and_the_page_says_why() {
    let sb = start(Some(&example_account()));
    let answer = ingest(&sb.url, "bcc", &read("sandbox/bcc-unknown-sender.eml"));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let d = answer.json();
    assert_eq!(d["logged"], false);
    assert_eq!(d["email_id"], Value::Null);
    assert_eq!(d["reasons"][0]["code"], "sender_not_authorized");
    assert!(list(&sb.url, "emails").is_empty());
    let logged = ingest(
        &sb.url,
        "bcc",
        &read("decide-examples/05-bcc-from-team-inbox/bcc.eml"),
    );
    assert_eq!(logged.status, 201);

    let page = call(&sb.url, "GET", "/", None, None);
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    let html = page.body;
    assert!(html.contains("not logged"), "{html}");
    assert!(html.contains("sender_not_authorized (B2)"), "{html}");
    assert!(html.contains("The sender is not a user"));
    // The refused sender appears nowhere on the page.
    assert!(!html.contains("someone@elsewhere.example"));
    // The logged email, with its direction, company and deals.
    assert!(html.contains("Your ticket"));
    assert!(html.contains("sent · through the BCC address · attributed to u2"));
    assert!(html.contains("company client.example"));
    for d in ["d3", "d4", "d5", "d6", "d7"] {
        assert!(html.contains(&format!("deal {d} (open)")), "{d}");
    }
    assert!(!html.contains("deal d1 (open)") && !html.contains("deal d2"));
}

#[test]
fn inbox_errors_have_hubspots_shapes() {
    let sb = start(Some(&example_account()));
    let raw = read("decide-examples/05-bcc-from-team-inbox/bcc.eml");
    let no_token = call(&sb.url, "POST", "/crmlog/v1/inbox/bcc", None, Some(&raw));
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.json()["category"], "INVALID_AUTHENTICATION");
    let wrong = call(
        &sb.url,
        "POST",
        "/crmlog/v1/inbox/forward",
        Some("nope"),
        Some(&raw),
    );
    assert_eq!(wrong.status, 401);

    let empty = ingest(&sb.url, "bcc", b"");
    assert_eq!(empty.status, 400);
    let e = empty.json();
    assert_eq!(e["category"], "VALIDATION_ERROR");
    assert_eq!(e["status"], "error");
    assert_eq!(e["correlationId"].as_str().unwrap().len(), 36);

    let get = call(&sb.url, "GET", "/crmlog/v1/inbox/bcc", Some(TOKEN), None);
    assert_eq!(get.status, 405);
    let unknown = call(
        &sb.url,
        "POST",
        "/crmlog/v1/inbox/bcc?extension_user=u9",
        Some(TOKEN),
        Some(&raw),
    );
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.json()["errors"][0]["in"], "extension_user");
    let on_forward = call(
        &sb.url,
        "POST",
        "/crmlog/v1/inbox/forward?extension_user=u1",
        Some(TOKEN),
        Some(&raw),
    );
    assert_eq!(on_forward.status, 400);
    // A known extension user is accepted (A5: a team inbox sent through
    // the extension is the logged-in user's).
    let a5 = call(
        &sb.url,
        "POST",
        "/crmlog/v1/inbox/bcc?extension_user=u1",
        Some(TOKEN),
        Some(&raw),
    );
    assert_eq!(a5.status, 201, "{}", a5.body);
    assert_eq!(a5.json()["attributed_to"], "u1");
    // Nothing was logged by the refused calls.
    assert_eq!(list(&sb.url, "emails").len(), 1);
}

#[test]
fn an_unseeded_sandbox_refuses_every_sender() {
    let sb = start(None);
    let answer = ingest(
        &sb.url,
        "bcc",
        &read("decide-examples/05-bcc-from-team-inbox/bcc.eml"),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["reasons"][0]["code"], "sender_not_authorized");
}

/// A sandbox run as its own process, as a user runs it.
struct Child {
    child: std::process::Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn crmlog() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crmlog"))
}

fn spawn_seeded() -> Child {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let seed = crmlog()
        .args(["sandbox", "seed", "--db"])
        .arg(&db)
        .arg(example_account())
        .output()
        .unwrap();
    assert!(
        seed.status.success(),
        "{}",
        String::from_utf8_lossy(&seed.stderr)
    );
    let mut child = crmlog()
        .args(["sandbox", "--port", "0", "--token", TOKEN, "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    Child {
        child,
        url,
        _dir: dir,
    }
}

#[test]
fn crmlog_ingest_prints_one_line_per_file_and_names_failures() {
    let sb = spawn_seeded();
    let bcc = fixture("decide-examples/05-bcc-from-team-inbox/bcc.eml");
    let unknown = fixture("sandbox/bcc-unknown-sender.eml");
    let ok = crmlog()
        .args(["ingest", "--bcc", "--crm", &sb.url, "--token", TOKEN])
        .arg(&bcc)
        .arg(&unknown)
        .arg(&bcc)
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(ok.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["file"], bcc.display().to_string());
    assert_eq!(lines[0]["logged"], true);
    assert_eq!(lines[0]["already_logged"], false);
    assert_eq!(lines[0]["attributed_to"], "u2");
    assert_eq!(lines[1]["logged"], false);
    assert_eq!(
        lines[1]["reasons"],
        serde_json::json!(["sender_not_authorized"])
    );
    assert_eq!(lines[2]["already_logged"], true);
    assert_eq!(lines[2]["email_id"], lines[0]["email_id"]);

    // The forwarding inbox, a missing file and a good one: the good one is
    // processed, the missing one named, exit 2.
    let fwd = fixture("decide-examples/04-forward-german-gmail/fwd.eml");
    let missing = crmlog()
        .args(["ingest", "--forward", "--crm", &sb.url, "--token", TOKEN])
        .arg("no-such-file.eml")
        .arg(&fwd)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("no-such-file.eml: cannot read"), "{stderr}");
    let out = String::from_utf8(missing.stdout).unwrap();
    assert_eq!(out.lines().count(), 1);
    assert!(out.contains("\"direction\":\"FORWARDED_EMAIL\""), "{out}");

    // An HTTP error names the file and the CRM's answer.
    let refused = crmlog()
        .args(["ingest", "--bcc", "--crm", &sb.url, "--token", "wrong"])
        .arg(&bcc)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("bcc.eml: the CRM answered 401"), "{stderr}");
    // Exactly one of --bcc and --forward.
    let neither = crmlog()
        .args(["ingest", "--crm", &sb.url, "--token", TOKEN])
        .arg(&bcc)
        .output()
        .unwrap();
    assert_eq!(neither.status.code(), Some(2));
}

#[test]
fn the_account_follows_the_database() {
    let sb = start(Some(&example_account()));
    let fwd = String::from_utf8(read("decide-examples/04-forward-german-gmail/fwd.eml")).unwrap();
    let with_id = |id: &str| fwd.replace("<f1@acme.example>", id).into_bytes();
    // Jana is not a contact until a contact is made through the API.
    let created = api(
        &sb.url,
        "POST",
        "/crm/v3/objects/contacts",
        Some(serde_json::json!({"properties": {"email": "jana@kunde.example"}})),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let first = ingest(&sb.url, "forward", &with_id("<a@acme.example>")).json();
    assert_eq!(first["logged"], true);
    assert_eq!(first["create_contacts"], serde_json::json!([]));
    assert_eq!(list(&sb.url, "contacts").len(), 3);

    // Another process seeds an account where Anna is no user: the next
    // message is decided with it.
    let dir = tempfile::tempdir().unwrap();
    let account = dir.path().join("account.json");
    std::fs::write(
        &account,
        r#"{"users": [{"id": "u2", "email": "ben@acme.example"}],
            "forwarding_address": "log@fwd.crm.example"}"#,
    )
    .unwrap();
    let seeded = Command::new(env!("CARGO_BIN_EXE_crmlog"))
        .args(["sandbox", "seed", "--db"])
        .arg(&sb.db)
        .arg(&account)
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let second = ingest(&sb.url, "forward", &with_id("<b@acme.example>")).json();
    assert_eq!(second["logged"], false);
    assert_eq!(second["reasons"][0]["code"], "sender_not_authorized");
}

#[test]
fn messages_of_several_megabytes_are_read_and_judged_by_size() {
    let sb = start(Some(&example_account()));
    let message = |bytes: usize, id: &str| {
        let mut m = String::from(
            "From: Anna <anna@acme.example>\r\nTo: Bob <bob@client.example>\r\n\
             Subject: Big\r\nDate: Tue, 24 Nov 2026 12:00:00 +0000\r\n",
        );
        m.push_str(&format!("Message-ID: <{id}@acme.example>\r\n"));
        m.push_str("Content-Type: text/plain; charset=utf-8\r\n\r\n");
        let line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuv\r\n";
        while m.len() < bytes {
            m.push_str(line);
        }
        m.into_bytes()
    };
    // S1: more than 2 MB of body is not logged; 1.5 MB is.
    let big = ingest(&sb.url, "bcc", &message(3 * 1024 * 1024, "big"));
    assert_eq!(big.status, 200, "{}", &big.body[..big.body.len().min(300)]);
    assert_eq!(big.json()["reasons"][0]["code"], "body_too_large");
    let fits = ingest(&sb.url, "bcc", &message(1536 * 1024, "fits"));
    assert_eq!(fits.status, 201);
    let id = fits.json()["email_id"].as_str().unwrap().to_string();
    let stored = object(&sb.url, "emails", &id, "hs_email_text");
    assert!(
        stored["properties"]["hs_email_text"]
            .as_str()
            .unwrap()
            .len()
            > 1_500_000
    );
}

#[test]
fn contacts_are_searched_by_email_with_in() {
    let sb = start(Some(&example_account()));
    let found = api(
        &sb.url,
        "POST",
        "/crm/objects/2026-03/contacts/search",
        Some(
            serde_json::json!({"filterGroups": [{"filters": [{"propertyName": "email",
            "operator": "IN", "values": ["BOB@client.example", "nobody@client.example", "ceo@client.example"]}]}],
            "properties": ["email"], "limit": 200}),
        ),
    );
    assert_eq!(found.status, 200, "{}", found.body);
    let mut emails: Vec<String> = found.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["properties"]["email"].as_str().unwrap().to_string())
        .collect();
    emails.sort();
    assert_eq!(emails, ["bob@client.example", "ceo@client.example"]);
    assert_eq!(found.json()["total"], 2);
}
