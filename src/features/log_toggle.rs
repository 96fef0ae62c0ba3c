//! The Log toggle beside Send in every compose (rule O1/O3): a real
//! `<button>` with `aria-pressed`, so it is keyboard operable and announced.
//! While Log is on, the compose carries its tracking id in a body marker
//! (spec/tracking.md, carrier 2), so Send only has to read it.

use super::{FeatureError, element, flag, msg};
use crate::sites::Compose;
use web_sys::Element;

/// Selector of the toggle button.
pub const TOGGLE_SELECTOR: &str = "button.crmlog-log-toggle";
/// Attribute on the compose root holding its tracking id.
pub const TRACKING_ATTR: &str = "data-crmlog-tracking-id";
/// Attribute on the compose root once the toggle is in.
const DONE_ATTR: &str = "data-crmlog-compose";

/// The compose's toggle, when injected.
pub fn toggle_of(compose: &Compose) -> Option<Element> {
    compose.root.query_selector(TOGGLE_SELECTOR).ok().flatten()
}

/// Whether Log is on for this compose.
pub fn is_on(compose: &Compose) -> bool {
    toggle_of(compose).is_some_and(|t| t.get_attribute("aria-pressed").as_deref() == Some("true"))
}

/// Injects the toggle into a new compose (once).
pub fn attach(compose: &Compose) -> Result<(), FeatureError> {
    if compose.root.has_attribute(DONE_ATTR) {
        return Ok(());
    }
    let send = compose.send_button()?;
    // O3: Log starts as the settings say (on unless switched off there);
    // `DEFAULT_ATTR` marks a toggle the user has not touched, which
    // settings arriving later may still set.
    let on = super::defaults::get().log;
    let button = element(
        &compose.root,
        "button",
        &[
            ("type", "button"),
            ("class", "crmlog-toggle crmlog-log-toggle"),
            ("aria-pressed", flag(on)),
            (super::defaults::DEFAULT_ATTR, ""),
            ("title", &msg("logToggleTitle")),
        ],
    )?;
    button.set_text_content(Some(&msg("logToggle")));
    // Beside Send: after the element that wraps the Send button.
    let anchor = send.parent_element().unwrap_or(send);
    anchor
        .after_with_node_1(&button)
        .map_err(|_| FeatureError("cannot place the toggle"))?;
    let _ = compose.root.set_attribute(DONE_ATTR, "1");
    // For the compose-to-toggle latency benchmark: when the toggle went in,
    // on the page's clock.
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        // Formatted by JavaScript: Rust's float formatting would add
        // kilobytes to the content script.
        let now = js_sys::Number::from(p.now())
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default();
        let _ = button.set_attribute("data-crmlog-injected-at", &now);
    }
    sync_marker(compose, on)?;
    // Recipients a compose opens with (a reply) are checked too; the
    // answer also decides the BCC carrier.
    super::recipient_check::schedule(compose)
}

/// Sets an untouched toggle to the default that arrived after it was made.
pub fn apply_default(compose: &Compose, on: bool) -> Result<(), FeatureError> {
    let Some(toggle) = toggle_of(compose) else {
        return Ok(());
    };
    if !toggle.has_attribute(super::defaults::DEFAULT_ATTR) {
        return Ok(());
    }
    set_pressed(&toggle, on)?;
    sync_marker(compose, on)?;
    // The check's answer puts the BCC carrier in or takes it out.
    super::recipient_check::schedule(compose)
}

fn set_pressed(toggle: &Element, on: bool) -> Result<(), FeatureError> {
    toggle
        .set_attribute("aria-pressed", flag(on))
        .map_err(|_| FeatureError("cannot update the toggle"))
}

/// Flips the toggle the user clicked.
pub fn flip(compose: &Compose) -> Result<(), FeatureError> {
    let toggle = toggle_of(compose).ok_or(FeatureError("toggle not found"))?;
    let on = toggle.get_attribute("aria-pressed").as_deref() != Some("true");
    let _ = toggle.remove_attribute(super::defaults::DEFAULT_ATTR);
    set_pressed(&toggle, on)?;
    sync_marker(compose, on)?;
    super::recipient_check::schedule(compose)
}

/// The compose's tracking id, made when Log or Track is first on
/// (spec/tracking.md "When") and kept for the life of the compose.
pub fn tracking_id(compose: &Compose) -> Result<String, FeatureError> {
    if let Some(id) = compose.root.get_attribute(TRACKING_ATTR) {
        return Ok(id);
    }
    // A draft reopened or popped out carries the marker crmlog wrote
    // before: its id is kept, so the email is logged once under it.
    let id = match own_marker(compose).and_then(|m| m.get_attribute("data-crmlog-id")) {
        Some(id) => id,
        None => crate::bindings::chrome::random_tracking_id()
            .ok_or(FeatureError("no random source for the tracking id"))?
            .into_string(),
    };
    let _ = compose.root.set_attribute(TRACKING_ATTR, &id);
    Ok(id)
}

/// Writes (Log on) or removes (Log off) the body marker. The id is made
/// once per compose and kept, so switching back on reuses it.
fn sync_marker(compose: &Compose, on: bool) -> Result<(), FeatureError> {
    let body = compose.body()?;
    let existing = own_marker(compose);
    if !on {
        if let Some(m) = existing {
            m.remove();
        }
        return Ok(());
    }
    let id = tracking_id(compose)?;
    if existing.is_some() {
        return Ok(());
    }
    // Invisible to the reader, carried by the HTML body.
    let marker = element(&body, "span", &[("data-crmlog-id", &id), ("hidden", "")])?;
    body.append_with_node_1(&marker)
        .map_err(|_| FeatureError("cannot place the marker"))
}

/// This compose's own marker: a child of the body, where crmlog writes it.
/// A marker deeper down belongs to a quoted message (an expanded quote of
/// the email replied to) and is never taken for this email's.
fn own_marker(compose: &Compose) -> Option<web_sys::Element> {
    compose
        .body()
        .ok()?
        .query_selector(":scope > [data-crmlog-id]")
        .ok()
        .flatten()
}
