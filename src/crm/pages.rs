//! What the extension's own pages (options and popup) decide, without I/O:
//! the stored preferences and their checks, merging never-log lists, the
//! connection test and its verdict, the popup's summary of the outbox, the
//! user's Retry of a parked item, and the last report of each degraded
//! feature. The wasm bindings only move these values in and out of the
//! browser (docs/extension-pages.md).

use super::api::{HttpRequest, HttpResponse, Method, objects_path};
use super::outbox::{Item, ItemState};
use serde::{Deserialize, Serialize};

/// `chrome.storage.local` key of the BCC logging address (text, may be
/// empty).
pub const BCC_ADDRESS_KEY: &str = "bcc_address";
/// Key of the default of the Log toggle (boolean).
pub const DEFAULT_LOG_KEY: &str = "default_log";
/// Key of the default of the Track toggle (boolean).
pub const DEFAULT_TRACK_KEY: &str = "default_track";
/// Key of "log replies from the browser" (boolean).
pub const LOG_REPLIES_KEY: &str = "log_replies";
/// Key of the open-tracking address (text, may be empty).
pub const PIXEL_BASE_KEY: &str = "pixel_base";
/// `chrome.storage.session` key of the degraded-feature reports.
pub const DEGRADED_KEY: &str = "degraded";

/// The user's preferences besides the CRM connection and the lists. Each is
/// its own key in `chrome.storage.local`, so a content script reads only
/// what it needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// The CRM's BCC logging address, or empty when the user logs through
    /// the API only.
    #[serde(default)]
    pub bcc_address: String,
    /// Log starts on in a new compose.
    #[serde(default = "yes")]
    pub default_log: bool,
    /// Track starts on in a new compose (O7: separate from Log).
    #[serde(default)]
    pub default_track: bool,
    /// Log replies from the browser (for a CRM without a connected inbox).
    #[serde(default)]
    pub log_replies: bool,
    /// Where Track's open pixel points (spec/tracking.md), or empty for the
    /// CRM's address.
    #[serde(default)]
    pub pixel_base: String,
}

fn yes() -> bool {
    true
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            bcc_address: String::new(),
            default_log: true,
            default_track: false,
            log_replies: false,
            pixel_base: String::new(),
        }
    }
}

/// Checks the BCC logging address: empty (none) or one plausible address,
/// trimmed and lower-cased. `Err` holds the whole-sentence message key.
pub fn validated_bcc(text: &str) -> Result<String, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    if super::log::is_plausible_address(text) {
        Ok(super::log::normalize(text))
    } else {
        Err("optionsBccInvalid")
    }
}

/// Checks the open-tracking address: empty (the CRM's address) or a base
/// URL under the same rules as the CRM's (https, or http to loopback),
/// without a trailing slash. `Err` holds the message key.
pub fn validated_pixel_base(text: &str) -> Result<String, &'static str> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    super::settings::CrmSettings::validated(text, "-")
        .map(|s| s.crm_url)
        .map_err(|_| "optionsPixelBaseInvalid")
}

/// The result of merging entries into the never-log list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    /// The list's new text.
    pub text: String,
    /// How many entries were new.
    pub added: usize,
}

/// A line of an imported or pulled list that is not a never-log entry
/// (N1): nothing of that list is merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadIncoming {
    /// 1-based line in the incoming text.
    pub line: usize,
}

/// The entry of a never-log line, as the list compares them: trimmed and
/// lower-cased; `None` for blank lines and `#` comments.
fn entry_of(line: &str) -> Option<String> {
    let line = line.trim();
    (!line.is_empty() && !line.starts_with('#')).then(|| line.to_lowercase())
}

/// Adds the entries of `incoming` (a file or the team's shared list, one
/// entry a line) that `current` lacks, in their order, after the current
/// text, which is kept as written. `incoming` is validated as a whole first
/// (N1: a list with a bad entry is not taken in part), its bad line named.
pub fn merge_never_log(current: &str, incoming: &str) -> Result<Merged, BadIncoming> {
    if let Err(e) = crate::policy::NeverLogList::parse_lines(incoming) {
        return Err(BadIncoming {
            line: e.errors.first().map_or(1, |e| e.line),
        });
    }
    let mut seen: Vec<String> = current.lines().filter_map(entry_of).collect();
    let mut text = current.to_string();
    let mut added = 0;
    for line in incoming.lines() {
        let Some(entry) = entry_of(line) else {
            continue;
        };
        if seen.contains(&entry) {
            continue;
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(line.trim());
        text.push('\n');
        seen.push(entry);
        added += 1;
    }
    Ok(Merged { text, added })
}

/// Hosts the manifest grants at install (its `host_permissions`); any
/// other CRM origin is asked for at run time.
fn is_fixed_host(scheme: &str, host: &str) -> bool {
    let name = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    match scheme {
        "https" => name == "api.hubapi.com",
        "http" => name == "127.0.0.1" || name == "localhost",
        _ => false,
    }
}

/// The match pattern to request with `chrome.permissions.request` before
/// the extension may reach the CRM at `crm_url` (already validated by
/// `CrmSettings::validated`), or `None` when the manifest grants it.
pub fn permission_pattern(crm_url: &str) -> Option<String> {
    let (scheme, rest) = crm_url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let host = rest.split('/').next().unwrap_or_default().to_lowercase();
    if host.is_empty() || is_fixed_host(&scheme, &host) {
        return None;
    }
    // Match patterns carry no port: the permission is for the host.
    let name = match host.rsplit_once(':') {
        Some((h, port)) if !h.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host.as_str(),
    };
    Some(format!("{scheme}://{name}/*"))
}

/// The connection test: read one contact with the token, the smallest call
/// that proves both the address and the token (spec/crm-api.md).
pub fn connection_test_request() -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        path: format!("{}?limit=1", objects_path("contacts")),
        body: None,
    }
}

/// The path of the team's shared never-log list on the sandbox CRM.
pub const SHARED_NEVER_LOG_PATH: &str = "/crmlog/v1/never-log";

/// What a call to the CRM from an extension page came to, for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The CRM answered 2xx.
    Ok,
    /// 401 or 403: the token is wrong or lacks a scope.
    Token {
        /// The status.
        status: u16,
    },
    /// The CRM could not be reached (network, DNS, refused connection).
    Unreachable,
    /// Any other error: the CRM's own message.
    Error {
        /// The CRM's message, or the status line.
        message: String,
    },
}

impl Verdict {
    /// Judges a response (`None` when there was none: a network failure).
    pub fn of(response: Option<&HttpResponse>) -> Verdict {
        let Some(response) = response else {
            return Verdict::Unreachable;
        };
        match response.status {
            200..=299 => Verdict::Ok,
            401 | 403 => Verdict::Token {
                status: response.status,
            },
            _ => Verdict::Error {
                message: super::log::http_error(response).to_string(),
            },
        }
    }

    /// The whole-sentence message key of the extension's `_locales`, and
    /// its one substitution (empty when the message takes none).
    pub fn message(&self) -> (&'static str, String) {
        match self {
            Verdict::Ok => ("optionsConnectionOk", String::new()),
            Verdict::Token { status } => ("optionsConnectionBadToken", status.to_string()),
            Verdict::Unreachable => ("optionsConnectionUnreachable", String::new()),
            Verdict::Error { message } => ("optionsConnectionError", message.clone()),
        }
    }
}

/// A parked item as the popup shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParkedEntry {
    /// The item's tracking id, for Retry.
    pub tracking_id: String,
    /// The email's subject.
    pub subject: String,
    /// Its first recipient.
    pub recipient: String,
    /// The CRM's error.
    pub error: String,
}

/// A logged email as the popup lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentEntry {
    /// The email's subject.
    pub subject: String,
    /// Its first recipient.
    pub recipient: String,
    /// When it was sent (RFC 3339).
    pub sent_at: String,
}

/// A feature a content script switched off because the page no longer
/// matched its selectors, with the censored markup it saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DegradedReport {
    /// `gmail` or `outlook`.
    pub site: String,
    /// The feature's registry name (e.g. `log_toggle`).
    pub feature: String,
    /// Censored markup: tags kept, text and attribute values dropped.
    pub snippet: String,
    /// When it was reported, ms since the epoch.
    pub at_ms: u64,
}

/// The popup's view of the outbox (the answer to `ToWorker::Summary`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Items waiting for (or in) an attempt.
    pub queued: usize,
    /// Items the CRM confirmed whose email was sent today.
    pub sent_today: usize,
    /// Items the CRM refused, oldest first.
    pub parked: Vec<ParkedEntry>,
    /// Logged emails, newest first, at most [`RECENT`].
    pub recent: Vec<RecentEntry>,
    /// The last report of each degraded feature, newest first.
    #[serde(default)]
    pub degraded: Vec<DegradedReport>,
}

/// How many logged emails the popup lists.
pub const RECENT: usize = 10;

fn first_recipient(item: &Item) -> String {
    item.request
        .recipients()
        .next()
        .map(|p| p.address.clone())
        .unwrap_or_default()
}

/// Summarises the outbox. `today_start` is the start of the user's day as
/// `Date.toISOString()` writes it (UTC, fixed width): `sent_at` is written
/// the same way by the content scripts, so string order is time order.
pub fn summarize<'a>(items: impl IntoIterator<Item = &'a Item>, today_start: &str) -> Summary {
    let mut summary = Summary::default();
    let mut parked: Vec<&Item> = Vec::new();
    let mut done: Vec<&Item> = Vec::new();
    for item in items {
        match item.state {
            ItemState::Queued | ItemState::Sending => summary.queued += 1,
            ItemState::Parked => parked.push(item),
            ItemState::Done => {
                if item.request.sent_at.as_str() >= today_start {
                    summary.sent_today += 1;
                }
                done.push(item);
            }
            // Sent to the BCC address: waiting while the outbox still
            // looks for it in the CRM.
            ItemState::SentToBcc if item.next_attempt_ms().is_some() => summary.queued += 1,
            ItemState::Refused | ItemState::SentToBcc => {}
        }
    }
    parked.sort_by(|a, b| a.request.sent_at.cmp(&b.request.sent_at));
    summary.parked = parked
        .into_iter()
        .map(|i| ParkedEntry {
            tracking_id: i.key().to_string(),
            subject: i.request.subject.clone(),
            recipient: first_recipient(i),
            error: i.last_error.clone().unwrap_or_default(),
        })
        .collect();
    done.sort_by(|a, b| b.request.sent_at.cmp(&a.request.sent_at));
    summary.recent = done
        .into_iter()
        .take(RECENT)
        .map(|i| RecentEntry {
            subject: i.request.subject.clone(),
            recipient: first_recipient(i),
            sent_at: i.request.sent_at.clone(),
        })
        .collect();
    summary
}

/// The user's Retry of a parked item: queued again, due now, with a fresh
/// count of attempts (the backoff starts over: the user changed something).
/// `None` for an item that is not parked (Retry twice, or it was logged).
pub fn requeued(item: &Item) -> Option<Item> {
    if item.state != ItemState::Parked {
        return None;
    }
    let mut next = item.clone();
    next.state = ItemState::Queued;
    next.attempts = 0;
    next.not_before_ms = 0;
    Some(next)
}

/// Longest snippet kept, in bytes: enough for a bug report, small enough
/// for `chrome.storage.session`'s quota.
pub const SNIPPET_MAX: usize = 16 * 1024;
/// Longest feature name kept.
const FEATURE_MAX: usize = 64;
/// Most reports kept (one per site and feature).
pub const DEGRADED_MAX: usize = 32;

fn truncated(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// Keeps `report` as the last one of its (site, feature), newest first,
/// its snippet censored, capped in size and number. `None` when the report is not one a content
/// script sends (unknown site, empty feature name).
pub fn record_degraded(
    mut reports: Vec<DegradedReport>,
    report: DegradedReport,
) -> Option<Vec<DegradedReport>> {
    if !matches!(report.site.as_str(), "gmail" | "outlook") {
        return None;
    }
    let feature = truncated(report.feature.trim(), FEATURE_MAX).to_string();
    if feature.is_empty() {
        return None;
    }
    // The content script sends the markup as it is (the censor's code
    // would cost its size budget); only its shape is kept: tags, no text,
    // no attribute values.
    let report = DegradedReport {
        feature,
        snippet: truncated(&crate::censor::censor_html(&report.snippet), SNIPPET_MAX).to_string(),
        ..report
    };
    reports.retain(|r| !(r.site == report.site && r.feature == report.feature));
    reports.insert(0, report);
    reports.truncate(DEGRADED_MAX);
    Some(reports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::log::{LogRequest, Party};

    fn item(id: &str, subject: &str, to: &str, sent_at: &str, state: ItemState) -> Item {
        let mut i = Item::new(
            LogRequest {
                tracking_id: id.into(),
                from: Party {
                    address: "anna@acme.example".into(),
                    name: None,
                },
                to: vec![Party {
                    address: to.into(),
                    name: None,
                }],
                cc: vec![Party {
                    address: "cc@client.example".into(),
                    name: None,
                }],
                bcc: vec![],
                subject: subject.into(),
                text: "t".into(),
                html: "h".into(),
                sent_at: sent_at.into(),
                direction: Default::default(),
            },
            vec![],
        );
        i.state = state;
        i
    }

    #[test]
    fn merge_adds_only_new_entries_in_order_and_keeps_the_text() {
        let current = "# ours\nrival.example\nCEO@client.example";
        let m = merge_never_log(
            current,
            "ceo@CLIENT.example\n\n# theirs\n  press.example \nrival.example\n*.press.example\npress.example\n",
        )
        .unwrap();
        assert_eq!(
            m.text,
            "# ours\nrival.example\nCEO@client.example\npress.example\n*.press.example\n"
        );
        assert_eq!(m.added, 2);
        // Merging the same again adds nothing and changes nothing.
        let again = merge_never_log(&m.text, "press.example\n").unwrap();
        assert_eq!((again.text.as_str(), again.added), (m.text.as_str(), 0));
        // Into an empty list.
        let m = merge_never_log("", "a@b.example").unwrap();
        assert_eq!((m.text.as_str(), m.added), ("a@b.example\n", 1));
    }

    #[test]
    fn a_bad_incoming_line_is_named_and_nothing_is_merged() {
        let bad = merge_never_log("ok.example\n", "fine.example\n\n*bad.example\n").unwrap_err();
        assert_eq!(bad.line, 3);
        assert!(merge_never_log("", "not an entry at all").is_err());
    }

    #[test]
    fn bcc_is_empty_or_an_address() {
        assert_eq!(validated_bcc("  ").unwrap(), "");
        assert_eq!(
            validated_bcc(" 123@BCC.Hubspot.example ").unwrap(),
            "123@bcc.hubspot.example"
        );
        assert_eq!(
            validated_bcc("bcc.hubspot.example"),
            Err("optionsBccInvalid")
        );
        assert_eq!(validated_bcc("a b@c.example"), Err("optionsBccInvalid"));
    }

    #[test]
    fn pixel_base_is_empty_or_a_usable_base_url() {
        assert_eq!(validated_pixel_base(" ").unwrap(), "");
        assert_eq!(
            validated_pixel_base(" https://t.acme.example/px/ ").unwrap(),
            "https://t.acme.example/px"
        );
        assert_eq!(
            validated_pixel_base("http://t.acme.example"),
            Err("optionsPixelBaseInvalid")
        );
        assert_eq!(
            validated_pixel_base("t.acme.example"),
            Err("optionsPixelBaseInvalid")
        );
    }

    #[test]
    fn preferences_default_as_the_brief_says_when_nothing_is_stored() {
        let p: Preferences = serde_json::from_str("{}").unwrap();
        assert_eq!(p, Preferences::default());
        assert!(p.default_log && !p.default_track && !p.log_replies);
        assert!(p.bcc_address.is_empty());
        let p: Preferences =
            serde_json::from_str(r#"{"default_log":false,"log_replies":true}"#).unwrap();
        assert!(!p.default_log && p.log_replies);
    }

    #[test]
    fn only_origins_outside_the_manifest_are_requested() {
        for fixed in [
            "https://api.hubapi.com",
            "http://127.0.0.1:8765",
            "http://localhost:9",
            "http://localhost",
        ] {
            assert_eq!(permission_pattern(fixed), None, "{fixed}");
        }
        assert_eq!(
            permission_pattern("https://crm.acme.example:8443/api").as_deref(),
            Some("https://crm.acme.example/*")
        );
        assert_eq!(
            permission_pattern("https://API.eu1.hubapi.com").as_deref(),
            Some("https://api.eu1.hubapi.com/*")
        );
        // https to loopback is not in the manifest (it lists http only).
        assert_eq!(
            permission_pattern("https://127.0.0.1:8765").as_deref(),
            Some("https://127.0.0.1/*")
        );
        assert_eq!(permission_pattern("nonsense"), None);
    }

    #[test]
    fn verdicts_name_the_token_the_network_or_the_crm_error() {
        let resp = |status: u16, body: &str| HttpResponse {
            status,
            headers: vec![],
            body: body.into(),
        };
        assert_eq!(Verdict::of(Some(&resp(200, "{}"))), Verdict::Ok);
        assert_eq!(
            Verdict::of(Some(&resp(401, r#"{"status":"error","message":"no"}"#))).message(),
            ("optionsConnectionBadToken", "401".to_string())
        );
        assert_eq!(
            Verdict::of(Some(&resp(403, ""))),
            Verdict::Token { status: 403 }
        );
        assert_eq!(Verdict::of(None), Verdict::Unreachable);
        let (key, text) = Verdict::of(Some(&resp(
            404,
            r#"{"status":"error","message":"no such endpoint","correlationId":"c","category":"OBJECT_NOT_FOUND"}"#,
        )))
        .message();
        assert_eq!(key, "optionsConnectionError");
        assert!(
            text.contains("404") && text.contains("no such endpoint"),
            "{text}"
        );
        let req = connection_test_request();
        assert_eq!(req.method, Method::Get);
        assert!(req.path.ends_with("/contacts?limit=1"), "{}", req.path);
        let en: serde_json::Value =
            serde_json::from_str(include_str!("../../extension/_locales/en/messages.json"))
                .unwrap();
        for v in [
            Verdict::Ok,
            Verdict::Token { status: 401 },
            Verdict::Unreachable,
            Verdict::Error {
                message: "m".into(),
            },
        ] {
            assert!(en.get(v.message().0).is_some(), "{:?}", v);
        }
        assert!(en.get("optionsBccInvalid").is_some());
        assert!(en.get("optionsPixelBaseInvalid").is_some());
    }

    #[test]
    fn the_summary_counts_lists_parked_and_the_newest_logged() {
        let today = "2026-11-23T00:00:00.000Z";
        let mut items = vec![
            item(
                "q",
                "Queued one",
                "q@x.example",
                "2026-11-23T09:00:00.000Z",
                ItemState::Queued,
            ),
            item(
                "s",
                "Sending",
                "s@x.example",
                "2026-11-23T09:01:00.000Z",
                ItemState::Sending,
            ),
            item(
                "r",
                "Refused",
                "r@x.example",
                "2026-11-23T09:02:00.000Z",
                ItemState::Refused,
            ),
            item(
                "y",
                "Yesterday",
                "y@x.example",
                "2026-11-22T23:59:59.999Z",
                ItemState::Done,
            ),
        ];
        let mut p2 = item(
            "p2",
            "Later parked",
            "p2@x.example",
            "2026-11-23T10:00:00.000Z",
            ItemState::Parked,
        );
        p2.last_error = Some("the CRM answered 400: bad".into());
        let p1 = item(
            "p1",
            "Parked",
            "p1@x.example",
            "2026-11-23T08:00:00.000Z",
            ItemState::Parked,
        );
        items.push(p2);
        items.push(p1);
        for n in 0..12 {
            items.push(item(
                &format!("d{n}"),
                &format!("Logged {n:02}"),
                &format!("d{n}@x.example"),
                &format!("2026-11-23T11:{n:02}:00.000Z"),
                ItemState::Done,
            ));
        }
        let s = summarize(&items, today);
        assert_eq!((s.queued, s.sent_today), (2, 12));
        let parked: Vec<_> = s.parked.iter().map(|p| p.tracking_id.as_str()).collect();
        assert_eq!(parked, ["p1", "p2"]);
        assert_eq!(s.parked[1].error, "the CRM answered 400: bad");
        assert_eq!(s.parked[1].recipient, "p2@x.example");
        assert_eq!(s.recent.len(), RECENT);
        assert_eq!(s.recent[0].subject, "Logged 11");
        assert_eq!(s.recent[0].recipient, "d11@x.example");
        assert_eq!(s.recent[9].subject, "Logged 02");
        // Nothing at all.
        assert_eq!(summarize(&[], today), Summary::default());
    }

    #[test]
    fn retry_requeues_only_parked_items() {
        let mut p = item(
            "p",
            "s",
            "a@x.example",
            "2026-11-23T08:00:00.000Z",
            ItemState::Parked,
        );
        p.attempts = 3;
        p.not_before_ms = 99;
        let q = requeued(&p).unwrap();
        assert_eq!(
            (q.state, q.attempts, q.not_before_ms),
            (ItemState::Queued, 0, 0)
        );
        assert!(q.is_due(0));
        for state in [
            ItemState::Queued,
            ItemState::Sending,
            ItemState::Done,
            ItemState::Refused,
        ] {
            let mut i = p.clone();
            i.state = state;
            assert_eq!(requeued(&i), None, "{state:?}");
        }
    }

    #[test]
    fn degraded_reports_keep_the_last_per_feature_capped() {
        let r = |site: &str, feature: &str, snippet: &str, at_ms: u64| DegradedReport {
            site: site.into(),
            feature: feature.into(),
            snippet: snippet.into(),
            at_ms,
        };
        let list = record_degraded(vec![], r("gmail", "log_toggle", "<div></div>", 1)).unwrap();
        let list = record_degraded(list, r("outlook", "log_toggle", "<p></p>", 2)).unwrap();
        let list = record_degraded(list, r("gmail", "log_toggle", "<span></span>", 3)).unwrap();
        let seen: Vec<_> = list.iter().map(|r| (r.site.as_str(), r.at_ms)).collect();
        assert_eq!(seen, [("gmail", 3), ("outlook", 2)]);
        assert_eq!(list[0].snippet, "<span></span>");
        assert_eq!(record_degraded(vec![], r("yahoo", "x", "", 1)), None);
        assert_eq!(record_degraded(vec![], r("gmail", "  ", "", 1)), None);
        // Stored censored: the shape, no text, no attribute value.
        let list = record_degraded(
            vec![],
            r(
                "gmail",
                "message_actions",
                "<div title=\"bob@client.example\">Offer for Bob</div>",
                1,
            ),
        )
        .unwrap();
        assert!(list[0].snippet.starts_with("<div"), "{}", list[0].snippet);
        assert!(!list[0].snippet.contains("bob") && !list[0].snippet.contains("Offer"));
        // A huge snippet is capped after censoring.
        let big = "<p title=\"é\">é</p>".repeat(SNIPPET_MAX);
        let list = record_degraded(vec![], r("gmail", "status_badge", &big, 1)).unwrap();
        let n = list[0].snippet.len();
        assert!(n <= SNIPPET_MAX && n > SNIPPET_MAX - 16, "{n}");
        let mut list = Vec::new();
        for n in 0..(DEGRADED_MAX + 5) {
            list = record_degraded(list, r("gmail", &format!("f{n}"), "", n as u64)).unwrap();
        }
        assert_eq!(list.len(), DEGRADED_MAX);
        assert_eq!(list[0].feature, format!("f{}", DEGRADED_MAX + 4));
    }
}
