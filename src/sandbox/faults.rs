//! Rate limits and fault injection for the sandbox CRM: HubSpot's
//! rolling-window limit with its headers and 429 body, and, for tests, a
//! share of requests failing with 500 or dropped half-way through the
//! response after the work was done (the case that makes clients retry
//! something that succeeded).

use super::http::{Delivery, Response};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Fault and limit settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultConfig {
    /// Requests allowed per window (HubSpot: 100 or 190 per 10 s).
    pub rate_limit: u32,
    /// The window.
    pub rate_window: Duration,
    /// Share of API requests answered 500 without doing anything.
    pub fail_rate: f64,
    /// Share of API requests done, then dropped half-way through the
    /// response.
    pub drop_rate: f64,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            rate_limit: 190,
            rate_window: Duration::from_secs(10),
            fail_rate: 0.0,
            drop_rate: 0.0,
        }
    }
}

/// What to do with a request before handling it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Handle it normally.
    Handle,
    /// Handle it, then drop the connection mid-response.
    HandleThenDrop,
    /// Refuse with 429 (the window is full): wait this long.
    RateLimited(Duration),
    /// Refuse with 500.
    Fail,
}

struct State {
    recent: VecDeque<Instant>,
    rng: u64,
}

/// The sandbox's limiter and fault injector.
pub struct Faults {
    config: FaultConfig,
    state: Mutex<State>,
}

impl Faults {
    /// A limiter with `config`, seeded from the OS.
    pub fn new(config: FaultConfig) -> Faults {
        let mut seed = [0u8; 8];
        let _ = getrandom::getrandom(&mut seed);
        Faults {
            config,
            state: Mutex::new(State {
                recent: VecDeque::new(),
                rng: u64::from_le_bytes(seed) | 1,
            }),
        }
    }

    /// Decides the fate of one API request.
    pub fn admit(&self) -> (Verdict, u32) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        while s
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.config.rate_window)
        {
            s.recent.pop_front();
        }
        if s.recent.len() as u32 >= self.config.rate_limit {
            let oldest = s.recent.front().copied().unwrap_or(now);
            let wait = self
                .config
                .rate_window
                .saturating_sub(now.duration_since(oldest));
            return (Verdict::RateLimited(wait), 0);
        }
        s.recent.push_back(now);
        let remaining = self.config.rate_limit - s.recent.len() as u32;
        // xorshift64*: cheap, and good enough to pick which requests fail.
        let mut x = s.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.rng = x;
        let r = (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64;
        let verdict = if r < self.config.fail_rate {
            Verdict::Fail
        } else if r < self.config.fail_rate + self.config.drop_rate {
            Verdict::HandleThenDrop
        } else {
            Verdict::Handle
        };
        (verdict, remaining)
    }

    /// HubSpot's rate-limit headers.
    pub fn headers(&self, remaining: u32) -> Vec<(String, String)> {
        vec![
            (
                "x-hubspot-ratelimit-max".into(),
                self.config.rate_limit.to_string(),
            ),
            (
                "x-hubspot-ratelimit-remaining".into(),
                remaining.to_string(),
            ),
            (
                "x-hubspot-ratelimit-interval-milliseconds".into(),
                self.config.rate_window.as_millis().to_string(),
            ),
            ("x-hubspot-ratelimit-daily".into(), "1000000".into()),
            (
                "x-hubspot-ratelimit-daily-remaining".into(),
                "999999".into(),
            ),
        ]
    }

    /// The 429 answer.
    pub fn rate_limited(&self, wait: Duration) -> Response {
        let mut r = super::api::rate_limit_error();
        r.headers.extend(self.headers(0));
        // Whole seconds, rounded up, as Retry-After requires.
        let secs = wait.as_millis().div_ceil(1000).max(1);
        r.headers.push(("retry-after".into(), secs.to_string()));
        r
    }

    /// Marks a response to be dropped half-way.
    pub fn drop_midway(mut r: Response) -> Response {
        r.delivery = Delivery::DropMidway;
        r
    }
}
