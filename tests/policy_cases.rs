//! The table of decision cases (tests/fixtures/cases, see
//! tests/policy_harness/mod.rs) run natively: each decision must be the
//! one the case expects and print the golden bytes; across the table every
//! rule that can change a decision decides a case and passes one, and every
//! reason code is produced.
// Native only: it reads files, runs the binary or uses native-only
// dev-dependencies; tests/wasm_policy.rs covers the wasm build.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

#[path = "policy_harness/mod.rs"]
mod harness;

use crmlog::policy::{self, Code, Engine, TRACED_RULES, Trace};
use std::collections::BTreeSet;

fn decide(case: &harness::Case, trace: &mut Trace) -> policy::Decision {
    let account = policy::account_from_json(&case.account)
        .unwrap_or_else(|e| panic!("{}: account: {e}", case.id));
    let engine = Engine::new(&account).unwrap_or_else(|e| panic!("{}: account: {e}", case.id));
    let event =
        policy::event_from_json(&case.event).unwrap_or_else(|e| panic!("{}: event: {e}", case.id));
    engine
        .decide_traced(&event, trace)
        .unwrap_or_else(|e| panic!("{}: {e}", case.id))
}

#[test]
fn every_case_decides_as_the_rule_book_says() {
    let bless = std::env::var_os("CRMLOG_BLESS").is_some();
    let mut failures = Vec::new();
    let mut decided = BTreeSet::new();
    let mut passed = BTreeSet::new();
    let mut codes = BTreeSet::new();
    let mut total = 0;
    for (group, text, golden) in harness::GROUPS {
        let cases = harness::cases(group, text);
        assert!(!cases.is_empty(), "{group}.jsonl has no case");
        let golden_lines: Vec<&str> = golden.lines().collect();
        let mut printed = String::new();
        for (i, case) in cases.iter().enumerate() {
            total += 1;
            let mut trace = Trace::recording();
            let d = decide(case, &mut trace);
            let json = d.to_json();
            let got = harness::normalise(&serde_json::from_str(&json).unwrap());
            if got != case.expect {
                failures.push(format!(
                    "{}\n  expected {}\n  got      {}",
                    case.id, case.expect, got
                ));
            }
            if !bless && golden_lines.get(i) != Some(&json.as_str()) {
                failures.push(format!(
                    "{}: output differs from golden/{group}.jsonl line {} (review, then CRMLOG_BLESS=1)",
                    case.id,
                    i + 1
                ));
            }
            // The decision itself must satisfy decide.md's invariants.
            if !d.logged {
                assert!(
                    d.timeline.is_empty() && d.direction.is_none(),
                    "{}",
                    case.id
                );
                assert!(
                    d.reasons.iter().all(|r| !r.code.is_warning()),
                    "{}",
                    case.id
                );
                assert!(!d.reasons.is_empty(), "{}", case.id);
            }
            for r in &d.reasons {
                codes.insert(r.code);
            }
            for (rule, ok) in &trace.notes {
                if *ok {
                    passed.insert(*rule);
                } else {
                    decided.insert(*rule);
                }
            }
            printed.push_str(&json);
            printed.push('\n');
        }
        if bless {
            let path = format!(
                "{}/tests/fixtures/cases/golden/{group}.jsonl",
                env!("CARGO_MANIFEST_DIR")
            );
            std::fs::write(path, printed).unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let never_decided: Vec<_> = TRACED_RULES
        .iter()
        .filter(|r| !decided.contains(*r))
        .collect();
    let never_passed: Vec<_> = TRACED_RULES
        .iter()
        .filter(|r| !passed.contains(*r))
        .collect();
    assert!(
        never_decided.is_empty(),
        "rules that decide no case: {never_decided:?}"
    );
    assert!(
        never_passed.is_empty(),
        "rules that no case passes: {never_passed:?}"
    );
    let missing: Vec<_> = Code::ALL.iter().filter(|c| !codes.contains(c)).collect();
    assert!(missing.is_empty(), "codes no case produces: {missing:?}");
}

#[test]
fn every_case_file_is_in_the_table() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cases");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in {dir}");
    let mut listed: Vec<String> = harness::GROUPS
        .iter()
        .map(|(g, _, _)| format!("{g}.jsonl"))
        .collect();
    listed.sort();
    assert_eq!(files, listed);
}

#[test]
fn decide_examples_of_the_spec() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/decide-examples"
    );
    let account = std::fs::read_to_string(format!("{dir}/account.json")).unwrap();
    let account = policy::account_from_json(&account).unwrap();
    let engine = Engine::new(&account).unwrap();
    let mut n = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for example in entries.iter().filter(|p| p.is_dir()) {
        let text = std::fs::read_to_string(example.join("event.json")).unwrap();
        let input = policy::event_input_from_json(&text).unwrap();
        let event = input
            .into_event(|rel| std::fs::read(example.join(rel)).map_err(|e| e.to_string()))
            .unwrap();
        let got = engine.decide(&event).unwrap();
        let want = std::fs::read_to_string(example.join("decision.json")).unwrap();
        let want: serde_json::Value = serde_json::from_str(&want).unwrap();
        let got = serde_json::to_value(&got).unwrap();
        assert_eq!(
            harness::normalise(&got),
            harness::normalise(&want),
            "{}",
            example.display()
        );
        n += 1;
    }
    assert!(n > 0, "no examples in {dir}");
}
