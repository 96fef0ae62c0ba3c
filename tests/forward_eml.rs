//! Whole forwarded messages (tests/fixtures/forward-eml/NNN-client.eml with
//! NNN-client.json): each .eml is read by the message model and
//! `parse_message`, as stored and with its line endings swapped (LF and
//! CRLF), and every expectation its .json holds is checked.
#![allow(clippy::unwrap_used)]
// Reads fixtures from disk: native only.
#![cfg(not(target_arch = "wasm32"))]

use crmlog::mime::forward::{Forward, parse_message};
use crmlog::mime::{Mailbox, parse};
use serde_json::Value;
use std::path::Path;

const DIR: &str = "tests/fixtures/forward-eml";

fn swap_line_endings(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    if text.contains("\r\n") {
        text.replace("\r\n", "\n").into_bytes()
    } else {
        text.replace('\n', "\r\n").into_bytes()
    }
}

fn mailbox(v: &Value) -> Mailbox {
    Mailbox {
        name: v["name"].as_str().map(str::to_string),
        address: v["address"].as_str().unwrap().to_string(),
    }
}

fn check(name: &str, result: &Forward, want: &Value) {
    assert_eq!(
        result.forwarded,
        want["forwarded"].as_bool().unwrap(),
        "{name}: forwarded"
    );
    if !result.forwarded {
        return;
    }
    let email = result.email.as_ref().unwrap();
    if let Some(m) = want.get("message") {
        assert_eq!(result.message.as_deref(), m.as_str(), "{name}: message");
    }
    for (key, actual) in [
        ("subject", &email.subject),
        ("date", &email.date),
        ("date_rfc3339", &email.date_rfc3339),
    ] {
        if let Some(w) = want.get(key) {
            assert_eq!(actual.as_deref(), w.as_str(), "{name}: {key}");
        }
    }
    if let Some(w) = want.get("from") {
        assert_eq!(email.from.as_ref(), Some(&mailbox(w)), "{name}: from");
    }
    for (key, actual) in [("to", &email.to), ("cc", &email.cc)] {
        if let Some(w) = want.get(key) {
            let w: Vec<Mailbox> = w.as_array().unwrap().iter().map(mailbox).collect();
            assert_eq!(actual, &w, "{name}: {key}");
        }
    }
    if let Some(w) = want.get("body_starts_with").and_then(Value::as_str) {
        let body = email.body.as_deref().unwrap_or("");
        assert!(
            body.starts_with(w),
            "{name}: body starts {:?}",
            body.get(..40)
        );
    }
    assert!(!result.unsupported_language, "{name}");
}

#[test]
fn forwarded_messages_in_real_mime() {
    let mut names: Vec<_> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 10,
        "only {} .eml cases in {DIR}",
        names.len()
    );
    let (mut forwards, mut replies) = (0, 0);
    for path in &names {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let want: Value =
            serde_json::from_str(&std::fs::read_to_string(path.with_extension("json")).unwrap())
                .unwrap();
        assert!(
            want["source"].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: say where the client's format came from"
        );
        let raw = std::fs::read(path).unwrap();
        for (variant, bytes) in [
            ("stored", raw.clone()),
            ("swapped", swap_line_endings(&raw)),
        ] {
            let result = parse_message(&parse(&bytes));
            check(&format!("{name} ({variant})"), &result, &want);
        }
        if want["forwarded"] == true {
            forwards += 1;
        } else {
            replies += 1;
        }
    }
    assert!(
        forwards >= 10 && replies >= 2,
        "{forwards} forwards, {replies} replies"
    );
}

#[test]
fn every_case_has_its_expectations() {
    for entry in std::fs::read_dir(Path::new(DIR)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "eml") {
            assert!(path.with_extension("json").is_file(), "{}", path.display());
        }
    }
}
