//! The service worker's mail-reading exports (src/bindings/mime.rs) as
//! JavaScript sees them. Runs under node: `cargo test --target
//! wasm32-unknown-unknown --features worker --test mime_wasm`.
#![cfg(all(target_arch = "wasm32", feature = "worker"))]
#![allow(clippy::unwrap_used)]

use crmlog::bindings::mime as js;
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

const ID: &str = "crml-5knz5jl7dedbbq6rwxvrobvw5m";

fn json(v: wasm_bindgen::JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).unwrap()
}

fn tracked_reply() -> Vec<u8> {
    let html =
        js::tracking_embed_body_marker("<html><body><p>Thanks</p></body></html>", ID).unwrap();
    let html = js::tracking_embed_pixel(&html, "https://crm.example/t", ID).unwrap();
    format!(
        "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.de>\r\nTo: ann@example.com\r\n\
         Bcc: {}\r\n{}\r\nSubject: Re: offer\r\nMessage-ID: <r1@example.de>\r\n\
         In-Reply-To: <o1@example.com>\r\nReferences: <o0@example.com> <o1@example.com>\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n",
        js::tracking_bcc_address("log@bcc.example", ID)
            .unwrap()
            .unwrap(),
        js::tracking_header_field(ID).unwrap(),
    )
    .into_bytes()
}

#[wasm_bindgen_test]
fn parse_message_gives_a_plain_object() {
    let m = json(js::parse_message(&tracked_reply()).unwrap());
    assert_eq!(m["from"][0]["name"], "Jürgen");
    assert_eq!(m["subject"], "Re: offer");
    assert_eq!(m["message_id"], "<r1@example.de>");
    assert_eq!(m["has_html_part"], true);
    assert!(m["text"].is_null());
    assert_eq!(m["headers"][0][0], "From");
}

#[wasm_bindgen_test]
fn tracking_ids_round_trip_through_every_carrier() {
    let fresh = js::tracking_id_new().unwrap();
    assert!(crmlog::tracking::TrackingId::parse(&fresh).is_ok());
    let found = json(js::tracking_id_find(&tracked_reply()).unwrap());
    assert_eq!(found["id"], ID);
    assert_eq!(found["carriers"].as_array().unwrap().len(), 4);
    assert!(found["warning"].is_null());
    assert!(js::tracking_header_field("not-an-id").is_err());
}

#[wasm_bindgen_test]
fn thread_match_uses_headers_only() {
    let raw = tracked_reply();
    let known = vec!["<o0@example.com>".to_owned(), "<other@x>".to_owned()];
    assert_eq!(
        js::thread_match(&raw, known),
        Some("<o0@example.com>".to_owned())
    );
    assert_eq!(js::thread_match(&raw, vec!["<offer@x>".to_owned()]), None);
}
