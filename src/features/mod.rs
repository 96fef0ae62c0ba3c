//! In-mail features, one per file, run through a small registry: a feature
//! that fails is reported once under its name and switched off for the
//! page, and never breaks the others.

pub mod bcc_carrier;
pub mod defaults;
pub mod log_on_send;
pub mod log_toggle;
pub mod message_actions;
pub mod recipient_check;
pub mod row_status;
pub mod status_badge;
pub mod track_toggle;

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
/// `root` is the part of the page the feature works on (a compose, a
/// message): its censored shape goes with the report.
pub fn run(
    name: &'static str,
    root: &web_sys::Element,
    f: impl FnOnce() -> Result<(), FeatureError>,
) {
    if is_off(name) {
        return;
    }
    // The error names the part that did not match, for tests and
    // debugging; the report carries the shape of the markup instead, and
    // the user's mail page gets no console noise.
    if f().is_err() {
        switch_off(name, root);
    }
}

// Not generic, so one copy serves every caller of `run` (size budget).
fn is_off(name: &'static str) -> bool {
    DEGRADED.with(|d| d.borrow().contains(&name))
}

fn switch_off(name: &'static str, root: &web_sys::Element) {
    DEGRADED.with(|d| d.borrow_mut().push(name));
    // The popup lists degraded features with the shape of the markup that
    // no longer matched: tags only, no text or attribute value, so a user
    // may paste it into a bug report. The service worker censors it before
    // it is stored (`crm::pages::record_degraded`; the censor would cost
    // this script's size budget); the markup goes nowhere else. Capped: a
    // whole thread's markup is not needed to see a changed structure.
    let mut snippet = root.outer_html();
    if snippet.len() > SNIPPET_MAX {
        let mut cut = SNIPPET_MAX;
        while !snippet.is_char_boundary(cut) {
            cut -= 1;
        }
        snippet.truncate(cut);
    }
    if let Ok(message) =
        crate::bindings::wire::degraded_message(crate::sites::current().name, name, &snippet)
    {
        crate::bindings::chrome::send_then(&message, |_| {});
    }
}

/// The longest markup sent with a report, in bytes (its censored shape is
/// far shorter).
const SNIPPET_MAX: usize = 64 * 1024;

/// Features switched off on this page so far.
pub fn degraded() -> Vec<&'static str> {
    DEGRADED.with(|d| d.borrow().clone())
}

/// A `tag` element in `near`'s document with `attrs` set: the one place
/// features make elements (one copy of this code serves them all, which
/// the content script's size budget needs).
pub fn element(
    near: &web_sys::Element,
    tag: &str,
    attrs: &[(&str, &str)],
) -> Result<web_sys::Element, FeatureError> {
    let el = near
        .owner_document()
        .and_then(|doc| doc.create_element(tag).ok())
        .ok_or(FeatureError("cannot create an element"))?;
    for (name, value) in attrs {
        el.set_attribute(name, value)
            .map_err(|_| FeatureError("cannot set an attribute"))?;
    }
    Ok(el)
}

/// `"true"` or `"false"`, for `aria-*` attributes.
pub fn flag(on: bool) -> &'static str {
    if on { "true" } else { "false" }
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
