//! `crmlog decide` and `crmlog never-log check` as decide.md and issue 3
//! describe them: exit statuses, output shape, and error messages that
//! name the file, the line and the field.
// Native only: it reads files, runs the binary or uses native-only
// dev-dependencies; tests/wasm_policy.rs covers the wasm build.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/decide-examples"
);

fn crmlog(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmlog"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn account() -> String {
    format!("{EXAMPLES}/account.json")
}

#[test]
fn decide_one_event_prints_the_decision() {
    let event = format!("{EXAMPLES}/03-reply-from-alias/event.json");
    let out = crmlog(&["decide", "--account", &account(), "--event", &event]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let d: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(d["logged"], false);
    assert_eq!(d["reasons"][0]["code"], "sender_not_contact");
    assert_eq!(d["reasons"][0]["rule"], "R5");
    // Two runs print the same bytes.
    let again = crmlog(&["decide", "--account", &account(), "--event", &event]);
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn decide_events_one_line_each_blank_lines_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let raw = std::fs::read_to_string(format!("{EXAMPLES}/06-manual-received/msg.eml")).unwrap();
    write(dir.path(), "msg.eml", &raw);
    let events = write(
        dir.path(),
        "events.jsonl",
        concat!(
            r#"{"kind":"outgoing","log":true,"user":"u1","to":["x@rival.example"]}"#,
            "\n\n",
            r#"{"kind":"manual","raw_file":"msg.eml","user":"u1"}"#,
            "\n",
        ),
    );
    let out = crmlog(&[
        "decide",
        "--account",
        &account(),
        "--events",
        events.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(first["reasons"][0]["code"], "never_log_domain");
    assert_eq!(second["timeline"][0], "bob@client.example");
}

#[test]
fn a_bad_line_prints_nothing_and_names_file_line_field() {
    let dir = tempfile::tempdir().unwrap();
    let events = write(
        dir.path(),
        "events.jsonl",
        concat!(
            r#"{"kind":"outgoing","log":true,"user":"u1","to":["a@b.example"]}"#,
            "\n",
            r#"{"kind":"outgoing","log":true,"user":"u1","to":["a@b.example"],"colour":"red"}"#,
            "\n",
        ),
    );
    let path = events.to_str().unwrap();
    let out = crmlog(&["decide", "--account", &account(), "--events", path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "nothing is printed when a line is bad"
    );
    let err = stderr(&out);
    assert!(err.contains(&format!("{path}:2")), "{err}");
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn unknown_user_and_misplaced_field_are_invalid() {
    let dir = tempfile::tempdir().unwrap();
    for (text, field) in [
        (r#"{"kind":"outgoing","log":true,"user":"nobody"}"#, "user"),
        (
            r#"{"kind":"outgoing","log":true,"user":"u1","folder":"INBOX"}"#,
            "folder",
        ),
        (
            r#"{"kind":"reply","raw_file":"missing.eml","folder":"INBOX","delivered_to":"a@b.c"}"#,
            "raw_file",
        ),
        (r#"{"kind":"outgoing","log":"yes","user":"u1"}"#, "log"),
    ] {
        let event = write(dir.path(), "event.json", text);
        let out = crmlog(&[
            "decide",
            "--account",
            &account(),
            "--event",
            event.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = stderr(&out);
        assert!(err.contains(&format!("`{field}`")), "{text}: {err}");
        assert!(err.contains("event.json:1"), "{text}: {err}");
    }
}

#[test]
fn account_errors_name_the_line_of_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let account = write(
        dir.path(),
        "account.json",
        "{\n  \"users\": [{\"id\": \"u1\", \"email\": \"anna@acme.example\"}],\n  \"never_log\": [\n    \"ok.example\",\n    \"bob@\"\n  ]\n}\n",
    );
    let event = write(
        dir.path(),
        "event.json",
        r#"{"kind":"outgoing","log":true,"user":"u1"}"#,
    );
    let out = crmlog(&[
        "decide",
        "--account",
        account.to_str().unwrap(),
        "--event",
        event.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("account.json:5"), "{err}");
    assert!(err.contains("never_log[1]"), "{err}");
}

#[test]
fn never_log_check_answers_per_address() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "list.txt",
        "# ours\nclient.example\n\n*.press.example\nBob@Other.example\n",
    );
    let out = crmlog(&[
        "never-log",
        "check",
        "--list",
        list.to_str().unwrap(),
        "x@client.example",
        "bob+news@other.example",
        "a@press.example",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let answers: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["reason"], "never_log_domain");
    assert_eq!(answers[0]["line"], 2);
    assert_eq!(answers[1]["entry"], "Bob@Other.example");
    assert_eq!(answers[1]["reason"], "never_log_address");
    assert_eq!(answers[2]["excluded"], false);
}

#[test]
fn never_log_bad_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(dir.path(), "list.txt", "client.example\n*client.example\n");
    let path = list.to_str().unwrap();
    let out = crmlog(&["never-log", "check", "--list", path, "x@client.example"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains(&format!("{path}:2")), "{err}");
    assert!(err.contains("*client.example"), "{err}");
}
