//! The sandbox CRM: a real HubSpot-compatible server on loopback over an
//! embedded SQLite database, so that crmlog can be tried (and tested)
//! without a CRM account. Native only.
//!
//! Invariant: the sandbox speaks only the API shapes of `crm::api`, the same
//! types the client uses; it is a CRM, not a test double.

pub mod account;
pub mod api;
pub mod faults;
pub mod http;
pub mod inbox;
pub mod page;
pub mod store;

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use store::{Store, StoreError};

/// A running sandbox's shared state.
pub struct Sandbox {
    /// The database.
    pub store: Store,
    /// The bearer token every API call must carry.
    pub token: String,
    /// Rate limits and injected faults.
    pub faults: faults::Faults,
    /// The account the inboxes decide with, rebuilt when it changes.
    pub accounts: account::AccountCache,
}

impl Sandbox {
    /// Opens the database at `db`. The token is `token` when given (and then
    /// remembered), else the one remembered in the database, else a fresh
    /// random one.
    pub fn open(db: &Path, token: Option<&str>) -> Result<Sandbox, StoreError> {
        let store = Store::open(db)?;
        let token = match token {
            Some(t) => {
                store.set_meta("token", t)?;
                t.to_string()
            }
            None => match store.meta("token")? {
                Some(t) => t,
                None => {
                    let t = format!("sandbox-{}", random_hex(16));
                    store.set_meta("token", &t)?;
                    t
                }
            },
        };
        Ok(Sandbox {
            store,
            token,
            faults: faults::Faults::new(faults::FaultConfig::default()),
            accounts: account::AccountCache::default(),
        })
    }

    /// Replaces the rate limits and faults.
    pub fn with_faults(mut self, config: faults::FaultConfig) -> Sandbox {
        self.faults = faults::Faults::new(config);
        self
    }

    /// Serves the API on `listener` until the process ends or the returned
    /// server is stopped.
    pub fn serve(self, listener: TcpListener) -> std::io::Result<http::Server> {
        let shared = Arc::new(self);
        http::Server::start(listener, move |req| api::handle(&shared, req))
    }
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // Without an OS random source the sandbox still works; the token is then
    // predictable, which matters little on loopback but is said on stderr.
    if getrandom::getrandom(&mut buf).is_err() {
        eprintln!("sandbox: no OS random source; using a time-based value");
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (t >> ((i % 16) * 8)) as u8;
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh correlation id in HubSpot's (UUID) form.
pub fn correlation_id() -> String {
    let h = random_hex(16);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The current UTC time in RFC 3339 with milliseconds, as HubSpot writes it.
pub fn now_rfc3339() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339_from_unix_millis(now.as_millis() as i64)
}

/// Formats milliseconds since the Unix epoch as RFC 3339 UTC.
pub fn rfc3339_from_unix_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` as milliseconds since the
/// Unix epoch (fractions past milliseconds are dropped). The sandbox
/// stores every date as UTC with milliseconds, as HubSpot answers them, so
/// that dates compare as text.
pub fn rfc3339_to_unix_millis(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        b.get(from..from + len)?.iter().try_fold(0i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let sep = |at: usize, want: &[u8]| b.get(at).is_some_and(|c| want.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (y, m, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hh, mm, ss) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                millis = millis * 10 + i64::from(b.get(i).copied().unwrap_or(b'0') - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..3 {
            millis *= 10;
        }
    }
    let offset_minutes = match b.get(i) {
        Some(b'Z' | b'z') if b.len() == i + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b.get(i + 3) == Some(&b':') => {
            let minutes = num(i + 1, 2)? * 60 + num(i + 4, 2)?;
            if *sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss.min(59) - offset_minutes * 60;
    Some(secs * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formatting() {
        assert_eq!(rfc3339_from_unix_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_from_unix_millis(1_795_435_200_123),
            "2026-11-23T12:00:00.123Z"
        );
        assert_eq!(
            rfc3339_from_unix_millis(951_782_400_000),
            "2000-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn rfc3339_reading() {
        assert_eq!(rfc3339_to_unix_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            rfc3339_to_unix_millis("2026-11-23T12:00:00.123Z"),
            Some(1_795_435_200_123)
        );
        assert_eq!(
            rfc3339_to_unix_millis("2026-11-23T14:00:00.1234+02:00"),
            Some(1_795_435_200_123)
        );
        assert_eq!(
            rfc3339_to_unix_millis("2000-02-29T00:00:00.5-00:30"),
            Some(951_784_200_500)
        );
        for bad in [
            "",
            "2026-11-23",
            "2026-13-01T00:00:00Z",
            "2026-11-23T00:00:00",
            "2026-11-23T00:00:00.Z",
        ] {
            assert_eq!(rfc3339_to_unix_millis(bad), None, "{bad}");
        }
        for ms in [0, 1_795_435_200_123, -86_400_000, 253_402_300_799_999] {
            assert_eq!(
                rfc3339_to_unix_millis(&rfc3339_from_unix_millis(ms)),
                Some(ms)
            );
        }
    }

    #[test]
    fn correlation_ids_look_like_uuids() {
        let c = correlation_id();
        assert_eq!(c.len(), 36);
        assert_eq!(c.matches('-').count(), 4);
    }
}
