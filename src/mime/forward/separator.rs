//! Separator lines that open a forwarded block, per client family:
//!
//! - a phrase between dashes: Gmail and Missive (`---------- Forwarded
//!   message ---------`), Thunderbird (8 dashes), Yahoo! Mail (5 dashes,
//!   the header glued after it on the same line), HubSpot, IONOS
//!   (`---------- Original Message ----------`), Outlook desktop and
//!   Windows Live Mail (`-----Original Message-----`), Samsung Mail
//!   (`-------- Original message --------`);
//! - a phrase alone with a colon: Apple Mail and iOS Mail (`Begin forwarded
//!   message:`), MailMate (`Forwarded message:`);
//! - a line of underscores: Outlook.com / Outlook on the web, and the
//!   plain-text form of Outlook's HTML separator.

use super::labels::{self, Phrase};

/// A separator line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Separator<'a> {
    /// A known phrase; `rest` is what follows the closing dashes on the same
    /// line (Yahoo! Mail's glued header), usually empty.
    Known { phrase: Phrase, rest: &'a str },
    /// A phrase between dashes in no known language (F9).
    Unknown { rest: &'a str },
    /// A line of underscores (Outlook).
    Underscores,
}

/// Reads a line (quote markers already removed) as a separator.
pub(crate) fn separator(content: &str) -> Option<Separator<'_>> {
    let t = content.trim();
    let first = t.chars().next()?;
    if first == '_' {
        let all = t.chars().all(|c| c == '_');
        return (all && t.len() >= 20).then_some(Separator::Underscores);
    }
    if first == '-' {
        return dashes(t);
    }
    let phrase = t
        .strip_suffix(':')
        .or_else(|| t.strip_suffix('：'))?
        .trim_end();
    match labels::phrase_kind(phrase)? {
        Phrase::Forward => Some(Separator::Known {
            phrase: Phrase::Forward,
            rest: "",
        }),
        // "Original Message:" alone is not a separator any client writes.
        Phrase::Original => None,
    }
}

/// `--- phrase ---` with at least three dashes each side (Thunderbird in
/// Polish uses exactly three).
fn dashes(t: &str) -> Option<Separator<'_>> {
    let inner = t.trim_start_matches('-');
    if t.len() - inner.len() < 3 {
        return None;
    }
    // Try every closing run of dashes; prefer the last one that closes a
    // known phrase, since phrases may hold dashes themselves ("Preposlaná
    // správa --- Forwarded Message").
    let mut first_close: Option<(usize, usize)> = None;
    let mut known: Option<(Phrase, usize)> = None;
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i) == Some(&b'-') {
            let run_end = i + bytes.get(i..)?.iter().take_while(|&&b| b == b'-').count();
            if run_end - i >= 2 {
                let phrase = inner.get(..i)?.trim();
                if first_close.is_none() {
                    first_close = Some((i, run_end));
                }
                if let Some(kind) = labels::phrase_kind(phrase) {
                    known = Some((kind, run_end));
                }
            }
            i = run_end;
        } else {
            i += 1;
        }
    }
    if let Some((phrase, end)) = known {
        return Some(Separator::Known {
            phrase,
            rest: inner.get(end..).unwrap_or(""),
        });
    }
    let (close, end) = first_close?;
    let phrase = inner.get(..close)?.trim();
    let plausible = phrase.chars().any(char::is_alphabetic)
        && phrase.chars().count() <= 60
        && !phrase.contains('@');
    plausible.then(|| Separator::Unknown {
        rest: inner.get(end..).unwrap_or(""),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(phrase: Phrase, rest: &str) -> Option<Separator<'_>> {
        Some(Separator::Known { phrase, rest })
    }

    #[test]
    fn families() {
        assert_eq!(
            separator("---------- Forwarded message ---------"),
            known(Phrase::Forward, "")
        );
        assert_eq!(
            separator("-----Original Message-----"),
            known(Phrase::Original, "")
        );
        assert_eq!(
            separator("-------- Preposlaná správa --- Forwarded Message --------"),
            known(Phrase::Forward, "")
        );
        assert_eq!(
            separator("   ----- Forwarded Message ----- From: J <j@a.com>"),
            known(Phrase::Forward, " From: J <j@a.com>")
        );
        assert_eq!(
            separator("Begin forwarded message:"),
            known(Phrase::Forward, "")
        );
        assert_eq!(
            separator("Début du message réexpédié :"),
            known(Phrase::Forward, "")
        );
        assert_eq!(
            separator("________________________________"),
            Some(Separator::Underscores)
        );
        assert_eq!(
            separator("----- Xyzzy plugh -----"),
            Some(Separator::Unknown { rest: "" })
        );
        assert_eq!(separator("-- "), None);
        assert_eq!(separator("---"), None);
        assert_eq!(separator("Hello:"), None);
        assert_eq!(separator("- item"), None);
    }
}
