//! The options page (feature `worker`, real wasm): fills the form from
//! `chrome.storage.local`, validates and saves it, tests the connection to
//! the CRM, and imports, exports and pulls the never-log list. What it
//! decides is in `crm::settings` and `crm::pages`; this file only moves
//! values between them and the page (docs/extension-pages.md).

use super::chrome::{self, call, js_error};
use super::to_js;
use super::worker::{ALIASES_KEY, NEVER_LOG_KEY, SETTINGS_KEY, chrome_msg, fetch, load_settings};
use crate::crm::api::{HttpRequest, Method};
use crate::crm::messages::ToWorker;
use crate::crm::pages::{
    self, BCC_ADDRESS_KEY, DEFAULT_LOG_KEY, DEFAULT_TRACK_KEY, LOG_REPLIES_KEY, PIXEL_BASE_KEY,
    Preferences, SHARED_NEVER_LOG_PATH, Verdict,
};
use crate::crm::settings::{CrmSettings, DEFAULT_CRM_URL, Lists};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlInputElement, HtmlTextAreaElement};

#[wasm_bindgen]
extern "C" {
    /// `chrome.permissions.request(permissions)`: a promise of whether the
    /// user granted them. Must be called while handling a user's click.
    #[wasm_bindgen(js_namespace = ["chrome", "permissions"], js_name = request, catch)]
    fn permissions_request(permissions: &JsValue) -> Result<js_sys::Promise, JsValue>;

    /// `chrome.i18n.getUILanguage()`.
    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getUILanguage)]
    fn ui_language() -> String;
}

/// Puts the browser's language on the page: every element with
/// `data-i18n="key"` gets that message as its text (the HTML holds the
/// English as a fallback), and `<html lang>` follows.
pub(super) fn localize(doc: &Document) {
    if let Some(root) = doc.document_element() {
        let _ = root.set_attribute("lang", &ui_language());
    }
    let Ok(nodes) = doc.query_selector_all("[data-i18n]") else {
        return;
    };
    for i in 0..nodes.length() {
        let Some(el) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if let Some(key) = el.get_attribute("data-i18n") {
            let text = chrome::get_message(&key);
            if !text.is_empty() {
                el.set_text_content(Some(&text));
            }
        }
    }
}

/// A message with one substitution.
pub(super) fn msg_with(key: &str, value: &str) -> String {
    let m = chrome::get_message_with(key, &js_sys::Array::of1(&value.into()));
    if m.is_empty() { key.to_string() } else { m }
}

/// Shows `text` in a status line (`role=status`), with `state` for styling
/// and for tests (`saved`, `ok`, `error`, `busy`).
fn show(line: &Element, text: &str, state: &str) {
    line.set_text_content(Some(text));
    let _ = line.set_attribute("data-state", state);
}

/// Every control of the page.
#[derive(Clone)]
struct Form {
    url: HtmlInputElement,
    token: HtmlInputElement,
    bcc: HtmlInputElement,
    pixel_base: HtmlInputElement,
    default_log: HtmlInputElement,
    default_track: HtmlInputElement,
    log_replies: HtmlInputElement,
    aliases: HtmlTextAreaElement,
    never_log: HtmlTextAreaElement,
    import: HtmlInputElement,
    /// The save result.
    status: Element,
    /// The connection test's result.
    connection: Element,
    /// Import, export and pull results.
    list_status: Element,
}

fn by_id<T: JsCast>(doc: &Document, id: &str) -> Result<T, JsValue> {
    doc.get_element_by_id(id)
        .ok_or_else(|| js_error(format!("options page lacks #{id}")))?
        .dyn_into::<T>()
        .map_err(|_| js_error(format!("#{id} is not the expected element")))
}

impl Form {
    fn find(doc: &Document) -> Result<Form, JsValue> {
        Ok(Form {
            url: by_id(doc, "crm-url")?,
            token: by_id(doc, "crm-token")?,
            bcc: by_id(doc, "bcc-address")?,
            pixel_base: by_id(doc, "pixel-base")?,
            default_log: by_id(doc, "default-log")?,
            default_track: by_id(doc, "default-track")?,
            log_replies: by_id(doc, "log-replies")?,
            aliases: by_id(doc, "aliases")?,
            never_log: by_id(doc, "never-log")?,
            import: by_id(doc, "never-log-import")?,
            status: by_id(doc, "status")?,
            connection: by_id(doc, "connection-status")?,
            list_status: by_id(doc, "list-status")?,
        })
    }

    /// Shows what is stored. A field the user has already typed into
    /// while storage was being read keeps what was typed.
    async fn fill(&self) -> Result<(), JsValue> {
        let (url, token) = match load_settings().await? {
            Some(s) => (s.crm_url, s.crm_token),
            None => (DEFAULT_CRM_URL.to_string(), String::new()),
        };
        fill_empty(&self.url, &url);
        fill_empty(&self.token, &token);
        let keys = js_sys::Array::new();
        for key in [
            NEVER_LOG_KEY,
            ALIASES_KEY,
            BCC_ADDRESS_KEY,
            DEFAULT_LOG_KEY,
            DEFAULT_TRACK_KEY,
            LOG_REPLIES_KEY,
            PIXEL_BASE_KEY,
        ] {
            keys.push(&key.into());
        }
        let got = call(chrome::storage_get(&keys)).await?;
        if let Some(text) = js_sys::Reflect::get(&got, &NEVER_LOG_KEY.into())?.as_string()
            && self.never_log.value().is_empty()
        {
            self.never_log.set_value(&text);
        }
        if let Ok(list) = serde_wasm_bindgen::from_value::<Vec<String>>(js_sys::Reflect::get(
            &got,
            &ALIASES_KEY.into(),
        )?) && self.aliases.value().is_empty()
        {
            self.aliases.set_value(&list.join("\n"));
        }
        // Missing keys take the documented defaults (Preferences).
        let prefs: Preferences = serde_wasm_bindgen::from_value(got).unwrap_or_default();
        fill_empty(&self.bcc, &prefs.bcc_address);
        fill_empty(&self.pixel_base, &prefs.pixel_base);
        self.default_log.set_checked(prefs.default_log);
        self.default_track.set_checked(prefs.default_track);
        self.log_replies.set_checked(prefs.log_replies);
        Ok(())
    }

    /// The CRM settings as typed, validated.
    fn crm(&self) -> Result<CrmSettings, String> {
        CrmSettings::validated(&self.url.value(), &self.token.value())
            .map_err(|bad| chrome_msg(bad.message_key))
    }
}

fn fill_empty(input: &HtmlInputElement, value: &str) {
    if input.value().is_empty() {
        input.set_value(value);
    }
}

/// Asks for the host permission of a CRM origin the manifest does not
/// grant. Called synchronously in the click's handler (the browser asks the
/// user only then); the returned future says whether it was granted.
fn ask_permission(settings: &CrmSettings) -> impl std::future::Future<Output = bool> + use<> {
    let asked = pages::permission_pattern(&settings.crm_url).map(|pattern| {
        let request = js_sys::Object::new();
        let origins = js_sys::Array::of1(&pattern.into());
        let _ = js_sys::Reflect::set(&request, &"origins".into(), &origins);
        permissions_request(&request)
    });
    async move {
        match asked {
            None => true,
            Some(promise) => call(promise)
                .await
                .is_ok_and(|granted| granted.as_bool() == Some(true)),
        }
    }
}

fn on(
    target: &Element,
    event: &str,
    f: impl FnMut(web_sys::Event) + 'static,
) -> Result<(), JsValue> {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())?;
    // The page lives as long as its listeners.
    closure.forget();
    Ok(())
}

/// Wires the options page: fills the form from storage and saves it after
/// validation, naming the field that is wrong.
#[wasm_bindgen(js_name = optionsPage)]
pub async fn options_page() -> Result<(), JsValue> {
    let doc = crate::sites::dom::document().ok_or("no document")?;
    localize(&doc);
    let form = Form::find(&doc)?;

    let settings_form: Element = by_id(&doc, "settings")?;
    // Set once the form shows what is stored; tests wait for it.
    let f = form.clone();
    on(&settings_form, "submit", move |e| {
        e.prevent_default();
        save(&f);
    })?;

    let f = form.clone();
    on(&by_id(&doc, "test-connection")?, "click", move |_| {
        test_connection(&f);
    })?;

    let f = form.clone();
    on(&by_id(&doc, "never-log-pull")?, "click", move |_| {
        pull_shared(&f);
    })?;

    let f = form.clone();
    on(&by_id(&doc, "never-log-export")?, "click", move |_| {
        if export(&f.never_log.value()).is_err() {
            show(&f.list_status, &chrome_msg("optionsSaveFailed"), "error");
        }
    })?;

    let f = form.clone();
    on(&form.import.clone().into(), "change", move |_| {
        import(&f);
    })?;
    // Listeners first: a Save clicked while storage is being read is
    // handled, never a plain form submission that reloads the page.
    form.fill().await?;
    settings_form.set_attribute("data-ready", "")?;
    Ok(())
}

fn save(f: &Form) {
    let error = |text: String| show(&f.status, &text, "error");
    let lists = match Lists::validated(&f.aliases.value(), &f.never_log.value()) {
        Ok(l) => l,
        Err(bad) => {
            return error(msg_with(bad.message_key, &bad.line.to_string()));
        }
    };
    let bcc_address = match pages::validated_bcc(&f.bcc.value()) {
        Ok(b) => b,
        Err(key) => return error(chrome_msg(key)),
    };
    let pixel_base = match pages::validated_pixel_base(&f.pixel_base.value()) {
        Ok(p) => p,
        Err(key) => return error(chrome_msg(key)),
    };
    let settings = match f.crm() {
        Ok(s) => s,
        Err(text) => return error(text),
    };
    let prefs = Preferences {
        pixel_base,
        bcc_address,
        default_log: f.default_log.checked(),
        default_track: f.default_track.checked(),
        log_replies: f.log_replies.checked(),
    };
    let granted = ask_permission(&settings);
    let status = f.status.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if !granted.await {
            show(&status, &chrome_msg("optionsPermissionDenied"), "error");
            return;
        }
        let saved = async {
            // Preferences serialise to their own keys, one per setting.
            let entry = to_js(&prefs).map_err(js_error)?;
            js_sys::Reflect::set(
                &entry,
                &SETTINGS_KEY.into(),
                &to_js(&settings).map_err(js_error)?,
            )?;
            js_sys::Reflect::set(
                &entry,
                &NEVER_LOG_KEY.into(),
                &lists.never_log.as_str().into(),
            )?;
            js_sys::Reflect::set(
                &entry,
                &ALIASES_KEY.into(),
                &to_js(&lists.aliases).map_err(js_error)?,
            )?;
            call(chrome::storage_set(&entry)).await?;
            let changed = to_js(&ToWorker::SettingsChanged).map_err(js_error)?;
            call(chrome::send_message(&changed)).await
        }
        .await;
        match saved {
            Ok(_) => show(&status, &chrome_msg("optionsSaved"), "saved"),
            Err(_) => show(&status, &chrome_msg("optionsSaveFailed"), "error"),
        }
    });
}

/// The verdict's sentence in the user's language.
fn verdict_text(verdict: &Verdict) -> String {
    match verdict.message() {
        (key, arg) if arg.is_empty() => chrome_msg(key),
        (key, arg) => msg_with(key, &arg),
    }
}

fn test_connection(f: &Form) {
    let line = f.connection.clone();
    let settings = match f.crm() {
        Ok(s) => s,
        Err(text) => return show(&line, &text, "error"),
    };
    let granted = ask_permission(&settings);
    show(&line, &chrome_msg("optionsConnectionTesting"), "busy");
    wasm_bindgen_futures::spawn_local(async move {
        if !granted.await {
            return show(&line, &chrome_msg("optionsPermissionDenied"), "error");
        }
        let response = fetch(&settings, &pages::connection_test_request()).await;
        let verdict = Verdict::of(response.as_ref().ok());
        let state = if verdict == Verdict::Ok {
            "ok"
        } else {
            "error"
        };
        show(&line, &verdict_text(&verdict), state);
    });
}

/// Merges `incoming` into the editor and says what happened; `bad_key`
/// names the source in the message for a bad line.
fn merge_into(f: &Form, incoming: &str, bad_key: &str) {
    match pages::merge_never_log(&f.never_log.value(), incoming) {
        Err(bad) => show(
            &f.list_status,
            &msg_with(bad_key, &bad.line.to_string()),
            "error",
        ),
        Ok(merged) if merged.added == 0 => show(
            &f.list_status,
            &chrome_msg("optionsNeverLogNothingNew"),
            "ok",
        ),
        Ok(merged) => {
            f.never_log.set_value(&merged.text);
            show(
                &f.list_status,
                &msg_with("optionsNeverLogAdded", &merged.added.to_string()),
                "ok",
            );
        }
    }
}

fn pull_shared(f: &Form) {
    let settings = match f.crm() {
        Ok(s) => s,
        Err(_) => return show(&f.list_status, &chrome_msg("optionsNeedCrm"), "error"),
    };
    let granted = ask_permission(&settings);
    let f = f.clone();
    show(
        &f.list_status,
        &chrome_msg("optionsConnectionTesting"),
        "busy",
    );
    wasm_bindgen_futures::spawn_local(async move {
        if !granted.await {
            return show(
                &f.list_status,
                &chrome_msg("optionsPermissionDenied"),
                "error",
            );
        }
        let request = HttpRequest {
            method: Method::Get,
            path: SHARED_NEVER_LOG_PATH.to_string(),
            body: None,
        };
        let response = fetch(&settings, &request).await;
        match Verdict::of(response.as_ref().ok()) {
            Verdict::Ok => {
                let text = response.map(|r| r.body).unwrap_or_default();
                merge_into(&f, &text, "optionsNeverLogPullBadLine");
            }
            verdict => show(&f.list_status, &verdict_text(&verdict), "error"),
        }
    });
}

fn import(f: &Form) {
    let Some(file) = f.import.files().and_then(|list| list.get(0)) else {
        return;
    };
    let f = f.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string());
        // Cleared, so that choosing the same file again imports it again.
        f.import.set_value("");
        match text {
            Some(text) => merge_into(&f, &text, "optionsNeverLogImportBadLine"),
            None => show(
                &f.list_status,
                &chrome_msg("optionsFileUnreadable"),
                "error",
            ),
        }
    });
}

/// Downloads the list as it stands in the editor, as UTF-8 text.
fn export(text: &str) -> Result<(), JsValue> {
    let doc = crate::sites::dom::document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download("crmlog-never-log.txt");
    link.click();
    // The download has started from the URL; it can go once this turn ends.
    chrome::after(0, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}
