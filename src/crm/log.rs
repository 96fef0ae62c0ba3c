//! One logging request becomes a short conversation with the CRM. The
//! conversation is a state machine without I/O ("sans-IO"): it hands out the
//! next [`HttpRequest`] and is fed the [`HttpResponse`], so the browser
//! (fetch, async) and native code (blocking HTTP) drive the same logic.
//!
//! Order of calls, each chosen so that a retry of the whole job after any
//! failure is safe:
//! 1. search emails by tracking id: a copy from an earlier, uncertain
//!    attempt means we are done (exactly-once without an idempotency key);
//! 2. read the timeline contacts by email in one batch;
//! 3. create the missing ones in one batch (a 409 means another writer
//!    created one meanwhile: read again);
//! 4. for contacts that existed before (rule O6), read their primary
//!    company and their deals (associations v4), and the deals' state and
//!    creation time in one batch, keeping the five most recently created
//!    open deals per contact;
//! 5. create the email with its associations and the tracking id.

use super::api::{
    API_VERSION, Association, AssociationResults, BatchInput, BatchReadRequest, BatchResult,
    EMAIL_TO_COMPANY, EMAIL_TO_CONTACT, EMAIL_TO_DEAL, ErrorBody, Filter, FilterGroup, HeaderParty,
    HttpRequest, HttpResponse, Method, ObjectCreate, ObjectRef, SearchRequest, SearchResult,
    TRACKING_PROPERTY, objects_path,
};
use crate::policy::Direction;
use crate::tracking::TrackingId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A person in a logging request: address and optional display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Email address as typed.
    pub address: String,
    /// Display name, when the compose showed one.
    #[serde(default)]
    pub name: Option<String>,
}

/// What the extension hands to the outbox when a message with Log on is
/// sent. Built in the content script from the compose window; the service
/// worker decides and sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogRequest {
    /// The message's tracking id (spec/tracking.md).
    pub tracking_id: String,
    /// The sending user's address.
    pub from: Party,
    /// To recipients.
    #[serde(default)]
    pub to: Vec<Party>,
    /// Cc recipients.
    #[serde(default)]
    pub cc: Vec<Party>,
    /// Bcc recipients.
    #[serde(default)]
    pub bcc: Vec<Party>,
    /// Subject line.
    #[serde(default)]
    pub subject: String,
    /// Plain-text body.
    #[serde(default)]
    pub text: String,
    /// HTML body.
    #[serde(default)]
    pub html: String,
    /// Send time, RFC 3339.
    pub sent_at: String,
    /// Sent by the user (`EMAIL`, the default) or received and logged by
    /// hand (`INCOMING_EMAIL`, rule M2).
    #[serde(default)]
    pub direction: Direction,
}

/// Why a logging request is not well formed. Names the field, never the
/// private value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRequest {
    /// The offending field, e.g. `to[1].address`.
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

impl std::fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for InvalidRequest {}

/// A syntactic check of an address: one `@` with text on both sides and no
/// white space. Deliverability is the mail provider's business.
pub fn is_plausible_address(address: &str) -> bool {
    let a = address.trim();
    match a.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !a.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

impl LogRequest {
    /// Checks the fields the CRM relies on.
    pub fn validate(&self) -> Result<(), InvalidRequest> {
        TrackingId::parse(&self.tracking_id).map_err(|e| InvalidRequest {
            field: "tracking_id".into(),
            problem: e.to_string(),
        })?;
        if !is_plausible_address(&self.from.address) {
            return Err(InvalidRequest {
                field: "from.address".into(),
                problem: "not an email address".into(),
            });
        }
        for (list, parties) in [("to", &self.to), ("cc", &self.cc), ("bcc", &self.bcc)] {
            for (i, p) in parties.iter().enumerate() {
                if !is_plausible_address(&p.address) {
                    return Err(InvalidRequest {
                        field: format!("{list}[{i}].address"),
                        problem: "not an email address".into(),
                    });
                }
            }
        }
        if self.to.is_empty() && self.cc.is_empty() && self.bcc.is_empty() {
            return Err(InvalidRequest {
                field: "to".into(),
                problem: "no recipients".into(),
            });
        }
        Ok(())
    }

    /// Every recipient, To then Cc then Bcc, in order.
    pub fn recipients(&self) -> impl Iterator<Item = &Party> {
        self.to.iter().chain(&self.cc).chain(&self.bcc)
    }

    fn name_of(&self, address: &str) -> Option<&str> {
        // The sender too: a received message logged by hand (M2) goes to
        // the sender's timeline.
        std::iter::once(&self.from)
            .chain(self.recipients())
            .find(|p| normalize(&p.address) == address)
            .and_then(|p| p.name.as_deref())
    }
}

/// Lower-cases and trims an address, the form the CRM keys contacts by.
pub fn normalize(address: &str) -> String {
    address.trim().to_lowercase()
}

/// What the CRM confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    /// The email engagement's id.
    pub email_id: String,
    /// Contact ids the email is associated with.
    pub contact_ids: Vec<String>,
    /// True when an earlier attempt had already created the email.
    pub already_logged: bool,
}

/// Why the job stopped without a confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogError {
    /// The CRM answered with an error status.
    Http {
        /// Status code.
        status: u16,
        /// The CRM's message, or the status line when the body had none.
        message: String,
        /// The CRM's category (`VALIDATION_ERROR`, `RATE_LIMIT`, …).
        category: Option<String>,
        /// How long the CRM asked to wait (429), in ms: `Retry-After`, else
        /// HubSpot's rate-limit interval.
        retry_after_ms: Option<u64>,
    },
    /// A 2xx answer whose body we could not read.
    BadResponse(String),
    /// A confirmation job ([`LogJob::confirming`]) found no email with the
    /// tracking id yet.
    NotYet,
}

impl std::fmt::Display for LogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LogError::Http {
                status, message, ..
            } => write!(f, "the CRM answered {status}: {message}"),
            LogError::BadResponse(what) => write!(f, "unreadable answer from the CRM: {what}"),
            LogError::NotYet => write!(f, "the CRM has not logged the email yet"),
        }
    }
}

/// The next thing the driver must do.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Send this request and feed the response to [`LogJob::on_response`].
    Send(HttpRequest),
    /// Finished.
    Done(Result<Logged, LogError>),
}

#[derive(Clone, Debug, PartialEq)]
enum State {
    SearchExisting,
    ReadContacts {
        reread: bool,
    },
    CreateContacts,
    /// Reading the associations of an existing contact.
    Associations {
        contact: String,
        kind: AssociationKind,
    },
    ReadDeals,
    CreateEmail,
    Finished,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AssociationKind {
    Companies,
    Deals,
}

/// How many open deals per contact an email is associated with (O6).
pub const DEALS_PER_CONTACT: usize = 5;

/// The conversation for one logging request.
#[derive(Clone, Debug)]
pub struct LogJob {
    request: LogRequest,
    timeline: Vec<String>,
    /// Address → contact id.
    contacts: BTreeMap<String, String>,
    /// Contacts that existed before this job (O6 applies to them only).
    existing: BTreeSet<String>,
    /// Association reads still to make.
    lookups: Vec<(String, AssociationKind)>,
    companies: BTreeSet<String>,
    /// Contact id → its deal ids.
    deals_of: BTreeMap<String, Vec<String>>,
    deals: BTreeSet<String>,
    state: State,
    /// Only search by tracking id: the email went to the CRM's BCC inbox
    /// (spec/tracking.md carrier 4), which logs it itself.
    confirm_only: bool,
}

impl LogJob {
    /// A job logging `request` to the timelines of `timeline` (addresses,
    /// normalised here; the decision engine chose them). Missing contacts
    /// among them are created.
    pub fn new(request: LogRequest, timeline: impl IntoIterator<Item = String>) -> LogJob {
        let timeline: BTreeSet<String> = timeline.into_iter().map(|a| normalize(&a)).collect();
        LogJob {
            request,
            timeline: timeline.into_iter().collect(),
            contacts: BTreeMap::new(),
            existing: BTreeSet::new(),
            lookups: Vec::new(),
            companies: BTreeSet::new(),
            deals_of: BTreeMap::new(),
            deals: BTreeSet::new(),
            state: State::SearchExisting,
            confirm_only: false,
        }
    }

    /// This job as a confirmation only: it searches by tracking id and ends
    /// there, with the email found or [`LogError::NotYet`]; it never
    /// creates anything (the CRM's BCC inbox logs the email).
    pub fn confirming(mut self) -> LogJob {
        self.confirm_only = true;
        self
    }

    /// The first request.
    pub fn start(&mut self) -> Step {
        self.state = State::SearchExisting;
        let search = SearchRequest {
            filter_groups: vec![FilterGroup {
                filters: vec![Filter {
                    property_name: TRACKING_PROPERTY.into(),
                    operator: "EQ".into(),
                    value: Some(self.request.tracking_id.clone()),
                    values: None,
                }],
            }],
            properties: vec![TRACKING_PROPERTY.into()],
            limit: Some(1),
        };
        Step::Send(post(format!("{}/search", objects_path("emails")), &search))
    }

    /// Feeds the answer to the last request and returns the next step.
    pub fn on_response(&mut self, response: &HttpResponse) -> Step {
        let state = std::mem::replace(&mut self.state, State::Finished);
        match state {
            State::SearchExisting => {
                let found: SearchResult = match parse_ok(response) {
                    Ok(r) => r,
                    Err(e) => return Step::Done(Err(e)),
                };
                if let Some(first) = found.results.first() {
                    return Step::Done(Ok(Logged {
                        email_id: first.id.clone(),
                        contact_ids: Vec::new(),
                        already_logged: true,
                    }));
                }
                if self.confirm_only {
                    return Step::Done(Err(LogError::NotYet));
                }
                self.read_contacts(false)
            }
            State::ReadContacts { reread } => {
                // A batch read answers 207 with `errors` for ids not found.
                let batch: BatchResult = match parse_ok(response) {
                    Ok(r) => r,
                    Err(e) => return Step::Done(Err(e)),
                };
                for c in batch.results {
                    if let Some(email) = c.property("email") {
                        self.contacts.insert(normalize(email), c.id.clone());
                        // Found by a read: it existed before this job.
                        self.existing.insert(c.id.clone());
                    }
                }
                let missing = self.missing();
                if missing.is_empty() {
                    self.start_lookups()
                } else if reread {
                    // After a 409 the contact must exist; if it still does not,
                    // the CRM contradicts itself and retrying later is right.
                    Step::Done(Err(LogError::BadResponse(
                        "a contact reported as existing could not be read".into(),
                    )))
                } else {
                    self.create_contacts(missing)
                }
            }
            State::CreateContacts => {
                if response.status == 409 {
                    // Someone created one of them meanwhile: read, then go on.
                    return self.read_contacts(true);
                }
                let batch: BatchResult = match parse_ok(response) {
                    Ok(r) => r,
                    Err(e) => return Step::Done(Err(e)),
                };
                for c in batch.results {
                    if let Some(email) = c.property("email") {
                        self.contacts.insert(normalize(email), c.id.clone());
                    }
                }
                if self.missing().is_empty() {
                    self.start_lookups()
                } else {
                    self.read_contacts(true)
                }
            }
            State::Associations { contact, kind } => {
                let found: AssociationResults = match parse_ok(response) {
                    Ok(r) => r,
                    Err(e) => return Step::Done(Err(e)),
                };
                match kind {
                    AssociationKind::Companies => {
                        // The primary company (HubSpot's type 1, "Primary"),
                        // else the only one; several without a primary: none
                        // is the contact's company.
                        let primary = found
                            .results
                            .iter()
                            .find(|r| r.association_types.iter().any(|t| t.type_id == 1))
                            .or(match found.results.as_slice() {
                                [only] => Some(only),
                                _ => None,
                            });
                        if let Some(p) = primary {
                            self.companies.insert(p.to_object_id.to_string());
                        }
                    }
                    AssociationKind::Deals => {
                        let ids: Vec<String> = found
                            .results
                            .iter()
                            .map(|r| r.to_object_id.to_string())
                            .collect();
                        self.deals_of.insert(contact, ids);
                    }
                }
                self.next_lookup()
            }
            State::ReadDeals => {
                let batch: BatchResult = match parse_ok(response) {
                    Ok(r) => r,
                    Err(e) => return Step::Done(Err(e)),
                };
                self.pick_deals(&batch.results);
                self.create_email()
            }
            State::CreateEmail => {
                if response.status == 409 {
                    // The tracking-id property is unique: a concurrent or
                    // earlier attempt won. Find its copy instead of failing.
                    return self.start();
                }
                let created: super::api::CrmObject = match parse_ok(response) {
                    Ok(r) => r,
                    Err(e) => return Step::Done(Err(e)),
                };
                Step::Done(Ok(Logged {
                    email_id: created.id,
                    contact_ids: self.timeline_contact_ids(),
                    already_logged: false,
                }))
            }
            State::Finished => Step::Done(Err(LogError::BadResponse(
                "a response arrived after the job finished".into(),
            ))),
        }
    }

    fn start_lookups(&mut self) -> Step {
        let existing: Vec<String> = self
            .timeline_contact_ids()
            .into_iter()
            .filter(|id| self.existing.contains(id))
            .collect();
        // Popped from the end: companies then deals, contact by contact.
        self.lookups = existing
            .iter()
            .rev()
            .flat_map(|id| {
                [
                    (id.clone(), AssociationKind::Deals),
                    (id.clone(), AssociationKind::Companies),
                ]
            })
            .collect();
        self.next_lookup()
    }

    fn next_lookup(&mut self) -> Step {
        match self.lookups.pop() {
            Some((contact, kind)) => {
                let to = match kind {
                    AssociationKind::Companies => "companies",
                    AssociationKind::Deals => "deals",
                };
                let path =
                    format!("/crm/associations/v4/objects/contacts/{contact}/associations/{to}");
                self.state = State::Associations { contact, kind };
                Step::Send(HttpRequest {
                    method: Method::Get,
                    path,
                    body: None,
                })
            }
            None => {
                let all: BTreeSet<&String> = self.deals_of.values().flatten().collect();
                if all.is_empty() {
                    return self.create_email();
                }
                self.state = State::ReadDeals;
                let body = BatchReadRequest {
                    id_property: None,
                    inputs: all
                        .into_iter()
                        .map(|id| ObjectRef { id: id.clone() })
                        .collect(),
                    properties: vec!["hs_is_closed".into(), "createdate".into()],
                };
                Step::Send(post(format!("{}/batch/read", objects_path("deals")), &body))
            }
        }
    }

    /// O6: per contact, the five most recently created open deals (ties:
    /// lower id first), merged.
    fn pick_deals(&mut self, deals: &[super::api::CrmObject]) {
        let by_id: BTreeMap<&str, &super::api::CrmObject> =
            deals.iter().map(|d| (d.id.as_str(), d)).collect();
        for ids in self.deals_of.values() {
            let mut open: Vec<(&str, &str)> = ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()))
                .filter(|d| d.property("hs_is_closed") != Some("true"))
                .map(|d| (d.id.as_str(), d.property("createdate").unwrap_or("")))
                .collect();
            // Newest first; equal times by id, numerically when both are.
            open.sort_by(|a, b| {
                b.1.cmp(a.1)
                    .then_with(|| match (a.0.parse::<u64>(), b.0.parse::<u64>()) {
                        (Ok(x), Ok(y)) => x.cmp(&y),
                        _ => a.0.cmp(b.0),
                    })
            });
            self.deals.extend(
                open.into_iter()
                    .take(DEALS_PER_CONTACT)
                    .map(|(id, _)| id.to_string()),
            );
        }
    }

    fn missing(&self) -> Vec<String> {
        self.timeline
            .iter()
            .filter(|a| !self.contacts.contains_key(*a))
            .cloned()
            .collect()
    }

    fn timeline_contact_ids(&self) -> Vec<String> {
        self.timeline
            .iter()
            .filter_map(|a| self.contacts.get(a).cloned())
            .collect()
    }

    fn read_contacts(&mut self, reread: bool) -> Step {
        if self.timeline.is_empty() {
            return self.create_email();
        }
        self.state = State::ReadContacts { reread };
        Step::Send(read_contacts(&self.timeline))
    }

    fn create_contacts(&mut self, missing: Vec<String>) -> Step {
        self.state = State::CreateContacts;
        let inputs = missing
            .iter()
            .map(|address| {
                let party = HeaderParty::new(address, self.request.name_of(address));
                let mut properties = BTreeMap::new();
                properties.insert("email".to_string(), address.clone());
                if let Some(f) = party.first_name {
                    properties.insert("firstname".to_string(), f);
                }
                if let Some(l) = party.last_name {
                    properties.insert("lastname".to_string(), l);
                }
                ObjectCreate {
                    properties,
                    associations: Vec::new(),
                }
            })
            .collect();
        Step::Send(post(
            format!("{}/batch/create", objects_path("contacts")),
            &BatchInput { inputs },
        ))
    }

    fn create_email(&mut self) -> Step {
        self.state = State::CreateEmail;
        let r = &self.request;
        let party = |p: &Party| HeaderParty::new(&normalize(&p.address), p.name.as_deref());
        let headers = super::api::EmailHeaders {
            from: party(&r.from),
            to: r.to.iter().map(party).collect(),
            cc: r.cc.iter().map(party).collect(),
            bcc: r.bcc.iter().map(party).collect(),
        };
        let mut properties = BTreeMap::new();
        let mut set = |k: &str, v: String| {
            properties.insert(k.to_string(), v);
        };
        set("hs_timestamp", r.sent_at.clone());
        set("hs_email_direction", r.direction.as_str().into());
        set("hs_email_status", "SENT".into());
        set("hs_email_subject", r.subject.clone());
        set("hs_email_text", r.text.clone());
        set("hs_email_html", r.html.clone());
        set(
            "hs_email_headers",
            serde_json::to_string(&headers).unwrap_or_default(),
        );
        set(TRACKING_PROPERTY, r.tracking_id.clone());
        let associations = self
            .timeline_contact_ids()
            .iter()
            .map(|id| Association::hubspot_defined(id, EMAIL_TO_CONTACT))
            .chain(
                self.companies
                    .iter()
                    .map(|id| Association::hubspot_defined(id, EMAIL_TO_COMPANY)),
            )
            .chain(
                self.deals
                    .iter()
                    .map(|id| Association::hubspot_defined(id, EMAIL_TO_DEAL)),
            )
            .collect();
        Step::Send(post(
            objects_path("emails"),
            &ObjectCreate {
                properties,
                associations,
            },
        ))
    }
}

/// The batch read of contacts by address (`idProperty=email`): the log
/// job's first step, and the service worker's question "is this reply's
/// sender a contact?" (R5).
pub fn read_contacts(addresses: &[String]) -> HttpRequest {
    let body = BatchReadRequest {
        id_property: Some("email".into()),
        inputs: addresses
            .iter()
            .map(|a| ObjectRef { id: a.clone() })
            .collect(),
        properties: vec!["email".into(), "firstname".into(), "lastname".into()],
    };
    post(format!("{}/batch/read", objects_path("contacts")), &body)
}

/// The addresses (normalised) of the contacts a [`read_contacts`] answer
/// found; a 207 lists the others under `errors`.
pub fn contacts_found(response: &HttpResponse) -> Result<Vec<String>, LogError> {
    let batch: BatchResult = parse_ok(response)?;
    Ok(batch
        .results
        .iter()
        .filter_map(|c| c.property("email").map(normalize))
        .collect())
}

fn post<T: Serialize>(path: String, body: &T) -> HttpRequest {
    HttpRequest {
        method: Method::Post,
        path,
        // Serialising these plain structs cannot fail; an empty body would
        // be refused by the CRM with a readable 400 rather than panic here.
        body: Some(serde_json::to_string(body).unwrap_or_default()),
    }
}

fn parse_ok<T: for<'de> Deserialize<'de>>(response: &HttpResponse) -> Result<T, LogError> {
    if !(200..300).contains(&response.status) {
        return Err(http_error(response));
    }
    serde_json::from_str(&response.body).map_err(|e| LogError::BadResponse(e.to_string()))
}

/// Turns an error response into a [`LogError`], reading HubSpot's error
/// shape when the body has it.
pub fn http_error(response: &HttpResponse) -> LogError {
    let parsed: Option<ErrorBody> = serde_json::from_str(&response.body).ok();
    let retry_after_ms = if response.status == 429 {
        super::outbox::rate_limit_wait_ms(&response.headers)
    } else {
        None
    };
    LogError::Http {
        status: response.status,
        message: parsed
            .as_ref()
            .map(|b| b.message.clone())
            .unwrap_or_else(|| format!("HTTP {}", response.status)),
        category: parsed.and_then(|b| b.category.or(b.error_type)),
        retry_after_ms,
    }
}

/// The API version this job speaks, for diagnostics.
pub fn api_version() -> &'static str {
    API_VERSION
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> LogRequest {
        LogRequest {
            tracking_id: "crml-5knz5jl7dedbbq6rwxvrobvw5m".into(),
            from: Party {
                address: "anna@acme.example".into(),
                name: Some("Anna K".into()),
            },
            to: vec![Party {
                address: "Bob@Client.example".into(),
                name: Some("Bob Jones".into()),
            }],
            cc: vec![],
            bcc: vec![],
            subject: "Offer".into(),
            text: "Hi".into(),
            html: "<p>Hi</p>".into(),
            sent_at: "2026-11-23T10:00:00Z".into(),
            direction: Default::default(),
        }
    }

    fn ok(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.into(),
        }
    }

    #[test]
    fn validate_names_the_field() {
        let mut r = request();
        assert!(r.validate().is_ok());
        r.to[0].address = "bob at client".into();
        assert_eq!(r.validate().unwrap_err().field, "to[0].address");
        r.to.clear();
        assert_eq!(r.validate().unwrap_err().field, "to");
        let mut r = request();
        r.tracking_id = "nope".into();
        assert_eq!(r.validate().unwrap_err().field, "tracking_id");
    }

    #[test]
    fn full_conversation_creates_contact_then_email() {
        let mut job = LogJob::new(request(), ["Bob@Client.example".to_string()]);
        let Step::Send(search) = job.start() else {
            panic!("expected a search")
        };
        assert!(search.path.ends_with("/emails/search"));
        let Step::Send(read) = job.on_response(&ok(200, r#"{"total":0,"results":[]}"#)) else {
            panic!("expected a read")
        };
        assert!(read.body.unwrap().contains("bob@client.example"));
        let Step::Send(create) = job.on_response(&ok(
            207,
            r#"{"status":"COMPLETE","results":[],"errors":[{"message":"not found"}]}"#,
        )) else {
            panic!("expected a create")
        };
        let body = create.body.unwrap();
        assert!(body.contains(r#""firstname":"Bob""#), "{body}");
        let Step::Send(email) = job.on_response(&ok(
            201,
            r#"{"status":"COMPLETE","results":[{"id":"7","properties":{"email":"bob@client.example"}}]}"#,
        )) else {
            panic!("expected the email")
        };
        let body = email.body.unwrap();
        assert!(body.contains(r#""associationTypeId":198"#));
        assert!(body.contains(r#""crmlog_tracking_id":"crml-5knz5jl7dedbbq6rwxvrobvw5m""#));
        let done = job.on_response(&ok(201, r#"{"id":"99","properties":{}}"#));
        assert_eq!(
            done,
            Step::Done(Ok(Logged {
                email_id: "99".into(),
                contact_ids: vec!["7".into()],
                already_logged: false
            }))
        );
    }

    #[test]
    fn existing_copy_ends_the_job() {
        let mut job = LogJob::new(request(), ["bob@client.example".to_string()]);
        job.start();
        let done = job.on_response(&ok(
            200,
            r#"{"total":1,"results":[{"id":"42","properties":{}}]}"#,
        ));
        assert!(matches!(
            done,
            Step::Done(Ok(Logged {
                already_logged: true,
                ..
            }))
        ));
    }

    #[test]
    fn errors_carry_hubspot_fields() {
        let mut job = LogJob::new(request(), ["bob@client.example".to_string()]);
        job.start();
        let resp = HttpResponse {
            status: 429,
            headers: vec![("retry-after".into(), "3".into())],
            body: r#"{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c1","policyName":"TEN_SECONDLY_ROLLING"}"#.into(),
        };
        match job.on_response(&resp) {
            Step::Done(Err(LogError::Http {
                status,
                category,
                retry_after_ms,
                ..
            })) => {
                assert_eq!(status, 429);
                assert_eq!(category.as_deref(), Some("RATE_LIMIT"));
                assert_eq!(retry_after_ms, Some(3000));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
