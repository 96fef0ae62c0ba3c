//! `crmlog track new`, `crmlog track find` and `crmlog mime inspect` as a
//! user runs them (spec/tracking.md, "Command line").
// Native only: reads fixtures from disk (and runs processes, proptest).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output};

fn crmlog(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crmlog"))
        .args(args)
        .output()
        .unwrap()
}

fn eml(content: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".eml").tempfile().unwrap();
    f.write_all(content.as_bytes()).unwrap();
    f
}

#[test]
fn new_prints_an_id_that_find_recovers() {
    let out = crmlog(&["track", "new"]);
    assert!(out.status.success());
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(crmlog::tracking::TrackingId::parse(&id).is_ok(), "{id}");
    let f = eml(&format!(
        "From: a@x\r\nBcc: log+{id}@bcc.example\r\nContent-Type: text/html\r\n\r\n\
         <p>hi</p><div data-crmlog-id=\"{id}\"></div>\r\n"
    ));
    let out = crmlog(&["track", "find", f.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), id);
    assert!(out.stderr.is_empty());
}

#[test]
fn find_exits_1_when_none_or_disagreeing() {
    let none = eml("From: a@x\r\n\r\nno id here\r\n");
    let out = crmlog(&["track", "find", none.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());

    let conflict = eml(
        "From: a@x\r\nX-Crmlog-Id: crml-5knz5jl7dedbbq6rwxvrobvw5m\r\n\
         Delivered-To: log+crml-aaaaaaaaaaaaaaaaaaaaaaaaaa@bcc.example\r\n\r\nhi\r\n",
    );
    let out = crmlog(&["track", "find", conflict.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("disagree"), "{err}");
}

#[test]
fn find_exits_2_on_a_missing_file() {
    let out = crmlog(&["track", "find", "/nonexistent/message.eml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn inspect_prints_the_model_and_parts_as_json() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eml/004.eml");
    let out = crmlog(&["mime", "inspect", dir.to_str().unwrap()]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["subject"], "Invoice attached");
    assert_eq!(v["attachments"][0]["bytes"], 3000);
    let parts = v["parts"].as_array().unwrap();
    assert_eq!(parts[0]["content_type"], "multipart/mixed");
    assert!(
        parts
            .iter()
            .any(|p| p["encoding"] == "base64" && p["role"] == "attachment")
    );
    assert!(v["diagnostics"].as_array().unwrap().is_empty());
}
