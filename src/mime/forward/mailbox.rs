//! Mailboxes as clients print them in a forwarded header block:
//! `Name <a@b>`, `<a@b>`, `a@b`, `"Name" <a@b>`, `'Name' <a@b>`,
//! `Name [mailto:a@b]` (Outlook 2013), `Name <a@b<mailto:a@b>>` (Outlook
//! plain text of HTML), `Name (a@b)` (Outlook 2019, Missive), and lists of
//! them separated by `,` or `;`, where names may themselves hold commas
//! (`Doe, John <a@b>`).

use crate::mime::Mailbox;

/// Parses a list of mailboxes. Never fails: text that holds no address
/// becomes a mailbox with a name and an empty address.
pub(crate) fn parse_list(value: &str) -> Vec<Mailbox> {
    let mut out = Vec::new();
    let mut rest = value.trim();
    // Every step consumes at least one byte, so this ends.
    while !rest.is_empty() {
        rest = rest.trim_start_matches(|c: char| c == ',' || c == ';' || c.is_whitespace());
        if rest.is_empty() {
            break;
        }
        let (mailbox, after) = next_mailbox(rest);
        if let Some(mailbox) = mailbox {
            out.push(mailbox);
        }
        if after.len() >= rest.len() {
            break;
        }
        rest = after;
    }
    out
}

/// Parses the first mailbox of a value (a From line holds one; Outlook adds
/// `on behalf of ...` after it).
pub(crate) fn parse_one(value: &str) -> Option<Mailbox> {
    let rest = value.trim().trim_start_matches([',', ';']).trim_start();
    if rest.is_empty() {
        return None;
    }
    next_mailbox(rest).0
}

/// Reads one mailbox from the start of `s`; returns it and the rest.
fn next_mailbox(s: &str) -> (Option<Mailbox>, &str) {
    let mut quote: Option<char> = None;
    let mut name_end = s.len();
    let mut chars = s.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '«' | '„' => quote = Some(closing(c)),
            '\'' if at == 0 || s.get(..at).is_some_and(|p| p.trim_end().ends_with('"')) => {
                quote = Some('\'')
            }
            '<' | '[' | '(' => {
                if let Some((inner, after)) = bracket(s, at) {
                    let address = address_in(inner);
                    if let Some(address) = address {
                        let name = s.get(..at).unwrap_or("");
                        let after = skip_rest_of_mailbox(after);
                        return (Some(make(name, address)), after);
                    }
                    // A bracket without an address (a comment): part of the name.
                    let skip = s.len() - after.len();
                    while chars.peek().is_some_and(|&(next, _)| next < skip) {
                        chars.next();
                    }
                }
            }
            ',' | ';' => {
                let before = s.get(..at).unwrap_or("").trim();
                // A bare address ends here; a name with a comma goes on to
                // its bracketed address.
                if is_address(strip_quotes(before)) || !has_bracket_ahead(s.get(at..).unwrap_or(""))
                {
                    name_end = at;
                    break;
                }
            }
            _ => {}
        }
    }
    let text = s.get(..name_end).unwrap_or(s).trim();
    let rest = s.get(name_end..).unwrap_or("");
    if text.is_empty() {
        return (None, rest);
    }
    let unquoted = strip_quotes(text);
    let mailbox = if is_address(unquoted) {
        Mailbox {
            name: None,
            address: unquoted.to_string(),
        }
    } else {
        Mailbox {
            name: Some(unquoted.to_string()),
            address: String::new(),
        }
    };
    (Some(mailbox), rest)
}

fn closing(open: char) -> char {
    match open {
        '«' => '»',
        '„' => '”',
        _ => open,
    }
}

/// Whether a `<`, `[` or `(` holding an address comes before the next
/// separator that would end a bare name.
fn has_bracket_ahead(s: &str) -> bool {
    let mut rest = s;
    while let Some(open) = rest.find(['<', '[', '(']) {
        if let Some((inner, after)) = bracket(rest, open) {
            if address_in(inner).is_some() {
                return true;
            }
            rest = after;
        } else {
            return false;
        }
    }
    false
}

/// The content of the bracket opening at `open` (nested brackets of the
/// same kind count, as in `<a@b<mailto:a@b>>`) and the text after it.
fn bracket(s: &str, open: usize) -> Option<(&str, &str)> {
    let opener = s.get(open..)?.chars().next()?;
    let closer = match opener {
        '<' => '>',
        '[' => ']',
        _ => ')',
    };
    let mut level = 0usize;
    for (at, c) in s.get(open..)?.char_indices() {
        if c == opener {
            level += 1;
        } else if c == closer {
            level = level.saturating_sub(1);
            if level == 0 {
                let inner = s.get(open + opener.len_utf8()..open + at)?;
                let after = s.get(open + at + closer.len_utf8()..)?;
                return Some((inner, after));
            }
        }
    }
    None
}

/// The address inside a bracket: `a@b`, `mailto:a@b`, `a@b<mailto:c@d>`
/// (the shown address wins), `<a@b>` inside parentheses.
fn address_in(inner: &str) -> Option<String> {
    let mut text = inner.trim();
    text = text.trim_start_matches('<').trim_start();
    let text = text.strip_prefix("mailto:").unwrap_or(text);
    let end = text.find(['<', '>', ' ', ']', ')']).unwrap_or(text.len());
    let candidate = text.get(..end)?.trim_matches(['"', '\'']);
    is_address(candidate).then(|| candidate.to_string())
}

/// After a bracketed address: a repeated bracket (Outlook's
/// `Name<mailto:a@b> <a@b<mailto:a@b>>`) and anything up to the next
/// separator belong to the same mailbox.
fn skip_rest_of_mailbox(after: &str) -> &str {
    let mut rest = after;
    let trimmed = rest.trim_start();
    if trimmed.starts_with('<') || trimmed.starts_with('[') {
        let offset = rest.len() - trimmed.len();
        if let Some((_, tail)) = bracket(rest, offset) {
            rest = tail;
        }
    }
    match rest.find([',', ';']) {
        Some(at) => rest.get(at..).unwrap_or(""),
        None => "",
    }
}

fn make(name: &str, address: String) -> Mailbox {
    let name = strip_quotes(name.trim());
    let name = (!name.is_empty() && !name.eq_ignore_ascii_case(&address)).then(|| name.to_string());
    Mailbox { name, address }
}

/// Removes the quotes around a display name: `"x"`, `'x'`, `"'x'"`, `«x»`.
fn strip_quotes(s: &str) -> &str {
    let mut s = s.trim();
    for _ in 0..2 {
        let mut chars = s.chars();
        let (Some(first), Some(last)) = (chars.next(), chars.next_back()) else {
            break;
        };
        let pairs = [('"', '"'), ('\'', '\''), ('«', '»'), ('„', '”'), ('“', '”')];
        if pairs.contains(&(first, last)) {
            s = s
                .get(first.len_utf8()..s.len() - last.len_utf8())
                .unwrap_or(s)
                .trim();
        } else {
            break;
        }
    }
    s
}

/// Whether `s` is one address: `local@domain.tld`, no white space.
pub(crate) fn is_address(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| {
            c.is_whitespace()
                || matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '"')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(value: &str) -> Vec<(Option<String>, String)> {
        parse_list(value)
            .into_iter()
            .map(|m| (m.name, m.address))
            .collect()
    }

    fn p(name: Option<&str>, address: &str) -> (Option<String>, String) {
        (name.map(str::to_string), address.to_string())
    }

    #[test]
    fn common_forms() {
        assert_eq!(
            pairs("Walter Sheltan <w@acme.com>, Nicholas <n@globex.corp>"),
            [
                p(Some("Walter Sheltan"), "w@acme.com"),
                p(Some("Nicholas"), "n@globex.corp")
            ]
        );
        assert_eq!(pairs("<b@acme.com>"), [p(None, "b@acme.com")]);
        assert_eq!(pairs("b@acme.com <b@acme.com>"), [p(None, "b@acme.com")]);
        assert_eq!(
            pairs("\"b@acme.com\" <b@acme.com>"),
            [p(None, "b@acme.com")]
        );
        assert_eq!(
            pairs("w@acme.com, Nicholas <n@globex.corp>"),
            [p(None, "w@acme.com"), p(Some("Nicholas"), "n@globex.corp")]
        );
    }

    #[test]
    fn commas_and_quotes_in_names() {
        assert_eq!(
            pairs("Bessie, Berry <b@acme.com>, s@globex.corp <s@globex.corp>"),
            [
                p(Some("Bessie, Berry"), "b@acme.com"),
                p(None, "s@globex.corp")
            ]
        );
        assert_eq!(
            pairs("'Bessie, Berry' <b@acme.com>, \"Suzanne\" <s@globex.corp>"),
            [
                p(Some("Bessie, Berry"), "b@acme.com"),
                p(Some("Suzanne"), "s@globex.corp")
            ]
        );
        assert_eq!(
            pairs("'w@acme.com' <w@acme.com>, \"'n@globex.corp'\" <n@globex.corp>"),
            [p(None, "w@acme.com"), p(None, "n@globex.corp")]
        );
    }

    #[test]
    fn outlook_forms() {
        assert_eq!(
            pairs("Walter Sheltan [mailto:w@acme.com], Nicholas [mailto:n@globex.corp]"),
            [
                p(Some("Walter Sheltan"), "w@acme.com"),
                p(Some("Nicholas"), "n@globex.corp")
            ]
        );
        assert_eq!(
            pairs(
                "Suzanne <s@globex.corp<mailto:s@globex.corp>>; Laura <l@dayrep.com<mailto:l@dayrep.com>>;"
            ),
            [
                p(Some("Suzanne"), "s@globex.corp"),
                p(Some("Laura"), "l@dayrep.com")
            ]
        );
        let from = parse_one(
            "John Doe<mailto:j@acme.com> <j@acme.com<mailto:j@acme.com>> on behalf of t@acme.com<mailto:t@acme.com>",
        );
        assert_eq!(
            from,
            Some(Mailbox {
                name: Some("John Doe".into()),
                address: "j@acme.com".into()
            })
        );
        assert_eq!(
            pairs("Foo Bar (foo@bar.example)"),
            [p(Some("Foo Bar"), "foo@bar.example")]
        );
        assert_eq!(
            pairs("John Doe (<j@acme.com>)"),
            [p(Some("John Doe"), "j@acme.com")]
        );
    }

    #[test]
    fn names_without_address() {
        assert_eq!(pairs("Valéry"), [p(Some("Valéry"), "")]);
        assert_eq!(
            pairs("John (Sales) <j@acme.com>"),
            [p(Some("John (Sales)"), "j@acme.com")]
        );
    }
}
