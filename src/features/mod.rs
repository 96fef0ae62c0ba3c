//! In-mail features, one per file, run through a small registry: a feature
//! that fails is reported once under its name and switched off for the
//! page, and never breaks the others.

pub mod log_on_send;
pub mod log_toggle;
pub mod status_badge;

use std::cell::RefCell;
use std::collections::BTreeSet;

/// A feature's failure. `what` names the missing part of the page, never
/// its content (addresses and subjects are private).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureError {
    /// What went wrong, e.g. "send button not found".
    pub what: String,
}

impl From<crate::sites::gmail::Missing> for FeatureError {
    fn from(m: crate::sites::gmail::Missing) -> Self {
        FeatureError {
            what: format!("{} not found", m.0),
        }
    }
}

impl FeatureError {
    /// An error with this description.
    pub fn new(what: impl Into<String>) -> FeatureError {
        FeatureError { what: what.into() }
    }
}

thread_local! {
    static DEGRADED: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
}

/// Runs feature `name`; a failure is reported once and switches the feature
/// off for this page.
pub fn run(name: &'static str, f: impl FnOnce() -> Result<(), FeatureError>) {
    if DEGRADED.with(|d| d.borrow().contains(name)) {
        return;
    }
    if let Err(e) = f() {
        DEGRADED.with(|d| d.borrow_mut().insert(name));
        web_sys::console::warn_1(
            &format!("crmlog: feature {name} switched off: {}", e.what).into(),
        );
    }
}

/// Features switched off on this page so far.
pub fn degraded() -> Vec<&'static str> {
    DEGRADED.with(|d| d.borrow().iter().copied().collect())
}

/// A user-visible string from the extension's `_locales` (chosen by the
/// browser's language); the key itself when the message is missing.
pub fn msg(key: &str) -> String {
    let m = crate::bindings::chrome::get_message(key);
    if m.is_empty() { key.to_string() } else { m }
}

/// A user-visible string with `$1`-style substitutions.
pub fn msg_with(key: &str, substitutions: &[&str]) -> String {
    let arr = js_sys::Array::new();
    for s in substitutions {
        arr.push(&(*s).into());
    }
    let m = crate::bindings::chrome::get_message_with(key, &arr);
    if m.is_empty() { key.to_string() } else { m }
}
