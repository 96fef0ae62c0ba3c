//! The Gmail adapter, as data: [`SITE`] describes Gmail's compose windows
//! and messages with the selectors of `selectors.rs`, the only place that
//! knows Gmail's DOM. The reading itself is site-agnostic (`sites`).

pub mod selectors;

use super::{ChipRead, ComposeRoot, RawSource, Site, Typed};
use selectors as sel;

pub use super::{Compose, MessageView, Missing};

/// Gmail (`mail.google.com`).
pub static SITE: Site = Site {
    name: "gmail",
    compose: ComposeRoot::Element {
        root: sel::COMPOSE_DIALOG,
        holds: sel::COMPOSE_FORM,
    },
    from: sel::FROM,
    subject: &[sel::SUBJECT[0], sel::INLINE_SUBJECT],
    // Gmail's inline reply keeps a (hidden) subject input of its own.
    subject_in_page: &[],
    body: sel::BODY,
    send: sel::SEND,
    recipient_fields: [
        &[sel::RECIPIENT_FIELDS[0].1],
        &[sel::RECIPIENT_FIELDS[1].1],
        &[sel::RECIPIENT_FIELDS[2].1],
    ],
    recipient_any: "",
    chip: sel::CHIP,
    chip_remove: sel::CHIP_REMOVE,
    bcc_open: sel::BCC_OPEN,
    chip_read: ChipRead::Attrs {
        address: "data-hovercard-id",
        name: "data-name",
    },
    typed: Typed::Input(sel::RECIPIENT_INPUT),
    message: sel::MESSAGE,
    message_body: sel::MESSAGE_BODY,
    message_header: sel::MESSAGE_HEADER,
    thread: sel::THREAD,
    raw: RawSource::GmailOriginal,
    thread_key: (sel::THREAD_SUBJECT, sel::LEGACY_THREAD_ID),
    list_row: sel::LIST_ROW,
    row_key: (sel::ROW_THREAD, sel::LEGACY_THREAD_ID),
    row_anchor: sel::ROW_SUBJECT,
};
