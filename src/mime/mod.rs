//! Reading raw RFC 5322 messages: the message model, forwarded blocks and
//! threading. Never panics on any input.

pub mod forward;
pub mod html;
pub mod message;

pub use message::{Attachment, Diagnostic, Mailbox, Message, PartInfo, inspect, parse};
pub mod thread;
