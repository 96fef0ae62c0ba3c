//! The CRM's BCC and forwarding inboxes (rules B, F and A): a raw RFC 5322
//! message comes in, the policy engine decides with the stored account
//! (`super::account`), and a logged message becomes an email with its
//! contacts, companies and deals — the same objects the extension's
//! logging job creates through the API.
//!
//! N5 holds at this edge: the raw message is never stored; addresses the
//! never-log list matches are left out of the logged headers and replaced
//! in the subject and bodies; a message that is not logged leaves only a
//! record of when, which inbox, and the reason codes and rule ids.

use super::account::{AccountCache, AccountError, Prepared};
use super::store::{InboxEmail, InboxWrite, Store, StoreError, TimelineContact};
use crate::crm::api::{EmailHeaders, HeaderParty, TRACKING_PROPERTY};
use crate::mime::{self, Mailbox, Message};
use crate::policy::{Address, Bcc, Decision, Event, Forward, InputError, NeverLogList};
use serde_json::{Map, Value, json};
use std::borrow::Cow;
use std::collections::HashMap;

/// What replaces an address the never-log list matches in a logged
/// subject or body (N5).
pub const REDACTED: &str = "[never-log]";

/// The contact property naming the user an inbox email is attributed to
/// (rules A).
pub const ATTRIBUTED_PROPERTY: &str = "crmlog_attributed_to";
/// The email property naming the inbox that received it.
pub const SOURCE_PROPERTY: &str = "crmlog_source";

/// Which inbox received the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxKind {
    /// The account's BCC address (rules B).
    Bcc,
    /// The account's forwarding address (rules F).
    Forward,
}

impl InboxKind {
    /// `bcc` or `forward`, as decide.md names the event kinds.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxKind::Bcc => "bcc",
            InboxKind::Forward => "forward",
        }
    }
}

/// The answer to one ingested message.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    /// The engine's decision, as `crmlog decide` prints it.
    pub decision: Decision,
    /// The email logged, or the earlier copy found.
    pub email_id: Option<String>,
    /// True when an earlier copy (same tracking id or Message-ID) was
    /// logged, so nothing new was written.
    pub already_logged: bool,
}

impl Ingested {
    /// The decision's JSON, in decide.md's key order, with `email_id` and
    /// `already_logged` added at the end.
    pub fn to_json(&self) -> String {
        let decision = self.decision.to_json();
        let head = decision.strip_suffix('}').unwrap_or("{");
        let sep = if head.len() > 1 { "," } else { "" };
        format!(
            "{head}{sep}\"email_id\":{},\"already_logged\":{}}}",
            json!(self.email_id),
            self.already_logged
        )
    }
}

/// Why a message could not be decided or stored.
#[derive(Debug)]
pub enum InboxError {
    /// The request names something the account lacks (an unknown
    /// `extension_user`).
    Input(InputError),
    /// The stored account could not be read.
    Account(AccountError),
    /// The database failed.
    Store(StoreError),
}

impl From<StoreError> for InboxError {
    fn from(e: StoreError) -> Self {
        InboxError::Store(e)
    }
}

impl std::fmt::Display for InboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InboxError::Input(e) => write!(f, "{e}"),
            InboxError::Account(e) => write!(f, "{e}"),
            InboxError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for InboxError {}

/// Decides and, when the decision says so, logs one received message.
pub fn ingest(
    store: &Store,
    accounts: &AccountCache,
    kind: InboxKind,
    raw: &[u8],
    extension_user: Option<String>,
    now: &str,
) -> Result<Ingested, InboxError> {
    let prepared = accounts.get(store).map_err(InboxError::Account)?;
    let event = match kind {
        InboxKind::Bcc => Event::Bcc(Bcc {
            raw: raw.to_vec(),
            extension_user,
        }),
        InboxKind::Forward => Event::Forward(Forward { raw: raw.to_vec() }),
    };
    let decision = prepared.engine.decide(&event).map_err(InboxError::Input)?;
    let msg = mime::parse(raw);
    let message_date = msg.date.as_deref().and_then(utc);
    let reasons = Value::Array(
        decision
            .reasons
            .iter()
            .map(|r| json!({"code": r.code, "rule": r.rule}))
            .collect(),
    )
    .to_string();
    if !decision.logged {
        store.record_refusal(kind.as_str(), &reasons, message_date.as_deref(), now)?;
        return Ok(Ingested {
            decision,
            email_id: None,
            already_logged: false,
        });
    }
    let list = prepared.engine.never_log();
    let email = InboxEmail {
        kind: kind.as_str(),
        // A Message-ID the list matches is not kept (N5); such a copy is
        // then only recognised by its tracking id.
        message_id: msg
            .message_id
            .clone()
            .filter(|id| list.check(id.trim_matches(['<', '>'])).is_none()),
        message_date,
        reasons,
        properties: email_properties(kind, &msg, &decision, &prepared, now),
        contacts: timeline_contacts(kind, &msg, &decision, &prepared),
        companies: companies(&decision, &prepared),
        deals: deals(&decision, &prepared),
    };
    let (email_id, already_logged) = match store.log_inbox_email(email, now)? {
        InboxWrite::Created { email_id, .. } => (email_id, false),
        InboxWrite::Duplicate { email_id } => (email_id, true),
    };
    Ok(Ingested {
        decision,
        email_id: Some(email_id),
        already_logged,
    })
}

/// A date as the sandbox stores dates: UTC with milliseconds.
fn utc(date: &str) -> Option<String> {
    super::rfc3339_to_unix_millis(date).map(super::rfc3339_from_unix_millis)
}

/// The CRM's own addresses (with any `+tag`): never shown as a party.
fn is_crm_own(address: &Address, prepared: &Prepared) -> bool {
    let base = address.base_key();
    [
        &prepared.settings.bcc_address,
        &prepared.settings.forwarding_address,
    ]
    .into_iter()
    .flatten()
    .map(|own| Address::new(own))
    .any(|own| own.key() == address.key() || base.as_deref() == Some(own.key()))
}

fn parties<'a>(
    list: impl IntoIterator<Item = &'a Mailbox>,
    never_log: &NeverLogList,
    prepared: &Prepared,
) -> Vec<HeaderParty> {
    list.into_iter()
        .filter(|m| {
            let a = Address::new(&m.address);
            a.is_mailbox() && never_log.check(&m.address).is_none() && !is_crm_own(&a, prepared)
        })
        .map(|m| HeaderParty::new(&m.address.trim().to_lowercase(), m.name.as_deref()))
        .collect()
}

fn email_properties(
    kind: InboxKind,
    msg: &Message,
    decision: &Decision,
    prepared: &Prepared,
    now: &str,
) -> Map<String, Value> {
    let list = prepared.engine.never_log();
    let forwarded = match kind {
        InboxKind::Forward => mime::forward::parse_message(msg).email,
        InboxKind::Bcc => None,
    };
    let none = Vec::new();
    let (from, to, cc, bcc, subject, text, date) = match &forwarded {
        // F6: the original message, as the forwarded block gives it.
        Some(f) => (
            f.from.as_ref(),
            &f.to,
            &f.cc,
            &none,
            f.subject.clone().or_else(|| msg.subject.clone()),
            f.body.clone().or_else(|| msg.text.clone()),
            f.date_rfc3339.clone().or_else(|| msg.date.clone()),
        ),
        None => (
            msg.from.first(),
            &msg.to,
            &msg.cc,
            &msg.bcc,
            msg.subject.clone(),
            msg.text.clone(),
            msg.date.clone(),
        ),
    };
    let text = text.or_else(|| msg.html.as_deref().map(mime::html::to_text));
    let from = parties(from, list, prepared)
        .into_iter()
        .next()
        .unwrap_or_else(|| HeaderParty::new("", None));
    let headers = EmailHeaders {
        from,
        to: parties(to, list, prepared),
        cc: parties(cc, list, prepared),
        bcc: parties(bcc, list, prepared),
    };
    let mut p = Map::new();
    let mut set = |k: &str, v: String| {
        p.insert(k.to_string(), Value::String(v));
    };
    set(
        "hs_timestamp",
        date.as_deref()
            .and_then(utc)
            .unwrap_or_else(|| now.to_string()),
    );
    if let Some(Value::String(d)) = decision.direction.map(|d| json!(d)) {
        set("hs_email_direction", d);
    }
    set("hs_email_status", "SENT".into());
    let clean = |t: Option<String>| t.map(|t| redact(&t, list).into_owned()).unwrap_or_default();
    set("hs_email_subject", clean(subject));
    set("hs_email_text", clean(text));
    set("hs_email_html", clean(msg.html.clone()));
    set(
        "hs_email_headers",
        serde_json::to_string(&headers).unwrap_or_default(),
    );
    if let Some(id) = crate::tracking::find(msg).id() {
        set(TRACKING_PROPERTY, id.as_str().to_string());
    }
    if let Some(user) = &decision.attributed_to {
        set(ATTRIBUTED_PROPERTY, user.clone());
    }
    set(SOURCE_PROPERTY, kind.as_str().to_string());
    p
}

/// The decision's timeline as contacts: those the account knows by id,
/// the others to create (O5, B5, F6) with the name the message gives.
fn timeline_contacts(
    kind: InboxKind,
    msg: &Message,
    decision: &Decision,
    prepared: &Prepared,
) -> Vec<TimelineContact> {
    let mut names: HashMap<String, &str> = HashMap::new();
    let forwarded = match kind {
        InboxKind::Forward => mime::forward::parse_message(msg).email,
        InboxKind::Bcc => None,
    };
    let block = forwarded
        .iter()
        .flat_map(|f| f.from.iter().chain(&f.to).chain(&f.cc));
    for m in block
        .chain(&msg.from)
        .chain(&msg.to)
        .chain(&msg.cc)
        .chain(&msg.bcc)
    {
        if let Some(name) = m.name.as_deref().filter(|n| !n.trim().is_empty()) {
            names
                .entry(Address::new(&m.address).into_key())
                .or_insert(name);
        }
    }
    decision
        .timeline
        .iter()
        .map(|address| match prepared.contact(address) {
            Some(c) => TimelineContact::Existing(c.id.clone()),
            None => {
                let key = Address::new(address).into_key();
                let party = HeaderParty::new(address, names.get(&key).copied());
                let mut p = Map::new();
                p.insert("email".into(), Value::String(address.clone()));
                if let Some(f) = party.first_name {
                    p.insert("firstname".into(), Value::String(f));
                }
                if let Some(l) = party.last_name {
                    p.insert("lastname".into(), Value::String(l));
                }
                TimelineContact::New(p)
            }
        })
        .collect()
}

/// O6: the decision names companies; each existing timeline contact's
/// primary company with such a name is the object.
fn companies(decision: &Decision, prepared: &Prepared) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for address in &decision.timeline {
        if let Some((id, name)) = prepared.contact(address).and_then(|c| c.company.as_ref())
            && decision.companies.contains(name)
            && !out.contains(id)
        {
            out.push(id.clone());
        }
    }
    out
}

/// O6: the decision names the account's deal ids; these are the objects.
fn deals(decision: &Decision, prepared: &Prepared) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for address in &decision.timeline {
        let Some(c) = prepared.contact(address) else {
            continue;
        };
        for deal in &decision.deals {
            if let Some(id) = c.deals.get(deal)
                && !out.contains(id)
            {
                out.push(id.clone());
            }
        }
    }
    out.sort_by_key(|id| id.parse::<u64>().unwrap_or(u64::MAX));
    out
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-')
}

/// Replaces every address in `text` that the never-log list matches by
/// [`REDACTED`] (N5: an excluded address never reaches the CRM, not even
/// quoted in a body). Addresses are found as `local@domain` runs of the
/// usual characters around each `@`.
pub fn redact<'t>(text: &'t str, list: &NeverLogList) -> Cow<'t, str> {
    if list.is_empty() || !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices('@') {
        if at < copied {
            continue;
        }
        let before = text.get(copied..at).unwrap_or("");
        let start = at
            - before
                .chars()
                .rev()
                .take_while(|c| is_local_char(*c))
                .map(char::len_utf8)
                .sum::<usize>();
        let after = text.get(at + 1..).unwrap_or("");
        let domain_len: usize = after
            .chars()
            .take_while(|c| is_domain_char(*c))
            .map(char::len_utf8)
            .sum();
        let domain = after
            .get(..domain_len)
            .unwrap_or("")
            .trim_end_matches(['.', '-']);
        let local = text.get(start..at).unwrap_or("").trim_start_matches('.');
        if local.is_empty() || domain.is_empty() {
            continue;
        }
        let token_start = at - local.len();
        let token_end = at + 1 + domain.len();
        let token = text.get(token_start..token_end).unwrap_or("");
        if list.check(token).is_some() {
            out.push_str(text.get(copied..token_start).unwrap_or(""));
            out.push_str(REDACTED);
            copied = token_end;
        }
    }
    out.push_str(text.get(copied..).unwrap_or(""));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> NeverLogList {
        NeverLogList::from_entries(["rival.example", "ceo@client.example"]).unwrap()
    }

    #[test]
    fn redacts_only_listed_addresses() {
        let l = list();
        assert_eq!(
            redact(
                "Mia <mia@rival.example>, bob@client.example, CEO+x@Client.example.",
                &l
            ),
            "Mia <[never-log]>, bob@client.example, [never-log]."
        );
        assert_eq!(
            redact("&lt;mia@rival.example&gt; mailto:x.y@sub.rival.example", &l),
            "&lt;[never-log]&gt; mailto:x.y@sub.rival.example"
        );
        assert_eq!(redact("no address @ all @", &l), "no address @ all @");
        assert_eq!(redact("ü@rival.example@@", &l), "[never-log]@@");
        assert!(matches!(redact("plain", &l), Cow::Borrowed(_)));
    }
}
