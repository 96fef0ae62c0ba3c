//! Rules R: a reply that arrives in a connected inbox.

use super::address::Address;
use super::decision::{Builder, Code, Decision, Direction};
use super::engine::Engine;
use super::facts::{self, Facts};
use super::input::{Provider, Reply};
use super::trace::Trace;

impl Engine {
    pub(crate) fn reply(&self, e: &Reply, t: &mut Trace) -> Decision {
        let facts = facts::from_raw(&e.raw);
        let sender = facts.from.as_deref().map(Address::new);
        let mut b = Builder::default();

        // R11: the thread, by In-Reply-To / References, then tracking id;
        // never by subject.
        let Some(thread) = self.find_thread(&facts) else {
            // "When several rules fail": exactly one code, no other check.
            let has_headers = !facts.thread_refs.is_empty() || facts.tracking_id.is_some();
            let is_contact = sender.as_ref().is_some_and(|s| self.contact(s).is_some());
            if !has_headers && !is_contact {
                t.note("R9", true, false);
                b.reason(
                    Code::NewThreadFromNonContact,
                    "R9",
                    "a new email from someone who is not a contact is not logged",
                );
            } else {
                t.note("R1", true, false);
                t.note("R11", has_headers, false);
                b.reason(
                    Code::OriginalNotLogged,
                    "R1",
                    "the email this replies to was not logged",
                );
            }
            return b.finish();
        };
        t.note("R1", true, true);
        t.note("R11", true, true);
        t.note("R9", true, true);
        let Some(th) = self.threads.get(thread) else {
            return b.finish();
        };

        // R2 (N), O4, D1, G1 on the sender; R5: an existing contact.
        match &sender {
            Some(s) => {
                self.log_to(&mut b, vec![s.clone()], "R2", false, t);
                if self.contact(s).is_some() {
                    t.note("R5", true, true);
                } else {
                    t.note("R5", true, false);
                    b.reason(
                        Code::SenderNotContact,
                        "R5",
                        format!(
                            "{} is not a contact: log it by hand or forward it, then merge the two contacts",
                            s.display
                        ),
                    );
                }
            }
            None => {
                t.note("R5", true, false);
                b.reason(
                    Code::SenderNotContact,
                    "R5",
                    "the reply has no sender address",
                );
            }
        }

        self.folder(&mut b, &e.folder, t);
        self.reply_inbox(&mut b, th, &e.delivered_to, t);
        self.sizes(
            &mut b,
            facts.body_bytes,
            facts.attachments.iter().map(|(n, b)| (n.as_deref(), *b)),
            t,
        );
        b.direction = Some(Direction::IncomingEmail);
        b.attributed_to = self.user_at(th.started_by).map(|u| u.id.clone());
        b.finish()
    }

    /// R11: the logged thread a message belongs to.
    pub(crate) fn find_thread(&self, facts: &Facts) -> Option<usize> {
        facts
            .thread_refs
            .iter()
            .find_map(|id| self.thread_by_message_id(id))
            .or_else(|| {
                facts
                    .tracking_id
                    .as_deref()
                    .and_then(|id| self.thread_by_tracking_id(id))
            })
    }

    /// R6: the main Inbox only. Spam and Junk (also as the last segment of
    /// a path such as `[Gmail]/Spam` or `INBOX.Junk`, and Outlook's
    /// "Junk E-mail") are `spam_folder`; anything else but `INBOX` is
    /// `not_in_inbox_folder`. Names compare ignoring case.
    fn folder(&self, b: &mut Builder, folder: &str, t: &mut Trace) {
        let name = folder.trim().to_lowercase();
        let last = name.rsplit(['/', '.', '\\']).next().unwrap_or(&name).trim();
        let spam = ["spam", "junk", "junk e-mail", "junk email", "bulk mail"];
        if spam.contains(&last) || spam.contains(&name.as_str()) {
            t.note("R6", true, false);
            b.reason(
                Code::SpamFolder,
                "R6",
                format!("the reply is in the {} folder", folder.trim()),
            );
        } else if name != "inbox" {
            t.note("R6", true, false);
            b.reason(
                Code::NotInInboxFolder,
                "R6",
                format!(
                    "the reply is in the folder \"{}\", not in the Inbox",
                    folder.trim()
                ),
            );
        } else {
            t.note("R6", true, true);
        }
    }

    /// R3, R4, R7, R8, R10: where the reply was delivered.
    fn reply_inbox(
        &self,
        b: &mut Builder,
        th: &super::engine::ThreadIx,
        delivered: &str,
        t: &mut Trace,
    ) {
        let delivered = Address::new(delivered);
        let starter = self.user_at(th.started_by);
        // The inbox the reply landed in, as the account knows it now:
        // (provider, connected) for a personal inbox, (None, connected) for
        // a team inbox.
        let personal = self
            .users
            .iter()
            .find_map(|u| u.inboxes.get(delivered.key()).copied());
        let team = self.teams.get(delivered.key());

        if th.team {
            if delivered.key() == th.inbox {
                t.note("R4", true, true);
                t.note("R7", true, true);
            } else if personal.is_some() {
                // R7: answered mid-thread from a personal inbox.
                t.note("R7", true, false);
                b.reason(
                    Code::TeamThreadSwitched,
                    "R7",
                    "the thread was started from a team inbox but this reply went to a personal inbox",
                );
            } else {
                t.note("R4", true, false);
                b.reason(
                    Code::ReplyToOtherInbox,
                    "R4",
                    "the reply was delivered to an inbox other than the thread's team inbox",
                );
            }
        } else if starter.is_some_and(|u| u.inboxes.contains_key(delivered.key())) {
            t.note("R4", true, true);
        } else {
            t.note("R4", true, false);
            b.reason(
                Code::ReplyToOtherInbox,
                "R4",
                "the reply was delivered to an inbox of someone other than the user who started the thread",
            );
        }

        // R3: the inbox it landed in must be connected. A team thread's own
        // team inbox that the account no longer has counts as disconnected.
        let connected = match (personal, team) {
            (Some((_, c)), _) => Some(c),
            (None, Some(team)) => Some(team.connected),
            (None, None) if th.team && delivered.key() == th.inbox => Some(false),
            (None, None) => None,
        };
        match connected {
            Some(true) => t.note("R3", true, true),
            Some(false) => {
                t.note("R3", true, false);
                b.reason(
                    Code::InboxDisconnected,
                    "R3",
                    format!("the inbox {} is not connected", delivered.display),
                );
            }
            None => {}
        }

        // R8: the thread's inbox is now connected with another provider.
        if !th.team
            && let Some(then) = th.provider
            && let Some((now, _)) = starter.and_then(|u| u.inboxes.get(&th.inbox))
        {
            if *now == then {
                t.note("R8", true, true);
            } else {
                t.note("R8", true, false);
                b.reason(
                    Code::ProviderChanged,
                    "R8",
                    format!(
                        "the thread was started while the inbox was connected with {}, and it is now connected with {}: reconnect with the right provider",
                        then.as_str(),
                        now.as_str()
                    ),
                );
            }
        }

        // R10: the provider that really hosts the inbox's domain; an IMAP
        // connection never triggers it.
        if let Some((provider, _)) = personal
            && provider != Provider::Imap
            && let Some(real) = self.provider_of(delivered.domain())
        {
            if real == provider {
                t.note("R10", true, true);
            } else {
                t.note("R10", true, false);
                b.reason(
                    Code::WrongProvider,
                    "R10",
                    format!(
                        "the inbox {} is hosted by {} but was connected as {}",
                        delivered.display,
                        real.as_str(),
                        provider.as_str()
                    ),
                );
            }
        }
    }
}
