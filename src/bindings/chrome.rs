//! The few extension APIs crmlog calls, bound directly so that the logic
//! calling them stays in Rust. `chrome.*` exists in Chromium and (as an
//! alias of `browser.*`, promise-based in MV3) in Firefox.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `chrome.runtime.sendMessage(message)`: a promise of the reply.
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage, catch)]
    pub fn send_message(message: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.storage.local.get(keys)`.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get, catch)]
    pub fn storage_get(keys: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.storage.local.set(items)`.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    pub fn storage_set(items: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.storage.local.remove(keys)`.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove, catch)]
    pub fn storage_remove(keys: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `fetch(request)` on the global scope (window or service worker).
    #[wasm_bindgen(js_name = fetch)]
    pub fn global_fetch(request: &web_sys::Request) -> js_sys::Promise;
}

/// Awaits a promise-returning call.
pub async fn call(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, JsValue> {
    wasm_bindgen_futures::JsFuture::from(promise?).await
}

/// An error value for JavaScript from anything printable.
pub fn js_error(message: impl std::fmt::Display) -> JsValue {
    JsValue::from(js_sys::Error::new(&message.to_string()))
}

#[wasm_bindgen]
extern "C" {
    /// `chrome.i18n.getMessage(name)`: "" when the message does not exist.
    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    pub fn get_message(name: &str) -> String;

    /// `chrome.i18n.getMessage(name, substitutions)`.
    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    pub fn get_message_with(name: &str, substitutions: &js_sys::Array) -> String;
}
