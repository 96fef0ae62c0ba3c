//! The `#[wasm_bindgen]` surface: the only place the pure core is exposed to
//! JavaScript. Two flavours are built from it (see ARCHITECTURE.md):
//! feature `content` for the content script (translated by wasm2js, small)
//! and feature `worker` for the service worker (real wasm, everything else).

#[cfg(feature = "worker")]
pub mod mime;
