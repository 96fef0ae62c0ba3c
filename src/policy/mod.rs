//! The logging rules of `spec/logging-rules.md` as pure functions: events in,
//! `Decision` values out. Never does I/O.
