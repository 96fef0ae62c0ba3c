//! The table of decision cases, shared by the native test
//! (`tests/policy_cases.rs`) and the wasm test (`tests/wasm_policy.rs`).
//!
//! Cases live in `tests/fixtures/cases/<group>.jsonl`, one per line:
//! ```json
//! {"name": "…", "with": {…account fields…}, "event": {…}, "mail": {…}, "expect": {…}}
//! ```
//! - the account is `tests/fixtures/cases/account.json` with the top-level
//!   fields of `with` replaced (or `"account": {…}` for a whole account);
//! - `mail` (for reply, bcc, forward, manual events) describes a message
//!   that [`render_mail`] writes as RFC 5322 text into the event's `raw`;
//! - `expect` is the decision the rule book asks for: fields left out
//!   are empty / null / false, and `reasons` are compared by code and rule
//!   (messages are free text).
//!
//! `tests/fixtures/cases/golden/<group>.jsonl` holds, line for line, the
//! exact JSON the engine prints for each case: the wasm build must print
//! the same bytes. `CRMLOG_BLESS=1 cargo test --test policy_cases` rewrites
//! the golden files after a reviewed change.

#![allow(dead_code, clippy::unwrap_used)]

use serde_json::{Map, Value, json};

/// The base account of the cases.
pub const ACCOUNT: &str = include_str!("../fixtures/cases/account.json");

/// `(group, cases, golden outputs)`; every `.jsonl` file of the folder is
/// listed here (the native test checks that).
pub const GROUPS: &[(&str, &str, &str)] = &[
    (
        "never_log",
        include_str!("../fixtures/cases/never_log.jsonl"),
        include_str!("../fixtures/cases/golden/never_log.jsonl"),
    ),
    (
        "outgoing",
        include_str!("../fixtures/cases/outgoing.jsonl"),
        include_str!("../fixtures/cases/golden/outgoing.jsonl"),
    ),
    (
        "sizes",
        include_str!("../fixtures/cases/sizes.jsonl"),
        include_str!("../fixtures/cases/golden/sizes.jsonl"),
    ),
    (
        "reply",
        include_str!("../fixtures/cases/reply.jsonl"),
        include_str!("../fixtures/cases/golden/reply.jsonl"),
    ),
    (
        "bcc",
        include_str!("../fixtures/cases/bcc.jsonl"),
        include_str!("../fixtures/cases/golden/bcc.jsonl"),
    ),
    (
        "forward",
        include_str!("../fixtures/cases/forward.jsonl"),
        include_str!("../fixtures/cases/golden/forward.jsonl"),
    ),
    (
        "manual",
        include_str!("../fixtures/cases/manual.jsonl"),
        include_str!("../fixtures/cases/golden/manual.jsonl"),
    ),
];

/// One case, ready to run.
pub struct Case {
    /// `group:line name`, for failure messages.
    pub id: String,
    /// Account JSON text.
    pub account: String,
    /// Event JSON text (raw message inline).
    pub event: String,
    /// The expected decision, normalised by [`normalise`].
    pub expect: Value,
}

/// Reads every case of a group.
pub fn cases(group: &str, text: &str) -> Vec<Case> {
    let base: Value = serde_json::from_str(ACCOUNT).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case: Map<String, Value> = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{group}.jsonl line {}: {e}", i + 1));
        let name = case["name"].as_str().unwrap_or("?");
        let id = format!("{group}:{} {name}", i + 1);
        for key in case.keys() {
            assert!(
                ["name", "with", "account", "event", "mail", "expect"].contains(&key.as_str()),
                "{id}: unknown case field {key}"
            );
        }
        let account = match (case.get("account"), case.get("with")) {
            (Some(a), _) => a.clone(),
            (None, Some(Value::Object(with))) => {
                let mut a = base.clone();
                for (k, v) in with {
                    a[k] = v.clone();
                }
                a
            }
            _ => base.clone(),
        };
        let mut event = case.get("event").cloned().unwrap_or_else(|| json!({}));
        if let Some(mail) = case.get("mail") {
            event["raw"] = Value::String(render_mail(mail));
        }
        let expect = normalise(
            case.get("expect")
                .unwrap_or_else(|| panic!("{id}: no expect")),
        );
        out.push(Case {
            id,
            account: account.to_string(),
            event: event.to_string(),
            expect,
        });
    }
    out
}

/// A decision as compared: every field present (defaults filled in),
/// reasons reduced to code and rule.
pub fn normalise(d: &Value) -> Value {
    let field = |k: &str, default: Value| d.get(k).cloned().unwrap_or(default);
    let reasons: Vec<Value> = field("reasons", json!([]))
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!({"code": r["code"], "rule": r["rule"]}))
        .collect();
    if let Value::Object(m) = d {
        for k in m.keys() {
            assert!(
                [
                    "logged",
                    "direction",
                    "attributed_to",
                    "timeline",
                    "create_contacts",
                    "companies",
                    "deals",
                    "excluded",
                    "dropped_attachments",
                    "reasons"
                ]
                .contains(&k.as_str()),
                "unknown decision field {k}"
            );
        }
    }
    json!({
        "logged": field("logged", json!(false)),
        "direction": field("direction", Value::Null),
        "attributed_to": field("attributed_to", Value::Null),
        "timeline": field("timeline", json!([])),
        "create_contacts": field("create_contacts", json!([])),
        "companies": field("companies", json!([])),
        "deals": field("deals", json!([])),
        "excluded": field("excluded", json!([])),
        "dropped_attachments": field("dropped_attachments", json!([])),
        "reasons": reasons,
    })
}

/// Writes a message described in a case as RFC 5322 text (CRLF).
///
/// Fields: `from`, `to`, `cc`, `bcc`, `subject`, `message_id`,
/// `in_reply_to`, `references`, `headers` (`[[name, value], …]`), `text`,
/// `html` (see [`body`]), `attachments` (`[{"name", "bytes"}]`, content generated), `lf`
/// (true: bare LF line ends).
pub fn render_mail(m: &Value) -> String {
    let s = |k: &str| m.get(k).and_then(Value::as_str);
    let mut h = String::new();
    for (name, key) in [
        ("From", "from"),
        ("To", "to"),
        ("Cc", "cc"),
        ("Bcc", "bcc"),
        ("Subject", "subject"),
        ("Message-ID", "message_id"),
        ("In-Reply-To", "in_reply_to"),
        ("References", "references"),
    ] {
        if let Some(v) = s(key) {
            h.push_str(&format!("{name}: {v}\r\n"));
        }
    }
    h.push_str("Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n");
    for pair in m
        .get("headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        h.push_str(&format!(
            "{}: {}\r\n",
            pair[0].as_str().unwrap(),
            pair[1].as_str().unwrap()
        ));
    }
    h.push_str("MIME-Version: 1.0\r\n");
    let text = body(m.get("text"));
    let html = body(m.get("html"));
    let (text, html) = (text.as_deref(), html.as_deref());
    let body_part = match (text, html) {
        (Some(t), Some(hm)) => format!(
            "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{t}\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{hm}\r\n--alt--\r\n"
        ),
        (None, Some(hm)) => format!(
            "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{hm}\r\n"
        ),
        (t, None) => format!(
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            t.unwrap_or("")
        ),
    };
    let attachments = m.get("attachments").and_then(Value::as_array);
    let mut out = h;
    match attachments {
        Some(list) if !list.is_empty() => {
            out.push_str("Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\n");
            out.push_str(&body_part);
            for a in list {
                let name = a["name"].as_str().unwrap();
                let bytes = a["bytes"].as_u64().unwrap();
                out.push_str(&format!(
                    "\r\n--mix\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                ));
                out.push_str(&base64_of_a(bytes));
            }
            out.push_str("\r\n--mix--\r\n");
        }
        _ => out.push_str(&body_part),
    }
    if m.get("lf").and_then(Value::as_bool) == Some(true) {
        out = out.replace("\r\n", "\n");
    }
    out
}

/// A body: a string, or `{"repeat": "a", "times": N, "prefix", "suffix"}`
/// for large bodies that would bloat the case files.
fn body(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => {
            let part = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("");
            let times = o["times"].as_u64().unwrap() as usize;
            Some(format!(
                "{}{}{}",
                part("prefix"),
                part("repeat").repeat(times),
                part("suffix")
            ))
        }
        other => panic!("a body is a string or a repeat object, not {other}"),
    }
}

/// Base64 of `n` bytes `a`, in 76-character lines.
fn base64_of_a(n: u64) -> String {
    let groups = n / 3;
    let tail = match n % 3 {
        1 => "YQ==",
        2 => "YWE=",
        _ => "",
    };
    let groups_len = usize::try_from(groups).unwrap();
    let mut out = String::with_capacity(groups_len * 4 + groups_len / 19 * 2 + 8);
    // 19 groups of 4 characters make one 76-character line.
    for i in 0..groups {
        out.push_str("YWFh");
        if i % 19 == 18 {
            out.push_str("\r\n");
        }
    }
    out.push_str(tail);
    out
}
