//! Every Gmail selector crmlog uses, in one place. Each list is tried in
//! order: role/aria/name forms first, class-name fallbacks after. Sources
//! (InboxSDK, gmail.js, FlowCrypt, Mailvelope, Briskine) are summarised in
//! ../shared/notes/web-mail-dom.md; the replica pages under
//! tests/fixtures/sites/gmail/ reproduce the structure these rely on.

/// A compose window is a dialog (floating or full-screen), an inline
/// reply's `.M9` inside the message's `.ip`, which gets `adB` while the
/// reply is open, or the `.M9` in the stand-alone compose window, whose
/// body has `xE xp` (InboxSDK); each is a compose only when it holds a form
/// (InboxSDK, gmail.js).
pub const COMPOSE_DIALOG: &str = "div[role=dialog], div.ip.adB div.M9, body.xE div.M9";
/// The form inside a compose.
pub const COMPOSE_FORM: &str = "form";
/// The hidden sender field (`input[name=from]`, gmail.js, FlowCrypt).
pub const FROM: &[&str] = &["input[name=from]"];
/// The subject input.
pub const SUBJECT: &[&str] = &["input[name=subjectbox]"];
/// An inline reply has no subject box, only a hidden `subject` input
/// (InboxSDK, gmail.js).
pub const INLINE_SUBJECT: &str = "input[name=subject]";
/// The editable body: FlowCrypt's live test uses the aria-label; older
/// extensions the class names or InboxSDK's `g_editable`.
pub const BODY: &[&str] = &[
    "div[aria-label=\"Message Body\"][contenteditable=true]",
    "div.Am.Al[contenteditable=true]",
    "div[g_editable=true]",
];
/// The Send button: by tooltip (FlowCrypt), then InboxSDK's structural
/// selector without send+archive and the schedule arrow, then gmail.js's
/// class pair, which the schedule arrow shares, so it is excluded too.
pub const SEND: &[&str] = &[
    "div[role=button][data-tooltip^=\"Send\"]",
    ".IZ .Up div > div[role=button]:not(.Uo):not([aria-haspopup=true])",
    "div.T-I.T-I-atl:not([aria-haspopup=true])",
];
/// The recipient fields by kind (UI since 2021).
pub const RECIPIENT_FIELDS: [(&str, &str); 3] = [
    ("to", "div[name=to]"),
    ("cc", "div[name=cc]"),
    ("bcc", "div[name=bcc]"),
];
/// A recipient chip; its `data-hovercard-id` is the address.
pub const CHIP: &str = "div[role=option][data-hovercard-id]";
/// The remove control of a chip (MV: `div.afX[aria-label]`, "Remove …").
pub const CHIP_REMOVE: &[&str] = &["div.afX[role=button]", "div.afX"];
/// The link that shows the hidden Bcc field: `span.aB.gQ.pB` with
/// `role=link` (ISDK, GJS; `pE` is Cc's). ⚠ Whether the hidden field is
/// absent or only not shown is not in the sources: a present field is used
/// as it is.
pub const BCC_OPEN: &[&str] = &["span.aB.gQ.pB[role=link]", "span.aB.gQ.pB"];
/// The typing box of a recipient field: text not yet turned into a chip.
pub const RECIPIENT_INPUT: &str = "input[role=combobox]";
/// One message in a thread: carries `data-message-id`.
pub const MESSAGE: &str = "div.adn[data-message-id]";
/// The header line of a message where the sender is shown (`h3.iw`).
pub const MESSAGE_HEADER: &[&str] = &["h3.iw", "td.gF", ".gE"];
/// The message body.
pub const MESSAGE_BODY: &[&str] = &["div.a3s", "div.ii.gt"];
/// A conversation in the thread view, around its subject and messages:
/// `.a98.iY` since 2023-11, `div.if` and `.PeIF1d` before (ISDK, GJS).
pub const THREAD: &str = "div.a98.iY, div.if, div.PeIF1d";
/// The thread view's subject, which carries the thread's ids (ISDK, GJS).
pub const THREAD_SUBJECT: &str = "h2.hP[data-legacy-thread-id]";
/// The thread's legacy (hex) id, on the thread view's subject and on the
/// list row's subject span (ISDK, GJS).
pub const LEGACY_THREAD_ID: &str = "data-legacy-thread-id";
/// A row of the thread list, also of the sent list (ISDK, GJS).
pub const LIST_ROW: &str = "tr.zA[role=row]";
/// The span in a row that carries the thread's ids (GJS).
pub const ROW_THREAD: &str = "span[data-legacy-thread-id]";
/// The subject in a row, where a status badge goes (ISDK).
pub const ROW_SUBJECT: &[&str] = &["td.a4W div.y6", "td.a4W"];
/// Our body marker (spec/tracking.md, carrier 2), the same on every site.
pub const TRACKING_MARKER: &str = crate::sites::TRACKING_MARKER;
