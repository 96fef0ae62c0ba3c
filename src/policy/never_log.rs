//! The never-log list (rules N1–N6) as a data structure for large lists.
//!
//! Building is linear in the number of entries (one hash insert each) and a
//! lookup costs a fixed handful of hash probes — the address, its `+tag`
//! base, its domain, and one probe per parent domain for wildcards — however
//! long the list is. A lookup of ASCII text allocates nothing.
//!
//! Invariant: a list either holds every entry it was given or was not built
//! at all (N1: a list with a bad entry is not saved in part).

use super::address::{self, with_joined};
use super::decision::Code;
use hashbrown::HashTable;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::hash::BuildHasher;

/// What one entry of the list excludes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// `bob@client.com`: that mailbox, with any `+tag` (N4).
    Address,
    /// `client.com` or `@client.com`: that exact domain (N3).
    Domain,
    /// `*.client.com`: every subdomain of `client.com`, not itself (N3).
    Subdomains,
}

/// How an address matched (for explanations and the trace of rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchKind {
    /// The address itself is an entry.
    Address,
    /// The address without its `+tag` is an entry (N4).
    PlusTag,
    /// Its domain is an entry.
    Domain,
    /// A parent domain is a `*.` entry (N3).
    Subdomain,
}

/// A never-log match: the entry that excluded the address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match<'a> {
    /// The entry as written in the list, trimmed.
    pub entry: &'a str,
    /// Line (1-based) or position (1-based) of the entry in its list.
    pub line: usize,
    /// `never_log_address` or `never_log_domain` (N6: an address entry wins).
    pub reason: Code,
    /// Which way it matched.
    pub kind: MatchKind,
    /// Whether a domain entry also matched (N6 made the address win).
    pub domain_also: bool,
}

/// Why an entry is not valid (N1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryError {
    /// 1-based line (for a file) or position (for a JSON array).
    pub line: usize,
    /// The entry as written, trimmed.
    pub entry: String,
    /// What is wrong with it, in English.
    pub problem: String,
}

impl fmt::Display for EntryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {:?} {}", self.line, self.entry, self.problem)
    }
}

/// Every bad entry of a list (N1); the list was not built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListError {
    /// The bad entries, in list order.
    pub errors: Vec<EntryError>,
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the never-log list was not saved: ")?;
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ListError {}

/// A parsed, valid entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// What it excludes.
    pub kind: EntryKind,
    /// The canonical pattern: `local@ascii-domain`, `ascii-domain`, or the
    /// ASCII domain whose subdomains are excluded.
    pub pattern: String,
}

impl Entry {
    /// Reads one entry (N1). `text` is trimmed first (N2).
    pub fn parse(text: &str) -> Result<Entry, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("is empty".into());
        }
        if text.chars().any(char::is_whitespace) {
            return Err("contains white space".into());
        }
        let (kind, local, domain) = if let Some(domain) = text.strip_prefix('@') {
            (EntryKind::Domain, None, domain)
        } else if let Some((local, domain)) = text.split_once('@') {
            check_local(local)?;
            (EntryKind::Address, Some(local), domain)
        } else if let Some(parent) = text.strip_prefix("*.") {
            (EntryKind::Subdomains, None, parent)
        } else {
            (EntryKind::Domain, None, text)
        };
        let domain = domain_pattern(domain)?;
        // One allocation for the pattern: lower-cased local part, `@`,
        // lower-cased ASCII domain.
        let mut pattern = String::with_capacity(text.len() + 8);
        if let Some(local) = local {
            if local.is_ascii() {
                pattern.push_str(local);
            } else {
                pattern.extend(local.chars().flat_map(char::to_lowercase));
            }
            pattern.push('@');
        }
        pattern.push_str(&domain);
        pattern.make_ascii_lowercase();
        Ok(Entry { kind, pattern })
    }
}

fn check_local(local: &str) -> Result<(), String> {
    if local.is_empty() {
        return Err("has nothing before the @".into());
    }
    let bad = |c: char| {
        c.is_control()
            || matches!(
                c,
                '"' | '(' | ')' | ',' | ':' | ';' | '<' | '>' | '[' | '\\' | ']' | '*'
            )
    };
    if let Some(c) = local.chars().find(|c| bad(*c)) {
        return Err(format!("has {c:?} in the part before the @"));
    }
    Ok(())
}

/// Runs `f` on the ASCII text lower-cased, on the stack when it fits.
fn with_lower_ascii<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 256];
    if let Some(dst) = buf.get_mut(..text.len()) {
        dst.copy_from_slice(text.as_bytes());
        dst.make_ascii_lowercase();
        if let Ok(lower) = std::str::from_utf8(dst) {
            return f(lower);
        }
    }
    f(&text.to_ascii_lowercase())
}

/// Plain ASCII domains are checked here without UTS-46 (which would only
/// lower-case them): letters, digits and hyphens, labels of 1 to 63
/// octets, no hyphen at either end of a label, 253 octets in all. Labels
/// starting `xn--` need the Punycode check and go through UTS-46. `None`:
/// not a plain ASCII domain.
fn plain_ascii_domain(domain: &str) -> Option<bool> {
    if !domain.is_ascii() {
        return None;
    }
    // One pass over the bytes: the label rules, and whether a label
    // starts with `xn--` (then UTS-46 must check its Punycode).
    let b = domain.as_bytes();
    let mut label_start = 0;
    for (i, &c) in b
        .iter()
        .enumerate()
        .chain(std::iter::once((b.len(), &b'.')))
    {
        if c == b'.' {
            let label = b.get(label_start..i).unwrap_or_default();
            let ok = !label.is_empty()
                && label.len() <= 63
                && label.first() != Some(&b'-')
                && label.last() != Some(&b'-');
            if !ok {
                return Some(false);
            }
            if label.len() >= 4
                && label
                    .get(..4)
                    .is_some_and(|p| p.eq_ignore_ascii_case(b"xn--"))
            {
                return None;
            }
            label_start = i + 1;
        } else if !(c.is_ascii_alphanumeric() || c == b'-') {
            return Some(false);
        }
    }
    Some(domain.len() <= 253)
}

/// A valid domain in ASCII form (lower-cased by the caller): UTS-46
/// non-transitional with the STD3 rules (letters, digits, hyphens), DNS
/// lengths, and at least two labels, so that a bare word such as `client`
/// is refused as a likely typo.
fn domain_pattern(domain: &str) -> Result<Cow<'_, str>, String> {
    if domain.is_empty() {
        return Err("has no domain".into());
    }
    if domain.contains('@') {
        return Err("has more than one @".into());
    }
    if domain.contains('*') {
        return Err("has a * that is not a leading \"*.\"".into());
    }
    let ascii = match plain_ascii_domain(domain) {
        Some(true) => Cow::Borrowed(domain),
        Some(false) => return Err("is not a valid domain name".into()),
        None => idna_ascii(domain)?,
    };
    if !ascii.contains('.') {
        return Err("is not a domain with a dot, nor an address".into());
    }
    Ok(ascii)
}

fn idna_ascii(domain: &str) -> Result<Cow<'_, str>, String> {
    idna::uts46::Uts46::new()
        .to_ascii(
            domain.as_bytes(),
            idna::uts46::AsciiDenyList::STD3,
            idna::uts46::Hyphens::Allow,
            idna::uts46::DnsLength::Verify,
        )
        .map_err(|_| "is not a valid domain name".to_string())
}

/// Which table an entry is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Table {
    Addresses,
    Domains,
    Subdomains,
}

/// One entry: where its pattern and its text as written sit in the arena.
#[derive(Clone, Copy, Debug)]
struct Rec {
    pattern: (u32, u32),
    written: (u32, u32),
    line: usize,
}

/// The never-log list, indexed for lookups that do not scan it.
///
/// Every pattern and every entry as written lives in one arena string;
/// three open hash tables (hashbrown's `HashTable`) hold entry numbers
/// and compare against the arena. Building a list of 100,000 entries thus
/// allocates a handful of times instead of a few hundred thousand.
#[derive(Clone, Debug, Default)]
pub struct NeverLogList {
    hasher: foldhash::fast::RandomState,
    arena: String,
    entries: Vec<Rec>,
    addresses: HashTable<u32>,
    domains: HashTable<u32>,
    subdomains: HashTable<u32>,
}

fn span_str(arena: &str, (start, len): (u32, u32)) -> &str {
    arena
        .get(start as usize..start as usize + len as usize)
        .unwrap_or("")
}

impl NeverLogList {
    /// Builds a list from entries, numbered from 1 in order (a JSON array).
    pub fn from_entries<I, S>(entries: I) -> Result<NeverLogList, ListError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self::build(entries.into_iter().enumerate().map(|(i, s)| (i + 1, s)))
    }

    /// Builds a list from a text file, one entry per line. Blank lines and
    /// lines starting with `#` are skipped; every other line must be an
    /// entry, else the error names it and its line (N1).
    pub fn parse_lines(text: &str) -> Result<NeverLogList, ListError> {
        Self::build(
            text.lines()
                .enumerate()
                .map(|(i, l)| (i + 1, l.trim()))
                .filter(|(_, l)| !l.is_empty() && !l.starts_with('#')),
        )
    }

    fn build<S: AsRef<str>>(
        entries: impl Iterator<Item = (usize, S)>,
    ) -> Result<NeverLogList, ListError> {
        let mut list = NeverLogList::default();
        let (lower, _) = entries.size_hint();
        list.entries.reserve(lower);
        list.arena.reserve(lower * 24);
        // Tables start at the list's size, so building never rehashes
        // (the closure would rehash existing entries; there are none).
        list.addresses.reserve(lower, |_| 0);
        list.domains.reserve(lower, |_| 0);
        list.subdomains.reserve(lower / 4, |_| 0);
        let mut errors = Vec::new();
        for (line, text) in entries {
            let text = text.as_ref().trim();
            let added = Entry::parse(text).and_then(|entry| list.add(&entry, text, line));
            if let Err(problem) = added {
                errors.push(EntryError {
                    line,
                    entry: text.to_string(),
                    problem,
                });
            }
        }
        if errors.is_empty() {
            Ok(list)
        } else {
            Err(ListError { errors })
        }
    }

    /// Appends `text` to the arena; its span.
    fn push_text(arena: &mut String, text: &str) -> Result<(u32, u32), String> {
        let too_big = || "is past the largest list size".to_string();
        let start = u32::try_from(arena.len()).map_err(|_| too_big())?;
        let len = u32::try_from(text.len()).map_err(|_| too_big())?;
        start.checked_add(len).ok_or_else(too_big)?;
        arena.push_str(text);
        Ok((start, len))
    }

    fn add(&mut self, entry: &Entry, text: &str, line: usize) -> Result<(), String> {
        let index = u32::try_from(self.entries.len())
            .map_err(|_| "is past the largest list size".to_string())?;
        let NeverLogList {
            hasher,
            arena,
            entries,
            addresses,
            domains,
            subdomains,
        } = self;
        let pattern = Self::push_text(arena, &entry.pattern)?;
        // The text as written is kept for explanations; most entries are
        // written as their pattern and share its bytes.
        let written = if text == entry.pattern {
            pattern
        } else {
            Self::push_text(arena, text)?
        };
        entries.push(Rec {
            pattern,
            written,
            line,
        });
        let table = match entry.kind {
            EntryKind::Address => addresses,
            EntryKind::Domain => domains,
            EntryKind::Subdomains => subdomains,
        };
        let key = entry.pattern.as_str();
        let hash = hasher.hash_one(key);
        let pattern_of = |i: u32| {
            entries
                .get(i as usize)
                .map_or("", |r| span_str(arena, r.pattern))
        };
        // A repeated entry keeps its first line for explanations.
        if table.find(hash, |&i| pattern_of(i) == key).is_none() {
            table.insert_unique(hash, index, |&i| hasher.hash_one(pattern_of(i)));
        }
        Ok(())
    }

    fn get(&self, table: Table, key: &str) -> Option<u32> {
        let table = match table {
            Table::Addresses => &self.addresses,
            Table::Domains => &self.domains,
            Table::Subdomains => &self.subdomains,
        };
        if table.is_empty() {
            return None;
        }
        let hash = self.hasher.hash_one(key);
        table
            .find(hash, |&i| {
                self.entries
                    .get(i as usize)
                    .is_some_and(|r| span_str(&self.arena, r.pattern) == key)
            })
            .copied()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether (and by which entry) an address as written in mail is
    /// excluded. Case and surrounding white space are ignored and the
    /// domain may be written in Unicode or `xn--` form (N2).
    pub fn check(&self, address: &str) -> Option<Match<'_>> {
        if self.is_empty() {
            return None;
        }
        let address = address.trim();
        if address.is_ascii() {
            // The common case: lower-case on the stack, no allocation.
            return with_lower_ascii(address, |lower| {
                let (local, domain) = lower.rsplit_once('@')?;
                if local.is_empty() || domain.is_empty() {
                    return None;
                }
                self.lookup(lower, address::base_local(local), domain)
            });
        }
        let (local, domain) = address.rsplit_once('@')?;
        let local = local.to_lowercase();
        let domain = address::ascii_domain(domain);
        self.check_parts(&local, &domain)
    }

    /// [`check`](Self::check) for an address already split and normalised:
    /// lower-case local part and lower-case ASCII domain.
    pub fn check_parts(&self, local: &str, domain: &str) -> Option<Match<'_>> {
        if self.is_empty() || local.is_empty() || domain.is_empty() {
            return None;
        }
        with_joined(local, domain, |key| {
            self.lookup(key, address::base_local(local), domain)
        })
    }

    /// [`check`](Self::check) for an address the engine has already read.
    pub fn check_address(&self, a: &address::Address) -> Option<Match<'_>> {
        if self.is_empty() || !a.is_mailbox() {
            return None;
        }
        self.lookup(a.key(), a.base_local(), a.domain())
    }

    /// The lookup proper: `key` is `local@domain`, all normalised; `base`
    /// the local part without its `+tag`, when it has one.
    fn lookup(&self, key: &str, base: Option<&str>, domain: &str) -> Option<Match<'_>> {
        let by_address = self
            .get(Table::Addresses, key)
            .map(|i| (i, MatchKind::Address))
            .or_else(|| {
                // N4: bob+news@ is excluded by bob@.
                with_joined(base?, domain, |k| self.get(Table::Addresses, k))
                    .map(|i| (i, MatchKind::PlusTag))
            });
        let by_domain = self.domain_match(domain);
        match (by_address, by_domain) {
            // N6: an address entry wins over a domain entry.
            (Some((i, kind)), d) => self.found(i, Code::NeverLogAddress, kind, d.is_some()),
            (None, Some((i, kind))) => self.found(i, Code::NeverLogDomain, kind, false),
            (None, None) => None,
        }
    }

    /// Whether `*.domain` is an entry (the domain itself is then not
    /// excluded by it, N3); used to explain decisions.
    pub fn has_subdomains_entry(&self, domain: &str) -> bool {
        self.get(Table::Subdomains, domain).is_some()
    }

    fn domain_match(&self, domain: &str) -> Option<(u32, MatchKind)> {
        if let Some(i) = self.get(Table::Domains, domain) {
            return Some((i, MatchKind::Domain));
        }
        if self.subdomains.is_empty() {
            return None;
        }
        // N3: `*.client.com` covers every parent-labelled suffix below it,
        // so walk the parents of the domain (never the domain itself).
        let mut rest = domain;
        while let Some((_, parent)) = rest.split_once('.') {
            // Every pattern has at least two labels (N1), so a parent
            // without a dot cannot be one: skip the probe.
            if !parent.contains('.') {
                break;
            }
            if let Some(i) = self.get(Table::Subdomains, parent) {
                return Some((i, MatchKind::Subdomain));
            }
            rest = parent;
        }
        None
    }

    fn found(
        &self,
        index: u32,
        reason: Code,
        kind: MatchKind,
        domain_also: bool,
    ) -> Option<Match<'_>> {
        let rec = self.entries.get(index as usize)?;
        Some(Match {
            entry: span_str(&self.arena, rec.written),
            line: rec.line,
            reason,
            kind,
            domain_also,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> NeverLogList {
        NeverLogList::from_entries(entries).unwrap()
    }

    #[test]
    fn n1_entry_shapes() {
        assert_eq!(
            Entry::parse("@Client.com").unwrap(),
            Entry::parse("client.com").unwrap()
        );
        assert_eq!(
            Entry::parse("*.client.com").unwrap().kind,
            EntryKind::Subdomains
        );
        for bad in [
            "*client.com",
            "bob@",
            "bob smith@client.com",
            "client",
            "a@b@c.com",
            "*.",
            "x@*.c.com",
            "a_b.com",
            "",
        ] {
            assert!(Entry::parse(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn n1_bad_list_is_not_built_and_names_lines() {
        let err =
            NeverLogList::parse_lines("ok.example\n\n# note\nbob@\n*bad.example\n").unwrap_err();
        let lines: Vec<usize> = err.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![4, 5]);
        assert_eq!(err.errors[0].entry, "bob@");
    }

    #[test]
    fn n2_case_space_idn() {
        let l = list(&[" Bob@Client.COM ", "münchen.example", "xn--caf-dma.example"]);
        assert!(l.check("bob@client.com").is_some());
        assert!(l.check("  BOB@client.com\t").is_some());
        assert!(l.check("x@xn--mnchen-3ya.example").is_some());
        assert!(l.check("x@MÜNCHEN.example").is_some());
        assert!(l.check("x@café.example").is_some());
        assert!(l.check("x@cafe.example").is_none());
    }

    #[test]
    fn n3_domain_and_subdomains() {
        let l = list(&["client.com", "*.press.example"]);
        assert_eq!(
            l.check("a@client.com").unwrap().reason,
            Code::NeverLogDomain
        );
        assert!(l.check("a@mail.client.com").is_none());
        assert!(l.check("a@press.example").is_none());
        assert_eq!(
            l.check("a@eu.press.example").unwrap().kind,
            MatchKind::Subdomain
        );
        assert!(l.check("a@x.eu.press.example").is_some());
        assert!(l.check("a@notpress.example").is_none());
    }

    #[test]
    fn n4_plus_tag() {
        let l = list(&["bob@client.com", "eve+x@client.org"]);
        assert_eq!(
            l.check("bob+news@client.com").unwrap().kind,
            MatchKind::PlusTag
        );
        assert!(l.check("eve+x@client.org").is_some());
        assert!(l.check("eve@client.org").is_none());
        assert!(l.check("eve+y@client.org").is_none());
    }

    #[test]
    fn n6_address_entry_wins() {
        let l = list(&["client.com", "bob@client.com"]);
        let m = l.check("bob@client.com").unwrap();
        assert_eq!(m.reason, Code::NeverLogAddress);
        assert!(m.domain_also);
        assert_eq!(m.entry, "bob@client.com");
        assert_eq!(m.line, 2);
    }

    #[test]
    fn mail_garbage_never_matches_or_panics() {
        let l = list(&["client.com"]);
        for s in [
            "",
            "@",
            "client.com",
            "a@",
            "@client.com",
            "ä@ö@ü",
            "\u{0}@client.com.",
        ] {
            let _ = l.check(s);
        }
        assert!(l.check("client.com").is_none());
    }
}
