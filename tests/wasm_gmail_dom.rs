//! The Gmail adapter and the in-mail features against the Gmail replica, in
//! headless Chromium (wasm-bindgen-test with chromedriver). The replica's
//! own script builds the compose window, as Gmail does after page load.
//! Run: `cargo test --target wasm32-unknown-unknown --features content --test wasm_gmail_dom`.
#![cfg(all(target_arch = "wasm32", feature = "content"))]
#![allow(clippy::unwrap_used)]

use crmlog::features;
use crmlog::sites::gmail::{Compose, MessageView, selectors};
use crmlog::tracking::TrackingId;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function install(replica) {
  // What the extension runtime provides, recorded instead of sent.
  globalThis.__sent = [];
  globalThis.chrome = {
    i18n: { getMessage: (key) => ({ logToggle: 'Log' })[key] || '' },
    runtime: {
      lastError: undefined,
      sendMessage: (message, callback) => {
        globalThis.__sent.push(message);
        if (callback) setTimeout(() => callback({ state: 'queued' }), 0);
      },
    },
  };
  if (!document.getElementById('app')) {
    document.body.insertAdjacentHTML('beforeend',
      '<div id="app"><div gh="cm" role="button">Compose</div><div role="main" id="main"></div>' +
      '<div class="dw"><div class="nH"><div class="nH"><div class="no" id="compose-area"></div></div></div></div>' +
      '<div id="toast"></div></div>');
    new Function(replica)();
    document.dispatchEvent(new Event('DOMContentLoaded'));
  }
}
export function sent() { return globalThis.__sent.splice(0); }
export function type_recipient(input, text) {
  input.value = text;
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
}
"#)]
extern "C" {
    fn install(replica: &str);
    fn sent() -> js_sys::Array;
    fn type_recipient(input: &Element, text: &str);
}

const REPLICA: &str = include_str!("fixtures/sites/gmail/gmail.js");

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn q(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} not found"))
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

/// Opens a compose window through the replica and returns it.
fn open_compose() -> Compose {
    install(REPLICA);
    let body = doc().body().unwrap();
    let before = Compose::find(&body).len();
    q(&body, "[gh=cm]")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    let composes = Compose::find(&body);
    assert_eq!(composes.len(), before + 1, "one more compose after Compose");
    composes.into_iter().last().unwrap()
}

async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
fn every_selector_matches_the_replica_the_expected_number_of_times() {
    let compose = open_compose();
    let root = &compose.root;
    // The first (role/aria) form of each list matches exactly once in a
    // compose; the fallbacks match the same element.
    for list in [
        selectors::FROM,
        selectors::SUBJECT,
        selectors::BODY,
        selectors::SEND,
    ] {
        assert_eq!(count(root, list[0]), 1, "{}", list[0]);
        let first = q(root, list[0]);
        for fallback in &list[1..] {
            assert_eq!(count(root, fallback), 1, "{fallback}");
            assert!(
                q(root, fallback).is_same_node(Some(&first)),
                "{fallback} finds another element"
            );
        }
    }
    for (_, field) in selectors::RECIPIENT_FIELDS {
        assert_eq!(count(root, field), 1, "{field}");
        assert_eq!(count(&q(root, field), selectors::RECIPIENT_INPUT), 1);
    }
    assert_eq!(count(root, selectors::CHIP), 0);
    assert_eq!(count(root, selectors::COMPOSE_FORM), 1);
}

#[wasm_bindgen_test]
fn toggle_marker_and_snapshot() {
    let compose = open_compose();
    features::log_toggle::attach(&compose).unwrap();
    // Attaching twice adds nothing.
    features::log_toggle::attach(&compose).unwrap();
    assert_eq!(
        count(&compose.root, features::log_toggle::TOGGLE_SELECTOR),
        1
    );
    let toggle = features::log_toggle::toggle_of(&compose).unwrap();
    assert_eq!(
        toggle.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(toggle.text_content().as_deref(), Some("Log"));
    // Beside Send: the toggle follows the element that wraps the button.
    let send = compose.send_button().unwrap();
    assert!(
        toggle
            .previous_element_sibling()
            .unwrap()
            .contains(Some(&send))
    );

    let body = compose.body().unwrap();
    let marker = q(&body, selectors::TRACKING_MARKER);
    let id = marker.get_attribute("data-crmlog-id").unwrap();
    assert!(TrackingId::parse(&id).is_ok(), "{id}");
    assert!(marker.has_attribute("hidden"));

    features::log_toggle::flip(&compose).unwrap();
    assert_eq!(
        toggle.get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    assert_eq!(
        count(&body, selectors::TRACKING_MARKER),
        0,
        "Log off removes the marker"
    );
    features::log_toggle::flip(&compose).unwrap();
    assert_eq!(
        q(&body, selectors::TRACKING_MARKER).get_attribute("data-crmlog-id"),
        Some(id.clone()),
        "switching back on keeps the id"
    );

    let to = q(&compose.root, "div[name=to] input[role=combobox]");
    type_recipient(&to, "Bob Jones <Bob@Client.example>");
    to.dyn_ref::<web_sys::HtmlInputElement>()
        .unwrap()
        .set_value("typed@client.example");
    let snapshot = compose.snapshot(&id, "2026-11-23T10:00:00.000Z").unwrap();
    assert_eq!(snapshot.from, "anna@acme.example");
    assert_eq!(
        snapshot.to,
        ["Bob Jones <Bob@Client.example>", "typed@client.example"]
    );
    assert!(snapshot.cc.is_empty() && snapshot.bcc.is_empty());
    assert!(snapshot.html.contains("data-crmlog-id"));
}

#[wasm_bindgen_test]
async fn send_hands_the_compose_to_the_worker_and_the_sent_view_gets_a_badge() {
    crmlog::bindings::content::start().unwrap();
    let compose = open_compose();
    tick().await; // the observer injects the toggle
    let id = compose
        .root
        .get_attribute(features::log_toggle::TRACKING_ATTR)
        .expect("the observer attached the toggle");
    type_recipient(
        &q(&compose.root, "div[name=to] input[role=combobox]"),
        "bob@client.example",
    );
    q(&compose.root, "input[name=subjectbox]")
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap()
        .set_value("Offer");
    sent();
    compose
        .send_button()
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    let messages = sent();
    assert_eq!(messages.length(), 1, "one message to the worker");
    let message = messages.get(0);
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap();
    assert_eq!(get(&message, "kind").as_string().as_deref(), Some("log"));
    let snapshot = get(&message, "snapshot");
    assert_eq!(get(&snapshot, "tracking_id").as_string(), Some(id.clone()));
    assert_eq!(
        get(&snapshot, "subject").as_string().as_deref(),
        Some("Offer")
    );
    // The body's HTML as the page has it, marker included.
    let html = get(&snapshot, "html").as_string().unwrap();
    assert!(html.contains(&format!("data-crmlog-id=\"{id}\"")), "{html}");

    // The replica opened the sent message; the badge asks for its status.
    tick().await;
    let body = doc().body().unwrap();
    let views = MessageView::find(&body);
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].tracking_id(), Some(id.clone()));
    assert_eq!(count(&views[0].root, ".crmlog-badge"), 1);
    // The thread view (`.a98.iY`) holds our logged email and its subject
    // the thread's id; the message is read from Gmail's original by its
    // legacy id.
    assert_eq!(count(&body, selectors::THREAD), 1);
    assert_eq!(count(&body, selectors::THREAD_SUBJECT), 1);
    assert!(views[0].thread_key().is_some());
    assert!(views[0].in_logged_thread());
    assert!(views[0].reads_original());
    let Ok(Ok(url)) = views[0].source() else {
        panic!("Gmail's original message")
    };
    let legacy = views[0]
        .root
        .get_attribute("data-legacy-message-id")
        .unwrap();
    assert!(
        url.contains(&format!("?view=att&th={legacy}&attid=0")),
        "{url}"
    );
    assert_eq!(
        count(&views[0].root, features::message_actions::BUTTON_SELECTOR),
        1
    );
    let asked = sent();
    assert!(
        (0..asked.length())
            .any(|i| get(&asked.get(i), "kind").as_string().as_deref() == Some("status")),
        "the badge asked the worker"
    );
    assert_eq!(
        q(&views[0].root, ".crmlog-badge")
            .get_attribute("data-state")
            .as_deref(),
        Some("queued")
    );
}

#[wasm_bindgen_test]
async fn inline_reply_is_a_compose_with_the_thread_subject() {
    install(REPLICA);
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#inbox/1850000000000000001")
        .unwrap();
    tick().await; // hashchange renders the thread
    let body = doc().body().unwrap();
    let message = q(&body, "div.adn[data-message-id]");
    let before = Compose::find(&body).len();
    q(&message, "div[role=button][aria-label=Reply]")
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    let composes = Compose::find(&message);
    assert_eq!(composes.len(), 1, "the inline reply is a compose");
    assert_eq!(Compose::find(&body).len(), before + 1);
    let compose = &composes[0];
    assert!(compose.root.get_attribute("role").is_none(), "not a dialog");
    assert_eq!(count(&compose.root, selectors::SUBJECT[0]), 0);
    assert_eq!(count(&compose.root, selectors::INLINE_SUBJECT), 1);
    assert_eq!(count(&compose.root, selectors::CHIP), 1);
    let send = compose.send_button().unwrap();
    assert!(
        Compose::around(&send)
            .unwrap()
            .root
            .is_same_node(Some(&compose.root))
    );
    let snapshot = compose
        .snapshot("crml-x", "2026-11-23T10:00:00.000Z")
        .unwrap();
    assert_eq!(snapshot.to, ["Bob Jones <bob@client.example>"]);
    assert_eq!(snapshot.subject, "Re: Project kickoff");
    assert_eq!(snapshot.from, "anna@acme.example");
    // The received message itself carries no marker.
    let views = MessageView::find(&message);
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].tracking_id(), None);
}

#[wasm_bindgen_test]
async fn list_rows_give_their_thread_id_and_a_place_for_the_badge() {
    install(REPLICA);
    web_sys::window()
        .unwrap()
        .location()
        .set_hash("#inbox")
        .unwrap();
    tick().await;
    let body = doc().body().unwrap();
    // The inbox lists one thread.
    assert_eq!(count(&body, selectors::LIST_ROW), 1);
    let rows = crmlog::sites::ListRow::find(&body);
    assert_eq!(rows.len(), 1);
    assert_eq!(count(&rows[0].root, selectors::ROW_THREAD), 1);
    for s in selectors::ROW_SUBJECT {
        assert_eq!(count(&rows[0].root, s), 1, "{s}");
    }
    assert!(rows[0].anchor().matches(selectors::ROW_SUBJECT[0]).unwrap());
    // The row's id is the one the thread view carries once opened.
    let key = rows[0].key().expect("the row's thread id");
    rows[0].root.dyn_ref::<HtmlElement>().unwrap().click();
    tick().await;
    let views = MessageView::find(&body);
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].thread_key().as_deref(), Some(key.as_str()));
}

#[wasm_bindgen_test]
fn a_draft_keeps_its_marker_id_and_a_quoted_marker_is_not_ours() {
    // A compose whose body already carries crmlog's marker (a draft popped
    // out or reopened): the id is kept.
    let compose = open_compose();
    let body = compose.body().unwrap();
    let kept = "crml-5knz5jl7dedbbq6rwxvrobvw5m";
    let marker = doc().create_element("span").unwrap();
    marker.set_attribute("data-crmlog-id", kept).unwrap();
    body.append_child(&marker).unwrap();
    features::log_toggle::attach(&compose).unwrap();
    assert_eq!(features::log_toggle::tracking_id(&compose).unwrap(), kept);
    assert_eq!(count(&body, "[data-crmlog-id]"), 1, "no second marker");

    // A reply whose body holds the quoted original with its marker: the
    // reply gets an id and a marker of its own.
    let reply = open_compose();
    let body = reply.body().unwrap();
    let quote = doc().create_element("blockquote").unwrap();
    let quoted = doc().create_element("span").unwrap();
    quoted.set_attribute("data-crmlog-id", kept).unwrap();
    quote.append_child(&quoted).unwrap();
    body.append_child(&quote).unwrap();
    features::log_toggle::attach(&reply).unwrap();
    let own = features::log_toggle::tracking_id(&reply).unwrap();
    assert_ne!(own, kept);
    assert_eq!(count(&body, ":scope > [data-crmlog-id]"), 1);
    assert_eq!(count(&body, "[data-crmlog-id]"), 2);
}

#[wasm_bindgen_test]
fn the_bcc_carrier_is_typed_into_bcc_and_taken_out_with_the_chips_control() {
    let compose = open_compose();
    let root = &compose.root;
    // The replica always shows Bcc: nothing to open.
    assert_eq!(count(root, selectors::BCC_OPEN[0]), 0);
    let focused = doc().active_element().unwrap();
    let plus = "777+crml-5knz5jl7dedbbq6rwxvrobvw5m@bcc.crm.example";
    assert_eq!(compose.add_bcc(plus), Ok(()));
    let bcc = q(root, "div[name=bcc]");
    assert_eq!(count(&bcc, selectors::CHIP), 1, "the site made its chip");
    let chip = q(&bcc, selectors::CHIP);
    assert_eq!(
        chip.get_attribute("data-hovercard-id").as_deref(),
        Some(plus)
    );
    assert!(
        doc().active_element().unwrap().is_same_node(Some(&focused)),
        "the user's focus stays"
    );
    assert_eq!(
        compose.recipients_snapshot().unwrap().bcc,
        vec![plus.to_string()]
    );
    for s in selectors::CHIP_REMOVE {
        assert_eq!(count(&chip, s), 1, "{s}");
    }
    compose.remove_chip(&chip);
    assert_eq!(count(root, selectors::CHIP), 0);
    assert!(compose.recipients_snapshot().unwrap().bcc.is_empty());
}
