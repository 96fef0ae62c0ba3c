//! What a new compose starts with (Log and Track defaults, the pixel
//! address), asked from the service worker once per page and again when a
//! compose opens, so a change in the options reaches open tabs. Toggles the
//! user has not touched follow an answer that arrives after they were made.

use crate::bindings::{chrome, wire};
use crate::crm::messages::ComposeDefaults;
use crate::sites::Compose;
use std::cell::RefCell;

/// Marks a toggle the user has not touched yet.
pub const DEFAULT_ATTR: &str = "data-crmlog-default";

thread_local! {
    /// Until the worker answers: Log on (O3's default), Track off (O7),
    /// no pixel address.
    static DEFAULTS: RefCell<ComposeDefaults> = const {
        RefCell::new(ComposeDefaults { log: true, track: false, pixel_base: None })
    };
}

/// The defaults as last known.
pub fn get() -> ComposeDefaults {
    DEFAULTS.with(|d| d.borrow().clone())
}

/// Asks the worker; on an answer that changes something, the untouched
/// toggles of open composes follow it.
pub fn refresh() {
    let Ok(message) = wire::defaults_message() else {
        return;
    };
    chrome::send_then(&message, |reply| {
        let Some(fresh) = reply.as_ref().and_then(wire::defaults_reply) else {
            return;
        };
        if DEFAULTS.with(|d| *d.borrow() == fresh) {
            return;
        }
        DEFAULTS.with(|d| *d.borrow_mut() = fresh.clone());
        let Some(root) = crate::sites::dom::document().and_then(|d| d.document_element()) else {
            return;
        };
        for compose in Compose::find(&root) {
            super::run("log_toggle", &compose.root, || {
                super::log_toggle::apply_default(&compose, fresh.log)
            });
            super::run("track_toggle", &compose.root, || {
                super::track_toggle::apply_default(&compose, &fresh)
            });
        }
    });
}
