//! Inputs that once crashed a fuzz target (scripts/fuzz.sh) stay fixed:
//! every file in tests/fixtures/fuzz/ goes through each public entry point
//! without panicking, and the model still reads what is readable.
// Native only: reads fixtures from disk (and runs processes, proptest).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::path::Path;

#[test]
fn former_crashes_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let raw = std::fs::read(&path).unwrap();
        let m = crmlog::mime::parse(&raw);
        let (_, parts) = crmlog::mime::inspect(&raw);
        let _ = crmlog::tracking::find(&m);
        // Each of these inputs starts with readable header fields.
        assert!(!m.headers.is_empty(), "{}", path.display());
        assert!(!parts.is_empty(), "{}", path.display());
        n += 1;
    }
    assert!(n > 0, "no fixtures in {}", dir.display());
}

/// mime_parse-6e313f82: a multipart whose nested message/rfc822 parts are
/// cut short by NUL runs. mail-parser's `debug_assert!` ("Invalid part ID,
/// could not find multipart") fired on it; its release build recovers.
#[test]
fn truncated_nested_multipart_reads_the_headers() {
    let raw = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/mime_parse-6e313f82.eml"),
    )
    .unwrap();
    let m = crmlog::mime::parse(&raw);
    assert_eq!(
        m.header("content-type")
            .map(|v| v.starts_with("multipart/mi")),
        Some(true)
    );
}
