//! Full MIME parse throughput (message model, `crmlog::mime::parse`):
//! the committed corpus, a message with a 2 MB body (rule S1's limit) and
//! one with a 50 MB attachment (rule S2's limit). The two big messages are
//! generated here, not committed. Throughput is over raw message bytes.
//!
//!   cargo bench --bench mime

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 with 76-character lines, as mail clients send attachments.
fn base64_lines(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3 * 4 + data.len() / 57 * 2 + 8);
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.extend_from_slice(b"\r\n");
        }
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sym = |shift: u32| BASE64[((n >> shift) & 63) as usize];
        out.push(sym(18));
        out.push(sym(12));
        out.push(if chunk.len() > 1 { sym(6) } else { b'=' });
        out.push(if chunk.len() > 2 { sym(0) } else { b'=' });
    }
    out
}

/// A reply with 1 MB of text and 1 MB of HTML (2 MB of body, S1), both
/// quoted-printable, with non-ASCII letters so decoding has work to do.
pub fn two_mb_body() -> Vec<u8> {
    let line = "Grüße aus Köln = Ceci est une ligne de texte assez longue pour la mesure.";
    let mut text = String::new();
    while text.len() < 1_000_000 {
        text.push_str(line);
        text.push('\n');
    }
    let html = format!(
        "<html><body><p>{}</p></body></html>",
        text.replace('\n', "<br>\n")
    );
    let qp = |s: &str| {
        let mut out = String::with_capacity(s.len() * 12 / 10);
        let mut col = 0;
        for b in s.bytes() {
            if b == b'\n' {
                out.push_str("\r\n");
                col = 0;
                continue;
            }
            let piece = if b == b'=' || b >= 127 {
                format!("={b:02X}")
            } else {
                (b as char).to_string()
            };
            if col + piece.len() > 75 {
                out.push_str("=\r\n");
                col = 0;
            }
            col += piece.len();
            out.push_str(&piece);
        }
        out
    };
    format!(
        "From: Ann <ann@example.com>\r\nTo: Bob <bob@example.org>\r\nSubject: big body\r\n\
         Date: Mon, 3 Mar 2025 09:15:00 +0100\r\nMessage-ID: <big-body@example.com>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
         {}\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
         {}\r\n--b--\r\n",
        qp(&text),
        qp(&html)
    )
    .into_bytes()
}

/// A short note with a 50 MB base64 attachment (S2's limit).
pub fn fifty_mb_attachment() -> Vec<u8> {
    let data: Vec<u8> = (0..50_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut raw = b"From: Ann <ann@example.com>\r\nTo: Bob <bob@example.org>\r\n\
Subject: big file\r\nDate: Mon, 3 Mar 2025 09:15:00 +0100\r\nMessage-ID: <big-file@example.com>\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n\
--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe file is attached.\r\n\
--m\r\nContent-Type: application/octet-stream\r\n\
Content-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        .to_vec();
    raw.extend_from_slice(&base64_lines(&data));
    raw.extend_from_slice(b"\r\n--m--\r\n");
    raw
}

fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "eml")
                && let Ok(raw) = std::fs::read(&p)
            {
                out.push(raw);
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let messages = corpus();
    assert!(!messages.is_empty(), "no corpus messages");
    let total: usize = messages.iter().map(Vec::len).sum();
    let mut g = c.benchmark_group("mime_parse");
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function(format!("corpus_{}_messages", messages.len()), |b| {
        b.iter(|| {
            for m in &messages {
                black_box(crmlog::mime::parse(black_box(m)));
            }
        })
    });

    let big = two_mb_body();
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("body_2mb", |b| {
        b.iter(|| black_box(crmlog::mime::parse(&big)))
    });

    let huge = fifty_mb_attachment();
    let m = crmlog::mime::parse(&huge);
    assert_eq!(m.attachments.first().map(|a| a.bytes), Some(50_000_000));
    g.throughput(Throughput::Bytes(huge.len() as u64));
    g.sample_size(10);
    g.bench_function("attachment_50mb", |b| {
        b.iter(|| black_box(crmlog::mime::parse(&huge)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
