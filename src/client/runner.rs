//! Draining the outbox: each due item is marked `Sending` (durably), its
//! logging job is driven over the transport, and the outcome settled by
//! `crm::outbox::settle` is stored before the next item.

use crate::crm::outbox::{ItemState, OutboxStore, RetryPolicy, Settled, settle};
use crate::crm::transport::{Transport, drive};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// A uniform random number in [0, 1) from the OS (for jitter).
pub fn random_unit() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::getrandom(&mut b).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

/// How a drain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrainEnd {
    /// Nothing is left to send (everything done or parked).
    Empty,
    /// The CRM refused the token; nothing more is sent until it is fixed.
    Paused(String),
}

/// Sends until nothing is pending, sleeping until the earliest retry time
/// when everything pending waits.
pub fn drain<S: OutboxStore>(
    store: &mut S,
    transport: &mut impl Transport,
    policy: &RetryPolicy,
) -> Result<DrainEnd, S::Error> {
    loop {
        let pending = store.pending()?;
        if pending.is_empty() {
            return Ok(DrainEnd::Empty);
        }
        let now = now_ms();
        let mut sent_any = false;
        for item in pending {
            if !item.is_due(now_ms()) {
                continue;
            }
            sent_any = true;
            // An email sent to the BCC address is only looked for: there
            // is nothing to send, so no `Sending` state to record.
            if item.state != ItemState::SentToBcc {
                let mut sending = item.clone();
                sending.state = ItemState::Sending;
                store.put(&sending)?;
            }
            let mut job = item.job();
            let end = drive(&mut job, transport);
            match settle(item, end, now_ms(), policy, random_unit()) {
                Settled::Item(next) => store.put(&next)?,
                Settled::Throttle(next) => {
                    store.put(&next)?;
                    let wait = next.not_before_ms.saturating_sub(now_ms());
                    std::thread::sleep(Duration::from_millis(wait.min(60_000)));
                }
                Settled::PauseAll(next) => {
                    let reason = next.last_error.clone().unwrap_or_default();
                    store.put(&next)?;
                    return Ok(DrainEnd::Paused(reason));
                }
            }
        }
        if !sent_any {
            let next = store
                .pending()?
                .iter()
                .map(|i| i.not_before_ms)
                .min()
                .unwrap_or(now);
            std::thread::sleep(Duration::from_millis(
                next.saturating_sub(now).clamp(1, 60_000),
            ));
        }
    }
}
