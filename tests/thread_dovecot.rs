//! Threading (rule R11) against Dovecot imaptest's THREAD scripts.
//!
//! The REFERENCES sets (thread, thread2, thread5-thread8) must give exactly
//! Dovecot's trees. thread3, thread4 and the ORDEREDSUBJECT sets group
//! messages by subject (RFC 5256), which R11 forbids: there every message
//! that the expected tree groups only by subject must stay apart.
// Native only: reads fixtures from disk (and runs processes, proptest).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use crmlog::mime::thread::{ThreadHeaders, ThreadNode, build, match_thread, normalize_id};
use crmlog::mime::{self, Message};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dovecot_imaptest/src/tests")
}

/// One mbox message: its "From " line date as a sortable key, and the model.
struct Mail {
    key: (u32, u32, u32, String),
    message: Message,
}

fn read_mbox(path: &Path) -> Vec<Mail> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut mails = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("From ") {
            if let Some((from, body)) = current.take() {
                mails.push(mail(&from, &body));
            }
            current = Some((rest.to_owned(), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
        }
    }
    if let Some((from, body)) = current {
        mails.push(mail(&from, &body));
    }
    assert!(!mails.is_empty(), "{} holds no message", path.display());
    mails
}

fn mail(from_line: &str, body: &str) -> Mail {
    // "user@domain  Fri Feb 22 17:06:23 2008 [+0200]"
    let f: Vec<&str> = from_line.split_whitespace().collect();
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months.iter().position(|m| *m == f[2]).unwrap() as u32;
    let key = (
        f[5].parse().unwrap(),
        month,
        f[3].parse().unwrap(),
        f[4].to_owned(),
    );
    Mail {
        key,
        message: mime::parse(body.as_bytes()),
    }
}

/// Renders a forest in IMAP THREAD syntax with 1-based sequence numbers.
fn render(forest: &[ThreadNode]) -> String {
    fn chain(node: &ThreadNode, out: &mut String) {
        if let Some(m) = node.message {
            out.push_str(&(m + 1).to_string());
        }
        match node.children.as_slice() {
            [] => {}
            [only] => {
                if node.message.is_some() {
                    out.push(' ');
                }
                chain(only, out);
            }
            many => {
                if node.message.is_some() {
                    out.push(' ');
                }
                for c in many {
                    out.push('(');
                    chain(c, out);
                    out.push(')');
                }
            }
        }
    }
    let mut out = String::new();
    for root in forest {
        out.push('(');
        chain(root, &mut out);
        out.push(')');
    }
    out
}

fn thread(mailbox: &[&Mail]) -> Vec<ThreadNode> {
    let input: Vec<(ThreadHeaders, _)> = mailbox
        .iter()
        .map(|m| (ThreadHeaders::from(&m.message), m.key.clone()))
        .collect();
    build(&input)
}

/// Runs a script and returns (mailbox at the time, expected tree) for each
/// THREAD check.
fn run_script(name: &str) -> Vec<(Vec<usize>, String)> {
    let script = std::fs::read_to_string(dir().join(name)).unwrap();
    let total = read_mbox(&dir().join(format!("{name}.mbox"))).len();
    let mut mailbox: Vec<usize> = if script.contains("state: created") {
        Vec::new()
    } else {
        (0..total).collect()
    };
    let mut next = mailbox.len();
    let mut deleted: Vec<usize> = Vec::new();
    let mut checks = Vec::new();
    for line in script.lines() {
        let lower = line.to_ascii_lowercase();
        if lower == "ok append" {
            mailbox.push(next);
            next += 1;
        } else if let Some(rest) = lower.strip_prefix("ok store ") {
            let set = rest.split_whitespace().next().unwrap();
            deleted = set.split(',').map(|n| n.parse().unwrap()).collect();
        } else if lower == "ok expunge" {
            let keep: Vec<usize> = mailbox
                .iter()
                .enumerate()
                .filter(|(i, _)| !deleted.contains(&(i + 1)))
                .map(|(_, &m)| m)
                .collect();
            mailbox = keep;
            deleted.clear();
        } else if let Some(tree) = lower.strip_prefix("* thread ") {
            checks.push((mailbox.clone(), tree.replace(' ', "")));
        }
    }
    assert!(!checks.is_empty(), "{name} has no THREAD check");
    checks
}

/// The number of threads in an IMAP THREAD answer.
fn top_level(tree: &str) -> usize {
    let mut depth = 0i32;
    let mut count = 0;
    for c in tree.chars() {
        match c {
            '(' => {
                if depth == 0 {
                    count += 1;
                }
                depth += 1;
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    count
}

fn norm(tree: &str) -> String {
    tree.replace(' ', "")
}

#[test]
fn references_sets_give_dovecots_trees() {
    let mut checked = 0;
    for name in [
        "thread", "thread2", "thread5", "thread6", "thread7", "thread8",
    ] {
        let mails = read_mbox(&dir().join(format!("{name}.mbox")));
        for (mailbox, expected) in run_script(name) {
            let current: Vec<&Mail> = mailbox.iter().map(|&i| &mails[i]).collect();
            let got = render(&thread(&current));
            assert_eq!(norm(&got), expected, "{name} with messages {mailbox:?}");
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} checks ran");
}

/// The root a message sits under in a forest, by position.
fn roots(forest: &[ThreadNode], n: usize) -> Vec<usize> {
    fn mark(node: &ThreadNode, root: usize, out: &mut [usize]) {
        if let Some(m) = node.message {
            out[m] = root;
        }
        for c in &node.children {
            mark(c, root, out);
        }
    }
    let mut out = vec![usize::MAX; n];
    for (i, r) in forest.iter().enumerate() {
        mark(r, i, &mut out);
    }
    out
}

#[test]
fn r11_match_agrees_with_the_threads() {
    // For every message, matching against the Message-IDs of all other
    // messages in the mailbox finds one in its own thread, or nothing when
    // it is alone in its thread or linked only through absent messages.
    let mut matched = 0;
    for name in [
        "thread", "thread2", "thread5", "thread6", "thread7", "thread8",
    ] {
        let mails = read_mbox(&dir().join(format!("{name}.mbox")));
        for (mailbox, _) in run_script(name) {
            let current: Vec<&Mail> = mailbox.iter().map(|&i| &mails[i]).collect();
            let root_of = roots(&thread(&current), current.len());
            for (i, m) in current.iter().enumerate() {
                let found = match_thread(&m.message, |id| {
                    current.iter().enumerate().find_map(|(j, other)| {
                        let own = other.message.message_id.as_deref().and_then(normalize_id);
                        (j != i && own == Some(id)).then_some(j)
                    })
                });
                if let Some((_, j)) = found {
                    assert_eq!(root_of[i], root_of[j], "{name}: message {}", i + 1);
                    matched += 1;
                }
            }
        }
    }
    assert!(matched >= 10, "only {matched} replies matched");
}

#[test]
fn subject_only_groups_stay_apart() {
    let mut apart = 0;
    for name in [
        "thread3",
        "thread4",
        "thread-orderedsubject",
        "thread-orderedsubject2",
    ] {
        let mails = read_mbox(&dir().join(format!("{name}.mbox")));
        for (mailbox, expected) in run_script(name) {
            let current: Vec<&Mail> = mailbox.iter().map(|&i| &mails[i]).collect();
            let forest = thread(&current);
            // The subject-based tree groups messages; without subjects each
            // of these messages is a thread of its own.
            assert!(
                top_level(&expected) < current.len(),
                "{name}: the expected tree groups nothing, so the test would prove nothing"
            );
            assert_eq!(forest.len(), current.len(), "{name}: {}", render(&forest));
            assert_ne!(render(&forest), expected, "{name}");
            for m in &current {
                let ids: Vec<String> = current
                    .iter()
                    .filter_map(|o| o.message.message_id.clone())
                    .collect();
                let found = match_thread(&m.message, |id| {
                    ids.iter().find(|k| normalize_id(k) == Some(id)).cloned()
                });
                assert!(
                    found.is_none(),
                    "{name}: matched by something else than headers"
                );
                apart += 1;
            }
        }
    }
    assert!(apart >= 20, "only {apart} messages checked");
}
