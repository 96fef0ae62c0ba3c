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
use super::idb::Idb;
use super::to_js;
use crate::crm::api::{HttpRequest, HttpResponse};
use crate::crm::compose::build_log_request;
use crate::crm::log::Step;
use crate::crm::messages::ComposeDefaults;
use crate::crm::messages::{LogState, Status, ToWorker};
use crate::crm::outbox::{Item, ItemState, RetryPolicy, Settled, settle};
use crate::crm::plan::{SenderSide, check_recipients, plan_outgoing};
use crate::crm::settings::CrmSettings;
use crate::crm::transport::JobEnd;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The outbox lives in IndexedDB (`crmlog` / `outbox`, one record per
/// tracking id); the settings in `chrome.storage.local`.
const OUTBOX_DB: &str = "crmlog";
const OUTBOX_STORE: &str = "outbox";
pub(super) const SETTINGS_KEY: &str = "settings";
/// The never-log list as text (N1), validated before it is saved.
pub(super) const NEVER_LOG_KEY: &str = "never_log";
/// The user's other addresses (O4).
pub(super) const ALIASES_KEY: &str = "aliases";
/// The CRM's BCC address: set, the user logs through it (carrier 4).
use crate::crm::pages::BCC_ADDRESS_KEY;
/// Whether Log / Track start on in a new compose (options page).
const DEFAULT_LOG_KEY: &str = "default_log";
const DEFAULT_TRACK_KEY: &str = "default_track";
/// Where the open-tracking pixel points; the CRM's address when unset.
const PIXEL_BASE_KEY: &str = "pixel_base";
/// The alarm that wakes a stopped worker when a retry is due.
const ALARM: &str = "crmlog-outbox";

thread_local! {
    static DB: RefCell<Option<std::rc::Rc<Idb>>> = const { RefCell::new(None) };
    /// What this side knows for the rules, until the settings change.
    static SIDE: RefCell<Option<Result<SenderSide, String>>> = const { RefCell::new(None) };
    static ITEMS: RefCell<BTreeMap<String, Item>> = const { RefCell::new(BTreeMap::new()) };
    static LOADED: Cell<bool> = const { Cell::new(false) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    static AGAIN: Cell<bool> = const { Cell::new(false) };
    /// Set by a 401/403 until the settings change.
    static PAUSED: Cell<bool> = const { Cell::new(false) };
    static TIMER_AT: Cell<f64> = const { Cell::new(0.0) };
}

/// Called by the worker's loader each time the worker starts (and by the
/// retry alarm): reloads the outbox and sends what is due.
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
            // The rules decide here, with what this side knows (crm::plan):
            // excluded addresses leave the request before it is queued (N5).
            let new_item = match sender_side().await {
                Err(problem) => {
                    let mut item = Item::new(request, Vec::new());
                    item.state = ItemState::Parked;
                    item.last_error = Some(problem);
                    item
                }
                Ok(side) => {
                    // Carrier 4: the compose put its plus-address of the BCC
                    // address in Bcc, so the mail itself reaches the CRM's
                    // BCC inbox, which logs it; no logging request is made.
                    let via_bcc = side.sent_through_bcc(&request);
                    let plan = plan_outgoing(request.clone(), &side).map_err(js_error)?;
                    let codes = reason_codes(&plan.decision);
                    match plan.request {
                        None => Item::refused(request, codes),
                        Some(request) => {
                            let mut item = Item::new(request, plan.decision.timeline.clone());
                            item.reasons = codes;
                            if via_bcc {
                                item.state = ItemState::SentToBcc;
                            }
                            item
                        }
                    }
                }
            };
            // Recorded in memory before the next await, so a status question
            // that follows this message finds it.
            let keep = ITEMS.with(|items| {
                let mut items = items.borrow_mut();
                match items.get(&id) {
                    // A repeated Send of the same compose replaces the
                    // request while it has not gone out yet.
                    Some(existing)
                        if existing.state != ItemState::Queued || existing.attempts > 0 =>
                    {
                        false
                    }
                    _ => {
                        items.insert(id.clone(), new_item);
                        true
                    }
                }
            });
            if keep {
                persist(&id).await?;
                wasm_bindgen_futures::spawn_local(drain());
            }
            answer(&id).await
        }
        ToWorker::Status { tracking_id } => {
            if !ITEMS.with(|i| i.borrow().contains_key(&tracking_id)) {
                ensure_loaded().await?;
            }
            answer(&tracking_id).await
        }
        ToWorker::Check { snapshot } => {
            // Without a readable list there is nothing to warn about here;
            // Send parks the email until the list is fixed.
            let side = sender_side().await.unwrap_or_default();
            to_js(&check_recipients(&snapshot, &side)).map_err(js_error)
        }
        ToWorker::ComposeDefaults => to_js(&compose_defaults().await?).map_err(js_error),
        ToWorker::LogRaw { raw, shown, user } => {
            let raw = source(raw, shown.as_ref());
            log_raw(raw.as_bytes(), &user_of(&user)).await
        }
        ToWorker::Reply {
            raw,
            shown,
            user,
            place,
            thread,
        } => {
            reply(
                &source(raw, shown.as_ref()),
                &user_of(&user),
                &place,
                &thread,
            )
            .await
        }
        ToWorker::RowStatus { thread } => {
            ensure_loaded().await?;
            // The sent email whose conversation this list row is; nothing
            // to show for conversations crmlog did not log.
            let id = ITEMS.with(|items| {
                items
                    .borrow()
                    .values()
                    .find(|i| !thread.is_empty() && i.thread_key.as_deref() == Some(&thread))
                    .map(|i| i.key().to_string())
            });
            match id {
                Some(id) => answer(&id).await,
                None => to_js(&unknown(String::new())).map_err(js_error),
            }
        }
        ToWorker::SettingsChanged => {
            PAUSED.set(false);
            SIDE.with(|s| s.borrow_mut().take());
            wasm_bindgen_futures::spawn_local(drain());
            Ok(JsValue::TRUE)
        }
        ToWorker::Summary { today_start } => summary(&today_start).await,
        ToWorker::Retry { tracking_id } => retry(&tracking_id).await,
        ToWorker::Degraded {
            site,
            feature,
            snippet,
        } => super::popup::record_degraded(site, feature, snippet).await,
    }
}

fn status_of(id: &str) -> Status {
    ITEMS.with(|items| match items.borrow().get(id) {
        Some(item) => Status {
            state: match item.state {
                ItemState::Queued => LogState::Queued,
                ItemState::Sending => LogState::Sending,
                ItemState::Done => LogState::Logged,
                ItemState::Parked => LogState::Parked,
                ItemState::Refused => LogState::Refused,
                ItemState::SentToBcc => LogState::SentToBcc,
            },
            email_id: item.email_id.clone(),
            error: item.last_error.clone(),
            reasons: item.reasons.clone(),
            tracking_id: id.to_string(),
            link: None,
        },
        None => Status {
            tracking_id: id.to_string(),
            ..Status::new(LogState::Unknown)
        },
    })
}

/// The never-log list (text, one entry a line, as the options page saved
/// it) and the user's other addresses, from `chrome.storage.local`.
async fn sender_side() -> Result<SenderSide, String> {
    if let Some(side) = SIDE.with(|s| s.borrow().clone()) {
        return side;
    }
    let keys = js_sys::Array::of3(
        &NEVER_LOG_KEY.into(),
        &ALIASES_KEY.into(),
        &BCC_ADDRESS_KEY.into(),
    );
    let got = call(chrome::storage_get(&keys))
        .await
        .map_err(|_| "the settings could not be read".to_string())?;
    let get = |k: &str| js_sys::Reflect::get(&got, &JsValue::from_str(k)).ok();
    let text = get(NEVER_LOG_KEY)
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let side = match crate::policy::NeverLogList::parse_lines(&text) {
        // The options page saves only valid lists (N1); a list that does not
        // parse was changed behind its back, and logging without it could
        // let excluded addresses out, so nothing is sent until it is fixed.
        Err(e) => Err(e.to_string()),
        Ok(_) => Ok(SenderSide {
            never_log: text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect(),
            aliases: get(ALIASES_KEY)
                .and_then(|v| serde_wasm_bindgen::from_value::<Vec<String>>(v).ok())
                .unwrap_or_default(),
            // A BCC address is the user's choice to log through it instead
            // of the API (docs/extension-pages.md); the options page saved
            // it validated, lower-cased.
            bcc_address: get(BCC_ADDRESS_KEY)
                .and_then(|v| v.as_string())
                .filter(|s| !s.trim().is_empty()),
        }),
    };
    SIDE.with(|s| *s.borrow_mut() = Some(side.clone()));
    side
}

/// The decision's reason codes, as an outbox item keeps them.
fn reason_codes(decision: &crate::policy::Decision) -> Vec<String> {
    decision
        .reasons
        .iter()
        .map(|r| r.code.as_str().to_string())
        .collect()
}

/// "Log this email" (rules M): decides the raw message, then queues it
/// like a sent email — once per Message-ID — or answers why not.
async fn log_raw(raw: &[u8], user: &str) -> Result<JsValue, JsValue> {
    ensure_loaded().await?;
    let side = sender_side().await.map_err(js_error)?;
    let fresh = crate::tracking::TrackingId::generate()
        .map_err(|_| js_error("crmlog: no random source for a tracking id"))?
        .to_string();
    let now = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    let plan = crate::crm::plan::plan_manual(raw, user, &side, &fresh, &now).map_err(js_error)?;
    let codes = reason_codes(&plan.decision);
    let Some(request) = plan.request else {
        // Refused: nothing is stored or sent; the answer says why.
        return to_js(&Status {
            reasons: codes,
            ..Status::new(LogState::Refused)
        })
        .map_err(js_error);
    };
    // The same message asked for again: its first item answers.
    let earlier = plan.message_id.as_ref().and_then(|mid| {
        ITEMS.with(|items| {
            items
                .borrow()
                .values()
                .find(|i| i.message_id.as_ref() == Some(mid))
                .map(|i| i.key().to_string())
        })
    });
    let id = match earlier {
        Some(id) => id,
        None => {
            let id = request.tracking_id.clone();
            let known = ITEMS.with(|items| items.borrow().contains_key(&id));
            if !known {
                let mut item = Item::new(request, plan.decision.timeline.clone());
                item.reasons = codes;
                item.message_id = plan.message_id.clone();
                ITEMS.with(|items| items.borrow_mut().insert(id.clone(), item));
                persist(&id).await?;
                wasm_bindgen_futures::spawn_local(drain());
            }
            id
        }
    };
    answer(&id).await
}

/// The message as raw text: the page's raw source, else what it shows
/// (Outlook's reading pane) written as a message.
fn source(raw: String, shown: Option<&crate::crm::compose::ComposeSnapshot>) -> String {
    match shown {
        Some(shown) if raw.is_empty() => crate::crm::compose::shown_to_raw(shown),
        _ => raw,
    }
}

/// The signed-in address in the page text the content script sends.
fn user_of(text: &str) -> String {
    crate::crm::plan::user_address(text).unwrap_or_default()
}

/// A message shown in a thread crmlog logged (`ToWorker::Reply`): the
/// logged email itself gets its Message-ID recorded; a reply is judged by
/// rules R and, with "log replies from the browser", logged once.
async fn reply(raw: &str, user: &str, place: &str, thread: &str) -> Result<JsValue, JsValue> {
    use crate::crm::plan::{KnownThread, ReplyPlace, place_of, plan_reply};
    ensure_loaded().await?;
    let message = crate::mime::parse(raw.as_bytes());
    let from_user = message
        .from
        .first()
        .is_some_and(|m| crate::crm::log::normalize(&m.address) == user);
    // The logged email as the mail UI shows it after Send: its Message-ID
    // goes with its tracking id, so replies are found by their headers
    // (spec/tracking.md, "After send"). Only a message the user sent: a
    // reply quoting ours carries our id too. The mail UI's conversation
    // id goes with it as well, for the sent list.
    if from_user && let Some(id) = crate::tracking::find(&message).id() {
        let id = id.to_string();
        let record = ITEMS.with(|items| {
            let mut items = items.borrow_mut();
            let item = items.get_mut(&id)?;
            let mut changed = false;
            if item.message_id.is_none() && message.message_id.is_some() {
                item.message_id = message.message_id.clone();
                changed = true;
            }
            if item.thread_key.is_none() && !thread.is_empty() {
                item.thread_key = Some(thread.to_string());
                changed = true;
            }
            Some(changed)
        });
        match record {
            Some(true) => persist(&id).await?,
            Some(false) => {}
            None => return to_js(&unknown(String::new())).map_err(js_error),
        }
        return answer(&id).await;
    }
    let side = sender_side().await.map_err(js_error)?;
    // R1: the emails sent from this browser that were or are being logged,
    // through the API or the BCC address.
    let threads: Vec<KnownThread> = ITEMS.with(|items| {
        items
            .borrow()
            .values()
            .filter(|i| {
                matches!(
                    i.state,
                    ItemState::Done | ItemState::Queued | ItemState::Sending | ItemState::SentToBcc
                ) && i.request.direction == crate::policy::Direction::Email
            })
            .map(|i| KnownThread {
                tracking_id: i.key().to_string(),
                message_id: i.message_id.clone(),
            })
            .collect()
    });
    // R5: only the CRM knows its contacts.
    let sender: Vec<String> = message
        .from
        .first()
        .map(|m| crate::crm::log::normalize(&m.address))
        .into_iter()
        .filter(|a| !a.is_empty())
        .collect();
    let contacts = match contacts_among(&sender).await {
        Ok(found) => found,
        Err(problem) => return to_js(&unknown(problem)).map_err(js_error),
    };
    let (folder, provider) = place_of(place);
    let place = ReplyPlace { folder, provider };
    let decision = match plan_reply(
        raw.as_bytes(),
        &message,
        user,
        place,
        &side,
        &threads,
        &contacts,
    ) {
        Ok(Some(decision)) => decision,
        // The user's own message: nothing to say about it.
        Ok(None) => return to_js(&unknown(String::new())).map_err(js_error),
        Err(problem) => return to_js(&unknown(problem)).map_err(js_error),
    };
    if !decision.logged {
        return to_js(&Status {
            reasons: reason_codes(&decision),
            ..Status::new(LogState::Refused)
        })
        .map_err(js_error);
    }
    if log_replies().await {
        // Logged once per Message-ID, by the same path as "Log this email".
        return log_raw(raw.as_bytes(), user).await;
    }
    to_js(&Status::new(LogState::Loggable)).map_err(js_error)
}

/// The status of item `id`, with the link to the contact's timeline in the
/// CRM once it is logged.
async fn answer(id: &str) -> Result<JsValue, JsValue> {
    let mut status = status_of(id);
    let contact = ITEMS.with(|items| {
        items
            .borrow()
            .get(id)
            .and_then(|i| i.contact_ids.first().cloned())
    });
    if let (LogState::Logged, Some(contact)) = (status.state, contact)
        && let Ok(Some(settings)) = load_settings().await
    {
        let portal = if settings.is_hubspot() {
            portal_id(&settings).await
        } else {
            None
        };
        status.link = settings.timeline_link(&contact, portal.as_deref());
    }
    to_js(&status).map_err(js_error)
}

thread_local! {
    /// HubSpot's portal id for the timeline link, asked once per worker.
    static PORTAL: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// HubSpot's portal id (account details), asked once per worker start.
async fn portal_id(settings: &CrmSettings) -> Option<String> {
    if let Some(p) = PORTAL.with(|p| p.borrow().clone()) {
        return Some(p);
    }
    let response = fetch(settings, &crate::crm::settings::account_details_request())
        .await
        .ok()?;
    let portal = crate::crm::settings::portal_of(&response)?;
    PORTAL.with(|p| *p.borrow_mut() = Some(portal.clone()));
    Some(portal)
}

/// A status with nothing known, carrying `error` when something failed.
fn unknown(error: String) -> Status {
    Status {
        error: (!error.is_empty()).then_some(error),
        ..Status::new(LogState::Unknown)
    }
}

/// Which of `addresses` the CRM has as contacts (one batch read).
async fn contacts_among(addresses: &[String]) -> Result<Vec<String>, String> {
    if addresses.is_empty() {
        return Ok(Vec::new());
    }
    let settings = load_settings()
        .await
        .ok()
        .flatten()
        .ok_or_else(|| chrome_msg("errorNotConfigured"))?;
    let response = fetch(&settings, &crate::crm::log::read_contacts(addresses)).await?;
    crate::crm::log::contacts_found(&response).map_err(|e| e.to_string())
}

/// The options' "log replies from the browser".
async fn log_replies() -> bool {
    let key = JsValue::from_str(crate::crm::pages::LOG_REPLIES_KEY);
    match call(chrome::storage_get(&key)).await {
        Ok(got) => js_sys::Reflect::get(&got, &key)
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// The Log and Track defaults and the pixel base URL for a new compose.
/// Log starts on unless switched off in the options (O3); Track starts off
/// (O7). The pixel points at `pixel_base` when set, else at the configured
/// CRM — the sandbox serves `/o/<id>.gif`; HubSpot's API host does not, so
/// with HubSpot a pixel address must be set for Track to work.
async fn compose_defaults() -> Result<ComposeDefaults, JsValue> {
    let keys = js_sys::Array::of3(
        &DEFAULT_LOG_KEY.into(),
        &DEFAULT_TRACK_KEY.into(),
        &PIXEL_BASE_KEY.into(),
    );
    let got = call(chrome::storage_get(&keys)).await?;
    let get = |k: &str| js_sys::Reflect::get(&got, &JsValue::from_str(k)).ok();
    let pixel_base = match get(PIXEL_BASE_KEY)
        .and_then(|v| v.as_string())
        .filter(|s| !s.trim().is_empty())
    {
        Some(base) => CrmSettings::validated(&base, "-").ok().map(|s| s.crm_url),
        // HubSpot's API host serves no pixel: Track needs a pixel address.
        None => load_settings()
            .await?
            .map(|s| s.crm_url)
            .filter(|url| !url.contains("hubapi.com")),
    };
    Ok(ComposeDefaults {
        log: get(DEFAULT_LOG_KEY)
            .and_then(|v| v.as_bool())
            .unwrap_or(true),
        track: get(DEFAULT_TRACK_KEY)
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        pixel_base,
    })
}

/// The outbox database, opened once per worker life.
async fn db() -> Result<std::rc::Rc<Idb>, JsValue> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let opened = std::rc::Rc::new(Idb::open(OUTBOX_DB, OUTBOX_STORE).await?);
    // Two callers may race to open; the first one stored wins.
    Ok(DB.with(|d| d.borrow_mut().get_or_insert(opened).clone()))
}

async fn ensure_loaded() -> Result<(), JsValue> {
    if LOADED.get() {
        return Ok(());
    }
    for (id, value) in db().await?.all().await? {
        let Ok(item) = serde_wasm_bindgen::from_value::<Item>(value) else {
            web_sys::console::warn_1(
                &"crmlog: an outbox entry could not be read and was kept as is".into(),
            );
            continue;
        };
        // An item found `Sending` is due again (Item::is_due): the attempt
        // was cut short, and the job's search by tracking id finds a copy.
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
    db().await?.put(id, &to_js(&item).map_err(js_error)?).await
}

/// The saved CRM settings, if valid.
pub(super) async fn load_settings() -> Result<Option<CrmSettings>, JsValue> {
    let got = call(chrome::storage_get(&JsValue::from_str(SETTINGS_KEY))).await?;
    let value = js_sys::Reflect::get(&got, &JsValue::from_str(SETTINGS_KEY))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    Ok(serde_wasm_bindgen::from_value::<CrmSettings>(value)
        .ok()
        .and_then(|s| CrmSettings::validated(&s.crm_url, &s.crm_token).ok()))
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Stores a new version of an item. The drain works on a copy taken
/// before its requests: what the mail UI told meanwhile (spec/tracking.md,
/// "After send") is kept.
fn store_item(mut item: Item) -> String {
    let id = item.key().to_string();
    ITEMS.with(|items| {
        let mut items = items.borrow_mut();
        if let Some(now) = items.get(&id) {
            item.message_id = item.message_id.take().or(now.message_id.clone());
            item.thread_key = item.thread_key.take().or(now.thread_key.clone());
        }
        items.insert(id.clone(), item);
    });
    id
}

/// Sends every due item, one drain at a time, then arranges to wake up
/// when the next retry is due.
async fn drain() {
    if DRAINING.get() {
        AGAIN.set(true);
        return;
    }
    DRAINING.set(true);
    loop {
        AGAIN.set(false);
        if let Err(e) = ensure_loaded().await {
            web_sys::console::error_1(&e);
        }
        if PAUSED.get() {
            break;
        }
        let settings = match load_settings().await {
            Ok(s) => s,
            Err(e) => {
                web_sys::console::error_1(&e);
                None
            }
        };
        let due: Vec<Item> = ITEMS.with(|items| {
            items
                .borrow()
                .values()
                .filter(|i| i.is_due(now_ms()))
                .cloned()
                .collect()
        });
        for item in due {
            let Some(settings) = &settings else {
                // Kept until the user saves the settings (which sends
                // SettingsChanged and drains again).
                let mut waiting = item;
                waiting.last_error = Some(chrome_msg("errorNotConfigured"));
                let id = store_item(waiting);
                let _ = persist(&id).await;
                continue;
            };
            // An email sent to the BCC address is only looked for: there
            // is nothing to send, so no `Sending` state to record.
            if item.state != ItemState::SentToBcc {
                let mut sending = item.clone();
                sending.state = ItemState::Sending;
                let id = store_item(sending);
                let _ = persist(&id).await;
            }
            let end = run_job(&item, settings).await;
            let policy = RetryPolicy::default();
            let settled = settle(item, end, now_ms(), &policy, js_sys::Math::random());
            let (next, stop) = match settled {
                Settled::Item(next) => (next, false),
                Settled::Throttle(next) => (next, true),
                Settled::PauseAll(next) => {
                    PAUSED.set(true);
                    (next, true)
                }
            };
            let id = store_item(next);
            let _ = persist(&id).await;
            if stop {
                break;
            }
        }
        if !AGAIN.get() {
            break;
        }
    }
    DRAINING.set(false);
    schedule_wake();
}

/// Wakes the drain when the earliest queued item is due: a timer while the
/// worker lives, and an alarm that starts a stopped worker.
fn schedule_wake() {
    if PAUSED.get() {
        return;
    }
    let next = ITEMS.with(|items| {
        items
            .borrow()
            .values()
            .filter_map(Item::next_attempt_ms)
            .min()
    });
    let Some(at) = next else { return };
    let at = (at as f64).max(js_sys::Date::now() + 10.0);
    if TIMER_AT.get() != 0.0 && TIMER_AT.get() <= at {
        return;
    }
    TIMER_AT.set(at);
    let _ = chrome::alarm_at(ALARM, at);
    let wait = (at - js_sys::Date::now()).clamp(0.0, 2_147_483_000.0) as u32;
    wasm_bindgen_futures::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(wait).await;
        TIMER_AT.set(0.0);
        drain().await;
    });
}

pub(super) fn chrome_msg(key: &str) -> String {
    let m = chrome::get_message(key);
    if m.is_empty() { key.to_string() } else { m }
}

/// Drives one logging job over `fetch`.
async fn run_job(item: &Item, settings: &CrmSettings) -> JobEnd {
    let mut job = item.job();
    let mut step = job.start();
    loop {
        match step {
            Step::Send(request) => match fetch(settings, &request).await {
                Ok(response) => step = job.on_response(&response),
                Err(network) => return JobEnd::Network(network),
            },
            Step::Done(Ok(logged)) => return JobEnd::Logged(logged),
            Step::Done(Err(error)) => return JobEnd::Failed(error),
        }
    }
}

pub(super) async fn fetch(
    settings: &CrmSettings,
    request: &HttpRequest,
) -> Result<HttpResponse, String> {
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

/// The popup's view of the outbox (`ToWorker::Summary`), with the last
/// degraded-feature reports.
async fn summary(today_start: &str) -> Result<JsValue, JsValue> {
    ensure_loaded().await?;
    let mut summary =
        ITEMS.with(|items| crate::crm::pages::summarize(items.borrow().values(), today_start));
    summary.degraded = super::popup::degraded_reports().await;
    to_js(&summary).map_err(js_error)
}

/// The user's Retry of a parked item (`ToWorker::Retry`): queued again and
/// sent now. Answers with the item's status.
async fn retry(tracking_id: &str) -> Result<JsValue, JsValue> {
    ensure_loaded().await?;
    let next = ITEMS.with(|items| {
        items
            .borrow()
            .get(tracking_id)
            .and_then(crate::crm::pages::requeued)
    });
    if let Some(next) = next {
        let id = store_item(next);
        persist(&id).await?;
        wasm_bindgen_futures::spawn_local(drain());
    }
    answer(tracking_id).await
}
