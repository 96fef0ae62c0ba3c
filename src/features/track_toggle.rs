//! The Track toggle beside the Log toggle: open tracking, independent of
//! Log (rule O7). While Track is on, the body carries the open-tracking
//! pixel (spec/tracking.md, carrier 3) under the compose's tracking id;
//! without a pixel address the toggle is disabled and says why.

use super::{FeatureError, defaults, element, flag, log_toggle, msg};
use crate::crm::messages::ComposeDefaults;
use crate::sites::gmail::Compose;
use web_sys::Element;

/// Selector of the toggle button.
pub const TOGGLE_SELECTOR: &str = "button.crmlog-track-toggle";
/// The pixel element we write into the body.
const PIXEL_SELECTOR: &str = "img[data-crmlog-pixel]";

fn toggle_of(compose: &Compose) -> Option<Element> {
    compose.root.query_selector(TOGGLE_SELECTOR).ok().flatten()
}

/// Injects the toggle after the Log toggle (once).
pub fn attach(compose: &Compose) -> Result<(), FeatureError> {
    if toggle_of(compose).is_some() {
        return Ok(());
    }
    let log = log_toggle::toggle_of(compose).ok_or(FeatureError("log toggle not found"))?;
    let button = element(
        &compose.root,
        "button",
        &[
            ("type", "button"),
            ("class", "crmlog-toggle crmlog-track-toggle"),
            (defaults::DEFAULT_ATTR, ""),
        ],
    )?;
    button.set_text_content(Some(&msg("trackToggle")));
    log.after_with_node_1(&button)
        .map_err(|_| FeatureError("cannot place the toggle"))?;
    apply_default(compose, &defaults::get())
}

/// Sets an untouched toggle to the defaults (and enables or disables it
/// by whether a pixel address is known).
pub fn apply_default(compose: &Compose, d: &ComposeDefaults) -> Result<(), FeatureError> {
    let Some(toggle) = toggle_of(compose) else {
        return Ok(());
    };
    let usable = d.pixel_base.is_some();
    let title = if usable {
        msg("trackToggleTitle")
    } else {
        msg("trackToggleNoPixel")
    };
    let _ = toggle.set_attribute("title", &title);
    let _ = toggle.set_attribute("aria-disabled", flag(!usable));
    if !toggle.has_attribute(defaults::DEFAULT_ATTR) && usable {
        return Ok(());
    }
    set(compose, &toggle, usable && d.track)
}

/// Flips the toggle the user clicked (nothing when it is disabled).
pub fn flip(compose: &Compose) -> Result<(), FeatureError> {
    let toggle = toggle_of(compose).ok_or(FeatureError("toggle not found"))?;
    if toggle.get_attribute("aria-disabled").as_deref() == Some("true") {
        return Ok(());
    }
    let _ = toggle.remove_attribute(defaults::DEFAULT_ATTR);
    let on = toggle.get_attribute("aria-pressed").as_deref() != Some("true");
    set(compose, &toggle, on)
}

fn set(compose: &Compose, toggle: &Element, on: bool) -> Result<(), FeatureError> {
    toggle
        .set_attribute("aria-pressed", flag(on))
        .map_err(|_| FeatureError("cannot update the toggle"))?;
    sync_pixel(compose, on)
}

/// Writes (Track on) or removes (Track off) the pixel.
fn sync_pixel(compose: &Compose, on: bool) -> Result<(), FeatureError> {
    let body = compose.body()?;
    let existing = body.query_selector(PIXEL_SELECTOR).ok().flatten();
    let base = defaults::get().pixel_base;
    let (true, Some(base)) = (on, base) else {
        if let Some(p) = existing {
            p.remove();
        }
        return Ok(());
    };
    if existing.is_some() {
        return Ok(());
    }
    let id = log_toggle::tracking_id(compose)?;
    // spec/tracking.md carrier 3: `<base>/o/<id>.gif`, 1×1, empty alt.
    // The worker hands over the base without a trailing slash.
    let mut src = base;
    src.push_str("/o/");
    src.push_str(&id);
    src.push_str(".gif");
    let img = element(
        &body,
        "img",
        &[
            ("src", &src),
            ("width", "1"),
            ("height", "1"),
            ("alt", ""),
            ("data-crmlog-pixel", ""),
        ],
    )?;
    body.append_with_node_1(&img)
        .map_err(|_| FeatureError("cannot place the pixel"))
}
