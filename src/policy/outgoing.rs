//! Rules O: an email sent from the web mail UI with the extension.

use super::address::Address;
use super::decision::{Builder, Code, Decision, Direction};
use super::engine::Engine;
use super::input::{InputError, Outgoing};
use super::trace::Trace;

impl Engine {
    pub(crate) fn outgoing(&self, e: &Outgoing, t: &mut Trace) -> Result<Decision, InputError> {
        let user = self.user(&e.user, "user")?;
        let mut b = Builder::default();
        // O3: with the toggle off nothing is logged; the other checks are
        // still made so that the answer lists everything that would block.
        if e.log {
            t.note("O3", true, true);
        } else {
            t.note("O3", true, false);
            b.reason(
                Code::LogToggleOff,
                "O3",
                "the Log toggle was off when the email was sent",
            );
        }
        // O1: To, Cc and Bcc alike, less the CRM's own addresses.
        let people = self.recipients(e.to.iter().chain(&e.cc).chain(&e.bcc));
        self.log_recipients(&mut b, people, "O2", t);
        self.sizes(
            &mut b,
            e.body_bytes,
            e.attachments.iter().map(|a| (a.name.as_deref(), a.bytes)),
            t,
        );
        b.direction = Some(Direction::Email);
        b.attributed_to = self.user_at(user).map(|u| u.id.clone());
        Ok(b.finish())
    }

    /// Reads recipients, leaving out the CRM's own addresses.
    pub(crate) fn recipients<'a>(&self, list: impl Iterator<Item = &'a String>) -> Vec<Address> {
        list.map(|s| Address::new(s))
            .filter(|a| !a.display.is_empty() && !self.is_crm_own(a))
            .collect()
    }

    /// O1, O2, O4, O5, O6 over recipients (also B3–B5 and M3). An email
    /// with no recipient left to consider is refused under O4: it has no
    /// one outside the account to be logged to.
    pub(crate) fn log_recipients(
        &self,
        b: &mut Builder,
        people: Vec<Address>,
        never_rule: &'static str,
        t: &mut Trace,
    ) {
        if people.is_empty() {
            t.note("O4", true, false);
            b.reason(
                Code::InternalRecipient,
                "O4",
                "the email has no recipient outside the account",
            );
            return;
        }
        self.log_to(b, people, never_rule, true, t);
    }
}
