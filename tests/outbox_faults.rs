//! The outbox under fire: 1,000 logging requests through `crmlog outbox run`
//! while the sandbox CRM fails 20% of requests with 500, drops 5% of
//! connections after doing the work, answers bursts of 429 (a tight rate
//! limit), and is killed and restarted twice — and while the outbox process
//! itself is killed (SIGKILL) and restarted at random points. Afterwards
//! every email must be in the CRM exactly once: none lost, none duplicated.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use crmlog::client::store::SqliteOutbox;
use crmlog::crm::log::{LogRequest, Party};
use crmlog::crm::outbox::{Item, OutboxStore};
use crmlog::tracking::TrackingId;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CRMLOG: &str = env!("CARGO_BIN_EXE_crmlog");
const EMAILS: usize = 1_000;
const TOKEN: &str = "fault-test-token";

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

fn start_sandbox(db: &Path, port: u16, faults: bool) -> (Child, u16) {
    let mut args = vec![
        "sandbox".to_string(),
        "--db".into(),
        db.display().to_string(),
        "--port".into(),
        port.to_string(),
        "--token".into(),
        TOKEN.into(),
    ];
    if faults {
        args.extend(
            [
                "--fail-rate",
                "0.2",
                "--drop-rate",
                "0.05",
                "--rate-limit",
                "150/1000",
            ]
            .map(String::from),
        );
    }
    let mut child = Command::new(CRMLOG)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("sandbox did not start: {line:?}"));
    (child, port)
}

fn request(n: usize) -> LogRequest {
    LogRequest {
        tracking_id: TrackingId::generate().unwrap().to_string(),
        from: Party {
            address: "anna@acme.example".into(),
            name: Some("Anna K".into()),
        },
        // 50 recipients shared among the emails, so contacts are read,
        // created and reused concurrently with the faults.
        to: vec![Party {
            address: format!("client{}@client.example", n % 50),
            name: None,
        }],
        cc: vec![],
        bcc: vec![],
        subject: format!("Fault test {n}"),
        text: format!("Body {n}"),
        html: format!("<p>Body {n}</p>"),
        sent_at: "2026-11-23T10:00:00Z".into(),
        direction: Default::default(),
    }
}

fn crm_emails(port: u16) -> Vec<serde_json::Value> {
    let agent = ureq::AgentBuilder::new().build();
    let mut all = Vec::new();
    let mut after = "0".to_string();
    loop {
        let page: serde_json::Value = agent
            .get(&format!(
                "http://127.0.0.1:{port}/crm/objects/2026-03/emails?limit=100&after={after}"
            ))
            .set("authorization", &format!("Bearer {TOKEN}"))
            .call()
            .unwrap()
            .into_json()
            .unwrap();
        all.extend(page["results"].as_array().unwrap().iter().cloned());
        match page["paging"]["next"]["after"].as_str() {
            Some(a) => after = a.to_string(),
            None => return all,
        }
    }
}

#[test]
fn a_thousand_emails_survive_faults_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let crm_db = dir.path().join("crm.db");
    let outbox_db = dir.path().join("outbox.db");
    let seed = crmlog::client::runner::now_ms() | 1;
    println!("fault test seed {seed}");
    let mut rng = Rng(seed);

    let mut store = SqliteOutbox::open(&outbox_db).unwrap();
    let mut expected = BTreeSet::new();
    for n in 0..EMAILS {
        let r = request(n);
        expected.insert(r.tracking_id.clone());
        let timeline = r.recipients().map(|p| p.address.clone()).collect();
        store.put(&Item::new(r, timeline)).unwrap();
    }
    drop(store);

    let (mut sandbox, port) = start_sandbox(&crm_db, 0, true);
    let started = Instant::now();
    let (mut runs, mut kills, mut sandbox_restarts) = (0, 0, 0);
    loop {
        runs += 1;
        let mut outbox = Command::new(CRMLOG)
            .args(["outbox", "run", "--store"])
            .arg(&outbox_db)
            .args([
                "--crm",
                &format!("http://127.0.0.1:{port}"),
                "--token",
                TOKEN,
            ])
            .args(["--backoff-ms", "20", "--max-backoff-ms", "400"])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_millis(rng.between(300, 2_500));
        let exited = loop {
            if let Some(status) = outbox.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() >= deadline {
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        match exited {
            Some(status) if status.success() => break,
            Some(status) => panic!("the outbox failed: {status}"),
            None => {
                outbox.kill().unwrap();
                outbox.wait().unwrap();
                kills += 1;
            }
        }
        // Kill and restart the CRM itself twice along the way.
        if (runs == 3 || runs == 7) && sandbox_restarts < 2 {
            sandbox.kill().unwrap();
            sandbox.wait().unwrap();
            std::thread::sleep(Duration::from_millis(rng.between(100, 800)));
            sandbox = start_sandbox(&crm_db, port, true).0;
            sandbox_restarts += 1;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the outbox did not finish within 10 minutes"
        );
    }
    let elapsed = started.elapsed();
    sandbox.kill().unwrap();
    sandbox.wait().unwrap();
    assert_eq!(
        sandbox_restarts, 2,
        "the run ended before both CRM restarts"
    );

    // Count what the CRM holds, with the faults off.
    let (mut clean, port) = start_sandbox(&crm_db, 0, false);
    let emails = crm_emails(port);
    clean.kill().unwrap();
    clean.wait().unwrap();
    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    for e in &emails {
        let id = e["properties"]["crmlog_tracking_id"]
            .as_str()
            .unwrap()
            .to_string();
        *per_id.entry(id).or_default() += 1;
    }
    let duplicated = per_id.values().filter(|&&n| n > 1).count();
    let found: BTreeSet<String> = per_id.keys().cloned().collect();
    let lost = expected.difference(&found).count();
    let stray = found.difference(&expected).count();
    let (pending, done, parked) = SqliteOutbox::open(&outbox_db).unwrap().counts().unwrap();
    println!(
        "fault test: {EMAILS} queued, {} in the CRM, {} distinct, {lost} lost, {duplicated} duplicated; \
         outbox done {done}, parked {parked}, pending {pending}; {runs} outbox runs, {kills} killed, \
         {sandbox_restarts} CRM restarts; {:.1} s",
        emails.len(),
        per_id.len(),
        elapsed.as_secs_f64()
    );
    assert_eq!((lost, duplicated, stray), (0, 0, 0));
    assert_eq!(emails.len(), EMAILS);
    assert_eq!((pending, done, parked), (0, EMAILS as u64, 0));
}

#[test]
fn a_wrong_token_pauses_the_outbox_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let outbox_db = dir.path().join("outbox.db");
    let mut store = SqliteOutbox::open(&outbox_db).unwrap();
    for n in 0..5 {
        let r = request(n);
        let timeline = r.recipients().map(|p| p.address.clone()).collect();
        store.put(&Item::new(r, timeline)).unwrap();
    }
    let (mut sandbox, port) = start_sandbox(&dir.path().join("crm.db"), 0, false);
    let run = |token: &str| {
        Command::new(CRMLOG)
            .args(["outbox", "run", "--store"])
            .arg(&outbox_db)
            .args([
                "--crm",
                &format!("http://127.0.0.1:{port}"),
                "--token",
                token,
            ])
            .output()
            .unwrap()
    };
    let paused = run("not-the-token");
    assert_eq!(paused.status.code(), Some(3), "paused, not failed");
    assert!(String::from_utf8_lossy(&paused.stderr).contains("401"));
    let pending = store.pending().unwrap();
    assert_eq!(pending.len(), 5, "nothing dropped while paused");
    assert!(
        pending.iter().all(|i| i.attempts == 0),
        "a bad token is not the item's fault"
    );
    assert!(crm_emails(port).is_empty());

    assert!(run(TOKEN).status.success());
    assert_eq!(store.counts().unwrap(), (0, 5, 0));
    assert_eq!(crm_emails(port).len(), 5);
    sandbox.kill().unwrap();
    sandbox.wait().unwrap();
}
