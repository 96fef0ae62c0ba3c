//! The `#[wasm_bindgen]` surface: the only place the pure core is exposed to
//! JavaScript. Two flavours are built from it (see ARCHITECTURE.md):
//! feature `content` for the content script (translated by wasm2js, small)
//! and feature `worker` for the service worker (real wasm, everything else).

#[cfg(all(target_arch = "wasm32", feature = "content", not(feature = "worker")))]
pub mod alloc;
#[cfg(all(target_arch = "wasm32", feature = "content", not(feature = "worker")))]
#[global_allocator]
static ALLOC: alloc::Classes = alloc::Classes::new();

pub mod chrome;
#[cfg(feature = "content")]
pub mod content;
#[cfg(feature = "worker")]
pub mod forward;
#[cfg(feature = "worker")]
pub mod idb;
#[cfg(feature = "worker")]
pub mod mime;
#[cfg(feature = "worker")]
pub mod options;
#[cfg(feature = "worker")]
pub mod policy;
#[cfg(feature = "worker")]
pub mod popup;
#[cfg(feature = "content")]
pub mod wire;
#[cfg(feature = "worker")]
pub mod worker;

#[cfg(feature = "worker")]
/// Converts a value to a plain JavaScript value the way JSON would (`None`
/// as `null`, maps as objects), so both flavours and `JSON.stringify` agree.
pub fn to_js<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<wasm_bindgen::JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}
