// Forward parsing speed in node: crmlog's WebAssembly build (service-worker
// flavour) and, when installed, email-forward-parser, on the same corpus
// cases. Usage (see docs/forward.md for building the nodejs bindings):
//   node benches/forward_wasm.mjs WASM_PKG_DIR [EFP_DIST_INDEX_JS]
import fs from "fs";
import path from "path";
import { createRequire } from "module";

const DIR = "tests/fixtures/crisp-oss_email-forward-parser";
const expectations = JSON.parse(fs.readFileSync(path.join(DIR, "expectations.json"), "utf8"));
const cases = expectations.cases.map((c) => [
  fs.readFileSync(path.join(DIR, c.body_fixture), "utf8"),
  c.subject_fixture ? fs.readFileSync(path.join(DIR, c.subject_fixture), "utf8") : null,
]);

function measure(name, parse) {
  // Warm up, then run whole passes over the corpus for about 3 seconds.
  for (let i = 0; i < 20; i++) for (const [b, s] of cases) parse(b, s);
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 3e9) {
    for (const [b, s] of cases) parse(b, s);
    n += cases.length;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  const perSecond = Math.round(n / (elapsed / 1e9));
  console.log(`${name}: ${perSecond} cases/s (${n} cases in ${(elapsed / 1e9).toFixed(2)} s)`);
}

const require = createRequire(import.meta.url);
const wasm = require(path.resolve(process.argv[2], "crmlog.js"));
measure("crmlog wasm parse_forward_text (object)", (b, s) => wasm.parse_forward_text(b, s ?? undefined));
if (wasm.parse_forward_text_json) {
  measure("crmlog wasm parse_forward_text_json + JSON.parse", (b, s) =>
    JSON.parse(wasm.parse_forward_text_json(b, s ?? undefined)));
}

if (process.argv[3]) {
  const { default: EmailForwardParser } = await import(path.resolve(process.argv[3]));
  const parser = new EmailForwardParser();
  measure("email-forward-parser read", (b, s) => parser.read(b, s));
}
