//! Threading by headers only (rule R11): a reply is matched to a known
//! thread by `In-Reply-To` and `References`, never by subject.
//!
//! Two tools live here. [`match_thread`] answers the logging question
//! "which logged message does this one reply to?". [`build`] arranges a
//! whole mailbox into threads with the REFERENCES algorithm of RFC 5256
//! minus its subject-merging step, which R11 forbids; it exists so that the
//! matching rules can be checked against a known threading corpus.
//!
//! Invariant: subjects are never read here. Message-IDs are compared exactly
//! (angle brackets and surrounding white space aside), as RFC 5322 makes
//! them opaque.

use super::Message;
use serde::Serialize;
use std::collections::HashMap;

/// The threading headers of one message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ThreadHeaders {
    /// Message-ID, when the message has one.
    pub message_id: Option<String>,
    /// In-Reply-To ids.
    pub in_reply_to: Vec<String>,
    /// References ids, oldest first.
    pub references: Vec<String>,
}

impl From<&Message> for ThreadHeaders {
    fn from(m: &Message) -> Self {
        ThreadHeaders {
            message_id: m.message_id.clone(),
            in_reply_to: m.in_reply_to.clone(),
            references: m.references.clone(),
        }
    }
}

/// The canonical form of a Message-ID for comparison: without angle
/// brackets and surrounding white space; `None` when nothing is left.
pub fn normalize_id(id: &str) -> Option<&str> {
    let id = id.trim();
    let id = id.strip_prefix('<').unwrap_or(id);
    let id = id.strip_suffix('>').unwrap_or(id).trim();
    (!id.is_empty()).then_some(id)
}

/// The ids a reply may point at, most specific first: In-Reply-To, then
/// References from the newest (last) to the oldest, each once.
pub fn parent_ids(headers: &ThreadHeaders) -> Vec<&str> {
    let own = headers.message_id.as_deref().and_then(normalize_id);
    let mut out: Vec<&str> = Vec::new();
    let candidates = headers
        .in_reply_to
        .iter()
        .chain(headers.references.iter().rev());
    for id in candidates.filter_map(|id| normalize_id(id)) {
        // A message that names itself is not its own parent.
        if Some(id) != own && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// R11: the first of the message's parent ids (see [`parent_ids`]) that
/// `lookup` knows, with what `lookup` returned for it. `lookup` gets ids
/// without angle brackets. The subject plays no part.
pub fn match_thread<T>(
    message: &Message,
    mut lookup: impl FnMut(&str) -> Option<T>,
) -> Option<(String, T)> {
    let headers = ThreadHeaders::from(message);
    parent_ids(&headers)
        .into_iter()
        .find_map(|id| lookup(id).map(|found| (id.to_owned(), found)))
}

/// Known messages by Message-ID, each with the key of its thread (for
/// example the CRM's thread or email id).
#[derive(Clone, Debug, Default)]
pub struct ThreadIndex {
    by_id: HashMap<String, String>,
}

impl ThreadIndex {
    /// An empty index.
    pub fn new() -> Self {
        ThreadIndex::default()
    }

    /// Records a logged message's Message-ID under a thread key. Ids that
    /// are empty once brackets are removed are ignored.
    pub fn insert(&mut self, message_id: &str, thread: &str) {
        if let Some(id) = normalize_id(message_id) {
            self.by_id.insert(id.to_owned(), thread.to_owned());
        }
    }

    /// The thread key a message belongs to by R11, if any.
    pub fn match_message(&self, message: &Message) -> Option<&str> {
        match_thread(message, |id| self.by_id.get(id)).map(|(_, thread)| thread.as_str())
    }
}

/// One node of a thread tree. A node without a message stands for a
/// message that is referenced but absent (a "dummy" in RFC 5256).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThreadNode {
    /// Index of the message in the input of [`build`].
    pub message: Option<usize>,
    /// Replies, in sort order.
    pub children: Vec<ThreadNode>,
}

#[derive(Default)]
struct Container {
    message: Option<usize>,
    parent: Option<usize>,
    children: Vec<usize>,
}

struct Arena {
    nodes: Vec<Container>,
    by_id: HashMap<String, usize>,
}

impl Arena {
    fn container_for(&mut self, id: &str) -> usize {
        if let Some(&c) = self.by_id.get(id) {
            return c;
        }
        self.nodes.push(Container::default());
        let c = self.nodes.len() - 1;
        self.by_id.insert(id.to_owned(), c);
        c
    }

    fn parent(&self, c: usize) -> Option<usize> {
        self.nodes.get(c).and_then(|n| n.parent)
    }

    /// Whether `ancestor` is `node` or above it. Bounded by the number of
    /// nodes, so a corrupted chain cannot loop forever.
    fn is_ancestor(&self, ancestor: usize, node: usize) -> bool {
        let mut cur = Some(node);
        for _ in 0..=self.nodes.len() {
            match cur {
                Some(c) if c == ancestor => return true,
                Some(c) => cur = self.parent(c),
                None => return false,
            }
        }
        true
    }

    fn unlink(&mut self, child: usize) {
        if let Some(p) = self.parent(child) {
            if let Some(n) = self.nodes.get_mut(p) {
                n.children.retain(|&c| c != child);
            }
            if let Some(n) = self.nodes.get_mut(child) {
                n.parent = None;
            }
        }
    }

    /// Makes `parent` the parent of `child` unless that would close a loop.
    fn link(&mut self, parent: usize, child: usize) -> bool {
        if self.is_ancestor(child, parent) {
            return false;
        }
        if let Some(n) = self.nodes.get_mut(child) {
            n.parent = Some(parent);
        }
        if let Some(n) = self.nodes.get_mut(parent) {
            n.children.push(child);
        }
        true
    }
}

/// Threads messages by RFC 5256 REFERENCES without subject grouping
/// (R11). Each message comes with a sort key (its sent date, say); siblings
/// and threads are ordered by key, then by input position.
pub fn build<K: Ord>(messages: &[(ThreadHeaders, K)]) -> Vec<ThreadNode> {
    let mut arena = Arena {
        nodes: Vec::with_capacity(messages.len() * 2),
        by_id: HashMap::new(),
    };
    for (index, (headers, _)) in messages.iter().enumerate() {
        // Step 1A: the message's own container. A duplicate Message-ID, or
        // none, gets a container of its own that nothing else can name.
        let own = headers.message_id.as_deref().and_then(normalize_id);
        let me = match own {
            Some(id) => {
                let c = arena.container_for(id);
                if arena.nodes.get(c).is_some_and(|n| n.message.is_none()) {
                    c
                } else {
                    arena.nodes.push(Container::default());
                    arena.nodes.len() - 1
                }
            }
            None => {
                arena.nodes.push(Container::default());
                arena.nodes.len() - 1
            }
        };
        if let Some(n) = arena.nodes.get_mut(me) {
            n.message = Some(index);
        }

        // Step 1B: link the References chain, parent before child, without
        // changing existing links. In-Reply-To stands in for References
        // when there are none.
        let refs: Vec<&str> = if headers.references.is_empty() {
            headers
                .in_reply_to
                .iter()
                .filter_map(|id| normalize_id(id))
                .take(1)
                .collect()
        } else {
            headers
                .references
                .iter()
                .filter_map(|id| normalize_id(id))
                .collect()
        };
        let chain: Vec<usize> = refs.iter().map(|id| arena.container_for(id)).collect();
        for pair in chain.windows(2) {
            if let [p, c] = *pair
                && p != c
                && arena.parent(c).is_none()
            {
                arena.link(p, c);
            }
        }

        // Step 1C: the last reference is the parent; a parent set earlier
        // from someone else's (perhaps truncated) References gives way.
        arena.unlink(me);
        if let Some(&last) = chain.last()
            && last != me
        {
            arena.link(last, me);
        }
    }

    // Step 2: the roots, in creation order.
    let roots: Vec<usize> = (0..arena.nodes.len())
        .filter(|&c| arena.parent(c).is_none())
        .collect();
    let mut forest = Vec::new();
    for root in roots {
        forest.extend(prune(&arena, root, true));
    }
    sort(&mut forest, messages);
    forest
}

/// Step 3: dummies without children disappear; a dummy's children take its
/// place, except at the top where a dummy with several children stays to
/// hold them together.
fn prune(arena: &Arena, c: usize, top: bool) -> Vec<ThreadNode> {
    let Some(container) = arena.nodes.get(c) else {
        return Vec::new();
    };
    let mut children = Vec::new();
    for &child in &container.children {
        children.extend(prune(arena, child, false));
    }
    match container.message {
        Some(_) => vec![ThreadNode {
            message: container.message,
            children,
        }],
        None if top && children.len() > 1 => vec![ThreadNode {
            message: None,
            children,
        }],
        None => children,
    }
}

/// Step 4: siblings by (key, position); a dummy sorts as its first child.
fn sort<K: Ord>(nodes: &mut [ThreadNode], messages: &[(ThreadHeaders, K)]) {
    for node in nodes.iter_mut() {
        sort(&mut node.children, messages);
    }
    nodes.sort_by(|a, b| {
        let ka = first_message(a);
        let kb = first_message(b);
        let key = |i: Option<usize>| i.and_then(|i| messages.get(i).map(|(_, k)| k));
        key(ka).cmp(&key(kb)).then(ka.cmp(&kb))
    });
}

fn first_message(node: &ThreadNode) -> Option<usize> {
    node.message
        .or_else(|| node.children.first().and_then(first_message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(id: &str, irt: &[&str], refs: &[&str]) -> ThreadHeaders {
        ThreadHeaders {
            message_id: (!id.is_empty()).then(|| id.to_owned()),
            in_reply_to: irt.iter().map(|s| s.to_string()).collect(),
            references: refs.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn parent_ids_prefer_in_reply_to_then_newest_reference() {
        let h = headers("<m@x>", &["<c@x>"], &["<a@x>", "<b@x>", "<c@x>", "<m@x>"]);
        assert_eq!(parent_ids(&h), vec!["c@x", "b@x", "a@x"]);
    }

    #[test]
    fn index_matches_by_headers_only() {
        let mut index = ThreadIndex::new();
        index.insert("<orig@x>", "thread-1");
        let reply = crate::mime::parse(
            b"From: a@x\r\nSubject: Re: hello\r\nIn-Reply-To: <orig@x>\r\n\r\nhi\r\n",
        );
        assert_eq!(index.match_message(&reply), Some("thread-1"));
        let same_subject = crate::mime::parse(b"From: a@x\r\nSubject: hello\r\n\r\nhi\r\n");
        assert_eq!(index.match_message(&same_subject), None);
    }

    #[test]
    fn loops_are_broken() {
        let msgs = vec![
            (headers("<a@b>", &[], &["<b@b>"]), 0),
            (headers("<b@b>", &[], &["<a@b>"]), 1),
        ];
        let forest = build(&msgs);
        assert_eq!(forest.len(), 1);
    }
}
