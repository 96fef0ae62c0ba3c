//! The input of `decide`: the account and the event, exactly as
//! spec/decide.md writes them. Unknown fields are rejected everywhere.
//!
//! An event is read in two steps so that errors can name the field: serde
//! reads a flat [`EventInput`] (every field of every kind, all optional), then
//! [`EventInput::into_event`] checks that the kind's required fields are
//! there and that no other kind's field is.

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// An inbox provider (decide.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Google.
    Gmail,
    /// Microsoft.
    Office365,
    /// A generic IMAP connection (never triggers R10).
    Imap,
}

impl Provider {
    /// The name as decide.md writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Gmail => "gmail",
            Provider::Office365 => "office365",
            Provider::Imap => "imap",
        }
    }
}

fn yes() -> bool {
    true
}

/// One CRM portal (decide.md, "Account"). Absent lists are empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Users with a seat.
    #[serde(default)]
    pub users: Vec<User>,
    /// Shared addresses connected by one user.
    #[serde(default)]
    pub team_inboxes: Vec<TeamInbox>,
    /// Contacts, keyed by address.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Never-log entries (N1).
    #[serde(default)]
    pub never_log: Vec<String>,
    /// Addresses of permanently deleted contacts (D1).
    #[serde(default)]
    pub deleted: Vec<String>,
    /// GDPR privacy settings on (G1).
    #[serde(default)]
    pub gdpr: bool,
    /// The CRM's BCC address.
    #[serde(default)]
    pub bcc_address: Option<String>,
    /// The CRM's forwarding address.
    #[serde(default)]
    pub forwarding_address: Option<String>,
    /// Which provider really hosts a domain (R10); empty: R10 unchecked.
    #[serde(default)]
    pub provider_of_domain: BTreeMap<String, Provider>,
    /// Threads whose first message was logged (R1, R11).
    #[serde(default)]
    pub logged_threads: Vec<LoggedThread>,
}

/// A user of the account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Stable id, referenced by events and threads.
    pub id: String,
    /// The account email.
    pub email: String,
    /// Alias addresses.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Personal email access permission (B1, F1, M1).
    #[serde(default = "yes")]
    pub email_access: bool,
    /// Connected inboxes.
    #[serde(default)]
    pub inboxes: Vec<Inbox>,
}

/// A connected personal inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inbox {
    /// Its address.
    pub address: String,
    /// The provider it was connected with.
    pub provider: Provider,
    /// Whether it is connected now (R3).
    #[serde(default = "yes")]
    pub connected: bool,
}

/// A team inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamInbox {
    /// Its address.
    pub address: String,
    /// The user who connected it (A5).
    pub connected_by: String,
    /// Whether it is connected now (R3).
    #[serde(default = "yes")]
    pub connected: bool,
}

/// A contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The address that keys it.
    pub email: String,
    /// Legal basis to communicate (G1).
    #[serde(default)]
    pub legal_basis: bool,
    /// Primary company (O6).
    #[serde(default)]
    pub company: Option<String>,
    /// Its deals (O6).
    #[serde(default)]
    pub deals: Vec<Deal>,
}

/// A deal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deal {
    /// Stable id.
    pub id: String,
    /// Open or closed.
    pub open: bool,
    /// Creation time, RFC 3339.
    pub created: String,
}

/// A thread whose first message was logged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoggedThread {
    /// Message-ID of the first logged message, with angle brackets.
    pub message_id: String,
    /// The user who started it.
    pub started_by: String,
    /// The inbox it was sent from.
    pub inbox: String,
    /// Whether that inbox is a team inbox.
    #[serde(default)]
    pub team: bool,
    /// The provider the inbox was connected with when the thread started (R8).
    #[serde(default)]
    pub provider: Option<Provider>,
    /// The thread's tracking id (tracking.md).
    #[serde(default)]
    pub tracking_id: Option<String>,
}

/// An attachment of an outgoing event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentInput {
    /// File name.
    #[serde(default)]
    pub name: Option<String>,
    /// Size in bytes.
    pub bytes: u64,
}

/// Reads a field that may be `null` while telling absent from null.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The kind of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Sent from the web mail UI with the extension (O).
    Outgoing,
    /// A reply that arrived in a connected inbox (R).
    Reply,
    /// A message the CRM received through the BCC address (B).
    Bcc,
    /// A message forwarded to the forwarding address (F).
    Forward,
    /// "Log this email" in the mail UI (M).
    Manual,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Outgoing => "outgoing",
            Kind::Reply => "reply",
            Kind::Bcc => "bcc",
            Kind::Forward => "forward",
            Kind::Manual => "manual",
        }
    }
}

/// Every field any event kind has, as read from JSON; see the module doc.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// The kind.
    pub kind: Option<Kind>,
    /// outgoing: the Log toggle.
    #[serde(default)]
    pub log: Option<bool>,
    /// outgoing, manual: the user id.
    #[serde(default)]
    pub user: Option<String>,
    /// outgoing: the sending address.
    #[serde(default)]
    pub from: Option<String>,
    /// outgoing: To.
    #[serde(default)]
    pub to: Option<Vec<String>>,
    /// outgoing: Cc.
    #[serde(default)]
    pub cc: Option<Vec<String>>,
    /// outgoing: Bcc.
    #[serde(default)]
    pub bcc: Option<Vec<String>>,
    /// outgoing: body size in bytes (S1).
    #[serde(default)]
    pub body_bytes: Option<u64>,
    /// outgoing: attachments (S2).
    #[serde(default)]
    pub attachments: Option<Vec<AttachmentInput>>,
    /// reply, bcc, forward, manual: the raw message inline.
    #[serde(default)]
    pub raw: Option<String>,
    /// reply, bcc, forward, manual: path of the raw message, relative to
    /// the event file (command line only).
    #[serde(default)]
    pub raw_file: Option<String>,
    /// reply: the folder it sits in (R6).
    #[serde(default)]
    pub folder: Option<String>,
    /// reply: the inbox it was delivered to (R3, R4, R7).
    #[serde(default)]
    pub delivered_to: Option<String>,
    /// bcc: the user logged in to the extension at send time (A4, A5).
    #[serde(default, deserialize_with = "present")]
    pub extension_user: Option<Option<String>>,
}

/// A checked event, ready for the rules.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Sent with the extension (O).
    Outgoing(Outgoing),
    /// A reply (R).
    Reply(Reply),
    /// Received by the BCC address (B).
    Bcc(Bcc),
    /// Received by the forwarding address (F).
    Forward(Forward),
    /// Logged by hand (M).
    Manual(Manual),
}

/// An outgoing email.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Outgoing {
    /// The Log toggle (O3).
    pub log: bool,
    /// The user sending.
    pub user: String,
    /// The sending address, when given.
    pub from: Option<String>,
    /// To.
    pub to: Vec<String>,
    /// Cc.
    pub cc: Vec<String>,
    /// Bcc (treated like To, O1).
    pub bcc: Vec<String>,
    /// Body size (S1).
    pub body_bytes: u64,
    /// Attachments (S2).
    pub attachments: Vec<AttachmentInput>,
}

/// A reply to (perhaps) a logged thread.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// The raw RFC 5322 message.
    pub raw: Vec<u8>,
    /// Folder name (R6).
    pub folder: String,
    /// The inbox address it was delivered to.
    pub delivered_to: String,
}

/// A message received by the BCC address.
#[derive(Clone, Debug, PartialEq)]
pub struct Bcc {
    /// The raw RFC 5322 message.
    pub raw: Vec<u8>,
    /// The user logged in to the extension, when sent through it.
    pub extension_user: Option<String>,
}

/// A message received by the forwarding address.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    /// The raw RFC 5322 message (the forward itself).
    pub raw: Vec<u8>,
}

/// A message logged by hand.
#[derive(Clone, Debug, PartialEq)]
pub struct Manual {
    /// The raw RFC 5322 message.
    pub raw: Vec<u8>,
    /// The user logging it.
    pub user: String,
}

/// Invalid input that serde could not see: the JSON path of the field
/// (`never_log[3]`, `to`, `team_inboxes[0].connected_by`) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// JSON path of the offending field; empty for the whole value.
    pub path: String,
    /// What is wrong, in English (never message content).
    pub message: String,
    /// 1-based line in the JSON text, when the JSON reader knew it.
    pub line: Option<usize>,
}

impl InputError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError {
            path: path.into(),
            message: message.into(),
            line: None,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "field `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for InputError {}

impl EventInput {
    /// Checks the fields against the kind and builds the event. `load`
    /// reads a `raw_file` (the command line reads it next to the event
    /// file; the browser has none and refuses).
    pub fn into_event(
        self,
        load: impl FnOnce(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Event, InputError> {
        let Some(kind) = self.kind else {
            return Err(InputError::new("kind", "missing field"));
        };
        let allowed: &[&str] = match kind {
            Kind::Outgoing => &[
                "log",
                "user",
                "from",
                "to",
                "cc",
                "bcc",
                "body_bytes",
                "attachments",
            ],
            Kind::Reply => &["raw", "raw_file", "folder", "delivered_to"],
            Kind::Bcc => &["raw", "raw_file", "extension_user"],
            Kind::Forward => &["raw", "raw_file"],
            Kind::Manual => &["raw", "raw_file", "user"],
        };
        for field in self.present_fields() {
            if !allowed.contains(&field) {
                return Err(InputError::new(
                    field,
                    format!("unknown field for an event of kind `{}`", kind.as_str()),
                ));
            }
        }
        let required = |v: Option<String>, field: &str| {
            v.ok_or_else(|| InputError::new(field, "missing field"))
        };
        if kind == Kind::Outgoing {
            let Some(log) = self.log else {
                return Err(InputError::new("log", "missing field"));
            };
            return Ok(Event::Outgoing(Outgoing {
                log,
                user: required(self.user, "user")?,
                from: self.from,
                to: self.to.unwrap_or_default(),
                cc: self.cc.unwrap_or_default(),
                bcc: self.bcc.unwrap_or_default(),
                body_bytes: self.body_bytes.unwrap_or(0),
                attachments: self.attachments.unwrap_or_default(),
            }));
        }
        let raw = match (self.raw, self.raw_file) {
            (Some(raw), None) => raw.into_bytes(),
            (None, Some(path)) => load(&path).map_err(|e| InputError::new("raw_file", e))?,
            (Some(_), Some(_)) => {
                return Err(InputError::new(
                    "raw_file",
                    "give either `raw` or `raw_file`, not both",
                ));
            }
            (None, None) => {
                return Err(InputError::new("raw", "missing field (or `raw_file`)"));
            }
        };
        Ok(match kind {
            Kind::Reply => Event::Reply(Reply {
                raw,
                folder: required(self.folder, "folder")?,
                delivered_to: required(self.delivered_to, "delivered_to")?,
            }),
            Kind::Bcc => Event::Bcc(Bcc {
                raw,
                extension_user: self.extension_user.flatten(),
            }),
            Kind::Forward => Event::Forward(Forward { raw }),
            Kind::Manual => Event::Manual(Manual {
                raw,
                user: required(self.user, "user")?,
            }),
            Kind::Outgoing => Event::Outgoing(Outgoing::default()),
        })
    }

    fn present_fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut note = |present: bool, name: &'static str| {
            if present {
                out.push(name);
            }
        };
        note(self.log.is_some(), "log");
        note(self.user.is_some(), "user");
        note(self.from.is_some(), "from");
        note(self.to.is_some(), "to");
        note(self.cc.is_some(), "cc");
        note(self.bcc.is_some(), "bcc");
        note(self.body_bytes.is_some(), "body_bytes");
        note(self.attachments.is_some(), "attachments");
        note(self.raw.is_some(), "raw");
        note(self.raw_file.is_some(), "raw_file");
        note(self.folder.is_some(), "folder");
        note(self.delivered_to.is_some(), "delivered_to");
        note(self.extension_user.is_some(), "extension_user");
        out
    }
}

/// Reads an event from JSON text without a file system (`raw_file` is
/// refused): what the browser and tests use.
pub fn event_from_json(text: &str) -> Result<Event, InputError> {
    let input: EventInput = from_json(text)?;
    input.into_event(|_| Err("`raw_file` needs the command line; give `raw` instead".into()))
}

/// Reads an event's fields from JSON text, before [`EventInput::into_event`].
pub fn event_input_from_json(text: &str) -> Result<EventInput, InputError> {
    from_json(text)
}

/// Reads an account from JSON text.
pub fn account_from_json(text: &str) -> Result<Account, InputError> {
    from_json(text)
}

/// serde_json with the field path in the error.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        json_error(
            if path == "." { String::new() } else { path },
            &e.into_inner(),
        )
    })?;
    de.end().map_err(|e| json_error(String::new(), &e))?;
    Ok(value)
}

/// A serde_json error as an input error: the line apart, the message
/// without serde_json's " at line L column C" tail.
fn json_error(path: String, e: &serde_json::Error) -> InputError {
    let text = e.to_string();
    let tail = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&tail).unwrap_or(&text).to_string();
    InputError {
        path,
        message,
        line: (e.line() > 0).then_some(e.line()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_misplaced_fields_are_refused() {
        let e = event_from_json(r#"{"kind":"outgoing","log":true,"user":"u1","colour":1}"#)
            .unwrap_err();
        assert_eq!(e.path, "colour");
        let e = event_from_json(r#"{"kind":"outgoing","log":true,"user":"u1","folder":"INBOX"}"#)
            .unwrap_err();
        assert_eq!(e.path, "folder");
        let e = event_from_json(r#"{"kind":"outgoing","user":"u1"}"#).unwrap_err();
        assert_eq!(e.path, "log");
        let e = event_from_json(r#"{"kind":"forward","raw_file":"x.eml"}"#).unwrap_err();
        assert_eq!(e.path, "raw_file");
        let e = event_from_json(r#"{"kind":"bcc","raw":"x","extension_user":7}"#).unwrap_err();
        assert_eq!(e.path, "extension_user");
    }

    #[test]
    fn extension_user_may_be_null() {
        let e = event_from_json(r#"{"kind":"bcc","raw":"x","extension_user":null}"#).unwrap();
        assert!(matches!(
            e,
            Event::Bcc(Bcc {
                extension_user: None,
                ..
            })
        ));
        let e = event_from_json(r#"{"kind":"forward","raw":"x","extension_user":null}"#);
        assert_eq!(e.unwrap_err().path, "extension_user");
    }

    #[test]
    fn account_defaults() {
        let a = account_from_json(r#"{"users":[{"id":"u","email":"u@x.example"}]}"#).unwrap();
        assert!(a.users[0].email_access);
        assert!(!a.gdpr);
        let e =
            account_from_json(r#"{"users":[{"id":"u","email":"u@x.example","x":1}]}"#).unwrap_err();
        assert_eq!(e.path, "users[0].x");
    }
}
