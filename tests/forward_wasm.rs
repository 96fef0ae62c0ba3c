//! The service worker's forward exports return the same result as the
//! native parser, as plain JavaScript objects (and as JSON text). Runs under
//! node: `cargo test --target wasm32-unknown-unknown --features worker
//! --test forward_wasm`. The fixtures are compiled in, since WebAssembly
//! tests cannot read files.
#![cfg(all(target_arch = "wasm32", feature = "worker"))]
#![allow(clippy::unwrap_used)]

use crmlog::bindings::forward::{parse_forward_html, parse_forward_text, parse_forward_text_json};
use crmlog::mime::forward::{parse_html, parse_text};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const GMAIL: &str = include_str!(
    "fixtures/crisp-oss_email-forward-parser/test/fixtures/gmail_en_body_variant_15.txt"
);
const OUTLOOK: &str = include_str!(
    "fixtures/crisp-oss_email-forward-parser/test/fixtures/new_outlook_2019_de_body.txt"
);
const HTML: &str = include_str!("fixtures/closeio_quotequail/tests/files/outlook_forward.html");

fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value).unwrap().as_string().unwrap()
}

fn native(report: &crmlog::mime::forward::Report) -> String {
    serde_json::to_string(report).unwrap()
}

#[wasm_bindgen_test]
fn text_export_matches_the_native_parser() {
    for (body, subject) in [
        (GMAIL, None),
        (OUTLOOK, Some("WG: Integer consequat non purus")),
    ] {
        let js = parse_forward_text(body, subject.map(str::to_string)).unwrap();
        let want = native(&parse_text(body, subject).report());
        let got: serde_json::Value = serde_json::from_str(&json(&js)).unwrap();
        assert_eq!(
            got,
            serde_json::from_str::<serde_json::Value>(&want).unwrap()
        );
        assert_eq!(got["forwarded"], true);
        let text = parse_forward_text_json(body, subject.map(str::to_string)).unwrap();
        assert_eq!(text, want);
    }
}

#[wasm_bindgen_test]
fn html_export_matches_the_native_parser() {
    let js = parse_forward_html(HTML, None).unwrap();
    let got: serde_json::Value = serde_json::from_str(&json(&js)).unwrap();
    let want: serde_json::Value = serde_json::to_value(parse_html(HTML, None).report()).unwrap();
    assert_eq!(got, want);
    assert_eq!(got["email"]["from"]["name"], "John Doe");
}
