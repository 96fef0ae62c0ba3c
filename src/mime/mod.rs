//! Reading raw RFC 5322 messages: the message model, forwarded blocks and
//! threading. Never panics on any input.

pub mod forward;
pub mod html;
