//! The header block of a forwarded message: `Label: value` lines, one per
//! field (Gmail, Apple Mail, Outlook, Thunderbird, HubSpot, ...), or all on
//! one line glued together (Yahoo! Mail).

use super::labels::{self, COLONLESS_LABELS, Field};
use super::lines::Line;

/// The raw values of a header block.
#[derive(Clone, Debug, Default)]
pub(crate) struct Header<'a> {
    pub from: Option<&'a str>,
    pub to: Vec<&'a str>,
    pub cc: Vec<&'a str>,
    pub date: Option<&'a str>,
    pub subject: Option<&'a str>,
    /// Lines (or glued fields) with a known label.
    pub known: usize,
    /// Lines that look like `Label: value` with a label in no known
    /// language (F9).
    pub unknown: usize,
    /// Whether an unknown-label line holds an address.
    pub unknown_address: bool,
    /// Whether a label is one only Croatian clients write (for dates).
    pub croatian: bool,
}

impl<'a> Header<'a> {
    fn set(&mut self, label: &str, field: Field, value: &'a str) {
        self.known += 1;
        if labels::is_croatian_label(label) {
            self.croatian = true;
        }
        let value = value.trim();
        match field {
            Field::From if self.from.is_none() => self.from = Some(value),
            Field::To => self.to.push(value),
            Field::Cc => self.cc.push(value),
            Field::Date if self.date.is_none() => self.date = Some(value),
            Field::Subject if self.subject.is_none() => self.subject = Some(value),
            _ => {}
        }
    }

    /// Whether the block names a sender.
    pub fn has_from(&self) -> bool {
        self.from.is_some_and(|f| !f.is_empty())
    }
}

/// A `Label: value` line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LabelLine<'a> {
    pub label: &'a str,
    pub field: Option<Field>,
    pub value: &'a str,
}

/// Reads a line as `Label: value` (also `*Label:* value`, Outlook's bold in
/// plain text, and the full-width colon of Japanese clients). `None` when
/// the text before the first colon does not look like a label.
pub(crate) fn label_line(content: &str) -> Option<LabelLine<'_>> {
    let s = content.trim_start().trim_start_matches('*');
    let (colon, width) = s
        .char_indices()
        .take(32)
        .find(|&(_, c)| c == ':' || c == '：')
        .map(|(i, c)| (i, c.len_utf8()))?;
    let label = s.get(..colon)?.trim().trim_end_matches('*').trim_end();
    let value = s.get(colon + width..)?.trim_start_matches('*');
    if label.is_empty() || value.starts_with("//") {
        return None;
    }
    let field = labels::field_of(label);
    if field.is_none() && !looks_like_label(label) {
        return None;
    }
    Some(LabelLine {
        label,
        field,
        value,
    })
}

/// A label in an unknown language: one to three words of letters.
fn looks_like_label(label: &str) -> bool {
    label.split_whitespace().count() <= 3
        && label.chars().count() <= 24
        && label
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '.')
        && label.chars().next().is_some_and(char::is_alphabetic)
}

/// Where a header block sits in the lines.
#[derive(Clone, Debug)]
pub(crate) struct Block<'a> {
    pub header: Header<'a>,
    /// First line of the header.
    pub first: usize,
    /// First line after the header.
    pub end: usize,
    /// Quote depth of the header lines.
    pub depth: usize,
}

/// Reads the header block that starts at `start` (after up to a few blank
/// lines), at quote depth `depth` or one deeper (MailMate quotes the header
/// under an unquoted separator).
pub(crate) fn parse_block<'a>(lines: &[Line<'a>], start: usize, depth: usize) -> Option<Block<'a>> {
    let mut i = start;
    let mut blanks = 0;
    while lines.get(i).is_some_and(Line::is_blank) {
        blanks += 1;
        if blanks > 4 {
            return None;
        }
        i += 1;
    }
    let first = i;
    let block_depth = lines.get(first)?.depth;
    if block_depth < depth || block_depth > depth + 1 {
        return None;
    }
    let mut header = Header::default();
    let mut end = first;
    // The last field, for values that wrap onto the next line.
    let mut last: Option<Field> = None;
    while let Some(line) = lines.get(i) {
        if line.depth != block_depth {
            break;
        }
        let content = line.content();
        if let Some(found) = label_line(content) {
            match found.field {
                Some(field) => {
                    // Yahoo! Mail may glue the whole block onto one line.
                    if i == first && field == Field::From && content.matches(':').count() >= 3 {
                        let glued = unglue(content);
                        if glued.known >= 3 {
                            header = glued;
                            end = i + 1;
                            break;
                        }
                    }
                    header.set(found.label, field, found.value);
                    last = Some(field);
                    end = i + 1;
                }
                None => {
                    header.unknown += 1;
                    if found.value.contains('@') {
                        header.unknown_address = true;
                    }
                    last = None;
                    // Unknown lines count only when followed by more
                    // header lines; `end` moves on with the next known one.
                    if header.known == 0 {
                        end = i + 1;
                    }
                }
            }
        } else if !content.trim().is_empty() && continues(&header, last) {
            let list = match last {
                Some(Field::To) => &mut header.to,
                _ => &mut header.cc,
            };
            list.push(content.trim());
            end = i + 1;
        } else {
            break;
        }
        i += 1;
    }
    (end > first).then_some(Block {
        header,
        first,
        end,
        depth: block_depth,
    })
}

/// Whether a line without label continues the previous address list
/// (which then ends with a separator).
fn continues(header: &Header<'_>, last: Option<Field>) -> bool {
    let list = match last {
        Some(Field::To) => &header.to,
        Some(Field::Cc) => &header.cc,
        _ => return false,
    };
    list.last()
        .is_some_and(|v| v.ends_with(',') || v.ends_with(';'))
}

/// Splits Yahoo! Mail's glued header line (`From: A <a@b>To: "c" <c@d>Cc:
/// ...Sent: Tuesday, ... GMT+1Subject: ...`) into fields. Labels are found
/// case-sensitively wherever they start, followed by a colon (or, for the
/// few that Yahoo writes without one, a space); the subject comes last and
/// takes the rest of the line.
pub(crate) fn unglue(text: &str) -> Header<'_> {
    let mut header = Header::default();
    let mut current: Option<(&str, Field, usize)> = None;
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < text.len() {
        if !text.is_char_boundary(at) {
            at += 1;
            continue;
        }
        let prev = text.get(..at).and_then(|p| p.chars().next_back());
        let starts_word = prev.is_none_or(|p| !p.is_lowercase());
        let found = if starts_word && bytes.get(at).is_some_and(|b| !b.is_ascii_lowercase()) {
            glued_label_at(text, at)
        } else {
            None
        };
        match found {
            Some((label, field, value_start)) => {
                if let Some((l, f, start)) = current {
                    header.set(l, f, text.get(start..at).unwrap_or(""));
                }
                if field == Field::Subject {
                    header.set(label, field, text.get(value_start..).unwrap_or(""));
                    return header;
                }
                current = Some((label, field, value_start));
                at = value_start;
            }
            None => at += 1,
        }
    }
    if let Some((l, f, start)) = current {
        header.set(l, f, text.get(start..).unwrap_or(""));
    }
    header
}

/// The longest known label starting at `at`, and where its value starts.
fn glued_label_at(text: &str, at: usize) -> Option<(&'static str, Field, usize)> {
    let rest = text.get(at..)?;
    let first = rest.as_bytes().first()?;
    let mut best: Option<(&'static str, Field, usize)> = None;
    let with_colon = labels::glued_labels(*first)
        .iter()
        .filter_map(|&(label, field)| {
            if !rest.starts_with(label) {
                return None;
            }
            let after = rest.get(label.len()..)?;
            let trimmed = after.trim_start_matches(' ');
            let colon = trimmed
                .strip_prefix(':')
                .or_else(|| trimmed.strip_prefix('：'))?;
            Some((label, field, text.len() - colon.len()))
        });
    let without = COLONLESS_LABELS.iter().filter_map(|&(label, field)| {
        let after = rest.strip_prefix(label)?;
        after
            .starts_with(' ')
            .then(|| (label, field, text.len() - after.len()))
    });
    for candidate in with_colon.chain(without) {
        if best.is_none_or(|(l, _, _)| candidate.0.len() > l.len()) {
            best = Some(candidate);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mime::forward::lines;

    #[test]
    fn label_lines() {
        let l = label_line("*From:* John <j@x.com>").unwrap();
        assert_eq!(
            (l.field, l.value.trim()),
            (Some(Field::From), "John <j@x.com>")
        );
        let l = label_line("Copie à : \tW <w@x.com>").unwrap();
        assert_eq!(l.field, Some(Field::Cc));
        let l = label_line("送信元：John").unwrap();
        assert_eq!(l.field, Some(Field::From));
        assert!(label_line("Praesent ac ligula orci. Pellentesque: x").is_none());
        assert!(label_line("https://example.com").is_none());
        let l = label_line("Zzyzx: John <j@x.com>").unwrap();
        assert_eq!(l.field, None);
    }

    #[test]
    fn yahoo_glued() {
        let h = unglue(
            "From: John Doe <j@a.com>To: \"b@a.com\" <b@a.com>Cc: W <w@a.com>; N <n@g.corp>Sent: Tuesday, November 2, 2021, 09:26:50 AM GMT+1Subject: Integer: To: x",
        );
        assert_eq!(h.from, Some("John Doe <j@a.com>"));
        assert_eq!(h.to, ["\"b@a.com\" <b@a.com>"]);
        assert_eq!(h.cc, ["W <w@a.com>; N <n@g.corp>"]);
        assert_eq!(h.date, Some("Tuesday, November 2, 2021, 09:26:50 AM GMT+1"));
        assert_eq!(h.subject, Some("Integer: To: x"));
        let h = unglue(
            "Od: J <j@a.com>Do: \"b@a.com\" <b@a.com>Dw W <w@a.com>Wysłano: wtorek, 2 listopada 2021, 09:26:50 CETTemat: S",
        );
        assert_eq!(h.cc, ["W <w@a.com>"]);
        assert_eq!(h.subject, Some("S"));
        assert_eq!(h.date, Some("wtorek, 2 listopada 2021, 09:26:50 CET"));
    }

    #[test]
    fn block_with_wrapped_list() {
        let text = "From: A <a@x.com>\nTo: b@x.com,\n c@x.com\nSubject: s\nbody";
        let lines = lines::split(text);
        let block = parse_block(&lines, 0, 0).unwrap();
        assert_eq!(block.end, 4);
        assert_eq!(block.header.to, ["b@x.com,", "c@x.com"]);
    }
}
