//! Golden tests: every `tests/fixtures/eml/NNN.eml` is parsed in an LF and a
//! CRLF variant and compared with `NNN.json`. The expectations were derived
//! with an independent parser (Python's `email` package, see
//! `tests/fixtures/eml/expectations.py`), with the differences crmlog decides
//! otherwise written into that script with their reasons.
//!
//! In `NNN.json`, `text` and `html` are given with LF line ends (the CRLF
//! variant's are compared after turning CRLF into LF); a size given as
//! `{"lf": n, "crlf": m}` differs between the variants; `diagnostics` lists
//! the expected diagnostic codes in order.
// Native only: reads fixtures from disk (and runs processes, proptest).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use crmlog::mime;
use serde_json::{Value, json};
use std::path::Path;

fn variant(raw: &[u8], crlf: bool) -> Vec<u8> {
    let lf: Vec<u8> = {
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'\r' && raw.get(i + 1) == Some(&b'\n') {
                i += 1;
                continue;
            }
            out.push(raw[i]);
            i += 1;
        }
        out
    };
    if !crlf {
        return lf;
    }
    let mut out = Vec::with_capacity(lf.len() * 11 / 10);
    for &b in &lf {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Picks the variant's number out of `n` or `{"lf": n, "crlf": m}`.
fn size(expected: &Value, crlf: bool) -> Value {
    match expected {
        Value::Object(o) => o[if crlf { "crlf" } else { "lf" }].clone(),
        v => v.clone(),
    }
}

fn check(name: &str, raw: &[u8], expected: &Value, crlf: bool) -> Vec<String> {
    let model = mime::parse(raw);
    let mut actual = serde_json::to_value(&model).unwrap();
    let mut failures = Vec::new();
    let which = if crlf { "crlf" } else { "lf" };
    for (key, want) in expected.as_object().unwrap() {
        let got = actual.get_mut(key).map(Value::take).unwrap_or(Value::Null);
        let (got, want) = match key.as_str() {
            "text" | "html" => (
                got.as_str()
                    .map(|s| json!(s.replace("\r\n", "\n")))
                    .unwrap_or(Value::Null),
                want.clone(),
            ),
            "body_bytes" => (got, size(want, crlf)),
            "attachments" => {
                let want: Vec<Value> = want
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| {
                        let mut a = a.clone();
                        a["bytes"] = size(&a["bytes"], crlf);
                        a
                    })
                    .collect();
                (got, Value::Array(want))
            }
            "diagnostics" => {
                let codes: Vec<Value> = got
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["code"].clone())
                    .collect();
                (Value::Array(codes), want.clone())
            }
            _ => (got, want.clone()),
        };
        if got != want {
            failures.push(format!("{name} ({which}) {key}: got {got}, want {want}"));
        }
    }
    failures
}

#[test]
fn eml_fixtures_match_their_expectations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eml");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no fixtures in {}", dir.display());
    let mut failures = Vec::new();
    for path in &names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let raw = std::fs::read(path).unwrap();
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(path.with_extension("json")).unwrap())
                .unwrap();
        for crlf in [false, true] {
            failures.extend(check(&name, &variant(&raw, crlf), &expected, crlf));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
