//! The few extension APIs crmlog calls, bound directly so that the logic
//! calling them stays in Rust. `chrome.*` exists in Chromium and (as an
//! alias of `browser.*`, promise-based in MV3) in Firefox.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `chrome.runtime.sendMessage(message)`: a promise of the reply.
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage, catch)]
    pub fn send_message(message: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.runtime.sendMessage(message, callback)`: the callback form,
    /// used by the content script, which carries no async runtime.
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage, catch)]
    pub fn send_message_then(message: &JsValue, callback: &JsValue) -> Result<(), JsValue>;

    /// `chrome.storage.local.get(keys)`.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get, catch)]
    pub fn storage_get(keys: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.storage.local.set(items)`.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    pub fn storage_set(items: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.storage.local.remove(keys)`.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove, catch)]
    pub fn storage_remove(keys: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.alarms.create(name, info)`.
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = create, catch)]
    fn alarms_create(name: &str, info: &JsValue) -> Result<JsValue, JsValue>;

    /// `fetch(request)` on the global scope (window or service worker).
    #[wasm_bindgen(js_name = fetch)]
    pub fn global_fetch(request: &web_sys::Request) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// `crypto.getRandomValues(buffer)`: the platform's cryptographic
    /// random source.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buffer: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// A fresh tracking id from `crypto.getRandomValues` (spec/tracking.md).
/// The content script calls the platform directly rather than through
/// getrandom, whose Node fallbacks and error formatting would cost it
/// kilobytes; the bits and their source are the same.
pub fn random_tracking_id() -> Option<crate::tracking::TrackingId> {
    let mut bytes = [0u8; 16];
    get_random_values(&mut bytes).ok()?;
    Some(crate::tracking::TrackingId::from_bytes(bytes))
}

#[wasm_bindgen]
extern "C" {
    /// The `chrome.runtime` object (the same for the page's life).
    type Runtime;
    #[wasm_bindgen(js_namespace = chrome, js_name = runtime, thread_local_v2)]
    static RUNTIME: Runtime;
    /// `chrome.runtime.lastError`, read afresh on each call.
    #[wasm_bindgen(method, getter, js_name = lastError)]
    fn last_error(this: &Runtime) -> JsValue;
}

/// Reads and so clears `chrome.runtime.lastError` in a `sendMessage`
/// callback; unread, Chrome reports it as an error of the extension. True
/// when there was one (e.g. no receiver while the worker restarts).
pub fn take_last_error() -> bool {
    RUNTIME.with(|r| {
        let e = r.last_error();
        !e.is_undefined() && !e.is_null()
    })
}

#[wasm_bindgen(
    inline_js = "export function fetch_raw_then_send(url, message, callback) {
  fetch(url, { credentials: 'include' })
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
    .then((raw) => { message.raw = raw; chrome.runtime.sendMessage(message, callback); },
      () => callback(undefined));
}"
)]
extern "C" {
    /// Downloads `url` (the page's own origin, with its cookies) as text,
    /// sets it as `message.raw` and sends the message to the service
    /// worker; `callback` gets the reply, or `undefined` when the download
    /// failed. The raw message goes from the browser's fetch straight into
    /// the message: it is never copied into the content script's memory.
    #[wasm_bindgen(catch)]
    fn fetch_raw_then_send(url: &str, message: &JsValue, callback: &JsValue)
    -> Result<(), JsValue>;
}

/// Sends `message` to the service worker and calls `then` with the reply
/// (`None` when the worker could not be reached). No async runtime needed.
pub fn send_then(message: &JsValue, then: impl FnOnce(Option<JsValue>) + 'static) {
    send_boxed(None, message, Box::new(then));
}

/// Like [`send_then`], with the text downloaded from `url` as the
/// message's `raw` first (`None` to `then` when either step failed).
pub fn fetch_then_send(url: &str, message: &JsValue, then: impl FnOnce(Option<JsValue>) + 'static) {
    send_boxed(Some(url), message, Box::new(then));
}

// One instance of the callback glue for every caller (the generic wrappers
// above only box): each instance costs the content script ~1 KB.
fn send_boxed(url: Option<&str>, message: &JsValue, then: Box<dyn FnOnce(Option<JsValue>)>) {
    let callback = Closure::once_into_js(move |reply: JsValue| {
        let failed = take_last_error() || reply.is_undefined();
        then((!failed).then_some(reply));
    });
    let sent = match url {
        Some(url) => fetch_raw_then_send(url, message, &callback),
        None => send_message_then(message, &callback),
    };
    if sent.is_err() {
        // The extension context is gone (extension reloaded): nothing to do
        // in this page any more.
    }
}

/// Runs `f` after `ms` milliseconds on the window's timer.
pub fn after(ms: i32, f: impl FnOnce() + 'static) {
    after_boxed(ms, Box::new(f));
}

fn after_boxed(ms: i32, f: Box<dyn FnOnce()>) {
    let callback = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms);
    }
}

/// Asks the browser to wake the service worker at `when_ms` (ms since the
/// epoch) with the alarm `name`; the browser may deliver it later (Chrome's
/// minimum is 30 s), never earlier.
pub fn alarm_at(name: &str, when_ms: f64) -> Result<(), JsValue> {
    let info = js_sys::Object::new();
    js_sys::Reflect::set(&info, &"when".into(), &JsValue::from_f64(when_ms))?;
    alarms_create(name, &info).map(|_| ())
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
