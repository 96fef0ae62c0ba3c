//! Properties of the engine over generated accounts and outgoing events:
//! no never-log address reaches `timeline` or `create_contacts` (N5);
//! `logged == false` means an empty timeline and at least one refusal; two
//! runs print the same bytes. The never-log index is also checked against
//! a naive scan of the list written here from the rule text.
// Native only: it reads files, runs the binary or uses native-only
// dev-dependencies; tests/wasm_policy.rs covers the wasm build.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use crmlog::policy::{
    Account, AttachmentInput, Contact, Engine, Event, Inbox, NeverLogList, Outgoing, Provider, User,
};
use proptest::prelude::*;

const LOCALS: &[&str] = &["bob", "ann", "ceo", "news", "x"];
const DOMAINS: &[&str] = &[
    "client.example",
    "eu.client.example",
    "press.example",
    "a.press.example",
    "rival.example",
    "acme.example",
];

/// A never-log entry as a user might write it.
fn entry() -> impl Strategy<Value = String> {
    let local = prop::sample::select(LOCALS);
    let domain = prop::sample::select(DOMAINS);
    prop_oneof![
        (local, domain.clone()).prop_map(|(l, d)| format!("{l}@{d}")),
        domain.clone().prop_map(str::to_string),
        domain.clone().prop_map(|d| format!("@{d}")),
        domain.prop_map(|d| format!("*.{d}")),
    ]
    .prop_flat_map(|e| (Just(e), any::<bool>(), any::<bool>()))
    .prop_map(|(e, upper, spaced)| {
        let e = if upper { e.to_uppercase() } else { e };
        if spaced { format!("  {e} ") } else { e }
    })
}

/// A recipient as mail might carry it: case, spaces, `+tag`.
fn address() -> impl Strategy<Value = String> {
    (
        prop::sample::select(LOCALS),
        prop::option::of(prop::sample::select(&["news", "x", ""][..])),
        prop::sample::select(DOMAINS),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(l, tag, d, upper, spaced)| {
            let tag = tag.map(|t| format!("+{t}")).unwrap_or_default();
            let a = format!("{l}{tag}@{d}");
            let a = if upper { a.to_uppercase() } else { a };
            if spaced { format!(" {a}\t") } else { a }
        })
}

/// N1–N4, N6 read straight from the rule book, scanning every entry.
fn naive_excluded(entries: &[String], address: &str) -> bool {
    let address = address.trim().to_lowercase();
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let base = local.split('+').next().unwrap_or(local);
    entries.iter().any(|e| {
        let e = e.trim().to_lowercase();
        if let Some(parent) = e.strip_prefix("*.") {
            domain.ends_with(&format!(".{parent}"))
        } else if let Some(d) = e.strip_prefix('@') {
            domain == d
        } else if let Some((el, ed)) = e.split_once('@') {
            ed == domain && (el == local || (!base.is_empty() && el == base))
        } else {
            domain == e
        }
    })
}

fn account() -> impl Strategy<Value = Account> {
    (
        prop::collection::vec(entry(), 0..6),
        prop::collection::vec(address(), 0..6),
        prop::collection::vec(address(), 0..3),
        any::<bool>(),
        prop::collection::vec(any::<bool>(), 6),
    )
        .prop_map(|(never_log, contacts, deleted, gdpr, bases)| Account {
            users: vec![User {
                id: "u1".into(),
                email: "anna@acme.example".into(),
                aliases: vec![],
                email_access: true,
                inboxes: vec![Inbox {
                    address: "anna@acme.example".into(),
                    provider: Provider::Gmail,
                    connected: true,
                }],
            }],
            contacts: {
                let mut seen = std::collections::HashSet::new();
                contacts
                    .into_iter()
                    .zip(bases)
                    .filter(|(c, _)| seen.insert(c.trim().to_lowercase()))
                    .map(|(email, legal_basis)| Contact {
                        email: email.trim().to_string(),
                        legal_basis,
                        company: Some("co".into()),
                        deals: vec![],
                    })
                    .collect()
            },
            never_log,
            deleted: deleted.iter().map(|d| d.trim().to_string()).collect(),
            gdpr,
            ..Account::default()
        })
}

fn outgoing() -> impl Strategy<Value = Outgoing> {
    (
        prop::collection::vec(address(), 0..5),
        prop::collection::vec(address(), 0..3),
        prop::collection::vec(address(), 0..3),
        any::<bool>(),
        0u64..3_000_000,
        prop::collection::vec(0u64..60_000_000, 0..3),
    )
        .prop_map(|(to, cc, bcc, log, body_bytes, sizes)| Outgoing {
            log,
            user: "u1".into(),
            from: Some("anna@acme.example".into()),
            to,
            cc,
            bcc,
            body_bytes,
            attachments: sizes
                .into_iter()
                .enumerate()
                .map(|(i, bytes)| AttachmentInput {
                    name: Some(format!("f{i}")),
                    bytes,
                })
                .collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn index_agrees_with_a_scan(entries in prop::collection::vec(entry(), 0..8), addrs in prop::collection::vec(address(), 1..8)) {
        let list = NeverLogList::from_entries(&entries).unwrap();
        for a in &addrs {
            prop_assert_eq!(list.check(a).is_some(), naive_excluded(&entries, a), "{}", a);
        }
    }

    #[test]
    fn outgoing_decisions_keep_the_rules(account in account(), event in outgoing()) {
        let engine = Engine::new(&account).unwrap();
        let event = Event::Outgoing(event);
        let d = engine.decide(&event).unwrap();

        // N5: no never-log address in timeline or create_contacts.
        for a in d.timeline.iter().chain(&d.create_contacts) {
            prop_assert!(!naive_excluded(&account.never_log, a), "{} is on the never-log list", a);
        }
        // Excluded addresses are not on the timeline.
        for x in &d.excluded {
            prop_assert!(!d.timeline.contains(&x.address));
        }
        if !d.logged {
            prop_assert!(d.timeline.is_empty() && d.create_contacts.is_empty());
            prop_assert!(d.deals.is_empty() && d.companies.is_empty() && d.dropped_attachments.is_empty());
            prop_assert!(d.direction.is_none() && d.attributed_to.is_none());
            prop_assert!(d.reasons.iter().any(|r| !r.code.is_warning()));
        } else {
            prop_assert!(d.reasons.iter().all(|r| r.code.is_warning()));
        }
        // Arrays are sorted and distinct; reasons distinct and by code.
        let sorted = |v: &Vec<String>| v.windows(2).all(|w| w[0] < w[1]);
        prop_assert!(sorted(&d.timeline) && sorted(&d.create_contacts) && sorted(&d.deals));
        prop_assert!(d.reasons.windows(2).all(|w| w[0].code < w[1].code));

        // The same bytes twice, and from an engine built afresh.
        let again = Engine::new(&account).unwrap().decide(&event).unwrap();
        prop_assert_eq!(d.to_json(), engine.decide(&event).unwrap().to_json());
        prop_assert_eq!(d.to_json(), again.to_json());
    }

    #[test]
    fn raw_events_never_panic(raw in prop::collection::vec(any::<u8>(), 0..400), folder in "[A-Za-z/ ]{0,12}") {
        let account = crmlog::policy::account_from_json(
            r#"{"users":[{"id":"u1","email":"anna@acme.example","inboxes":[{"address":"anna@acme.example","provider":"gmail"}]}],
                "logged_threads":[{"message_id":"<a@b>","started_by":"u1","inbox":"anna@acme.example"}]}"#,
        ).unwrap();
        let engine = Engine::new(&account).unwrap();
        let events = [
            Event::Reply(crmlog::policy::Reply { raw: raw.clone(), folder, delivered_to: "anna@acme.example".into() }),
            Event::Bcc(crmlog::policy::Bcc { raw: raw.clone(), extension_user: None }),
            Event::Forward(crmlog::policy::Forward { raw: raw.clone() }),
            Event::Manual(crmlog::policy::Manual { raw, user: "u1".into() }),
        ];
        for e in &events {
            let d = engine.decide(e).unwrap();
            prop_assert!(d.logged || !d.reasons.is_empty());
        }
    }
}
