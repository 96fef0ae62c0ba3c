//! The decision value and its reason codes (spec/decide.md, "Decision";
//! spec/logging-rules.md, "Reason codes").
//!
//! Invariant: a `Decision` built by [`Builder::finish`] obeys decide.md: when
//! `logged` is false every logged field is empty and `reasons` holds at
//! least one refusal and no warning; addresses and arrays are sorted and
//! free of duplicates; `reasons` holds distinct codes sorted by code.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A stable reason code (spec/logging-rules.md, "Reason codes").
///
/// The variants are listed in the byte order of their codes, so the derived
/// `Ord` sorts reasons "by code" as decide.md asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// S2 (warning): an attachment over 50 MB was left out.
    AttachmentTooLarge,
    /// S1: body over 2 MB.
    BodyTooLarge,
    /// D1: the contact was permanently deleted.
    ContactDeleted,
    /// F2: no parseable forwarded header block.
    ForwardHeaderMissing,
    /// F7: the forward lacks a text or an HTML part.
    ForwardMissingPart,
    /// R3: the inbox is disconnected.
    InboxDisconnected,
    /// O4: the recipient is a user or team inbox of the account.
    InternalRecipient,
    /// O3: the Log toggle was off.
    LogToggleOff,
    /// N: an address entry of the never-log list.
    NeverLogAddress,
    /// N: a domain entry of the never-log list.
    NeverLogDomain,
    /// R9: a new thread from a non-contact.
    NewThreadFromNonContact,
    /// B1, F1, M1: the user lacks email access.
    NoEmailAccess,
    /// G1: no legal basis to communicate.
    NoLegalBasis,
    /// R6: a folder other than the main Inbox.
    NotInInboxFolder,
    /// R1: the thread's original email was not logged.
    OriginalNotLogged,
    /// R8: the inbox provider changed.
    ProviderChanged,
    /// R4: delivered to an inbox that is not the thread's.
    ReplyToOtherInbox,
    /// B2, F3 and rules A: the sender is no user, inbox, alias or team inbox.
    SenderNotAuthorized,
    /// R5: the sender is not an existing contact.
    SenderNotContact,
    /// R6: Spam or Junk folder.
    SpamFolder,
    /// R7: a team thread answered from a personal inbox.
    TeamThreadSwitched,
    /// F9: a forwarded block in a language the parser does not know.
    UnsupportedLanguage,
    /// R10: the inbox is connected with the wrong provider.
    WrongProvider,
}

impl Code {
    /// Every code, in code order.
    pub const ALL: [Code; 23] = [
        Code::AttachmentTooLarge,
        Code::BodyTooLarge,
        Code::ContactDeleted,
        Code::ForwardHeaderMissing,
        Code::ForwardMissingPart,
        Code::InboxDisconnected,
        Code::InternalRecipient,
        Code::LogToggleOff,
        Code::NeverLogAddress,
        Code::NeverLogDomain,
        Code::NewThreadFromNonContact,
        Code::NoEmailAccess,
        Code::NoLegalBasis,
        Code::NotInInboxFolder,
        Code::OriginalNotLogged,
        Code::ProviderChanged,
        Code::ReplyToOtherInbox,
        Code::SenderNotAuthorized,
        Code::SenderNotContact,
        Code::SpamFolder,
        Code::TeamThreadSwitched,
        Code::UnsupportedLanguage,
        Code::WrongProvider,
    ];

    /// The code as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::AttachmentTooLarge => "attachment_too_large",
            Code::BodyTooLarge => "body_too_large",
            Code::ContactDeleted => "contact_deleted",
            Code::ForwardHeaderMissing => "forward_header_missing",
            Code::ForwardMissingPart => "forward_missing_part",
            Code::InternalRecipient => "internal_recipient",
            Code::InboxDisconnected => "inbox_disconnected",
            Code::LogToggleOff => "log_toggle_off",
            Code::NewThreadFromNonContact => "new_thread_from_non_contact",
            Code::NeverLogAddress => "never_log_address",
            Code::NeverLogDomain => "never_log_domain",
            Code::NoEmailAccess => "no_email_access",
            Code::NoLegalBasis => "no_legal_basis",
            Code::NotInInboxFolder => "not_in_inbox_folder",
            Code::OriginalNotLogged => "original_not_logged",
            Code::ProviderChanged => "provider_changed",
            Code::ReplyToOtherInbox => "reply_to_other_inbox",
            Code::SenderNotAuthorized => "sender_not_authorized",
            Code::SenderNotContact => "sender_not_contact",
            Code::SpamFolder => "spam_folder",
            Code::TeamThreadSwitched => "team_thread_switched",
            Code::UnsupportedLanguage => "unsupported_language",
            Code::WrongProvider => "wrong_provider",
        }
    }

    /// Warnings leave the email logged; every other code is a refusal.
    pub fn is_warning(self) -> bool {
        matches!(self, Code::AttachmentTooLarge)
    }

    /// The precedence of the per-address codes ("When several rules fail"):
    /// lower wins. `None` for codes that are not per-address.
    pub fn address_precedence(self) -> Option<u8> {
        match self {
            Code::NeverLogAddress => Some(0),
            Code::NeverLogDomain => Some(1),
            Code::InternalRecipient => Some(2),
            Code::ContactDeleted => Some(3),
            Code::NoLegalBasis => Some(4),
            _ => None,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The direction the CRM records (decide.md).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// Sent by the user (O1, B6, M2).
    #[default]
    #[serde(rename = "EMAIL")]
    Email,
    /// Received by the user (replies, M2).
    #[serde(rename = "INCOMING_EMAIL")]
    IncomingEmail,
    /// Logged through the forwarding address (F6).
    #[serde(rename = "FORWARDED_EMAIL")]
    ForwardedEmail,
}

impl Direction {
    /// The CRM's name (`hs_email_direction`).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Email => "EMAIL",
            Direction::IncomingEmail => "INCOMING_EMAIL",
            Direction::ForwardedEmail => "FORWARDED_EMAIL",
        }
    }
}

/// One reason: code, the rule id that produced it, and an English sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// The stable code.
    pub code: Code,
    /// The rule id from the rule book, e.g. `R5`.
    pub rule: String,
    /// A human sentence in English; the UI translates by code.
    pub message: String,
}

/// An address refused by a per-address check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Excluded {
    /// Trimmed and lower-cased.
    pub address: String,
    /// One of the per-address codes.
    pub reason: Code,
}

/// An attachment left out by S2.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedAttachment {
    /// The file name, when the message gives one.
    pub name: Option<String>,
    /// Decoded size in bytes.
    pub bytes: u64,
}

/// Whether and how one email is logged (decide.md, "Decision").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// True when the email reaches the CRM.
    pub logged: bool,
    /// Null when not logged.
    pub direction: Option<Direction>,
    /// The user id the email is attributed to; null when not logged.
    pub attributed_to: Option<String>,
    /// The contact timelines the email lands on.
    pub timeline: Vec<String>,
    /// Timeline addresses that get a new contact (O5).
    pub create_contacts: Vec<String>,
    /// Companies of existing timeline contacts (O6).
    pub companies: Vec<String>,
    /// Up to five most recent open deals per existing timeline contact (O6).
    pub deals: Vec<String>,
    /// Addresses refused by the per-address checks, one code each.
    pub excluded: Vec<Excluded>,
    /// Attachments left out (S2).
    pub dropped_attachments: Vec<DroppedAttachment>,
    /// Distinct codes, sorted by code.
    pub reasons: Vec<Reason>,
}

impl Decision {
    /// The decision as one line of JSON (what `--events` prints and what
    /// the wasm `decide_json` returns: the same bytes on both hosts).
    pub fn to_json(&self) -> String {
        // Serialising plain structs of strings, numbers and enums cannot
        // fail; an empty object is a safe answer if it ever did.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }

    /// The decision as indented JSON (what `--event` prints).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| String::from("{}"))
    }

    /// The codes in `reasons`, in order.
    pub fn codes(&self) -> Vec<Code> {
        self.reasons.iter().map(|r| r.code).collect()
    }
}

/// Collects the outcome of the checks and builds a normalised `Decision`.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    pub direction: Option<Direction>,
    pub attributed_to: Option<String>,
    pub timeline: Vec<String>,
    pub create_contacts: Vec<String>,
    pub companies: Vec<String>,
    pub deals: Vec<String>,
    pub excluded: Vec<Excluded>,
    pub dropped: Vec<DroppedAttachment>,
    /// Reasons by code: the first rule and message given for a code stay.
    reasons: BTreeMap<Code, (&'static str, String)>,
}

impl Builder {
    /// Records a refusal or warning; a code already present keeps its
    /// first rule and message (decide.md: distinct codes).
    pub fn reason(&mut self, code: Code, rule: &'static str, message: impl Into<String>) {
        self.reasons
            .entry(code)
            .or_insert_with(|| (rule, message.into()));
    }

    /// Whether a refusal has been recorded so far.
    pub fn refused(&self) -> bool {
        self.reasons.keys().any(|c| !c.is_warning())
    }

    /// Builds the decision: logged when nothing refused and someone is on
    /// the timeline. Arrays are sorted and deduplicated here, once.
    pub fn finish(mut self) -> Decision {
        let logged = !self.refused() && !self.timeline.is_empty();
        sort_dedup(&mut self.excluded);
        let excluded = self.excluded;
        let reasons: Vec<Reason> = self
            .reasons
            .into_iter()
            .filter(|(code, _)| !logged || code.is_warning())
            .filter(|(code, _)| logged || !code.is_warning())
            .map(|(code, (rule, message))| Reason {
                code,
                rule: rule.to_string(),
                message,
            })
            .collect();
        if !logged {
            return Decision {
                logged: false,
                direction: None,
                attributed_to: None,
                timeline: Vec::new(),
                create_contacts: Vec::new(),
                companies: Vec::new(),
                deals: Vec::new(),
                excluded,
                dropped_attachments: Vec::new(),
                reasons,
            };
        }
        sort_dedup(&mut self.timeline);
        sort_dedup(&mut self.create_contacts);
        sort_dedup(&mut self.companies);
        sort_dedup(&mut self.deals);
        sort_dedup(&mut self.dropped);
        Decision {
            logged: true,
            direction: self.direction,
            attributed_to: self.attributed_to,
            timeline: self.timeline,
            create_contacts: self.create_contacts,
            companies: self.companies,
            deals: self.deals,
            excluded,
            dropped_attachments: self.dropped,
            reasons,
        }
    }
}

fn sort_dedup<T: Ord>(v: &mut Vec<T>) {
    v.sort_unstable();
    v.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_declared_in_code_order() {
        let mut sorted = Code::ALL;
        sorted.sort_by_key(|c| c.as_str());
        assert_eq!(sorted, Code::ALL);
        for c in Code::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
    }

    #[test]
    fn not_logged_keeps_refusals_only() {
        let mut b = Builder::default();
        b.timeline.push("a@b.example".into());
        b.reason(Code::AttachmentTooLarge, "S2", "w");
        b.reason(Code::BodyTooLarge, "S1", "r");
        let d = b.finish();
        assert!(!d.logged);
        assert!(d.timeline.is_empty());
        assert_eq!(d.codes(), vec![Code::BodyTooLarge]);
    }

    #[test]
    fn logged_keeps_warnings_and_sorts() {
        let mut b = Builder {
            timeline: vec![
                "z@b.example".into(),
                "a@b.example".into(),
                "z@b.example".into(),
            ],
            ..Default::default()
        };
        b.reason(Code::AttachmentTooLarge, "S2", "w");
        let d = b.finish();
        assert!(d.logged);
        assert_eq!(d.timeline, vec!["a@b.example", "z@b.example"]);
        assert_eq!(d.codes(), vec![Code::AttachmentTooLarge]);
    }
}
