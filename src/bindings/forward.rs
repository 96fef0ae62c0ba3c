//! Forwarded-message parsing for the service worker (issue 4): the same
//! parser as `crmlog forward parse`, returning the same JSON shape (that of
//! email-forward-parser's `read()`, plus `date_rfc3339`, `chain` and
//! `unsupported_language`) as a plain JavaScript object.

use super::to_js;
use crate::mime::forward;
use wasm_bindgen::prelude::*;

/// Parses a plain-text body; `subject` is the forward's own subject line.
#[wasm_bindgen]
pub fn parse_forward_text(body: &str, subject: Option<String>) -> Result<JsValue, JsValue> {
    to_js(&forward::parse_text(body, subject.as_deref()).report())
        .map_err(|e| JsValue::from_str(&format!("crmlog: {e}")))
}

/// Parses an HTML body (reduced to text first).
#[wasm_bindgen]
pub fn parse_forward_html(html: &str, subject: Option<String>) -> Result<JsValue, JsValue> {
    to_js(&forward::parse_html(html, subject.as_deref()).report())
        .map_err(|e| JsValue::from_str(&format!("crmlog: {e}")))
}

/// [`parse_forward_text`] as a JSON string (for callers that pass the
/// result on as text, or parse it with `JSON.parse`, which is cheaper than
/// building the object field by field across the boundary).
#[wasm_bindgen]
pub fn parse_forward_text_json(body: &str, subject: Option<String>) -> Result<String, JsValue> {
    serde_json::to_string(&forward::parse_text(body, subject.as_deref()).report())
        .map_err(|e| JsValue::from_str(&format!("crmlog: {e}")))
}
