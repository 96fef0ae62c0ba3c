//! The message model: what crmlog reads from a raw RFC 5322 message, built
//! over mail-parser.
//!
//! Invariant: [`parse`] never panics and never fails. Whatever could be read
//! is in the [`Message`]; whatever looked wrong is a [`Diagnostic`] whose
//! detail names places (part numbers, header names) and never message text,
//! because diagnostics may reach logs (private data stays out of them).

use mail_parser::{
    Addr, Address, HeaderName, HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType,
    parsers::MessageStream,
};
use serde::Serialize;
use std::collections::BTreeSet;

/// One address with its display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    /// The display name, decoded (RFC 2047), when one was written.
    pub name: Option<String>,
    /// The address as written, trimmed; empty when only a name was written.
    pub address: String,
}

/// An attachment (rule S2 needs its decoded size).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// File name from Content-Disposition `filename` or Content-Type `name`.
    pub name: Option<String>,
    /// `type/subtype`, lower case; `application/octet-stream` when absent.
    pub content_type: String,
    /// Size after transfer decoding (base64, quoted-printable), in bytes.
    pub bytes: u64,
}

/// Something that looked wrong while reading. Never contains message text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// A stable code, e.g. `no_headers`, `encoding_problem`; see docs/mime.md.
    pub code: String,
    /// Where: a part number or a header name, never content.
    pub detail: String,
}

/// The message model of a raw message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Message {
    /// From (usually one mailbox; RFC 5322 allows several).
    pub from: Vec<Mailbox>,
    /// Sender, when present.
    pub sender: Option<Mailbox>,
    /// To.
    pub to: Vec<Mailbox>,
    /// Cc.
    pub cc: Vec<Mailbox>,
    /// Bcc (present in sent copies and BCC-inbox deliveries).
    pub bcc: Vec<Mailbox>,
    /// Reply-To.
    pub reply_to: Vec<Mailbox>,
    /// Subject, decoded.
    pub subject: Option<String>,
    /// Date in RFC 3339 when parseable.
    pub date: Option<String>,
    /// Message-ID with angle brackets, e.g. `<a@b>`.
    pub message_id: Option<String>,
    /// In-Reply-To ids, with angle brackets.
    pub in_reply_to: Vec<String>,
    /// References ids, with angle brackets, in header order.
    pub references: Vec<String>,
    /// First text/plain body part, decoded.
    pub text: Option<String>,
    /// First text/html body part, decoded.
    pub html: Option<String>,
    /// Whether any text/plain body part exists (rule F7).
    pub has_text_part: bool,
    /// Whether any text/html body part exists (rule F7).
    pub has_html_part: bool,
    /// S1: UTF-8 byte length of all decoded text and HTML body parts.
    pub body_bytes: u64,
    /// S2: the attachments with their decoded sizes.
    pub attachments: Vec<Attachment>,
    /// All top-level header fields: name as written, value unfolded and
    /// decoded (RFC 2047).
    pub headers: Vec<(String, String)>,
    /// What looked wrong while reading.
    pub diagnostics: Vec<Diagnostic>,
}

impl Message {
    /// The first header field with this name (case-insensitive), decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All header fields with this name (case-insensitive), in order.
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn diagnose(&mut self, code: &str, detail: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            code: code.to_owned(),
            detail: detail.into(),
        });
    }
}

/// One MIME part as `crmlog mime inspect` shows it: structure and sizes,
/// never content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartInfo {
    /// Position in mail-parser's depth-first part list (0 is the root).
    pub index: usize,
    /// `type/subtype` as declared (lower case), or what the part was read as.
    pub content_type: String,
    /// `base64`, `quoted-printable` or `none` (7bit, 8bit, binary).
    pub encoding: String,
    /// `text_body`, `html_body`, `attachment`, `multipart`, `message` or
    /// `other`.
    pub role: String,
    /// Size after transfer decoding, in bytes (0 for containers).
    pub bytes: u64,
    /// The part could not be decoded as declared and was read as text.
    pub encoding_problem: bool,
}

/// Messages larger than this cannot be addressed by mail-parser's 32-bit
/// offsets; they are read up to this length (diagnostic `truncated`).
const MAX_INPUT: usize = u32::MAX as usize;

/// Reads a raw message. Never panics, never fails: what could be read plus
/// diagnostics.
pub fn parse(raw: &[u8]) -> Message {
    parse_with(raw, |_| {})
}

/// Reads a raw message like [`parse`] and also lists its MIME parts.
pub fn inspect(raw: &[u8]) -> (Message, Vec<PartInfo>) {
    let mut parts = Vec::new();
    let message = parse_with(raw, |parsed| parts = part_infos(parsed));
    (message, parts)
}

fn parse_with(raw: &[u8], mut also: impl FnMut(&mail_parser::Message<'_>)) -> Message {
    let mut out = Message::default();
    let raw = match raw.get(..MAX_INPUT) {
        Some(cut) if cut.len() < raw.len() => {
            out.diagnose("truncated", format!("read {MAX_INPUT} bytes"));
            cut
        }
        _ => raw,
    };
    let Some(parsed) = MessageParser::new().parse(raw) else {
        out.diagnose("no_headers", "no header field could be read");
        return out;
    };
    // mail-parser returns Some only with at least one part, but the model
    // must not rely on it: indexing would panic (and abort in wasm).
    let Some(root) = parsed.parts.first() else {
        out.diagnose("no_headers", "no header field could be read");
        return out;
    };

    read_headers(&mut out, raw, root);
    read_bodies(&mut out, &parsed);
    also(&parsed);
    out
}

fn part_infos(parsed: &mail_parser::Message<'_>) -> Vec<PartInfo> {
    parsed
        .parts
        .iter()
        .enumerate()
        .map(|(index, part)| {
            let id = index as u32;
            let role = match &part.body {
                PartType::Multipart(_) => "multipart",
                PartType::Message(_) => "message",
                _ if parsed.attachments.contains(&id) => "attachment",
                PartType::Html(_) if parsed.html_body.contains(&id) => "html_body",
                PartType::Text(_) if parsed.text_body.contains(&id) => "text_body",
                _ => "other",
            };
            let encoding = match part.encoding {
                mail_parser::Encoding::Base64 => "base64",
                mail_parser::Encoding::QuotedPrintable => "quoted-printable",
                mail_parser::Encoding::None => "none",
            };
            let a = attachment(part);
            PartInfo {
                index,
                content_type: a.content_type,
                encoding: encoding.to_owned(),
                role: role.to_owned(),
                bytes: a.bytes,
                encoding_problem: part.is_encoding_problem,
            }
        })
        .collect()
}

fn read_headers(out: &mut Message, raw: &[u8], root: &MessagePart<'_>) {
    let mut seen_date = false;
    let mut seen_message_id = false;
    for header in &root.headers {
        let name = raw
            .get(header.offset_field as usize..header.offset_start as usize)
            .map(|bytes| {
                let text = String::from_utf8_lossy(bytes);
                let text = text.trim_end();
                text.strip_suffix(':').unwrap_or(text).trim().to_owned()
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| header.name.as_str().to_owned());
        let value_bytes = raw
            .get(header.offset_start as usize..header.offset_end as usize)
            .unwrap_or_default();
        let value = decode_unstructured(value_bytes);
        if std::str::from_utf8(value_bytes).is_err() {
            out.diagnose("header_not_utf8", header.name.as_str().to_owned());
        }
        out.headers.push((name, value));

        match &header.name {
            HeaderName::From => out.from.extend(mailboxes(&header.value)),
            HeaderName::To => out.to.extend(mailboxes(&header.value)),
            HeaderName::Cc => out.cc.extend(mailboxes(&header.value)),
            HeaderName::Bcc => out.bcc.extend(mailboxes(&header.value)),
            HeaderName::ReplyTo => out.reply_to.extend(mailboxes(&header.value)),
            HeaderName::Sender if out.sender.is_none() => {
                out.sender = mailboxes(&header.value).into_iter().next();
            }
            HeaderName::Subject if out.subject.is_none() => {
                out.subject = header.value.as_text().map(str::to_owned).or_else(|| {
                    // An empty Subject is still a subject: keep "" apart
                    // from "no Subject field".
                    Some(String::new())
                });
            }
            HeaderName::Date if !seen_date => {
                seen_date = true;
                match header.value.as_datetime() {
                    Some(dt) if dt.is_valid() => out.date = Some(dt.to_rfc3339()),
                    _ => out.diagnose("bad_date", "Date"),
                }
            }
            HeaderName::MessageId if !seen_message_id => {
                seen_message_id = true;
                out.message_id = ids(&header.value).into_iter().next();
                if out.message_id.is_none() {
                    out.diagnose("bad_message_id", "Message-ID");
                }
            }
            HeaderName::InReplyTo => out.in_reply_to.extend(ids(&header.value)),
            HeaderName::References => out.references.extend(ids(&header.value)),
            _ => {}
        }
    }
    if out.from.is_empty() {
        out.diagnose("no_from", "From");
    }
}

fn read_bodies(out: &mut Message, parsed: &mail_parser::Message<'_>) {
    // Text and HTML body parts, as mail-parser classifies them (inline,
    // not attachments). mail-parser lists an HTML part among the text
    // bodies when an alternative has no plain part (and vice versa), so the
    // union, deduplicated, holds every body part once.
    let body_ids: BTreeSet<u32> = parsed
        .text_body
        .iter()
        .chain(parsed.html_body.iter())
        .copied()
        .collect();
    for id in body_ids {
        let Some(part) = parsed.parts.get(id as usize) else {
            continue;
        };
        match &part.body {
            PartType::Text(text) => {
                out.has_text_part = true;
                out.body_bytes = out.body_bytes.saturating_add(text.len() as u64);
                if out.text.is_none() {
                    out.text = Some(text.to_string());
                }
            }
            PartType::Html(html) => {
                out.has_html_part = true;
                out.body_bytes = out.body_bytes.saturating_add(html.len() as u64);
                if out.html.is_none() {
                    out.html = Some(html.to_string());
                }
            }
            _ => {}
        }
    }
    // The first text part in document order wins even when mail-parser
    // listed an HTML part first in text_body; the loop above went by part
    // number, which is document order.

    for &id in &parsed.attachments {
        let Some(part) = parsed.parts.get(id as usize) else {
            continue;
        };
        out.attachments.push(attachment(part));
    }

    for (index, part) in parsed.parts.iter().enumerate() {
        if part.is_encoding_problem {
            out.diagnose("encoding_problem", format!("part {index}"));
        }
    }
}

fn attachment(part: &MessagePart<'_>) -> Attachment {
    let content_type = part
        .content_type()
        .map(|ct| {
            let main = ct.ctype().trim().to_ascii_lowercase();
            match ct.subtype() {
                Some(sub) => format!("{main}/{}", sub.trim().to_ascii_lowercase()),
                None => main,
            }
        })
        .unwrap_or_else(|| match &part.body {
            PartType::Text(_) => "text/plain".to_owned(),
            PartType::Html(_) => "text/html".to_owned(),
            PartType::Message(_) => "message/rfc822".to_owned(),
            PartType::Multipart(_) => "multipart/mixed".to_owned(),
            _ => "application/octet-stream".to_owned(),
        });
    let bytes = match &part.body {
        PartType::Text(t) | PartType::Html(t) => t.len(),
        PartType::Binary(b) | PartType::InlineBinary(b) => b.len(),
        // A nested message's size is that of its text as carried, which is
        // what a CRM would store for it. (mail-parser keeps the outer raw
        // message in a nested one's raw_message, so the offsets tell.)
        PartType::Message(_) => {
            (part.offset_end as usize).saturating_sub(part.offset_body as usize)
        }
        PartType::Multipart(_) => 0,
    };
    Attachment {
        name: part.attachment_name().map(str::to_owned),
        content_type,
        bytes: bytes as u64,
    }
}

/// Unfolds and decodes (RFC 2047) a raw header value.
fn decode_unstructured(bytes: &[u8]) -> String {
    match MessageStream::new(bytes).parse_unstructured() {
        HeaderValue::Text(t) => t.into_owned(),
        HeaderValue::TextList(list) => list.join(" "),
        _ => String::new(),
    }
}

fn mailbox(addr: &Addr<'_>) -> Option<Mailbox> {
    let name = addr
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let address = addr
        .address
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if name.is_none() && address.is_empty() {
        return None;
    }
    Some(Mailbox { name, address })
}

fn mailboxes(value: &HeaderValue<'_>) -> Vec<Mailbox> {
    match value {
        HeaderValue::Address(Address::List(list)) => list.iter().filter_map(mailbox).collect(),
        // Groups are flattened: crmlog cares about who received a message,
        // not how the sender grouped them.
        HeaderValue::Address(Address::Group(groups)) => groups
            .iter()
            .flat_map(|g| g.addresses.iter())
            .filter_map(mailbox)
            .collect(),
        _ => Vec::new(),
    }
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let bracket = |id: &str| {
        let id = id.trim();
        (!id.is_empty()).then(|| format!("<{id}>"))
    };
    match value {
        HeaderValue::Text(id) => bracket(id).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|id| bracket(id)).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_simple_message() {
        let raw =
            b"From: \"Ann Lee\" <ann@example.com>\r\nTo: bob@example.org, Cy <cy@example.net>\r\n\
Subject: =?UTF-8?Q?Caf=C3=A9?=\r\nDate: Tue, 1 Jul 2003 10:52:37 +0200\r\n\
Message-ID: <m1@example.com>\r\nReferences: <a@x> <b@y>\r\n\r\nHello\r\n";
        let m = parse(raw);
        assert_eq!(m.from[0].name.as_deref(), Some("Ann Lee"));
        assert_eq!(m.from[0].address, "ann@example.com");
        assert_eq!(m.to.len(), 2);
        assert_eq!(m.subject.as_deref(), Some("Café"));
        assert_eq!(m.date.as_deref(), Some("2003-07-01T10:52:37+02:00"));
        assert_eq!(m.message_id.as_deref(), Some("<m1@example.com>"));
        assert_eq!(m.references, vec!["<a@x>", "<b@y>"]);
        assert_eq!(m.text.as_deref(), Some("Hello\r\n"));
        assert_eq!(m.body_bytes, 7);
        assert_eq!(m.header("subject"), Some("Café"));
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
    }

    #[test]
    fn empty_and_garbage_input_give_diagnostics() {
        assert_eq!(parse(b"").diagnostics[0].code, "no_headers");
        let m = parse(&[0xff, 0xfe, 0, 1, 2]);
        assert!(!m.diagnostics.is_empty());
    }
}
