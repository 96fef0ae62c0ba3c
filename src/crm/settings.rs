//! Where the CRM is and how to reach it: validated before it is saved, so
//! the outbox never runs with a setting it cannot use.

use serde::{Deserialize, Serialize};

/// The sandbox CRM's address when nothing else is configured.
pub const DEFAULT_CRM_URL: &str = "http://127.0.0.1:8765";

/// The CRM connection settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmSettings {
    /// Base URL without a trailing slash, e.g. `https://api.hubapi.com`.
    pub crm_url: String,
    /// Bearer token (HubSpot private-app token or the sandbox's token).
    pub crm_token: String,
}

/// HubSpot's API host; its app, where timelines are shown, is elsewhere.
const HUBSPOT_API_HOST: &str = "https://api.hubapi.com";

impl CrmSettings {
    /// Whether the CRM is HubSpot (rather than the sandbox or another
    /// HubSpot-compatible server).
    pub fn is_hubspot(&self) -> bool {
        self.crm_url == HUBSPOT_API_HOST
    }

    /// Where the CRM shows the timeline of contact `contact_id`: HubSpot's
    /// contact record (which needs the account's portal id), or the
    /// sandbox's page, whose section for each contact is `#contact-<id>`.
    pub fn timeline_link(&self, contact_id: &str, portal: Option<&str>) -> Option<String> {
        let safe = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
        if !safe(contact_id) {
            return None;
        }
        if self.is_hubspot() {
            let portal = portal.filter(|p| safe(p))?;
            Some(format!(
                "https://app.hubspot.com/contacts/{portal}/record/0-1/{contact_id}"
            ))
        } else {
            Some(format!("{}/#contact-{contact_id}", self.crm_url))
        }
    }
}

/// `GET /account-info/v3/details`: HubSpot's account, for its portal id
/// (the timeline link).
pub fn account_details_request() -> super::api::HttpRequest {
    super::api::HttpRequest {
        method: super::api::Method::Get,
        path: "/account-info/v3/details".into(),
        body: None,
    }
}

/// The portal id in an account-details answer.
pub fn portal_of(response: &super::api::HttpResponse) -> Option<String> {
    if !(200..300).contains(&response.status) {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&response.body).ok()?;
    match v.get("portalId")? {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// A setting that cannot be used, naming the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidSetting {
    /// `crm_url` or `crm_token`.
    pub field: &'static str,
    /// What is wrong, in English (command line, logs).
    pub problem: String,
    /// The same as a whole-sentence message of the extension's `_locales`.
    pub message_key: &'static str,
}

impl std::fmt::Display for InvalidSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for InvalidSetting {}

fn is_loopback_host(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or_default();
    host == "127.0.0.1" || host == "localhost" || host == "[::1]"
}

impl CrmSettings {
    /// Trims and checks the settings: HTTPS, or plain HTTP to loopback (the
    /// sandbox CRM); a token without white space.
    pub fn validated(crm_url: &str, crm_token: &str) -> Result<CrmSettings, InvalidSetting> {
        let url = crm_url.trim().trim_end_matches('/');
        let (scheme, rest) = url.split_once("://").ok_or_else(|| InvalidSetting {
            field: "crm_url",
            problem: "must start with https://".into(),
            message_key: "optionsUrlNotHttps",
        })?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() {
            return Err(InvalidSetting {
                field: "crm_url",
                problem: "has no host".into(),
                message_key: "optionsUrlNoHost",
            });
        }
        match scheme.to_ascii_lowercase().as_str() {
            "https" => {}
            "http" if is_loopback_host(host) => {}
            "http" => {
                return Err(InvalidSetting {
                    field: "crm_url",
                    problem: "plain http is only allowed to this computer (127.0.0.1 or localhost); use https".into(),
                    message_key: "optionsUrlHttpNotLocal",
                });
            }
            _ => {
                return Err(InvalidSetting {
                    field: "crm_url",
                    problem: "must start with https://".into(),
                    message_key: "optionsUrlNotHttps",
                });
            }
        }
        if rest.contains(['?', '#']) {
            return Err(InvalidSetting {
                field: "crm_url",
                problem: "must not contain a query or fragment".into(),
                message_key: "optionsUrlQueryOrFragment",
            });
        }
        let token = crm_token.trim();
        if token.is_empty() {
            return Err(InvalidSetting {
                field: "crm_token",
                problem: "is empty".into(),
                message_key: "optionsTokenEmpty",
            });
        }
        if token.chars().any(char::is_whitespace) {
            return Err(InvalidSetting {
                field: "crm_token",
                problem: "contains white space".into(),
                message_key: "optionsTokenWhiteSpace",
            });
        }
        Ok(CrmSettings {
            crm_url: url.to_string(),
            crm_token: token.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        let s = CrmSettings::validated(" https://api.hubapi.com/ ", " pat-na1-x ").unwrap();
        assert_eq!(s.crm_url, "https://api.hubapi.com");
        assert_eq!(s.crm_token, "pat-na1-x");
        assert!(CrmSettings::validated("http://127.0.0.1:8765", "t").is_ok());
        assert!(CrmSettings::validated("http://localhost:9/", "t").is_ok());
    }

    #[test]
    fn refuses_what_cannot_work() {
        let field = |u: &str, t: &str| CrmSettings::validated(u, t).unwrap_err().field;
        let key = |u: &str, t: &str| CrmSettings::validated(u, t).unwrap_err().message_key;
        // Every key is a message of the extension's locales.
        let en: serde_json::Value =
            serde_json::from_str(include_str!("../../extension/_locales/en/messages.json"))
                .unwrap();
        for (u, t) in [
            ("http://crm.example", "t"),
            ("x", "t"),
            ("https://", "t"),
            ("https://x?a", "t"),
            ("https://x", ""),
            ("https://x", "a b"),
        ] {
            assert!(en.get(key(u, t)).is_some(), "{}", key(u, t));
        }
        assert_eq!(field("http://crm.example", "t"), "crm_url");
        assert_eq!(field("api.hubapi.com", "t"), "crm_url");
        assert_eq!(field("https://", "t"), "crm_url");
        assert_eq!(field("ftp://x", "t"), "crm_url");
        assert_eq!(field("https://x?a=1", "t"), "crm_url");
        assert_eq!(field("https://x", " "), "crm_token");
        assert_eq!(field("https://x", "a b"), "crm_token");
    }
}

/// The user's lists as the options page holds them: other addresses and
/// the never-log list, one a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lists {
    /// Other addresses, trimmed and lower-cased (O4).
    pub aliases: Vec<String>,
    /// The never-log list as text, kept as written (N1).
    pub never_log: String,
}

/// A list line that cannot be saved; nothing of either list is saved then
/// (N1: a list with a bad entry is not saved in part).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line.
    pub line: usize,
    /// The whole-sentence message of the extension's `_locales`.
    pub message_key: &'static str,
}

impl Lists {
    /// Checks both lists: every non-blank alias line is an address, and the
    /// never-log list parses (blank lines and `#` comments allowed).
    pub fn validated(aliases: &str, never_log: &str) -> Result<Lists, BadLine> {
        let mut clean = Vec::new();
        for (i, line) in aliases.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if !super::log::is_plausible_address(line) {
                return Err(BadLine {
                    line: i + 1,
                    message_key: "optionsAliasBadLine",
                });
            }
            clean.push(super::log::normalize(line));
        }
        if let Err(e) = crate::policy::NeverLogList::parse_lines(never_log) {
            return Err(BadLine {
                line: e.errors.first().map_or(1, |e| e.line),
                message_key: "optionsNeverLogBadLine",
            });
        }
        Ok(Lists {
            aliases: clean,
            never_log: never_log.to_string(),
        })
    }
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn bad_lines_are_named_and_nothing_is_kept() {
        let ok = Lists::validated(
            " Anna.K@Acme.example \n\n",
            "# team list\nrival.example\n*.press.example\nceo@client.example\n",
        )
        .unwrap();
        assert_eq!(ok.aliases, ["anna.k@acme.example"]);
        let bad = Lists::validated("", "rival.example\n*client.example\n").unwrap_err();
        assert_eq!((bad.line, bad.message_key), (2, "optionsNeverLogBadLine"));
        let bad = Lists::validated("a@b.example\nnot an address", "").unwrap_err();
        assert_eq!((bad.line, bad.message_key), (2, "optionsAliasBadLine"));
        let en: serde_json::Value =
            serde_json::from_str(include_str!("../../extension/_locales/en/messages.json"))
                .unwrap();
        for key in ["optionsAliasBadLine", "optionsNeverLogBadLine"] {
            assert!(en.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn the_timeline_link_is_the_crms_contact_page() {
        let sandbox = CrmSettings::validated("http://127.0.0.1:8765/", "t").unwrap();
        assert_eq!(
            sandbox.timeline_link("42", None).as_deref(),
            Some("http://127.0.0.1:8765/#contact-42")
        );
        let hubspot = CrmSettings::validated("https://api.hubapi.com", "t").unwrap();
        assert!(hubspot.is_hubspot());
        assert_eq!(hubspot.timeline_link("42", None), None, "no portal id");
        assert_eq!(
            hubspot.timeline_link("42", Some("62515")).as_deref(),
            Some("https://app.hubspot.com/contacts/62515/record/0-1/42")
        );
        assert_eq!(sandbox.timeline_link("4/2", None), None);
        let answer = super::super::api::HttpResponse {
            status: 200,
            headers: Vec::new(),
            body: r#"{"portalId":62515,"timeZone":"Europe/Oslo"}"#.into(),
        };
        assert_eq!(portal_of(&answer).as_deref(), Some("62515"));
    }
}
