//! The service worker's outbox store over IndexedDB, in headless Chromium:
//! items written are there after the connection is closed and reopened (as
//! after the worker was stopped), replaced by key, and an item left
//! `Sending` by a stopped worker is due again.
//! Run: `cargo test --target wasm32-unknown-unknown --features worker --test wasm_outbox_idb`.
#![cfg(all(target_arch = "wasm32", feature = "worker"))]
#![allow(clippy::unwrap_used)]

use crmlog::bindings::idb::Idb;
use crmlog::crm::log::{LogRequest, Party};
use crmlog::crm::outbox::{Item, ItemState};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn item(n: u8) -> Item {
    let id = crmlog::tracking::TrackingId::from_bytes([n; 16]).to_string();
    Item::new(
        LogRequest {
            tracking_id: id,
            from: Party {
                address: "anna@acme.example".into(),
                name: None,
            },
            to: vec![Party {
                address: "bob@client.example".into(),
                name: Some("Bob".into()),
            }],
            cc: vec![],
            bcc: vec![],
            subject: format!("Email {n}"),
            // A body near the S1 limit: chrome.storage.local would run out
            // of quota after a few of these; IndexedDB does not.
            text: "x".repeat(1_000_000),
            html: String::new(),
            sent_at: "2026-11-23T10:00:00Z".into(),
            direction: Default::default(),
        },
        vec!["bob@client.example".into()],
    )
}

fn to_js(i: &Item) -> wasm_bindgen::JsValue {
    crmlog::bindings::to_js(i).unwrap()
}

#[wasm_bindgen_test]
async fn items_survive_reopening_and_replace_by_key() {
    let name = format!("crmlog-test-{}", js_sys::Math::random());
    let db = Idb::open(&name, "outbox").await.unwrap();
    let mut sending = item(1);
    sending.state = ItemState::Sending;
    for i in [sending.clone(), item(2), item(3)] {
        db.put(i.key(), &to_js(&i)).await.unwrap();
    }
    // The worker stopped: the connection is gone.
    db.close();

    let db = Idb::open(&name, "outbox").await.unwrap();
    let all = db.all().await.unwrap();
    assert_eq!(all.len(), 3);
    let items: Vec<Item> = all
        .into_iter()
        .map(|(k, v)| {
            let item: Item = serde_wasm_bindgen::from_value(v).unwrap();
            assert_eq!(item.key(), k);
            item
        })
        .collect();
    let restored = items.iter().find(|i| i.key() == sending.key()).unwrap();
    assert_eq!(restored, &sending, "read back exactly as written");
    assert!(restored.is_due(0), "an attempt cut short is due again");

    let mut done = item(2);
    done.state = ItemState::Done;
    done.email_id = Some("42".into());
    db.put(done.key(), &to_js(&done)).await.unwrap();
    let back: Item =
        serde_wasm_bindgen::from_value(db.get(done.key()).await.unwrap().unwrap()).unwrap();
    assert_eq!(back.state, ItemState::Done);
    assert_eq!(db.all().await.unwrap().len(), 3, "replaced, not added");
    db.delete(done.key()).await.unwrap();
    assert!(db.get(done.key()).await.unwrap().is_none());
    db.close();
}
