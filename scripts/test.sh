#!/usr/bin/env bash
# Runs every test of crmlog on a fresh machine: set-up, build, lints,
# native tests, wasm tests (node and headless Chromium), the wasm/wasm2js
# parity test and the end-to-end tests. Prints the counts at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT

bash scripts/setup.sh
bash scripts/build.sh

step() { printf '\n== test: %s\n' "$*"; }
# Sums "N passed" from cargo's and node's reports in a log file.
cargo_passed() { grep -E '^test result: ok\.' "$1" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s+=$1} END {print s+0}'; }
node_passed() { grep -E '^# pass ' "$1" | awk '{s+=$3} END {print s+0}'; }

BIN_WEBEXT=node_modules/.bin/web-ext

step "formatting and lints (native and wasm32, both flavours)"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
for features in content worker content,worker; do
  cargo clippy --target wasm32-unknown-unknown --lib --tests --features "$features" -- -D warnings
done

step "native tests"
cargo test 2>&1 | tee "$LOG/native"
[ "${PIPESTATUS[0]}" -eq 0 ]

step "wasm tests (node, and headless Chromium through chromedriver)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --features content,worker --tests 2>&1 | tee "$LOG/wasm"
[ "${PIPESTATUS[0]}" -eq 0 ]

step "wasm and wasm2js flavours compared; locales complete"
node --test tests/wasm/ tests/locales.test.mjs 2>&1 | tee "$LOG/parity"
[ "${PIPESTATUS[0]}" -eq 0 ]

step "Firefox: web-ext lint on dist/firefox (no errors allowed)"
"$BIN_WEBEXT" lint --source-dir dist/firefox --output json > "$LOG/webext.json" || true
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log("web-ext lint:", JSON.stringify(r.summary));
  for (const m of [...r.errors, ...r.warnings]) console.log(`  ${m._type} ${m.code} ${m.file ?? ""}: ${m.message}`);
  if (r.errors.length) process.exit(1);
' "$LOG/webext.json"

step "bounded fuzzing of the mail parsers (cargo-fuzz)"
bash scripts/fuzz.sh 20

step "end to end (Chromium, extension, sandbox CRM, Gmail replica)"
node --test --test-concurrency=1 tests/e2e/ 2>&1 | tee "$LOG/e2e"
[ "${PIPESTATUS[0]}" -eq 0 ]

NATIVE=$(cargo_passed "$LOG/native")
WASM=$(cargo_passed "$LOG/wasm")
PARITY=$(node_passed "$LOG/parity")
E2E=$(node_passed "$LOG/e2e")
printf '\n== test: all passed in %s s\n' "$(( $(date +%s) - START ))"
printf '| suite | tests passed |\n|---|---:|\n'
printf '| native (cargo test) | %s |\n| wasm (wasm-bindgen-test: node + Chromium) | %s |\n' "$NATIVE" "$WASM"
printf '| wasm vs wasm2js parity, locales (node) | %s |\n| end to end (Playwright + Chromium) | %s |\n' "$PARITY" "$E2E"
