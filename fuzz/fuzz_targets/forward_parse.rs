//! Any text through the forwarded-message parser (`crate::mime::forward`):
//! it may not panic. Until that module has landed, the target exercises the
//! message model's text and HTML bodies, which are what it will be fed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line stands in for the subject the parser is given.
    let subject = text.lines().next();
    forward(&text, subject);
});

#[cfg(crmlog_has_forward)]
fn forward(text: &str, subject: Option<&str>) {
    let _ = crmlog::mime::forward::parse_text(text, subject);
    let _ = crmlog::mime::forward::parse_html(text, subject);
}

#[cfg(not(crmlog_has_forward))]
fn forward(text: &str, _subject: Option<&str>) {
    let message = crmlog::mime::parse(text.as_bytes());
    let _ = (message.text, message.html);
}
