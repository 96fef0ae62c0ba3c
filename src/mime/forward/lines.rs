//! The text model: a body normalised once, then seen as lines with their
//! quote depth.

use std::borrow::Cow;

/// Normalises a body the way every client family needs it: byte-order
/// marks dropped (Outlook 2019 writes one, sometimes mid-text), CRLF and
/// lone CR turned into LF, no-break spaces into plain spaces (HubSpot,
/// IONOS).
pub(crate) fn normalize(body: &str) -> Cow<'_, str> {
    // The three characters start with these bytes in UTF-8 (CR, U+FEFF,
    // U+00A0); text without them is copied as is.
    let special = |b: &u8| matches!(b, b'\r' | 0xEF | 0xC2);
    if !body.as_bytes().iter().any(special) {
        return Cow::Borrowed(body);
    }
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    let (mut i, mut last) = (0, 0);
    while let Some(&b) = bytes.get(i) {
        // Each special starts a character, so every cut is on a boundary.
        let (skip, replacement) = match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => (2, "\n"),
            b'\r' => (1, "\n"),
            0xEF if bytes.get(i + 1..i + 3) == Some(&[0xBB, 0xBF]) => (3, ""),
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => (2, " "),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(body.get(last..i).unwrap_or(""));
        out.push_str(replacement);
        i += skip;
        last = i;
    }
    out.push_str(body.get(last..).unwrap_or(""));
    Cow::Owned(out)
}

/// One line of the normalised body.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    /// The line as written, without its line break.
    pub raw: &'a str,
    /// How many `>` quote markers open the line (`>>` and `> >` are both 2).
    pub depth: usize,
}

impl<'a> Line<'a> {
    /// The line with `levels` quote markers removed, each with the one
    /// space that may follow it.
    pub fn strip(&self, levels: usize) -> &'a str {
        strip_quotes(self.raw, levels)
    }

    /// The line without any quote marker.
    pub fn content(&self) -> &'a str {
        self.strip(self.depth)
    }

    /// Whether the line holds nothing but quote markers and white space.
    pub fn is_blank(&self) -> bool {
        self.content().trim().is_empty()
    }
}

/// Splits a normalised body into lines.
pub(crate) fn split(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::with_capacity(text.len() / 40 + 1);
    for raw in text.split('\n') {
        lines.push(Line {
            raw,
            depth: quote_depth(raw),
        });
    }
    lines
}

fn quote_depth(raw: &str) -> usize {
    let mut depth = 0;
    let mut bytes = raw.bytes().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'>' => depth += 1,
            b' ' if depth > 0 && bytes.peek() == Some(&b'>') => {}
            _ => break,
        }
    }
    depth
}

fn strip_quotes(raw: &str, levels: usize) -> &str {
    let mut rest = raw;
    for _ in 0..levels {
        match rest.strip_prefix('>') {
            Some(after) => rest = after.strip_prefix(' ').unwrap_or(after),
            None => break,
        }
    }
    rest
}

/// Joins lines `from..to` with quote markers stripped (`levels` per line)
/// and the first `indent` spaces removed, then trims the result.
pub(crate) fn join(lines: &[Line<'_>], levels: usize, indent: usize) -> String {
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut text = line.strip(levels.min(line.depth));
        for _ in 0..indent {
            match text.strip_prefix(' ') {
                Some(rest) => text = rest,
                None => break,
            }
        }
        if text.trim().is_empty() {
            continue;
        }
        out.push_str(text);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_and_content() {
        let text = normalize("a\r\n> b\r\n>> c\n> > d\n>\u{a0}\n");
        let lines = split(&text);
        let depths: Vec<usize> = lines.iter().map(|l| l.depth).collect();
        assert_eq!(depths, [0, 1, 2, 2, 1, 0]);
        assert_eq!(lines[3].content(), "d");
        assert_eq!(lines[3].strip(1), "> d");
        assert!(lines[4].is_blank());
    }

    #[test]
    fn join_strips_and_trims() {
        let text = "> x\n>\n> y\n    z";
        let lines = split(text);
        assert_eq!(join(&lines, 1, 0), "x\n\ny\n    z");
        assert_eq!(join(&lines[3..], 1, 4), "z");
    }
}
