//! The few facts the rules read from a raw RFC 5322 message: addresses,
//! threading ids, tracking ids, body and attachment sizes, and the
//! forwarded block (F2, F9).
//!
//! The message is read by `crate::mime::parse` and threaded by
//! `crate::mime::thread`, tracking ids by `crate::tracking::find`.
//! TEMPORARY: `crate::mime::forward::parse_message` (the multi-client,
//! multi-language forwarded-block parser, docs: /work/briefs/mime-api.md) is
//! being built in parallel; until it lands, [`forward_block`] knows only the
//! common English, German, Dutch, Polish and Norwegian separators and
//! labels. Nothing outside this file depends on how.

use crate::mime::{self, thread};

/// What the rules need from a raw message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    /// The first From address that has one (as written, trimmed).
    pub from: Option<String>,
    /// To addresses.
    pub to: Vec<String>,
    /// Cc addresses.
    pub cc: Vec<String>,
    /// Bcc addresses (present in sent copies).
    pub bcc: Vec<String>,
    /// In-Reply-To then References, each with angle brackets (R11).
    pub thread_refs: Vec<String>,
    /// The tracking id all carriers agree on (tracking.md), if any.
    pub tracking_id: Option<String>,
    /// S1: UTF-8 length of the decoded text and HTML body parts.
    pub body_bytes: u64,
    /// S2: attachments with their decoded sizes.
    pub attachments: Vec<(Option<String>, u64)>,
    /// F7: a text/plain part exists.
    pub has_text_part: bool,
    /// F7: a text/html part exists.
    pub has_html_part: bool,
    /// The first text body, decoded (for the forwarded block).
    pub text: Option<String>,
    /// The first HTML body, decoded.
    pub html: Option<String>,
}

/// What F2/F9 need from the forwarded block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ForwardFacts {
    /// The original sender's address, when a block with one was found.
    pub sender: Option<String>,
    /// F9: a block recognised by structure, labels in no known language.
    pub unsupported_language: bool,
}

/// Reads the facts of a raw message. Never panics; an unreadable message
/// gives what could be read.
pub(crate) fn from_raw(raw: &[u8]) -> Facts {
    let msg = mime::parse(raw);
    let addresses = |list: &[mime::Mailbox]| -> Vec<String> {
        list.iter()
            .map(|m| m.address.trim())
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect()
    };
    // R11: most specific first (In-Reply-To, then References newest
    // first), each once, never the message's own id.
    let headers = thread::ThreadHeaders::from(&msg);
    let thread_refs = thread::parent_ids(&headers)
        .into_iter()
        .map(|id| format!("<{id}>"))
        .collect();
    let tracking_id = crate::tracking::find(&msg)
        .id()
        .map(|id| id.as_str().to_string());
    Facts {
        from: addresses(&msg.from).into_iter().next(),
        to: addresses(&msg.to),
        cc: addresses(&msg.cc),
        bcc: addresses(&msg.bcc),
        thread_refs,
        tracking_id,
        body_bytes: msg.body_bytes,
        attachments: msg
            .attachments
            .iter()
            .map(|a| (a.name.clone(), a.bytes))
            .collect(),
        has_text_part: msg.has_text_part,
        has_html_part: msg.has_html_part,
        text: msg.text,
        html: msg.html,
    }
}

/// Separator lines that open a forwarded block, lower-cased.
const SEPARATORS: &[&str] = &[
    "forwarded message",
    "original message",
    "begin forwarded message",
    "weitergeleitete nachricht",
    "ursprüngliche nachricht",
    "doorgestuurd bericht",
    "oorspronkelijk bericht",
    "oorspronkelijk bericht",
    "przekazana wiadomość",
    "wiadomość przekazana",
    "oryginalna wiadomość",
    "wiadomość oryginalna",
    "videresendt melding",
    "videresendt e-post",
    "opprinnelig melding",
];

/// Sender labels (en, de, nl, pl, nb).
const FROM_LABELS: &[&str] = &["from", "von", "van", "od", "fra"];

/// Every other known header label.
const OTHER_LABELS: &[&str] = &[
    "date",
    "sent",
    "subject",
    "to",
    "cc",
    "datum",
    "gesendet",
    "betreff",
    "an",
    "kopie",
    "verzonden",
    "onderwerp",
    "aan",
    "data",
    "wysłano",
    "temat",
    "do",
    "dw",
    "dato",
    "sendt",
    "emne",
    "til",
    "kopi",
];

/// TEMPORARY (see the module doc): finds the outermost forwarded block.
pub(crate) fn forward_block(facts: &Facts) -> ForwardFacts {
    let text = match (&facts.text, &facts.html) {
        (Some(t), _) => t.clone(),
        (None, Some(h)) => html_to_text(h),
        (None, None) => return ForwardFacts::default(),
    };
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim().trim_start_matches('>').trim())
        .collect();
    let mut unknown_run = 0usize;
    let mut unknown_with_address = false;
    let mut separator_seen = false;
    for line in &lines {
        let lower = line.to_lowercase();
        if SEPARATORS.iter().any(|s| lower.contains(s)) || is_dash_separator(&lower) {
            separator_seen = true;
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            unknown_run = 0;
            continue;
        };
        let label = label.trim().to_lowercase();
        if label.is_empty() || label.chars().count() > 30 {
            unknown_run = 0;
            continue;
        }
        if FROM_LABELS.contains(&label.as_str()) {
            if let Some(address) = address_in(value) {
                return ForwardFacts {
                    sender: Some(address),
                    unsupported_language: false,
                };
            }
            return ForwardFacts::default();
        }
        if OTHER_LABELS.contains(&label.as_str()) {
            unknown_run = 0;
            continue;
        }
        unknown_run += 1;
        unknown_with_address |= address_in(value).is_some();
        if unknown_run >= 2 && unknown_with_address {
            return ForwardFacts {
                sender: None,
                unsupported_language: true,
            };
        }
    }
    ForwardFacts {
        sender: None,
        unsupported_language: separator_seen && unknown_with_address,
    }
}

fn is_dash_separator(line: &str) -> bool {
    line.starts_with("-----") && line.ends_with("-----") && line.len() > 10
}

fn address_in(value: &str) -> Option<String> {
    let value = value.trim();
    if let (Some(open), Some(close)) = (value.find('<'), value.rfind('>'))
        && let Some(inner) = value.get(open + 1..close)
        && inner.contains('@')
    {
        return Some(inner.trim().trim_start_matches("mailto:").to_string());
    }
    value
        .split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')' | '"' | ';' | ','))
        .map(|w| w.trim_start_matches("mailto:"))
        .find(|w| w.contains('@') && !w.starts_with('@') && !w.ends_with('@'))
        .map(str::to_string)
}

fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut tag = String::new();
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name = tag.trim_start_matches('/').to_lowercase();
                if ["br", "p", "div", "tr", "li"]
                    .iter()
                    .any(|t| name.starts_with(t))
                {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "From: Bob <Bob@Client.example>\r\nTo: anna@acme.example\r\nIn-Reply-To: <a@b>\r\nReferences: <r@b> <a@b>\r\nContent-Type: text/plain\r\n\r\nHi\r\n";

    #[test]
    fn reads_addresses_and_threading() {
        let f = from_raw(REPLY.as_bytes());
        assert_eq!(f.from.as_deref(), Some("Bob@Client.example"));
        assert_eq!(f.to, vec!["anna@acme.example"]);
        assert_eq!(f.thread_refs, vec!["<a@b>", "<r@b>"]);
        assert!(f.has_text_part && !f.has_html_part);
        assert_eq!(f.body_bytes, 4);
    }

    #[test]
    fn garbage_gives_facts_without_panicking() {
        for raw in [
            &b""[..],
            b"\xff\xfe",
            b"From:\r\n\r\n",
            b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x",
        ] {
            let f = from_raw(raw);
            let _ = forward_block(&f);
        }
    }

    #[test]
    fn forwarded_block_languages() {
        let text = |t: &str| Facts {
            text: Some(t.to_string()),
            ..Facts::default()
        };
        let f = text(
            "Hi\n---------- Forwarded message ---------\nVon: Jana <jana@kunde.example>\nBetreff: x\n",
        );
        assert_eq!(
            forward_block(&f).sender.as_deref(),
            Some("jana@kunde.example")
        );
        let f = text("-----Oorspronkelijk bericht-----\nVan: piet@klant.example\n");
        assert_eq!(
            forward_block(&f).sender.as_deref(),
            Some("piet@klant.example")
        );
        let f = text(
            "---------- Message transféré ---------\nDe : Luc <luc@client.example>\nObjet : x\n",
        );
        assert!(forward_block(&f).unsupported_language);
        let f = text("just a note\n");
        assert_eq!(forward_block(&f), ForwardFacts::default());
        let f = text("---------- Forwarded message ---------\nFrom: Jana Novak\n");
        assert_eq!(forward_block(&f), ForwardFacts::default());
    }
}
