#!/usr/bin/env bash
# Builds the real Temporal server (Go, PostgreSQL persistence) and its SQL schema tool at a pinned
# version, once per machine: .data/temporal-server/<version>/ holds the two binaries and the
# PostgreSQL schemas, so temporal/cluster.ts depends on neither Go nor the module cache at run time.
# A cold build takes 3 to 10 minutes on 2 cores (7 min of CPU measured here) and 1.6 GB of module
# cache plus 1.2 GB of build cache; with those caches warm, ~40 s. A cached version is not rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."

# The pin: temporal/cluster.ts finds the binaries by the same file.
version="$(cat temporal/server-version.txt)"
out=".data/temporal-server/$version"

# Written last: a build that was interrupted leaves no marker and is done again.
if [ -f "$out/.complete" ]; then
  exit 0
fi
# Go's own install location, for a shell whose PATH was not set up by a login profile.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null 2>&1; then
  echo "temporal-server: Go is needed to build the Temporal server (go.temporal.io/server $version)" >&2
  exit 1
fi

echo "temporal-server: building go.temporal.io/server $version into $out (minutes on a cold machine)"
start=$(date +%s)
staging="$out.partial"
rm -rf "$staging" "$out"
mkdir -p "$staging"
# Pure Go (SQLite is modernc's): no cgo keeps the binaries free of the machine's C libraries.
GOBIN="$(pwd)/$staging" CGO_ENABLED=0 go install "go.temporal.io/server/cmd/server@$version"
GOBIN="$(pwd)/$staging" CGO_ENABLED=0 go install "go.temporal.io/server/cmd/tools/sql@$version"
mv "$staging/server" "$staging/temporal-server"
mv "$staging/sql" "$staging/temporal-sql-tool"

# The module cache is read-only and its layout is Go's business: the schemas are copied.
schemas="$(go env GOMODCACHE)/go.temporal.io/server@$version/schema/postgresql/v12"
mkdir -p "$staging/schema/postgresql"
cp -R "$schemas" "$staging/schema/postgresql/v12"
chmod -R u+w "$staging/schema"
for kind in temporal visibility; do
  if [ ! -d "$staging/schema/postgresql/v12/$kind/versioned" ]; then
    echo "temporal-server: $schemas/$kind/versioned is missing" >&2
    exit 1
  fi
done

echo "$version" >"$staging/.complete"
mv "$staging" "$out"
echo "temporal-server: built $out in $(($(date +%s) - start)) s"
