//! In-mail features, one per file, run through a small registry: a feature
//! that fails is reported once under its name and switched off for the
//! page, and never breaks the others.

pub mod log_on_send;
pub mod log_toggle;
pub mod status_badge;

use std::cell::RefCell;

/// A feature's failure. It names the part of the page or the step that
/// failed, never page content (addresses and subjects are private).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureError(pub &'static str);

impl From<crate::sites::Missing> for FeatureError {
    fn from(m: crate::sites::Missing) -> Self {
        FeatureError(m.0)
    }
}

thread_local! {
    static DEGRADED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Runs feature `name`; a failure is reported once and switches the feature
/// off for this page.
pub fn run(name: &'static str, f: impl FnOnce() -> Result<(), FeatureError>) {
    if DEGRADED.with(|d| d.borrow().contains(&name)) {
        return;
    }
    if let Err(e) = f() {
        DEGRADED.with(|d| d.borrow_mut().push(name));
        web_sys::console::warn_3(
            &"crmlog: feature switched off:".into(),
            &name.into(),
            &e.0.into(),
        );
    }
}

/// Features switched off on this page so far.
pub fn degraded() -> Vec<&'static str> {
    DEGRADED.with(|d| d.borrow().clone())
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
