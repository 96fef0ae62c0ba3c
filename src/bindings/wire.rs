//! The content script's side of the messages in `crm::messages`, written
//! by hand with `js_sys` instead of serde: serde's (de)serialisers would
//! double the size of the content script, whose budget is 36 KB gzip. The
//! worker reads these with serde; `tests/wasm_wire.rs` checks that both
//! sides agree field by field.

use crate::crm::compose::ComposeSnapshot;
use crate::crm::messages::{ComposeDefaults, LogState, Status};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

fn set(obj: &Object, key: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(obj, &JsValue::from_str(key), value).map(|_| ())
}

fn strings(list: &[String]) -> Array {
    list.iter().map(|s| JsValue::from_str(s)).collect()
}

/// `ToWorker::Log { snapshot }`; with `body`, the snapshot's `html` is that
/// element's `innerHTML`, taken as the page's string without a copy into
/// the content script's memory.
pub fn log_message(
    s: &ComposeSnapshot,
    body: Option<&web_sys::Element>,
) -> Result<JsValue, JsValue> {
    let message = snapshot_message("log", s)?;
    if let Some(body) = body {
        let snapshot = Reflect::get(&message, &"snapshot".into())?;
        let html = Reflect::get(body, &"innerHTML".into())?;
        Reflect::set(&snapshot, &"html".into(), &html)?;
    }
    Ok(message)
}

/// `ToWorker::Check { snapshot }` (the live recipient check).
pub fn check_message(s: &ComposeSnapshot) -> Result<JsValue, JsValue> {
    snapshot_message("check", s)
}

/// `ToWorker::Degraded { site, feature, snippet }`: a feature switched
/// itself off on this page.
pub fn degraded_message(site: &str, feature: &str, snippet: &str) -> Result<JsValue, JsValue> {
    let message = Object::new();
    set(&message, "kind", &"degraded".into())?;
    set(&message, "site", &site.into())?;
    set(&message, "feature", &feature.into())?;
    set(&message, "snippet", &snippet.into())?;
    Ok(message.into())
}

/// `ToWorker::ComposeDefaults`.
pub fn defaults_message() -> Result<JsValue, JsValue> {
    let message = Object::new();
    set(&message, "kind", &"compose_defaults".into())?;
    Ok(message.into())
}

fn snapshot_message(kind: &str, s: &ComposeSnapshot) -> Result<JsValue, JsValue> {
    let message = Object::new();
    set(&message, "kind", &kind.into())?;
    set(&message, "snapshot", &snapshot_object(s)?)?;
    Ok(message.into())
}

fn snapshot_object(s: &ComposeSnapshot) -> Result<JsValue, JsValue> {
    let snapshot = Object::new();
    set(&snapshot, "tracking_id", &s.tracking_id.as_str().into())?;
    set(&snapshot, "from", &s.from.as_str().into())?;
    set(&snapshot, "to", &strings(&s.to))?;
    set(&snapshot, "cc", &strings(&s.cc))?;
    set(&snapshot, "bcc", &strings(&s.bcc))?;
    set(&snapshot, "subject", &s.subject.as_str().into())?;
    set(&snapshot, "html", &s.html.as_str().into())?;
    set(&snapshot, "text", &s.text.as_str().into())?;
    set(&snapshot, "sent_at", &s.sent_at.as_str().into())?;
    Ok(snapshot.into())
}

/// `ToWorker::LogRaw` (`place` `None`) or `ToWorker::Reply`: `shown` is
/// what the page shows of the message; without it the raw message is added
/// as `raw` on its way (`chrome::fetch_then_send`).
pub fn source_message(
    shown: Option<&ComposeSnapshot>,
    user: &str,
    place: Option<&str>,
    thread: Option<&str>,
) -> Result<JsValue, JsValue> {
    let message = Object::new();
    if let Some(s) = shown {
        set(&message, "shown", &snapshot_object(s)?)?;
    }
    set(
        &message,
        "kind",
        &(if place.is_some() { "reply" } else { "log_raw" }).into(),
    )?;
    set(&message, "user", &user.into())?;
    if let Some(place) = place {
        set(&message, "place", &place.into())?;
    }
    if let Some(thread) = thread {
        set(&message, "thread", &thread.into())?;
    }
    Ok(message.into())
}

/// `ToWorker::RowStatus { thread }`.
pub fn row_status_message(thread: &str) -> Result<JsValue, JsValue> {
    let message = Object::new();
    set(&message, "kind", &"row_status".into())?;
    set(&message, "thread", &thread.into())?;
    Ok(message.into())
}

/// `ToWorker::Status { tracking_id }`.
pub fn status_message(tracking_id: &str) -> Result<JsValue, JsValue> {
    let message = Object::new();
    set(&message, "kind", &"status".into())?;
    set(&message, "tracking_id", &tracking_id.into())?;
    Ok(message.into())
}

/// Reads a `Status` reply; `None` when it is not one (e.g. `{error}`).
pub fn status_reply(reply: &JsValue) -> Option<Status> {
    let get = |key: &str| Reflect::get(reply, &JsValue::from_str(key)).ok();
    let state = LogState::from_name(&get("state")?.as_string()?)?;
    let reasons = get("reasons")
        .filter(Array::is_array)
        .map(|v| {
            Array::from(&v)
                .iter()
                .filter_map(|c| c.as_string())
                .collect()
        })
        .unwrap_or_default();
    Some(Status {
        state,
        email_id: get("email_id").and_then(|v| v.as_string()),
        error: get("error").and_then(|v| v.as_string()),
        reasons,
        tracking_id: get("tracking_id")
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        link: get("link").and_then(|v| v.as_string()),
    })
}

/// Reads a `ComposeDefaults` reply.
pub fn defaults_reply(reply: &JsValue) -> Option<ComposeDefaults> {
    let get = |key: &str| Reflect::get(reply, &JsValue::from_str(key)).ok();
    Some(ComposeDefaults {
        log: get("log")?.as_bool()?,
        track: get("track")?.as_bool()?,
        pixel_base: get("pixel_base").and_then(|v| v.as_string()),
    })
}

/// The content script's view of a `RecipientCheck` reply: codes stay
/// strings here (they only pick a locale message), which keeps the code
/// table out of the content script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Check {
    /// (address, reason code) of each excluded recipient.
    pub excluded: Vec<(String, String)>,
    /// Every recipient is excluded (O2).
    pub none_logged: bool,
    /// The plus-address to carry in Bcc (carrier 4), when allowed.
    pub bcc: Option<String>,
    /// A never-logged recipient keeps the BCC carrier out (N5).
    pub bcc_refused: bool,
}

/// Reads a `RecipientCheck` reply.
pub fn check_reply(reply: &JsValue) -> Option<Check> {
    let get = |v: &JsValue, key: &str| Reflect::get(v, &JsValue::from_str(key)).ok();
    let excluded = get(reply, "excluded").filter(Array::is_array)?;
    let excluded = Array::from(&excluded)
        .iter()
        .filter_map(|e| {
            Some((
                get(&e, "address")?.as_string()?,
                get(&e, "reason")?.as_string()?,
            ))
        })
        .collect();
    Some(Check {
        excluded,
        none_logged: get(reply, "none_logged")?.as_bool()?,
        bcc: get(reply, "bcc").and_then(|v| v.as_string()),
        bcc_refused: get(reply, "bcc_refused").and_then(|v| v.as_bool()) == Some(true),
    })
}
