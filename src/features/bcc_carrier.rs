//! Logging through the BCC address (spec/tracking.md carrier 4): when the
//! user set the CRM's BCC address in the options, a compose with Log on
//! carries `local+<tracking id>@domain` in Bcc, so the mail itself reaches
//! the CRM's BCC inbox and the worker makes no logging request.
//!
//! N5: the CRM would receive every recipient's address, so the
//! plus-address is there only while the last recipient check found no one
//! on the never-log list; at Send it goes unless the recipients are still
//! exactly those checked (the email is then logged through the API, which
//! leaves never-logged recipients out).

use super::{FeatureError, defaults, log_toggle};
use crate::crm::compose::ComposeSnapshot;
use crate::sites::{Compose, address_in};
use web_sys::Element;

/// On the compose root: the recipients of the last check that found no
/// never-logged recipient (as [`recipients_key`] writes them).
const CLEAR_ATTR: &str = "data-crmlog-bcc-clear";

/// The plus-address this compose carries, when a BCC address is set and
/// the compose has its tracking id.
fn plus_address(compose: &Compose) -> Option<String> {
    let bcc = defaults::get().bcc?;
    let id = compose.root.get_attribute(log_toggle::TRACKING_ATTR)?;
    crate::tracking::plus_address(&bcc, &id)
}

/// The chip of `address` in the compose, if any.
fn chip_of(compose: &Compose, address: &str) -> Option<Element> {
    for (chip, a) in compose.chips() {
        if a.eq_ignore_ascii_case(address) {
            return Some(chip);
        }
    }
    None
}

/// The recipients of a snapshot, one a line, each field ended by an empty
/// line: what a check saw, compared again at Send.
pub fn recipients_key(s: &ComposeSnapshot) -> String {
    let mut out = String::new();
    for list in [&s.to, &s.cc, &s.bcc] {
        for entry in list {
            out.push_str(entry);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// Records the answer of a recipient check of the recipients `key`: `clear`
/// when no recipient is on the never-log list.
pub fn checked(compose: &Compose, key: &str, clear: bool) {
    let _ = if clear {
        compose.root.set_attribute(CLEAR_ATTR, key)
    } else {
        compose.root.remove_attribute(CLEAR_ATTR)
    };
}

/// Whether this compose logs through the BCC address (one is set).
pub fn active() -> bool {
    defaults::get().bcc.is_some()
}

/// Puts the plus-address into Bcc or takes it out, as Log and the last
/// check say. Called where either changes (log_toggle, recipient_check).
pub fn sync(compose: &Compose) -> Result<(), FeatureError> {
    let Some(address) = plus_address(compose) else {
        return Ok(());
    };
    let wanted = log_toggle::is_on(compose) && compose.root.has_attribute(CLEAR_ATTR);
    match (wanted, chip_of(compose, &address)) {
        (true, None) => {
            compose.add_bcc(&address)?;
        }
        (false, Some(chip)) => compose.remove_chip(&chip),
        _ => {}
    }
    Ok(())
}

/// At Send (capture phase, before the site reads the compose): the
/// plus-address goes out only with the recipients the last check cleared.
/// Otherwise (a recipient added since, not yet checked) its chip is taken
/// out now and from `snapshot`, so the worker logs through the API.
pub fn before_send(compose: &Compose, snapshot: &mut ComposeSnapshot) {
    let Some(address) = plus_address(compose) else {
        return;
    };
    let Some(chip) = chip_of(compose, &address) else {
        return;
    };
    if compose.root.get_attribute(CLEAR_ATTR) == Some(recipients_key(snapshot)) {
        return;
    }
    compose.remove_chip(&chip);
    snapshot
        .bcc
        .retain(|entry| !address_in(entry).eq_ignore_ascii_case(&address));
}
