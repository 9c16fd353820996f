#!/usr/bin/env bash
# Builds oasdiff (the OpenAPI diff tool that tells breaking changes) at the pinned version, once per
# machine, into .data/oasdiff/<version>/oasdiff, like scripts/temporal-server.sh does for Temporal:
# the compatibility test runs that binary and needs neither Go nor the module cache at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

version="$(cat openapi/oasdiff-version.txt)"
out=".data/oasdiff/$version"
if [ -x "$out/oasdiff" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null 2>&1; then
  echo "oasdiff: Go is needed to build github.com/oasdiff/oasdiff $version" >&2
  exit 1
fi
echo "oasdiff: building github.com/oasdiff/oasdiff $version into $out"
staging="$out.partial"
rm -rf "$staging"
mkdir -p "$staging"
GOBIN="$(pwd)/$staging" CGO_ENABLED=0 go install "github.com/oasdiff/oasdiff@$version"
# Moved last: an interrupted build leaves no binary where the test looks.
mkdir -p "$out"
mv "$staging/oasdiff" "$out/oasdiff"
rm -rf "$staging"
