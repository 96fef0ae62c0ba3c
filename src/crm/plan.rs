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
use crate::policy::{Account, Decision, Event, Excluded, Outgoing, User, decide};
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
}

/// Decides `request` (Log on) and strips what may not leave.
pub fn plan_outgoing(request: LogRequest, side: &SenderSide) -> Result<Plan, String> {
    let account = Account {
        users: vec![User {
            id: ME.into(),
            email: normalize(&request.from.address),
            aliases: side.aliases.iter().map(|a| normalize(a)).collect(),
            email_access: true,
            inboxes: Vec::new(),
        }],
        never_log: side.never_log.clone(),
        ..Account::default()
    };
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
}

/// Checks a compose's recipients as they are now, with the same rules as
/// Send ([`plan_outgoing`]); the body is not needed for this.
pub fn check_recipients(snapshot: &ComposeSnapshot, side: &SenderSide) -> RecipientCheck {
    let mut seen = BTreeSet::new();
    let to = parties(&snapshot.to, &mut seen);
    let cc = parties(&snapshot.cc, &mut seen);
    let bcc = parties(&snapshot.bcc, &mut seen);
    let recipients = seen.len();
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
    };
    match plan_outgoing(request, side) {
        Ok(plan) => RecipientCheck {
            none_logged: plan.decision.excluded.len() >= recipients,
            excluded: plan.decision.excluded,
            recipients,
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
        }
    }

    #[test]
    fn excluded_addresses_leave_the_request() {
        let side = SenderSide {
            aliases: vec!["anna.k@acme.example".into()],
            never_log: vec!["ceo@client.example".into(), "rival.example".into()],
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
}
