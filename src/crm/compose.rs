//! From what a compose window shows to a [`LogRequest`]. Pure: the site
//! adapters read the DOM into a [`ComposeSnapshot`]; this decides what the
//! fields mean. Shared by every site so that Gmail and Outlook build the
//! same request from the same compose.

use super::log::{InvalidRequest, LogRequest, Party, is_plausible_address, normalize};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The raw contents of a compose window at the moment of Send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComposeSnapshot {
    /// The tracking id written into the message while composing.
    pub tracking_id: String,
    /// The sending address (Gmail: the compose's `from` field), possibly
    /// as `Name <address>`.
    pub from: String,
    /// To entries as the page holds them: `address`, `Name <address>`, or
    /// text typed but not yet turned into a chip (comma-separated).
    #[serde(default)]
    pub to: Vec<String>,
    /// Cc entries, same forms.
    #[serde(default)]
    pub cc: Vec<String>,
    /// Bcc entries, same forms.
    #[serde(default)]
    pub bcc: Vec<String>,
    /// Subject.
    #[serde(default)]
    pub subject: String,
    /// Body as HTML.
    #[serde(default)]
    pub html: String,
    /// Body as the reader sees it; when empty, derived from `html`.
    #[serde(default)]
    pub text: String,
    /// Send time, RFC 3339.
    pub sent_at: String,
}

/// Reads `Name <address>`, `"Name" <address>`, `<address>` or `address`.
/// Returns `None` for text that holds no plausible address.
pub fn parse_party(entry: &str) -> Option<Party> {
    let entry = entry.trim();
    if entry.is_empty() {
        return None;
    }
    let (name, address) = match (entry.rfind('<'), entry.ends_with('>')) {
        (Some(open), true) => {
            let address = entry.get(open + 1..entry.len() - 1)?.trim();
            let name = entry.get(..open)?.trim().trim_matches('"').trim();
            (
                (!name.is_empty()).then(|| name.to_string()),
                address.to_string(),
            )
        }
        _ => (None, entry.to_string()),
    };
    is_plausible_address(&address).then_some(Party {
        address: normalize(&address),
        name,
    })
}

/// The distinct parties of a recipient field, in order; `seen` carries the
/// addresses of the fields read before (O1: a person is logged once).
pub fn parties(entries: &[String], seen: &mut BTreeSet<String>) -> Vec<Party> {
    let mut out = Vec::new();
    for entry in entries {
        // Typed text may hold several addresses separated by commas or
        // semicolons; a chip's value holds one, and its name may contain a
        // comma ("Jones, Bob <bob@x>"), so only split text without `<`.
        let pieces: Vec<&str> = if entry.contains('<') {
            vec![entry.as_str()]
        } else {
            entry.split([',', ';']).collect()
        };
        for piece in pieces {
            if let Some(p) = parse_party(piece) {
                // O1: a person is logged once even when listed twice.
                if seen.insert(p.address.clone()) {
                    out.push(p);
                }
            }
        }
    }
    out
}

/// A message as the page shows it (Outlook's reading pane, which offers no
/// raw source), written as an RFC 5322 message so that the rules read it
/// like any other: From, To, Cc, Subject and the HTML body. Entries may
/// carry the page's label ("From: Bob <bob@x>"); entries without an address
/// (a name only) are dropped, as in a compose. Line breaks in the page's
/// text never become header lines.
pub fn shown_to_raw(shown: &ComposeSnapshot) -> String {
    fn one_line(text: &str) -> String {
        text.chars()
            .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
            .collect()
    }
    fn entry(text: &str) -> Option<String> {
        // A label before the person ("From: ", "Von: ") ends with a colon
        // before any `<` or `@`.
        let text = match text.find(':') {
            Some(colon) if !text[..colon].contains(['<', '@']) => &text[colon + 1..],
            _ => text,
        };
        let p = parse_party(text)?;
        Some(match p.name {
            Some(name) => format!("\"{}\" <{}>", one_line(&name).replace('"', "'"), p.address),
            None => p.address,
        })
    }
    fn list(entries: &[String]) -> String {
        let mut seen = BTreeSet::new();
        entries
            .iter()
            .filter_map(|e| entry(e))
            .filter(|e| seen.insert(e.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    }
    let mut raw = String::new();
    for (name, value) in [
        ("From", entry(&shown.from).unwrap_or_default()),
        ("To", list(&shown.to)),
        ("Cc", list(&shown.cc)),
        ("Subject", one_line(shown.subject.trim())),
    ] {
        if !value.is_empty() {
            raw.push_str(name);
            raw.push_str(": ");
            raw.push_str(&value);
            raw.push_str("\r\n");
        }
    }
    raw.push_str("MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n");
    raw.push_str("Content-Transfer-Encoding: 8bit\r\n\r\n");
    raw.push_str(&shown.html);
    raw
}

/// Builds and validates the logging request for a compose.
pub fn build_log_request(snapshot: &ComposeSnapshot) -> Result<LogRequest, InvalidRequest> {
    let from = parse_party(&snapshot.from).ok_or_else(|| InvalidRequest {
        field: "from".into(),
        problem: "the sending address could not be read".into(),
    })?;
    let mut seen = BTreeSet::new();
    let to = parties(&snapshot.to, &mut seen);
    let cc = parties(&snapshot.cc, &mut seen);
    let bcc = parties(&snapshot.bcc, &mut seen);
    let request = LogRequest {
        tracking_id: snapshot.tracking_id.trim().to_string(),
        from,
        to,
        cc,
        bcc,
        subject: snapshot.subject.trim().to_string(),
        text: if snapshot.text.is_empty() {
            crate::mime::html::to_text(&snapshot.html)
        } else {
            snapshot.text.clone()
        },
        html: snapshot.html.clone(),
        sent_at: snapshot.sent_at.clone(),
        direction: Default::default(),
    };
    request.validate()?;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> ComposeSnapshot {
        ComposeSnapshot {
            tracking_id: "crml-5knz5jl7dedbbq6rwxvrobvw5m".into(),
            from: "Anna K <anna@acme.example>".into(),
            to: vec![
                "Jones, Bob <Bob@Client.example>".into(),
                "carl@client.example, dora@client.example".into(),
            ],
            cc: vec!["bob@client.example".into()],
            bcc: vec![],
            subject: "  Offer ".into(),
            html: "<p>Hi</p>".into(),
            text: "Hi".into(),
            sent_at: "2026-11-23T10:00:00Z".into(),
        }
    }

    #[test]
    fn parses_the_forms_a_compose_shows() {
        assert_eq!(
            parse_party("\"Bob J\" <bob@x.example>"),
            Some(Party {
                address: "bob@x.example".into(),
                name: Some("Bob J".into())
            })
        );
        assert_eq!(
            parse_party("<bob@x.example>"),
            Some(Party {
                address: "bob@x.example".into(),
                name: None
            })
        );
        assert_eq!(parse_party("Bob"), None);
        assert_eq!(parse_party("Bob <>"), None);
        assert_eq!(parse_party("<"), None);
        assert_eq!(parse_party("é<"), None);
    }

    #[test]
    fn builds_deduplicated_request() {
        let r = build_log_request(&snapshot()).unwrap();
        assert_eq!(r.from.address, "anna@acme.example");
        let to: Vec<_> = r.to.iter().map(|p| p.address.as_str()).collect();
        assert_eq!(
            to,
            [
                "bob@client.example",
                "carl@client.example",
                "dora@client.example"
            ]
        );
        assert_eq!(r.to[0].name.as_deref(), Some("Jones, Bob"));
        assert!(r.cc.is_empty(), "bob is already in To");
        assert_eq!(r.subject, "Offer");
    }

    #[test]
    fn text_is_derived_from_html_when_absent() {
        let mut s = snapshot();
        s.text.clear();
        s.html = "<div>Hello <b>Bob</b></div><div>Second line</div>".into();
        let r = build_log_request(&s).unwrap();
        assert!(r.text.contains("Hello Bob"), "{:?}", r.text);
        assert!(r.text.contains("Second line"));
    }

    #[test]
    fn refuses_without_sender_or_recipients() {
        let mut s = snapshot();
        s.from = "nobody".into();
        assert_eq!(build_log_request(&s).unwrap_err().field, "from");
        let mut s = snapshot();
        s.to = vec!["not an address".into()];
        s.cc.clear();
        assert_eq!(build_log_request(&s).unwrap_err().field, "to");
    }

    #[test]
    fn what_the_pane_shows_reads_back_as_a_message() {
        let shown = ComposeSnapshot {
            tracking_id: String::new(),
            from: "From: Bob Jones <Bob@Client.example>".into(),
            to: vec!["To: Anna K <anna@acme.example>".into(), "Carol".into()],
            cc: vec!["ceo@client.example".into()],
            bcc: Vec::new(),
            subject: "Re: Offer\r\nBcc: evil@x.example".into(),
            html: "<p>Thanks</p>".into(),
            text: String::new(),
            sent_at: String::new(),
        };
        let raw = shown_to_raw(&shown);
        let m = crate::mime::parse(raw.as_bytes());
        assert_eq!(m.from[0].address, "bob@client.example");
        assert_eq!(m.from[0].name.as_deref(), Some("Bob Jones"));
        let to: Vec<&str> = m.to.iter().map(|b| b.address.as_str()).collect();
        assert_eq!(
            to,
            ["anna@acme.example"],
            "a name without an address is dropped"
        );
        assert_eq!(m.cc[0].address, "ceo@client.example");
        assert!(m.bcc.is_empty(), "no header injection from page text");
        assert_eq!(m.subject.as_deref(), Some("Re: Offer  Bcc: evil@x.example"));
        assert!(m.html.unwrap_or_default().contains("Thanks"));
    }
}
