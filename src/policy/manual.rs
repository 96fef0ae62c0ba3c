//! Rules M: "Log this email" from the mail UI.

use super::address::Address;
use super::decision::{Builder, Code, Decision, Direction};
use super::engine::Engine;
use super::facts;
use super::input::{InputError, Manual};
use super::trace::Trace;

impl Engine {
    pub(crate) fn manual(&self, e: &Manual, t: &mut Trace) -> Result<Decision, InputError> {
        let user_ix = self.user(&e.user, "user")?;
        let Some(user) = self.user_at(user_ix) else {
            return Err(InputError::new("user", "names no user of the account"));
        };
        let facts = facts::from_raw(&e.raw);
        let from = facts.from.as_deref().map(Address::new);
        let mut b = Builder::default();

        // M1.
        t.note("M1", true, user.email_access);
        if !user.email_access {
            b.reason(
                Code::NoEmailAccess,
                "M1",
                format!("the user {} has no email access permission", user.id),
            );
        }

        // M2: sent by the user (From is one of the user's addresses or a
        // team inbox the user connected) or received.
        let sent = from.as_ref().is_some_and(|f| {
            user.addresses.contains(f.key())
                || self
                    .teams
                    .get(f.key())
                    .is_some_and(|team| team.connected_by == user_ix)
        });
        if sent {
            t.note("M2", true, false);
            let people = self.recipients(facts.to.iter().chain(&facts.cc).chain(&facts.bcc));
            self.log_recipients(&mut b, people, "M3", t);
            b.direction = Some(Direction::Email);
        } else {
            t.note("M2", true, true);
            match from {
                // M3: N, O4, D1, G1 and O5 on the sender; F8: Cc is left
                // alone.
                Some(f) if f.is_mailbox() => self.log_to(&mut b, vec![f], "M3", true, t),
                _ => b.reason(
                    Code::SenderNotContact,
                    "M2",
                    "the message has no sender address to log it to",
                ),
            }
            b.direction = Some(Direction::IncomingEmail);
        }
        self.sizes(
            &mut b,
            facts.body_bytes,
            facts.attachments.iter().map(|(n, b)| (n.as_deref(), *b)),
            t,
        );
        b.attributed_to = Some(user.id.clone());
        Ok(b.finish())
    }
}
