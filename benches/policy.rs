//! Rules engine benchmarks (issue 3 targets): a never-log list of 100,000
//! entries built in under 50 ms and checked at 5 million lookups/s or
//! more; `decide` on outgoing events with 10 recipients at 200,000
//! decisions/s or more.
//!
//! `cargo bench --bench policy`
//!
//! Each benchmark runs twice: `wall/…` in wall-clock time, and `cpu/…` in
//! the CPU time of the benchmarking thread (from /proc/thread-self/schedstat),
//! which stays honest on a machine shared with other builds.

// criterion_group! generates undocumented public functions; set-up data
// is built here and cannot fail.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BatchSize, Criterion, Throughput, black_box, criterion_group, criterion_main};
use crmlog::policy::{
    Account, AttachmentInput, Contact, Deal, Engine, Event, Inbox, NeverLogList, Outgoing,
    Provider, User,
};

/// 100,000 entries: 70% addresses, 25% domains, 5% `*.` wildcards.
fn entries(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i % 20 {
            0 => format!("*.zone{i}.example"),
            1..=5 => format!("corp{i}.example"),
            _ => format!("person{i}@firm{}.example", i % 5000),
        })
        .collect()
}

/// A mix of hits and misses as mail would carry them.
fn probes() -> Vec<String> {
    (0..1000)
        .map(|i| match i % 8 {
            0 => format!("person{}@firm{}.example", i * 7, (i * 7) % 5000),
            1 => format!("Person{}+news@Firm{}.example", i * 7, (i * 7) % 5000),
            2 => format!("someone@corp{}.example", i * 20 + 1),
            3 => format!("a@mail.zone{}.example", i * 20),
            4 => format!("nobody{i}@elsewhere.example"),
            5 => format!("  x{i}@deep.sub.domain{i}.example "),
            6 => format!("stranger{i}@firm{}.example", i % 5000),
            _ => format!("bob{i}@client.example"),
        })
        .collect()
}

/// CPU time of the current thread in nanoseconds (Linux schedstat: the
/// first field is the time spent running on a CPU).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A criterion measurement of thread CPU time.
struct CpuTime;

static WALL: WallTime = WallTime;

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

/// `wall` or `cpu`, so that the two measurements keep separate ids.
fn tag<M: 'static>() -> &'static str {
    if std::any::type_name::<M>().ends_with("CpuTime") {
        "cpu"
    } else {
        "wall"
    }
}

fn never_log<M: Measurement + 'static>(c: &mut Criterion<M>) {
    let list = entries(100_000);
    let t = tag::<M>();
    c.bench_function(&format!("{t}/never_log/build_100k"), |b| {
        b.iter(|| NeverLogList::from_entries(black_box(&list)).unwrap())
    });
    let built = NeverLogList::from_entries(&list).unwrap();
    let probes = probes();
    let mut group = c.benchmark_group(format!("{t}/never_log"));
    group.throughput(Throughput::Elements(probes.len() as u64));
    group.bench_function("check_1000_on_100k", |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for p in &probes {
                hits += usize::from(built.check(black_box(p)).is_some());
            }
            hits
        })
    });
    group.finish();
}

/// An account of realistic size: 50 users, 10,000 contacts with deals,
/// a 100,000-entry never-log list.
fn account() -> Account {
    Account {
        users: (0..50)
            .map(|i| User {
                id: format!("u{i}"),
                email: format!("user{i}@acme.example"),
                aliases: vec![format!("alias{i}@acme.example")],
                email_access: true,
                inboxes: vec![Inbox {
                    address: format!("user{i}@acme.example"),
                    provider: Provider::Gmail,
                    connected: true,
                }],
            })
            .collect(),
        contacts: (0..10_000)
            .map(|i| Contact {
                email: format!("contact{i}@client{}.example", i % 300),
                legal_basis: true,
                company: Some(format!("client{}.example", i % 300)),
                deals: (0..i % 8)
                    .map(|d| Deal {
                        id: format!("deal{i}-{d}"),
                        open: d % 3 != 0,
                        created: format!("2026-0{}-01T00:00:00Z", 1 + d),
                    })
                    .collect(),
            })
            .collect(),
        never_log: entries(100_000),
        deleted: (0..1000)
            .map(|i| format!("gone{i}@client.example"))
            .collect(),
        bcc_address: Some("777@bcc.crm.example".into()),
        forwarding_address: Some("log@fwd.crm.example".into()),
        ..Account::default()
    }
}

/// Ten recipients: contacts, a new address, a colleague, a never-log hit,
/// a deleted contact.
fn event(i: usize) -> Event {
    let c = |k: usize| format!("Contact{k}@Client{}.example", k % 300);
    Event::Outgoing(Outgoing {
        log: true,
        user: "u3".into(),
        from: Some("user3@acme.example".into()),
        to: vec![c(i), c(i + 1), c(i + 2), format!("new{i}@prospect.example")],
        cc: vec![c(i + 3), c(i + 4), "user7@acme.example".into()],
        bcc: vec![
            format!("person{}@firm{}.example", i * 7, (i * 7) % 5000),
            format!("gone{}@client.example", i % 1000),
            c(i + 5),
        ],
        body_bytes: 20_000,
        attachments: vec![AttachmentInput {
            name: Some("deck.pdf".into()),
            bytes: 2_000_000,
        }],
    })
}

fn decide<M: Measurement + 'static>(c: &mut Criterion<M>) {
    let t = tag::<M>();
    let account = account();
    let engine = Engine::new(&account).unwrap();
    let events: Vec<Event> = (0..100).map(|i| event(i * 37)).collect();
    let mut group = c.benchmark_group(format!("{t}/decide"));
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("outgoing_10_recipients_x100", |b| {
        b.iter(|| {
            for e in &events {
                black_box(engine.decide(black_box(e)).unwrap());
            }
        })
    });
    group.finish();
    c.bench_function(
        &format!("{t}/engine/build_account_10k_contacts_100k_never_log"),
        |b| {
            b.iter_batched(
                || account.clone(),
                |a| Engine::new(&a).unwrap(),
                BatchSize::LargeInput,
            )
        },
    );
}

fn wall() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .measurement_time(std::time::Duration::from_secs(3))
}

fn cpu() -> Criterion<CpuTime> {
    Criterion::default()
        .with_measurement(CpuTime)
        .sample_size(20)
        .measurement_time(std::time::Duration::from_secs(3))
}

criterion_group! {
    name = wall_clock;
    config = wall();
    targets = never_log, decide
}
criterion_group! {
    name = cpu_time;
    config = cpu();
    targets = never_log, decide
}
criterion_main!(wall_clock, cpu_time);
