//! Rules F: a message forwarded to the CRM's forwarding address.

use super::address::Address;
use super::decision::{Builder, Code, Decision, Direction};
use super::engine::Engine;
use super::facts;
use super::input::Forward;
use super::trace::Trace;

impl Engine {
    pub(crate) fn forward(&self, e: &Forward, t: &mut Trace) -> Decision {
        let (facts, block) = facts::from_raw_forward(&e.raw);
        let forwarder = facts.from.as_deref().map(Address::new);
        let mut b = Builder::default();

        // F3 with A1–A3; F1 only once someone is attributed.
        let user = self.attribute(forwarder.as_ref(), None, false, t);
        match user.and_then(|u| self.user_at(u)) {
            None => {
                t.note("F3", true, false);
                b.reason(
                    Code::SenderNotAuthorized,
                    "F3",
                    match &forwarder {
                        Some(f) => format!(
                            "{} is not a user, connected inbox or alias of this account",
                            f.display
                        ),
                        None => "the forward has no From address".to_string(),
                    },
                );
            }
            Some(u) => {
                t.note("F3", true, true);
                t.note("F1", true, u.email_access);
                if !u.email_access {
                    b.reason(
                        Code::NoEmailAccess,
                        "F1",
                        format!("the user {} has no email access permission", u.id),
                    );
                }
                b.attributed_to = Some(u.id.clone());
            }
        }

        // F2 / F9: the outermost forwarded block and its sender's address.
        let Some(sender) = block
            .sender
            .as_deref()
            .map(Address::new)
            .filter(Address::is_mailbox)
        else {
            if block.unsupported_language {
                t.note("F9", true, false);
                b.reason(
                    Code::UnsupportedLanguage,
                    "F9",
                    "the forwarded message header is in a language crmlog does not read yet",
                );
            } else {
                t.note("F2", true, false);
                t.note("F9", true, true);
                b.reason(
                    Code::ForwardHeaderMissing,
                    "F2",
                    "no forwarded message header with the original sender's address was found: forward the individual email",
                );
            }
            // "When several rules fail": F4–F8 are skipped.
            return b.finish();
        };
        t.note("F2", true, true);
        t.note("F9", true, true);

        // F7: both a text and an HTML part.
        if facts.has_text_part && facts.has_html_part {
            t.note("F7", true, true);
        } else {
            t.note("F7", true, false);
            let missing = if facts.has_text_part {
                "HTML"
            } else {
                "plain-text"
            };
            b.reason(
                Code::ForwardMissingPart,
                "F7",
                format!(
                    "the forward has no {missing} part: forward it with both an HTML and a plain-text part"
                ),
            );
        }

        // F4 (N), O4, F5 (D1, G1); F6: the original sender's timeline,
        // created when new; F8: nobody else.
        self.log_to(&mut b, vec![sender], "F4", true, t);
        self.sizes(
            &mut b,
            facts.body_bytes,
            facts.attachments.iter().map(|(n, b)| (n.as_deref(), *b)),
            t,
        );
        b.direction = Some(Direction::ForwardedEmail);
        b.finish()
    }
}
