//! The messages between the content script and the service worker. Both
//! sides are Rust, so the protocol is these types, serialised with serde.

use super::log::LogRequest;
use serde::{Deserialize, Serialize};

/// What a content script (or extension page) asks the service worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ToWorker {
    /// Log this sent email (Log was on at Send).
    Log {
        /// The request.
        request: LogRequest,
    },
    /// What happened to the email with this tracking id?
    Status {
        /// The id.
        tracking_id: String,
    },
    /// The settings changed: retry what waits for them.
    SettingsChanged,
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
    /// The service worker has no record of this id.
    Unknown,
}

impl LogState {
    /// Whether the state can still change without the user.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            LogState::Queued | LogState::Sending | LogState::Unknown
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
}
