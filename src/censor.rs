//! Censoring page markup for bug reports: when a site selector stops
//! matching, the user may copy the surrounding DOM into a report. Only the
//! shape may leave: tags and attribute names are kept; text, comments,
//! attribute values and the contents of `script`/`style` are dropped
//! (model: InboxSDK's `censorHTMLtree`).
//!
//! Invariant: the output never contains a character of text or attribute
//! value from the input; it never panics, whatever the input.

/// Elements whose contents are raw text, skipped up to their end tag.
const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];

/// The censored form of an HTML fragment.
pub fn censor_html(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() / 4);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"!--") {
            i = find(bytes, i + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if rest.first() == Some(&b'!') || rest.first() == Some(&b'?') {
            // Doctype or processing instruction: dropped.
            i = find(bytes, i + 1, b">").map_or(bytes.len(), |e| e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = i + 1 + usize::from(closing);
        let name_end = scan(bytes, name_start, |b| {
            b.is_ascii_alphanumeric() || b == b'-'
        });
        if name_end == name_start {
            // A lone '<' in text.
            i += 1;
            continue;
        }
        let name = ascii_lower(&bytes[name_start..name_end]);
        out.push('<');
        if closing {
            out.push('/');
        }
        out.push_str(&name);
        let (end, self_closing) = attributes(bytes, name_end, &mut out);
        if self_closing {
            out.push_str(" /");
        }
        out.push('>');
        i = end;
        if !closing && !self_closing && RAW_TEXT.contains(&name.as_str()) {
            // Skip the raw text up to the matching end tag, then emit it.
            let mut close = String::from("</");
            close.push_str(&name);
            match find_ignore_case(bytes, i, close.as_bytes()) {
                Some(at) => {
                    i = find(bytes, at, b">").map_or(bytes.len(), |e| e + 1);
                    out.push_str(&close);
                    out.push('>');
                }
                None => i = bytes.len(),
            }
        }
    }
    out
}

/// Reads attributes from `at` to the end of the tag, writing their names.
/// Returns the index after `>` and whether the tag closed itself.
fn attributes(bytes: &[u8], mut at: usize, out: &mut String) -> (usize, bool) {
    loop {
        at = scan(bytes, at, |b| b.is_ascii_whitespace());
        match bytes.get(at) {
            None => return (bytes.len(), false),
            Some(b'>') => return (at + 1, false),
            Some(b'/') if bytes.get(at + 1) == Some(&b'>') => return (at + 2, true),
            Some(b'/') => at += 1,
            // "=x" with no name before it: a value only, dropped.
            Some(b'=') => at = skip_value(bytes, at + 1),
            Some(_) => {
                let name_end = scan(bytes, at, |b| {
                    !b.is_ascii_whitespace() && b != b'=' && b != b'>' && b != b'/'
                });
                let name = ascii_lower(&bytes[at..name_end]);
                // Only plain names: anything odd could smuggle text out.
                if !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':')
                {
                    out.push(' ');
                    out.push_str(&name);
                }
                at = scan(bytes, name_end.max(at + 1), |b| b.is_ascii_whitespace());
                if bytes.get(at) == Some(&b'=') {
                    at = skip_value(bytes, at + 1);
                }
            }
        }
    }
}

/// Skips an attribute value (quoted or not) starting at `at`.
fn skip_value(bytes: &[u8], at: usize) -> usize {
    let at = scan(bytes, at, |b| b.is_ascii_whitespace());
    match bytes.get(at) {
        Some(&q @ (b'"' | b'\'')) => find(bytes, at + 1, &[q]).map_or(bytes.len(), |e| e + 1),
        _ => scan(bytes, at, |b| !b.is_ascii_whitespace() && b != b'>'),
    }
}

fn scan(bytes: &[u8], mut at: usize, keep: impl Fn(u8) -> bool) -> usize {
    while at < bytes.len() && keep(bytes[at]) {
        at += 1;
    }
    at
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn find_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| p + from)
}

fn ascii_lower(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_shape_drops_content() {
        let html = r#"<div role="dialog" aria-label="New Message"><form><input name=to value='bob@client.example'><div class="Am Al" contenteditable="true">Secret offer &amp; price</div><!-- note --></form><br/></div>"#;
        assert_eq!(
            censor_html(html),
            "<div role aria-label><form><input name value><div class contenteditable></div></form><br /></div>"
        );
    }

    #[test]
    fn raw_text_elements_are_emptied() {
        assert_eq!(
            censor_html("<script nonce=x>var secret = '<b>'</script><style>p{}</STYLE><p>x</p>"),
            "<script nonce></script><style></style><p></p>"
        );
    }

    #[test]
    fn odd_input_never_leaks_or_panics() {
        for html in [
            "",
            "<",
            "<<",
            "a < b",
            "<div",
            "<div class=\"unterminated",
            "<!--",
            "<a =x>",
            "<é>",
            "<div a=\"x\"b=y>",
            "</",
            "<!doctype html>",
            "<div\0>",
            "<script>",
        ] {
            let out = censor_html(html);
            assert!(
                !out.contains('x') || html.contains("<x"),
                "{html:?} → {out:?}"
            );
            assert!(
                !out.contains('y') && !out.contains('é'),
                "{html:?} → {out:?}"
            );
        }
    }
}
