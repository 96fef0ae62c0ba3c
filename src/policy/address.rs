//! Address normalisation shared by every rule: one canonical key per
//! mailbox, so that "the same address" means the same thing for the
//! never-log list, contacts, users and deleted contacts.
//!
//! Invariant: the key is a pure function of the text; it never fails and
//! never panics, whatever the mail contains.

use std::borrow::Cow;

/// The hash map of the engine. foldhash is several times faster than the
/// standard SipHash on short keys; its per-process random seed keeps
/// flooding attacks away, and only configuration (never mail) is inserted.
/// No output depends on iteration order: maps are only probed.
pub(crate) type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// The hash set of the engine (see [`Map`]).
pub(crate) type Set<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// The longest key built on the stack; longer ones are allocated. Real
/// addresses are at most 254 octets (RFC 5321), so the heap is the rare case.
const STACK_KEY: usize = 256;

/// An address as the rules see it.
///
/// `display` is what the decision prints (trimmed, lower-cased, domain as
/// written); [`Address::key`] is `local@domain` with the domain in its
/// ASCII (`xn--`) form (N2: Unicode and `xn--` forms are one domain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// Trimmed and lower-cased, as decide.md prints addresses.
    pub display: String,
    /// The canonical key when it differs from `display` (an IDN domain).
    ascii: Option<String>,
    /// Whether reading changed the text (case, white space, IDN form):
    /// the decision explains such matches with N2.
    pub normalised: bool,
    /// Byte position of the `@` in `key`, when the text is `local@domain`.
    at: Option<usize>,
    /// Byte position of the first `+` of the local part, when a non-empty
    /// base comes before it (N4).
    plus: Option<usize>,
}

impl Address {
    /// Reads an address from text as written in mail or configuration.
    pub fn new(text: &str) -> Address {
        let trimmed = text.trim();
        let display = if trimmed.is_ascii() {
            trimmed.to_ascii_lowercase()
        } else {
            trimmed.to_lowercase()
        };
        let Some((local, domain)) = display.rsplit_once('@') else {
            return Address {
                normalised: display != text,
                display,
                ascii: None,
                at: None,
                plus: None,
            };
        };
        let at = (!local.is_empty() && !domain.is_empty()).then_some(local.len());
        let plus = base_local(local).map(str::len);
        let ascii = match ascii_domain(domain) {
            Cow::Borrowed(_) => None,
            Cow::Owned(ascii) => Some(format!("{local}@{ascii}")),
        };
        Address {
            normalised: ascii.as_deref().unwrap_or(&display) != text,
            display,
            ascii,
            at,
            plus,
        }
    }

    /// The canonical key `local@domain`, domain in ASCII form (the display
    /// text when there is no `@`): the key every map of the engine uses.
    pub fn key(&self) -> &str {
        self.ascii.as_deref().unwrap_or(&self.display)
    }

    /// The key, owned.
    pub fn into_key(self) -> String {
        self.ascii.unwrap_or(self.display)
    }

    /// Whether the text had the shape `local@domain` at all.
    pub fn is_mailbox(&self) -> bool {
        self.at.is_some()
    }

    /// The lower-cased local part (empty when not a mailbox).
    pub fn local(&self) -> &str {
        self.at.and_then(|at| self.key().get(..at)).unwrap_or("")
    }

    /// The lower-case ASCII domain (empty when not a mailbox).
    pub fn domain(&self) -> &str {
        self.at
            .and_then(|at| self.key().get(at + 1..))
            .unwrap_or("")
    }

    /// The local part without a `+tag` (N4), or `None` when there is none.
    pub fn base_local(&self) -> Option<&str> {
        self.plus.and_then(|p| self.key().get(..p))
    }

    /// The key with the `+tag` removed, when the local part has one.
    pub fn base_key(&self) -> Option<String> {
        self.with_base_key(str::to_string)
    }

    /// Runs `f` on the key without its `+tag`, when there is one, without
    /// allocating.
    pub fn with_base_key<R>(&self, f: impl FnOnce(&str) -> R) -> Option<R> {
        let base = self.base_local()?;
        Some(with_joined(base, self.domain(), f))
    }
}

/// The local part before the first `+`, when a non-empty tag base exists.
pub fn base_local(local: &str) -> Option<&str> {
    match local.split_once('+') {
        Some((base, _)) if !base.is_empty() => Some(base),
        _ => None,
    }
}

/// A domain in lower-case ASCII form. Pure ASCII input is only lower-cased
/// (UTS-46 maps ASCII to itself apart from case), which keeps the common
/// case fast; anything else goes through UTS-46 (non-transitional). A domain
/// UTS-46 refuses is kept lower-cased as written: it cannot match a list
/// entry, which were all validated.
pub fn ascii_domain(domain: &str) -> Cow<'_, str> {
    let domain = domain.trim();
    if domain.is_ascii() {
        if domain.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(domain.to_ascii_lowercase())
        } else {
            Cow::Borrowed(domain)
        }
    } else {
        match idna::domain_to_ascii_cow(domain.as_bytes(), idna::AsciiDenyList::EMPTY) {
            Ok(ascii) => Cow::Owned(ascii.into_owned()),
            Err(_) => Cow::Owned(domain.to_lowercase()),
        }
    }
}

/// Runs `f` on `local@domain` without allocating when it fits on the stack.
pub fn with_joined<R>(local: &str, domain: &str, f: impl FnOnce(&str) -> R) -> R {
    let len = local.len() + 1 + domain.len();
    if len <= STACK_KEY {
        let mut buf = [0u8; STACK_KEY];
        let (a, rest) = buf.split_at_mut(local.len());
        a.copy_from_slice(local.as_bytes());
        let (at, rest) = rest.split_at_mut(1);
        at.copy_from_slice(b"@");
        let (d, _) = rest.split_at_mut(domain.len());
        d.copy_from_slice(domain.as_bytes());
        let joined = buf.get(..len).and_then(|b| std::str::from_utf8(b).ok());
        if let Some(joined) = joined {
            return f(joined);
        }
    }
    f(&format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> String {
        Address::new(text).into_key()
    }

    #[test]
    fn trims_and_lower_cases() {
        let a = Address::new("  Bob@Client.Example ");
        assert_eq!(a.display, "bob@client.example");
        assert_eq!(a.key(), "bob@client.example");
        assert_eq!((a.local(), a.domain()), ("bob", "client.example"));
    }

    #[test]
    fn unicode_and_punycode_domains_share_a_key() {
        assert_eq!(key("x@MÜNCHEN.example"), key("x@xn--mnchen-3ya.example"));
        assert_eq!(
            Address::new("x@München.example").display,
            "x@münchen.example"
        );
    }

    #[test]
    fn plus_tag_base() {
        let a = Address::new("bob+news@client.example");
        assert_eq!(a.base_local(), Some("bob"));
        assert_eq!(a.base_key().as_deref(), Some("bob@client.example"));
        assert_eq!(Address::new("+x@client.example").base_local(), None);
        assert_eq!(Address::new("bob@client.example").base_local(), None);
    }

    #[test]
    fn text_without_at_is_not_a_mailbox() {
        let a = Address::new("undisclosed-recipients");
        assert!(!a.is_mailbox());
        assert_eq!(a.key(), "undisclosed-recipients");
        assert!(!Address::new("@x.example").is_mailbox());
    }

    #[test]
    fn joined_on_stack_and_heap() {
        with_joined("a", "b.c", |k| assert_eq!(k, "a@b.c"));
        let long = "l".repeat(400);
        with_joined(&long, "b.c", |k| assert_eq!(k.len(), 404));
    }
}
