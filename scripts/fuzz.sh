#!/usr/bin/env bash
# Bounded fuzzing of crmlog's parse entry points (cargo-fuzz, libFuzzer).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Runs each target (default: all of them, i.e. mime_parse and
# forward_parse) for SECONDS (default 30), starting from the committed
# .eml fixtures as seed corpus. Installs cargo-fuzz only when it is missing.
# cargo-fuzz needs nightly compiler features; on a stable toolchain
# RUSTC_BOOTSTRAP=1 unlocks them. Exits non-zero when a target crashes; the
# crashing input is then in fuzz/artifacts/<target>/ and must become a
# fixture (tests/fixtures/fuzz/, tests/mime_fuzz_regressions.rs) once fixed.
# The first run builds the fuzz crate (minutes: the crate's native
# dependencies include a bundled SQLite); later runs reuse target/fuzz.
set -euo pipefail

seconds="${1:-30}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(mime_parse forward_parse)
fi

export RUSTC_BOOTSTRAP=1
# Keep the fuzz build apart from the main target dir so the two never
# invalidate each other's caches.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}/fuzz"

for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  # Seeds: the project's own messages (copied, so libFuzzer may add to
  # the corpus folder without touching the fixtures).
  find tests/fixtures -name '*.eml' -size -200k -print0 |
    while IFS= read -r -d '' f; do
      cp -n "$f" "$corpus/seed-$(echo "$f" | tr '/' '_')" 2>/dev/null || true
    done
  echo "fuzz.sh: $target for ${seconds}s" >&2
  # -O: optimised, without debug assertions and overflow checks, as the
  # shipped builds are. mail-parser's debug_assert!s fire on malformed
  # input that its release build handles (docs/mime.md), which would stop
  # every run at the first such input without finding real crashes.
  # No sanitizer by default: crmlog and mail-parser are safe Rust, so
  # AddressSanitizer would mostly slow the build (it instruments the
  # bundled SQLite too) and halve the executions. FUZZ_SANITIZER=address
  # turns it back on.
  cargo fuzz run -O -s "${FUZZ_SANITIZER:-none}" --fuzz-dir fuzz "$target" "$corpus" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1
done
echo "fuzz.sh: no crash in ${targets[*]}" >&2
