//! The CRM client as a native program: the outbox over SQLite and the loop
//! that drains it over HTTP. The same `crm::log` job and `crm::outbox`
//! rules run in the extension's service worker over `fetch` and
//! `chrome.storage`. Native only.

pub mod runner;
pub mod store;
