//! Tracking ids per `spec/tracking.md`: `crml-` followed by 26 characters of
//! lower-case RFC 4648 base32 (no padding) encoding 128 random bits.
//!
//! Invariant: an id encodes nothing but randomness; parsing accepts upper
//! case and always yields the canonical lower-case form.

use std::fmt;

/// The fixed prefix of every tracking id.
pub const PREFIX: &str = "crml-";
/// Number of base32 characters after the prefix (128 bits, 5 bits each).
pub const BODY_LEN: usize = 26;
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A tracking id in canonical (lower-case) form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TrackingId(String);

/// Why a string is not a tracking id.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ParseError {
    /// The string does not start with `crml-` (any case).
    MissingPrefix,
    /// The part after the prefix is not 26 characters long.
    WrongLength(usize),
    /// A character outside the base32 alphabet `a-z2-7`.
    BadCharacter(char),
    /// The last character carries bits beyond the 128 encoded ones.
    NonCanonicalTail,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::MissingPrefix => write!(f, "a tracking id starts with \"crml-\""),
            ParseError::WrongLength(n) => write!(
                f,
                "a tracking id has {BODY_LEN} characters after \"crml-\", not {n}"
            ),
            ParseError::BadCharacter(c) => {
                write!(f, "'{c}' is not a base32 character (a-z, 2-7)")
            }
            ParseError::NonCanonicalTail => {
                write!(f, "the last character encodes bits beyond 128")
            }
        }
    }
}

impl std::error::Error for ParseError {}

/// The platform's cryptographic random source failed.
#[derive(Debug)]
pub struct RandomUnavailable(pub String);

impl fmt::Display for RandomUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no cryptographic random source: {}", self.0)
    }
}

impl std::error::Error for RandomUnavailable {}

impl TrackingId {
    /// A fresh id from the platform's cryptographic random source
    /// (`crypto.getRandomValues` in the browser, the OS natively).
    pub fn generate() -> Result<TrackingId, RandomUnavailable> {
        let mut bytes = [0u8; 16];
        getrandom::getrandom(&mut bytes).map_err(|e| RandomUnavailable(e.to_string()))?;
        Ok(TrackingId::from_bytes(bytes))
    }

    /// The id that encodes these 128 bits.
    pub fn from_bytes(bytes: [u8; 16]) -> TrackingId {
        let mut s = String::with_capacity(PREFIX.len() + BODY_LEN);
        s.push_str(PREFIX);
        // RFC 4648: take 5 bits at a time from the front; the final group
        // holds the last 3 bits followed by two zero pad bits.
        let mut buffer: u16 = 0;
        let mut held = 0u32;
        for byte in bytes {
            buffer = (buffer << 8) | u16::from(byte);
            held += 8;
            while held >= 5 {
                held -= 5;
                s.push(ALPHABET[usize::from((buffer >> held) & 0x1f)] as char);
            }
        }
        if held > 0 {
            s.push(ALPHABET[usize::from((buffer << (5 - held)) & 0x1f)] as char);
        }
        TrackingId(s)
    }

    /// Parses an id, accepting upper case.
    pub fn parse(text: &str) -> Result<TrackingId, ParseError> {
        let prefix_ok = text
            .get(..PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX));
        if !prefix_ok {
            return Err(ParseError::MissingPrefix);
        }
        let body = &text[PREFIX.len()..];
        let len = body.chars().count();
        if len != BODY_LEN {
            return Err(ParseError::WrongLength(len));
        }
        let mut value: u128 = 0;
        let mut last = 0u8;
        for c in body.chars() {
            let v = match c.to_ascii_lowercase() {
                l @ 'a'..='z' => l as u8 - b'a',
                d @ '2'..='7' => d as u8 - b'2' + 26,
                _ => return Err(ParseError::BadCharacter(c)),
            };
            value = (value << 5) | u128::from(v);
            last = v;
        }
        // The two pad bits must be zero, or two spellings would name one id.
        if last & 0b11 != 0 {
            return Err(ParseError::NonCanonicalTail);
        }
        Ok(TrackingId(format!("{PREFIX}{}", body.to_ascii_lowercase())))
    }

    /// The canonical text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TrackingId {
    /// The id as text, without copying it (and without `Display`, whose
    /// formatting machinery the content script can do without).
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for TrackingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The header field that carries an id (carrier 1).
pub const HEADER: &str = "X-Crmlog-Id";
/// The HTML attribute that carries an id (carrier 2, the body marker).
pub const MARKER_ATTRIBUTE: &str = "data-crmlog-id";

/// The ways an id travels inside a message (spec/tracking.md, "Carriers").
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// `X-Crmlog-Id: <id>`.
    Header,
    /// An HTML element with `data-crmlog-id="<id>"`.
    BodyMarker,
    /// An `<img>` whose `src` ends in `/o/<id>.gif`.
    Pixel,
    /// A recipient `local+<id>@domain`.
    BccAddress,
}

impl Carrier {
    /// A stable lower-case name for messages and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Carrier::Header => "header",
            Carrier::BodyMarker => "body_marker",
            Carrier::Pixel => "pixel",
            Carrier::BccAddress => "bcc_address",
        }
    }
}

/// What [`find`] read from a message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Finding {
    /// Every carrier found names this id.
    Found {
        /// The id.
        id: TrackingId,
        /// The carriers that named it, each once, in [`Carrier`] order.
        carriers: Vec<Carrier>,
    },
    /// No carrier holds an id.
    None,
    /// Carriers name different ids: by the spec, no id, and a warning.
    Conflict {
        /// Each carrier with each distinct id it named.
        found: Vec<(Carrier, TrackingId)>,
    },
}

impl Finding {
    /// The id, only when the carriers agree.
    pub fn id(&self) -> Option<&TrackingId> {
        match self {
            Finding::Found { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The warning to show when carriers disagree. Ids are random and
    /// carry no private data, so they may appear in it.
    pub fn warning(&self) -> Option<String> {
        match self {
            Finding::Conflict { found } => {
                let list: Vec<String> = found
                    .iter()
                    .map(|(c, id)| format!("{}={id}", c.name()))
                    .collect();
                Some(format!(
                    "tracking id carriers disagree ({}); no id used",
                    list.join(", ")
                ))
            }
            _ => None,
        }
    }
}

/// Carrier 1: the header field line, without line end.
pub fn header_field(id: &TrackingId) -> String {
    format!("{HEADER}: {id}")
}

/// Carrier 2: the invisible marker element.
pub fn body_marker(id: &TrackingId) -> String {
    format!(
        "<div {MARKER_ATTRIBUTE}=\"{id}\" style=\"display:none;max-height:0;overflow:hidden\"></div>"
    )
}

/// Carrier 3: the pixel URL under a pixel base URL (a setting).
pub fn pixel_url(base: &str, id: &TrackingId) -> String {
    format!("{}/o/{id}.gif", base.trim_end_matches('/'))
}

/// Carrier 3: the pixel element.
pub fn pixel_img(base: &str, id: &TrackingId) -> String {
    format!(
        "<img src=\"{}\" width=\"1\" height=\"1\" alt=\"\" style=\"border:0\">",
        html_attr_escape(&pixel_url(base, id))
    )
}

/// Carrier 4: the plus-address of a BCC inbox address, or `None` when the
/// inbox address has no `@`. An existing `+tag` is kept and the id goes
/// after it, since the id is always the last `+` segment.
pub fn bcc_address(inbox: &str, id: &TrackingId) -> Option<String> {
    plus_address(inbox, id.as_str())
}

/// Carrier 4 from an id as text: `local+<id>@domain` for the BCC inbox
/// address `inbox` (split at its last `@`), or `None` when either side of
/// that `@` is empty. The content script builds the compose's Bcc address
/// with it, so it is a byte loop and a few pushes: `format!` and the string
/// searchers would cost that script kilobytes (its size budget).
pub fn plus_address(inbox: &str, id: &str) -> Option<String> {
    let inbox = inbox.trim_ascii();
    let mut at = None;
    for (i, b) in inbox.bytes().enumerate() {
        if b == b'@' {
            at = Some(i);
        }
    }
    let at = at?;
    // `@` is ASCII, so both bounds are char boundaries.
    let (local, domain) = (inbox.get(..at)?, inbox.get(at + 1..)?);
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(inbox.len() + id.len() + 1);
    out.push_str(local);
    out.push('+');
    out.push_str(id);
    out.push('@');
    out.push_str(domain);
    Some(out)
}

/// Puts an HTML snippet at the end of an HTML body: before `</body>` when
/// there is one, else appended.
pub fn append_to_html(html: &str, snippet: &str) -> String {
    let mut out = String::with_capacity(html.len() + snippet.len());
    let needle = b"</body";
    let last = html
        .as_bytes()
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle));
    match last {
        Some(at) => {
            // `at` is the index of '<', an ASCII byte, so a char boundary.
            let (head, tail) = html.split_at(at);
            out.push_str(head);
            out.push_str(snippet);
            out.push_str(tail);
        }
        None => {
            out.push_str(html);
            out.push_str(snippet);
        }
    }
    out
}

/// Carrier 2 written into an HTML body.
pub fn embed_body_marker(html: &str, id: &TrackingId) -> String {
    append_to_html(html, &body_marker(id))
}

/// Carrier 3 written into an HTML body.
pub fn embed_pixel(html: &str, base: &str, id: &TrackingId) -> String {
    append_to_html(html, &pixel_img(base, id))
}

fn html_attr_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;")
}

/// Header fields in which a BCC plus-address may show up: a BCC inbox's
/// copy usually lost its Bcc field and names its recipient in delivery
/// headers instead.
const ADDRESS_HEADERS: [&str; 9] = [
    "bcc",
    "to",
    "cc",
    "delivered-to",
    "x-original-to",
    "envelope-to",
    "x-envelope-to",
    "x-forwarded-to",
    "received",
];

/// Looks for the id in every carrier of a parsed message; all that are
/// found must agree (spec/tracking.md). Never panics.
pub fn find(message: &crate::mime::Message) -> Finding {
    let mut found: Vec<(Carrier, TrackingId)> = Vec::new();
    let mut add = |carrier: Carrier, id: TrackingId| {
        if !found.iter().any(|(c, i)| *c == carrier && *i == id) {
            found.push((carrier, id));
        }
    };

    for value in message.header_all(HEADER) {
        let value = value.trim();
        let value = value
            .strip_prefix('<')
            .and_then(|v| v.strip_suffix('>'))
            .unwrap_or(value)
            .trim();
        if let Ok(id) = TrackingId::parse(value) {
            add(Carrier::Header, id);
        }
    }

    if let Some(html) = &message.html {
        for id in marker_ids(html) {
            add(Carrier::BodyMarker, id);
        }
        for id in pixel_ids(html) {
            add(Carrier::Pixel, id);
        }
    }

    let mailboxes = message
        .bcc
        .iter()
        .chain(message.to.iter())
        .chain(message.cc.iter())
        .map(|m| m.address.as_str());
    for address in mailboxes {
        for id in plus_ids(address) {
            add(Carrier::BccAddress, id);
        }
    }
    for (name, value) in &message.headers {
        let lower = name.to_ascii_lowercase();
        if ADDRESS_HEADERS.contains(&lower.as_str()) {
            for id in plus_ids(value) {
                add(Carrier::BccAddress, id);
            }
        }
    }

    found.sort();
    let first = found.first().map(|(_, id)| id.clone());
    match first {
        None => Finding::None,
        Some(id) if found.iter().all(|(_, i)| *i == id) => Finding::Found {
            id,
            carriers: found.into_iter().map(|(c, _)| c).collect(),
        },
        Some(_) => Finding::Conflict { found },
    }
}

/// Finds an id in a raw message (parses it first).
pub fn find_raw(raw: &[u8]) -> Finding {
    find(&crate::mime::parse(raw))
}

/// Case-insensitive search for an ASCII needle from `from`.
fn find_ascii_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let hay_tail = hay.get(from..)?;
    hay_tail
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| p + from)
}

/// The id that starts at byte `at` of `text`, if one does. Reads exactly
/// the id's length, so a longer run of base32 letters is not an id.
fn id_at(text: &str, at: usize) -> Option<TrackingId> {
    let candidate = text.get(at..at.checked_add(PREFIX.len() + BODY_LEN)?)?;
    let id = TrackingId::parse(candidate).ok()?;
    let next = text.as_bytes().get(at + PREFIX.len() + BODY_LEN);
    match next {
        Some(b) if b.is_ascii_alphanumeric() => None,
        _ => Some(id),
    }
}

/// Values of `data-crmlog-id` attributes in HTML.
fn marker_ids(html: &str) -> Vec<TrackingId> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find_ascii_ci(bytes, MARKER_ATTRIBUTE.as_bytes(), from) {
        from = at + MARKER_ATTRIBUTE.len();
        let mut i = from;
        let skip_ws = |i: &mut usize| {
            while bytes.get(*i).is_some_and(|b| b.is_ascii_whitespace()) {
                *i += 1;
            }
        };
        skip_ws(&mut i);
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        skip_ws(&mut i);
        if matches!(bytes.get(i), Some(b'"') | Some(b'\'')) {
            i += 1;
        }
        if let Some(id) = id_at(html, i) {
            out.push(id);
        }
    }
    out
}

/// Ids in pixel URLs: `/o/<id>.gif` anywhere in the HTML, whatever the
/// base URL (a setting the parser of a received message cannot know).
fn pixel_ids(html: &str) -> Vec<TrackingId> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find_ascii_ci(bytes, b"/o/", from) {
        from = at + 3;
        let end = from + PREFIX.len() + BODY_LEN;
        let gif = bytes.get(end..end + 4);
        if gif.is_some_and(|g| g.eq_ignore_ascii_case(b".gif"))
            && let Some(id) = html.get(from..end).and_then(|c| TrackingId::parse(c).ok())
        {
            out.push(id);
        }
    }
    out
}

/// Ids in plus-addresses `local+<id>@domain` within a text.
fn plus_ids(text: &str) -> Vec<TrackingId> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find_ascii_ci(bytes, b"+crml-", from) {
        from = at + 1;
        let end = from + PREFIX.len() + BODY_LEN;
        if bytes.get(end) == Some(&b'@')
            && let Some(id) = text.get(from..end).and_then(|c| TrackingId::parse(c).ok())
        {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_round_trips() {
        let id = TrackingId::parse("crml-5knz5jl7dedbbq6rwxvrobvw5m").unwrap();
        assert_eq!(id.as_str(), "crml-5knz5jl7dedbbq6rwxvrobvw5m");
        let upper = TrackingId::parse("CRML-5KNZ5JL7DEDBBQ6RWXVROBVW5M").unwrap();
        assert_eq!(upper, id);
    }

    #[test]
    fn bytes_encode_like_rfc4648() {
        // RFC 4648 test vector: base32("f") = "MY======"; here 16 bytes of
        // 0xff give 25 times '7' and a final group of three ones and two pad
        // zeros: 0b11100 = 28 = '4'.
        let id = TrackingId::from_bytes([0xff; 16]);
        assert_eq!(id.as_str(), format!("crml-{}4", "7".repeat(25)));
        let zero = TrackingId::from_bytes([0; 16]);
        assert_eq!(zero.as_str(), format!("crml-{}", "a".repeat(26)));
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(
            TrackingId::parse("crm-aaaa"),
            Err(ParseError::MissingPrefix)
        );
        assert_eq!(
            TrackingId::parse("crml-abc"),
            Err(ParseError::WrongLength(3))
        );
        assert_eq!(
            TrackingId::parse(&format!("crml-{}1", "a".repeat(25))),
            Err(ParseError::BadCharacter('1'))
        );
        assert_eq!(
            TrackingId::parse(&format!("crml-{}b", "a".repeat(25))),
            Err(ParseError::NonCanonicalTail)
        );
        assert!(TrackingId::parse("").is_err());
        assert!(TrackingId::parse("crml-ééééééééééééééééééééééééé").is_err());
    }

    #[test]
    fn generated_ids_parse_back() {
        for _ in 0..100 {
            let id = TrackingId::generate().unwrap();
            assert_eq!(TrackingId::parse(id.as_str()).unwrap(), id);
        }
    }

    fn id() -> TrackingId {
        TrackingId::parse("crml-5knz5jl7dedbbq6rwxvrobvw5m").unwrap()
    }

    #[test]
    fn every_carrier_is_found() {
        let id = id();
        let html = embed_pixel(
            &embed_body_marker("<html><body><p>Hi</p></body></html>", &id),
            "https://crm.example/t/",
            &id,
        );
        assert!(html.ends_with("</body></html>"));
        let raw = format!(
            "From: a@x\r\nBcc: {}\r\n{}\r\nContent-Type: text/html\r\n\r\n{html}",
            bcc_address("log@bcc.example", &id).unwrap(),
            header_field(&id)
        );
        match find_raw(raw.as_bytes()) {
            Finding::Found { id: got, carriers } => {
                assert_eq!(got, id);
                assert_eq!(
                    carriers,
                    vec![
                        Carrier::Header,
                        Carrier::BodyMarker,
                        Carrier::Pixel,
                        Carrier::BccAddress
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn disagreeing_carriers_give_no_id_and_a_warning() {
        let other = TrackingId::from_bytes([7; 16]);
        let raw = format!(
            "From: a@x\r\n{}\r\nDelivered-To: log+{other}@bcc.example\r\n\r\nhi",
            header_field(&id())
        );
        let finding = find_raw(raw.as_bytes());
        assert_eq!(finding.id(), None);
        assert!(finding.warning().unwrap().contains("disagree"));
    }

    #[test]
    fn lookalikes_are_not_ids() {
        let id = id();
        let raw = format!(
            "From: a@x\r\nTo: log+{id}x@bcc.example\r\nContent-Type: text/html\r\n\r\n\
             <div data-crmlog-id=\"{id}7\"></div><img src=\"/o/{id}.png\">"
        );
        assert_eq!(find_raw(raw.as_bytes()), Finding::None);
    }

    #[test]
    fn bcc_address_keeps_an_existing_tag() {
        assert_eq!(
            bcc_address("log+acct@bcc.example", &id()).unwrap(),
            format!("log+acct+{}@bcc.example", id())
        );
        assert_eq!(bcc_address("nobody", &id()), None);
    }

    #[test]
    fn the_plus_address_goes_before_the_last_at() {
        let id = id();
        let want = format!("log+{id}@bcc.example");
        assert_eq!(plus_address(" log@bcc.example ", id.as_str()), Some(want));
        // A quoted local part may hold an `@`: the domain is after the last.
        assert_eq!(
            plus_address("\"a@b\"@bcc.example", "x").as_deref(),
            Some("\"a@b\"+x@bcc.example")
        );
        for bad in ["", "@", "log@", "@bcc.example", "no-at", "   "] {
            assert_eq!(plus_address(bad, id.as_str()), None, "{bad:?}");
        }
        // Non-ASCII on either side stays whole (no slicing inside a char).
        assert_eq!(
            plus_address("lög@bcc.exämple", "x").as_deref(),
            Some("lög+x@bcc.exämple")
        );
        // What the content script builds is what the parser reads back.
        let raw = format!(
            "From: a@x\r\nBcc: {}\r\n\r\nhi",
            plus_address("log@bcc.example", id.as_str()).unwrap()
        );
        assert_eq!(find_raw(raw.as_bytes()).id(), Some(&id));
    }
}
