//! HTML forwards and replies of the quotequail corpus
//! (tests/fixtures/closeio_quotequail): forwards must be found with the
//! header fields quotequail reads (sender, recipient, date, subject), the
//! text above the block and the original body; replies must not be taken
//! for forwards.
#![allow(clippy::unwrap_used)]
// Reads fixtures from disk: native only.
#![cfg(not(target_arch = "wasm32"))]

use crmlog::mime::forward::parse_html;
use crmlog::mime::html::to_text;
use serde_json::Value;
use std::path::Path;

const DIR: &str = "tests/fixtures/closeio_quotequail";

/// `Name <a@b>`, `Name (a@b)` or `Name` as (name, address).
fn split_mailbox(s: &str) -> (Option<String>, String) {
    for (open, close) in [('<', '>'), ('(', ')')] {
        if let Some((name, rest)) = s.split_once(open) {
            let address = rest.trim_end_matches(close).trim().to_string();
            let name = name.trim();
            return ((!name.is_empty()).then(|| name.to_string()), address);
        }
    }
    (Some(s.trim().to_string()), String::new())
}

/// Text with every run of white space made one space, for comparing what
/// two reductions of HTML say rather than how they lay it out.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn expected_html(case: &Value, key: &str) -> Option<String> {
    if let Some(inline) = case.get(key).and_then(Value::as_str) {
        return Some(inline.to_string());
    }
    let file = case.get(format!("{key}_file")).and_then(Value::as_str)?;
    Some(std::fs::read_to_string(Path::new(DIR).join(file)).unwrap())
}

#[test]
fn quotequail_forwards_and_replies() {
    let dir = Path::new(DIR);
    let expectations: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expectations.json")).unwrap())
            .unwrap();
    let cases = expectations["cases"].as_array().unwrap();
    assert!(!cases.is_empty(), "no cases in {DIR}");
    let (mut forwards, mut replies) = (0, 0);
    for case in cases {
        let fixture = case["fixture"].as_str().unwrap();
        let html = std::fs::read_to_string(dir.join(fixture)).unwrap();
        let result = parse_html(&html, None);
        if case["type"] == "reply" {
            replies += 1;
            assert!(!result.forwarded, "{fixture}: reply taken for a forward");
            continue;
        }
        forwards += 1;
        assert!(result.forwarded, "{fixture}: forward not found");
        assert!(!result.unsupported_language, "{fixture}");
        let email = result.email.as_ref().unwrap();
        let from = email.from.as_ref().unwrap();
        assert_eq!(
            (from.name.clone(), from.address.clone()),
            split_mailbox(case["from"].as_str().unwrap()),
            "{fixture}: from"
        );
        let to: Vec<_> = email
            .to
            .iter()
            .map(|m| (m.name.clone(), m.address.clone()))
            .collect();
        assert_eq!(
            to,
            [split_mailbox(case["to"].as_str().unwrap())],
            "{fixture}: to"
        );
        assert_eq!(
            email.date.as_deref(),
            case["date"].as_str(),
            "{fixture}: date"
        );
        assert_eq!(
            email.subject.as_deref(),
            case["subject"].as_str(),
            "{fixture}: subject"
        );
        // What the forwarder wrote, and the original body, say the same as
        // quotequail's unwrapped HTML once both are reduced to text.
        let top = expected_html(case, "html_top").map(|h| words(&to_text(&h)));
        let message = result.message.as_deref().map(words);
        assert_eq!(
            message.filter(|m| !m.is_empty()),
            top.filter(|t| !t.is_empty()),
            "{fixture}: message"
        );
        let original = words(&to_text(&expected_html(case, "html").unwrap()));
        assert_eq!(
            words(email.body.as_deref().unwrap_or("")),
            original,
            "{fixture}: body"
        );
    }
    assert!(
        forwards >= 5 && replies >= 4,
        "{forwards} forwards, {replies} replies"
    );
}

#[test]
fn fixtures_folder_is_complete() {
    let dir = Path::new(DIR);
    for file in ["LICENSE", "SOURCE.md", "expectations.json"] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
}
