//! Routes of the sandbox CRM: the HubSpot-compatible subset of
//! spec/crm-api.md (both the date-versioned and the v3 path forms) and
//! crmlog's own `/crmlog/v1/…` endpoints.

use super::faults::{Faults, Verdict};
use super::http::{Request, Response, percent_decode};
use super::inbox::{InboxError, InboxKind};
use super::store::{NewObject, OBJECT_TYPES, Object, StoreError};
use super::{Sandbox, correlation_id, now_rfc3339};
use crate::crm::api::{API_VERSION, BatchReadRequest, ObjectCreate, SearchRequest};
use serde_json::{Value, json};

/// The path of a request split into what the router needs.
#[derive(Debug, PartialEq)]
enum Route<'a> {
    Objects(&'a str, Vec<String>),
    AssociationsV4 {
        from_type: String,
        id: String,
        to_type: String,
    },
    Timeline,
    NeverLog,
    Inbox(InboxKind),
    Opens,
    Pixel(&'a str),
    Page,
    NotFound,
}

fn route(path: &str) -> Route<'_> {
    // The pixel path is matched on the raw path: its file name is an id.
    if let Some(file) = path.strip_prefix("/o/") {
        return Route::Pixel(file);
    }
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s, false))
        .collect();
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    match s.as_slice() {
        [] => Route::Page,
        ["crm", "objects", version, object, rest @ ..] if *version == API_VERSION => {
            object_route(object, rest)
        }
        ["crm", "v3", "objects", object, rest @ ..] => object_route(object, rest),
        [
            "crm",
            "associations",
            "v4",
            "objects",
            from,
            id,
            "associations",
            to,
        ] => Route::AssociationsV4 {
            from_type: from.to_string(),
            id: id.to_string(),
            to_type: to.to_string(),
        },
        ["crmlog", "v1", "timeline"] => Route::Timeline,
        ["crmlog", "v1", "never-log"] => Route::NeverLog,
        ["crmlog", "v1", "opens"] => Route::Opens,
        ["crmlog", "v1", "inbox", "bcc"] => Route::Inbox(InboxKind::Bcc),
        ["crmlog", "v1", "inbox", "forward"] => Route::Inbox(InboxKind::Forward),
        _ => Route::NotFound,
    }
}

fn object_route<'a>(object: &str, rest: &[&str]) -> Route<'a> {
    match OBJECT_TYPES.iter().find(|t| **t == object) {
        Some(t) => Route::Objects(t, rest.iter().map(|s| s.to_string()).collect()),
        None => Route::NotFound,
    }
}

/// HubSpot's 429 body (headers are added by the limiter).
pub fn rate_limit_error() -> Response {
    Response::json(
        429,
        &json!({"status": "error",
                "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT", "correlationId": correlation_id(),
                "policyName": "TEN_SECONDLY_ROLLING"}),
    )
}

/// HubSpot's error body.
pub fn error(status: u16, category: &str, message: &str) -> Response {
    let body = if status == 401 {
        json!({"status": "error", "message": message, "correlationId": correlation_id(),
               "category": category})
    } else {
        json!({"status": "error", "message": message, "correlationId": correlation_id(),
               "category": category, "errors": []})
    };
    Response::json(status, &body)
}

fn cors(mut r: Response) -> Response {
    // The extension's service worker has host permission for the sandbox
    // and is not subject to CORS; Firefox and extension pages may be, so
    // the API says so explicitly. A bearer token is still required.
    r.headers
        .push(("access-control-allow-origin".into(), "*".into()));
    r
}

/// Answers one request.
pub fn handle(sandbox: &Sandbox, req: &Request) -> Response {
    if req.method == "OPTIONS" {
        let mut r = Response::empty(204);
        r.headers.extend([
            ("access-control-allow-origin".into(), "*".into()),
            (
                "access-control-allow-methods".into(),
                "GET, POST, PUT, OPTIONS".into(),
            ),
            (
                "access-control-allow-headers".into(),
                "authorization, content-type".into(),
            ),
            ("access-control-max-age".into(), "600".into()),
        ]);
        return r;
    }
    let r = route(&req.path);
    if let Route::Pixel(file) = r {
        return pixel(sandbox, req, file);
    }
    if r == Route::Page {
        return if req.method == "GET" {
            super::page::render(sandbox)
        } else {
            error(405, "VALIDATION_ERROR", "method not allowed")
        };
    }
    if !authorized(sandbox, req) {
        return cors(error(
            401,
            "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 and private app access tokens.",
        ));
    }
    // crmlog's own endpoints are not HubSpot's API: mail reaches a real
    // CRM's BCC and forwarding inboxes by SMTP, outside the API's rate
    // limit, and injected faults are for testing API clients.
    let own = match r {
        Route::Timeline => Some(timeline(sandbox, req)),
        Route::NeverLog => Some(never_log(sandbox, req)),
        Route::Opens => Some(opens(sandbox, req)),
        Route::Inbox(kind) => Some(inbox(sandbox, req, kind)),
        _ => None,
    };
    if let Some(result) = own {
        return cors(result.unwrap_or_else(|e| {
            eprintln!("sandbox: {e}");
            error(
                500,
                "INTERNAL_ERROR",
                "the sandbox database failed; see its log",
            )
        }));
    }
    let (verdict, remaining) = sandbox.faults.admit();
    let rate_headers = sandbox.faults.headers(remaining);
    match verdict {
        Verdict::RateLimited(wait) => return cors(sandbox.faults.rate_limited(wait)),
        Verdict::Fail => {
            let mut r = error(
                500,
                "INTERNAL_ERROR",
                "injected fault: the sandbox failed this request",
            );
            r.headers.extend(rate_headers);
            return cors(r);
        }
        Verdict::Handle | Verdict::HandleThenDrop => {}
    }
    let result = match r {
        Route::Objects(object_type, rest) => objects(sandbox, req, object_type, &rest),
        Route::AssociationsV4 {
            from_type,
            id,
            to_type,
        } => associations(sandbox, req, &from_type, &id, &to_type),
        Route::Page
        | Route::NotFound
        | Route::Timeline
        | Route::NeverLog
        | Route::Inbox(_)
        | Route::Opens
        | Route::Pixel(_) => Ok(error(
            404,
            "OBJECT_NOT_FOUND",
            &format!("no such endpoint: {} {}", req.method, req.path),
        )),
    };
    let mut response = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sandbox: {e}");
            error(
                500,
                "INTERNAL_ERROR",
                "the sandbox database failed; see its log",
            )
        }
    };
    response.headers.extend(rate_headers);
    if verdict == Verdict::HandleThenDrop {
        response = Faults::drop_midway(response);
    }
    cors(response)
}

fn authorized(sandbox: &Sandbox, req: &Request) -> bool {
    req.header("authorization")
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .is_some_and(|t| t == sandbox.token)
}

fn parse_body<T: for<'de> serde::Deserialize<'de>>(req: &Request) -> Result<T, Response> {
    serde_json::from_slice(&req.body).map_err(|e| {
        error(
            400,
            "VALIDATION_ERROR",
            &format!(
                "Invalid input JSON on line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )
    })
}

fn properties_of(create: ObjectCreate) -> NewObject {
    let props = create
        .properties
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let assocs = create
        .associations
        .into_iter()
        .flat_map(|a| {
            let to = a.to.id;
            a.types
                .into_iter()
                .map(move |t| (to.clone(), t.type_id, t.category))
        })
        .collect();
    (props, assocs)
}

fn validate_create(object_type: &str, create: &ObjectCreate) -> Result<(), String> {
    match object_type {
        "emails" if !create.properties.contains_key("hs_timestamp") => {
            Err("Property \"hs_timestamp\" is required for emails".into())
        }
        "contacts" => match create.properties.get("email") {
            Some(e) if !crate::crm::log::is_plausible_address(e) => Err(format!(
                "Property values were not valid: \"{e}\" is not a valid email address"
            )),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

fn conflict(e: &StoreError) -> Option<Response> {
    match e {
        StoreError::Conflict { property, existing } => Some(error(
            409,
            "CONFLICT",
            &format!("An object with this {property} already exists. Existing ID: {existing}"),
        )),
        StoreError::Db(_) => None,
    }
}

fn objects(
    sandbox: &Sandbox,
    req: &Request,
    object_type: &str,
    rest: &[String],
) -> Result<Response, StoreError> {
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    match (req.method.as_str(), rest.as_slice()) {
        ("POST", []) => {
            let create: ObjectCreate = match parse_body(req) {
                Ok(c) => c,
                Err(r) => return Ok(r),
            };
            if let Err(m) = validate_create(object_type, &create) {
                return Ok(error(400, "VALIDATION_ERROR", &m));
            }
            match sandbox
                .store
                .create(object_type, vec![properties_of(create)], &now_rfc3339())
            {
                Ok(mut objs) => match objs.pop() {
                    Some(o) => Ok(Response::json(201, &o.to_json(&[]))),
                    None => Ok(error(500, "INTERNAL_ERROR", "nothing was created")),
                },
                Err(e) => conflict(&e).ok_or(e),
            }
        }
        ("GET", []) => {
            let limit = req
                .query("limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(10usize)
                .clamp(1, 100);
            let after = req
                .query("after")
                .and_then(|a| a.parse().ok())
                .unwrap_or(0i64);
            let props = wanted_properties(req);
            let page = sandbox.store.list(object_type, after, limit + 1)?;
            let more = page.len() > limit;
            let results: Vec<Value> = page.iter().take(limit).map(|o| o.to_json(&props)).collect();
            let mut body = json!({ "results": results });
            if more && let Some(last) = page.get(limit - 1) {
                body["paging"] = json!({"next": {"after": last.id}});
            }
            Ok(Response::json(200, &body))
        }
        ("GET", [id]) => {
            let found = if req.query("idProperty") == Some("email") && object_type == "contacts" {
                sandbox.store.contact_by_email(id)?
            } else {
                sandbox.store.get(object_type, id)?
            };
            Ok(match found {
                Some(o) => Response::json(200, &o.to_json(&wanted_properties(req))),
                None => error(404, "OBJECT_NOT_FOUND", "resource not found"),
            })
        }
        ("POST", ["search"]) => {
            let search: SearchRequest = match parse_body(req) {
                Ok(s) => s,
                Err(r) => return Ok(r),
            };
            if search.filter_groups.len() > 6 {
                return Ok(error(
                    400,
                    "VALIDATION_ERROR",
                    "at most 6 filter groups are allowed",
                ));
            }
            let mut groups = Vec::new();
            for g in &search.filter_groups {
                let mut filters = Vec::new();
                for f in &g.filters {
                    let values = match f.operator.as_str() {
                        "EQ" => f.value.clone().into_iter().collect(),
                        "IN" => f.values.clone().unwrap_or_default(),
                        other => {
                            return Ok(error(
                                400,
                                "VALIDATION_ERROR",
                                &format!(
                                    "operator {other} is not supported by the sandbox (EQ, IN)"
                                ),
                            ));
                        }
                    };
                    filters.push((f.property_name.clone(), values));
                }
                groups.push(filters);
            }
            let limit = search.limit.unwrap_or(10).clamp(1, 200) as usize;
            let (total, found) = sandbox.store.search(object_type, &groups, limit)?;
            let results: Vec<Value> = found
                .iter()
                .map(|o| o.to_json(&search.properties))
                .collect();
            Ok(Response::json(
                200,
                &json!({"total": total, "results": results}),
            ))
        }
        ("POST", ["batch", "read"]) => {
            let read: BatchReadRequest = match parse_body(req) {
                Ok(r) => r,
                Err(r) => return Ok(r),
            };
            let by_email = read.id_property.as_deref() == Some("email");
            if read.id_property.is_some() && !by_email {
                return Ok(error(
                    400,
                    "VALIDATION_ERROR",
                    "idProperty must be email or absent",
                ));
            }
            let mut results = Vec::new();
            let mut missing = Vec::new();
            for input in &read.inputs {
                let found: Option<Object> = if by_email && object_type == "contacts" {
                    sandbox.store.contact_by_email(&input.id)?
                } else {
                    sandbox.store.get(object_type, &input.id)?
                };
                match found {
                    Some(o) => results.push(o.to_json(&read.properties)),
                    None => missing.push(input.id.clone()),
                }
            }
            let mut body = json!({"status": "COMPLETE", "results": results});
            if missing.is_empty() {
                Ok(Response::json(200, &body))
            } else {
                body["errors"] = json!([{
                    "status": "error", "category": "OBJECT_NOT_FOUND",
                    "message": "Could not get some objects, they may be deleted or not exist.",
                    "context": {"ids": missing}
                }]);
                Ok(Response::json(207, &body))
            }
        }
        ("POST", ["batch", "create"]) => {
            let batch: crate::crm::api::BatchInput<ObjectCreate> = match parse_body(req) {
                Ok(b) => b,
                Err(r) => return Ok(r),
            };
            if batch.inputs.len() > 100 {
                return Ok(error(
                    400,
                    "VALIDATION_ERROR",
                    "a batch holds at most 100 inputs",
                ));
            }
            for (i, input) in batch.inputs.iter().enumerate() {
                if let Err(m) = validate_create(object_type, input) {
                    return Ok(error(400, "VALIDATION_ERROR", &format!("inputs[{i}]: {m}")));
                }
            }
            let items = batch.inputs.into_iter().map(properties_of).collect();
            match sandbox.store.create(object_type, items, &now_rfc3339()) {
                Ok(objs) => {
                    let results: Vec<Value> = objs.iter().map(|o| o.to_json(&[])).collect();
                    Ok(Response::json(
                        201,
                        &json!({"status": "COMPLETE", "results": results}),
                    ))
                }
                Err(e) => conflict(&e).ok_or(e),
            }
        }
        _ => Ok(error(
            404,
            "OBJECT_NOT_FOUND",
            &format!("no such endpoint: {} {}", req.method, req.path),
        )),
    }
}

fn wanted_properties(req: &Request) -> Vec<String> {
    req.query
        .iter()
        .filter(|(k, _)| k == "properties")
        .flat_map(|(_, v)| v.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect()
}

fn associations(
    sandbox: &Sandbox,
    req: &Request,
    from_type: &str,
    id: &str,
    to_type: &str,
) -> Result<Response, StoreError> {
    if req.method != "GET" {
        return Ok(error(405, "VALIDATION_ERROR", "method not allowed"));
    }
    if !OBJECT_TYPES.contains(&from_type) || !OBJECT_TYPES.contains(&to_type) {
        return Ok(error(400, "VALIDATION_ERROR", "unknown object type"));
    }
    let results: Vec<Value> = sandbox
        .store
        .associated(id, to_type)?
        .into_iter()
        .map(|(to_id, type_id)| {
            json!({"toObjectId": to_id.parse::<i64>().unwrap_or_default(),
                   "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": null}]})
        })
        .collect();
    Ok(Response::json(200, &json!({ "results": results })))
}

/// A contact's timeline: the contact and the emails associated with it,
/// newest first.
pub fn contact_timeline(
    sandbox: &Sandbox,
    email: &str,
) -> Result<Option<(Object, Vec<Object>)>, StoreError> {
    let Some(contact) = sandbox.store.contact_by_email(email)? else {
        return Ok(None);
    };
    let mut emails = Vec::new();
    for (id, _) in sandbox.store.associated(&contact.id, "emails")? {
        if let Some(e) = sandbox.store.get("emails", &id)? {
            emails.push(e);
        }
    }
    emails.sort_by(|a, b| {
        b.prop("hs_timestamp")
            .cmp(&a.prop("hs_timestamp"))
            .then(b.id.cmp(&a.id))
    });
    Ok(Some((contact, emails)))
}

fn timeline(sandbox: &Sandbox, req: &Request) -> Result<Response, StoreError> {
    let Some(email) = req.query("email") else {
        return Ok(error(
            400,
            "VALIDATION_ERROR",
            "query parameter email is required",
        ));
    };
    Ok(match contact_timeline(sandbox, email)? {
        None => error(404, "OBJECT_NOT_FOUND", "no contact with this email"),
        Some((contact, emails)) => Response::json(
            200,
            &json!({
                "contact": contact.to_json(&[]),
                "emails": emails.iter().map(|e| e.to_json(&[])).collect::<Vec<_>>(),
            }),
        ),
    })
}

/// A transparent 1×1 GIF: the open-tracking pixel's body.
const PIXEL_GIF: [u8; 43] = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// `GET /o/<id>.gif` (spec/tracking.md, carrier 3): the open-tracking
/// pixel. No token: a recipient's mail client fetches it. Each fetch of a
/// well-formed id is recorded; the response is never cached, so each open
/// reaches the sandbox.
fn pixel(sandbox: &Sandbox, req: &Request, file: &str) -> Response {
    let id = file
        .strip_suffix(".gif")
        .and_then(|id| crate::tracking::TrackingId::parse(id).ok());
    let Some(id) = id.filter(|_| req.method == "GET" || req.method == "HEAD") else {
        return error(404, "OBJECT_NOT_FOUND", "no such pixel");
    };
    if let Err(e) = sandbox.store.record_open(id.as_str(), &now_rfc3339()) {
        // The image is served anyway: a mail client must not show a
        // broken image because the sandbox could not count.
        eprintln!("sandbox: recording an open failed: {e}");
    }
    Response {
        status: 200,
        headers: vec![
            ("content-type".into(), "image/gif".into()),
            ("cache-control".into(), "no-store, max-age=0".into()),
        ],
        body: PIXEL_GIF.to_vec(),
        delivery: super::http::Delivery::Normal,
    }
}

/// `GET /crmlog/v1/opens?tracking_id=<id>`: how often the pixel of that
/// email was fetched, and when last.
fn opens(sandbox: &Sandbox, req: &Request) -> Result<Response, StoreError> {
    let Some(id) = req
        .query("tracking_id")
        .and_then(|id| crate::tracking::TrackingId::parse(id).ok())
    else {
        return Ok(error(
            400,
            "VALIDATION_ERROR",
            "query parameter tracking_id must be a tracking id (crml-…)",
        ));
    };
    let (count, last) = sandbox.store.opens(id.as_str())?;
    Ok(Response::json(
        200,
        &json!({"tracking_id": id.as_str(), "opens": count, "last_open": last}),
    ))
}

/// HubSpot's VALIDATION_ERROR with one entry per problem in `errors`.
fn validation_error(message: &str, errors: Vec<Value>) -> Response {
    Response::json(
        400,
        &json!({"status": "error", "message": message, "correlationId": correlation_id(),
                "category": "VALIDATION_ERROR", "errors": errors}),
    )
}

/// `GET /crmlog/v1/never-log`: the team's list as text, one entry a line.
/// `PUT`: replaces it, after the policy's parser has read every line (N1:
/// a list with a bad entry is not saved in part).
fn never_log(sandbox: &Sandbox, req: &Request) -> Result<Response, StoreError> {
    match req.method.as_str() {
        "GET" => {
            let text = super::account::never_log_text(&sandbox.store)?;
            Ok(Response {
                status: 200,
                headers: vec![("content-type".into(), "text/plain;charset=utf-8".into())],
                body: text.into_bytes(),
                delivery: super::http::Delivery::Normal,
            })
        }
        "PUT" => {
            let Ok(text) = std::str::from_utf8(&req.body) else {
                return Ok(validation_error(
                    "The never-log list must be UTF-8 text, one entry a line.",
                    Vec::new(),
                ));
            };
            match super::account::save_never_log(&sandbox.store, text)? {
                Ok(entries) => Ok(Response::json(
                    200,
                    &json!({"status": "saved", "entries": entries}),
                )),
                Err(list) => {
                    let errors = list
                        .errors
                        .iter()
                        .map(|e| {
                            json!({"message": format!("{:?} is not a never-log entry: it {} (an address, a domain or *.domain)", e.entry, e.problem),
                                   "code": "INVALID_NEVER_LOG_ENTRY",
                                   "in": format!("line {}", e.line)})
                        })
                        .collect();
                    Ok(validation_error(&list.to_string(), errors))
                }
            }
        }
        _ => Ok(error(405, "VALIDATION_ERROR", "method not allowed")),
    }
}

/// `POST /crmlog/v1/inbox/{bcc,forward}`: a raw RFC 5322 message, decided
/// and logged as the CRM's BCC or forwarding inbox would (rules B, F, A).
/// The answer is the decision with `email_id` and `already_logged`.
fn inbox(sandbox: &Sandbox, req: &Request, kind: InboxKind) -> Result<Response, StoreError> {
    if req.method != "POST" {
        return Ok(error(405, "VALIDATION_ERROR", "method not allowed"));
    }
    if req.body.is_empty() {
        return Ok(validation_error(
            "The request body must be a raw RFC 5322 message.",
            Vec::new(),
        ));
    }
    // A4/A5: the user logged in to the extension when it sent the message
    // through the BCC address, when the caller knows it.
    let extension_user = req
        .query("extension_user")
        .filter(|u| !u.is_empty())
        .map(str::to_string);
    if extension_user.is_some() && kind == InboxKind::Forward {
        return Ok(validation_error(
            "extension_user applies to the BCC inbox only (rules A4, A5).",
            Vec::new(),
        ));
    }
    match super::inbox::ingest(
        &sandbox.store,
        &sandbox.accounts,
        kind,
        &req.body,
        extension_user,
        &now_rfc3339(),
    ) {
        Ok(done) => {
            let created = done.email_id.is_some() && !done.already_logged;
            let mut r = Response::json(if created { 201 } else { 200 }, &Value::Null);
            r.body = done.to_json().into_bytes();
            Ok(r)
        }
        Err(InboxError::Input(e)) => Ok(validation_error(
            &format!("The message could not be decided: {e}"),
            vec![json!({"message": e.message, "code": "INVALID_INPUT", "in": e.path})],
        )),
        Err(InboxError::Account(e)) => {
            eprintln!("sandbox: {e}");
            Ok(error(500, "INTERNAL_ERROR", &e.to_string()))
        }
        Err(InboxError::Store(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_path_forms_route_alike() {
        assert_eq!(
            route("/crm/objects/2026-03/emails"),
            Route::Objects("emails", vec![])
        );
        assert_eq!(
            route("/crm/v3/objects/emails"),
            Route::Objects("emails", vec![])
        );
        assert_eq!(
            route("/crm/v3/objects/contacts/batch/read"),
            Route::Objects("contacts", vec!["batch".into(), "read".into()])
        );
        assert_eq!(route("/crm/objects/2025-01/emails"), Route::NotFound);
        assert_eq!(route("/crm/v3/objects/tickets"), Route::NotFound);
        assert_eq!(
            route("/crm/associations/v4/objects/contacts/12/associations/emails"),
            Route::AssociationsV4 {
                from_type: "contacts".into(),
                id: "12".into(),
                to_type: "emails".into()
            }
        );
        assert_eq!(route("/"), Route::Page);
        assert_eq!(route("/crmlog/v1/never-log"), Route::NeverLog);
        assert_eq!(route("/crmlog/v1/inbox/bcc"), Route::Inbox(InboxKind::Bcc));
        assert_eq!(
            route("/crmlog/v1/inbox/forward"),
            Route::Inbox(InboxKind::Forward)
        );
    }
}
