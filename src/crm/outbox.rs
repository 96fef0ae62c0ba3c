//! The outbox: what happens to a logging request between Send and the
//! CRM's confirmation. Pure: items are values, and [`settle`] turns the end
//! of one attempt into the item's next state. Hosts keep items in an
//! [`OutboxStore`] (SQLite natively, `chrome.storage.local` in the
//! extension) and write each state before acting on it, so a process
//! killed at any point loses nothing: an item found `Sending` after a
//! restart is retried, and the job's search by tracking id finds a copy the
//! killed attempt may have created.
//!
//! Rules (spec/crm-api.md): network errors, 408 and 5xx back off
//! exponentially with jitter; 429 waits for `Retry-After`, else HubSpot's
//! rate-limit interval, else backs off; 401 and 403 pause the whole outbox
//! until the token is fixed; other 4xx park the item with the CRM's
//! message, never retried in a loop. Nothing leaves the store before the
//! CRM confirmed it (`Done`).

use super::log::{LogError, LogJob, LogRequest};
use super::transport::JobEnd;
use serde::{Deserialize, Serialize};

/// Where an item stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Waiting for its next attempt.
    Queued,
    /// An attempt is under way (or was, when the host stopped).
    Sending,
    /// The CRM confirmed it.
    Done,
    /// The CRM refused it; only the user can retry.
    Parked,
    /// The rules refused it before anything was sent (`reasons` say why).
    Refused,
    /// The email itself went to the CRM's BCC address (spec/tracking.md
    /// carrier 4): no logging request is made; attempts only search by
    /// tracking id until the CRM shows it logged (then `Done`).
    SentToBcc,
}

/// How many times an email sent to the BCC address is looked for before
/// the outbox stops asking (about half an hour with the default backoff);
/// it then stays `SentToBcc`, which is still true.
pub const BCC_CONFIRMS: u32 = 12;

/// One logging request in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The request (its tracking id is the item's key).
    pub request: LogRequest,
    /// The addresses whose timelines get the email (the decision's).
    pub timeline: Vec<String>,
    /// State.
    pub state: ItemState,
    /// Attempts made so far.
    pub attempts: u32,
    /// Earliest time of the next attempt, ms since the Unix epoch.
    pub not_before_ms: u64,
    /// The last error, for the user.
    pub last_error: Option<String>,
    /// The CRM's email id, once done.
    pub email_id: Option<String>,
    /// Reason codes of the rules (logging-rules.md) that refused it or left
    /// someone out.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// The Message-ID of a message logged by hand ("Log this email"), so
    /// asking twice queues it once; for a sent email, recorded once the
    /// mail UI shows it (spec/tracking.md, "After send").
    #[serde(default)]
    pub message_id: Option<String>,
    /// The mail UI's own id of the sent email's conversation (Gmail's
    /// thread id, Outlook's item id), recorded once the UI shows it, so
    /// the sent list can show its status.
    #[serde(default)]
    pub thread_key: Option<String>,
    /// The CRM's ids of the contacts the email was logged to, once logged
    /// (the badge links to the first one's timeline).
    #[serde(default)]
    pub contact_ids: Vec<String>,
}

impl Item {
    /// A new item, due now.
    pub fn new(request: LogRequest, timeline: Vec<String>) -> Item {
        Item {
            request,
            timeline,
            state: ItemState::Queued,
            attempts: 0,
            not_before_ms: 0,
            last_error: None,
            email_id: None,
            reasons: Vec::new(),
            message_id: None,
            thread_key: None,
            contact_ids: Vec::new(),
        }
    }

    /// An item the rules refused: kept so the status can say why, never
    /// sent.
    pub fn refused(request: LogRequest, reasons: Vec<String>) -> Item {
        Item {
            state: ItemState::Refused,
            reasons,
            ..Item::new(request, Vec::new())
        }
    }

    /// The key: the tracking id.
    pub fn key(&self) -> &str {
        &self.request.tracking_id
    }

    /// Whether an attempt may start at `now_ms`. An item left `Sending` by
    /// a stopped host is due again.
    pub fn is_due(&self, now_ms: u64) -> bool {
        self.next_attempt_ms().is_some_and(|at| at <= now_ms)
    }

    /// When the next attempt may start; `None` when none will.
    pub fn next_attempt_ms(&self) -> Option<u64> {
        match self.state {
            ItemState::Queued | ItemState::Sending => Some(self.not_before_ms),
            ItemState::SentToBcc if self.attempts < BCC_CONFIRMS => Some(self.not_before_ms),
            _ => None,
        }
    }

    /// The job for the next attempt: the whole logging conversation, or
    /// only the search by tracking id for an email sent to the BCC address.
    pub fn job(&self) -> LogJob {
        let job = LogJob::new(self.request.clone(), self.timeline.clone());
        if self.state == ItemState::SentToBcc {
            job.confirming()
        } else {
            job
        }
    }
}

/// Backoff settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// First backoff, ms.
    pub base_ms: u64,
    /// Longest backoff, ms.
    pub max_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_ms: 1_000,
            max_ms: 5 * 60_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`: exponential, capped, with
    /// "equal jitter" (half fixed, half random) from `random` in [0, 1), so
    /// that many clients do not retry in step.
    pub fn backoff_ms(&self, attempts: u32, random: f64) -> u64 {
        let exp = self
            .base_ms
            .saturating_mul(1u64 << attempts.saturating_sub(1).min(30))
            .min(self.max_ms);
        let half = exp / 2;
        half + (half as f64 * random.clamp(0.0, 1.0)) as u64
    }
}

/// What the host must do after an attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settled {
    /// Store the item in its new state and go on with the next one.
    Item(Item),
    /// Store the item (queued again) and stop sending anything until the
    /// user fixes the token (401/403).
    PauseAll(Item),
    /// Store the item and send nothing before its `not_before_ms`: the
    /// rate limit (429) is the account's, not the item's.
    Throttle(Item),
}

/// Milliseconds HubSpot asks to wait on a 429: `Retry-After` (seconds)
/// when sent (HubSpot does not document it), else the rate-limit window
/// `X-HubSpot-RateLimit-Interval-Milliseconds`.
pub fn rate_limit_wait_ms(response_headers: &[(String, String)]) -> Option<u64> {
    let get = |name: &str| {
        response_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    if let Some(secs) = get("retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(secs.saturating_mul(1000));
    }
    get("x-hubspot-ratelimit-interval-milliseconds").and_then(|v| v.parse::<u64>().ok())
}

/// The item's next state after an attempt that ended with `end` at `now_ms`.
pub fn settle(
    mut item: Item,
    end: JobEnd,
    now_ms: u64,
    policy: &RetryPolicy,
    random: f64,
) -> Settled {
    item.attempts = item.attempts.saturating_add(1);
    let retry = |mut item: Item, wait: u64, error: String| {
        // An email sent to the BCC address stays so: the next attempt
        // searches again, it never sends the request.
        if item.state != ItemState::SentToBcc {
            item.state = ItemState::Queued;
        }
        item.not_before_ms = now_ms.saturating_add(wait);
        item.last_error = Some(error);
        item
    };
    match end {
        JobEnd::Logged(logged) => {
            item.state = ItemState::Done;
            item.email_id = Some(logged.email_id);
            item.contact_ids = logged.contact_ids;
            item.last_error = None;
            Settled::Item(item)
        }
        JobEnd::Network(e) => {
            let wait = policy.backoff_ms(item.attempts, random);
            Settled::Item(retry(item, wait, e))
        }
        JobEnd::Failed(error) => {
            let text = error.to_string();
            match error {
                LogError::Http {
                    status: 401 | 403, ..
                } => {
                    // The token is wrong for every item: this one is not at
                    // fault, so its attempt does not count.
                    item.attempts -= 1;
                    Settled::PauseAll(retry(item, 0, text))
                }
                LogError::Http {
                    status: 429,
                    retry_after_ms,
                    ..
                } => {
                    let wait =
                        retry_after_ms.unwrap_or_else(|| policy.backoff_ms(item.attempts, random));
                    // A little jitter on top, so that waiting clients do
                    // not all come back in the same millisecond.
                    let wait = wait + (250.0 * random.clamp(0.0, 1.0)) as u64;
                    Settled::Throttle(retry(item, wait, text))
                }
                LogError::Http { status, .. } if status == 408 || status >= 500 => {
                    let wait = policy.backoff_ms(item.attempts, random);
                    Settled::Item(retry(item, wait, text))
                }
                LogError::Http { .. } => {
                    item.state = ItemState::Parked;
                    item.last_error = Some(text);
                    Settled::Item(item)
                }
                // A 2xx we could not read: the CRM may have done the work;
                // the next attempt's search finds it if so. Not logged yet
                // by the BCC inbox: look again later.
                LogError::BadResponse(_) | LogError::NotYet => {
                    let wait = policy.backoff_ms(item.attempts, random);
                    Settled::Item(retry(item, wait, text))
                }
            }
        }
    }
}

/// A place to keep items. Every write must be durable when it returns.
pub trait OutboxStore {
    /// The store's error.
    type Error: std::fmt::Display;
    /// Inserts or replaces the item under its key.
    fn put(&mut self, item: &Item) -> Result<(), Self::Error>;
    /// The item under `key`.
    fn get(&mut self, key: &str) -> Result<Option<Item>, Self::Error>;
    /// Every item not yet done or parked, oldest first.
    fn pending(&mut self) -> Result<Vec<Item>, Self::Error>;
    /// Every item.
    fn all(&mut self) -> Result<Vec<Item>, Self::Error>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::log::{Logged, Party};

    fn item() -> Item {
        Item::new(
            LogRequest {
                tracking_id: "crml-5knz5jl7dedbbq6rwxvrobvw5m".into(),
                from: Party {
                    address: "anna@acme.example".into(),
                    name: None,
                },
                to: vec![Party {
                    address: "bob@client.example".into(),
                    name: None,
                }],
                cc: vec![],
                bcc: vec![],
                subject: "s".into(),
                text: "t".into(),
                html: "h".into(),
                sent_at: "2026-11-23T10:00:00Z".into(),
                direction: Default::default(),
            },
            vec!["bob@client.example".into()],
        )
    }

    fn http(status: u16, retry_after_s: Option<u64>) -> JobEnd {
        JobEnd::Failed(LogError::Http {
            status,
            message: "m".into(),
            category: None,
            retry_after_ms: retry_after_s.map(|s| s * 1000),
        })
    }

    const P: RetryPolicy = RetryPolicy {
        base_ms: 1000,
        max_ms: 60_000,
    };

    #[test]
    fn backoff_grows_caps_and_jitters() {
        assert_eq!(P.backoff_ms(1, 0.0), 500);
        assert_eq!(P.backoff_ms(1, 0.999), 999);
        assert_eq!(P.backoff_ms(2, 0.0), 1000);
        assert_eq!(P.backoff_ms(3, 0.0), 2000);
        assert_eq!(P.backoff_ms(40, 0.0), 30_000);
        assert!(P.backoff_ms(40, 0.99) < 60_000);
    }

    #[test]
    fn each_answer_leads_where_the_spec_says() {
        let now = 10_000;
        let logged = JobEnd::Logged(Logged {
            email_id: "7".into(),
            contact_ids: vec![],
            already_logged: false,
        });
        let Settled::Item(done) = settle(item(), logged, now, &P, 0.5) else {
            panic!()
        };
        assert_eq!(
            (done.state, done.email_id.as_deref()),
            (ItemState::Done, Some("7"))
        );

        for status in [500, 502, 503, 408] {
            let Settled::Item(i) = settle(item(), http(status, None), now, &P, 0.0) else {
                panic!()
            };
            assert_eq!(i.state, ItemState::Queued, "{status}");
            assert_eq!(i.not_before_ms, now + 500);
        }
        let Settled::Item(net) = settle(item(), JobEnd::Network("reset".into()), now, &P, 0.0)
        else {
            panic!()
        };
        assert_eq!(
            (net.state, net.last_error.as_deref()),
            (ItemState::Queued, Some("reset"))
        );

        let Settled::Throttle(limited) = settle(item(), http(429, Some(3)), now, &P, 0.0) else {
            panic!()
        };
        assert_eq!(limited.not_before_ms, now + 3000);
        let Settled::Throttle(limited) = settle(item(), http(429, None), now, &P, 0.0) else {
            panic!()
        };
        assert_eq!(limited.not_before_ms, now + 500);

        for status in [401, 403] {
            let Settled::PauseAll(i) = settle(item(), http(status, None), now, &P, 0.0) else {
                panic!()
            };
            assert_eq!((i.state, i.attempts), (ItemState::Queued, 0));
        }
        for status in [400, 404, 409, 422] {
            let Settled::Item(i) = settle(item(), http(status, None), now, &P, 0.0) else {
                panic!()
            };
            assert_eq!(i.state, ItemState::Parked, "{status}");
            assert!(!i.is_due(u64::MAX));
        }
    }

    #[test]
    fn an_email_sent_to_the_bcc_address_is_only_looked_for_until_logged() {
        use crate::crm::api::{HttpResponse, Method};
        use crate::crm::log::Step;
        let mut sent = item();
        sent.state = ItemState::SentToBcc;
        let now = 1_000_000;
        assert!(sent.is_due(now));
        // The attempt is one search by tracking id; nothing found ends it.
        let mut job = sent.job();
        let Step::Send(search) = job.start() else {
            panic!()
        };
        assert_eq!(search.method, Method::Post);
        assert!(search.path.ends_with("/emails/search"), "{}", search.path);
        let empty = HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: r#"{"total":0,"results":[]}"#.into(),
        };
        let Step::Done(Err(end)) = job.on_response(&empty) else {
            panic!("a confirmation must not go on to create anything")
        };
        assert_eq!(end, LogError::NotYet);
        // Not there yet: still sent to the BCC address, looked for later.
        let Settled::Item(next) = settle(sent.clone(), JobEnd::Failed(end), now, &P, 0.0) else {
            panic!()
        };
        assert_eq!((next.state, next.attempts), (ItemState::SentToBcc, 1));
        assert_eq!(next.not_before_ms, now + 500);
        assert!(!next.is_due(now) && next.is_due(now + 500));
        // A refused token pauses everything but keeps the state.
        let Settled::PauseAll(paused) = settle(sent.clone(), http(401, None), now, &P, 0.0) else {
            panic!()
        };
        assert_eq!(paused.state, ItemState::SentToBcc);
        // Found: logged, with the CRM's id.
        let found = HttpResponse {
            body: r#"{"total":1,"results":[{"id":"77","properties":{}}]}"#.into(),
            ..empty
        };
        let mut job = next.job();
        job.start();
        let Step::Done(Ok(logged)) = job.on_response(&found) else {
            panic!()
        };
        let Settled::Item(done) = settle(next, JobEnd::Logged(logged), now, &P, 0.0) else {
            panic!()
        };
        assert_eq!(
            (done.state, done.email_id.as_deref()),
            (ItemState::Done, Some("77"))
        );
        // Never found: after BCC_CONFIRMS attempts the outbox stops asking.
        let mut tired = sent;
        tired.attempts = BCC_CONFIRMS;
        assert_eq!(tired.next_attempt_ms(), None);
        assert!(!tired.is_due(u64::MAX));
    }

    #[test]
    fn rate_limit_headers_are_read() {
        let h = |n: &str, v: &str| vec![(n.to_string(), v.to_string())];
        assert_eq!(rate_limit_wait_ms(&h("Retry-After", "2")), Some(2000));
        assert_eq!(
            rate_limit_wait_ms(&h("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")),
            Some(10_000)
        );
        assert_eq!(
            rate_limit_wait_ms(&h("retry-after", "Wed, 21 Oct 2026 07:28:00 GMT")),
            None
        );
        assert_eq!(rate_limit_wait_ms(&[]), None);
    }

    #[test]
    fn sending_items_are_due_after_a_restart() {
        let mut i = item();
        i.state = ItemState::Sending;
        assert!(i.is_due(0));
        i.state = ItemState::Done;
        assert!(!i.is_due(u64::MAX));
    }
}
