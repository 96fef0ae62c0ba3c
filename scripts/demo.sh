#!/usr/bin/env bash
# Sets up a fresh machine, builds crmlog and runs the demo (see scripts/demo.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
node scripts/demo.mjs "$@"
