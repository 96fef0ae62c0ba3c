//! The log status on each message that carries our tracking id: Logged,
//! Queued, or Not logged with the reason, asked from the service worker and
//! followed until it is final.

use super::{FeatureError, msg, msg_with};
use crate::bindings::{chrome, wire};
use crate::crm::messages::LogState;
use crate::sites::MessageView;
use web_sys::Element;

const DONE_ATTR: &str = "data-crmlog-badge";
/// How long an id the worker does not know may still turn up (the Send's
/// message can reach the worker after the sent view asks).
const UNKNOWN_GRACE_MS: f64 = 15_000.0;

/// Adds a badge to a message view that carries a tracking id (once).
pub fn attach(view: &MessageView) -> Result<(), FeatureError> {
    if view.root.has_attribute(DONE_ATTR) {
        return Ok(());
    }
    let Some(tracking_id) = view.tracking_id() else {
        // Not an email crmlog tagged: nothing to show.
        return Ok(());
    };
    let anchor = view.badge_anchor()?;
    let badge = super::element(
        &anchor,
        "span",
        &[
            ("class", "crmlog-badge"),
            ("role", "status"),
            ("tabindex", "0"),
        ],
    )?;
    render(&badge, LogState::Queued, &msg("statusChecking"));
    anchor
        .append_with_node_1(&badge)
        .map_err(|_| FeatureError("cannot place the badge"))?;
    let _ = view.root.set_attribute(DONE_ATTR, "1");
    follow(tracking_id, badge, js_sys::Date::now(), 200);
    Ok(())
}

/// Asks the worker for the status and shows it, again and again with a
/// growing pause while it is pending. Callback-driven: the content script
/// carries no async runtime (size budget).
fn follow(tracking_id: String, badge: Element, started: f64, delay: i32) {
    let Ok(message) = wire::status_message(&tracking_id) else {
        return;
    };
    chrome::send_then(&message, move |reply| {
        let (state, error, reasons) = match reply.as_ref().and_then(wire::status_reply) {
            Some(s) => (s.state, s.error, s.reasons),
            None => (LogState::Unknown, None, Vec::new()),
        };
        let waited = js_sys::Date::now() - started;
        if state == LogState::Unknown && waited > UNKNOWN_GRACE_MS {
            render(&badge, LogState::Unknown, &msg("statusUnknownTitle"));
            return;
        }
        let mut title = match (state, &error) {
            (LogState::Logged, _) => msg("statusLoggedTitle"),
            (LogState::Refused, _) => msg("statusRefusedTitle"),
            (LogState::SentToBcc, _) => msg("statusSentToBccTitle"),
            (LogState::Parked, Some(e)) => msg_with("statusParkedTitle", &[e]),
            (LogState::Queued | LogState::Sending, Some(e)) => msg_with("statusRetryTitle", &[e]),
            _ => msg("statusQueuedTitle"),
        };
        // Each reason is a whole sentence of the locales (`reason_<code>`),
        // one per line: why it was refused, or who was left out.
        for code in &reasons {
            let mut key = String::from("reason_");
            key.push_str(code);
            title.push('\n');
            title.push_str(&msg(&key));
        }
        // An unknown id within the grace period looks like "Queued".
        let shown = if state == LogState::Unknown {
            LogState::Queued
        } else {
            state
        };
        render(&badge, shown, &title);
        if state.is_pending() && badge.is_connected() {
            chrome::after(delay, move || {
                follow(tracking_id, badge, started, (delay * 2).min(5_000));
            });
        }
    });
}

fn render(badge: &Element, state: LogState, title: &str) {
    let (key, data) = match state {
        LogState::Logged => ("statusLogged", "logged"),
        LogState::Queued | LogState::Sending => ("statusQueued", "queued"),
        LogState::SentToBcc => ("statusSentToBcc", "sent-to-bcc"),
        LogState::Parked | LogState::Refused | LogState::Unknown => {
            ("statusNotLogged", "not-logged")
        }
    };
    // Everything shown comes from our locales or the CRM's message, set as
    // text, never as HTML.
    badge.set_text_content(Some(&msg(key)));
    let _ = badge.set_attribute("data-state", data);
    let _ = badge.set_attribute("title", title);
}
