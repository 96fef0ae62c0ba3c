//! The messages between the content script and the service worker. Both
//! sides are Rust, so the protocol is these types, serialised with serde.

use super::compose::ComposeSnapshot;
use serde::{Deserialize, Serialize};

/// What a content script (or extension page) asks the service worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ToWorker {
    /// Log this sent email (Log was on at Send). The content script sends
    /// what the compose showed; the worker builds and checks the request,
    /// so the content script stays small.
    Log {
        /// The compose at Send.
        snapshot: ComposeSnapshot,
    },
    /// What happened to the email with this tracking id?
    Status {
        /// The id.
        tracking_id: String,
    },
    /// The settings changed: retry what waits for them.
    SettingsChanged,
    /// The popup's view of the outbox (answered with `crm::pages::Summary`).
    Summary {
        /// The start of the user's day, as `Date.toISOString()` writes it,
        /// for the count of emails sent today.
        #[serde(default)]
        today_start: String,
    },
    /// The user's Retry of a parked item: queue it again.
    Retry {
        /// The item's tracking id.
        tracking_id: String,
    },
    /// A content script switched a feature off because the page no longer
    /// matched its selectors; the popup shows the last report of each.
    Degraded {
        /// `gmail` or `outlook`.
        site: String,
        /// The feature's registry name.
        feature: String,
        /// Censored markup (tags kept, text and attribute values dropped).
        #[serde(default)]
        snippet: String,
    },
    /// Who among these recipients will not be logged, and why (O2, O4)?
    /// Asked while composing; the snapshot's body, subject and ids may be
    /// empty. Answered with [`super::plan::RecipientCheck`].
    Check {
        /// The compose as it is now.
        snapshot: ComposeSnapshot,
    },
    /// What a new compose starts with ([`ComposeDefaults`]).
    ComposeDefaults,
    /// "Log this email": log a raw RFC 5322 message by the rules M.
    /// Answered with a [`Status`] whose `tracking_id` names the item.
    LogRaw {
        /// The raw message as text (the mail UI's original-message view);
        /// empty when `shown` stands in for it.
        #[serde(default)]
        raw: String,
        /// What the page shows of the message, where the site offers no
        /// raw source (Outlook's reading pane).
        #[serde(default)]
        shown: Option<ComposeSnapshot>,
        /// The signed-in address, or page text holding it (the page title);
        /// with the aliases from the options it tells a sent message from a
        /// received one (M2).
        user: String,
    },
    /// A message shown in a thread that holds an email crmlog logged: may
    /// rules R log it, and (with "log replies from the browser") log it
    /// once. For the logged email itself, records its Message-ID against
    /// its tracking id (spec/tracking.md, "After send"). Answered with a
    /// [`Status`]; `Unknown` for the user's own messages.
    Reply {
        /// The raw message; empty when `shown` stands in for it.
        #[serde(default)]
        raw: String,
        /// What the page shows of it (see `LogRaw`).
        #[serde(default)]
        shown: Option<ComposeSnapshot>,
        /// The signed-in address, or page text holding it.
        user: String,
        /// `location.pathname` + `location.hash`: the folder the page shows
        /// (R6) and which site it is.
        place: String,
        /// The mail UI's id of the conversation (Gmail's thread id,
        /// Outlook's item id), recorded with a logged email.
        #[serde(default)]
        thread: String,
    },
    /// The status of the email logged in this conversation, for its row in
    /// the sent list (or any message list); `Unknown` when there is none.
    RowStatus {
        /// The mail UI's id of the conversation, as in `Reply`.
        thread: String,
    },
}

/// What a new compose starts with: the Log and Track defaults from the
/// settings, and where the open-tracking pixel points (spec/tracking.md,
/// carrier 3; `None` when no pixel address is known, so Track is off and
/// says why).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposeDefaults {
    /// Log on for a new compose (O3: the user can switch it off).
    pub log: bool,
    /// Track on for a new compose (O7: independent of Log).
    pub track: bool,
    /// The pixel base URL.
    #[serde(default)]
    pub pixel_base: Option<String>,
}

/// Where a logging request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogState {
    /// Waiting in the outbox (also while the CRM is unreachable or the
    /// token needs fixing).
    Queued,
    /// Being sent now.
    Sending,
    /// The CRM confirmed it.
    Logged,
    /// The CRM refused it; it will not be retried without the user.
    Parked,
    /// The rules refused it; nothing was sent (`reasons` say why).
    Refused,
    /// A reply rules R let be logged, left to the CRM's connected inbox
    /// ("log replies from the browser" is off).
    Loggable,
    /// The service worker has no record of this id.
    Unknown,
    /// The email went to the CRM's BCC address (carrier 4); the CRM has
    /// not shown it logged yet.
    SentToBcc,
}

impl LogState {
    /// The wire name (as serde writes it).
    pub fn name(self) -> &'static str {
        match self {
            LogState::Queued => "queued",
            LogState::Sending => "sending",
            LogState::Logged => "logged",
            LogState::Parked => "parked",
            LogState::Refused => "refused",
            LogState::Loggable => "loggable",
            LogState::Unknown => "unknown",
            LogState::SentToBcc => "sent_to_bcc",
        }
    }

    /// The state with this wire name.
    pub fn from_name(name: &str) -> Option<LogState> {
        [
            LogState::Queued,
            LogState::Sending,
            LogState::Logged,
            LogState::Parked,
            LogState::Refused,
            LogState::Loggable,
            LogState::Unknown,
            LogState::SentToBcc,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }

    /// Whether the state can still change without the user.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            LogState::Queued | LogState::Sending | LogState::Unknown | LogState::SentToBcc
        )
    }
}

/// The answer to [`ToWorker::Status`] (and to [`ToWorker::Log`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// The state.
    pub state: LogState,
    /// The CRM's email id once logged.
    #[serde(default)]
    pub email_id: Option<String>,
    /// The last error, shown to the user (the CRM's own message for a
    /// parked item).
    #[serde(default)]
    pub error: Option<String>,
    /// Reason codes (logging-rules.md): why it was refused, or who was left
    /// out of a logged email.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// The item's tracking id, in the answer to [`ToWorker::LogRaw`] (the
    /// page learns there which id to follow); empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tracking_id: String,
    /// Once logged: where the CRM shows the timeline of the contact it was
    /// logged to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Status {
    /// A status in `state` with nothing else known yet (no email id, error,
    /// reasons, id or link): the base the worker's answers are built on.
    pub fn new(state: LogState) -> Status {
        Status {
            state,
            email_id: None,
            error: None,
            reasons: Vec::new(),
            tracking_id: String::new(),
            link: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_messages_read_as_the_pages_and_content_scripts_send_them() {
        let m: ToWorker = serde_json::from_str(
            r#"{"kind":"degraded","site":"gmail","feature":"log_toggle","snippet":"<div></div>"}"#,
        )
        .unwrap();
        assert_eq!(
            m,
            ToWorker::Degraded {
                site: "gmail".into(),
                feature: "log_toggle".into(),
                snippet: "<div></div>".into()
            }
        );
        let m: ToWorker =
            serde_json::from_str(r#"{"kind":"retry","tracking_id":"crml-x"}"#).unwrap();
        assert_eq!(
            m,
            ToWorker::Retry {
                tracking_id: "crml-x".into()
            }
        );
        let m: ToWorker = serde_json::from_str(r#"{"kind":"summary"}"#).unwrap();
        assert_eq!(
            m,
            ToWorker::Summary {
                today_start: String::new()
            }
        );
        assert!(serde_json::from_str::<ToWorker>(r#"{"kind":"retry"}"#).is_err());
    }

    #[test]
    fn state_names_match_serde() {
        for s in [
            LogState::Queued,
            LogState::Sending,
            LogState::Logged,
            LogState::Parked,
            LogState::Refused,
            LogState::Loggable,
            LogState::Unknown,
            LogState::SentToBcc,
        ] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.name())
            );
            assert_eq!(LogState::from_name(s.name()), Some(s));
        }
        assert_eq!(LogState::from_name("nope"), None);
    }
}
