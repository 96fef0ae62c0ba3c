//! crmlog logs email from Gmail and Outlook on the web into a CRM.
//!
//! The pure core (`policy`, `mime`, `tracking`, `crm`) is plain Rust without
//! I/O that builds and tests natively; the browser edges (`sites`,
//! `features`, `bindings`) exist only for `wasm32`, and the native edges
//! (`sandbox`, `cli`) only off it. See ARCHITECTURE.md for the code map.

pub mod censor;
pub mod crm;
pub mod mime;
pub mod policy;
pub mod tracking;

#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
pub mod cli;
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
pub mod client;
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
pub mod sandbox;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
#[cfg(all(target_arch = "wasm32", feature = "content"))]
pub mod features;
#[cfg(target_arch = "wasm32")]
pub mod sites;
