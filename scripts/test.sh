#!/usr/bin/env bash
# Quick start command (2): installs what is missing, then runs the linters and the whole test
# suite against a real Temporal dev server and a real PostgreSQL that the suite starts itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run lint
npm test
