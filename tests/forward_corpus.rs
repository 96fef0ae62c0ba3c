//! Golden tests over the email-forward-parser corpus
//! (tests/fixtures/crisp-oss_email-forward-parser): every asserted path of
//! every case, on the body as stored and on its CRLF and LF variants.
#![allow(clippy::unwrap_used)]
// Reads fixtures from disk: native only.
#![cfg(not(target_arch = "wasm32"))]

use crmlog::mime::forward::parse_text;
use serde_json::Value;
use std::path::Path;

const DIR: &str = "tests/fixtures/crisp-oss_email-forward-parser";

/// Follows a path such as `email.to[1].name` or `email.cc.length` into the
/// result's JSON.
fn lookup<'a>(root: &'a Value, path: &str) -> Option<Value> {
    let mut current: &'a Value = root;
    for part in path.split('.') {
        if part == "length" {
            return current.as_array().map(|a| Value::from(a.len()));
        }
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        current = current.get(key)?;
        if let Some(i) = index {
            current = current.get(i)?;
        }
    }
    Some(current.clone())
}

/// Checks one asserted path; returns a description of the mismatch.
fn check(result: &Value, path: &str, expected: &Value) -> Result<(), String> {
    if let Some(prefix_path) = path.strip_suffix(".$starts_with") {
        let actual = lookup(result, prefix_path);
        let ok = actual
            .as_ref()
            .and_then(Value::as_str)
            .zip(expected.as_str())
            .is_some_and(|(a, e)| a.starts_with(e));
        return if ok {
            Ok(())
        } else {
            Err(format!(
                "{path}: {actual:?} does not start with {expected:?}"
            ))
        };
    }
    let actual = lookup(result, path).unwrap_or(Value::Null);
    if let Some(min) = expected.get("$min_length").and_then(Value::as_u64) {
        let len = actual.as_str().map_or(0, |s| s.chars().count() as u64);
        return if len >= min {
            Ok(())
        } else {
            Err(format!("{path}: {actual:?} shorter than {min}"))
        };
    }
    if &actual == expected {
        Ok(())
    } else {
        Err(format!("{path}: got {actual:?}, want {expected:?}"))
    }
}

fn variants(body: &str) -> Vec<(&'static str, String)> {
    let lf = body.replace("\r\n", "\n");
    let crlf = lf.replace('\n', "\r\n");
    vec![("stored", body.to_string()), ("lf", lf), ("crlf", crlf)]
}

#[test]
fn every_asserted_path_of_every_case() {
    let dir = Path::new(DIR);
    let expectations: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expectations.json")).unwrap())
            .unwrap();
    let cases = expectations["cases"].as_array().unwrap();
    assert!(!cases.is_empty(), "no cases in {DIR}");
    let mut paths = 0;
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let body =
            std::fs::read_to_string(dir.join(case["body_fixture"].as_str().unwrap())).unwrap();
        let subject = case["subject_fixture"]
            .as_str()
            .map(|p| std::fs::read_to_string(dir.join(p)).unwrap());
        for (variant, text) in variants(&body) {
            let result =
                serde_json::to_value(parse_text(&text, subject.as_deref()).report()).unwrap();
            for (path, expected) in case["expected"].as_object().unwrap() {
                if variant == "stored" {
                    paths += 1;
                }
                if let Err(e) = check(&result, path, expected) {
                    failures.push(format!("{id} ({variant}): {e}"));
                }
            }
        }
    }
    println!("{paths} asserted paths in {} cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn fixtures_folder_is_complete() {
    let dir = Path::new(DIR);
    for file in ["LICENSE", "SOURCE.md", "expectations.json"] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let count = std::fs::read_dir(dir.join("test/fixtures"))
        .unwrap()
        .count();
    assert!(count > 100, "only {count} fixtures");
}
