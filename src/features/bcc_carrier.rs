//! Logging through the BCC address (spec/tracking.md carrier 4): when the
//! user set the CRM's BCC address in the options, a compose with Log on
//! carries `local+<tracking id>@domain` in Bcc, so the mail itself reaches
//! the CRM's BCC inbox and the worker makes no logging request.
//!
//! The worker decides with each recipient check whether the plus-address
//! may go in (`crm::plan::check_recipients`: never with a recipient on the
//! never-log list, N5) and builds it; this feature only puts the site's
//! chip in or takes it out. At Send the chip goes out unless the recipients
//! are still exactly those last checked (the email is then logged through
//! the API, which leaves never-logged recipients out).

use super::{FeatureError, log_toggle};
use crate::crm::compose::ComposeSnapshot;
use crate::sites::Compose;
use web_sys::Element;

/// On the compose root: the plus-address it carries.
const ADDRESS_ATTR: &str = "data-crmlog-bcc";
/// On the compose root: the recipients the check that allowed it saw (as
/// [`recipients_key`] writes them).
const CHECKED_ATTR: &str = "data-crmlog-bcc-checked";

/// The chip of `address` in the compose, if any.
fn chip_of(compose: &Compose, address: &str) -> Option<Element> {
    for (chip, a) in compose.chips() {
        // The site shows the address as typed, and crmlog typed it.
        if a == address {
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

/// After a check of the recipients `key`: the plus-address `allowed` by
/// the worker goes into Bcc while Log is on; otherwise ours comes out.
pub fn sync(compose: &Compose, allowed: Option<&str>, key: &str) -> Result<(), FeatureError> {
    let root = &compose.root;
    // The address is the same for the life of the compose (its id, the
    // BCC address): kept, so that it can be taken out again.
    if let Some(a) = allowed {
        let _ = root.set_attribute(ADDRESS_ATTR, a);
    }
    let Some(address) = root.get_attribute(ADDRESS_ATTR) else {
        return Ok(());
    };
    let chip = chip_of(compose, &address);
    if allowed.is_some() && log_toggle::is_on(compose) {
        let _ = root.set_attribute(CHECKED_ATTR, key);
        if chip.is_none() {
            compose.add_bcc(&address)?;
        }
    } else if let Some(chip) = chip {
        // The recipients last allowed stay recorded: they are compared
        // only while our chip is in, and the same recipients are allowed.
        compose.remove_chip(&chip);
    }
    Ok(())
}

/// At Send (capture phase, before the site reads the compose): the
/// plus-address goes out only with the recipients the last check allowed
/// it for. Otherwise (a recipient added since, not yet checked) its chip is
/// taken out now and `snapshot` reads Bcc again, so the worker logs
/// through the API.
pub fn before_send(compose: &Compose, snapshot: &mut ComposeSnapshot) {
    let root = &compose.root;
    let Some(address) = root.get_attribute(ADDRESS_ATTR) else {
        return;
    };
    let Some(chip) = chip_of(compose, &address) else {
        return;
    };
    if root.get_attribute(CHECKED_ATTR) == Some(recipients_key(snapshot)) {
        return;
    }
    compose.remove_chip(&chip);
    // What the site now sends: read again rather than matched by text.
    snapshot.bcc = compose.recipients(2);
}
