//! The forward parser never panics (panics abort in WebAssembly): random
//! text, random HTML-ish text, and corpus bodies cut at random places or
//! with random bytes spliced in, through every entry point.
#![allow(clippy::unwrap_used)]
// Reads fixtures from disk: native only.
#![cfg(not(target_arch = "wasm32"))]

use crmlog::mime::forward::{parse_html, parse_message, parse_text};
use crmlog::mime::html::to_text;
use proptest::prelude::*;

const DIR: &str = "tests/fixtures/crisp-oss_email-forward-parser/test/fixtures";

fn bodies() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    assert!(!out.is_empty());
    out
}

/// Pieces that steer random text into the parser's branches.
const PIECES: &[&str] = &[
    "\n",
    "\r\n",
    "> ",
    ">",
    "From: ",
    "Von: ",
    "To: ",
    "Cc: ",
    "Date: ",
    "Subject: ",
    "Sent: ",
    "<a@b.c>",
    "a@b.c",
    "\"x\" ",
    "[mailto:a@b.c]",
    "---------- Forwarded message ---------",
    "-----Original Message-----",
    "________________________________",
    "Begin forwarded message:",
    " wrote:",
    "On ",
    ", ",
    "; ",
    "27/10/2021 ",
    "9:31 ",
    "PM ",
    "GMT+1",
    "年",
    "月",
    "日",
    "：",
    "\u{feff}",
    "\u{a0}",
    "\t",
    "<div>",
    "</div>",
    "<br>",
    "<blockquote>",
    "&amp;",
    "&#x1F600;",
    "<hr>",
    "<a href=\"mailto:x@y.z\">",
    "</a>",
    "é",
    "Ж",
    "*",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_text(s in ".{0,400}", subject in proptest::option::of(".{0,20}")) {
        let _ = parse_text(&s, subject.as_deref());
        let _ = parse_html(&s, subject.as_deref());
    }

    #[test]
    fn random_pieces(parts in proptest::collection::vec(0..PIECES.len(), 0..80), fwd in any::<bool>()) {
        let text: String = parts.iter().map(|&i| PIECES[i]).collect();
        let subject = fwd.then_some("Fwd: x");
        let _ = parse_text(&text, subject);
        let _ = parse_html(&text, subject);
        let _ = to_text(&text);
    }

    #[test]
    fn mutated_corpus(index in 0usize..1000, cut in 0usize..4000, insert in ".{0,8}", fwd in any::<bool>()) {
        let bodies = bodies();
        let body = &bodies[index % bodies.len()];
        let mut at = cut.min(body.len());
        while !body.is_char_boundary(at) {
            at -= 1;
        }
        let mutated = format!("{}{}{}", &body[..at], insert, &body[at..]);
        let subject = fwd.then_some("FW: x");
        let _ = parse_text(&mutated, subject);
        let _ = parse_text(&body[..at], subject);
        let raw = format!("Subject: Fwd: x\r\nContent-Type: text/plain\r\n\r\n{mutated}");
        let _ = parse_message(&crmlog::mime::parse(raw.as_bytes()));
    }
}
