//! Every Outlook on the web selector crmlog uses, in one place. Each list is
//! tried in order: role/aria/data forms first, class-name fallbacks after
//! (Outlook's class names are hashed and churn). Sources, as keyed in
//! ../shared/notes/web-mail-dom.md: BR = Briskine `outlook.js` (2026),
//! MV = Mailvelope (2019), TG = Toggl Track `outlook.js` (2022–2024),
//! EVI = evicypher (2022), OWS = outlook-web-skill's live accessibility-tree
//! captures (2026), WD = wd-extension-poc (2024). ⚠ marks a form inferred
//! where the notes found nothing. The replica pages under
//! tests/fixtures/sites/outlook/ reproduce the structure these rely on.

/// The editable body of a compose (BR: contenteditable with
/// `aria-multiline=true`; the aria-label "Message body" is in unattributed
/// snippets only, so it is the second form).
pub const BODY: &[&str] = &[
    "div[contenteditable=true][aria-multiline=true]",
    "div[contenteditable=true][aria-label^=\"Message body\"]",
];
/// The Send button: the accessible name "Send" by `name` (TG 2022), the
/// button inside TG's `ComposeSendButton` test id (2023–2024), and the
/// title "Send (Ctrl+Enter)" (⚠ one test page object). EVI's
/// `.ms-Button--primary` is left out: every primary button has it.
pub const SEND: &[&str] = &[
    "button[name=Send]",
    "div[data-testid=ComposeSendButton] button",
    "button[title^=\"Send (\"]",
];
/// The subject input: TG 2022's aria-label, TG 2023–24's Fluent class, and
/// BR 2026's attribute pair (BR takes the last one; a compose has one).
pub const SUBJECT: &[&str] = &[
    "input[aria-label=\"Add a subject\"]",
    "input.ms-TextField-field",
    "input[type=text][autocomplete=off]",
];
/// The conversation's subject in the reading pane, for an inline reply,
/// which shows no subject field: a level-3 heading with a `title` (TG;
/// level 3 in OWS).
pub const SUBJECT_IN_PAGE: &[&str] = &[
    "[aria-label=\"Reading Pane\"] div[role=heading][aria-level=\"3\"][title]",
    "#ReadingPaneContainerId div[role=heading][title]",
];
/// The sending address. ⚠ The notes name no sender field for Outlook:
/// BR reads only the user's name, from the page header's account button
/// `#O365_MainLink_Me`. This is the address line of the Microsoft 365
/// account manager in that header (not in the notes; docs/sites.md).
pub const FROM: &[&str] = &["#mectrl_currentAccount_secondary"];
/// The To, Cc and Bcc fields: contenteditable, never inputs (BR), each
/// labelled (⚠ the label is inferred); the positional fallback is
/// [`RECIPIENT_ANY`].
pub const RECIPIENT_FIELDS: [(&str, &[&str]); 3] = [
    ("to", &["div[contenteditable=true][aria-label=To]"]),
    ("cc", &["div[contenteditable=true][aria-label=Cc]"]),
    ("bcc", &["div[contenteditable=true][aria-label=Bcc]"]),
];
/// Any recipient field, in the order To, Cc, Bcc (BR): contenteditable
/// and not the multi-line body.
pub const RECIPIENT_ANY: &str = "[contenteditable=true]:not([aria-multiline=true])";
/// A recipient chip: a child `[contenteditable]` of the field (BR); it has
/// no address attribute.
pub const CHIP: &str = "[contenteditable=false]";
/// The remove control of a chip: MV 2019's `removeWellItemButton` class
/// (⚠ older UI; BR names none), else the chip's only button.
pub const CHIP_REMOVE: &[&str] = &["button[class*=removeWellItemButton]", "button"];
/// The control that shows the hidden Bcc field: BR finds the Cc and Bcc
/// toggles as the buttons of the To row's `.fui-Input` by their text; the
/// text is the UI language's, so this takes the last of them, Bcc (⚠ the
/// order is inferred from BR's "Cc"/"Bcc" pair).
pub const BCC_OPEN: &[&str] = &[".fui-Input button:last-of-type"];
/// The chip's text, "Name <addr>", a name or an address (BR).
pub const CHIP_TEXT: &[&str] = &["[class*=individualText-]", "[class*=textContainer-]"];
/// A message in the reading pane: the nearest element around its body that
/// holds a level-3 heading with a button, the "From:" heading (OWS). Only
/// used with `closest` from the body.
pub const MESSAGE: &str = "div:has([role=heading][aria-level=\"3\"] button)";
/// A message's body: role `document` named "Message body" (OWS).
pub const MESSAGE_BODY: &[&str] = &[
    "[role=document][aria-label=\"Message body\"]",
    "div[aria-label=\"Message body\"]:not([contenteditable])",
];
/// Where a status badge goes: the message's first level-3 heading, the
/// "From: …" heading (OWS).
pub const MESSAGE_HEADER: &[&str] = &["[role=heading][aria-level=\"3\"]", "h3"];
/// The reading pane (OWS; `#ReadingPaneContainerId` TG and EVI;
/// `data-app-section` WD).
pub const READING_PANE: &[&str] = &[
    "[role=main][aria-label=\"Reading Pane\"]",
    "#ReadingPaneContainerId",
    "[data-app-section=MailReadCompose]",
];
/// A popped-out compose window's content (BR).
pub const POPOUT: &str = "[data-app-section=Form_Content]";
/// The message list, also the sent list (OWS, WD): a listbox named
/// "Message list" (or "Message list No items selected").
pub const MESSAGE_LIST: &[&str] = &["[role=listbox][aria-label^=\"Message list\"]"];
/// A row of the message list: an option with the conversation id; its `id`
/// is the ItemId (OWS).
pub const LIST_ROW: &[&str] = &["div[role=option][data-convid]", "div[data-focusable-row]"];
/// A conversation: the reading pane that shows it (see [`READING_PANE`]).
pub const THREAD: &str = "[role=main][aria-label=\"Reading Pane\"], #ReadingPaneContainerId";
/// A person in a message's heading line ("From: …", "To: …"): a button
/// that opens the person's card (OWS) — not crmlog's own button there.
pub const PERSON: &str = "button:not(.crmlog-log-this)";
/// The selected row of the message list: the message the reading pane
/// shows (OWS: `aria-selected` on the option).
pub const SELECTED_ROW: &str = "div[role=option][data-convid][aria-selected=true]";
/// Our body marker (spec/tracking.md, carrier 2), the same on every site.
pub const TRACKING_MARKER: &str = crate::sites::TRACKING_MARKER;
