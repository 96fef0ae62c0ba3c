//! The content script's entry points (feature `content`). This flavour is
//! translated to JavaScript by wasm2js, because Chromium applies the mail
//! page's CSP to WebAssembly compiled in a content script (see
//! ../shared/notes/wasm-in-content-scripts.md); it must stay small, so it
//! holds no MIME parsing.

use crate::features;
use crate::sites::{Compose, MessageView};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, KeyboardEvent, MutationObserver, MutationObserverInit, MutationRecord};

/// Starts crmlog on a mail page (Gmail or Outlook on the web, chosen once
/// from the host): handles what is already there, then watches the page
/// for compose windows and messages.
#[wasm_bindgen]
pub fn start() -> Result<(), JsValue> {
    crate::sites::current();
    let doc = crate::sites::dom::document().ok_or("no document")?;
    let root: Element = doc.document_element().ok_or("no document element")?;
    features::defaults::refresh();
    scan(&root);

    // Added subtrees only: the mail sites mutate constantly, and rescanning the
    // whole page on each batch would cost every tab time.
    let observer_cb = Closure::<dyn FnMut(js_sys::Array, MutationObserver)>::new(
        |records: js_sys::Array, _observer: MutationObserver| {
            for record in records.iter() {
                let Ok(record) = record.dyn_into::<MutationRecord>() else {
                    continue;
                };
                // A change among a compose's recipients: check them again.
                if let Some(target) = record.target().and_then(|n| n.dyn_into::<Element>().ok())
                    && let Some(compose) = Compose::around(&target)
                    && compose.is_recipient_change(&target)
                {
                    features::run("never_log_warning", &compose.root, || {
                        features::recipient_check::schedule(&compose)
                    });
                }
                let added = record.added_nodes();
                for i in 0..added.length() {
                    if let Some(el) = added.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                        scan(&el);
                    }
                }
            }
        },
    );
    let observer = MutationObserver::new(observer_cb.as_ref().unchecked_ref())?;
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    observer.observe_with_options(&root, &init)?;
    // The observer lives as long as the page.
    observer_cb.forget();

    // Capture phase on the document: we see the Send before the site's own
    // handlers remove the compose, and we never stop or delay the event.
    let click_cb = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(|e: web_sys::MouseEvent| {
        if let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            on_click(&target);
        }
    });
    doc.add_event_listener_with_callback_and_bool(
        "click",
        click_cb.as_ref().unchecked_ref(),
        true,
    )?;
    click_cb.forget();

    let key_cb = Closure::<dyn FnMut(KeyboardEvent)>::new(|e: KeyboardEvent| {
        if let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            on_key(&e, &target);
        }
    });
    doc.add_event_listener_with_callback_and_bool(
        "keydown",
        key_cb.as_ref().unchecked_ref(),
        true,
    )?;
    key_cb.forget();
    Ok(())
}

fn scan(el: &Element) {
    let mut composes = Compose::find(el).into_iter().peekable();
    if composes.peek().is_some() {
        // A compose opened: pick up changed settings for the next one.
        features::defaults::refresh();
    }
    for compose in composes {
        features::run("log_toggle", &compose.root, || {
            features::log_toggle::attach(&compose)
        });
        features::run("track_toggle", &compose.root, || {
            features::track_toggle::attach(&compose)
        });
    }
    for view in MessageView::find(el) {
        features::run("status_badge", &view.root, || {
            features::status_badge::attach(&view)
        });
        features::run("message_actions", &view.root, || {
            features::message_actions::attach(&view)
        });
    }
    for row in crate::sites::ListRow::find(el) {
        features::run("row_status", &row.root, || {
            features::row_status::attach(&row)
        });
    }
}

fn on_click(target: &Element) {
    if crate::sites::dom::closest(target, features::message_actions::BUTTON_SELECTOR).is_some() {
        if let Some(view) = MessageView::around(target) {
            features::run("message_actions", &view.root, || {
                features::message_actions::log_this(&view)
            });
        }
        return;
    }
    let Some(compose) = Compose::around(target) else {
        return;
    };
    if target
        .closest(features::log_toggle::TOGGLE_SELECTOR)
        .ok()
        .flatten()
        .is_some()
    {
        features::run("log_toggle", &compose.root, || {
            features::log_toggle::flip(&compose)
        });
    } else if target
        .closest(features::track_toggle::TOGGLE_SELECTOR)
        .ok()
        .flatten()
        .is_some()
    {
        features::run("track_toggle", &compose.root, || {
            features::track_toggle::flip(&compose)
        });
    } else if compose.is_send_button(target) {
        features::run("log_on_send", &compose.root, || {
            features::log_on_send::on_send(&compose)
        });
    }
}

fn on_key(e: &KeyboardEvent, target: &Element) {
    let Some(compose) = Compose::around(target) else {
        return;
    };
    let shortcut = e.key() == "Enter" && (e.ctrl_key() || e.meta_key());
    // Enter or Space on the focused Send button sends too when it is a div
    // with role=button (Gmail): the browser makes no click of it. A real
    // `<button>` (Outlook) gets a click, handled by `on_click`, so it is not
    // counted twice here.
    let on_send_button = (e.key() == "Enter" || e.key() == " ")
        && compose.is_send_button(target)
        && compose
            .send_button()
            .is_ok_and(|b| b.tag_name() != "BUTTON");
    if shortcut || on_send_button {
        features::run("log_on_send", &compose.root, || {
            features::log_on_send::on_send(&compose)
        });
    }
}

/// The address in a recipient chip's text ("Name <addr>"), as the content
/// script reads it. Exported so that tests can run the same input through
/// the wasm and the wasm2js flavours and compare the results.
#[wasm_bindgen(js_name = addressIn)]
pub fn address_in(entry: &str) -> String {
    crate::sites::address_in(entry).to_string()
}
