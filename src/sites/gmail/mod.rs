//! The Gmail adapter: finds compose windows and messages and reads them
//! into the pure core's types. The only code that knows Gmail's DOM.

pub mod selectors;

use super::dom;
use crate::crm::compose::ComposeSnapshot;
use selectors as sel;
use web_sys::Element;

/// A compose window.
#[derive(Clone, Debug)]
pub struct Compose {
    /// The dialog element.
    pub root: Element,
}

/// Which part of a compose could not be found; names the part, never page
/// content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing(pub &'static str);

impl Compose {
    /// Compose windows at or under `el`.
    pub fn find(el: &Element) -> Vec<Compose> {
        dom::self_and_descendants(el, sel::COMPOSE_DIALOG)
            .into_iter()
            .filter(|d| d.query_selector(sel::COMPOSE_FORM).ok().flatten().is_some())
            .map(|root| Compose { root })
            .collect()
    }

    /// The compose around `el`, if any.
    pub fn around(el: &Element) -> Option<Compose> {
        let root = dom::closest(el, sel::COMPOSE_DIALOG)?;
        root.query_selector(sel::COMPOSE_FORM).ok().flatten()?;
        Some(Compose { root })
    }

    /// The Send button.
    pub fn send_button(&self) -> Result<Element, Missing> {
        dom::first(&self.root, sel::SEND).ok_or(Missing("send button"))
    }

    /// Whether `el` is (inside) this compose's Send button.
    pub fn is_send_button(&self, el: &Element) -> bool {
        self.send_button()
            .map(|b| b.contains(Some(el)))
            .unwrap_or(false)
    }

    /// The editable body.
    pub fn body(&self) -> Result<Element, Missing> {
        dom::first(&self.root, sel::BODY).ok_or(Missing("message body"))
    }

    fn recipients(&self, field: &str) -> Vec<String> {
        let Some(field) = self.root.query_selector(field).ok().flatten() else {
            return Vec::new();
        };
        let mut out: Vec<String> = dom::all(&field, sel::CHIP)
            .iter()
            .filter_map(|chip| {
                let address = chip.get_attribute("data-hovercard-id")?;
                Some(match chip.get_attribute("data-name") {
                    Some(name) if !name.is_empty() && name != address => {
                        let mut entry = name;
                        entry.push_str(" <");
                        entry.push_str(&address);
                        entry.push('>');
                        entry
                    }
                    _ => address,
                })
            })
            .collect();
        // Text typed but not yet a chip is sent by Gmail too.
        if let Some(input) = field.query_selector(sel::RECIPIENT_INPUT).ok().flatten() {
            let typed = dom::value_or_text(&input);
            // The worker trims and checks it; here only "anything typed?".
            if !typed.bytes().all(|b| b.is_ascii_whitespace()) {
                out.push(typed);
            }
        }
        out
    }

    /// The recipient chips with their addresses, for marking the excluded
    /// ones while composing.
    pub fn chips(&self) -> Vec<(Element, String)> {
        dom::all(&self.root, sel::CHIP)
            .into_iter()
            .filter_map(|chip| {
                let address = chip.get_attribute("data-hovercard-id")?;
                Some((chip, address))
            })
            .collect()
    }

    /// Whether a change at `el` may have changed the recipients: anything
    /// in the compose but its body and crmlog's own controls.
    pub fn is_recipient_change(&self, el: &Element) -> bool {
        !self.body().is_ok_and(|b| b.contains(Some(el)))
            && dom::closest(el, ".crmlog-toggle").is_none()
    }

    /// The sender and recipients only (the live check needs no body).
    pub fn recipients_snapshot(&self) -> Result<ComposeSnapshot, Missing> {
        let from = dom::first(&self.root, sel::FROM)
            .map(|f| dom::value_or_text(&f))
            .ok_or(Missing("sender field"))?;
        let [to, cc, bcc] = sel::RECIPIENT_FIELDS.map(|(_, s)| self.recipients(s));
        Ok(ComposeSnapshot {
            tracking_id: String::new(),
            from,
            to,
            cc,
            bcc,
            subject: String::new(),
            html: String::new(),
            text: String::new(),
            sent_at: String::new(),
        })
    }

    /// Reads the compose at Send time.
    pub fn snapshot(&self, tracking_id: &str, sent_at: &str) -> Result<ComposeSnapshot, Missing> {
        let mut snapshot = self.recipients_snapshot()?;
        snapshot.subject = dom::first(&self.root, sel::SUBJECT)
            .map(|s| dom::value_or_text(&s))
            .unwrap_or_default();
        // No `innerText` here: it forces a layout in the Send click. The
        // worker derives the text from the HTML (`crm::compose`).
        snapshot.html = self.body()?.inner_html();
        snapshot.tracking_id = tracking_id.to_string();
        snapshot.sent_at = sent_at.to_string();
        Ok(snapshot)
    }
}

/// A message shown in a thread (including the sent message after Send).
#[derive(Clone, Debug)]
pub struct MessageView {
    /// The message element.
    pub root: Element,
}

impl MessageView {
    /// Messages at or under `el`.
    pub fn find(el: &Element) -> Vec<MessageView> {
        dom::self_and_descendants(el, sel::MESSAGE)
            .into_iter()
            .map(|root| MessageView { root })
            .collect()
    }

    /// The tracking id carried by the body marker, if any.
    pub fn tracking_id(&self) -> Option<String> {
        let body = dom::first(&self.root, sel::MESSAGE_BODY)?;
        body.query_selector(sel::TRACKING_MARKER)
            .ok()
            .flatten()?
            .get_attribute("data-crmlog-id")
    }

    /// Where a status badge goes.
    pub fn badge_anchor(&self) -> Result<Element, Missing> {
        dom::first(&self.root, sel::MESSAGE_HEADER).ok_or(Missing("message header"))
    }
}
