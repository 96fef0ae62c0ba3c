//! On Send with Log on, hand the compose to the service worker, which
//! builds, checks and queues the logging request. Runs in the capture phase
//! of the Send click or shortcut, before Gmail removes the compose: it only
//! reads the compose and posts a message — the Send itself is never
//! blocked, delayed or cancelled.

use super::{FeatureError, log_toggle};
use crate::bindings::{chrome, wire};
use crate::sites::Compose;

/// Handles a Send in `compose`.
pub fn on_send(compose: &Compose) -> Result<(), FeatureError> {
    if !log_toggle::is_on(compose) {
        // O3: Log off, nothing leaves the browser.
        return Ok(());
    }
    // A repeated Send (Gmail refused the first one) carries the same
    // tracking id; the outbox keeps one item per id.
    let Some(tracking_id) = compose.root.get_attribute(log_toggle::TRACKING_ATTR) else {
        return Err(FeatureError("compose without tracking id"));
    };
    let sent_at = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    let mut snapshot = compose.snapshot_head(&tracking_id, &sent_at)?;
    let body = compose.body()?;
    // Carrier 4 only with the recipients the last check cleared (N5).
    super::bcc_carrier::before_send(compose, &mut snapshot);
    let message = wire::log_message(&snapshot, Some(&body))
        .map_err(|_| FeatureError("cannot encode the request"))?;
    // Nothing to do with the answer here: when the worker refused the
    // request (no valid recipient: the mail site refuses that Send too) or
    // was being reloaded, the status badge says so for this id.
    chrome::send_then(&message, |_| {});
    Ok(())
}
