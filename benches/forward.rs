//! Forward parsing speed over the email-forward-parser corpus (issue 4):
//! every case (body and, where the case has one, subject) parsed once per
//! iteration; criterion reports cases per second. The same cases through
//! the WebAssembly build in node, and through email-forward-parser itself,
//! are measured by `benches/forward_wasm.mjs` (see docs/forward.md).
#![allow(clippy::unwrap_used, missing_docs)]

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use crmlog::mime::forward::{parse_html, parse_text};
use serde_json::Value;
use std::path::Path;

const DIR: &str = "tests/fixtures/crisp-oss_email-forward-parser";

fn corpus() -> Vec<(String, Option<String>)> {
    let dir = Path::new(DIR);
    let expectations: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expectations.json")).unwrap())
            .unwrap();
    expectations["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let read = |key: &str| {
                case[key]
                    .as_str()
                    .map(|p| std::fs::read_to_string(dir.join(p)).unwrap())
            };
            (read("body_fixture").unwrap(), read("subject_fixture"))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cases = corpus();
    assert!(!cases.is_empty());
    let mut group = c.benchmark_group("forward");
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.bench_function("parse_text/corpus", |b| {
        b.iter(|| {
            for (body, subject) in &cases {
                black_box(parse_text(black_box(body), subject.as_deref()));
            }
        })
    });
    let html_dir = Path::new("tests/fixtures/closeio_quotequail/tests/files");
    let pages: Vec<String> = std::fs::read_dir(html_dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.bench_function("parse_html/quotequail", |b| {
        b.iter(|| {
            for html in &pages {
                black_box(parse_html(black_box(html), None));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
