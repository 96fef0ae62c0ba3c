//! A small key-value store over IndexedDB, for the service worker's outbox:
//! its quota is far larger than `chrome.storage.local`'s (an email body may
//! be 2 MB, rule S1), and a write is confirmed only when its transaction
//! has completed with strict durability.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{IdbDatabase, IdbFactory, IdbOpenDbRequest, IdbRequest, IdbTransaction};

#[wasm_bindgen]
extern "C" {
    /// An `IDBDatabase` seen through the one call web-sys marks unstable:
    /// `db.transaction(store, mode, { durability })`.
    type DatabaseWithOptions;

    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &DatabaseWithOptions,
        store: &str,
        mode: &str,
        options: &JsValue,
    ) -> Result<IdbTransaction, JsValue>;
}

/// One object store in one database.
pub struct Idb {
    db: IdbDatabase,
    store: String,
}

fn factory() -> Result<IdbFactory, JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into())?
        .dyn_into::<IdbFactory>()
        .map_err(|_| JsValue::from_str("IndexedDB is not available here"))
}

/// Resolves when `request` succeeds (with its result) or rejects. The
/// handlers are attached when this is called, not when it is awaited, so
/// several requests of one transaction can be awaited in turn.
fn request_done(request: &IdbRequest) -> wasm_bindgen_futures::JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let req = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &req.result().unwrap_or(JsValue::UNDEFINED));
        });
        let req = request.clone();
        let on_error = Closure::once_into_js(move || {
            let error = req
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or_else(|| JsValue::from_str("IndexedDB request failed"));
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    wasm_bindgen_futures::JsFuture::from(promise)
}

/// Resolves when `tx` has completed (the write is durable) or rejects;
/// attached when called.
fn transaction_done(tx: &IdbTransaction) -> wasm_bindgen_futures::JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject_abort = reject.clone();
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call1(&JsValue::NULL, &"IndexedDB transaction failed".into());
        });
        let on_abort = Closure::once_into_js(move || {
            let _ = reject_abort.call1(&JsValue::NULL, &"IndexedDB transaction aborted".into());
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
    });
    wasm_bindgen_futures::JsFuture::from(promise)
}

impl Idb {
    /// Opens database `name` with the object store `store` (created on
    /// first use; version 1).
    pub async fn open(name: &str, store: &str) -> Result<Idb, JsValue> {
        let request: IdbOpenDbRequest = factory()?.open_with_u32(name, 1)?;
        let store_name = store.to_string();
        let upgrade = Closure::once_into_js(move |event: web_sys::Event| {
            let db = event
                .target()
                .and_then(|t| t.dyn_into::<IdbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
            if let Some(db) = db
                && !db.object_store_names().contains(&store_name)
            {
                let _ = db.create_object_store(&store_name);
            }
        });
        request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        let db: IdbDatabase = request_done(&request).await?.dyn_into()?;
        Ok(Idb {
            db,
            store: store.to_string(),
        })
    }

    fn transaction(&self, write: bool) -> Result<IdbTransaction, JsValue> {
        if write {
            let options = js_sys::Object::new();
            js_sys::Reflect::set(&options, &"durability".into(), &"strict".into())?;
            self.db
                .unchecked_ref::<DatabaseWithOptions>()
                .transaction_with_options(&self.store, "readwrite", &options)
        } else {
            self.db.transaction_with_str(&self.store)
        }
    }

    /// Stores `value` under `key`; returns once it is durable.
    pub async fn put(&self, key: &str, value: &JsValue) -> Result<(), JsValue> {
        let tx = self.transaction(true)?;
        let done = transaction_done(&tx);
        tx.object_store(&self.store)?
            .put_with_key(value, &JsValue::from_str(key))?;
        done.await.map(|_| ())
    }

    /// The value under `key`.
    pub async fn get(&self, key: &str) -> Result<Option<JsValue>, JsValue> {
        let tx = self.transaction(false)?;
        let request = tx.object_store(&self.store)?.get(&JsValue::from_str(key))?;
        let value = request_done(&request).await?;
        Ok((!value.is_undefined()).then_some(value))
    }

    /// Every (key, value), in key order.
    pub async fn all(&self) -> Result<Vec<(String, JsValue)>, JsValue> {
        let tx = self.transaction(false)?;
        let store = tx.object_store(&self.store)?;
        let keys = request_done(&store.get_all_keys()?);
        let values = request_done(&store.get_all()?);
        let keys: js_sys::Array = keys.await?.dyn_into()?;
        let values: js_sys::Array = values.await?.dyn_into()?;
        Ok(keys
            .iter()
            .zip(values.iter())
            .filter_map(|(k, v)| Some((k.as_string()?, v)))
            .collect())
    }

    /// Removes `key`.
    pub async fn delete(&self, key: &str) -> Result<(), JsValue> {
        let tx = self.transaction(true)?;
        let done = transaction_done(&tx);
        tx.object_store(&self.store)?
            .delete(&JsValue::from_str(key))?;
        done.await.map(|_| ())
    }

    /// Closes the connection.
    pub fn close(self) {
        self.db.close();
    }
}
