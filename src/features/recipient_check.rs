//! The live never-log check while composing (O2, O4, N): whenever the
//! recipients change, the worker decides with the same rules as Send; the
//! chip of each recipient who will not be logged is marked, and the Log
//! toggle says who and why — or that nothing will be logged at all.
//! The list itself stays in the worker; the page learns only the verdicts.

use super::{FeatureError, bcc_carrier, log_toggle, msg, msg_with};
use crate::bindings::{chrome, wire};
use crate::sites::Compose;

/// Set on a recipient chip that will not be logged; the value is the
/// reason code (styled by content.css).
pub const EXCLUDED_ATTR: &str = "data-crmlog-excluded";
/// On the compose while a check is scheduled.
const PENDING_ATTR: &str = "data-crmlog-check";
/// Chips arrive in bursts (a pasted list); one check after the burst.
const SETTLE_MS: i32 = 120;

/// Schedules a check of `compose` (once per burst of changes).
pub fn schedule(compose: &Compose) -> Result<(), FeatureError> {
    if compose.root.has_attribute(PENDING_ATTR) {
        return Ok(());
    }
    let _ = compose.root.set_attribute(PENDING_ATTR, "");
    let compose = compose.clone();
    chrome::after(SETTLE_MS, move || {
        let _ = compose.root.remove_attribute(PENDING_ATTR);
        super::run("never_log_warning", &compose.root, || check(&compose));
    });
    Ok(())
}

fn check(compose: &Compose) -> Result<(), FeatureError> {
    let mut snapshot = compose.recipients_snapshot()?;
    // With the compose's id the worker says whether the BCC carrier (the
    // id's plus-address of the BCC address) may go in.
    if let Some(id) = compose.root.get_attribute(log_toggle::TRACKING_ATTR) {
        snapshot.tracking_id = id;
    }
    let message =
        wire::check_message(&snapshot).map_err(|_| FeatureError("cannot encode the check"))?;
    let key = bcc_carrier::recipients_key(&snapshot);
    let compose = compose.clone();
    chrome::send_then(&message, move |reply| {
        // No answer (the worker restarting): the marks stay as they were,
        // and Send decides with the rules anyway.
        if let Some(result) = reply.as_ref().and_then(wire::check_reply) {
            super::run("never_log_warning", &compose.root, || {
                show(&compose, &result, &key)
            });
        }
    });
    Ok(())
}

fn show(compose: &Compose, result: &wire::Check, key: &str) -> Result<(), FeatureError> {
    let code_of = |address: &str| {
        // The worker's addresses are trimmed and lower-cased; JavaScript
        // lower-cases here, so the content script carries no Unicode case
        // tables (size budget).
        let address = String::from(js_sys::JsString::from(address.trim()).to_lower_case());
        result
            .excluded
            .iter()
            .find(|(a, _)| *a == address)
            .map(|(_, code)| code.as_str())
    };
    for (chip, address) in compose.chips() {
        let _ = match code_of(&address) {
            Some(code) => chip.set_attribute(EXCLUDED_ATTR, code),
            None => chip.remove_attribute(EXCLUDED_ATTR),
        };
    }
    let toggle = log_toggle::toggle_of(compose).ok_or(FeatureError("log toggle not found"))?;
    let some = !result.excluded.is_empty();
    // The first line of the toggle's title; the BCC lines say whether the
    // email goes to the CRM's BCC address, or why not (N5).
    let (label, title, state) = if result.none_logged {
        (
            "logToggleNoneLogged",
            "logToggleNoneLoggedTitle",
            Some("none"),
        )
    } else if result.bcc_refused {
        ("logToggle", "logToggleBccRefusedTitle", Some("some"))
    } else if result.bcc.is_some() {
        ("logToggle", "logToggleBccTitle", some.then_some("some"))
    } else if some {
        ("logToggle", "logToggleSomeExcludedTitle", Some("some"))
    } else {
        ("logToggle", "logToggleTitle", None)
    };
    let mut title = msg(title);
    // One whole sentence per excluded recipient (`reasonFor_<code>`).
    for (address, code) in &result.excluded {
        let mut key = String::from("reasonFor_");
        key.push_str(code);
        title.push('\n');
        title.push_str(&msg_with(&key, &[address]));
    }
    toggle.set_text_content(Some(&msg(label)));
    let _ = toggle.set_attribute("title", &title);
    let _ = match state {
        Some(s) => toggle.set_attribute("data-crmlog-recipients", s),
        None => toggle.remove_attribute("data-crmlog-recipients"),
    };
    super::run("bcc_carrier", &compose.root, || {
        bcc_carrier::sync(compose, result.bcc.as_deref(), key)
    });
    Ok(())
}
