//! Forwarded messages: finds the forwarded-message block a mail client
//! wrote into a body and reads the original message out of it (rules F2,
//! F9 of spec/logging-rules.md).
//!
//! The parser scans lines once, by hand, with per-language label tables
//! (`labels`); it never panics and never fails. Client families:
//! - separators (`separator`): a phrase between dashes (Gmail, Thunderbird,
//!   Yahoo! Mail, HubSpot, IONOS, Missive, Outlook desktop, Samsung Mail,
//!   Windows Live Mail), a phrase with a colon (Apple Mail, iOS Mail,
//!   MailMate), a line of underscores (Outlook.com);
//! - header blocks (`header`): `Label: value` lines, or Yahoo's glued line;
//! - Outlook without separator: a bare header run (Outlook 2013-2016, new
//!   Outlook) or an attribution line (`attribution`, Outlook 2019 for Mac).
//!   Outlook writes the same for replies, so these count only when the
//!   subject carries a forward prefix (`Fw:`, `WG:`, `TR:`, ...).
//!
//! Decisions where the clients or the spec leave room are in
//! docs/forward.md.

mod attribution;
mod date;
mod header;
mod labels;
mod lines;
mod mailbox;
mod separator;

use header::{Header, label_line, parse_block, unglue};
use labels::{Field, Phrase, SubjectKind, classify_subject};
use lines::Line;
use separator::Separator;
use serde::Serialize;

pub use crate::mime::Mailbox;

/// The original message read out of a forwarded block.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ForwardedEmail {
    /// The original subject (from the block, else the forward's subject
    /// without its prefix).
    pub subject: Option<String>,
    /// The original body: everything after the block's header, quote
    /// markers removed, trimmed. For the outermost block it runs to the end
    /// (nested blocks included); for `chain` entries, to the next block.
    pub body: Option<String>,
    /// The date as written.
    pub date: Option<String>,
    /// The date normalised to RFC 3339 when it could be read.
    pub date_rfc3339: Option<String>,
    /// The original sender; address empty when only a name was written.
    pub from: Option<Mailbox>,
    /// The original To recipients.
    pub to: Vec<Mailbox>,
    /// The original Cc recipients.
    pub cc: Vec<Mailbox>,
}

/// What the parser found in a message.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Forward {
    /// Whether the message is a forward (a forwarded block was found, or the
    /// subject carries a forward prefix).
    pub forwarded: bool,
    /// What the forwarder wrote above the block.
    pub message: Option<String>,
    /// The outermost forwarded block (the one rule F2 logs).
    pub email: Option<ForwardedEmail>,
    /// Inner (nested) blocks, outermost first.
    pub chain: Vec<ForwardedEmail>,
    /// F9: a block recognised by its structure whose labels are in no known
    /// language.
    pub unsupported_language: bool,
}

/// Context that is not in the body itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    /// Offset (minutes east of UTC) for dates written without a zone:
    /// clients print the original date in the forwarder's time zone, which
    /// the forward's own `Date` header carries.
    pub default_offset: Option<i32>,
}

/// Parses a plain-text body; `subject` is the forward's own subject, whose
/// prefix (`Fwd:`, `WG:`, `Re:`, ...) is a signal.
pub fn parse_text(body: &str, subject: Option<&str>) -> Forward {
    parse_text_in(body, subject, Context::default())
}

/// Parses an HTML body, reduced to text first (`crate::mime::html`).
pub fn parse_html(html: &str, subject: Option<&str>) -> Forward {
    parse_text(&crate::mime::html::to_text(html), subject)
}

/// [`parse_text`] with context.
pub fn parse_text_in(body: &str, subject: Option<&str>, context: Context) -> Forward {
    let kind = subject.map(classify_subject);
    // Replies are never forwards (rules R), whatever their body quotes.
    if kind == Some(SubjectKind::Reply) {
        return Forward::default();
    }
    let stripped_subject = match &kind {
        Some(SubjectKind::Forward(rest)) if !rest.is_empty() => Some(rest.as_str()),
        _ => None,
    };
    let weak = matches!(kind, Some(SubjectKind::Forward(_)));
    let text = lines::normalize(body);
    let lines = lines::split(&text);

    let mut found = Vec::new();
    let mut from = 0;
    while let Some(block) = find(&lines, from, weak) {
        from = block.body_start.max(block.start + 1);
        found.push(block);
    }
    if found.is_empty()
        && let Some(block) = weak.then(|| unknown_run(&lines)).flatten()
    {
        found.push(block);
    }
    let Some(outer) = found.first() else {
        return Forward {
            forwarded: weak,
            email: weak.then(|| ForwardedEmail {
                subject: stripped_subject.map(str::to_string),
                ..ForwardedEmail::default()
            }),
            ..Forward::default()
        };
    };
    let message = lines::join(lines.get(..outer.start).unwrap_or(&[]), 0, 0);
    let build = |index: usize, end: usize| {
        found
            .get(index)
            .map(|block| block.email(&lines, end, stripped_subject, context))
    };
    let email = build(0, lines.len());
    let chain = (1..found.len())
        .filter_map(|i| {
            let end = found.get(i + 1).map_or(lines.len(), |next| next.start);
            build(i, end)
        })
        .collect();
    Forward {
        forwarded: true,
        message: (!message.is_empty()).then_some(message),
        email,
        chain,
        unsupported_language: outer.unsupported,
    }
}

/// Parses a whole message: the plain-text part and the HTML part are both
/// tried, and the one that yields a sender wins (Outlook's plain text of an
/// HTML forward lacks the separator its HTML has).
pub fn parse_message(msg: &crate::mime::Message) -> Forward {
    let context = Context {
        default_offset: msg.date.as_deref().and_then(offset_of),
    };
    let subject = msg.subject.as_deref();
    let from_text = msg
        .text
        .as_deref()
        .map(|text| parse_text_in(text, subject, context));
    if from_text.as_ref().is_some_and(has_sender) {
        return from_text.unwrap_or_default();
    }
    let from_html = msg
        .html
        .as_deref()
        .map(|html| parse_text_in(&crate::mime::html::to_text(html), subject, context));
    match (from_text, from_html) {
        (_, Some(html)) if has_sender(&html) => html,
        (Some(text), _) if text.forwarded => text,
        (_, Some(html)) if html.forwarded => html,
        (text, html) => text.or(html).unwrap_or_default(),
    }
}

fn has_sender(forward: &Forward) -> bool {
    forward
        .email
        .as_ref()
        .and_then(|e| e.from.as_ref())
        .is_some_and(|f| !f.address.is_empty())
}

/// The offset of an RFC 3339 date (`...+02:00`, `...Z`), in minutes.
fn offset_of(rfc3339: &str) -> Option<i32> {
    if rfc3339.ends_with('Z') || rfc3339.ends_with('z') {
        return Some(0);
    }
    let tail = rfc3339.get(rfc3339.len().checked_sub(6)?..)?;
    let sign = match tail.get(..1)? {
        "+" => 1,
        "-" => -1,
        _ => return None,
    };
    let hours: i32 = tail.get(1..3)?.parse().ok()?;
    let minutes: i32 = tail.get(4..6)?.parse().ok()?;
    Some(sign * (hours * 60 + minutes))
}

/// A block found in the lines.
struct Found<'a> {
    /// First line of the block (separator, header or attribution line).
    start: usize,
    /// First line of the original body.
    body_start: usize,
    /// Quote levels to remove from body lines.
    levels: usize,
    /// Spaces to remove from the start of body lines (Outlook 2019).
    indent: usize,
    header: Header<'a>,
    /// Sender and date from an attribution line.
    attributed: Option<(Mailbox, Option<String>)>,
    unsupported: bool,
}

impl<'a> Found<'a> {
    fn from_header(start: usize, block: header::Block<'a>) -> Self {
        Found {
            start,
            body_start: block.end,
            levels: block.depth.max(1),
            indent: 0,
            unsupported: !block.header.has_from() && block.header.unknown > 0,
            header: block.header,
            attributed: None,
        }
    }

    fn email(
        &self,
        lines: &[Line<'_>],
        end: usize,
        stripped_subject: Option<&str>,
        context: Context,
    ) -> ForwardedEmail {
        let h = &self.header;
        let body = lines
            .get(self.body_start..end.max(self.body_start))
            .map(|body| lines::join(body, self.levels, self.indent))
            .filter(|b| !b.is_empty());
        let subject = h
            .subject
            .filter(|s| !s.is_empty())
            .or(stripped_subject)
            .map(str::to_string);
        let (from, date) = match &self.attributed {
            Some((mailbox, date)) => (Some(mailbox.clone()), date.clone()),
            None => (
                h.from.and_then(mailbox::parse_one),
                h.date.filter(|d| !d.is_empty()).map(str::to_string),
            ),
        };
        let date_rfc3339 = date
            .as_deref()
            .and_then(|d| date::to_rfc3339(d, h.croatian, context.default_offset));
        let list = |values: &[&str]| values.iter().flat_map(|v| mailbox::parse_list(v)).collect();
        ForwardedEmail {
            subject,
            body,
            date,
            date_rfc3339,
            from,
            to: list(&h.to),
            cc: list(&h.cc),
        }
    }
}

/// Finds the first block at or after line `from`. `weak` admits the forms
/// that replies share (bare header runs, attribution lines).
fn find<'a>(lines: &[Line<'a>], from: usize, weak: bool) -> Option<Found<'a>> {
    for i in from..lines.len() {
        let line = lines.get(i)?;
        let content = line.content();
        if let Some(sep) = separator::separator(content)
            && let Some(found) = after_separator(lines, i, sep)
        {
            return Some(found);
        }
        if weak && let Some(found) = header_run(lines, i).or_else(|| attributed(lines, i)) {
            return Some(found);
        }
    }
    None
}

/// The block opened by the separator on line `i`, if it is one.
fn after_separator<'a>(lines: &[Line<'a>], i: usize, sep: Separator<'a>) -> Option<Found<'a>> {
    let line = lines.get(i)?;
    let (rest, forward_phrase) = match sep {
        Separator::Known { phrase, rest } => (rest, phrase == Phrase::Forward),
        Separator::Unknown { rest } => (rest, false),
        Separator::Underscores => ("", false),
    };
    // Yahoo! Mail: the header follows on the separator's own line.
    if !rest.trim().is_empty() {
        let header = unglue(rest);
        if header.has_from() {
            return Some(Found {
                start: i,
                body_start: i + 1,
                levels: line.depth.max(1),
                indent: 0,
                header,
                attributed: None,
                unsupported: false,
            });
        }
    }
    match parse_block(lines, i + 1, line.depth) {
        Some(block) if block.header.has_from() => Some(Found::from_header(i, block)),
        // F9: structure without a label the parser knows, but an address.
        Some(block) if block.header.unknown >= 2 && block.header.unknown_address => {
            Some(Found::from_header(i, block))
        }
        // A forward phrase is a forward even when its header is unreadable
        // (F2 then reports the missing header).
        block if forward_phrase => Some(Found {
            start: i,
            body_start: block.as_ref().map_or(i + 1, |b| b.end),
            levels: line.depth.max(1),
            indent: 0,
            header: block.map(|b| b.header).unwrap_or_default(),
            attributed: None,
            unsupported: false,
        }),
        _ => None,
    }
}

/// A header block without separator (Outlook 2013-2016, new Outlook):
/// a From line and at least two more known fields.
fn header_run<'a>(lines: &[Line<'a>], i: usize) -> Option<Found<'a>> {
    let line = lines.get(i)?;
    let label = label_line(line.content())?;
    if label.field != Some(Field::From) || label.value.trim().is_empty() {
        return None;
    }
    let block = parse_block(lines, i, line.depth)?;
    (block.first == i && block.header.known >= 3 && block.header.has_from())
        .then(|| Found::from_header(i, block))
}

/// An attribution line (Outlook 2019 for Mac), possibly wrapped onto the
/// next line.
fn attributed<'a>(lines: &[Line<'a>], i: usize) -> Option<Found<'a>> {
    let line = lines.get(i)?;
    let content = line.content();
    if !content.contains('@') {
        return None;
    }
    let (attribution, used) = match attribution::parse(content) {
        Some(a) => (owned(a), 1),
        None => {
            let next = lines.get(i + 1)?.content().trim();
            if !next.ends_with(':') || next.len() > 80 {
                return None;
            }
            let joined = format!("{} {}", content.trim_end(), next.trim());
            (owned(attribution::parse(&joined)?), 2)
        }
    };
    Some(Found {
        start: i,
        body_start: i + used,
        levels: line.depth.max(1),
        indent: 4,
        header: Header::default(),
        attributed: Some(attribution),
        unsupported: false,
    })
}

fn owned(a: attribution::Attribution<'_>) -> (Mailbox, Option<String>) {
    (
        Mailbox {
            name: a.name.map(str::to_string),
            address: a.address.to_string(),
        },
        a.date.map(str::to_string),
    )
}

/// F9 without separator: with a forward subject, a run of at least three
/// `Label: value` lines in no known language, one holding an address.
fn unknown_run<'a>(lines: &[Line<'a>]) -> Option<Found<'a>> {
    (0..lines.len()).find_map(|i| {
        let line = lines.get(i)?;
        let first = label_line(line.content())?;
        if first.field.is_some() || !first.value.contains('@') {
            return None;
        }
        let block = parse_block(lines, i, line.depth)?;
        (block.first == i && block.header.unknown >= 3 && !block.header.has_from()).then(|| {
            let mut found = Found::from_header(i, block);
            found.unsupported = true;
            found
        })
    })
}

/// The JSON shape of email-forward-parser's `read()` result, with the
/// extra fields `date_rfc3339`, `chain` and `unsupported_language`: names
/// and addresses `null` when absent, lists empty.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// See [`Forward::forwarded`].
    pub forwarded: bool,
    /// See [`Forward::message`].
    pub message: Option<String>,
    /// The outermost block; every field `null` when there is none.
    pub email: ReportEmail,
    /// See [`Forward::chain`].
    pub chain: Vec<ReportEmail>,
    /// See [`Forward::unsupported_language`].
    pub unsupported_language: bool,
}

/// One forwarded email in the [`Report`] shape.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReportEmail {
    /// Subject.
    pub subject: Option<String>,
    /// Body.
    pub body: Option<String>,
    /// Date as written.
    pub date: Option<String>,
    /// Date in RFC 3339.
    pub date_rfc3339: Option<String>,
    /// Sender.
    pub from: ReportMailbox,
    /// To recipients.
    pub to: Vec<ReportMailbox>,
    /// Cc recipients.
    pub cc: Vec<ReportMailbox>,
}

/// A mailbox in the [`Report`] shape.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReportMailbox {
    /// Address, `null` when only a name was written.
    pub address: Option<String>,
    /// Display name, `null` when absent.
    pub name: Option<String>,
}

impl From<&Mailbox> for ReportMailbox {
    fn from(m: &Mailbox) -> Self {
        ReportMailbox {
            address: (!m.address.is_empty()).then(|| m.address.clone()),
            name: m.name.clone(),
        }
    }
}

impl From<&ForwardedEmail> for ReportEmail {
    fn from(e: &ForwardedEmail) -> Self {
        ReportEmail {
            subject: e.subject.clone(),
            body: e.body.clone(),
            date: e.date.clone(),
            date_rfc3339: e.date_rfc3339.clone(),
            from: e.from.as_ref().map(ReportMailbox::from).unwrap_or_default(),
            to: e.to.iter().map(ReportMailbox::from).collect(),
            cc: e.cc.iter().map(ReportMailbox::from).collect(),
        }
    }
}

impl Forward {
    /// This result in the shape of email-forward-parser's `read()`.
    pub fn report(&self) -> Report {
        Report {
            forwarded: self.forwarded,
            message: self.message.clone(),
            email: self
                .email
                .as_ref()
                .map(ReportEmail::from)
                .unwrap_or_default(),
            chain: self.chain.iter().map(ReportEmail::from).collect(),
            unsupported_language: self.unsupported_language,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_not_forwards() {
        let body = "Thanks\n\nFrom: A <a@x.com>\nSent: Monday\nTo: b@x.com\nSubject: s\n\nhi";
        assert!(!parse_text(body, Some("RE: s")).forwarded);
        assert!(!parse_text(body, None).forwarded);
        assert!(parse_text(body, Some("FW: s")).forwarded);
    }

    #[test]
    fn unknown_language_is_flagged() {
        let body = "----- Zzyzx Qwerty -----\nXyz: A <a@x.com>\nAbc: b@x.com\nDef: s\n\nbody";
        let f = parse_text(body, None);
        assert!(f.forwarded && f.unsupported_language);
    }

    #[test]
    fn offsets() {
        assert_eq!(offset_of("2021-10-27T09:31:00+02:00"), Some(120));
        assert_eq!(offset_of("2021-10-27T09:31:00-04:30"), Some(-270));
        assert_eq!(offset_of("2021-10-27T09:31:00Z"), Some(0));
        assert_eq!(offset_of("x"), None);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for body in [
            "",
            ">",
            "\u{feff}",
            "-----",
            "From:",
            "a\r",
            "送信元：",
            "> ---- x ----\n> Von:",
        ] {
            let _ = parse_text(body, Some("Fwd:"));
            let _ = parse_text(body, None);
        }
    }
}
