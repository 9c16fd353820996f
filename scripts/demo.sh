#!/usr/bin/env bash
# Quick start command (1): installs what is missing, starts the embedded stack (Temporal dev
# server, PostgreSQL, department simulator, worker, API), submits a demo newborn application,
# prints its progress department by department, then keeps serving until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser
exec npx tsx scripts/start.ts --demo
