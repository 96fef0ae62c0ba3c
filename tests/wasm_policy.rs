//! The case table (tests/fixtures/cases) through the WebAssembly build:
//! the exported `decide` and `decideJson` must give, byte for byte, the
//! JSON the native build printed (the golden files). Runs in node:
//! `cargo test --target wasm32-unknown-unknown --features worker --test wasm_policy`.
#![cfg(all(target_arch = "wasm32", feature = "worker"))]
#![allow(clippy::unwrap_used)]

#[path = "policy_harness/mod.rs"]
mod harness;

use crmlog::bindings::policy::{JsNeverLogList, PolicyEngine, decide, decide_json};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
fn every_case_gives_the_native_bytes() {
    let mut n = 0;
    for (group, text, golden) in harness::GROUPS {
        let cases = harness::cases(group, text);
        let golden: Vec<&str> = golden.lines().collect();
        assert_eq!(
            cases.len(),
            golden.len(),
            "{group}: golden file out of step"
        );
        for (case, want) in cases.iter().zip(golden) {
            // decideJson: Rust's JSON text, produced inside wasm.
            let got = decide_json(&case.account, &case.event)
                .unwrap_or_else(|_| panic!("{}: decideJson failed", case.id));
            assert_eq!(got, want, "{}", case.id);
            // decide: a JavaScript object; JSON.stringify must agree too.
            let object = decide(parse(&case.account), parse(&case.event))
                .unwrap_or_else(|_| panic!("{}: decide failed", case.id));
            let text: String = js_sys::JSON::stringify(&object).unwrap().into();
            assert_eq!(text, want, "{}", case.id);
            n += 1;
        }
    }
    assert!(n > 0, "no cases");
}

#[wasm_bindgen_test]
fn a_prepared_engine_decides_like_decide() {
    let (group, text, golden) = harness::GROUPS[1];
    let cases = harness::cases(group, text);
    let base = serde_json::from_str::<serde_json::Value>(harness::ACCOUNT)
        .unwrap()
        .to_string();
    let engine = PolicyEngine::new(parse(harness::ACCOUNT)).unwrap();
    let mut n = 0;
    for (case, want) in cases.iter().zip(golden.lines()) {
        // Only the cases on the base account (no "with").
        if case.account == base {
            assert_eq!(
                engine.decide_json(&case.event).unwrap(),
                want,
                "{}",
                case.id
            );
            n += 1;
        }
    }
    assert!(n > 0);
}

#[wasm_bindgen_test]
fn never_log_list_built_once_checked_many_times() {
    let entries = vec![
        "client.example".to_string(),
        "*.press.example".into(),
        "bob@other.example".into(),
    ];
    let list = JsNeverLogList::new(entries).unwrap();
    assert_eq!(list.length(), 3);
    assert!(list.is_excluded("Bob+x@Other.example"));
    assert!(!list.is_excluded("a@press.example"));
    let answer: String = js_sys::JSON::stringify(&list.check("a@eu.press.example").unwrap())
        .unwrap()
        .into();
    assert_eq!(
        answer,
        r#"{"address":"a@eu.press.example","excluded":true,"entry":"*.press.example","line":2,"reason":"never_log_domain"}"#
    );
    assert!(JsNeverLogList::new(vec!["ok.example".into(), "bob@".into()]).is_err());
}

#[wasm_bindgen_test]
fn bad_input_is_an_error_not_a_panic() {
    let account = parse(harness::ACCOUNT);
    assert!(
        decide(
            account.clone(),
            parse(r#"{"kind":"outgoing","log":true,"user":"nobody"}"#)
        )
        .is_err()
    );
    assert!(
        decide(
            account.clone(),
            parse(r#"{"kind":"forward","raw_file":"x.eml"}"#)
        )
        .is_err()
    );
    assert!(
        decide(
            account,
            parse(r#"{"kind":"outgoing","log":true,"user":"u1","colour":1}"#)
        )
        .is_err()
    );
}
