//! The MIME edge cases of the third-party corpus (tests/fixtures/<dir>/):
//! every message parses without panicking, in its LF and CRLF forms, and
//! the upstream expectations are checked where they apply to crmlog's
//! model (each folder's SOURCE.md / expectations.json says where they come
//! from).
// Native only: reads fixtures from disk (and runs processes, proptest).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use crmlog::mime::{self, Mailbox, Message};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
}

fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() * 11 / 10);
    let mut prev = 0u8;
    for &b in raw {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

fn to_lf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, &b) in raw.iter().enumerate() {
        if b == b'\r' && raw.get(i + 1) == Some(&b'\n') {
            continue;
        }
        out.push(b);
    }
    out
}

fn emls(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no .eml in {}", dir.display());
    out
}

// ---- stalwartlabs/mail-parser: upstream's own parse of each message ----

/// The upstream part list and body indices, as serialised by mail-parser.
struct Upstream {
    parts: Vec<Value>,
    text_body: Vec<u64>,
    html_body: Vec<u64>,
    attachments: Vec<u64>,
}

impl Upstream {
    fn load(path: &Path) -> Upstream {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let ids = |k: &str| -> Vec<u64> {
            v[k].as_array()
                .map(|a| a.iter().map(|x| x.as_u64().unwrap()).collect())
                .unwrap_or_default()
        };
        Upstream {
            parts: v["parts"].as_array().cloned().unwrap_or_default(),
            text_body: ids("text_body"),
            html_body: ids("html_body"),
            attachments: ids("attachments"),
        }
    }

    fn header(&self, name: &str) -> Option<&Value> {
        self.parts.first()?["headers"]
            .as_array()?
            .iter()
            .find(|h| h["name"] == name)
            .map(|h| &h["value"])
    }
}

fn upstream_mailboxes(value: Option<&Value>) -> Vec<Mailbox> {
    let Some(addr) = value.and_then(|v| v.get("Address")) else {
        return Vec::new();
    };
    let list: Vec<&Value> = if let Some(l) = addr.get("List") {
        l.as_array().unwrap().iter().collect()
    } else {
        addr["Group"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["addresses"].as_array().unwrap().iter())
            .collect()
    };
    list.into_iter()
        .filter_map(|a| {
            let name = a["name"]
                .as_str()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned);
            let address = a["address"].as_str().unwrap_or("").trim().to_owned();
            (name.is_some() || !address.is_empty()).then_some(Mailbox { name, address })
        })
        .collect()
}

fn body_len(body: &Value) -> Option<u64> {
    if let Some(t) = body.get("Text").or_else(|| body.get("Html")) {
        return Some(t.as_str().unwrap().len() as u64);
    }
    if let Some(b) = body.get("Binary").or_else(|| body.get("InlineBinary")) {
        return Some(b.as_array().unwrap().len() as u64);
    }
    None
}

fn check_stalwart(name: &str, m: &Message, up: &Upstream) -> Vec<String> {
    let mut f = Vec::new();
    let mut expect = |what: &str, ok: bool| {
        if !ok {
            f.push(format!("{name}: {what}"));
        }
    };
    // Bodies: the union of upstream's text and HTML body lists, by part
    // number; the first text/plain and first text/html are the model's.
    let mut ids: Vec<u64> = up.text_body.iter().chain(&up.html_body).copied().collect();
    ids.sort();
    ids.dedup();
    let bodies: Vec<&Value> = ids
        .iter()
        .filter_map(|&i| up.parts.get(i as usize))
        .map(|p| &p["body"])
        .collect();
    let first = |kind: &str| {
        bodies
            .iter()
            .find_map(|b| b.get(kind).and_then(Value::as_str))
    };
    expect("text", m.text.as_deref() == first("Text"));
    expect("html", m.html.as_deref() == first("Html"));
    expect("has_text_part", m.has_text_part == first("Text").is_some());
    expect("has_html_part", m.has_html_part == first("Html").is_some());
    let bytes: u64 = bodies
        .iter()
        .filter(|b| b.get("Text").is_some() || b.get("Html").is_some())
        .filter_map(|b| body_len(b))
        .sum();
    expect("body_bytes", m.body_bytes == bytes);
    expect(
        "attachment count",
        m.attachments.len() == up.attachments.len(),
    );
    for (a, &id) in m.attachments.iter().zip(&up.attachments) {
        if let Some(len) = up.parts.get(id as usize).and_then(|p| body_len(&p["body"])) {
            expect("attachment size", a.bytes == len);
        }
    }
    expect("from", m.from == upstream_mailboxes(up.header("from")));
    expect("to", m.to == upstream_mailboxes(up.header("to")));
    if let Some(s) = up.header("subject").and_then(|v| v.get("Text")) {
        expect("subject", m.subject.as_deref() == s.as_str());
    }
    if let Some(id) = up.header("message_id").and_then(|v| v.get("Text")) {
        let want = format!("<{}>", id.as_str().unwrap());
        expect("message_id", m.message_id.as_deref() == Some(want.as_str()));
    }
    f
}

#[test]
fn stalwart_messages_match_upstream_parses() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for set in ["rfc", "malformed", "thirdparty"] {
        let dir = fixtures("stalwartlabs_mail-parser/resources/eml").join(set);
        for path in emls(&dir) {
            let raw = std::fs::read(&path).unwrap();
            let name = format!("{set}/{}", path.file_name().unwrap().to_string_lossy());
            for (variant, raw, json) in [
                ("lf", to_lf(&raw), path.with_extension("json")),
                ("crlf", to_crlf(&raw), path.with_extension("crlf.json")),
            ] {
                let m = mime::parse(&raw);
                if json.exists() {
                    let up = Upstream::load(&json);
                    failures.extend(check_stalwart(&format!("{name} {variant}"), &m, &up));
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 80, "only {checked} messages had expectations");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- stalwartlabs/mail-parser: header test vectors through the model ----

fn vectors(name: &str) -> Vec<(String, Value)> {
    let path = fixtures("stalwartlabs_mail-parser/resources").join(name);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let out: Vec<(String, Value)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["header"].as_str().unwrap().to_owned(),
                c["expected"].clone(),
            )
        })
        .collect();
    assert!(!out.is_empty(), "{name} is empty");
    out
}

fn with_header(field: &str, value: &str) -> Message {
    let value = if value.ends_with('\n') {
        value.to_owned()
    } else {
        format!("{value}\n")
    };
    mime::parse(format!("{field}:{value}\nbody\n").as_bytes())
}

#[test]
fn address_vectors_give_mailboxes() {
    for (header, expected) in vectors("address.json") {
        let m = with_header("To", &header);
        let want = upstream_mailboxes(Some(&serde_json::json!({ "Address": expected })));
        assert_eq!(m.to, want, "To:{header:?}");
    }
}

#[test]
fn date_vectors_give_rfc3339() {
    for (header, e) in vectors("date.json") {
        let m = with_header("Date", &header);
        let n = |k: &str| e[k].as_u64().unwrap_or(0);
        let valid = e.is_object()
            && (1..=12).contains(&n("month"))
            && (1..=31).contains(&n("day"))
            && n("hour") <= 23
            && n("minute") <= 59
            && n("second") <= 59;
        if !valid {
            assert_eq!(m.date, None, "Date:{header:?}");
            continue;
        }
        let tz = if n("tz_hour") == 0 && n("tz_minute") == 0 {
            "Z".to_owned()
        } else {
            let sign = if e["tz_before_gmt"].as_bool().unwrap() {
                '-'
            } else {
                '+'
            };
            format!("{sign}{:02}:{:02}", n("tz_hour"), n("tz_minute"))
        };
        let want = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{tz}",
            n("year"),
            n("month"),
            n("day"),
            n("hour"),
            n("minute"),
            n("second")
        );
        assert_eq!(m.date.as_deref(), Some(want.as_str()), "Date:{header:?}");
    }
}

#[test]
fn id_vectors_give_bracketed_ids() {
    for (header, expected) in vectors("id.json") {
        let m = with_header("References", &header);
        let want: Vec<String> = match &expected {
            Value::Array(a) => a
                .iter()
                .map(|id| format!("<{}>", id.as_str().unwrap().trim()))
                .collect(),
            Value::String(s) => vec![format!("<{}>", s.trim())],
            _ => Vec::new(),
        };
        assert_eq!(m.references, want, "References:{header:?}");
    }
}

#[test]
fn unstructured_vectors_give_subjects() {
    for (header, expected) in vectors("unstructured.json") {
        let m = with_header("Subject", &header);
        let want = expected.as_str().unwrap_or("");
        assert_eq!(m.subject.as_deref(), Some(want), "Subject:{header:?}");
        assert_eq!(m.header("subject"), Some(want), "Subject:{header:?}");
    }
}

// ---- postal-mime and nodemailer/mailparser: JavaScript parsers ----

fn cases(dir: &str) -> Vec<(Value, Message)> {
    let root = fixtures(dir);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("expectations.json")).unwrap())
            .unwrap();
    let cases: Vec<(Value, Message)> = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let raw = std::fs::read(root.join(c["fixture"].as_str().unwrap())).unwrap();
            // The CRLF form must parse to the same structure.
            let crlf = mime::parse(&to_crlf(&raw));
            let m = mime::parse(&raw);
            assert_eq!(m.attachments.len(), crlf.attachments.len(), "{c}");
            assert_eq!(m.subject, crlf.subject, "{c}");
            (c.clone(), m)
        })
        .collect();
    // Every .eml of the folder is covered by a case.
    assert_eq!(
        cases.len(),
        emls(&root.join("test/fixtures")).len(),
        "{dir}"
    );
    cases
}

fn fixture(c: &Value) -> &str {
    c["fixture"].as_str().unwrap()
}

fn lf(s: &str) -> String {
    s.replace("\r\n", "\n")
}

#[test]
fn postal_mime_cases() {
    let mut checked = 0;
    for (c, m) in cases("postalsys_postal-mime") {
        let name = fixture(&c);
        // crmlog counts message/rfc822 parts as attachments (they are
        // files to the CRM), which upstream gives as its second count.
        let count = c
            .get("attachment_count_when_message_rfc822_parts_are_treated_as_attachments")
            .or_else(|| c.get("attachment_count"));
        if let Some(n) = count {
            assert_eq!(m.attachments.len() as u64, n.as_u64().unwrap(), "{name}");
            checked += 1;
        }
        // postal-mime joins the inline parts of a multipart/mixed (the
        // alternative's plain part and the plain part after it; for HTML,
        // the alternative's HTML and the plain part as HTML); crmlog keeps
        // the first of each, which must open postal-mime's.
        if let Some(text) = c["text"].as_str() {
            assert!(text.starts_with(&lf(m.text.as_deref().unwrap())), "{name}");
            checked += 1;
        }
        if let Some(html) = c["html"].as_str() {
            assert!(
                html.starts_with(lf(m.html.as_deref().unwrap()).trim_end()),
                "{name}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} checks");
}

#[test]
fn nodemailer_cases() {
    let mut checked = 0;
    for (c, m) in cases("nodemailer_mailparser") {
        let name = fixture(&c);
        if let Some(s) = c["subject"].as_str() {
            assert_eq!(m.subject.as_deref(), Some(s), "{name}");
            checked += 1;
        }
        if let Some(n) = c["attachment_count"].as_u64() {
            assert_eq!(m.attachments.len() as u64, n, "{name}");
            checked += 1;
        }
        if let Some(to) = c["to"].as_array() {
            let want: Vec<Mailbox> = to
                .iter()
                .map(|a| Mailbox {
                    name: a["name"]
                        .as_str()
                        .filter(|n| !n.is_empty())
                        .map(str::to_owned),
                    address: a["address"].as_str().unwrap().to_owned(),
                })
                .collect();
            assert_eq!(m.to, want, "{name}");
            checked += 1;
        }
        if let Some(t) = c["text_contains"].as_str() {
            // A delivery-status report's status lives in its
            // message/delivery-status part, which crmlog reads as an
            // attachment; upstream's text joins it into the body.
            let in_text = m.text.as_deref().is_some_and(|x| x.contains(t));
            let as_part = m
                .attachments
                .iter()
                .any(|a| a.content_type == "message/delivery-status");
            assert!(in_text || as_part, "{name}");
            checked += 1;
        }
        if let Some(t) = c["text_first_line"].as_str() {
            let text = m.text.as_deref().unwrap();
            assert_eq!(text.trim_start().lines().next(), Some(t), "{name}");
            checked += 1;
        }
        if c.get("html").is_some_and(Value::is_null) {
            assert_eq!(m.html, None, "{name}");
            checked += 1;
        }
        if let Some(text) = c["text"].as_str() {
            // mailparser joins the text of every inline part; crmlog's text
            // is the first text/plain part, which must open upstream's.
            let ours = lf(m.text.as_deref().unwrap());
            assert!(
                text.trim_start().starts_with(ours.trim()),
                "{name}: {ours:?}"
            );
            checked += 1;
        }
    }
    // nodemailer.eml: subject, count, To; nested, decoderended: text;
    // base64encodedroot: count; delivery-status: status; large_text: first
    // line and no HTML. (The md5/sha256 of attachment contents and the
    // cid-to-data-URI HTML are mailparser features outside the model.)
    assert_eq!(checked, 9, "checks run");
}

#[test]
fn no_corpus_message_gives_no_headers() {
    // Every corpus message has headers; "no_headers" would mean the model
    // lost the message.
    for dir in [
        "postalsys_postal-mime/test/fixtures",
        "nodemailer_mailparser/test/fixtures",
    ] {
        for path in emls(&fixtures(dir)) {
            let m = mime::parse(&std::fs::read(&path).unwrap());
            assert!(
                m.diagnostics.iter().all(|d| d.code != "no_headers"),
                "{}",
                path.display()
            );
            assert!(!m.headers.is_empty(), "{}", path.display());
        }
    }
}
