//! On Send with Log on, hand the logging request to the service worker.
//! Runs in the capture phase of the Send click or shortcut, before Gmail
//! removes the compose: it only reads the compose and posts a message —
//! the Send itself is never blocked, delayed or cancelled.

use super::{FeatureError, log_toggle};
use crate::bindings::chrome;
use crate::crm::compose::build_log_request;
use crate::crm::messages::ToWorker;
use crate::sites::gmail::Compose;

/// Handles a Send in `compose`.
pub fn on_send(compose: &Compose) -> Result<(), FeatureError> {
    // One Send, one request: a shortcut followed by a click, or a Send that
    // Gmail refused and the user repeats, reuses the same tracking id, and
    // the outbox keeps one item per id.
    if !log_toggle::is_on(compose) {
        // O3: Log off, nothing leaves the browser.
        return Ok(());
    }
    let Some(tracking_id) = compose.root.get_attribute(log_toggle::TRACKING_ATTR) else {
        return Err(FeatureError::new("compose without tracking id"));
    };
    let sent_at = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    let snapshot = compose.snapshot(&tracking_id, &sent_at)?;
    let request = match build_log_request(&snapshot) {
        Ok(r) => r,
        // Gmail refuses a Send without a valid recipient as well; there is
        // nothing to log then. The field name is not private.
        Err(e) => {
            web_sys::console::info_1(&format!("crmlog: not logged, {}", e.field).into());
            return Ok(());
        }
    };
    let message = crate::bindings::to_js(&ToWorker::Log { request })
        .map_err(|_| FeatureError::new("cannot encode the request"))?;
    let promise = chrome::send_message(&message);
    wasm_bindgen_futures::spawn_local(async move {
        if chrome::call(promise).await.is_err() {
            // The worker did not take it (extension reloaded mid-send): the
            // status badge will say "not logged" for this id.
            web_sys::console::warn_1(&"crmlog: the service worker did not take the request".into());
        }
    });
    Ok(())
}
