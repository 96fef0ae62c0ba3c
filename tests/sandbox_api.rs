//! The CRM client against the sandbox CRM over loopback: the logging job
//! end to end, idempotent retries, HubSpot's error shapes, both path forms.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use crmlog::crm::api::HttpRequest;
use crmlog::crm::log::{LogError, LogJob, LogRequest, Party};
use crmlog::crm::transport::{HttpTransport, JobEnd, Transport, drive};
use crmlog::sandbox::Sandbox;
use std::net::TcpListener;

struct Running {
    url: String,
    _dir: tempfile::TempDir,
    _server: crmlog::sandbox::http::Server,
}

fn sandbox(token: &str) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let sb = Sandbox::open(&dir.path().join("crm.db"), Some(token)).unwrap();
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let server = sb.serve(listener).unwrap();
    Running {
        url: format!("http://127.0.0.1:{}", server.port()),
        _dir: dir,
        _server: server,
    }
}

fn request(id: &str) -> LogRequest {
    LogRequest {
        tracking_id: id.into(),
        from: Party {
            address: "anna@acme.example".into(),
            name: Some("Anna K".into()),
        },
        to: vec![Party {
            address: "bob@client.example".into(),
            name: Some("Bob Jones".into()),
        }],
        cc: vec![Party {
            address: "carl@client.example".into(),
            name: None,
        }],
        bcc: vec![],
        subject: "Offer".into(),
        text: "Hello".into(),
        html: "<p>Hello</p>".into(),
        sent_at: "2026-11-23T10:00:00Z".into(),
        direction: Default::default(),
    }
}

const ID: &str = "crml-5knz5jl7dedbbq6rwxvrobvw5m";

#[test]
fn logging_job_creates_contacts_and_one_email_and_a_retry_finds_it() {
    let sb = sandbox("t0ken");
    let mut http = HttpTransport::new(&sb.url, "t0ken");
    let timeline = [
        "bob@client.example".to_string(),
        "carl@client.example".to_string(),
    ];
    let mut job = LogJob::new(request(ID), timeline.clone());
    let JobEnd::Logged(first) = drive(&mut job, &mut http) else {
        panic!("not logged")
    };
    assert!(!first.already_logged);
    assert_eq!(first.contact_ids.len(), 2);

    // A retry after an uncertain failure (same tracking id) finds the copy.
    let mut again = LogJob::new(request(ID), timeline);
    let JobEnd::Logged(second) = drive(&mut again, &mut http) else {
        panic!("not logged")
    };
    assert!(second.already_logged);
    assert_eq!(second.email_id, first.email_id);

    // Exactly one email, associated with both contacts, headers as sent.
    let list = http
        .send(&HttpRequest {
            method: crmlog::crm::api::Method::Get,
            path: "/crm/v3/objects/emails?limit=100".into(),
            body: None,
        })
        .unwrap();
    let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(list["results"].as_array().unwrap().len(), 1);
    let headers: serde_json::Value = serde_json::from_str(
        list["results"][0]["properties"]["hs_email_headers"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(headers["to"][0]["email"], "bob@client.example");
    assert_eq!(headers["to"][0]["firstName"], "Bob");
    for contact in &first.contact_ids {
        let a = http
            .send(&HttpRequest {
                method: crmlog::crm::api::Method::Get,
                path: format!(
                    "/crm/associations/v4/objects/contacts/{contact}/associations/emails"
                ),
                body: None,
            })
            .unwrap();
        let a: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        assert_eq!(a["results"][0]["toObjectId"].to_string(), first.email_id);
        assert_eq!(a["results"][0]["associationTypes"][0]["typeId"], 198);
    }
}

#[test]
fn existing_contacts_are_reused() {
    let sb = sandbox("t");
    let mut http = HttpTransport::new(&sb.url, "t");
    let ids = [
        "crml-aaaaaaaaaaaaaaaaaaaaaaaaaa",
        "crml-baaaaaaaaaaaaaaaaaaaaaaaaa",
    ];
    let mut contacts = Vec::new();
    for id in ids {
        let mut job = LogJob::new(request(id), ["Bob@Client.example".to_string()]);
        let JobEnd::Logged(l) = drive(&mut job, &mut http) else {
            panic!()
        };
        contacts.push(l.contact_ids);
    }
    assert_eq!(
        contacts[0], contacts[1],
        "the second email found Bob's contact"
    );
}

#[test]
fn wrong_token_gets_hubspots_401_shape() {
    let sb = sandbox("right");
    let mut http = HttpTransport::new(&sb.url, "wrong");
    let mut job = LogJob::new(request(ID), ["bob@client.example".to_string()]);
    match drive(&mut job, &mut http) {
        JobEnd::Failed(LogError::Http {
            status, category, ..
        }) => {
            assert_eq!(status, 401);
            assert_eq!(category.as_deref(), Some("INVALID_AUTHENTICATION"));
        }
        other => panic!("{other:?}"),
    }
    let raw = http
        .send(&HttpRequest {
            method: crmlog::crm::api::Method::Get,
            path: "/crm/objects/2026-03/emails".into(),
            body: None,
        })
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&raw.body).unwrap();
    assert_eq!(body["status"], "error");
    assert!(body["correlationId"].as_str().unwrap().len() == 36);
    assert!(body["message"].as_str().unwrap().contains("Authentication"));
}

#[test]
fn both_path_forms_and_validation_errors() {
    let sb = sandbox("t");
    let mut http = HttpTransport::new(&sb.url, "t");
    for path in ["/crm/objects/2026-03/emails", "/crm/v3/objects/emails"] {
        let r = http
            .send(&HttpRequest {
                method: crmlog::crm::api::Method::Post,
                path: path.into(),
                body: Some(r#"{"properties":{"hs_email_subject":"no timestamp"}}"#.into()),
            })
            .unwrap();
        assert_eq!(r.status, 400, "{path}");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["category"], "VALIDATION_ERROR");
        let ok = http
            .send(&HttpRequest {
                method: crmlog::crm::api::Method::Post,
                path: path.into(),
                body: Some(r#"{"properties":{"hs_timestamp":"2026-11-23T10:00:00Z"}}"#.into()),
            })
            .unwrap();
        assert_eq!(ok.status, 201, "{path}");
    }
    let bad_json = http
        .send(&HttpRequest {
            method: crmlog::crm::api::Method::Post,
            path: "/crm/v3/objects/emails".into(),
            body: Some("{".into()),
        })
        .unwrap();
    assert_eq!(bad_json.status, 400);
}

#[test]
fn database_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let email_id;
    {
        let sb = Sandbox::open(&db, Some("t")).unwrap();
        let server = sb
            .serve(TcpListener::bind(("127.0.0.1", 0)).unwrap())
            .unwrap();
        let mut http = HttpTransport::new(&format!("http://127.0.0.1:{}", server.port()), "t");
        let mut job = LogJob::new(request(ID), ["bob@client.example".to_string()]);
        let JobEnd::Logged(l) = drive(&mut job, &mut http) else {
            panic!()
        };
        email_id = l.email_id;
        server.stop();
    }
    // Reopened without --token: the remembered token still works.
    let sb = Sandbox::open(&db, None).unwrap();
    assert_eq!(sb.token, "t");
    let server = sb
        .serve(TcpListener::bind(("127.0.0.1", 0)).unwrap())
        .unwrap();
    let mut http = HttpTransport::new(&format!("http://127.0.0.1:{}", server.port()), "t");
    let mut job = LogJob::new(request(ID), ["bob@client.example".to_string()]);
    let JobEnd::Logged(l) = drive(&mut job, &mut http) else {
        panic!()
    };
    assert!(l.already_logged);
    assert_eq!(l.email_id, email_id);
}

#[test]
fn rate_limit_answers_in_hubspots_429_shape_and_the_outbox_throttles() {
    use crmlog::crm::outbox::{Item, RetryPolicy, Settled, settle};
    use crmlog::sandbox::faults::FaultConfig;
    let dir = tempfile::tempdir().unwrap();
    let sb = Sandbox::open(&dir.path().join("crm.db"), Some("t"))
        .unwrap()
        .with_faults(FaultConfig {
            rate_limit: 3,
            rate_window: std::time::Duration::from_secs(60),
            ..FaultConfig::default()
        });
    let server = sb
        .serve(TcpListener::bind(("127.0.0.1", 0)).unwrap())
        .unwrap();
    let mut http = HttpTransport::new(&format!("http://127.0.0.1:{}", server.port()), "t");
    let get = HttpRequest {
        method: crmlog::crm::api::Method::Get,
        path: "/crm/objects/2026-03/contacts".into(),
        body: None,
    };
    let first = http.send(&get).unwrap();
    assert_eq!(first.status, 200);
    let header = |r: &crmlog::crm::api::HttpResponse, n: &str| r.header(n).map(str::to_string);
    assert_eq!(
        header(&first, "x-hubspot-ratelimit-max").as_deref(),
        Some("3")
    );
    assert_eq!(
        header(&first, "x-hubspot-ratelimit-remaining").as_deref(),
        Some("2")
    );
    assert_eq!(
        header(&first, "x-hubspot-ratelimit-interval-milliseconds").as_deref(),
        Some("60000")
    );
    http.send(&get).unwrap();
    http.send(&get).unwrap();
    let limited = http.send(&get).unwrap();
    assert_eq!(limited.status, 429);
    let body: serde_json::Value = serde_json::from_str(&limited.body).unwrap();
    assert_eq!(body["status"], "error");
    assert_eq!(body["errorType"], "RATE_LIMIT");
    assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
    assert_eq!(body["correlationId"].as_str().unwrap().len(), 36);
    let retry_after: u64 = header(&limited, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after));

    // The logging job reports the wait; the outbox holds everything back.
    let mut job = LogJob::new(request(ID), ["bob@client.example".to_string()]);
    let end = drive(&mut job, &mut http);
    let JobEnd::Failed(LogError::Http {
        status: 429,
        retry_after_ms: Some(ms),
        ..
    }) = end.clone()
    else {
        panic!("{end:?}")
    };
    assert!(ms >= 1000);
    let item = Item::new(request(ID), vec!["bob@client.example".into()]);
    let Settled::Throttle(next) = settle(item, end, 1_000, &RetryPolicy::default(), 0.0) else {
        panic!("a 429 throttles the whole outbox")
    };
    assert!(next.not_before_ms >= 1_000 + ms);
}

#[test]
fn the_open_tracking_pixel_is_served_without_a_token_and_counted() {
    let sb = sandbox("t0ken");
    let agent = ureq::AgentBuilder::new().build();
    for _ in 0..2 {
        let r = agent.get(&format!("{}/o/{ID}.gif", sb.url)).call().unwrap();
        assert_eq!(r.content_type(), "image/gif");
        assert!(r.header("cache-control").unwrap().contains("no-store"));
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut r.into_reader(), &mut body).unwrap();
        assert!(body.starts_with(b"GIF89a") && body.len() == 43);
    }
    // Not an id: no image, nothing counted.
    match agent.get(&format!("{}/o/not-an-id.gif", sb.url)).call() {
        Err(ureq::Error::Status(404, _)) => {}
        other => panic!("{other:?}"),
    }
    let mut http = HttpTransport::new(&sb.url, "t0ken");
    let get = |path: String| HttpRequest {
        method: crmlog::crm::api::Method::Get,
        path,
        body: None,
    };
    let raw = http
        .send(&get(format!("/crmlog/v1/opens?tracking_id={ID}")))
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&raw.body).unwrap();
    assert_eq!(body["opens"], 2);
    assert!(body["last_open"].as_str().unwrap().starts_with("20"));
    let raw = http
        .send(&get("/crmlog/v1/opens?tracking_id=x".into()))
        .unwrap();
    assert_eq!(raw.status, 400);
    let mut wrong = HttpTransport::new(&sb.url, "wrong");
    let raw = wrong
        .send(&get(format!("/crmlog/v1/opens?tracking_id={ID}")))
        .unwrap();
    assert_eq!(raw.status, 401, "the counts need the token");
}

#[test]
fn a_received_message_logged_by_hand_is_incoming_on_the_senders_timeline_once() {
    use crmlog::crm::plan::{SenderSide, plan_manual};
    let raw = b"From: Bob Jones <bob@client.example>\r\nTo: anna@acme.example\r\n\
Subject: Re: Offer\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\
Message-ID: <r1@client.example>\r\n\r\nWe accept.\r\n";
    let sb = sandbox("t0ken");
    let mut http = HttpTransport::new(&sb.url, "t0ken");
    let plan = plan_manual(
        raw,
        "anna@acme.example",
        &SenderSide::default(),
        ID,
        "2026-11-24T00:00:00Z",
    )
    .unwrap();
    let request = plan.request.unwrap();
    for round in 0..2 {
        let mut job = LogJob::new(request.clone(), plan.decision.timeline.clone());
        let JobEnd::Logged(logged) = drive(&mut job, &mut http) else {
            panic!("not logged")
        };
        assert_eq!(logged.already_logged, round == 1, "logged once");
    }
    let raw = http
        .send(&HttpRequest {
            method: crmlog::crm::api::Method::Get,
            path: "/crmlog/v1/timeline?email=bob%40client.example".into(),
            body: None,
        })
        .unwrap();
    let timeline: serde_json::Value = serde_json::from_str(&raw.body).unwrap();
    assert_eq!(timeline["contact"]["properties"]["firstname"], "Bob");
    let emails = timeline["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(
        emails[0]["properties"]["hs_email_direction"],
        "INCOMING_EMAIL"
    );
    assert_eq!(emails[0]["properties"]["hs_email_subject"], "Re: Offer");
}

/// A transport that lets another writer create Bob just before the job's
/// contact create reaches the CRM: the race the 409 rule is for.
struct Racing {
    inner: HttpTransport,
    raced: bool,
}

impl Transport for Racing {
    fn send(&mut self, request: &HttpRequest) -> Result<crmlog::crm::api::HttpResponse, String> {
        if !self.raced && request.path.ends_with("/contacts/batch/create") {
            self.raced = true;
            let other = self.inner.send(&HttpRequest {
                method: crmlog::crm::api::Method::Post,
                path: "/crm/v3/objects/contacts".into(),
                body: Some(
                    r#"{"properties":{"email":"bob@client.example","firstname":"Robert"}}"#.into(),
                ),
            })?;
            assert_eq!(other.status, 201, "{}", other.body);
        }
        self.inner.send(request)
    }
}

#[test]
fn a_409_on_contact_create_rereads_and_the_email_can_be_read_back() {
    let sb = sandbox("t0ken");
    let mut http = Racing {
        inner: HttpTransport::new(&sb.url, "t0ken"),
        raced: false,
    };
    let mut job = LogJob::new(request(ID), ["bob@client.example".to_string()]);
    let JobEnd::Logged(logged) = drive(&mut job, &mut http) else {
        panic!("not logged")
    };
    assert!(http.raced, "the race happened");
    assert_eq!(logged.contact_ids.len(), 1);
    // The contact the other writer made is the one used: one Bob.
    let bob = http
        .inner
        .send(&HttpRequest {
            method: crmlog::crm::api::Method::Get,
            path: format!(
                "/crm/v3/objects/contacts/{}?properties=email,firstname",
                logged.contact_ids[0]
            ),
            body: None,
        })
        .unwrap();
    let bob: serde_json::Value = serde_json::from_str(&bob.body).unwrap();
    assert_eq!(bob["properties"]["firstname"], "Robert");
    // The email by id, in both path forms.
    for base in ["/crm/objects/2026-03/emails", "/crm/v3/objects/emails"] {
        let email = http
            .inner
            .send(&HttpRequest {
                method: crmlog::crm::api::Method::Get,
                path: format!(
                    "{base}/{}?properties=hs_email_subject,crmlog_tracking_id",
                    logged.email_id
                ),
                body: None,
            })
            .unwrap();
        assert_eq!(email.status, 200, "{base}");
        let email: serde_json::Value = serde_json::from_str(&email.body).unwrap();
        assert_eq!(email["properties"]["hs_email_subject"], "Offer");
        assert_eq!(email["properties"]["crmlog_tracking_id"], ID);
    }
}
