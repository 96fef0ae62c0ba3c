//! The popup (feature `worker`, real wasm): the outbox's counts, the
//! emails the CRM refused with a Retry button each, the recently logged
//! emails, and the features a content script switched off, with the
//! censored markup for a bug report. Everything taken from mail is set as
//! text, never as HTML. Also keeps the degraded-feature reports for the
//! service worker (in `chrome.storage.session`).

use super::chrome::{self, call, js_error};
use super::options::{localize, msg_with};
use super::to_js;
use super::worker::chrome_msg;
use crate::crm::messages::ToWorker;
use crate::crm::pages::{self, DEGRADED_KEY, DegradedReport, Summary};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

#[wasm_bindgen]
extern "C" {
    /// `chrome.storage.session.get(keys)`: kept while the browser runs.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = get, catch)]
    fn session_get(keys: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.storage.session.set(items)`.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = set, catch)]
    fn session_set(items: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.runtime.openOptionsPage()`.
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = openOptionsPage, catch)]
    fn open_options_page() -> Result<js_sys::Promise, JsValue>;
}

thread_local! {
    /// The worker's copy of the reports, so that two reports arriving
    /// together do not overwrite each other in storage.
    static REPORTS: RefCell<Option<Vec<DegradedReport>>> = const { RefCell::new(None) };
    /// What the popup shows now; it is drawn again only when this changes,
    /// so that keyboard focus stays where the user left it.
    static SHOWN: RefCell<Option<Summary>> = const { RefCell::new(None) };
}

async fn stored_reports() -> Vec<DegradedReport> {
    if let Some(r) = REPORTS.with(|r| r.borrow().clone()) {
        return r;
    }
    let loaded = match call(session_get(&DEGRADED_KEY.into())).await {
        Ok(got) => js_sys::Reflect::get(&got, &DEGRADED_KEY.into())
            .ok()
            .and_then(|v| serde_wasm_bindgen::from_value(v).ok())
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    // The first load wins: a report recorded meanwhile is in it already.
    REPORTS.with(|r| r.borrow_mut().get_or_insert(loaded).clone())
}

/// The last report of each degraded feature, newest first (for the
/// worker's answer to `ToWorker::Summary`).
pub(super) async fn degraded_reports() -> Vec<DegradedReport> {
    stored_reports().await
}

/// Keeps a content script's report (`ToWorker::Degraded`).
pub(super) async fn record_degraded(
    site: String,
    feature: String,
    snippet: String,
) -> Result<JsValue, JsValue> {
    stored_reports().await;
    let report = DegradedReport {
        site,
        feature,
        snippet,
        at_ms: js_sys::Date::now() as u64,
    };
    let next = REPORTS.with(|r| {
        let current = r.borrow().clone().unwrap_or_default();
        let next = pages::record_degraded(current, report)?;
        *r.borrow_mut() = Some(next.clone());
        Some(next)
    });
    let Some(next) = next else {
        return Err(js_error("crmlog: not a degraded-feature report"));
    };
    let entry = js_sys::Object::new();
    js_sys::Reflect::set(
        &entry,
        &DEGRADED_KEY.into(),
        &to_js(&next).map_err(js_error)?,
    )?;
    call(session_set(&entry)).await?;
    Ok(JsValue::TRUE)
}

fn by_id(doc: &Document, id: &str) -> Result<Element, JsValue> {
    doc.get_element_by_id(id)
        .ok_or_else(|| js_error(format!("popup lacks #{id}")))
}

/// The start of the user's day, as `Date.toISOString()` writes it.
fn today_start() -> String {
    let d = js_sys::Date::new_0();
    d.set_hours(0);
    d.set_minutes(0);
    d.set_seconds(0);
    d.set_milliseconds(0);
    d.to_iso_string().as_string().unwrap_or_default()
}

/// Wires the popup and keeps it up to date while it is open.
#[wasm_bindgen(js_name = popupPage)]
pub async fn popup_page() -> Result<(), JsValue> {
    let doc = crate::sites::dom::document().ok_or("no document")?;
    localize(&doc);
    let settings = by_id(&doc, "open-settings")?;
    let open = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        e.prevent_default();
        let _ = open_options_page();
    });
    settings.add_event_listener_with_callback("click", open.as_ref().unchecked_ref())?;
    open.forget();
    // One listener for every Retry button, however often the list is drawn.
    let parked = by_id(&doc, "parked")?;
    let doc2 = doc.clone();
    let on_retry = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let Some(button) = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button[data-tracking-id]").ok().flatten())
        else {
            return;
        };
        let Some(id) = button.get_attribute("data-tracking-id") else {
            return;
        };
        let _ = button.set_attribute("disabled", "");
        let doc = doc2.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = ask(&ToWorker::Retry { tracking_id: id }).await;
            refresh(&doc).await;
        });
    });
    parked.add_event_listener_with_callback("click", on_retry.as_ref().unchecked_ref())?;
    on_retry.forget();
    refresh(&doc).await;
    // The counts change as the outbox drains; a popup is open for seconds,
    // so asking again every second costs nothing.
    wasm_bindgen_futures::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(1_000).await;
            refresh(&doc).await;
        }
    });
    Ok(())
}

async fn ask(message: &ToWorker) -> Option<JsValue> {
    let message = to_js(message).ok()?;
    let reply = call(chrome::send_message(&message)).await.ok()?;
    // The worker's loader answers `{error}` when the handler failed.
    let failed = js_sys::Reflect::get(&reply, &"error".into())
        .is_ok_and(|e| !e.is_undefined() && !e.is_null());
    (!failed).then_some(reply)
}

async fn refresh(doc: &Document) {
    let summary = ask(&ToWorker::Summary {
        today_start: today_start(),
    })
    .await
    .and_then(|r| serde_wasm_bindgen::from_value::<Summary>(r).ok());
    let problem = by_id(doc, "problem");
    let Some(summary) = summary else {
        if let Ok(p) = problem {
            p.set_text_content(Some(&chrome_msg("popupNoWorker")));
            let _ = p.remove_attribute("hidden");
        }
        return;
    };
    if let Ok(p) = problem {
        let _ = p.set_attribute("hidden", "");
    }
    if SHOWN.with(|s| s.borrow().as_ref() == Some(&summary)) {
        return;
    }
    if let Err(e) = render(doc, &summary) {
        web_sys::console::error_1(&e);
    }
    SHOWN.with(|s| *s.borrow_mut() = Some(summary));
}

fn element(doc: &Document, tag: &str, class: &str, text: Option<&str>) -> Result<Element, JsValue> {
    let el = doc.create_element(tag)?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    if let Some(text) = text {
        el.set_text_content(Some(text));
    }
    Ok(el)
}

fn subject_text(subject: &str) -> String {
    if subject.trim().is_empty() {
        chrome_msg("popupNoSubject")
    } else {
        subject.to_string()
    }
}

/// A message from the locales, or `fallback` when there is none.
fn message_or(key: &str, fallback: &str) -> String {
    let m = chrome::get_message(key);
    if m.is_empty() {
        fallback.to_string()
    } else {
        m
    }
}

fn render(doc: &Document, s: &Summary) -> Result<(), JsValue> {
    by_id(doc, "count-queued")?.set_text_content(Some(&s.queued.to_string()));
    by_id(doc, "count-sent-today")?.set_text_content(Some(&s.sent_today.to_string()));
    by_id(doc, "count-parked")?.set_text_content(Some(&s.parked.len().to_string()));

    let parked_section = by_id(doc, "parked-section")?;
    let parked = by_id(doc, "parked")?;
    parked.set_text_content(None);
    for p in &s.parked {
        let li = element(doc, "li", "item", None)?;
        let subject = subject_text(&p.subject);
        append(&li, element(doc, "p", "subject", Some(&subject)))?;
        append(
            &li,
            element(
                doc,
                "p",
                "recipient",
                Some(&msg_with("popupTo", &p.recipient)),
            ),
        )?;
        append(
            &li,
            element(
                doc,
                "p",
                "error",
                Some(&msg_with("statusParkedTitle", &p.error)),
            ),
        )?;
        let button = element(doc, "button", "retry", Some(&chrome_msg("popupRetry")))?;
        button.set_attribute("type", "button")?;
        button.set_attribute("aria-label", &msg_with("popupRetryLabel", &subject))?;
        button.set_attribute("data-tracking-id", &p.tracking_id)?;
        li.append_child(&button)?;
        parked.append_child(&li)?;
    }
    toggle_hidden(&parked_section, s.parked.is_empty())?;

    let recent = by_id(doc, "recent")?;
    recent.set_text_content(None);
    for r in &s.recent {
        let li = element(doc, "li", "item", None)?;
        append(
            &li,
            element(doc, "p", "subject", Some(&subject_text(&r.subject))),
        )?;
        append(
            &li,
            element(
                doc,
                "p",
                "recipient",
                Some(&msg_with("popupTo", &r.recipient)),
            ),
        )?;
        recent.append_child(&li)?;
    }
    toggle_hidden(&by_id(doc, "recent-none")?, !s.recent.is_empty())?;

    let degraded_section = by_id(doc, "degraded-section")?;
    let degraded = by_id(doc, "degraded")?;
    degraded.set_text_content(None);
    for (i, d) in s.degraded.iter().enumerate() {
        let li = element(doc, "li", "item", None)?;
        let feature = message_or(&format!("feature_{}", d.feature), &d.feature);
        let site = message_or(&format!("site_{}", d.site), &d.site);
        let text = chrome::get_message_with(
            "popupDegradedItem",
            &js_sys::Array::of2(&feature.into(), &site.into()),
        );
        append(&li, element(doc, "p", "degraded", Some(&text)))?;
        let id = format!("degraded-snippet-{i}");
        let label = element(doc, "label", "", Some(&chrome_msg("popupDegradedSnippet")))?;
        label.set_attribute("for", &id)?;
        li.append_child(&label)?;
        let area: web_sys::HtmlTextAreaElement =
            element(doc, "textarea", "snippet", None)?.dyn_into()?;
        area.set_id(&id);
        area.set_read_only(true);
        area.set_rows(4);
        area.set_spellcheck(false);
        area.set_value(&d.snippet);
        li.append_child(&area)?;
        degraded.append_child(&li)?;
    }
    toggle_hidden(&degraded_section, s.degraded.is_empty())?;
    Ok(())
}

fn append(parent: &Element, child: Result<Element, JsValue>) -> Result<(), JsValue> {
    let child = child?;
    parent.append_child(&child).map(|_| ())
}

fn toggle_hidden(el: &Element, hidden: bool) -> Result<(), JsValue> {
    if hidden {
        el.set_attribute("hidden", "")
    } else {
        el.remove_attribute("hidden")
    }
}
