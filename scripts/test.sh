#!/usr/bin/env bash
# Quick start command (2): installs what is missing, then runs the linters and the whole test
# suite against a real Temporal dev server and a real PostgreSQL that the suite starts itself.
# The cluster test also needs the real Temporal server: built here the first time (Go, minutes on a
# cold machine, cached under .data/ by version).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --temporal-server
npm run lint
npm test
