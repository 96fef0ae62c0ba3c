//! The few facts the rules read from a raw RFC 5322 message: addresses,
//! threading ids, tracking ids, body and attachment sizes, and the
//! forwarded block (F2, F9).
//!
//! The message is read by `crate::mime::parse` and threaded by
//! `crate::mime::thread`, tracking ids by `crate::tracking::find`, and the
//! forwarded block (F2, F9) by `crate::mime::forward::parse_message`.

use crate::mime::{self, forward, thread};

/// What the rules need from a raw message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    /// The first From address that has one (as written, trimmed).
    pub from: Option<String>,
    /// To addresses.
    pub to: Vec<String>,
    /// Cc addresses.
    pub cc: Vec<String>,
    /// Bcc addresses (present in sent copies).
    pub bcc: Vec<String>,
    /// In-Reply-To then References, each with angle brackets (R11).
    pub thread_refs: Vec<String>,
    /// The tracking id all carriers agree on (tracking.md), if any.
    pub tracking_id: Option<String>,
    /// S1: UTF-8 length of the decoded text and HTML body parts.
    pub body_bytes: u64,
    /// S2: attachments with their decoded sizes.
    pub attachments: Vec<(Option<String>, u64)>,
    /// F7: a text/plain part exists.
    pub has_text_part: bool,
    /// F7: a text/html part exists.
    pub has_html_part: bool,
    /// The first text body, decoded (for the forwarded block).
    pub text: Option<String>,
    /// The first HTML body, decoded.
    pub html: Option<String>,
}

/// What F2/F9 need from the forwarded block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ForwardFacts {
    /// The original sender's address, when a block with one was found.
    pub sender: Option<String>,
    /// F9: a block recognised by structure, labels in no known language.
    pub unsupported_language: bool,
}

/// Reads the facts of a raw message. Never panics; an unreadable message
/// gives what could be read.
pub(crate) fn from_raw(raw: &[u8]) -> Facts {
    from_message(mime::parse(raw))
}

/// Reads the facts of a forward, with its outermost forwarded block.
pub(crate) fn from_raw_forward(raw: &[u8]) -> (Facts, ForwardFacts) {
    let msg = mime::parse(raw);
    let found = forward::parse_message(&msg);
    let block = ForwardFacts {
        sender: found
            .email
            .and_then(|e| e.from)
            .map(|m| m.address.trim().to_string())
            .filter(|a| !a.is_empty()),
        unsupported_language: found.unsupported_language,
    };
    (from_message(msg), block)
}

fn from_message(msg: mime::Message) -> Facts {
    let addresses = |list: &[mime::Mailbox]| -> Vec<String> {
        list.iter()
            .map(|m| m.address.trim())
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect()
    };
    // R11: most specific first (In-Reply-To, then References newest
    // first), each once, never the message's own id.
    let headers = thread::ThreadHeaders::from(&msg);
    let thread_refs = thread::parent_ids(&headers)
        .into_iter()
        .map(|id| format!("<{id}>"))
        .collect();
    let tracking_id = crate::tracking::find(&msg)
        .id()
        .map(|id| id.as_str().to_string());
    Facts {
        from: addresses(&msg.from).into_iter().next(),
        to: addresses(&msg.to),
        cc: addresses(&msg.cc),
        bcc: addresses(&msg.bcc),
        thread_refs,
        tracking_id,
        body_bytes: msg.body_bytes,
        attachments: msg
            .attachments
            .iter()
            .map(|a| (a.name.clone(), a.bytes))
            .collect(),
        has_text_part: msg.has_text_part,
        has_html_part: msg.has_html_part,
        text: msg.text,
        html: msg.html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "From: Bob <Bob@Client.example>\r\nTo: anna@acme.example\r\nIn-Reply-To: <a@b>\r\nReferences: <r@b> <a@b>\r\nContent-Type: text/plain\r\n\r\nHi\r\n";

    #[test]
    fn reads_addresses_and_threading() {
        let f = from_raw(REPLY.as_bytes());
        assert_eq!(f.from.as_deref(), Some("Bob@Client.example"));
        assert_eq!(f.to, vec!["anna@acme.example"]);
        assert_eq!(f.thread_refs, vec!["<a@b>", "<r@b>"]);
        assert!(f.has_text_part && !f.has_html_part);
        assert_eq!(f.body_bytes, 4);
    }

    #[test]
    fn garbage_gives_facts_without_panicking() {
        for raw in [
            &b""[..],
            b"\xff\xfe",
            b"From:\r\n\r\n",
            b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x",
        ] {
            assert_eq!(from_raw(raw).from, None);
            assert_eq!(from_raw_forward(raw).1.sender, None);
        }
    }
}
