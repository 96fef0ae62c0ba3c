//! The HubSpot-compatible CRM API (spec/crm-api.md): request and response
//! types and the logging job, without I/O.

pub mod api;
pub mod compose;
pub mod log;
pub mod messages;
pub mod outbox;
pub mod pages;
pub mod plan;
pub mod settings;
pub mod transport;
