//! The Outlook on the web adapter and the in-mail features against the
//! Outlook replica, in headless Chromium (wasm-bindgen-test with
//! chromedriver). The replica's own script builds every compose, as Outlook
//! does after page load.
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --features content,worker --test wasm_outlook_dom`.
#![cfg(all(target_arch = "wasm32", feature = "content"))]
#![allow(clippy::unwrap_used)]

use crmlog::features;
use crmlog::sites::outlook::{SITE, selectors};
use crmlog::sites::{self, Compose, MessageView};
use crmlog::tracking::TrackingId;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function install(page, replica, path) {
  // What the extension runtime provides, recorded instead of sent.
  globalThis.__sent = globalThis.__sent || [];
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
  // A fresh replica for each test: the page's body, the path it routes on,
  // no sent mail; then its script, as on page load.
  localStorage.removeItem('replica-outlook-sent');
  history.replaceState(null, '', path);
  const parsed = new DOMParser().parseFromString(page, 'text/html');
  document.getElementById('app')?.remove();
  document.body.append(document.adoptNode(parsed.getElementById('app')));
  new Function(replica)();
  document.dispatchEvent(new Event('DOMContentLoaded'));
}
export function sent() { return globalThis.__sent.splice(0); }
export function type_recipient(well, text) {
  well.focus();
  well.append(document.createTextNode(text));
  well.dispatchEvent(new KeyboardEvent('keydown', { key: ',', bubbles: true, cancelable: true }));
}
export function type_text(el, text) {
  el.append(document.createTextNode(text));
}
"#)]
extern "C" {
    fn install(page: &str, replica: &str, path: &str);
    fn sent() -> js_sys::Array;
    fn type_recipient(well: &Element, text: &str);
    fn type_text(el: &Element, text: &str);
}

const PAGE: &str = include_str!("fixtures/sites/outlook/mail.html");
const REPLICA: &str = include_str!("fixtures/sites/outlook/outlook.js");

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn page() -> Element {
    doc().document_element().unwrap()
}

fn q(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} not found"))
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>().unwrap().click();
}

fn open(path: &str) {
    sites::select(&SITE);
    install(PAGE, REPLICA, path);
}

/// Every form of a fallback list finds the same single element under `root`.
fn one_element(root: &Element, list: &[&str]) -> Element {
    let first = q(root, list[0]);
    for s in list {
        assert_eq!(count(root, s), 1, "{s}");
        assert!(
            q(root, s).is_same_node(Some(&first)),
            "{s} finds another element"
        );
    }
    first
}

/// Opens "New mail" and returns the compose.
fn new_mail() -> Compose {
    open("/mail/");
    let before = Compose::find(&page()).len();
    click(&q(&page(), "#new-mail"));
    let composes = Compose::find(&page());
    assert_eq!(
        composes.len(),
        before + 1,
        "one more compose after New mail"
    );
    composes.into_iter().last().unwrap()
}

/// Opens the received message and replies inline; returns the compose.
fn inline_reply() -> Compose {
    open("/mail/");
    click(&q(&page(), "div[role=option][data-convid]"));
    click(&q(&page(), "[role=menuitem].reply"));
    let composes = Compose::find(&page());
    assert_eq!(composes.len(), 1, "one compose after Reply");
    composes.into_iter().next().unwrap()
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
fn compose_selectors_match_a_new_message_the_expected_number_of_times() {
    let compose = new_mail();
    let root = &compose.root;
    one_element(root, selectors::BODY);
    one_element(root, selectors::SEND);
    one_element(root, selectors::SUBJECT);
    // The sender is in the page header, not in the compose.
    assert_eq!(count(root, selectors::FROM[0]), 0);
    assert_eq!(count(&page(), selectors::FROM[0]), 1);
    // To is shown; Cc and Bcc once their buttons are pressed, in order.
    let [to, cc, bcc] = selectors::RECIPIENT_FIELDS.map(|(_, s)| s);
    assert_eq!(count(root, to[0]), 1);
    assert_eq!((count(root, cc[0]), count(root, bcc[0])), (0, 0));
    assert_eq!(count(root, selectors::RECIPIENT_ANY), 1);
    click(&q(root, ".fui-Input button.bccToggle"));
    click(&q(root, ".fui-Input button.ccToggle"));
    let any = root.query_selector_all(selectors::RECIPIENT_ANY).unwrap();
    assert_eq!(any.length(), 3);
    for (i, list) in [to, cc, bcc].iter().enumerate() {
        assert!(
            q(root, list[0]).is_same_node(any.item(i as u32).as_ref()),
            "{} is field {i} in order",
            list[0]
        );
    }
    // Typing an address and a comma makes a chip with the text.
    let to_field = q(root, to[0]);
    assert_eq!(count(&to_field, selectors::CHIP), 0);
    type_recipient(&to_field, "Bob Jones <bob@client.example>");
    type_recipient(&to_field, "carl@client.example");
    assert_eq!(count(&to_field, selectors::CHIP), 2);
    for s in selectors::CHIP_TEXT {
        assert_eq!(count(&to_field, s), 2, "{s}");
    }
    // The page around it.
    one_element(&page(), selectors::MESSAGE_LIST);
    // The reading pane's main, then the containers around it (TG, WD).
    let pane = q(&page(), selectors::READING_PANE[0]);
    for s in selectors::READING_PANE {
        assert_eq!(count(&page(), s), 1, "{s}");
        assert!(q(&page(), s).contains(Some(&pane)), "{s}");
    }
    assert!(pane.contains(Some(root)));
    assert_eq!(count(&page(), selectors::POPOUT), 0);
    // The inbox holds one message.
    for s in selectors::LIST_ROW {
        assert_eq!(count(&page(), s), 1, "{s}");
    }
    // The compose's editor is no message body.
    for s in selectors::MESSAGE_BODY {
        assert_eq!(count(&page(), s), 0, "{s}");
    }
}

#[wasm_bindgen_test]
fn snapshot_of_a_new_message() {
    let compose = new_mail();
    let root = &compose.root;
    click(&q(root, ".fui-Input button.ccToggle"));
    let to = q(root, "div[aria-label=To]");
    type_recipient(&to, "Bob Jones <Bob@Client.example>");
    // Typed but not yet a chip: sent by Outlook too.
    type_text(&to, "typed@client.example");
    type_recipient(&q(root, "div[aria-label=Cc]"), "carl@client.example");
    q(root, selectors::SUBJECT[0])
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap()
        .set_value("Offer");
    type_text(&compose.body().unwrap(), "Hello Bob");
    let snapshot = compose
        .snapshot("crml-x", "2026-11-23T10:00:00.000Z")
        .unwrap();
    assert_eq!(snapshot.from, "anna@acme.example");
    assert_eq!(
        snapshot.to,
        ["Bob Jones <Bob@Client.example>", "typed@client.example"]
    );
    assert_eq!(snapshot.cc, ["carl@client.example"]);
    assert!(snapshot.bcc.is_empty());
    assert_eq!(snapshot.subject, "Offer");
    assert_eq!(snapshot.html, "Hello Bob");
    // Around: inside the compose, the compose; outside, none.
    let around = Compose::around(&compose.send_button().unwrap()).unwrap();
    assert!(around.root.is_same_node(Some(root)));
    assert!(Compose::around(&q(&page(), "#new-mail")).is_none());
}

#[wasm_bindgen_test]
fn inline_reply_is_a_compose_of_its_own_inside_the_conversation() {
    let compose = inline_reply();
    let message_body = q(&page(), selectors::MESSAGE_BODY[0]);
    assert!(!compose.root.contains(Some(&message_body)));
    assert!(q(&page(), selectors::READING_PANE[0]).contains(Some(&compose.root)));
    // No subject field: the conversation's subject is used.
    for s in selectors::SUBJECT {
        assert_eq!(count(&compose.root, s), 0, "{s}");
    }
    one_element(&page(), selectors::SUBJECT_IN_PAGE);
    one_element(&compose.root, selectors::SEND);
    let snapshot = compose
        .snapshot("crml-x", "2026-11-23T10:00:00.000Z")
        .unwrap();
    assert_eq!(snapshot.to, ["Bob Jones <bob@client.example>"]);
    assert_eq!(snapshot.subject, "Project kickoff");
    // A click in the message above is not in the compose.
    assert!(Compose::around(&message_body).is_none());
    let inside = Compose::around(&compose.body().unwrap()).unwrap();
    assert!(inside.root.is_same_node(Some(&compose.root)));
    // The received message is a message view without our marker.
    let views = MessageView::find(&page());
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].tracking_id(), None);
    assert!(views[0].root.contains(Some(&message_body)));
    assert!(!views[0].root.contains(Some(&compose.root)));
    let anchor = views[0].badge_anchor().unwrap();
    assert!(anchor.text_content().unwrap().starts_with("From: "));
}

#[wasm_bindgen_test]
fn pop_out_window_is_a_compose() {
    open("/mail/deeplink/compose?to=bob%40client.example&subject=RE%3A+Hi&body=Draft");
    let popout = q(&page(), selectors::POPOUT);
    let composes = Compose::find(&page());
    assert_eq!(composes.len(), 1);
    let compose = &composes[0];
    assert!(popout.contains(Some(&compose.root)));
    one_element(&compose.root, selectors::BODY);
    one_element(&compose.root, selectors::SEND);
    one_element(&compose.root, selectors::SUBJECT);
    let snapshot = compose
        .snapshot("crml-x", "2026-11-23T10:00:00.000Z")
        .unwrap();
    assert_eq!(snapshot.to, ["bob@client.example"]);
    assert_eq!(snapshot.subject, "RE: Hi");
    assert_eq!(snapshot.from, "anna@acme.example");
}

#[wasm_bindgen_test]
fn toggle_and_marker_in_an_outlook_compose() {
    let compose = inline_reply();
    features::log_toggle::attach(&compose).unwrap();
    features::log_toggle::attach(&compose).unwrap();
    assert_eq!(
        count(&compose.root, features::log_toggle::TOGGLE_SELECTOR),
        1
    );
    let toggle = features::log_toggle::toggle_of(&compose).unwrap();
    let send = compose.send_button().unwrap();
    assert!(
        toggle
            .previous_element_sibling()
            .unwrap()
            .contains(Some(&send)),
        "beside Send"
    );
    let marker = q(&compose.body().unwrap(), selectors::TRACKING_MARKER);
    let id = marker.get_attribute("data-crmlog-id").unwrap();
    assert!(TrackingId::parse(&id).is_ok(), "{id}");
    // A click on the toggle is a click in this compose.
    let around = Compose::around(&toggle).unwrap();
    assert!(around.root.is_same_node(Some(&compose.root)));
}

#[wasm_bindgen_test]
async fn send_hands_the_compose_to_the_worker_and_the_sent_message_gets_a_badge() {
    open("/mail/");
    crmlog::bindings::content::start().unwrap();
    click(&q(&page(), "#new-mail"));
    tick().await; // the observer injects the toggle
    let compose = Compose::find(&page()).into_iter().next().unwrap();
    let id = compose
        .root
        .get_attribute(features::log_toggle::TRACKING_ATTR)
        .expect("the observer attached the toggle");
    type_recipient(
        &q(&compose.root, "div[aria-label=To]"),
        "bob@client.example",
    );
    q(&compose.root, selectors::SUBJECT[0])
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap()
        .set_value("Offer");
    sent();
    click(&compose.send_button().unwrap());
    let messages = sent();
    assert_eq!(messages.length(), 1, "one message to the worker");
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap();
    let message = messages.get(0);
    assert_eq!(get(&message, "kind").as_string().as_deref(), Some("log"));
    let snapshot = get(&message, "snapshot");
    assert_eq!(get(&snapshot, "tracking_id").as_string(), Some(id.clone()));
    assert_eq!(
        get(&snapshot, "from").as_string().as_deref(),
        Some("anna@acme.example")
    );

    // The replica moved it to Sent Items and opened it: the body as
    // written, marker included; the badge asks for its status.
    tick().await;
    for s in selectors::LIST_ROW {
        assert_eq!(count(&page(), s), 1, "{s}: the sent list holds it");
    }
    let views = MessageView::find(&page());
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].tracking_id(), Some(id));
    assert_eq!(count(&views[0].root, ".crmlog-badge"), 1);
    let badge = q(&views[0].root, ".crmlog-badge");
    assert!(views[0].badge_anchor().unwrap().contains(Some(&badge)));
    let asked = sent();
    assert!(
        (0..asked.length())
            .any(|i| get(&asked.get(i), "kind").as_string().as_deref() == Some("status")),
        "the badge asked the worker"
    );
}

#[wasm_bindgen_test]
fn the_site_is_chosen_from_the_host() {
    for host in [
        "outlook.office.com",
        "outlook.office365.com",
        "outlook.live.com",
    ] {
        assert_eq!(sites::for_host(host).name, "outlook", "{host}");
    }
    assert_eq!(sites::for_host("mail.google.com").name, "gmail");
}

#[wasm_bindgen_test]
fn a_send_button_rendered_after_the_body_is_found_and_a_stray_one_is_not() {
    open("/mail/");
    let d = doc();
    let pane = q(&page(), selectors::READING_PANE[0]);
    let compose = d.create_element("div").unwrap();
    let body = d.create_element("div").unwrap();
    body.set_attribute("contenteditable", "true").unwrap();
    body.set_attribute("aria-multiline", "true").unwrap();
    compose.append_child(&body).unwrap();
    pane.append_child(&compose).unwrap();
    // The body alone is no compose yet.
    assert!(Compose::find(&compose).is_empty());
    let bar = d.create_element("div").unwrap();
    let send = d.create_element("button").unwrap();
    send.set_attribute("name", "Send").unwrap();
    bar.append_child(&send).unwrap();
    compose.prepend_with_node_1(&bar).unwrap();
    // Scanning the added bar finds the compose from its Send button.
    let found = Compose::find(&bar);
    assert_eq!(found.len(), 1);
    assert!(found[0].root.is_same_node(Some(&compose)));
    assert!(
        Compose::around(&send)
            .unwrap()
            .root
            .is_same_node(Some(&compose))
    );
    // A "Send" elsewhere on the page belongs to no compose.
    let stray = d.create_element("button").unwrap();
    stray.set_attribute("name", "Send").unwrap();
    q(&page(), "[role=region][aria-label=Ribbon]")
        .append_child(&stray)
        .unwrap();
    assert!(Compose::find(&stray).is_empty());
    assert!(Compose::around(&stray).is_none());
}

#[wasm_bindgen_test]
fn a_message_is_read_from_the_reading_pane() {
    open("/mail/");
    click(&q(&page(), "div[role=option][data-convid]"));
    let views = MessageView::find(&page());
    assert_eq!(views.len(), 1, "one message in the reading pane");
    // The conversation around it: the reading pane's main inside its
    // container (two elements; `closest` takes the nearest).
    assert_eq!(count(&page(), selectors::THREAD), 2);
    assert!(!views[0].in_logged_thread(), "no message carries our id");
    assert!(!views[0].reads_original(), "Outlook offers no source");
    // From, To: one person each, as the pane's buttons show them.
    let header = q(&views[0].root, selectors::MESSAGE_HEADER[0]);
    assert_eq!(count(&header, selectors::PERSON), 1);
    let Ok(Err(shown)) = views[0].source() else {
        panic!("the pane is read as shown")
    };
    assert!(shown.from.contains("bob@client.example"), "{}", shown.from);
    assert_eq!(shown.to.len(), 1);
    assert!(shown.cc.is_empty());
    assert_eq!(shown.subject, "Project kickoff");
    assert!(shown.html.contains("shall we start on Monday?"));
    // Read back by the worker's side: Bob's message to Anna.
    let raw = crmlog::crm::compose::shown_to_raw(&shown);
    let message = crmlog::mime::parse(raw.as_bytes());
    assert_eq!(message.from[0].address, "bob@client.example");
}

#[wasm_bindgen_test]
fn list_rows_and_the_selected_message_share_the_item_id() {
    open("/mail/");
    let rows = crmlog::sites::ListRow::find(&page());
    assert_eq!(rows.len(), 1);
    assert_eq!(
        count(&page(), selectors::SELECTED_ROW),
        0,
        "nothing open yet"
    );
    let key = rows[0].key().expect("the row's item id");
    assert!(rows[0].anchor().is_same_node(Some(&rows[0].root)));
    click(&rows[0].root);
    assert_eq!(count(&page(), selectors::SELECTED_ROW), 1);
    let views = MessageView::find(&page());
    assert_eq!(views[0].thread_key().as_deref(), Some(key.as_str()));
}

#[wasm_bindgen_test]
fn a_hidden_bcc_field_is_shown_then_the_carrier_typed_into_it() {
    let compose = new_mail();
    let root = &compose.root;
    let bcc_field = selectors::RECIPIENT_FIELDS[2].1;
    assert_eq!(count(root, bcc_field[0]), 0, "Bcc starts hidden");
    assert_eq!(count(root, selectors::BCC_OPEN[0]), 1);
    let focused = q(root, "div[contenteditable=true][aria-label=To]");
    focused.dyn_ref::<HtmlElement>().unwrap().focus().unwrap();
    let plus = "777+crml-5knz5jl7dedbbq6rwxvrobvw5m@bcc.crm.example";
    // First the field is shown (its control clicked), focus kept in To.
    assert_eq!(compose.add_bcc(plus), Ok(()));
    let bcc = one_element(root, bcc_field);
    assert!(doc().active_element().unwrap().is_same_node(Some(&focused)));
    // Then the address goes in and becomes the site's chip.
    assert_eq!(compose.add_bcc(plus), Ok(()));
    assert_eq!(count(&bcc, selectors::CHIP), 1);
    assert!(doc().active_element().unwrap().is_same_node(Some(&focused)));
    assert_eq!(
        compose.recipients_snapshot().unwrap().bcc,
        vec![plus.to_string()]
    );
    let chip = q(&bcc, selectors::CHIP);
    assert_eq!(count(&chip, selectors::CHIP_REMOVE[0]), 1);
    compose.remove_chip(&chip);
    assert_eq!(count(&bcc, selectors::CHIP), 0);
    // Shown once per compose: a field that vanished is not opened again.
    bcc.parent_element().unwrap().remove();
    assert!(compose.add_bcc(plus).is_err());
}
