//! Sandbox CRM throughput (issue 5), from a second process over loopback:
//!
//! 1. email creates (`POST /crm/objects/2026-03/emails`, each with a
//!    tracking id and a contact association) with K concurrent keep-alive
//!    connections, bounded in count and time: creates/s and latency
//!    p50/p95/p99;
//! 2. logging requests through the outbox: `crmlog outbox enqueue` N
//!    requests, then `crmlog outbox run` timed (each request is a whole
//!    logging job: search, contact read, contact create when new,
//!    association reads, email create);
//! 3. messages through the BCC inbox (`POST /crmlog/v1/inbox/bcc`, the
//!    spec's example 05 with a fresh Message-ID each) on the spec's example
//!    account: each is decided by the rules engine over the account read
//!    from the database, then logged.
//!
//! `cargo bench --bench sandbox_load` (the sandbox is the release-profile
//! `crmlog` binary cargo builds for the bench, run as its own process with
//! the rate limit lifted, so the figures are the server's, not HubSpot's
//! limit). Bounds, by environment variable:
//! `SANDBOX_LOAD_N` creates per run (default 20000),
//! `SANDBOX_LOAD_SECONDS` longest run (default 20),
//! `SANDBOX_LOAD_CONNECTIONS` e.g. `1,4,16` (default),
//! `SANDBOX_OUTBOX_N` logging requests (default 2000),
//! `SANDBOX_INBOX_N` inbox messages (default 2000, 4 connections).
//! Without `--bench` (`cargo test --benches`) it is a smoke test of a few
//! dozen requests.

#![allow(missing_docs, clippy::unwrap_used)]

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TOKEN: &str = "bench-token";

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn crmlog() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crmlog"))
}

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &std::path::Path) -> Server {
    let mut child = crmlog()
        .args(["sandbox", "--port", "0", "--token", TOKEN])
        .args(["--rate-limit", "4000000000/1000", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    Server { child, url }
}

fn tracking_id(n: u64, salt: u64) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&n.to_be_bytes());
    bytes[8..].copy_from_slice(&salt.to_be_bytes());
    crmlog::tracking::TrackingId::from_bytes(bytes)
        .as_str()
        .to_string()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// One run of email creates: (created, elapsed, sorted latencies, errors).
fn creates(
    url: &str,
    contact: &str,
    connections: usize,
    n: usize,
    limit: Duration,
    salt: u64,
) -> (usize, Duration, Vec<Duration>, usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let next = Arc::clone(&next);
            let errors = Arc::clone(&errors);
            let url = format!("{url}/crm/objects/2026-03/emails");
            let contact = contact.to_string();
            std::thread::spawn(move || {
                // One agent per thread: one keep-alive connection each.
                let agent = ureq::AgentBuilder::new().max_idle_connections(1).build();
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n || started.elapsed() >= limit {
                        break;
                    }
                    let body = serde_json::json!({
                        "properties": {
                            "hs_timestamp": "2026-11-23T10:00:00Z",
                            "hs_email_direction": "EMAIL",
                            "hs_email_status": "SENT",
                            "hs_email_subject": format!("Load test {i}"),
                            "hs_email_text": "Hello, this is a load test email of typical size. ".repeat(20),
                            "hs_email_html": format!("<p>{}</p>", "Hello, this is a load test email of typical size. ".repeat(20)),
                            "hs_email_headers": "{\"from\":{\"email\":\"anna@acme.example\"},\"to\":[{\"email\":\"bob@client.example\"}],\"cc\":[],\"bcc\":[]}",
                            "crmlog_tracking_id": tracking_id(i as u64, salt),
                        },
                        "associations": [{"to": {"id": contact},
                            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 198}]}]
                    })
                    .to_string();
                    let t = Instant::now();
                    let r = agent
                        .post(&url)
                        .set("authorization", &format!("Bearer {TOKEN}"))
                        .set("content-type", "application/json")
                        .send_string(&body);
                    let ok = matches!(&r, Ok(resp) if resp.status() == 201);
                    if let Ok(resp) = r {
                        let _ = resp.into_string();
                    }
                    latencies.push(t.elapsed());
                    if !ok {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies
            })
        })
        .collect();
    let mut all: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let elapsed = started.elapsed();
    all.sort();
    let errors = errors.load(Ordering::Relaxed);
    (all.len() - errors, elapsed, all, errors)
}

fn outbox(url: &str, dir: &std::path::Path, n: usize) {
    let requests = dir.join("requests.jsonl");
    let mut lines = String::new();
    for i in 0..n {
        // 200 recipients: the first email to each creates the contact,
        // later ones find it (the usual mix).
        let request = serde_json::json!({
            "tracking_id": tracking_id(i as u64, 0xbeef),
            "from": {"address": "anna@acme.example", "name": "Anna K"},
            "to": [{"address": format!("person{}@client{}.example", i % 200, i % 7), "name": "Person Example"}],
            "subject": format!("Offer {i}"),
            "text": "Hello, here is the offer we talked about.",
            "html": "<p>Hello, here is the offer we talked about.</p>",
            "sent_at": "2026-11-23T10:00:00Z",
        });
        lines.push_str(&request.to_string());
        lines.push('\n');
    }
    std::fs::write(&requests, lines).unwrap();
    let store = dir.join("outbox.db");
    let enqueue = crmlog()
        .args(["outbox", "enqueue", "--store"])
        .arg(&store)
        .arg(&requests)
        .output()
        .unwrap();
    assert!(enqueue.status.success(), "{enqueue:?}");
    let t = Instant::now();
    let run = crmlog()
        .args(["outbox", "run", "--crm", url, "--token", TOKEN, "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let elapsed = t.elapsed();
    assert!(run.status.success(), "{run:?}");
    let status = crmlog()
        .args(["outbox", "status", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    println!();
    println!("| logging requests through the outbox | done | parked | seconds | requests/s |");
    println!("|---|---|---|---|---|");
    println!(
        "| {n} (`crmlog outbox run`, one connection) | {} | {} | {:.2} | {:.0} |",
        status["done"],
        status["parked"],
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}

fn inbox(url: &str, n: usize, connections: usize, limit: Duration) {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/decide-examples/05-bcc-from-team-inbox/bcc.eml"
    ))
    .unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let next = Arc::clone(&next);
            let raw = raw.clone();
            let url = format!("{url}/crmlog/v1/inbox/bcc");
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new().max_idle_connections(1).build();
                let mut out = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n || started.elapsed() >= limit {
                        break;
                    }
                    let message =
                        raw.replace("<b1@acme.example>", &format!("<load{i}@acme.example>"));
                    let t = Instant::now();
                    let r = agent
                        .post(&url)
                        .set("authorization", &format!("Bearer {TOKEN}"))
                        .send_string(&message);
                    let ok = matches!(&r, Ok(resp) if resp.status() == 201);
                    if let Ok(resp) = r {
                        let _ = resp.into_string();
                    }
                    out.push((t.elapsed(), ok));
                }
                out
            })
        })
        .collect();
    let all: Vec<(Duration, bool)> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let elapsed = started.elapsed();
    let ok = all.iter().filter(|(_, ok)| *ok).count();
    let mut lat: Vec<Duration> = all.iter().map(|(d, _)| *d).collect();
    lat.sort();
    println!();
    println!(
        "| BCC inbox messages | connections | logged | errors | seconds | messages/s | p50 ms | p95 ms |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| example 05 | {connections} | {ok} | {} | {:.2} | {:.0} | {} | {} |",
        all.len() - ok,
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64(),
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.95)),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs the
    // binary without it, as a smoke test: keep that short.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n = if quick {
        50
    } else {
        env_num("SANDBOX_LOAD_N", 20_000)
    };
    let seconds = env_num("SANDBOX_LOAD_SECONDS", 20) as u64;
    let connections: Vec<usize> = std::env::var("SANDBOX_LOAD_CONNECTIONS")
        .unwrap_or_else(|_| "1,4,16".into())
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .filter(|c| *c > 0)
        .collect();
    let outbox_n = if quick {
        20
    } else {
        env_num("SANDBOX_OUTBOX_N", 2000)
    };

    let inbox_n = if quick {
        20
    } else {
        env_num("SANDBOX_INBOX_N", 2000)
    };

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let seeded = crmlog()
        .args(["sandbox", "seed", "--db"])
        .arg(&db)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/decide-examples/account.json"
        ))
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{seeded:?}");
    let server = start(&db);
    let contact = ureq::post(&format!("{}/crm/objects/2026-03/contacts", server.url))
        .set("authorization", &format!("Bearer {TOKEN}"))
        .send_json(serde_json::json!({"properties": {"email": "load.test@client.example"}}))
        .unwrap()
        .into_json::<serde_json::Value>()
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    println!(
        "sandbox email creates: at most {n} per run, at most {seconds} s per run, {} cores",
        std::thread::available_parallelism().map_or(0, |p| p.get())
    );
    println!();
    println!("| connections | creates | errors | seconds | creates/s | p50 ms | p95 ms | p99 ms |");
    println!("|---|---|---|---|---|---|---|---|");
    for (run, &k) in connections.iter().enumerate() {
        let (ok, elapsed, lat, errors) = creates(
            &server.url,
            &contact,
            k,
            n,
            Duration::from_secs(seconds),
            run as u64 + 1,
        );
        println!(
            "| {k} | {ok} | {errors} | {:.2} | {:.0} | {} | {} | {} |",
            elapsed.as_secs_f64(),
            ok as f64 / elapsed.as_secs_f64(),
            ms(percentile(&lat, 0.50)),
            ms(percentile(&lat, 0.95)),
            ms(percentile(&lat, 0.99)),
        );
    }
    outbox(&server.url, dir.path(), outbox_n);
    inbox(&server.url, inbox_n, 4, Duration::from_secs(seconds));
}
