//! Service-worker exports for reading mail: the message model, tracking ids
//! and R11 thread matching. Thin wrappers: every decision is in
//! `crate::mime` and `crate::tracking`.

use crate::mime::{self, thread};
use crate::tracking::{self, Finding, TrackingId};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Plain JS objects and arrays (no `Map`), so results read like JSON.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    super::to_js(value).map_err(|e| JsError::new(&e.to_string()))
}

fn parse_id(id: &str) -> Result<TrackingId, JsError> {
    TrackingId::parse(id).map_err(|e| JsError::new(&e.to_string()))
}

/// Parses a raw message (bytes of an .eml) into the message model: an
/// object with the fields of `crmlog::mime::Message` (snake_case keys).
#[wasm_bindgen(js_name = parseMessage)]
pub fn parse_message(raw: &[u8]) -> Result<JsValue, JsError> {
    to_js(&mime::parse(raw))
}

/// A fresh tracking id from `crypto.getRandomValues`.
#[wasm_bindgen(js_name = trackingIdNew)]
pub fn tracking_id_new() -> Result<String, JsError> {
    TrackingId::generate()
        .map(|id| id.to_string())
        .map_err(|e| JsError::new(&e.to_string()))
}

#[derive(Serialize)]
struct FindResult {
    /// The id when all carriers agree, else null.
    id: Option<String>,
    /// The carriers that named the id (or, on conflict, any id).
    carriers: Vec<&'static str>,
    /// Set when carriers disagree.
    warning: Option<String>,
}

/// Finds the tracking id in a raw message:
/// `{ id: string | null, carriers: string[], warning: string | null }`.
#[wasm_bindgen(js_name = trackingIdFind)]
pub fn tracking_id_find(raw: &[u8]) -> Result<JsValue, JsError> {
    let finding = tracking::find_raw(raw);
    let carriers = match &finding {
        Finding::Found { carriers, .. } => carriers.iter().map(|c| c.name()).collect(),
        Finding::Conflict { found } => found.iter().map(|(c, _)| c.name()).collect(),
        Finding::None => Vec::new(),
    };
    to_js(&FindResult {
        id: finding.id().map(|id| id.to_string()),
        carriers,
        warning: finding.warning(),
    })
}

/// Carrier 1: the `X-Crmlog-Id` header line.
#[wasm_bindgen(js_name = trackingHeaderField)]
pub fn tracking_header_field(id: &str) -> Result<String, JsError> {
    Ok(tracking::header_field(&parse_id(id)?))
}

/// Carrier 2: the HTML body with the invisible marker added.
#[wasm_bindgen(js_name = trackingEmbedBodyMarker)]
pub fn tracking_embed_body_marker(html: &str, id: &str) -> Result<String, JsError> {
    Ok(tracking::embed_body_marker(html, &parse_id(id)?))
}

/// Carrier 3: the HTML body with the open-tracking pixel added.
#[wasm_bindgen(js_name = trackingEmbedPixel)]
pub fn tracking_embed_pixel(html: &str, pixel_base: &str, id: &str) -> Result<String, JsError> {
    Ok(tracking::embed_pixel(html, pixel_base, &parse_id(id)?))
}

/// Carrier 4: the Bcc plus-address for a BCC inbox address, or undefined
/// when the inbox address is not an address.
#[wasm_bindgen(js_name = trackingBccAddress)]
pub fn tracking_bcc_address(inbox: &str, id: &str) -> Result<Option<String>, JsError> {
    Ok(tracking::bcc_address(inbox, &parse_id(id)?))
}

/// R11: the Message-ID (with angle brackets) among `known_ids` that a raw
/// message replies to, by In-Reply-To and References only; undefined when
/// none matches.
#[wasm_bindgen(js_name = threadMatch)]
pub fn thread_match(raw: &[u8], known_ids: Vec<String>) -> Option<String> {
    let message = mime::parse(raw);
    thread::match_thread(&message, |id| {
        known_ids
            .iter()
            .any(|k| thread::normalize_id(k) == Some(id))
            .then_some(())
    })
    .map(|(id, ())| format!("<{id}>"))
}
