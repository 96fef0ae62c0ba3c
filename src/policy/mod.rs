//! The logging rules of `spec/logging-rules.md` as pure functions: events in,
//! `Decision` values out. Never does I/O.
//!
//! Build an [`Engine`] once per account (it indexes users, contacts and the
//! never-log list) and call [`Engine::decide`] per event; [`decide`] does
//! both for one event. Every refusal carries its reason code and rule id
//! (see [`Code`]); the JSON of a [`Decision`] is the contract of
//! `spec/decide.md`.

mod address;
mod bcc;
mod decision;
mod engine;
mod facts;
mod forward;
mod input;
mod manual;
mod never_log;
mod outgoing;
mod reply;
mod time;
mod trace;

pub use address::Address;
pub use decision::{Code, Decision, Direction, DroppedAttachment, Excluded, Reason};
pub use engine::{ATTACHMENT_LIMIT, BODY_LIMIT, Engine, MB};
pub use input::{
    Account, AttachmentInput, Bcc, Contact, Deal, Event, EventInput, Forward, Inbox, InputError,
    Kind, LoggedThread, Manual, Outgoing, Provider, Reply, TeamInbox, User, account_from_json,
    event_from_json, event_input_from_json,
};
pub use never_log::{Entry, EntryError, EntryKind, ListError, Match, MatchKind, NeverLogList};
pub use trace::Trace;

/// Every rule id that can change a decision and that the trace records
/// (docs/policy.md explains the choice); tests prove each one both decides
/// a case and is passed by one.
pub const TRACED_RULES: &[&str] = &[
    "N2", "N3", "N4", "N6", "O2", "O3", "O4", "S1", "S2", "D1", "G1", "R1", "R2", "R3", "R4", "R5",
    "R6", "R7", "R8", "R9", "R10", "R11", "B1", "B2", "B3", "F1", "F2", "F3", "F4", "F7", "F9",
    "M1", "M2", "M3", "A1", "A2", "A3", "A4", "A5",
];

impl Engine {
    /// Decides one event. Errors only for invalid input (a user id that no
    /// user has); every valid event gets a decision.
    pub fn decide(&self, event: &Event) -> Result<Decision, InputError> {
        self.decide_traced(event, &mut Trace::off())
    }

    /// [`decide`](Self::decide), recording every rule checked in `trace`.
    pub fn decide_traced(&self, event: &Event, trace: &mut Trace) -> Result<Decision, InputError> {
        match event {
            Event::Outgoing(e) => self.outgoing(e, trace),
            Event::Reply(e) => Ok(self.reply(e, trace)),
            Event::Bcc(e) => self.bcc(e, trace),
            Event::Forward(e) => Ok(self.forward(e, trace)),
            Event::Manual(e) => self.manual(e, trace),
        }
    }
}

/// Decides one event for an account (builds the [`Engine`] each call).
pub fn decide(account: &Account, event: &Event) -> Result<Decision, InputError> {
    Engine::new(account)?.decide(event)
}

/// JSON in, JSON out: the account and event as decide.md writes them (raw
/// messages inline in `raw`), the decision as one line of JSON. The
/// browser and the command line print these same bytes.
pub fn decide_json(account: &str, event: &str) -> Result<String, InputError> {
    let account = account_from_json(account)?;
    let event = event_from_json(event)?;
    Ok(decide(&account, &event)?.to_json())
}
