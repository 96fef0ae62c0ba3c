//! Rules B: a message the CRM received through its BCC address.

use super::address::Address;
use super::decision::{Builder, Code, Decision, Direction};
use super::engine::Engine;
use super::facts;
use super::input::{Bcc, InputError};
use super::trace::Trace;

impl Engine {
    pub(crate) fn bcc(&self, e: &Bcc, t: &mut Trace) -> Result<Decision, InputError> {
        let extension_user = match &e.extension_user {
            Some(id) => Some(self.user(id, "extension_user")?),
            None => None,
        };
        let facts = facts::from_raw(&e.raw);
        let from = facts.from.as_deref().map(Address::new);
        let mut b = Builder::default();

        // A1–A5, B2; B1 only once someone is attributed.
        let user = self.attribute(from.as_ref(), extension_user, true, t);
        match user.and_then(|u| self.user_at(u)) {
            None => {
                t.note("B2", true, false);
                b.reason(
                    Code::SenderNotAuthorized,
                    "B2",
                    match &from {
                        Some(f) => format!(
                            "{} is not a user, connected inbox, alias or team inbox of this account",
                            f.display
                        ),
                        None => "the email has no From address".to_string(),
                    },
                );
            }
            Some(u) => {
                t.note("B2", true, true);
                t.note("B1", true, u.email_access);
                if !u.email_access {
                    b.reason(
                        Code::NoEmailAccess,
                        "B1",
                        format!("the user {} has no email access permission", u.id),
                    );
                }
                b.attributed_to = Some(u.id.clone());
            }
        }

        // B3–B5: To and Cc, as outgoing (decide.md).
        let people = self.recipients(facts.to.iter().chain(&facts.cc));
        self.log_recipients(&mut b, people, "B3", t);
        // B6: within S1 and S2.
        self.sizes(
            &mut b,
            facts.body_bytes,
            facts.attachments.iter().map(|(n, b)| (n.as_deref(), *b)),
            t,
        );
        b.direction = Some(Direction::Email);
        Ok(b.finish())
    }
}
