//! The log status on a message: on each message that carries our tracking
//! id (Logged, Queued, Not logged with the reason, Parked with the CRM's
//! error), asked from the service worker and followed until it is final;
//! and the answers about other messages (`message_actions`: a reply's
//! verdict under rules R, "Log this email").

use super::{FeatureError, msg, msg_with};
use crate::bindings::{chrome, wire};
use crate::crm::messages::{LogState, Status};
use crate::sites::MessageView;
use web_sys::Element;

const DONE_ATTR: &str = "data-crmlog-badge";
const BADGE_SELECTOR: &str = ".crmlog-badge";
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
    let badge = badge_of(view)?;
    let _ = view.root.set_attribute(DONE_ATTR, "1");
    follow(tracking_id, badge, js_sys::Date::now(), 200);
    Ok(())
}

/// The message's badge, made in its header ("Checking…") when missing.
pub fn badge_of(view: &MessageView) -> Result<Element, FeatureError> {
    badge_in(&view.badge_anchor()?)
}

/// The badge in `anchor`, made ("Checking…") when missing.
pub fn badge_in(anchor: &Element) -> Result<Element, FeatureError> {
    if let Ok(Some(badge)) = anchor.query_selector(BADGE_SELECTOR) {
        return Ok(badge);
    }
    let badge = super::element(
        anchor,
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
    Ok(badge)
}

/// Asks the worker for the status of `tracking_id` and shows it.
fn follow(tracking_id: String, badge: Element, started: f64, delay: i32) {
    let Ok(message) = wire::status_message(&tracking_id) else {
        return;
    };
    chrome::send_then(&message, move |reply| {
        let status = reply.as_ref().and_then(wire::status_reply);
        show(&badge, status, &tracking_id, started, delay);
    });
}

/// Shows a worker's answer on `badge`, and asks again, with a growing
/// pause, while it is pending. Callback-driven: the content script carries
/// no async runtime (size budget).
pub fn show(badge: &Element, status: Option<Status>, asked: &str, started: f64, delay: i32) {
    let Status {
        state,
        error,
        reasons,
        tracking_id,
        link,
        ..
    } = status.unwrap_or(Status::new(LogState::Unknown));
    let id = if tracking_id.is_empty() {
        asked.to_string()
    } else {
        tracking_id
    };
    let waited = js_sys::Date::now() - started;
    let mut title = match (state, &error) {
        (LogState::Unknown, Some(e)) => msg_with("statusProblemTitle", &[e]),
        (LogState::Unknown, None) if id.is_empty() || waited > UNKNOWN_GRACE_MS => {
            render(badge, LogState::Unknown, &msg("statusUnknownTitle"));
            return;
        }
        (LogState::Logged, _) => msg("statusLoggedTitle"),
        (LogState::Refused, _) => msg("statusRefusedTitle"),
        (LogState::Loggable, _) => msg("statusLoggableTitle"),
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
    // An unknown id within the grace period looks like "Queued"; a
    // problem (no answer from the CRM) like "Not logged" with its error.
    let shown = match (state, &error) {
        (LogState::Unknown, None) => LogState::Queued,
        _ => state,
    };
    render(badge, shown, &title);
    // Logged: the text links to the contact's timeline in the CRM (a new
    // tab; the worker builds the address from the CRM's own ids).
    if let Some(link) = link.filter(|l| l.starts_with("https://") || l.starts_with("http://"))
        && let Ok(a) = super::element(
            badge,
            "a",
            &[
                ("href", &link),
                ("target", "_blank"),
                ("rel", "noopener noreferrer"),
                ("title", title.as_str()),
            ],
        )
    {
        a.set_text_content(badge.text_content().as_deref());
        badge.set_text_content(None);
        let _ = badge.append_with_node_1(&a);
        // The link takes the focus, with the same tooltip; the badge need
        // not be a stop of its own.
        let _ = badge.remove_attribute("tabindex");
    }
    // Followed while it may still change: not when checking failed (an
    // unknown state with a problem), which asking again cannot mend.
    let failed = state == LogState::Unknown && error.is_some();
    if state.is_pending() && !failed && !id.is_empty() && badge.is_connected() {
        let badge = badge.clone();
        chrome::after(delay, move || {
            follow(id, badge, started, (delay * 2).min(5_000));
        });
    }
}

fn render(badge: &Element, state: LogState, title: &str) {
    let (key, data) = match state {
        LogState::Logged => ("statusLogged", "logged"),
        LogState::Queued | LogState::Sending => ("statusQueued", "queued"),
        LogState::Loggable => ("statusLoggable", "loggable"),
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
