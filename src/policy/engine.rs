//! The account, indexed once for many decisions, and the checks every path
//! shares: per-address checks (N, O4, D1, G1), sizes (S1, S2),
//! associations (O6) and attribution (A1–A5).
//!
//! Invariant: after [`Engine::new`] every lookup is a hash probe; nothing
//! scans a list of users, contacts or never-log entries per decision.

use super::address::Address;
use super::address::{Map, Set};
use super::decision::{Builder, Code, DroppedAttachment};
use super::input::{Account, InputError, Provider};
use super::never_log::{MatchKind, NeverLogList};
use super::time::{Instant, parse_rfc3339};
use super::trace::Trace;
use crate::tracking::TrackingId;

/// 1 MB as the rule book counts it.
pub const MB: u64 = 1_048_576;
/// S1: the largest body that is logged.
pub const BODY_LIMIT: u64 = 2 * MB;
/// S2: the largest attachment that is logged.
pub const ATTACHMENT_LIMIT: u64 = 50 * MB;
/// O6: open deals per contact.
const DEALS_PER_CONTACT: usize = 5;

#[derive(Clone, Debug)]
pub(crate) struct UserIx {
    pub id: String,
    pub email_access: bool,
    /// Account email, aliases and inbox keys (M2: "one of the user's addresses").
    pub addresses: Set<String>,
    /// Inbox key → (provider, connected).
    pub inboxes: Map<String, (Provider, bool)>,
}

/// What the account knows of one address (see `Engine::known`).
#[derive(Clone, Copy, Debug, Default)]
struct Known {
    /// O4: an address of a user or a team inbox.
    internal: bool,
    /// D1: a permanently deleted contact.
    deleted: bool,
    /// The contact keyed by it, an index into `Engine::contacts`.
    contact: Option<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct TeamIx {
    pub connected_by: usize,
    pub connected: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct ContactIx {
    pub legal_basis: bool,
    pub company: Option<String>,
    /// O6: the five most recently created open deals, precomputed.
    pub deals: Vec<String>,
}

/// A per-address refusal: the code, the rule id (empty for never-log
/// codes: the path gives it), and the never-log entry that matched.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Refusal<'s> {
    pub code: Code,
    pub rule: &'static str,
    pub entry: Option<(&'s str, MatchKind)>,
}

#[derive(Clone, Debug)]
pub(crate) struct ThreadIx {
    pub started_by: usize,
    pub inbox: String,
    pub team: bool,
    pub provider: Option<Provider>,
}

/// An account prepared for deciding: build once, decide many times.
#[derive(Clone, Debug)]
pub struct Engine {
    pub(crate) never_log: NeverLogList,
    pub(crate) users: Vec<UserIx>,
    user_ids: Map<String, usize>,
    by_inbox: Map<String, Vec<usize>>,
    by_email: Map<String, Vec<usize>>,
    by_alias: Map<String, Vec<usize>>,
    pub(crate) teams: Map<String, TeamIx>,
    /// What the account knows of an address: one probe answers O4, D1,
    /// G1 and "is it a contact".
    known: Map<String, Known>,
    contacts: Vec<ContactIx>,
    crm_own: Vec<String>,
    gdpr: bool,
    provider_of_domain: Map<String, Provider>,
    pub(crate) threads: Vec<ThreadIx>,
    by_message_id: Map<String, usize>,
    by_tracking_id: Map<String, usize>,
}

/// Reads an address from the account; it must be `local@domain`.
fn account_address(text: &str, path: impl FnOnce() -> String) -> Result<Address, InputError> {
    let a = Address::new(text);
    if a.is_mailbox() && !a.display.chars().any(char::is_whitespace) {
        Ok(a)
    } else {
        Err(InputError::new(path(), "is not an email address"))
    }
}

/// A Message-ID in the form the maps use: trimmed, with angle brackets.
pub(crate) fn message_id_key(id: &str) -> String {
    let id = id.trim();
    let inner = id.strip_prefix('<').unwrap_or(id);
    let inner = inner.strip_suffix('>').unwrap_or(inner);
    format!("<{}>", inner.trim())
}

impl Engine {
    /// Checks the account (references, addresses, never-log entries, deal
    /// dates) and indexes it. Errors name the JSON path of the field.
    pub fn new(account: &Account) -> Result<Engine, InputError> {
        let never_log = NeverLogList::from_entries(&account.never_log).map_err(|e| {
            let first = e.errors.first();
            let index = first.map_or(0, |f| f.line.saturating_sub(1));
            let problem = first.map_or_else(String::new, |f| f.problem.clone());
            InputError::new(
                format!("never_log[{index}]"),
                format!("not a never-log entry: {problem} (N1: an address, a domain or *.domain)"),
            )
        })?;

        let mut user_ids = Map::default();
        for (i, u) in account.users.iter().enumerate() {
            if u.id.trim().is_empty() {
                return Err(InputError::new(format!("users[{i}].id"), "is empty"));
            }
            if user_ids.insert(u.id.clone(), i).is_some() {
                return Err(InputError::new(format!("users[{i}].id"), "is not unique"));
            }
        }
        let user_ref = |id: &str, path: String| {
            user_ids
                .get(id)
                .copied()
                .ok_or_else(|| InputError::new(path, "names no user of the account"))
        };

        let mut users = Vec::with_capacity(account.users.len());
        let mut by_inbox: Map<String, Vec<usize>> = Map::default();
        let mut by_email: Map<String, Vec<usize>> = Map::default();
        let mut by_alias: Map<String, Vec<usize>> = Map::default();
        let mut known: Map<String, Known> = Map::default();
        for (i, u) in account.users.iter().enumerate() {
            let email = account_address(&u.email, || format!("users[{i}].email"))?;
            let mut addresses = Set::default();
            push_unique(by_email.entry(email.key().to_string()).or_default(), i);
            addresses.insert(email.into_key());
            for (j, alias) in u.aliases.iter().enumerate() {
                let alias = account_address(alias, || format!("users[{i}].aliases[{j}]"))?;
                push_unique(by_alias.entry(alias.key().to_string()).or_default(), i);
                addresses.insert(alias.into_key());
            }
            let mut inboxes = Map::default();
            for (j, inbox) in u.inboxes.iter().enumerate() {
                let a = account_address(&inbox.address, || {
                    format!("users[{i}].inboxes[{j}].address")
                })?;
                push_unique(by_inbox.entry(a.key().to_string()).or_default(), i);
                inboxes.insert(a.key().to_string(), (inbox.provider, inbox.connected));
                addresses.insert(a.into_key());
            }
            for a in &addresses {
                known.entry(a.clone()).or_default().internal = true;
            }
            users.push(UserIx {
                id: u.id.clone(),
                email_access: u.email_access,
                addresses,
                inboxes,
            });
        }

        let mut teams = Map::default();
        for (i, t) in account.team_inboxes.iter().enumerate() {
            let a = account_address(&t.address, || format!("team_inboxes[{i}].address"))?;
            let connected_by =
                user_ref(&t.connected_by, format!("team_inboxes[{i}].connected_by"))?;
            known.entry(a.key().to_string()).or_default().internal = true;
            teams.entry(a.into_key()).or_insert(TeamIx {
                connected_by,
                connected: t.connected,
            });
        }

        let mut contacts = Vec::with_capacity(account.contacts.len());
        known.reserve(account.contacts.len());
        for (i, c) in account.contacts.iter().enumerate() {
            let a = account_address(&c.email, || format!("contacts[{i}].email"))?;
            let mut open: Vec<(Instant, &str)> = Vec::new();
            for (j, d) in c.deals.iter().enumerate() {
                let created = parse_rfc3339(&d.created).ok_or_else(|| {
                    InputError::new(
                        format!("contacts[{i}].deals[{j}].created"),
                        "is not an RFC 3339 date-time",
                    )
                })?;
                if d.open {
                    open.push((created, &d.id));
                }
            }
            // O6: most recently created first; ties: lower id first.
            open.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            let deals = open
                .iter()
                .take(DEALS_PER_CONTACT)
                .map(|(_, id)| id.to_string())
                .collect();
            let company = c
                .company
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let ix = ContactIx {
                legal_basis: c.legal_basis,
                company,
                deals,
            };
            let index = u32::try_from(contacts.len())
                .map_err(|_| InputError::new("contacts", "has too many contacts"))?;
            let slot = &mut known.entry(a.into_key()).or_default().contact;
            contacts.push(ix);
            if slot.replace(index).is_some() {
                return Err(InputError::new(
                    format!("contacts[{i}].email"),
                    "is the address of an earlier contact (contacts are keyed by address)",
                ));
            }
        }

        for (i, d) in account.deleted.iter().enumerate() {
            let key = account_address(d, || format!("deleted[{i}]"))?.into_key();
            known.entry(key).or_default().deleted = true;
        }

        let mut crm_own = Vec::new();
        for (field, value) in [
            ("bcc_address", &account.bcc_address),
            ("forwarding_address", &account.forwarding_address),
        ] {
            if let Some(v) = value {
                crm_own.push(account_address(v, || field.to_string())?.into_key());
            }
        }

        let provider_of_domain = account
            .provider_of_domain
            .iter()
            .map(|(d, p)| (super::address::ascii_domain(d).into_owned(), *p))
            .collect();

        let mut threads = Vec::new();
        let mut by_message_id = Map::default();
        let mut by_tracking_id = Map::default();
        for (i, t) in account.logged_threads.iter().enumerate() {
            let started_by = user_ref(&t.started_by, format!("logged_threads[{i}].started_by"))?;
            let inbox = account_address(&t.inbox, || format!("logged_threads[{i}].inbox"))?;
            let id = message_id_key(&t.message_id);
            if id.len() <= 2 {
                return Err(InputError::new(
                    format!("logged_threads[{i}].message_id"),
                    "is empty",
                ));
            }
            by_message_id.entry(id).or_insert(threads.len());
            if let Some(tid) = &t.tracking_id {
                let tid = TrackingId::parse(tid).map_err(|e| {
                    InputError::new(format!("logged_threads[{i}].tracking_id"), e.to_string())
                })?;
                by_tracking_id
                    .entry(tid.as_str().to_string())
                    .or_insert(threads.len());
            }
            threads.push(ThreadIx {
                started_by,
                inbox: inbox.into_key(),
                team: t.team,
                provider: t.provider,
            });
        }

        Ok(Engine {
            never_log,
            users,
            user_ids,
            by_inbox,
            by_email,
            by_alias,
            teams,
            known,
            contacts,
            crm_own,
            gdpr: account.gdpr,
            provider_of_domain,
            threads,
            by_message_id,
            by_tracking_id,
        })
    }

    /// The never-log list of the account.
    pub fn never_log(&self) -> &NeverLogList {
        &self.never_log
    }

    pub(crate) fn user(&self, id: &str, field: &str) -> Result<usize, InputError> {
        self.user_ids
            .get(id)
            .copied()
            .ok_or_else(|| InputError::new(field, "names no user of the account"))
    }

    pub(crate) fn user_at(&self, i: usize) -> Option<&UserIx> {
        self.users.get(i)
    }

    /// The CRM's own addresses (with any `+tag`, which the BCC tracking
    /// carrier adds: tracking.md) are never recipients nor contacts.
    pub(crate) fn is_crm_own(&self, a: &Address) -> bool {
        self.crm_own
            .iter()
            .any(|own| own == a.key() || a.with_base_key(|base| base == own) == Some(true))
    }

    pub(crate) fn contact(&self, a: &Address) -> Option<&ContactIx> {
        let index = self.known.get(a.key())?.contact?;
        self.contacts.get(index as usize)
    }

    pub(crate) fn provider_of(&self, domain: &str) -> Option<Provider> {
        self.provider_of_domain.get(domain).copied()
    }

    pub(crate) fn thread_by_message_id(&self, id: &str) -> Option<usize> {
        self.by_message_id.get(&message_id_key(id)).copied()
    }

    pub(crate) fn thread_by_tracking_id(&self, id: &str) -> Option<usize> {
        self.by_tracking_id.get(id).copied()
    }

    /// The per-address checks in their order of precedence ("When several
    /// rules fail"): N, O4, D1, G1. Returns the refusal, if any; its
    /// message is only written when it is needed.
    pub(crate) fn address_check<'s>(
        &'s self,
        a: &Address,
        t: &mut Trace,
    ) -> Result<Option<&'s ContactIx>, Refusal<'s>> {
        if let Some(m) = self.never_log.check_address(a) {
            if t.on() {
                t.note("N2", a.normalised, false);
                t.note("N3", m.kind == MatchKind::Subdomain, false);
                t.note("N4", m.kind == MatchKind::PlusTag, false);
                // N6 decides when a domain entry matched too; it passes when
                // only the address entry did.
                t.note("N6", m.reason == Code::NeverLogAddress, !m.domain_also);
            }
            return Err(Refusal {
                code: m.reason,
                rule: "",
                entry: Some((m.entry, m.kind)),
            });
        }
        if t.on() {
            t.note("N2", true, true);
            if a.base_local().is_some() {
                t.note("N4", true, true);
            }
            if self.never_log.has_subdomains_entry(a.domain()) {
                t.note("N3", true, true);
            }
        }
        let refusal = |code, rule| {
            Err(Refusal {
                code,
                rule,
                entry: None,
            })
        };
        let known = self.known.get(a.key()).copied().unwrap_or_default();
        // O4: a user's account email, alias or inbox, or a team inbox; a
        // `+tag` of one of these is the same mailbox.
        let internal = |key: &str| self.known.get(key).is_some_and(|k| k.internal);
        if known.internal || a.with_base_key(internal) == Some(true) {
            t.note("O4", true, false);
            return refusal(Code::InternalRecipient, "O4");
        }
        t.note("O4", true, true);
        if known.deleted {
            t.note("D1", true, false);
            return refusal(Code::ContactDeleted, "D1");
        }
        t.note("D1", true, true);
        let contact = known.contact.and_then(|i| self.contacts.get(i as usize));
        if self.gdpr {
            let basis = contact.is_some_and(|c| c.legal_basis);
            t.note("G1", true, basis);
            if !basis {
                return refusal(Code::NoLegalBasis, "G1");
            }
        }
        Ok(contact)
    }

    /// The sentence for a refused address (`is_contact` matters for G1).
    fn refusal_message(who: &str, is_contact: bool, r: &Refusal<'_>) -> String {
        match (r.code, r.entry) {
            (_, Some((entry, MatchKind::PlusTag))) => {
                format!("{who} is on the never-log list (address {entry})")
            }
            (_, Some((entry, MatchKind::Domain | MatchKind::Subdomain))) => {
                format!("{who} is on the never-log list (domain {entry})")
            }
            (_, Some((_, MatchKind::Address))) => format!("{who} is on the never-log list"),
            (Code::InternalRecipient, None) => format!("{who} is an address of this account"),
            (Code::ContactDeleted, None) => {
                format!("the contact {who} was permanently deleted")
            }
            (_, None) if is_contact => {
                format!("the contact {who} has no legal basis to communicate")
            }
            (_, None) => format!(
                "{who} is not a contact, and with GDPR settings on no contact can be created without a legal basis"
            ),
        }
    }

    /// Runs the per-address checks over `people` (already read as
    /// addresses) and fills timeline, excluded, create_contacts and the
    /// associations. When no one is left, the codes that left no one go
    /// into `reasons` ("When several rules fail").
    pub(crate) fn log_to(
        &self,
        b: &mut Builder,
        people: Vec<Address>,
        never_rule: &'static str,
        create: bool,
        t: &mut Trace,
    ) {
        // The same address twice (To and Cc) counts once; lists are short,
        // so a scan of the ones before is cheapest.
        let first: Vec<bool> = people
            .iter()
            .enumerate()
            .map(|(n, a)| !people.iter().take(n).any(|p| p.key() == a.key()))
            .collect();
        // (refusal, its index in `excluded`, whether the address is a contact)
        let mut refused: Vec<(Refusal<'_>, usize, bool)> = Vec::new();
        for (a, first) in people.into_iter().zip(first) {
            if !first {
                continue;
            }
            match self.address_check(&a, t) {
                Err(mut r) => {
                    t.note(never_rule, true, !r.rule.is_empty());
                    if r.rule.is_empty() {
                        r.rule = never_rule;
                    }
                    let is_contact = r.code == Code::NoLegalBasis && self.contact(&a).is_some();
                    refused.push((r, b.excluded.len(), is_contact));
                    b.excluded.push(super::decision::Excluded {
                        address: a.display,
                        reason: r.code,
                    });
                }
                Ok(contact) => {
                    t.note(never_rule, true, true);
                    match contact {
                        Some(c) => {
                            if let Some(company) = &c.company {
                                b.companies.push(company.clone());
                            }
                            b.deals.extend(c.deals.iter().cloned());
                        }
                        None if create => b.create_contacts.push(a.display.clone()),
                        None => {}
                    }
                    b.timeline.push(a.display);
                }
            }
        }
        if b.timeline.is_empty() {
            // Several addresses refused with one code share one reason; the
            // message names them all.
            refused.sort_by_key(|(r, _, _)| r.code);
            let mut reasons = Vec::new();
            for group in refused.chunk_by(|x, y| x.0.code == y.0.code) {
                let Some((first, _, _)) = group.first() else {
                    continue;
                };
                let message = group
                    .iter()
                    .map(|(r, i, is_contact)| {
                        let who = b.excluded.get(*i).map_or("", |x| x.address.as_str());
                        Self::refusal_message(who, *is_contact, r)
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                reasons.push((first.code, first.rule, message));
            }
            for (code, rule, message) in reasons {
                b.reason(code, rule, message);
            }
        }
    }

    /// S1 and S2 on a body size and attachments.
    pub(crate) fn sizes<'a>(
        &self,
        b: &mut Builder,
        body_bytes: u64,
        attachments: impl Iterator<Item = (Option<&'a str>, u64)>,
        t: &mut Trace,
    ) {
        if body_bytes > BODY_LIMIT {
            t.note("S1", true, false);
            b.reason(
                Code::BodyTooLarge,
                "S1",
                format!(
                    "the body is {} MB, over the 2 MB limit",
                    megabytes(body_bytes)
                ),
            );
        } else {
            t.note("S1", true, true);
        }
        let mut dropped = Vec::new();
        for (name, bytes) in attachments {
            if bytes > ATTACHMENT_LIMIT {
                t.note("S2", true, false);
                dropped.push(DroppedAttachment {
                    name: name.map(str::to_string),
                    bytes,
                });
            } else {
                t.note("S2", true, true);
            }
        }
        if !dropped.is_empty() {
            dropped.sort();
            let names: Vec<String> = dropped
                .iter()
                .map(|d| {
                    format!(
                        "{} ({} MB)",
                        d.name.as_deref().unwrap_or("an unnamed attachment"),
                        megabytes(d.bytes)
                    )
                })
                .collect();
            let (is, was) = if names.len() == 1 {
                ("is", "was")
            } else {
                ("are", "were")
            };
            b.reason(
                Code::AttachmentTooLarge,
                "S2",
                format!(
                    "{} {is} over the 50 MB limit and {was} not logged",
                    names.join(", ")
                ),
            );
            b.dropped.extend(dropped);
        }
    }

    /// Rules A: who a BCC (`bcc` true: A1–A5) or forward (A1–A3) is
    /// attributed to. `None`: no rule decides.
    pub(crate) fn attribute(
        &self,
        from: Option<&Address>,
        extension_user: Option<usize>,
        bcc: bool,
        t: &mut Trace,
    ) -> Option<usize> {
        let from = from?;
        let inbox_users = self.by_inbox.get(from.key()).map_or(&[][..], Vec::as_slice);
        let only = |v: Option<&Vec<usize>>| match v.map(Vec::as_slice) {
            Some([one]) => Some(*one),
            _ => None,
        };
        if let [one] = inbox_users {
            t.note("A1", true, false);
            return Some(*one);
        }
        t.note("A1", true, true);
        if let Some(u) = only(self.by_email.get(from.key())) {
            t.note("A2", true, false);
            return Some(u);
        }
        t.note("A2", true, true);
        if let Some(u) = only(self.by_alias.get(from.key())) {
            t.note("A3", true, false);
            return Some(u);
        }
        t.note("A3", true, true);
        if !bcc {
            return None;
        }
        if inbox_users.len() > 1
            && let Some(u) = extension_user.filter(|u| inbox_users.contains(u))
        {
            t.note("A4", true, false);
            return Some(u);
        }
        t.note("A4", true, true);
        if let Some(team) = self.teams.get(from.key()) {
            t.note("A5", true, false);
            return Some(extension_user.unwrap_or(team.connected_by));
        }
        t.note("A5", true, true);
        None
    }
}

fn push_unique(v: &mut Vec<usize>, i: usize) {
    if !v.contains(&i) {
        v.push(i);
    }
}

/// Bytes as megabytes with one decimal, as the S2 message in decide.md.
pub(crate) fn megabytes(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10) / MB;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn megabytes_has_one_decimal() {
        assert_eq!(megabytes(52_428_801), "50.0");
        assert_eq!(megabytes(3 * MB / 2), "1.5");
        assert_eq!(megabytes(0), "0.0");
    }

    #[test]
    fn message_ids_get_brackets() {
        assert_eq!(message_id_key(" a@b "), "<a@b>");
        assert_eq!(message_id_key("<a@b>"), "<a@b>");
    }
}
