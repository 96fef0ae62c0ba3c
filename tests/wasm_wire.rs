//! The content script writes its messages by hand (no serde, size budget);
//! the worker reads them with serde. This checks that both agree, field by
//! field. Runs under node: `cargo test --target wasm32-unknown-unknown
//! --features content,worker --test wasm_wire`.
#![cfg(all(target_arch = "wasm32", feature = "content", feature = "worker"))]
#![allow(clippy::unwrap_used)]

use crmlog::bindings::wire;
use crmlog::crm::compose::ComposeSnapshot;
use crmlog::crm::messages::{LogState, Status, ToWorker};
use wasm_bindgen_test::wasm_bindgen_test;

fn snapshot() -> ComposeSnapshot {
    ComposeSnapshot {
        tracking_id: "crml-5knz5jl7dedbbq6rwxvrobvw5m".into(),
        from: "anna@acme.example".into(),
        to: vec!["Bob <bob@client.example>".into(), "typed@x.example".into()],
        cc: vec!["carl@client.example".into()],
        bcc: vec![],
        subject: "Offer ✓".into(),
        html: "<p>Hi</p><span data-crmlog-id=\"crml-5knz5jl7dedbbq6rwxvrobvw5m\" hidden></span>"
            .into(),
        text: "Hi".into(),
        sent_at: "2026-11-23T10:00:00.000Z".into(),
    }
}

#[wasm_bindgen_test]
fn log_message_reads_back_as_the_same_snapshot() {
    let js = wire::log_message(&snapshot(), None).unwrap();
    let back: ToWorker = serde_wasm_bindgen::from_value(js).unwrap();
    assert_eq!(
        back,
        ToWorker::Log {
            snapshot: snapshot()
        }
    );
}

#[wasm_bindgen_test]
fn status_message_reads_back() {
    let js = wire::status_message("crml-5knz5jl7dedbbq6rwxvrobvw5m").unwrap();
    let back: ToWorker = serde_wasm_bindgen::from_value(js).unwrap();
    assert_eq!(
        back,
        ToWorker::Status {
            tracking_id: "crml-5knz5jl7dedbbq6rwxvrobvw5m".into()
        }
    );
}

#[wasm_bindgen_test]
fn status_replies_written_by_the_worker_are_read() {
    for state in [
        LogState::Queued,
        LogState::Logged,
        LogState::Parked,
        LogState::Refused,
        LogState::Loggable,
        LogState::Unknown,
        LogState::SentToBcc,
    ] {
        let status = Status {
            state,
            email_id: Some("42".into()),
            error: (state == LogState::Parked).then(|| "the CRM answered 400".to_string()),
            reasons: if state == LogState::Refused {
                vec!["never_log_domain".into(), "internal_recipient".into()]
            } else {
                vec![]
            },
            tracking_id: if state == LogState::Logged {
                "crml-5knz5jl7dedbbq6rwxvrobvw5m".into()
            } else {
                String::new()
            },
            link: (state == LogState::Logged).then(|| "http://127.0.0.1:1/#contact-7".to_string()),
        };
        let js = crmlog::bindings::to_js(&status).unwrap();
        assert_eq!(wire::status_reply(&js), Some(status));
    }
    assert_eq!(wire::status_reply(&wasm_bindgen::JsValue::NULL), None);
}

#[wasm_bindgen_test]
fn check_and_defaults_messages_read_back() {
    let js = wire::check_message(&snapshot()).unwrap();
    let back: ToWorker = serde_wasm_bindgen::from_value(js).unwrap();
    assert_eq!(
        back,
        ToWorker::Check {
            snapshot: snapshot()
        }
    );
    let js = wire::defaults_message().unwrap();
    let back: ToWorker = serde_wasm_bindgen::from_value(js).unwrap();
    assert_eq!(back, ToWorker::ComposeDefaults);
}

#[wasm_bindgen_test]
fn check_and_defaults_replies_written_by_the_worker_are_read() {
    use crmlog::crm::messages::ComposeDefaults;
    use crmlog::crm::plan::RecipientCheck;
    use crmlog::policy::{Code, Excluded};
    let check = RecipientCheck {
        excluded: vec![
            Excluded {
                address: "ceo@client.example".into(),
                reason: Code::NeverLogAddress,
            },
            Excluded {
                address: "anna.k@acme.example".into(),
                reason: Code::InternalRecipient,
            },
        ],
        recipients: 2,
        none_logged: true,
        bcc: None,
        bcc_refused: true,
    };
    let js = crmlog::bindings::to_js(&check).unwrap();
    assert_eq!(
        wire::check_reply(&js).unwrap(),
        wire::Check {
            excluded: vec![
                ("ceo@client.example".into(), "never_log_address".into()),
                ("anna.k@acme.example".into(), "internal_recipient".into()),
            ],
            none_logged: true,
            bcc: None,
            bcc_refused: true,
        }
    );
    // The BCC carrier allowed: the plus-address comes through as written.
    let allowed = RecipientCheck {
        bcc: Some("777+crml-5knz5jl7dedbbq6rwxvrobvw5m@bcc.crm.example".into()),
        ..RecipientCheck::default()
    };
    let read = wire::check_reply(&crmlog::bindings::to_js(&allowed).unwrap()).unwrap();
    assert_eq!((read.bcc, read.bcc_refused), (allowed.bcc, false));
    for defaults in [
        ComposeDefaults {
            log: false,
            track: true,
            pixel_base: Some("http://127.0.0.1:8765".into()),
        },
        ComposeDefaults {
            log: true,
            track: false,
            pixel_base: None,
        },
    ] {
        let js = crmlog::bindings::to_js(&defaults).unwrap();
        assert_eq!(wire::defaults_reply(&js).unwrap(), defaults);
    }
}

#[wasm_bindgen_test]
fn message_view_messages_read_back() {
    // "Log this email" with what the page shows; the raw form is added by
    // the download on its way (chrome::fetch_then_send).
    let js = wire::source_message(
        Some(&snapshot()),
        "Inbox - anna@acme.example - Gmail",
        None,
        None,
    )
    .unwrap();
    let back: ToWorker = serde_wasm_bindgen::from_value(js).unwrap();
    assert_eq!(
        back,
        ToWorker::LogRaw {
            raw: String::new(),
            shown: Some(snapshot()),
            user: "Inbox - anna@acme.example - Gmail".into(),
        }
    );
    let js = wire::source_message(
        None,
        "anna@acme.example",
        Some("/mail/u/0/#inbox/1"),
        Some("19ad"),
    )
    .unwrap();
    js_sys::Reflect::set(
        &js,
        &"raw".into(),
        &"From: bob@client.example\r\n\r\nHi".into(),
    )
    .unwrap();
    let back: ToWorker = serde_wasm_bindgen::from_value(js).unwrap();
    assert_eq!(
        back,
        ToWorker::Reply {
            raw: "From: bob@client.example\r\n\r\nHi".into(),
            shown: None,
            user: "anna@acme.example".into(),
            place: "/mail/u/0/#inbox/1".into(),
            thread: "19ad".into(),
        }
    );
    let js = wire::row_status_message("19ad").unwrap();
    let back: ToWorker = serde_wasm_bindgen::from_value(js).unwrap();
    assert_eq!(
        back,
        ToWorker::RowStatus {
            thread: "19ad".into()
        }
    );
}
