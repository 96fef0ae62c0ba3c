//! Which rules a decision checked, and whether each passed or decided.
//!
//! Tests use the trace to prove that every rule that can change a decision
//! both decides some case and is passed by another. Deciding without a
//! trace costs one branch per check.

/// The rules checked while deciding one event, in the order checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    enabled: bool,
    /// `(rule id, passed)`: passed false means the rule decided (refused,
    /// warned, attributed, or matched).
    pub notes: Vec<(&'static str, bool)>,
}

impl Trace {
    /// A trace that records nothing (the fast path).
    pub fn off() -> Trace {
        Trace::default()
    }

    /// A trace that records every check.
    pub fn recording() -> Trace {
        Trace {
            enabled: true,
            notes: Vec::new(),
        }
    }

    /// Whether notes are kept.
    pub fn on(&self) -> bool {
        self.enabled
    }

    /// Records that `rule` was checked (when `relevant`) and its outcome.
    pub fn note(&mut self, rule: &'static str, relevant: bool, passed: bool) {
        if self.enabled && relevant {
            self.notes.push((rule, passed));
        }
    }

    /// Whether `rule` decided in this trace.
    pub fn decided(&self, rule: &str) -> bool {
        self.notes.iter().any(|(r, p)| *r == rule && !p)
    }

    /// Whether `rule` was checked and passed in this trace.
    pub fn passed(&self, rule: &str) -> bool {
        self.notes.iter().any(|(r, p)| *r == rule && *p)
    }
}
