//! The log status on the rows of a message list (the sent list among
//! them): a row whose conversation holds an email crmlog logged shows that
//! email's status, as its message does in the conversation
//! (`status_badge`). The worker knows the conversation once the mail UI
//! has shown the sent email (spec/tracking.md, "After send").

use super::{FeatureError, status_badge};
use crate::bindings::{chrome, wire};
use crate::crm::messages::LogState;
use crate::sites::ListRow;

const DONE_ATTR: &str = "data-crmlog-row";

/// Asks the worker about a row's conversation (once per row element) and
/// shows the answer when crmlog logged something there.
pub fn attach(row: &ListRow) -> Result<(), FeatureError> {
    if row.root.has_attribute(DONE_ATTR) {
        return Ok(());
    }
    let _ = row.root.set_attribute(DONE_ATTR, "");
    let Some(key) = row.key() else {
        return Err(FeatureError("row without a conversation id"));
    };
    let message =
        wire::row_status_message(&key).map_err(|_| FeatureError("cannot encode the request"))?;
    let anchor = row.anchor();
    chrome::send_then(&message, move |reply| {
        let Some(status) = reply.as_ref().and_then(wire::status_reply) else {
            return;
        };
        if status.state == LogState::Unknown {
            return;
        }
        if let Ok(badge) = status_badge::badge_in(&anchor) {
            status_badge::show(&badge, Some(status), "", js_sys::Date::now(), 500);
        }
    });
    Ok(())
}
