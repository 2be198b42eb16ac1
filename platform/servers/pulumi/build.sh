#!/usr/bin/env bash
# Build the real Pulumi CLI (github.com/pulumi/pulumi/pkg/v3, pinned in go.mod) for the engine checks.
#   usage: build.sh VERSION OUTDIR      e.g. build.sh v3.274.1 /tmp/servers
#   result: OUTDIR/bin/pulumi
# VERSION must equal the pkg/v3 version in go.mod (exit 2 if not). Exit 3 when the module proxy refuses a module.
set -euo pipefail
command -v go >/dev/null || { echo "$0 needs Go 1.26 or newer on PATH: the engine checks build the Pulumi CLI from the Go module proxy" >&2; exit 1; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -eq 2 ]] || { echo "usage: $0 VERSION OUTDIR" >&2; exit 2; }
VERSION="$1" OUTDIR="$2"
PINNED="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" && $2 ~ /^v/ { print $2; exit }' "$HERE/go.mod")"
if [[ "$VERSION" != "$PINNED" ]]; then
  echo "pulumi: requested $VERSION but $HERE/go.mod pins github.com/pulumi/pulumi/pkg/v3 $PINNED (and sdk/v3 at the same version)" >&2
  exit 2
fi
mkdir -p "$OUTDIR/bin"
OUTDIR="$(cd "$OUTDIR" && pwd)"
LOG="$(mktemp "${TMPDIR:-/tmp}/build-pulumi.XXXXXX.log")"
trap 'rm -f "$LOG"' EXIT
# Upstream stamps the version the same way (its Makefile's -X .../common/version.Version); the Automation API
# reads it (`pulumi version`) and refuses a CLI older than it needs.
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION"
echo "pulumi: building $VERSION into $OUTDIR/bin/pulumi" >&2
if ! (cd "$HERE" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly" \
        go build -trimpath -ldflags "$LDFLAGS" -o "$OUTDIR/bin/pulumi.tmp" .) >"$LOG" 2>&1; then
  if grep -q "403 Forbidden\|not available" "$LOG"; then
    echo "UNAVAILABLE: the Go module proxy refuses a module pulumi $VERSION needs: $(grep -m1 '403\|not available' "$LOG")" >&2; exit 3
  fi
  echo "pulumi $VERSION: build FAILED; last 30 lines of the log:" >&2
  tail -n 30 "$LOG" >&2
  exit 1
fi
mv -f "$OUTDIR/bin/pulumi.tmp" "$OUTDIR/bin/pulumi"
"$OUTDIR/bin/pulumi" version >&2
