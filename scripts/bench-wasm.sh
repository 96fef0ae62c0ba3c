#!/usr/bin/env bash
# MIME parse throughput and peak memory in WebAssembly under node
# (benches/mime_wasm.mjs). Builds the service-worker wasm like
# scripts/build.sh (profile wasm, feature worker) but with wasm-bindgen's
# nodejs glue, into target/bench-wasm/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cargo build --target wasm32-unknown-unknown --lib --profile wasm --features worker
wasm-bindgen --target nodejs --out-dir target/bench-wasm --out-name crmlog \
  target/wasm32-unknown-unknown/wasm/crmlog.wasm
# The repository's package.json declares ES modules; the nodejs glue is
# CommonJS.
echo '{"type": "commonjs"}' > target/bench-wasm/package.json
node benches/mime_wasm.mjs
