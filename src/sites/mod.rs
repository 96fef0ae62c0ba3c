//! Site adapters: the only code that knows a web mail page's DOM.
//!
//! A site is described by data, a [`Site`] of `&'static` selector tables
//! (each site keeps every selector in its `selectors.rs`), plus the two or
//! three reading steps where the sites really differ, named by small enums
//! ([`ComposeRoot`], [`ChipRead`], [`Typed`]). [`Compose`] and
//! [`MessageView`] are site-agnostic: the features never know which site
//! they run on. The site is chosen once, from `location.host`
//! ([`current`]). See docs/sites.md.

pub mod dom;
#[cfg(not(feature = "only-outlook"))]
pub mod gmail;
#[cfg(not(feature = "only-gmail"))]
pub mod outlook;

#[cfg(all(feature = "only-gmail", feature = "only-outlook"))]
compile_error!("features only-gmail and only-outlook exclude each other");

use crate::crm::compose::ComposeSnapshot;
#[cfg(not(any(feature = "only-gmail", feature = "only-outlook")))]
use std::sync::atomic::{AtomicU8, Ordering};
use wasm_bindgen::JsCast;
use web_sys::Element;

/// Our body marker (spec/tracking.md, carrier 2): the same on every site,
/// because crmlog writes it.
pub const TRACKING_MARKER: &str = "[data-crmlog-id]";

/// Our marker outside a quoted message (a `blockquote`, or Gmail's
/// `.gmail_quote`).
const OWN_MARKER: &str =
    "[data-crmlog-id]:not(blockquote [data-crmlog-id]):not(.gmail_quote [data-crmlog-id])";

/// How a compose's root element is found.
#[derive(Debug)]
pub enum ComposeRoot {
    /// An element matching `root` that holds an element matching `holds`
    /// (Gmail: a dialog is a compose only when it holds a form). A one-site
    /// bundle carries only its site's variants (size budget).
    #[cfg(not(feature = "only-outlook"))]
    Element {
        /// The root's selector.
        root: &'static str,
        /// What it must hold to be a compose.
        holds: &'static str,
    },
    /// No stable attribute marks the compose: its root is the nearest
    /// ancestor of the editable body that also holds a Send button
    /// (Outlook, whose inline compose sits inside the reading pane).
    #[cfg(not(feature = "only-gmail"))]
    AroundBody,
}

/// How a recipient chip gives its address.
#[derive(Debug)]
pub enum ChipRead {
    /// From attributes: the address and the display name.
    #[cfg(not(feature = "only-outlook"))]
    Attrs {
        /// Attribute holding the address.
        address: &'static str,
        /// Attribute holding the display name.
        name: &'static str,
    },
    /// From text ("Name <addr>" or an address): the first of these
    /// selectors inside the chip, else the chip's own text.
    #[cfg(not(feature = "only-gmail"))]
    Text(&'static [&'static str]),
}

/// Where text typed into a recipient field, not yet a chip, is.
#[derive(Debug)]
pub enum Typed {
    /// In an input inside the field.
    #[cfg(not(feature = "only-outlook"))]
    Input(&'static str),
    /// In the field's own text nodes (a contenteditable field).
    #[cfg(not(feature = "only-gmail"))]
    OwnText,
}

/// Where "Log this email" and the reply check read a message from.
#[derive(Debug)]
pub enum RawSource {
    /// The original message, downloaded from the page's own origin by its
    /// message id (Gmail's "Download message", gmail.js). A one-site bundle
    /// carries only its site's way of reading (size budget).
    #[cfg(not(feature = "only-outlook"))]
    GmailOriginal,
    /// What the reading pane shows (Outlook offers no message source): the
    /// message's heading lines matching `lines` hold the people as
    /// `person` elements — From, then To, then Cc.
    #[cfg(not(feature = "only-gmail"))]
    Pane {
        /// A heading line of the message.
        lines: &'static str,
        /// A person in a line.
        person: &'static str,
    },
}

/// A web mail site, as data. Every list is tried in order: role/aria forms
/// first, fallbacks after.
#[derive(Debug)]
pub struct Site {
    /// Short name, for reports ("gmail", "outlook").
    pub name: &'static str,
    /// How a compose is found.
    pub compose: ComposeRoot,
    /// The sending address: inside the compose first, then in the page.
    pub from: &'static [&'static str],
    /// The subject field of a compose.
    pub subject: &'static [&'static str],
    /// Where the subject is when the compose has no subject field (an
    /// inline reply): an element of the page whose `title` holds it.
    pub subject_in_page: &'static [&'static str],
    /// The editable body.
    pub body: &'static [&'static str],
    /// The Send button.
    pub send: &'static [&'static str],
    /// The To, Cc and Bcc fields.
    pub recipient_fields: [&'static [&'static str]; 3],
    /// Any recipient field, in the order To, Cc, Bcc: the positional
    /// fallback when a field's own selectors find nothing ("" for none).
    pub recipient_any: &'static str,
    /// A recipient chip inside a field.
    pub chip: &'static str,
    /// The control inside a chip that removes it.
    pub chip_remove: &'static [&'static str],
    /// What shows a hidden Bcc field.
    pub bcc_open: &'static [&'static str],
    /// How a chip gives its address.
    pub chip_read: ChipRead,
    /// Where typed text not yet a chip is.
    pub typed: Typed,
    /// A message in a thread, found as the closest ancestor of its body.
    pub message: &'static str,
    /// A message's body (where the tracking marker is).
    pub message_body: &'static [&'static str],
    /// Where a status badge goes inside a message.
    pub message_header: &'static [&'static str],
    /// A conversation (thread view) around its messages, for `closest`.
    pub thread: &'static str,
    /// Where a message's raw form comes from.
    pub raw: RawSource,
    /// Where the page holds the mail UI's own id of the open conversation
    /// (recorded with a logged email, so that its row in the sent list can
    /// show the status): an element of the page and its attribute.
    pub thread_key: (&'static str, &'static str),
    /// A row of a message list (the sent list among them).
    pub list_row: &'static str,
    /// The element of a row holding the conversation's id ("" for the row
    /// itself) and the attribute that holds it: the same id as
    /// `thread_key` gives.
    pub row_key: (&'static str, &'static str),
    /// Where a status badge goes in a row (the row itself when none
    /// matches).
    pub row_anchor: &'static [&'static str],
}

/// The site of this page: 0 not chosen yet, 1 Gmail, 2 Outlook. An atomic
/// rather than a `thread_local!`, whose machinery costs the content script
/// more than this whole table.
#[cfg(not(any(feature = "only-gmail", feature = "only-outlook")))]
static CURRENT: AtomicU8 = AtomicU8::new(0);

/// The site for a page's host. Hosts the manifest does not list are test
/// pages, described as Gmail (the Gmail selector tests run on one).
#[cfg(not(any(feature = "only-gmail", feature = "only-outlook")))]
pub fn for_host(host: &str) -> &'static Site {
    // The manifest's Outlook hosts: outlook.office.com,
    // outlook.office365.com and outlook.live.com.
    if host.starts_with("outlook.") {
        &outlook::SITE
    } else {
        &gmail::SITE
    }
}

/// The site this page is, chosen once from `location.host`.
#[cfg(not(any(feature = "only-gmail", feature = "only-outlook")))]
pub fn current() -> &'static Site {
    match CURRENT.load(Ordering::Relaxed) {
        1 => &gmail::SITE,
        2 => &outlook::SITE,
        _ => {
            let host = web_sys::window()
                .and_then(|w| w.location().host().ok())
                .unwrap_or_default();
            let site = for_host(&host);
            select(site);
            site
        }
    }
}

/// Fixes the site for this page (tests choose one for a replica served
/// from a test origin).
#[cfg(not(any(feature = "only-gmail", feature = "only-outlook")))]
pub fn select(site: &'static Site) {
    let id = if std::ptr::eq(site, &outlook::SITE) {
        2
    } else {
        1
    };
    CURRENT.store(id, Ordering::Relaxed);
}

/// The site this bundle describes: a one-site bundle is loaded only on its
/// site's pages (extension/content.js picks the bundle by host).
#[cfg(feature = "only-gmail")]
pub fn current() -> &'static Site {
    &gmail::SITE
}

/// The site this bundle describes (see above).
#[cfg(feature = "only-outlook")]
pub fn current() -> &'static Site {
    &outlook::SITE
}

/// Marks a compose root found around its body ([`ComposeRoot::AroundBody`]).
#[cfg(not(feature = "only-gmail"))]
const ROOT_ATTR: &str = "data-crmlog-root";
/// Selects [`ROOT_ATTR`].
#[cfg(not(feature = "only-gmail"))]
const ROOT_SELECTOR: &str = "[data-crmlog-root]";

/// Which part of a compose could not be found; names the part, never page
/// content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing(pub &'static str);

/// A compose window (new message, inline reply or pop-out).
#[derive(Clone, Debug)]
pub struct Compose {
    /// The compose's root element.
    pub root: Element,
    /// The site it is on.
    pub site: &'static Site,
}

/// Pushes `el` unless it is already in `out`.
fn push_new(out: &mut Vec<Element>, el: Element) {
    // Plain loops here and below: iterator adaptors, instantiated per
    // caller, cost the content script kilobytes (its size budget).
    for o in out.iter() {
        if o.is_same_node(Some(&el)) {
            return;
        }
    }
    out.push(el);
}

/// Every element at or under `el` matching any of `selectors`, each once.
#[inline(never)]
fn each_match(el: &Element, selectors: &[&str]) -> Vec<Element> {
    let mut out = Vec::new();
    for s in selectors {
        for m in dom::self_and_descendants(el, s) {
            push_new(&mut out, m);
        }
    }
    out
}

impl Compose {
    /// Compose windows at or under `el` on this page's site.
    pub fn find(el: &Element) -> Vec<Compose> {
        Self::find_on(current(), el)
    }

    /// Compose windows at or under `el` on `site`.
    pub fn find_on(site: &'static Site, el: &Element) -> Vec<Compose> {
        let roots: Vec<Element> = match site.compose {
            #[cfg(not(feature = "only-outlook"))]
            ComposeRoot::Element { root, holds } => {
                let mut roots = Vec::new();
                for d in dom::self_and_descendants(el, root) {
                    if let Ok(Some(_)) = d.query_selector(holds) {
                        roots.push(d);
                    }
                }
                roots
            }
            #[cfg(not(feature = "only-gmail"))]
            ComposeRoot::AroundBody => {
                let mut roots = Vec::new();
                for body in each_match(el, site.body) {
                    if let Some(root) = Self::root_around_body(site, &body) {
                        push_new(&mut roots, root);
                    }
                }
                // A Send button rendered after its body: found from the
                // button, and only if it is that body's compose (another
                // "Send" elsewhere on the page is no compose).
                for send in each_match(el, site.send) {
                    if let Some(root) = Self::root_around_send(site, &send) {
                        push_new(&mut roots, root);
                    }
                }
                for root in &roots {
                    // `around` finds it again with one `closest`.
                    let _ = root.set_attribute(ROOT_ATTR, "");
                }
                roots
            }
        };
        let mut out = Vec::new();
        for root in roots {
            out.push(Compose { root, site });
        }
        out
    }

    /// The nearest ancestor of `body` that holds a Send button.
    #[cfg(not(feature = "only-gmail"))]
    fn root_around_body(site: &Site, body: &Element) -> Option<Element> {
        let mut at = body.parent_element();
        while let Some(el) = at {
            if dom::first(&el, site.send).is_some() {
                return Some(el);
            }
            at = el.parent_element();
        }
        None
    }

    /// The nearest ancestor of `send` that holds a body whose compose
    /// root it is.
    #[cfg(not(feature = "only-gmail"))]
    fn root_around_send(site: &Site, send: &Element) -> Option<Element> {
        let mut at = send.parent_element();
        while let Some(el) = at {
            if let Some(body) = dom::first(&el, site.body) {
                let root = Self::root_around_body(site, &body)?;
                return root.is_same_node(Some(&el)).then_some(root);
            }
            at = el.parent_element();
        }
        None
    }

    /// The compose around `el`, if any.
    pub fn around(el: &Element) -> Option<Compose> {
        let site = current();
        match site.compose {
            #[cfg(not(feature = "only-outlook"))]
            ComposeRoot::Element { root, holds } => {
                let root = dom::closest(el, root)?;
                root.query_selector(holds).ok().flatten()?;
                Some(Compose { root, site })
            }
            #[cfg(not(feature = "only-gmail"))]
            ComposeRoot::AroundBody => {
                // Roots are marked when found (`find_on`): this runs on
                // every click, key and mutation, so it must stay one
                // `closest`. A click in a message above an inline reply is
                // in no compose.
                let root = dom::closest(el, ROOT_SELECTOR)?;
                dom::first(&root, site.body)?;
                Some(Compose { root, site })
            }
        }
    }

    /// The Send button.
    pub fn send_button(&self) -> Result<Element, Missing> {
        dom::first(&self.root, self.site.send).ok_or(Missing("send button"))
    }

    /// Whether `el` is (inside) this compose's Send button.
    pub fn is_send_button(&self, el: &Element) -> bool {
        self.send_button()
            .map(|b| b.contains(Some(el)))
            .unwrap_or(false)
    }

    /// The editable body.
    pub fn body(&self) -> Result<Element, Missing> {
        dom::first(&self.root, self.site.body).ok_or(Missing("message body"))
    }

    /// The To (0), Cc (1) or Bcc (2) field, when shown.
    fn field(&self, kind: usize) -> Option<Element> {
        let own = self.site.recipient_fields.get(kind)?;
        if let Some(f) = dom::first(&self.root, own) {
            return Some(f);
        }
        // Gmail has no positional fallback (`recipient_any` is empty): its
        // bundle leaves the code out.
        #[cfg(feature = "only-gmail")]
        return None;
        #[cfg(not(feature = "only-gmail"))]
        {
            if self.site.recipient_any.is_empty() {
                return None;
            }
            let nth = u32::try_from(kind).ok()?;
            self.root
                .query_selector_all(self.site.recipient_any)
                .ok()?
                .item(nth)?
                .dyn_into()
                .ok()
        }
    }

    /// The entries of the To (0), Cc (1) or Bcc (2) field: "Name <addr>"
    /// or an address per chip, then any text typed but not yet a chip.
    pub fn recipients(&self, kind: usize) -> Vec<String> {
        let Some(field) = self.field(kind) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for chip in dom::all(&field, self.site.chip) {
            if let Some(entry) = read_chip(&self.site.chip_read, &chip) {
                out.push(entry);
            }
        }
        // Text typed but not yet a chip is sent by the site too.
        let typed = match self.site.typed {
            #[cfg(not(feature = "only-outlook"))]
            Typed::Input(input) => field
                .query_selector(input)
                .ok()
                .flatten()
                .map(|i| dom::value_or_text(&i))
                .unwrap_or_default(),
            #[cfg(not(feature = "only-gmail"))]
            Typed::OwnText => own_text(&field),
        };
        // The worker trims and checks it; here only "anything typed?".
        if !typed.bytes().all(|b| b.is_ascii_whitespace()) {
            out.push(typed);
        }
        out
    }

    /// The subject: the compose's field, else (inline reply without a
    /// subject field) the conversation's subject shown in the page.
    fn subject(&self) -> String {
        if let Some(s) = dom::first(&self.root, self.site.subject) {
            return dom::value_or_text(&s);
        }
        // Gmail's inline reply has a subject input (`subject_in_page` is
        // empty): its bundle leaves the page lookup out.
        #[cfg(feature = "only-gmail")]
        return String::new();
        #[cfg(not(feature = "only-gmail"))]
        {
            let page = self
                .root
                .owner_document()
                .and_then(|d| d.document_element());
            page.and_then(|p| dom::first(&p, self.site.subject_in_page))
                .and_then(|h| h.get_attribute("title"))
                .unwrap_or_default()
        }
    }

    /// The recipient chips with their addresses, for marking the excluded
    /// ones while composing.
    pub fn chips(&self) -> Vec<(Element, String)> {
        let mut out = Vec::new();
        for chip in dom::all(&self.root, self.site.chip) {
            let address = match self.site.chip_read {
                #[cfg(not(feature = "only-outlook"))]
                ChipRead::Attrs { address, .. } => chip.get_attribute(address),
                #[cfg(not(feature = "only-gmail"))]
                ChipRead::Text(_) => read_chip(&self.site.chip_read, &chip)
                    .map(|entry| address_in(&entry).to_string()),
            };
            if let Some(address) = address {
                out.push((chip, address));
            }
        }
        out
    }

    /// Whether a change at `el` may have changed the recipients: anything
    /// in the compose but its body and crmlog's own controls.
    pub fn is_recipient_change(&self, el: &Element) -> bool {
        !self.body().is_ok_and(|b| b.contains(Some(el)))
            && dom::closest(el, ".crmlog-toggle").is_none()
    }

    /// The sender and recipients only (the live check needs no body).
    pub fn recipients_snapshot(&self) -> Result<ComposeSnapshot, Missing> {
        let from = dom::first(&self.root, self.site.from)
            .or_else(|| {
                let page = self.root.owner_document()?.document_element()?;
                dom::first(&page, self.site.from)
            })
            .map(|f| dom::value_or_text(&f))
            .ok_or(Missing("sender field"))?;
        Ok(ComposeSnapshot {
            tracking_id: String::new(),
            from: from.trim_ascii().to_string(),
            to: self.recipients(0),
            cc: self.recipients(1),
            bcc: self.recipients(2),
            subject: String::new(),
            html: String::new(),
            text: String::new(),
            sent_at: String::new(),
        })
    }

    /// Reads the compose at Send time.
    pub fn snapshot(&self, tracking_id: &str, sent_at: &str) -> Result<ComposeSnapshot, Missing> {
        let mut snapshot = self.snapshot_head(tracking_id, sent_at)?;
        snapshot.html = self.body()?.inner_html();
        Ok(snapshot)
    }

    /// Reads the compose at Send time, all but the body's HTML, which the
    /// Send hands over as the page's own string (`wire::log_message`):
    /// copying a long body into the content script's memory and out again
    /// would cost the Send click time. No `innerText` either: it forces a
    /// layout; the worker derives the text from the HTML (`crm::compose`).
    pub fn snapshot_head(
        &self,
        tracking_id: &str,
        sent_at: &str,
    ) -> Result<ComposeSnapshot, Missing> {
        let mut snapshot = self.recipients_snapshot()?;
        snapshot.subject = self.subject();
        snapshot.tracking_id = tracking_id.to_string();
        snapshot.sent_at = sent_at.to_string();
        Ok(snapshot)
    }
}

/// Marks a compose whose Bcc field crmlog asked the site to show.
const BCC_OPENED_ATTR: &str = "data-crmlog-bcc-open";

impl Compose {
    /// Adds `address` to Bcc as a user does: typed into the Bcc field, which
    /// the site turns into its own chip when the field loses focus (a blur
    /// event: the user's focus stays where it is). A hidden Bcc
    /// field is shown first (its control clicked, once per compose) and
    /// nothing typed yet: the site may render it later, and showing it
    /// changes the compose, so the caller is called again.
    pub fn add_bcc(&self, address: &str) -> Result<(), Missing> {
        let Some(field) = self.field(2) else {
            if self.root.has_attribute(BCC_OPENED_ATTR) {
                return Err(Missing("bcc field"));
            }
            let open = dom::first(&self.root, self.site.bcc_open).ok_or(Missing("bcc field"))?;
            // The site may focus the field it shows: the user's focus
            // goes back where it was.
            let focused = self.root.owner_document().and_then(|d| d.active_element());
            click(&open);
            if let Some(f) = focused
                .as_ref()
                .and_then(|f| f.dyn_ref::<web_sys::HtmlElement>())
            {
                let _ = f.focus();
            }
            let _ = self.root.set_attribute(BCC_OPENED_ATTR, "");
            return Ok(());
        };
        let target = match self.site.typed {
            #[cfg(not(feature = "only-outlook"))]
            Typed::Input(input) => {
                let el = field
                    .query_selector(input)
                    .ok()
                    .flatten()
                    .ok_or(Missing("bcc field"))?;
                if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                    i.set_value(address);
                }
                el
            }
            #[cfg(not(feature = "only-gmail"))]
            Typed::OwnText => {
                let _ = field.append_with_str_1(address);
                field
            }
        };
        if let Ok(e) = web_sys::Event::new("blur") {
            let _ = target.dispatch_event(&e);
        }
        Ok(())
    }

    /// Removes a recipient chip as a user does: with its remove control
    /// (the site updates its own list), else by taking it out.
    pub fn remove_chip(&self, chip: &Element) {
        match dom::first(chip, self.site.chip_remove) {
            Some(button) => click(&button),
            None => chip.remove(),
        }
    }
}

/// Clicks `el` (a control of the site).
fn click(el: &Element) {
    if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
        h.click();
    }
}

/// The address in a chip's entry: inside the last `<…>` of "Name <addr>",
/// else the whole entry.
pub fn address_in(entry: &str) -> &str {
    // A byte loop: `rfind` and `split` pull the string searchers into the
    // content script. `<` and `>` are ASCII, so the slice bounds are char
    // boundaries and `get` cannot fail on them.
    let bytes = entry.as_bytes();
    let mut open = None;
    let mut close = bytes.len();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'<' {
            open = Some(i + 1);
            close = bytes.len();
        } else if *b == b'>' && open.is_some() && close == bytes.len() {
            close = i;
        }
    }
    let inner = open.and_then(|a| entry.get(a..close)).unwrap_or(entry);
    inner.trim_ascii()
}

/// The "Name <addr>" entry (or the address) a chip stands for.
fn read_chip(how: &ChipRead, chip: &Element) -> Option<String> {
    match *how {
        #[cfg(not(feature = "only-outlook"))]
        ChipRead::Attrs { address, name } => {
            let address = chip.get_attribute(address)?;
            Some(match chip.get_attribute(name) {
                Some(name) if !name.is_empty() && name != address => {
                    let mut entry = name;
                    entry.push_str(" <");
                    entry.push_str(&address);
                    entry.push('>');
                    entry
                }
                _ => address,
            })
        }
        #[cfg(not(feature = "only-gmail"))]
        ChipRead::Text(inner) => {
            let el = dom::first(chip, inner).unwrap_or_else(|| chip.clone());
            let text = el.text_content().unwrap_or_default();
            let text = text.trim_ascii();
            (!text.is_empty()).then(|| text.to_string())
        }
    }
}

/// The text of `el`'s own text nodes (not of its child elements).
#[cfg(not(feature = "only-gmail"))]
fn own_text(el: &Element) -> String {
    let nodes = el.child_nodes();
    let mut out = String::new();
    for i in 0..nodes.length() {
        if let Some(n) = nodes.item(i)
            && n.node_type() == web_sys::Node::TEXT_NODE
        {
            out.push_str(&n.text_content().unwrap_or_default());
        }
    }
    out
}

/// A message shown in a thread (including the sent message after Send).
#[derive(Clone, Debug)]
pub struct MessageView {
    /// The message element.
    pub root: Element,
    /// The site it is on.
    pub site: &'static Site,
}

impl MessageView {
    /// Messages at or under `el` on this page's site.
    pub fn find(el: &Element) -> Vec<MessageView> {
        Self::find_on(current(), el)
    }

    /// Messages at or under `el` on `site`: the closest message around
    /// each message body found there. Found from the body, so that a site
    /// whose message element has no attribute of its own (Outlook) is
    /// described by a structural selector that only `closest` may use.
    pub fn find_on(site: &'static Site, el: &Element) -> Vec<MessageView> {
        let mut roots = Vec::new();
        for body in each_match(el, site.message_body) {
            if let Some(root) = dom::closest(&body, site.message) {
                push_new(&mut roots, root);
            }
        }
        let mut out = Vec::new();
        for root in roots {
            out.push(MessageView { root, site });
        }
        out
    }

    /// The message around `el` (a click on its button), if any.
    pub fn around(el: &Element) -> Option<MessageView> {
        let site = current();
        // The nearest match that holds a body: Outlook's structural
        // selector also matches the header line inside a message.
        let mut at = dom::closest(el, site.message)?;
        while dom::first(&at, site.message_body).is_none() {
            at = dom::closest(&at.parent_element()?, site.message)?;
        }
        Some(MessageView { root: at, site })
    }

    /// The tracking id carried by the message's own body marker, if any.
    /// A marker inside a quote belongs to the message replied to: a reply
    /// quoting ours is no email crmlog tagged (its verdict is rules R's).
    pub fn tracking_id(&self) -> Option<String> {
        let body = dom::first(&self.root, self.site.message_body)?;
        body.query_selector(OWN_MARKER)
            .ok()
            .flatten()?
            .get_attribute("data-crmlog-id")
    }

    /// Where a status badge goes.
    pub fn badge_anchor(&self) -> Result<Element, Missing> {
        dom::first(&self.root, self.site.message_header).ok_or(Missing("message header"))
    }

    /// Whether a message of this one's conversation carries our tracking
    /// id: its replies are then judged by rules R.
    pub fn in_logged_thread(&self) -> bool {
        let Some(thread) = dom::closest(&self.root, self.site.thread) else {
            return false;
        };
        for view in Self::find_on(self.site, &thread) {
            if view.tracking_id().is_some() {
                return true;
            }
        }
        false
    }

    /// Whether the message is read from its original (raw) form rather
    /// than from what the page shows.
    pub fn reads_original(&self) -> bool {
        #[cfg(not(feature = "only-outlook"))]
        if matches!(self.site.raw, RawSource::GmailOriginal) {
            return true;
        }
        false
    }

    /// Where the message's raw form is: `Ok(url)` of the original message
    /// on the page's origin, or `Err(shown)`, what the page shows of it.
    pub fn source(&self) -> Result<Result<String, ComposeSnapshot>, Missing> {
        match self.site.raw {
            #[cfg(not(feature = "only-outlook"))]
            RawSource::GmailOriginal => {
                // `/mail/u/N/?view=att&th=<legacy id>&attid=0&disp=comp&safe=1&zw`
                // (gmail.js); a message just sent may lack the legacy id and
                // is asked for by its permanent id instead.
                let path = web_sys::window()
                    .and_then(|w| w.location().pathname().ok())
                    .unwrap_or_default();
                let mut url = path;
                url.push_str("?view=att&");
                match self.root.get_attribute("data-legacy-message-id") {
                    Some(legacy) => {
                        url.push_str("th=");
                        url.push_str(&legacy);
                    }
                    None => {
                        let perm = self
                            .root
                            .get_attribute("data-message-id")
                            .ok_or(Missing("message id"))?;
                        url.push_str("permmsgid=");
                        url.push_str(perm.trim_start_matches('#'));
                    }
                }
                url.push_str("&attid=0&disp=comp&safe=1&zw");
                Ok(Ok(url))
            }
            #[cfg(not(feature = "only-gmail"))]
            RawSource::Pane { lines, person } => {
                let mut people: [Vec<String>; 3] = Default::default();
                let mut slot = 0;
                for line in dom::all(&self.root, lines) {
                    let found = dom::all(&line, person);
                    let Some(list) = people.get_mut(slot).filter(|_| !found.is_empty()) else {
                        continue;
                    };
                    for p in found {
                        list.push(p.text_content().unwrap_or_default());
                    }
                    slot += 1;
                }
                let [from, to, cc] = people;
                let page = self
                    .root
                    .owner_document()
                    .and_then(|d| d.document_element())
                    .ok_or(Missing("document"))?;
                let subject = dom::first(&page, self.site.subject_in_page)
                    .and_then(|h| h.get_attribute("title"))
                    .unwrap_or_default();
                let body = dom::first(&self.root, self.site.message_body)
                    .ok_or(Missing("message body"))?;
                Ok(Err(ComposeSnapshot {
                    tracking_id: String::new(),
                    from: from.into_iter().next().ok_or(Missing("sender"))?,
                    to,
                    cc,
                    bcc: Vec::new(),
                    subject,
                    html: body.inner_html(),
                    text: String::new(),
                    sent_at: String::new(),
                }))
            }
        }
    }
}

impl MessageView {
    /// The mail UI's id of the conversation this message is shown in.
    pub fn thread_key(&self) -> Option<String> {
        let (selector, attr) = self.site.thread_key;
        let page = self.root.owner_document()?.document_element()?;
        page.query_selector(selector).ok()??.get_attribute(attr)
    }
}

/// A row of a message list.
#[derive(Clone, Debug)]
pub struct ListRow {
    /// The row element.
    pub root: Element,
    /// The site it is on.
    pub site: &'static Site,
}

impl ListRow {
    /// Rows at or under `el` on this page's site.
    pub fn find(el: &Element) -> Vec<ListRow> {
        let site = current();
        let mut out = Vec::new();
        for root in dom::self_and_descendants(el, site.list_row) {
            out.push(ListRow { root, site });
        }
        out
    }

    /// The id of the row's conversation.
    pub fn key(&self) -> Option<String> {
        let (selector, attr) = self.site.row_key;
        let el = if selector.is_empty() {
            self.root.clone()
        } else {
            self.root.query_selector(selector).ok()??
        };
        el.get_attribute(attr)
    }

    /// Where the row's badge goes.
    pub fn anchor(&self) -> Element {
        dom::first(&self.root, self.site.row_anchor).unwrap_or_else(|| self.root.clone())
    }
}

/// Page text that holds the signed-in address (the service worker picks
/// the address out): the site's account element, else the page title
/// (Gmail's "Inbox - anna@… - Gmail").
pub fn page_user(page: &Element) -> String {
    match dom::first(page, current().from) {
        Some(el) => dom::value_or_text(&el),
        None => page.owner_document().map(|d| d.title()).unwrap_or_default(),
    }
}
