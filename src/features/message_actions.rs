//! On each message in the mail UI: a "Log this email" button (rules M),
//! and, on a message in a conversation that holds an email crmlog logged,
//! whether rules R let it be logged — with "log replies from the browser"
//! on, the service worker logs a qualifying reply once. The logged email
//! itself is sent along too, so that its Message-ID is recorded against its
//! tracking id (spec/tracking.md, "After send").
//!
//! The message is read where the site offers it: Gmail's original message
//! (downloaded from the page's origin), else what Outlook's reading pane
//! shows, which the button's title says. The service worker decides; the
//! content script only shows its answer (`status_badge::show`).

use super::{FeatureError, element, msg, status_badge};
use crate::bindings::{chrome, wire};
use crate::sites::{MessageView, page_user};

/// Selector of the "Log this email" button.
pub const BUTTON_SELECTOR: &str = "button.crmlog-log-this";
const DONE_ATTR: &str = "data-crmlog-actions";

/// Adds the button to a message (once) and, in a logged conversation,
/// asks for the message's verdict.
pub fn attach(view: &MessageView) -> Result<(), FeatureError> {
    if view.root.has_attribute(DONE_ATTR) {
        return Ok(());
    }
    let _ = view.root.set_attribute(DONE_ATTR, "");
    let anchor = view.badge_anchor()?;
    let title = msg(if view.reads_original() {
        "logThisTitle"
    } else {
        "logThisPaneTitle"
    });
    let button = element(
        &anchor,
        "button",
        &[
            ("type", "button"),
            ("class", "crmlog-log-this"),
            ("title", &title),
        ],
    )?;
    button.set_text_content(Some(&msg("logThis")));
    anchor
        .append_with_node_1(&button)
        .map_err(|_| FeatureError("cannot place the button"))?;
    if !view.in_logged_thread() {
        return Ok(());
    }
    // The logged email itself is sent too: its Message-ID (from the
    // original message) and the conversation's id are recorded with it.
    judge(view, view.tracking_id().is_some(), 0)
}

/// Asks the worker about a message of a logged conversation and shows its
/// verdict. Our own logged email may reach the worker before the Send's
/// request is stored: it is asked again a few times.
fn judge(view: &MessageView, ours: bool, tries: i32) -> Result<(), FeatureError> {
    ask(view, true, move |view, status| {
        // Unknown without a problem: the user's own message (no verdict),
        // or our email not stored yet. No answer: the message could not be
        // read or the worker not reached.
        let unknown = status.as_ref().is_none_or(|s| {
            s.state == crate::crm::messages::LogState::Unknown
                && s.error.is_none()
                && s.tracking_id.is_empty()
        });
        let Some(status) = status.filter(|_| !ours) else {
            if ours && unknown && tries < 5 && view.root.is_connected() {
                let view = view.clone();
                chrome::after(1000 << tries, move || {
                    let _ = judge(&view, true, tries + 1);
                });
            }
            // Ours has the status badge's; no answer, nothing to show.
            return Ok(());
        };
        if unknown {
            return Ok(());
        }
        let badge = status_badge::badge_of(view)?;
        status_badge::show(&badge, Some(status), "", js_sys::Date::now(), 500);
        Ok(())
    })
}

/// "Log this email": the worker decides by rules M and queues it once.
pub fn log_this(view: &MessageView) -> Result<(), FeatureError> {
    let badge = status_badge::badge_of(view)?;
    ask(view, false, move |_, status| {
        // No answer: the message could not be read or the worker not
        // reached; the badge says so rather than staying at "Checking…".
        status_badge::show(&badge, status, "", js_sys::Date::now(), 500);
        Ok(())
    })
}

/// Sends the message (as a reply to judge, or to log by hand) to the
/// worker and hands its answer to `then`.
fn ask(
    view: &MessageView,
    reply: bool,
    then: impl FnOnce(&MessageView, Option<crate::crm::messages::Status>) -> Result<(), FeatureError>
    + 'static,
) -> Result<(), FeatureError> {
    let page = view
        .root
        .owner_document()
        .and_then(|d| d.document_element())
        .ok_or(FeatureError("document"))?;
    let user = page_user(&page);
    let place = if reply {
        let location = web_sys::window().map(|w| w.location());
        let mut place = location
            .as_ref()
            .and_then(|l| l.pathname().ok())
            .unwrap_or_default();
        place.push_str(&location.and_then(|l| l.hash().ok()).unwrap_or_default());
        Some(place)
    } else {
        None
    };
    let thread = if reply { view.thread_key() } else { None };
    let source = view.source()?;
    let message = wire::source_message(
        source.as_ref().err(),
        &user,
        place.as_deref(),
        thread.as_deref(),
    )
    .map_err(|_| FeatureError("cannot encode the request"))?;
    let view = view.clone();
    let done = move |answer: Option<wasm_bindgen::JsValue>| {
        let status = answer.as_ref().and_then(wire::status_reply);
        let _ = then(&view, status);
    };
    match source {
        Ok(url) => chrome::fetch_then_send(&url, &message, done),
        Err(_) => chrome::send_then(&message, done),
    }
    Ok(())
}
