//! The decision for an email sent with Log on, taken where it is sent (the
//! service worker, or `crmlog outbox enqueue`) with what the sender's side
//! knows: the user's own addresses, the never-log list, the body size. The
//! rules are `policy`'s (O1–O4, N, S1); contacts, deleted contacts and GDPR
//! are the CRM's to know, so D1 and G1 apply on its side.
//!
//! Invariant (N5): an address the decision excludes is removed from the
//! request before it is queued, so it is in no request the outbox makes —
//! not as a contact, not in the logged headers.

use super::compose::{ComposeSnapshot, parties};
use super::log::{LogRequest, Party, normalize};
use crate::policy::{
    Account, Address, Code, Contact, Decision, Event, Excluded, Inbox, LoggedThread, Outgoing,
    Provider, Reply, User, decide,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The user id the sender's side decides for.
const ME: &str = "me";

/// What to queue.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The decision (reasons, excluded addresses).
    pub decision: Decision,
    /// The request without excluded addresses; `None` when not logged.
    pub request: Option<LogRequest>,
}

/// What the sender's side knows about the account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SenderSide {
    /// The user's other addresses (aliases, other inboxes): internal (O4).
    pub aliases: Vec<String>,
    /// Never-log entries (N1), already validated.
    pub never_log: Vec<String>,
    /// The CRM's BCC address, when the user chose to log through it instead
    /// of the API (spec/tracking.md carrier 4; validated by the options
    /// page). With any `+tag` it is the CRM's own, never a recipient.
    pub bcc_address: Option<String>,
}

impl SenderSide {
    /// The account the rules see from this side: one user (`user` and the
    /// aliases) with email access, and the never-log list.
    fn account(&self, user: &str) -> Account {
        Account {
            users: vec![User {
                id: ME.into(),
                email: normalize(user),
                aliases: self.aliases.iter().map(|a| normalize(a)).collect(),
                email_access: true,
                inboxes: Vec::new(),
            }],
            never_log: self.never_log.clone(),
            bcc_address: self.bcc_address.clone(),
            ..Account::default()
        }
    }

    /// Whether `address` is the CRM's BCC address, with or without a
    /// `+tag`: the CRM's own, left out silently (docs/policy.md), never
    /// checked against the never-log list nor shown as excluded.
    pub fn is_crm_own(&self, address: &str) -> bool {
        let Some(own) = &self.bcc_address else {
            return false;
        };
        let (own, a) = (Address::new(own), Address::new(address));
        a.key() == own.key() || a.base_key().as_deref() == Some(own.key())
    }

    /// Whether `request` carries its tracking id's plus-address of the BCC
    /// address (carrier 4): the mail itself then goes to the CRM's BCC
    /// inbox, which logs it, and no logging request is made. Any field
    /// counts: the inbox receives the mail all the same, and a site adapter
    /// may read a Bcc field as Cc (Outlook's positional fallback when Cc is
    /// not shown).
    pub fn sent_through_bcc(&self, request: &LogRequest) -> bool {
        let Some(plus) = self
            .bcc_address
            .as_deref()
            .and_then(|bcc| crate::tracking::plus_address(bcc, &request.tracking_id))
        else {
            return false;
        };
        request
            .recipients()
            .any(|p| p.address.trim().eq_ignore_ascii_case(&plus))
    }
}

/// Decides `request` (Log on) and strips what may not leave.
pub fn plan_outgoing(request: LogRequest, side: &SenderSide) -> Result<Plan, String> {
    let account = side.account(&request.from.address);
    let list = |parties: &[super::log::Party]| parties.iter().map(|p| p.address.clone()).collect();
    // S1: the UTF-8 bytes of the text and HTML bodies together.
    let body_bytes = (request.text.len() + request.html.len()) as u64;
    let event = Event::Outgoing(Outgoing {
        log: true,
        user: ME.into(),
        from: Some(request.from.address.clone()),
        to: list(&request.to),
        cc: list(&request.cc),
        bcc: list(&request.bcc),
        body_bytes,
        // Attachments are not uploaded by the extension (the compose
        // snapshot carries none), so S2 has nothing to drop here.
        attachments: Vec::new(),
    });
    let decision = decide(&account, &event).map_err(|e| e.to_string())?;
    if !decision.logged {
        return Ok(Plan {
            decision,
            request: None,
        });
    }
    let keep: BTreeSet<&str> = decision.timeline.iter().map(String::as_str).collect();
    let mut request = request;
    for parties in [&mut request.to, &mut request.cc, &mut request.bcc] {
        parties.retain(|p| keep.contains(normalize(&p.address).as_str()));
    }
    Ok(Plan {
        decision,
        request: Some(request),
    })
}

/// A message logged by hand ("Log this email", rules M): the decision, and
/// the request to queue when it is logged.
#[derive(Clone, Debug, PartialEq)]
pub struct ManualPlan {
    /// The decision (direction, timeline, reasons).
    pub decision: Decision,
    /// The request, excluded addresses removed (N5); `None` when not logged.
    pub request: Option<LogRequest>,
    /// The message's Message-ID, so the same message is logged once.
    pub message_id: Option<String>,
}

/// Decides a raw message the user asked to log (M1–M3) with what the
/// sender's side knows, and builds its request. `user` is the signed-in
/// address (with `side.aliases`, it tells sent from received, M2);
/// `fresh_id` is the tracking id to use when the message carries none of
/// ours (a message crmlog tagged keeps its id, so logging it again finds
/// the first copy); `now` (RFC 3339) stands in for a missing Date.
pub fn plan_manual(
    raw: &[u8],
    user: &str,
    side: &SenderSide,
    fresh_id: &str,
    now: &str,
) -> Result<ManualPlan, String> {
    let account = side.account(user);
    let event = Event::Manual(crate::policy::Manual {
        raw: raw.to_vec(),
        user: ME.into(),
    });
    let decision = decide(&account, &event).map_err(|e| e.to_string())?;
    let message = crate::mime::parse(raw);
    let message_id = message.message_id.clone();
    if !decision.logged {
        return Ok(ManualPlan {
            decision,
            request: None,
            message_id,
        });
    }
    let tracking_id = crate::tracking::find(&message)
        .id()
        .map(|id| id.to_string())
        .unwrap_or_else(|| fresh_id.to_string());
    // N5: an address the decision excluded, or any address on the
    // never-log list (a received message's other recipients are not
    // checked by M3, but they would still leave in the logged headers),
    // stays out of the request. The user's own addresses stay in the
    // headers of a received message; they are not contacts.
    let excluded: BTreeSet<String> = decision
        .excluded
        .iter()
        .map(|e| e.address.clone())
        .collect();
    let list = crate::policy::NeverLogList::from_entries(side.never_log.iter())
        .map_err(|e| e.to_string())?;
    let keep = |boxes: &[crate::mime::Mailbox]| -> Vec<Party> {
        boxes
            .iter()
            .filter(|m| {
                !m.address.is_empty()
                    && !excluded.contains(&normalize(&m.address))
                    && list.check(&m.address).is_none()
            })
            .map(party)
            .collect()
    };
    let from = message
        .from
        .first()
        .map(party)
        .ok_or("the message has no sender")?;
    let text = match (&message.text, &message.html) {
        (Some(t), _) => t.clone(),
        (None, Some(h)) => crate::mime::html::to_text(h),
        (None, None) => String::new(),
    };
    let request = LogRequest {
        tracking_id,
        from,
        to: keep(&message.to),
        cc: keep(&message.cc),
        bcc: keep(&message.bcc),
        subject: message.subject.clone().unwrap_or_default(),
        text,
        html: message.html.clone().unwrap_or_default(),
        sent_at: message.date.clone().unwrap_or_else(|| now.to_string()),
        direction: decision.direction.unwrap_or_default(),
    };
    Ok(ManualPlan {
        decision,
        request: Some(request),
        message_id,
    })
}

/// An email this browser logged (or is logging), as a thread a reply may
/// belong to (R1, R11): its tracking id and, once the mail UI showed the
/// sent message, its Message-ID.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KnownThread {
    /// The tracking id of the logged email.
    pub tracking_id: String,
    /// Its Message-ID with angle brackets, once recorded (spec/tracking.md,
    /// "After send").
    pub message_id: Option<String>,
}

/// Where a reply shown in the mail UI sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplyPlace<'a> {
    /// The folder the page shows it in (R6), e.g. `INBOX` or `Spam`.
    pub folder: &'a str,
    /// The provider of the signed-in mailbox (Gmail, Office 365).
    pub provider: Provider,
}

/// Where the page shows a message, from its `location.pathname` and
/// `location.hash`: the folder for R6 and the provider of the mailbox.
/// Gmail (`/mail/u/N/#<view>/…`) and Outlook (`/mail/[N/]<folder>/…`) show
/// a whole conversation across folders, so a message seen from Sent, a
/// label or a search counts as in the Inbox; Spam/Junk and Trash/Deleted
/// Items are told apart (docs/compose.md, "Replies").
pub fn place_of(location: &str) -> (&'static str, Provider) {
    let (path, hash) = location.split_once('#').unwrap_or((location, ""));
    let gmail = path.starts_with("/mail/u/");
    let view = if gmail {
        hash.split('/').next().unwrap_or("")
    } else {
        path.trim_start_matches("/mail/")
            .split('/')
            .find(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or("")
    };
    let folder = match view.to_ascii_lowercase().as_str() {
        "spam" | "junkemail" | "junk" => "Spam",
        "trash" | "deleteditems" | "bin" => "Trash",
        _ => "INBOX",
    };
    let provider = if gmail {
        Provider::Gmail
    } else {
        Provider::Office365
    };
    (folder, provider)
}

/// The signed-in address in page text (Gmail's title "Inbox - anna@… -
/// Gmail", Outlook's account header): the first plausible address.
pub fn user_address(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || "()<>,;\"'".contains(c))
        .find(|t| super::log::is_plausible_address(t))
        .map(normalize)
}

/// Decides whether rules R let a message shown in a thread be logged, with
/// what the sender's side knows: the signed-in mailbox (`user`) stands for
/// the connected inbox the reply was delivered to (R3, R4; whether the CRM
/// really has it connected is the CRM's to know), `threads` are the emails
/// logged from this browser, `contacts` the addresses the CRM reported as
/// contacts (R5). `None` when the message is the user's own (From is one of
/// the user's addresses): it is no reply to judge.
/// `message` is `raw` as `crate::mime::parse` read it (the caller has it
/// already; a message is not parsed twice for its sender).
pub fn plan_reply(
    raw: &[u8],
    message: &crate::mime::Message,
    user: &str,
    place: ReplyPlace<'_>,
    side: &SenderSide,
    threads: &[KnownThread],
    contacts: &[String],
) -> Result<Option<Decision>, String> {
    if let Some(from) = message.from.first() {
        let from = normalize(&from.address);
        if from == normalize(user) || side.aliases.iter().any(|a| normalize(a) == from) {
            return Ok(None);
        }
    }
    let mut account = side.account(user);
    let inbox = normalize(user);
    for u in &mut account.users {
        u.inboxes.push(Inbox {
            address: inbox.clone(),
            provider: place.provider,
            connected: true,
        });
    }
    account.logged_threads = threads
        .iter()
        .map(|t| LoggedThread {
            // A thread whose Message-ID is not recorded yet is found by its
            // tracking id alone (R11): it gets an id under the reserved
            // `.invalid` domain, which no real message carries.
            message_id: t
                .message_id
                .clone()
                .unwrap_or_else(|| format!("<{}@crmlog.invalid>", t.tracking_id)),
            started_by: ME.into(),
            inbox: inbox.clone(),
            team: false,
            provider: Some(place.provider),
            tracking_id: Some(t.tracking_id.clone()),
        })
        .collect();
    account.contacts = contacts
        .iter()
        .map(|c| Contact {
            email: normalize(c),
            // G1 is the CRM's to apply (module docs).
            legal_basis: true,
            company: None,
            deals: Vec::new(),
        })
        .collect();
    let event = Event::Reply(Reply {
        raw: raw.to_vec(),
        folder: place.folder.to_string(),
        delivered_to: inbox,
    });
    decide(&account, &event)
        .map(Some)
        .map_err(|e| e.to_string())
}

fn party(m: &crate::mime::Mailbox) -> Party {
    Party {
        address: m.address.clone(),
        name: m.name.clone(),
    }
}

/// What a compose shows while the user adds recipients (O2, O4): who will
/// not be logged and why, and whether the email would be logged at all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientCheck {
    /// Recipients left out, each with its per-address reason code.
    pub excluded: Vec<Excluded>,
    /// How many distinct recipients the compose has.
    pub recipients: usize,
    /// True when there are recipients and every one is excluded: the email
    /// will not be logged (O2), which the toggle says before Send.
    pub none_logged: bool,
    /// The plus-address the compose carries in Bcc (spec/tracking.md
    /// carrier 4): set when the user logs through the BCC address, the
    /// snapshot has a tracking id, and no recipient is on the never-log list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bcc: Option<String>,
    /// A BCC address is set but a recipient on the never-log list keeps the
    /// plus-address out (N5: the CRM would receive that address).
    #[serde(default)]
    pub bcc_refused: bool,
}

/// Checks a compose's recipients as they are now, with the same rules as
/// Send ([`plan_outgoing`]); the body is not needed for this. With the
/// snapshot's tracking id it also says whether the BCC carrier may go in.
pub fn check_recipients(snapshot: &ComposeSnapshot, side: &SenderSide) -> RecipientCheck {
    let mut check = check_only(snapshot, side);
    // Only an id of ours: the address is built from it.
    let plus = crate::tracking::TrackingId::parse(&snapshot.tracking_id)
        .ok()
        .zip(side.bcc_address.as_deref())
        .and_then(|(id, bcc)| crate::tracking::plus_address(bcc, id.as_str()));
    // N5: the mail itself goes to the CRM with the BCC carrier, so one
    // recipient on the never-log list keeps it out. Internal recipients do
    // not: the BCC inbox leaves the account's users out itself (O4).
    let never_logged = check
        .excluded
        .iter()
        .any(|e| matches!(e.reason, Code::NeverLogAddress | Code::NeverLogDomain));
    check.bcc_refused = plus.is_some() && never_logged;
    check.bcc = plus.filter(|_| !never_logged);
    check
}

fn check_only(snapshot: &ComposeSnapshot, side: &SenderSide) -> RecipientCheck {
    let mut seen = BTreeSet::new();
    let to = parties(&snapshot.to, &mut seen);
    let cc = parties(&snapshot.cc, &mut seen);
    let bcc = parties(&snapshot.bcc, &mut seen);
    // The plus-address of the BCC carrier is the CRM's own: not a
    // recipient to count (the engine leaves it out too).
    let recipients = seen.iter().filter(|a| !side.is_crm_own(a)).count();
    let from = super::compose::parse_party(&snapshot.from).unwrap_or(Party {
        address: String::new(),
        name: None,
    });
    if recipients == 0 {
        return RecipientCheck::default();
    }
    let request = LogRequest {
        tracking_id: String::new(),
        from,
        to,
        cc,
        bcc,
        subject: String::new(),
        text: String::new(),
        html: String::new(),
        sent_at: String::new(),
        direction: Default::default(),
    };
    match plan_outgoing(request, side) {
        Ok(plan) => RecipientCheck {
            none_logged: plan.decision.excluded.len() >= recipients,
            excluded: plan.decision.excluded,
            recipients,
            ..RecipientCheck::default()
        },
        // The engine refuses only malformed input; the compose then shows
        // no warning, and Send decides again with the whole message.
        Err(_) => RecipientCheck {
            recipients,
            ..RecipientCheck::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::log::Party;

    fn party(a: &str) -> Party {
        Party {
            address: a.into(),
            name: None,
        }
    }

    fn request() -> LogRequest {
        LogRequest {
            tracking_id: "crml-5knz5jl7dedbbq6rwxvrobvw5m".into(),
            from: party("anna@acme.example"),
            to: vec![party("Bob@Client.example"), party("ceo@client.example")],
            cc: vec![party("anna.k@acme.example")],
            bcc: vec![party("press@rival.example")],
            subject: "Offer".into(),
            text: "Hi".into(),
            html: "<p>Hi</p>".into(),
            sent_at: "2026-11-23T10:00:00Z".into(),
            direction: Default::default(),
        }
    }

    #[test]
    fn excluded_addresses_leave_the_request() {
        let side = SenderSide {
            aliases: vec!["anna.k@acme.example".into()],
            never_log: vec!["ceo@client.example".into(), "rival.example".into()],
            ..SenderSide::default()
        };
        let plan = plan_outgoing(request(), &side).unwrap();
        assert!(plan.decision.logged);
        let r = plan.request.unwrap();
        let all: Vec<&str> = r.recipients().map(|p| p.address.as_str()).collect();
        assert_eq!(
            all,
            ["Bob@Client.example"],
            "N5: only Bob is in the request"
        );
        let reasons: Vec<_> = plan
            .decision
            .excluded
            .iter()
            .map(|e| e.reason.as_str())
            .collect();
        assert_eq!(reasons.len(), 3);
        assert!(reasons.contains(&"never_log_address") && reasons.contains(&"never_log_domain"));
        assert!(reasons.contains(&"internal_recipient"));
    }

    #[test]
    fn all_excluded_or_too_large_is_not_logged() {
        let side = SenderSide {
            never_log: vec![
                "client.example".into(),
                "rival.example".into(),
                "acme.example".into(),
            ],
            ..SenderSide::default()
        };
        let plan = plan_outgoing(request(), &side).unwrap();
        assert!(!plan.decision.logged);
        assert!(plan.request.is_none());

        let mut big = request();
        big.html = "x".repeat(2 * 1024 * 1024 + 1);
        let plan = plan_outgoing(big, &SenderSide::default()).unwrap();
        assert!(!plan.decision.logged);
        assert!(
            plan.decision
                .reasons
                .iter()
                .any(|r| r.code.as_str() == "body_too_large")
        );
    }

    fn typed(to: &[&str], cc: &[&str]) -> ComposeSnapshot {
        ComposeSnapshot {
            tracking_id: String::new(),
            from: "Anna K <anna@acme.example>".into(),
            to: to.iter().map(|s| s.to_string()).collect(),
            cc: cc.iter().map(|s| s.to_string()).collect(),
            bcc: Vec::new(),
            subject: String::new(),
            html: String::new(),
            text: String::new(),
            sent_at: String::new(),
        }
    }

    #[test]
    fn the_live_check_names_who_is_left_out_and_when_nothing_is_logged() {
        let side = SenderSide {
            aliases: vec!["anna.k@acme.example".into()],
            never_log: vec!["ceo@client.example".into(), "*.rival.example".into()],
            ..SenderSide::default()
        };
        let check = check_recipients(&typed(&["Bob <bob@client.example>"], &[]), &side);
        assert_eq!((check.recipients, check.none_logged), (1, false));
        assert!(check.excluded.is_empty());

        let check = check_recipients(
            &typed(
                &["CEO+board@Client.example", "bob@client.example"],
                &["x@eu.rival.example"],
            ),
            &side,
        );
        let got: Vec<(&str, &str)> = check
            .excluded
            .iter()
            .map(|e| (e.address.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(check.recipients, 3);
        assert!(!check.none_logged);
        assert!(
            got.contains(&("ceo+board@client.example", "never_log_address")),
            "{got:?}"
        );
        assert!(
            got.contains(&("x@eu.rival.example", "never_log_domain")),
            "{got:?}"
        );

        // O2 and O4 together: nobody left to log.
        let check = check_recipients(
            &typed(&["ceo@client.example"], &["anna.k@acme.example"]),
            &side,
        );
        assert!(check.none_logged);
        assert_eq!(check.excluded.len(), 2);

        // No recipients yet: nothing to warn about.
        assert_eq!(
            check_recipients(&typed(&[], &[]), &side),
            RecipientCheck::default()
        );
    }

    #[test]
    fn the_bcc_carrier_is_the_crms_own_and_never_a_recipient() {
        let id = "crml-5knz5jl7dedbbq6rwxvrobvw5m";
        let plus = crate::tracking::plus_address("log@bcc.example", id).unwrap();
        let side = SenderSide {
            never_log: vec!["ceo@client.example".into(), "bcc.example".into()],
            bcc_address: Some("log@bcc.example".into()),
            ..SenderSide::default()
        };
        assert!(side.is_crm_own(&plus) && side.is_crm_own("LOG@bcc.example"));
        assert!(!side.is_crm_own("other@bcc.example"));
        assert!(!SenderSide::default().is_crm_own(&plus));

        // A new compose with its id: the carrier goes in at once.
        let mut snapshot = typed(&[], &[]);
        snapshot.tracking_id = id.into();
        let check = check_recipients(&snapshot, &side);
        assert_eq!(check.bcc.as_deref(), Some(plus.as_str()));
        assert!(!check.bcc_refused);
        // Only the plus-address in Bcc: no recipient yet, nothing to warn
        // about — even though its domain is on the list.
        snapshot.bcc = vec![plus.clone()];
        let check = check_recipients(&snapshot, &side);
        assert_eq!((check.recipients, check.excluded.len()), (0, 0));
        assert_eq!(check.bcc.as_deref(), Some(plus.as_str()));

        // A colleague (O4) does not keep the carrier out: the BCC inbox
        // leaves users out itself.
        let side = SenderSide {
            aliases: vec!["anna.k@acme.example".into()],
            ..side
        };
        snapshot.to = vec!["anna.k@acme.example".into(), "bob@client.example".into()];
        let check = check_recipients(&snapshot, &side);
        assert_eq!(check.excluded.len(), 1);
        assert_eq!(check.bcc.as_deref(), Some(plus.as_str()));

        // N5: with a never-logged recipient the carrier stays out, and the
        // check says why; only that recipient is named.
        snapshot.to = vec!["ceo@client.example".into(), "bob@client.example".into()];
        let check = check_recipients(&snapshot, &side);
        assert_eq!((check.recipients, check.none_logged), (2, false));
        let named: Vec<&str> = check.excluded.iter().map(|e| e.address.as_str()).collect();
        assert_eq!(named, ["ceo@client.example"]);
        assert_eq!((check.bcc, check.bcc_refused), (None, true));

        // No id (Log never on) or not one of ours, or no BCC address: none.
        for bad in ["", "crml-nope", "x@y"] {
            snapshot.tracking_id = bad.into();
            snapshot.to = vec!["bob@client.example".into()];
            assert_eq!(check_recipients(&snapshot, &side).bcc, None, "{bad:?}");
        }
        snapshot.tracking_id = id.into();
        let check = check_recipients(&snapshot, &SenderSide::default());
        assert_eq!((check.bcc, check.bcc_refused), (None, false));

        // Send: the carrier is recognised by the compose's own id only,
        // and the plus-address never reaches the request the outbox keeps.
        let mut r = request();
        r.tracking_id = id.into();
        r.bcc = vec![party(&plus.to_uppercase())];
        assert!(side.sent_through_bcc(&r));
        let mut in_cc = r.clone();
        in_cc.cc = std::mem::take(&mut in_cc.bcc);
        assert!(
            side.sent_through_bcc(&in_cc),
            "read as Cc, sent all the same"
        );
        let plan = plan_outgoing(r.clone(), &side).unwrap();
        let kept = plan.request.unwrap();
        assert!(kept.bcc.is_empty(), "{:?}", kept.bcc);
        r.tracking_id = "crml-aaaaaaaaaaaaaaaaaaaaaaaaaa".into();
        assert!(!side.sent_through_bcc(&r), "another compose's address");
        r.tracking_id = id.into();
        assert!(
            !SenderSide::default().sent_through_bcc(&r),
            "no BCC address set"
        );
    }

    const RECEIVED: &str = "From: Bob Jones <bob@client.example>\r\n\
To: Anna K <anna@acme.example>, ceo@client.example\r\n\
Cc: anna.k@acme.example\r\n\
Subject: Re: Offer\r\n\
Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\
Message-ID: <r1@client.example>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n\
Thanks, we accept.\r\n";

    #[test]
    fn a_received_message_is_logged_to_the_sender_without_excluded_addresses() {
        let side = SenderSide {
            aliases: vec!["anna.k@acme.example".into()],
            never_log: vec!["ceo@client.example".into()],
            ..SenderSide::default()
        };
        let plan = plan_manual(
            RECEIVED.as_bytes(),
            "anna@acme.example",
            &side,
            "crml-5knz5jl7dedbbq6rwxvrobvw5m",
            "2026-11-24T00:00:00Z",
        )
        .unwrap();
        assert!(plan.decision.logged, "{:?}", plan.decision.reasons);
        assert_eq!(plan.decision.timeline, ["bob@client.example"]);
        assert_eq!(plan.message_id.as_deref(), Some("<r1@client.example>"));
        let r = plan.request.unwrap();
        assert_eq!(r.direction, crate::policy::Direction::IncomingEmail);
        assert_eq!(r.from.address, "bob@client.example");
        assert_eq!(r.sent_at, "2026-11-23T10:00:00Z");
        assert_eq!(r.tracking_id, "crml-5knz5jl7dedbbq6rwxvrobvw5m");
        // N5: the never-logged recipient is in no field of the request.
        let all: Vec<&str> = r.recipients().map(|p| p.address.as_str()).collect();
        assert!(!all.contains(&"ceo@client.example"), "{all:?}");
        assert!(r.text.contains("we accept"));
    }

    #[test]
    fn a_sent_message_keeps_its_tracking_id_and_a_never_logged_sender_is_refused() {
        let sent = "From: anna@acme.example\r\nTo: bob@client.example\r\nSubject: Offer\r\n\
Message-ID: <s1@acme.example>\r\nContent-Type: text/html\r\n\r\n\
<p>Hi</p><span data-crmlog-id=\"crml-aaaaaaaaaaaaaaaaaaaaaaaaaa\" hidden></span>\r\n";
        let plan = plan_manual(
            sent.as_bytes(),
            "Anna@Acme.example",
            &SenderSide::default(),
            "crml-5knz5jl7dedbbq6rwxvrobvw5m",
            "2026-11-24T00:00:00Z",
        )
        .unwrap();
        let r = plan.request.unwrap();
        assert_eq!(r.direction, crate::policy::Direction::Email);
        assert_eq!(r.tracking_id, "crml-aaaaaaaaaaaaaaaaaaaaaaaaaa");
        assert_eq!(r.sent_at, "2026-11-24T00:00:00Z", "no Date: now");

        let side = SenderSide {
            never_log: vec!["client.example".into()],
            ..SenderSide::default()
        };
        let plan = plan_manual(
            RECEIVED.as_bytes(),
            "anna@acme.example",
            &side,
            "crml-5knz5jl7dedbbq6rwxvrobvw5m",
            "2026-11-24T00:00:00Z",
        )
        .unwrap();
        assert!(!plan.decision.logged);
        assert!(plan.request.is_none());
        assert_eq!(plan.decision.reasons[0].code.as_str(), "never_log_domain");
    }

    fn reply(from: &str, in_reply_to: &str) -> String {
        format!(
            "From: {from}\r\nTo: anna@acme.example\r\nSubject: Re: Offer\r\n\
Message-ID: <reply-{in_reply_to}>\r\nIn-Reply-To: <{in_reply_to}>\r\n\
Content-Type: text/plain\r\n\r\nThanks\r\n"
        )
    }

    fn codes(d: &Decision) -> Vec<&str> {
        d.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn a_reply_is_judged_by_rules_r_with_what_this_side_knows() {
        let side = SenderSide {
            aliases: vec!["anna.k@acme.example".into()],
            never_log: vec!["rival.example".into()],
            ..SenderSide::default()
        };
        let threads = [
            KnownThread {
                tracking_id: "crml-aaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
                message_id: Some("<sent1@acme.example>".into()),
            },
            KnownThread {
                tracking_id: "crml-5knz5jl7dedbbq6rwxvrobvw5m".into(),
                message_id: None,
            },
        ];
        let contacts = ["Bob@Client.example".to_string()];
        let inbox = ReplyPlace {
            folder: "INBOX",
            provider: Provider::Gmail,
        };
        let judge = |raw: &str, place| {
            plan_reply(
                raw.as_bytes(),
                &crate::mime::parse(raw.as_bytes()),
                "anna@acme.example",
                place,
                &side,
                &threads,
                &contacts,
            )
            .unwrap()
        };

        // R1–R11 hold: a contact answering our logged email.
        let d = judge(
            &reply("Bob <bob@client.example>", "sent1@acme.example"),
            inbox,
        )
        .unwrap();
        assert!(d.logged, "{:?}", d.reasons);
        assert_eq!(d.timeline, ["bob@client.example"]);
        assert_eq!(d.direction, Some(crate::policy::Direction::IncomingEmail));

        // R5: a colleague of the contact is not a contact.
        let d = judge(&reply("carol@client.example", "sent1@acme.example"), inbox).unwrap();
        assert_eq!(codes(&d), ["sender_not_contact"]);

        // R1 / R11: a reply to something this browser did not log.
        let d = judge(&reply("bob@client.example", "other@acme.example"), inbox).unwrap();
        assert_eq!(codes(&d), ["original_not_logged"]);

        // R2 and R6.
        let d = judge(&reply("eve@rival.example", "sent1@acme.example"), inbox).unwrap();
        assert!(codes(&d).contains(&"never_log_domain"), "{:?}", codes(&d));
        let spam = ReplyPlace {
            folder: "Spam",
            provider: Provider::Gmail,
        };
        let d = judge(&reply("bob@client.example", "sent1@acme.example"), spam).unwrap();
        assert_eq!(codes(&d), ["spam_folder"]);

        // R11 by tracking id, for a thread whose Message-ID is not known.
        let quoted = "From: bob@client.example\r\nTo: anna@acme.example\r\nSubject: Re\r\n\
Content-Type: text/html\r\n\r\n<p>Yes</p><blockquote><span data-crmlog-id=\"crml-5knz5jl7dedbbq6rwxvrobvw5m\" hidden></span></blockquote>\r\n";
        assert!(judge(quoted, inbox).unwrap().logged);

        // The user's own message (an alias) is no reply to judge.
        assert_eq!(
            judge(&reply("anna.k@acme.example", "sent1@acme.example"), inbox),
            None
        );
    }

    #[test]
    fn the_page_location_gives_folder_and_provider_and_the_title_the_user() {
        assert_eq!(
            place_of("/mail/u/0/#inbox/FMfcg"),
            ("INBOX", Provider::Gmail)
        );
        assert_eq!(place_of("/mail/u/1/#sent/185"), ("INBOX", Provider::Gmail));
        assert_eq!(place_of("/mail/u/0/#spam/185"), ("Spam", Provider::Gmail));
        assert_eq!(
            place_of("/mail/junkemail/id/AAQk"),
            ("Spam", Provider::Office365)
        );
        assert_eq!(
            place_of("/mail/0/deleteditems/id/AAQk"),
            ("Trash", Provider::Office365)
        );
        assert_eq!(place_of(""), ("INBOX", Provider::Office365));
        assert_eq!(
            user_address("Inbox (3) - Anna@Acme.example - Gmail").as_deref(),
            Some("anna@acme.example")
        );
        assert_eq!(user_address("Anna K"), None);
    }
}
