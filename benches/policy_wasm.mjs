// The rules engine in WebAssembly under node, on the same data as
// benches/policy.rs: a never-log list of 100,000 entries (build, lookups)
// and `decide` on outgoing events with 10 recipients against an account of
// 50 users, 10,000 contacts and that list. Prints one line per figure.
//
//   cargo build --target wasm32-unknown-unknown --lib --profile wasm --features worker
//   wasm-bindgen --target nodejs --out-dir target/bench-wasm --out-name crmlog \
//     target/wasm32-unknown-unknown/wasm/crmlog.wasm
//   echo '{"type": "commonjs"}' > target/bench-wasm/package.json
//   node benches/policy_wasm.mjs
//
// (scripts/bench-wasm.sh builds target/bench-wasm/ the same way; the
// package.json is needed because the repository's own declares ES modules
// and wasm-bindgen's nodejs glue is CommonJS.)
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const wasm = require(join(root, "target/bench-wasm/crmlog.js"));

function entries(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const k = i % 20;
    if (k === 0) out.push(`*.zone${i}.example`);
    else if (k <= 5) out.push(`corp${i}.example`);
    else out.push(`person${i}@firm${i % 5000}.example`);
  }
  return out;
}

function probes() {
  const out = [];
  for (let i = 0; i < 1000; i++) {
    switch (i % 8) {
      case 0: out.push(`person${i * 7}@firm${(i * 7) % 5000}.example`); break;
      case 1: out.push(`Person${i * 7}+news@Firm${(i * 7) % 5000}.example`); break;
      case 2: out.push(`someone@corp${i * 20 + 1}.example`); break;
      case 3: out.push(`a@mail.zone${i * 20}.example`); break;
      case 4: out.push(`nobody${i}@elsewhere.example`); break;
      case 5: out.push(`  x${i}@deep.sub.domain${i}.example `); break;
      case 6: out.push(`stranger${i}@firm${i % 5000}.example`); break;
      default: out.push(`bob${i}@client.example`);
    }
  }
  return out;
}

function account() {
  const users = [];
  for (let i = 0; i < 50; i++) {
    users.push({
      id: `u${i}`, email: `user${i}@acme.example`, aliases: [`alias${i}@acme.example`],
      inboxes: [{ address: `user${i}@acme.example`, provider: "gmail" }],
    });
  }
  const contacts = [];
  for (let i = 0; i < 10000; i++) {
    const deals = [];
    for (let d = 0; d < i % 8; d++) {
      deals.push({ id: `deal${i}-${d}`, open: d % 3 !== 0, created: `2026-0${1 + d}-01T00:00:00Z` });
    }
    contacts.push({ email: `contact${i}@client${i % 300}.example`, legal_basis: true, company: `client${i % 300}.example`, deals });
  }
  const deleted = [];
  for (let i = 0; i < 1000; i++) deleted.push(`gone${i}@client.example`);
  return {
    users, contacts, never_log: entries(100000), deleted,
    bcc_address: "777@bcc.crm.example", forwarding_address: "log@fwd.crm.example",
  };
}

function event(i) {
  const c = (k) => `Contact${k}@Client${k % 300}.example`;
  return JSON.stringify({
    kind: "outgoing", log: true, user: "u3", from: "user3@acme.example",
    to: [c(i), c(i + 1), c(i + 2), `new${i}@prospect.example`],
    cc: [c(i + 3), c(i + 4), "user7@acme.example"],
    bcc: [`person${i * 7}@firm${(i * 7) % 5000}.example`, `gone${i % 1000}@client.example`, c(i + 5)],
    body_bytes: 20000, attachments: [{ name: "deck.pdf", bytes: 2000000 }],
  });
}

/** Runs `f` repeatedly for about `ms` milliseconds; returns ms per call. */
function time(f, ms = 2000) {
  f();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    f();
    n++;
    now = performance.now();
  }
  return (now - start) / n;
}

const list = entries(100000);
const build = time(() => new wasm.NeverLogList(list).free(), 3000);
console.log(`wasm never_log build 100k: ${build.toFixed(1)} ms`);

const nl = new wasm.NeverLogList(list);
const ps = probes();
const perBatch = time(() => {
  let hits = 0;
  for (const p of ps) hits += nl.isExcluded(p) ? 1 : 0;
  return hits;
});
console.log(`wasm never_log isExcluded: ${(ps.length / perBatch / 1000).toFixed(2)} M lookups/s`);

const engine = new wasm.PolicyEngine(account());
const events = [];
for (let i = 0; i < 100; i++) events.push(event(i * 37));
const perEvents = time(() => {
  for (const e of events) engine.decideJson(e);
});
console.log(`wasm decide (decideJson, 10 recipients): ${(events.length / perEvents).toFixed(0)} k decisions/s`);
const objects = events.map((e) => JSON.parse(e));
const perObjects = time(() => {
  for (const e of objects) engine.decide(e);
});
console.log(`wasm decide (objects, 10 recipients): ${(objects.length / perObjects).toFixed(0)} k decisions/s`);
