//! The Outlook on the web adapter, as data: [`SITE`] describes Outlook's
//! composes (new message and inline reply in the reading pane, pop-out
//! window) and reading-pane messages with the selectors of `selectors.rs`,
//! the only place that knows Outlook's DOM.

pub mod selectors;

use super::{ChipRead, ComposeRoot, RawSource, Site, Typed};
use selectors as sel;

/// Outlook on the web (`outlook.office.com`, `outlook.office365.com`,
/// `outlook.live.com`).
pub static SITE: Site = Site {
    name: "outlook",
    // No attribute marks an inline compose (it sits in the reading pane's
    // main, BR); the pop-out's `Form_Content` is around the same parts.
    compose: ComposeRoot::AroundBody,
    from: sel::FROM,
    subject: sel::SUBJECT,
    subject_in_page: sel::SUBJECT_IN_PAGE,
    body: sel::BODY,
    send: sel::SEND,
    recipient_fields: [
        sel::RECIPIENT_FIELDS[0].1,
        sel::RECIPIENT_FIELDS[1].1,
        sel::RECIPIENT_FIELDS[2].1,
    ],
    recipient_any: sel::RECIPIENT_ANY,
    chip: sel::CHIP,
    chip_remove: sel::CHIP_REMOVE,
    bcc_open: sel::BCC_OPEN,
    chip_read: ChipRead::Text(sel::CHIP_TEXT),
    typed: Typed::OwnText,
    message: sel::MESSAGE,
    message_body: sel::MESSAGE_BODY,
    message_header: sel::MESSAGE_HEADER,
    thread: sel::THREAD,
    // No URL for the message source is known (notes): the reading pane.
    raw: RawSource::Pane {
        lines: sel::MESSAGE_HEADER[0],
        person: sel::PERSON,
    },
    // The message shown is the list's selected row, whose `id` is the
    // ItemId (OWS), as on its row in Sent Items.
    thread_key: (sel::SELECTED_ROW, "id"),
    list_row: sel::LIST_ROW[0],
    row_key: ("", "id"),
    row_anchor: &[],
};
