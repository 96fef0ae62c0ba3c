//! The rules engine for JavaScript (feature `worker`): `decide(account,
//! event)` returns a Decision object, `decideJson` the exact JSON the
//! command line prints, and two classes keep prepared data across calls:
//! `PolicyEngine` (an account indexed once) and `NeverLogList` (a list
//! built once, queried many times).
//!
//! Raw messages come inline in the event's `raw` field; `raw_file` needs a
//! file system and is refused here.

use super::to_js;
use crate::policy::{self, Account, Engine, InputError};
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn js_input_error(e: InputError) -> JsError {
    JsError::new(&e.to_string())
}

/// Reads a JavaScript value through its JSON text, so that the browser
/// reads exactly what the command line reads: serde-wasm-bindgen would
/// silently skip unknown fields, which decide.md says are rejected.
fn json_text(value: &JsValue) -> Result<String, JsError> {
    js_sys::JSON::stringify(value)
        .map(String::from)
        .map_err(|_| JsError::new("the value cannot be written as JSON"))
}

fn event_from_js(event: JsValue) -> Result<policy::Event, JsError> {
    policy::event_from_json(&json_text(&event)?).map_err(js_input_error)
}

fn account_from_js(account: JsValue) -> Result<Account, JsError> {
    policy::account_from_json(&json_text(&account)?).map_err(js_input_error)
}

fn js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    to_js(value).map_err(|e| JsError::new(&e.to_string()))
}

/// Decides one event for an account (both as decide.md writes them) and
/// returns the Decision as a plain object.
#[wasm_bindgen]
pub fn decide(account: JsValue, event: JsValue) -> Result<JsValue, JsError> {
    let account = account_from_js(account)?;
    let engine = Engine::new(&account).map_err(js_input_error)?;
    let decision = engine
        .decide(&event_from_js(event)?)
        .map_err(js_input_error)?;
    js(&decision)
}

/// JSON text in, JSON text out: the same bytes `crmlog decide --events`
/// prints for this account and event.
#[wasm_bindgen(js_name = decideJson)]
pub fn decide_json(account: &str, event: &str) -> Result<String, JsError> {
    policy::decide_json(account, event).map_err(js_input_error)
}

/// An account indexed once, for many decisions.
#[wasm_bindgen]
pub struct PolicyEngine {
    inner: Engine,
}

#[wasm_bindgen]
impl PolicyEngine {
    /// Checks and indexes an account.
    #[wasm_bindgen(constructor)]
    pub fn new(account: JsValue) -> Result<PolicyEngine, JsError> {
        let account = account_from_js(account)?;
        Ok(PolicyEngine {
            inner: Engine::new(&account).map_err(js_input_error)?,
        })
    }

    /// Decides one event; returns the Decision as a plain object.
    pub fn decide(&self, event: JsValue) -> Result<JsValue, JsError> {
        let decision = self
            .inner
            .decide(&event_from_js(event)?)
            .map_err(js_input_error)?;
        js(&decision)
    }

    /// Decides one event given as JSON text; returns the Decision as JSON.
    #[wasm_bindgen(js_name = decideJson)]
    pub fn decide_json(&self, event: &str) -> Result<String, JsError> {
        let event = policy::event_from_json(event).map_err(js_input_error)?;
        let decision = self.inner.decide(&event).map_err(js_input_error)?;
        Ok(decision.to_json())
    }
}

/// What `NeverLogList.check` answers (the shape of `crmlog never-log check`).
#[derive(Serialize)]
struct Answer<'a> {
    address: String,
    excluded: bool,
    entry: Option<&'a str>,
    line: Option<usize>,
    reason: Option<policy::Code>,
}

/// A never-log list built once from its entries (N1–N4, N6).
#[wasm_bindgen(js_name = NeverLogList)]
pub struct JsNeverLogList {
    inner: policy::NeverLogList,
}

#[wasm_bindgen(js_class = NeverLogList)]
impl JsNeverLogList {
    /// Builds the list; a bad entry refuses the whole list (N1), naming
    /// the entry and its position.
    #[wasm_bindgen(constructor)]
    pub fn new(entries: Vec<String>) -> Result<JsNeverLogList, JsError> {
        policy::NeverLogList::from_entries(&entries)
            .map(|inner| JsNeverLogList { inner })
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Number of entries.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }

    /// Whether an address is excluded, by which entry, with which code.
    pub fn check(&self, address: &str) -> Result<JsValue, JsError> {
        let m = self.inner.check(address);
        js(&Answer {
            address: address.trim().to_lowercase(),
            excluded: m.is_some(),
            entry: m.map(|m| m.entry),
            line: m.map(|m| m.line),
            reason: m.map(|m| m.reason),
        })
    }

    /// Just whether an address is excluded (no object built).
    #[wasm_bindgen(js_name = isExcluded)]
    pub fn is_excluded(&self, address: &str) -> bool {
        self.inner.check(address).is_some()
    }
}
