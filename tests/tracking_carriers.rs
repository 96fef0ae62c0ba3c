//! Tracking ids (spec/tracking.md): embed-then-find for every carrier and
//! every combination, disagreement, and the id generator.
// Native only: reads fixtures from disk (and runs processes, proptest).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use crmlog::tracking::{self, Carrier, Finding, TrackingId};
use proptest::prelude::*;
use std::collections::HashSet;

const ALL: [Carrier; 4] = [
    Carrier::Header,
    Carrier::BodyMarker,
    Carrier::Pixel,
    Carrier::BccAddress,
];

/// Quoted-printable, as a mail client would send an HTML body: `=` and
/// non-ASCII escaped, soft line breaks every 70 characters.
fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for b in text.bytes() {
        let piece = if b == b'=' || !(32..127).contains(&b) {
            format!("={b:02X}")
        } else {
            (b as char).to_string()
        };
        if line + piece.len() > 70 {
            out.push_str("=\r\n");
            line = 0;
        }
        line += piece.len();
        out.push_str(&piece);
    }
    out
}

/// A sent message with the id in the chosen carriers, the ids of `other`
/// (if any) in the others.
fn message(
    carriers: &[(Carrier, TrackingId)],
    body: &str,
    qp: bool,
    crlf: bool,
    pixel_base: &str,
) -> Vec<u8> {
    let mut head = vec!["From: Ann <ann@example.com>".to_owned()];
    let mut to = "To: bob@example.org".to_owned();
    let mut html = format!("<html><body><p>{body}</p></body></html>");
    for (carrier, id) in carriers {
        match carrier {
            Carrier::Header => head.push(tracking::header_field(id)),
            Carrier::BodyMarker => html = tracking::embed_body_marker(&html, id),
            Carrier::Pixel => html = tracking::embed_pixel(&html, pixel_base, id),
            Carrier::BccAddress => {
                let bcc = tracking::bcc_address("log@bcc.example.net", id).unwrap();
                to.push_str(&format!("\r\nBcc: {bcc}"));
            }
        }
    }
    head.push(to);
    head.push("Subject: hello".to_owned());
    head.push("MIME-Version: 1.0".to_owned());
    head.push("Content-Type: text/html; charset=utf-8".to_owned());
    let body = if qp {
        head.push("Content-Transfer-Encoding: quoted-printable".to_owned());
        quoted_printable(&html)
    } else {
        html
    };
    let raw = format!("{}\r\n\r\n{body}\r\n", head.join("\r\n"));
    let raw = if crlf { raw } else { raw.replace("\r\n", "\n") };
    raw.into_bytes()
}

fn carriers_strategy() -> impl Strategy<Value = Vec<Carrier>> {
    proptest::sample::subsequence(ALL.to_vec(), 1..=4)
}

proptest! {
    #[test]
    fn embed_then_find_returns_the_id(
        bytes in any::<[u8; 16]>(),
        carriers in carriers_strategy(),
        body in "[ -~\u{e0}-\u{ff}]{0,200}",
        qp in any::<bool>(),
        crlf in any::<bool>(),
        base in prop_oneof![Just("https://crm.example/t"), Just("https://x.example/p/q/")],
    ) {
        let id = TrackingId::from_bytes(bytes);
        let with: Vec<(Carrier, TrackingId)> = carriers.iter().map(|c| (*c, id.clone())).collect();
        let raw = message(&with, &body.replace('<', "&lt;"), qp, crlf, base);
        match tracking::find_raw(&raw) {
            Finding::Found { id: got, carriers: found } => {
                prop_assert_eq!(got, id);
                let mut want = carriers.clone();
                want.sort();
                prop_assert_eq!(found, want);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn conflicting_carriers_give_none_and_a_warning(
        a in any::<[u8; 16]>(),
        b in any::<[u8; 16]>(),
        carriers in proptest::sample::subsequence(ALL.to_vec(), 2..=4),
        qp in any::<bool>(),
    ) {
        let (a, b) = (TrackingId::from_bytes(a), TrackingId::from_bytes(b));
        prop_assume!(a != b);
        // The first carrier gets the odd id out; the rest agree.
        let with: Vec<(Carrier, TrackingId)> = carriers
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, if i == 0 { b.clone() } else { a.clone() }))
            .collect();
        let finding = tracking::find_raw(&message(&with, "hi", qp, true, "https://crm.example"));
        prop_assert_eq!(finding.id(), None);
        let is_conflict = matches!(finding, Finding::Conflict { .. });
        prop_assert!(is_conflict);
        let warning = finding.warning().unwrap();
        prop_assert!(warning.contains(a.as_str()) && warning.contains(b.as_str()));
    }
}

#[test]
fn a_message_without_carriers_has_no_id() {
    let raw = message(&[], "plain", false, true, "https://crm.example");
    assert_eq!(tracking::find_raw(&raw), Finding::None);
}

#[test]
fn a_million_generated_ids_are_distinct_and_well_formed() {
    let n = 1_000_000;
    let mut seen: HashSet<[u8; 31]> = HashSet::with_capacity(n);
    for _ in 0..n {
        let id = TrackingId::generate().unwrap();
        let s = id.as_str().as_bytes();
        assert_eq!(s.len(), 31);
        assert!(s.starts_with(b"crml-"));
        assert!(
            s[5..]
                .iter()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(b))
        );
        // The last character holds 3 bits and 2 zero pad bits.
        assert_eq!(TrackingId::parse(id.as_str()).unwrap(), id);
        assert!(seen.insert(s.try_into().unwrap()), "collision");
    }
    assert_eq!(seen.len(), n);
}
