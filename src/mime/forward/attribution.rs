//! Outlook 2019 and later for macOS forward a plain-text message under an
//! attribution line (`On 28/10/2021 12:46, "John Doe" <john.doe@acme.com>
//! wrote:`) with the original indented by four spaces, instead of a header
//! block. Replies look the same, so the parser trusts such a line only when
//! the subject says the message is a forward.

use super::labels::{ATTRIBUTIONS, eq_fold_spaces};

/// What an attribution line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attribution<'a> {
    pub name: Option<&'a str>,
    pub address: &'a str,
    pub date: Option<&'a str>,
}

/// Reads `line` as an attribution line in one of the known languages.
pub(crate) fn parse(line: &str) -> Option<Attribution<'_>> {
    let t = line.trim();
    if !t.ends_with(':') || !t.contains('@') {
        return None;
    }
    let (open, close, address) = address_bracket(t)?;
    let before = t.get(..open)?;
    let after = t.get(close..)?;
    ATTRIBUTIONS
        .iter()
        .find_map(|template| apply(template, before, after, address))
}

/// The first `<...>`, `(...)`, `(<...>)` or `[...]` holding an address:
/// its start, the end of the bracket, and the address.
fn address_bracket(t: &str) -> Option<(usize, usize, &str)> {
    for (open, c) in t.char_indices() {
        let closer = match c {
            '<' => '>',
            '(' => ')',
            '[' => ']',
            _ => continue,
        };
        let inner_start = open + c.len_utf8();
        let Some(len) = t.get(inner_start..).and_then(|s| s.find(closer)) else {
            continue;
        };
        let inner = t.get(inner_start..inner_start + len)?;
        let address = inner
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim()
            .trim_start_matches("mailto:");
        if super::mailbox::is_address(address) {
            return Some((open, inner_start + len + closer.len_utf8(), address));
        }
    }
    None
}

/// Matches one template (`literal {D} literal {M} literal`) against the
/// text before and after the address bracket.
fn apply<'a>(
    template: &str,
    before: &'a str,
    after: &'a str,
    address: &'a str,
) -> Option<Attribution<'a>> {
    let (head, tail) = template.split_once("{M}")?;
    // After the address: a literal, or literal {D} literal.
    let mut date = None;
    match tail.split_once("{D}") {
        Some((lit1, lit2)) => {
            let rest = strip_prefix_fold(after, lit1)?;
            let inner = strip_suffix_fold(rest, lit2)?;
            date = Some(inner.trim());
        }
        None => {
            if !eq_fold_spaces(after, tail) {
                return None;
            }
        }
    }
    // Before the address: the name, after a literal, or literal {D} literal.
    let (name, head_date) = match head.split_once("{D}") {
        Some((lit1, lit2)) => {
            let rest = strip_prefix_fold(before, lit1)?;
            let (date_part, name) = split_name(rest, lit2)?;
            (name, Some(date_part.trim()))
        }
        None => {
            let rest = strip_prefix_fold(before, head)?;
            (Some(unquote(rest.trim())), None)
        }
    };
    let date = date
        .or(head_date)
        .map(|d| d.trim_end_matches([',', ' ']))
        .filter(|d| d.chars().any(|c| c.is_ascii_digit()))?;
    let name = name.filter(|n| !n.is_empty() && *n != address);
    Some(Attribution {
        name,
        address,
        date: Some(date),
    })
}

/// Splits `date<lit>name`: a quoted name is taken whole (it may hold the
/// literal), otherwise the name follows the last occurrence of the literal.
fn split_name<'a>(rest: &'a str, lit: &str) -> Option<(&'a str, Option<&'a str>)> {
    let trimmed = rest.trim_end();
    for (open, close) in [('"', '"'), ('«', '»'), ('„', '”'), ('“', '”')] {
        if let Some(inner_end) = trimmed.strip_suffix(close)
            && let Some(start) = inner_end.rfind(open)
        {
            let name = inner_end.get(start + open.len_utf8()..)?.trim();
            let date_part = strip_suffix_fold(inner_end.get(..start)?, lit)?;
            return Some((date_part, Some(name)));
        }
    }
    let key = lit.trim();
    if key.is_empty() {
        // `Dnia {D} {M}` with an unquoted name: the boundary is unknown.
        return Some((trimmed, None));
    }
    let at = rfind_fold(trimmed, key)?;
    let date_part = trimmed.get(..at)?;
    let name = trimmed.get(at + key.len()..)?.trim();
    Some((date_part, Some(name)))
}

fn unquote(s: &str) -> &str {
    let mut chars = s.chars();
    match (chars.next(), chars.next_back()) {
        (Some(a), Some(b)) if matches!((a, b), ('"', '"') | ('«', '»') | ('„', '”')) => s
            .get(a.len_utf8()..s.len() - b.len_utf8())
            .unwrap_or(s)
            .trim(),
        _ => s,
    }
}

/// `s` without the literal `lit` at its start (case and spacing
/// insensitive; a literal of spaces only matches any leading space).
fn strip_prefix_fold<'a>(s: &'a str, lit: &str) -> Option<&'a str> {
    let s = s.trim_start();
    let key = lit.trim();
    if key.is_empty() {
        return Some(s);
    }
    let end = key.len().min(s.len());
    let mut candidate_end = end;
    // The text may differ in byte length only through case folding; try
    // the boundaries around the literal's length.
    while candidate_end <= s.len() && candidate_end <= end + 4 {
        if s.is_char_boundary(candidate_end)
            && eq_fold_spaces(s.get(..candidate_end).unwrap_or(""), key)
        {
            return s.get(candidate_end..);
        }
        candidate_end += 1;
    }
    None
}

fn strip_suffix_fold<'a>(s: &'a str, lit: &str) -> Option<&'a str> {
    let s = s.trim_end();
    let key = lit.trim();
    if key.is_empty() {
        return Some(s);
    }
    let mut start = s.len().saturating_sub(key.len());
    let lowest = start.saturating_sub(4);
    loop {
        if s.is_char_boundary(start) && eq_fold_spaces(s.get(start..).unwrap_or(""), key) {
            return s.get(..start);
        }
        if start == lowest || start == 0 {
            return None;
        }
        start -= 1;
    }
}

fn rfind_fold(s: &str, key: &str) -> Option<usize> {
    s.char_indices().rev().map(|(i, _)| i).find(|&i| {
        s.get(i..)
            .and_then(|rest| rest.get(..key.len()))
            .is_some_and(|w| super::labels::eq_fold(w, key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, name: Option<&str>, date: &str) {
        let a = parse(line).unwrap_or_else(|| panic!("not read: {line}"));
        assert_eq!(a.address, "john.doe@acme.com", "{line}");
        assert_eq!(a.name, name, "{line}");
        assert_eq!(a.date, Some(date), "{line}");
    }

    #[test]
    fn outlook_2019_languages() {
        let n = Some("John Doe");
        check(
            "Dne 28/10/2021 12:46, John Doe <john.doe@acme.com> napsal(a):",
            n,
            "28/10/2021 12:46",
        );
        check(
            "D. 28/10/2021 12.46 skrev \"John Doe\" <john.doe@acme.com>:",
            n,
            "28/10/2021 12.46",
        );
        check(
            "On 28/10/2021 12:46, \"John Doe\" <john.doe@acme.com> wrote:",
            n,
            "28/10/2021 12:46",
        );
        check(
            "John Doe <john.doe@acme.com> kirjoitti 28/10/2021 12.46:",
            n,
            "28/10/2021 12.46",
        );
        check(
            "Le 28/10/2021 12:46, « John Doe » <john.doe@acme.com> a écrit :",
            n,
            "28/10/2021 12:46",
        );
        check(
            "28/10/2021 12:46 időpontban John Doe (john.doe@acme.com) ezt írta:",
            n,
            "28/10/2021 12:46",
        );
        check(
            "Il giorno 28/10/2021, 12:46 \"John Doe\" <john.doe@acme.com> ha scritto:",
            n,
            "28/10/2021, 12:46",
        );
        check(
            "Op 28/10/2021 12:46 heeft John Doe <john.doe@acme.com> geschreven:",
            n,
            "28/10/2021 12:46",
        );
        check(
            "Em 28/10/21, 12:46, \"John Doe\" <john.doe@acme.com> escreveu:",
            n,
            "28/10/21, 12:46",
        );
        check(
            "28/10/2021, 12:46 пользователь \"John Doe\" <john.doe@acme.com> написал:",
            n,
            "28/10/2021, 12:46",
        );
        check(
            "28/10/2021 12:46 používateľ John Doe (<john.doe@acme.com>) napísal:",
            n,
            "28/10/2021 12:46",
        );
        check(
            "Den 28/10/2021 12:46 skrev \"John Doe\" <john.doe@acme.com> följande:",
            n,
            "28/10/2021 12:46",
        );
        check(
            "\"John Doe\" <john.doe@acme.com>, 28/10/2021 12:46 tarihinde şunu yazdı:",
            n,
            "28/10/2021 12:46",
        );
        check(
            "Am 28.10.2021 um 12:46 schrieb \"John Doe\" <john.doe@acme.com>:",
            n,
            "28.10.2021 um 12:46",
        );
        check(
            "John Doe <john.doe@acme.com> skrev følgende den 28.10.2021 12:46:",
            n,
            "28.10.2021 12:46",
        );
        check(
            "Dnia 28.10.2021, o godz. 12:46, „John Doe” <john.doe@acme.com> napisał:",
            n,
            "28.10.2021, o godz. 12:46",
        );
    }

    #[test]
    fn not_attributions() {
        assert!(parse("Please write to john.doe@acme.com:").is_none());
        assert!(parse("On Monday I wrote to <john.doe@acme.com> this:").is_none());
    }
}
