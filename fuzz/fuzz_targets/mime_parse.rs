//! Any bytes through the message model, tracking-id search and threading:
//! none of them may panic (panics abort in WebAssembly).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let message = crmlog::mime::parse(data);
    let _ = crmlog::mime::inspect(data);
    let _ = crmlog::tracking::find(&message);
    let headers = crmlog::mime::thread::ThreadHeaders::from(&message);
    let _ = crmlog::mime::thread::parent_ids(&headers);
    let _ = crmlog::mime::thread::build(&[(headers.clone(), 0u8), (headers, 1u8)]);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crmlog::tracking::TrackingId::parse(text);
    }
});
