//! The service worker's entry points (feature `worker`, real wasm): takes
//! logging requests from content scripts, keeps them in an outbox in
//! `chrome.storage.local` until the CRM confirms them, and answers status
//! questions. The CRM token is read here and never leaves the worker.
//!
//! Outbox items are stored one key per tracking id (`outbox:<id>`), so two
//! requests arriving together never overwrite each other, and an item is
//! written before the content script is answered, so a worker stopped at
//! any point loses nothing: on restart, items left `sending` are retried and
//! the logging job's search by tracking id prevents a second copy.

use super::chrome::{self, call, js_error};
use super::to_js;
use crate::crm::api::{HttpRequest, HttpResponse};
use crate::crm::compose::build_log_request;
use crate::crm::log::{LogError, LogJob, LogRequest, Step};
use crate::crm::messages::{LogState, Status, ToWorker};
use crate::crm::settings::{CrmSettings, DEFAULT_CRM_URL};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

const OUTBOX_PREFIX: &str = "outbox:";
const SETTINGS_KEY: &str = "settings";

/// One outbox entry.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Item {
    request: LogRequest,
    state: LogState,
    #[serde(default)]
    email_id: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    attempts: u32,
}

thread_local! {
    static ITEMS: RefCell<BTreeMap<String, Item>> = const { RefCell::new(BTreeMap::new()) };
    static LOADED: Cell<bool> = const { Cell::new(false) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    static RETRY_SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

/// Called by the worker's loader each time the worker starts: reloads the
/// outbox and resumes sending.
#[wasm_bindgen(js_name = workerStart)]
pub fn worker_start() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(e) = ensure_loaded().await {
            web_sys::console::error_1(&e);
        }
        drain().await;
    });
}

/// Answers one message from a content script or extension page.
#[wasm_bindgen(js_name = handleMessage)]
pub async fn handle_message(message: JsValue) -> Result<JsValue, JsValue> {
    let message: ToWorker = serde_wasm_bindgen::from_value(message)
        .map_err(|e| js_error(format!("crmlog: unreadable message: {e}")))?;
    match message {
        ToWorker::Log { snapshot } => {
            let request = build_log_request(&snapshot)
                .map_err(|e| js_error(format!("crmlog: not logged: {e}")))?;
            let id = request.tracking_id.clone();
            // Record in memory before any await, so a status question that
            // follows this message finds it.
            let keep = ITEMS.with(|items| {
                let mut items = items.borrow_mut();
                match items.get(&id) {
                    // A repeated Send of the same compose replaces the
                    // request while it has not gone out yet.
                    Some(existing) if existing.state != LogState::Queued => false,
                    _ => {
                        items.insert(
                            id.clone(),
                            Item {
                                request,
                                state: LogState::Queued,
                                email_id: None,
                                error: None,
                                attempts: 0,
                            },
                        );
                        true
                    }
                }
            });
            if keep {
                persist(&id).await?;
                wasm_bindgen_futures::spawn_local(drain());
            }
            to_js(&status_of(&id)).map_err(js_error)
        }
        ToWorker::Status { tracking_id } => {
            if !ITEMS.with(|i| i.borrow().contains_key(&tracking_id)) {
                ensure_loaded().await?;
            }
            to_js(&status_of(&tracking_id)).map_err(js_error)
        }
        ToWorker::SettingsChanged => {
            wasm_bindgen_futures::spawn_local(drain());
            Ok(JsValue::TRUE)
        }
    }
}

fn status_of(id: &str) -> Status {
    ITEMS.with(|items| match items.borrow().get(id) {
        Some(item) => Status {
            state: item.state,
            email_id: item.email_id.clone(),
            error: item.error.clone(),
        },
        None => Status {
            state: LogState::Unknown,
            email_id: None,
            error: None,
        },
    })
}

async fn ensure_loaded() -> Result<(), JsValue> {
    if LOADED.get() {
        return Ok(());
    }
    let all = call(chrome::storage_get(&JsValue::NULL)).await?;
    let keys = js_sys::Object::keys(all.unchecked_ref::<js_sys::Object>());
    for key in keys.iter() {
        let Some(key) = key.as_string() else { continue };
        let Some(id) = key.strip_prefix(OUTBOX_PREFIX) else {
            continue;
        };
        let value = js_sys::Reflect::get(&all, &JsValue::from_str(&key))?;
        let Ok(mut item) = serde_wasm_bindgen::from_value::<Item>(value) else {
            web_sys::console::warn_1(
                &"crmlog: an outbox entry could not be read and was kept as is".into(),
            );
            continue;
        };
        // Sending when the worker stopped: the outcome is uncertain, so
        // send again; the job finds a first copy by tracking id.
        if item.state == LogState::Sending {
            item.state = LogState::Queued;
        }
        ITEMS.with(|items| {
            items.borrow_mut().entry(id.to_string()).or_insert(item);
        });
    }
    LOADED.set(true);
    Ok(())
}

async fn persist(id: &str) -> Result<(), JsValue> {
    let Some(item) = ITEMS.with(|items| items.borrow().get(id).cloned()) else {
        return Ok(());
    };
    let entry = js_sys::Object::new();
    js_sys::Reflect::set(
        &entry,
        &JsValue::from_str(&format!("{OUTBOX_PREFIX}{id}")),
        &to_js(&item).map_err(js_error)?,
    )?;
    call(chrome::storage_set(&entry)).await.map(|_| ())
}

/// The saved CRM settings, if valid.
async fn load_settings() -> Result<Option<CrmSettings>, JsValue> {
    let got = call(chrome::storage_get(&JsValue::from_str(SETTINGS_KEY))).await?;
    let value = js_sys::Reflect::get(&got, &JsValue::from_str(SETTINGS_KEY))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    Ok(serde_wasm_bindgen::from_value::<CrmSettings>(value)
        .ok()
        .and_then(|s| CrmSettings::validated(&s.crm_url, &s.crm_token).ok()))
}

fn set_item(id: &str, f: impl FnOnce(&mut Item)) {
    ITEMS.with(|items| {
        if let Some(item) = items.borrow_mut().get_mut(id) {
            f(item);
        }
    });
}

/// Sends every queued item; one drain at a time.
async fn drain() {
    if DRAINING.get() {
        AGAIN.set(true);
        return;
    }
    DRAINING.set(true);
    let mut retry_later = false;
    loop {
        AGAIN.set(false);
        if let Err(e) = ensure_loaded().await {
            web_sys::console::error_1(&e);
        }
        let settings = match load_settings().await {
            Ok(s) => s,
            Err(e) => {
                web_sys::console::error_1(&e);
                None
            }
        };
        let queued: Vec<String> = ITEMS.with(|items| {
            items
                .borrow()
                .iter()
                .filter(|(_, i)| i.state == LogState::Queued)
                .map(|(id, _)| id.clone())
                .collect()
        });
        for id in queued {
            match &settings {
                None => {
                    // Kept until the user saves the settings (which sends
                    // SettingsChanged and drains again).
                    set_item(&id, |i| i.error = Some(chrome_msg("errorNotConfigured")));
                    let _ = persist(&id).await;
                }
                Some(s) => match send_item(&id, s).await {
                    Outcome::Done => {}
                    Outcome::RetryLater => retry_later = true,
                    Outcome::Pause => {
                        // 401/403: the token is wrong for every item.
                        break;
                    }
                },
            }
        }
        if !AGAIN.get() {
            break;
        }
    }
    DRAINING.set(false);
    if retry_later && !RETRY_SCHEDULED.get() {
        RETRY_SCHEDULED.set(true);
        wasm_bindgen_futures::spawn_local(async {
            gloo_timers::future::TimeoutFuture::new(backoff_ms()).await;
            RETRY_SCHEDULED.set(false);
            drain().await;
        });
    }
}

fn backoff_ms() -> u32 {
    let attempts = ITEMS.with(|items| {
        items
            .borrow()
            .values()
            .filter(|i| i.state == LogState::Queued)
            .map(|i| i.attempts)
            .min()
            .unwrap_or(0)
    });
    // 1 s, 2 s, 4 s … capped at a minute, with jitter so that many tabs
    // and workers do not retry in step.
    let base = 1_000u32.saturating_mul(1 << attempts.min(6)).min(60_000);
    base / 2 + (js_sys::Math::random() * f64::from(base / 2)) as u32
}

fn chrome_msg(key: &str) -> String {
    let m = chrome::get_message(key);
    if m.is_empty() { key.to_string() } else { m }
}

enum Outcome {
    Done,
    RetryLater,
    Pause,
}

async fn send_item(id: &str, settings: &CrmSettings) -> Outcome {
    let Some(item) = ITEMS.with(|items| items.borrow().get(id).cloned()) else {
        return Outcome::Done;
    };
    set_item(id, |i| {
        i.state = LogState::Sending;
        i.attempts += 1;
    });
    let _ = persist(id).await;
    // Until the rules engine decides (its own issue), every recipient is
    // logged, as with Log on and no never-log list.
    let timeline: Vec<String> = item
        .request
        .recipients()
        .map(|p| p.address.clone())
        .collect();
    let mut job = LogJob::new(item.request, timeline);
    let mut step = job.start();
    let outcome = loop {
        match step {
            Step::Send(request) => match fetch(settings, &request).await {
                Ok(response) => step = job.on_response(&response),
                Err(network) => {
                    set_item(id, |i| {
                        i.state = LogState::Queued;
                        i.error = Some(network);
                    });
                    break Outcome::RetryLater;
                }
            },
            Step::Done(Ok(logged)) => {
                set_item(id, |i| {
                    i.state = LogState::Logged;
                    i.email_id = Some(logged.email_id);
                    i.error = None;
                });
                break Outcome::Done;
            }
            Step::Done(Err(error)) => {
                let text = error.to_string();
                let outcome = match &error {
                    LogError::Http {
                        status: 401 | 403, ..
                    } => Outcome::Pause,
                    LogError::Http { status, .. }
                        if *status == 408 || *status == 429 || *status >= 500 =>
                    {
                        Outcome::RetryLater
                    }
                    LogError::Http { .. } => Outcome::Done,
                    LogError::BadResponse(_) => Outcome::RetryLater,
                };
                set_item(id, |i| {
                    i.state = match outcome {
                        Outcome::Done => LogState::Parked,
                        _ => LogState::Queued,
                    };
                    i.error = Some(text);
                });
                break outcome;
            }
        }
    };
    let _ = persist(id).await;
    outcome
}

async fn fetch(settings: &CrmSettings, request: &HttpRequest) -> Result<HttpResponse, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    let headers = web_sys::Headers::new().map_err(|_| "cannot build headers".to_string())?;
    let auth = format!("Bearer {}", settings.crm_token);
    headers
        .set("authorization", &auth)
        .and_then(|_| headers.set("content-type", "application/json"))
        .map_err(|_| "cannot build headers".to_string())?;
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let url = format!("{}{}", settings.crm_url, request.path);
    let req = web_sys::Request::new_with_str_and_init(&url, &init)
        .map_err(|_| "the CRM address is not a valid URL".to_string())?;
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(chrome::global_fetch(&req))
            .await
            .map_err(|_| chrome_msg("errorNetwork"))?
            .dyn_into()
            .map_err(|_| "not a response".to_string())?;
    let mut out_headers = Vec::new();
    for name in ["retry-after", "x-hubspot-ratelimit-interval-milliseconds"] {
        if let Ok(Some(v)) = response.headers().get(name) {
            out_headers.push((name.to_string(), v));
        }
    }
    let text = match response.text() {
        Ok(p) => wasm_bindgen_futures::JsFuture::from(p)
            .await
            .map_err(|_| chrome_msg("errorNetwork"))?
            .as_string()
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok(HttpResponse {
        status: response.status(),
        headers: out_headers,
        body: text,
    })
}

/// Wires the options page: fills the form from storage and saves it after
/// validation, naming the field that is wrong.
#[wasm_bindgen(js_name = optionsPage)]
pub async fn options_page() -> Result<(), JsValue> {
    let doc = crate::sites::dom::document().ok_or("no document")?;
    let input = |id: &str| -> Result<web_sys::HtmlInputElement, JsValue> {
        doc.get_element_by_id(id)
            .ok_or_else(|| js_error(format!("options page lacks #{id}")))?
            .dyn_into::<web_sys::HtmlInputElement>()
            .map_err(|_| js_error(format!("#{id} is not an input")))
    };
    let url = input("crm-url")?;
    let token = input("crm-token")?;
    let form = doc
        .get_element_by_id("settings")
        .ok_or("options page lacks #settings")?;
    let status = doc
        .get_element_by_id("status")
        .ok_or("options page lacks #status")?;
    match load_settings().await? {
        Some(s) => {
            url.set_value(&s.crm_url);
            token.set_value(&s.crm_token);
        }
        None => url.set_value(DEFAULT_CRM_URL),
    }
    let on_submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        e.prevent_default();
        let status = status.clone();
        match CrmSettings::validated(&url.value(), &token.value()) {
            Err(bad) => {
                let key = match bad.field {
                    "crm_url" => "optionsBadUrl",
                    _ => "optionsBadToken",
                };
                let text = chrome::get_message_with(key, &js_sys::Array::of1(&bad.problem.into()));
                status.set_text_content(Some(&text));
                let _ = status.set_attribute("data-state", "error");
            }
            Ok(settings) => {
                wasm_bindgen_futures::spawn_local(async move {
                    let saved = async {
                        let entry = js_sys::Object::new();
                        js_sys::Reflect::set(
                            &entry,
                            &JsValue::from_str(SETTINGS_KEY),
                            &to_js(&settings).map_err(js_error)?,
                        )?;
                        call(chrome::storage_set(&entry)).await?;
                        let changed = to_js(&ToWorker::SettingsChanged).map_err(js_error)?;
                        call(chrome::send_message(&changed)).await
                    }
                    .await;
                    let (key, state) = match saved {
                        Ok(_) => ("optionsSaved", "saved"),
                        Err(_) => ("optionsSaveFailed", "error"),
                    };
                    status.set_text_content(Some(&chrome_msg(key)));
                    let _ = status.set_attribute("data-state", state);
                });
            }
        }
    });
    form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())?;
    on_submit.forget();
    Ok(())
}
