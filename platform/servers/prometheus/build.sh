#!/usr/bin/env bash
# Builds the real Prometheus server (github.com/prometheus/prometheus, pinned in go.mod as a Go tool) for tests.
#   usage: build.sh VERSION OUTDIR      e.g. build.sh 3.5.0 /tmp/servers
#   result: OUTDIR/bin/prometheus
# Why from source: Debian's build (3.5.3+ds1) leaves out the OTLP receiver (no --web.enable-otlp-receiver), which
# the pinned image prom/prometheus:v3.5.0 has and the local stack turns on. Prometheus's Go module numbers its
# releases v0.<300+minor>.<patch> (3.5.0 is v0.305.0); its go.mod has one replace (fsnotify), repeated in ours, so
# `go install` cannot build it and this module does, with the `tool` directive naming cmd/prometheus.
# Uses the default Go caches (GOMODCACHE, GOCACHE) and only the module proxy.
set -euo pipefail
command -v go >/dev/null || { echo "$0 needs Go 1.24 or newer (go on PATH): the real-server suite builds this program from the Go module proxy" >&2; exit 1; }

PROGRAM=prometheus
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -ne 2 ]]; then
  echo "usage: $0 VERSION OUTDIR   (VERSION = the Prometheus release whose module go.mod pins)" >&2
  exit 2
fi
VERSION="$1"
OUTDIR="$2"
PINNED="$(awk '$1 == "github.com/prometheus/prometheus" && $2 ~ /^v0\./ { print $2; exit }' "$HERE/go.mod")"
IFS=. read -r MAJOR MINOR PATCH <<<"$VERSION"
if [[ "$PINNED" != "v0.$(( MAJOR * 100 + MINOR )).$PATCH" ]]; then
  echo "$PROGRAM: requested $VERSION but $HERE/go.mod pins github.com/prometheus/prometheus $PINNED (3.x.y is v0.3xx.y)" >&2
  exit 2
fi

mkdir -p "$OUTDIR/bin"
OUTDIR="$(cd "$OUTDIR" && pwd)"
LOG="$(mktemp "${TMPDIR:-/tmp}/build-$PROGRAM.XXXXXX.log")"
trap 'rm -f "$LOG"' EXIT
# Stamped as upstream's promu does (common/version), so --version and /api/v1/status/buildinfo name the release.
PKG=github.com/prometheus/common/version
LDFLAGS="-s -w -X $PKG.Version=$VERSION -X $PKG.Branch=HEAD -X $PKG.BuildUser=tracing-platform -X $PKG.BuildDate=19700101-00:00:00"
echo "$PROGRAM: building $VERSION into $OUTDIR/bin/$PROGRAM" >&2
if ! (cd "$HERE" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly" \
        go build -trimpath -ldflags "$LDFLAGS" -o "$OUTDIR/bin/$PROGRAM.tmp" github.com/prometheus/prometheus/cmd/prometheus) >"$LOG" 2>&1; then
  echo "$PROGRAM $VERSION: build FAILED; last 30 lines of the log:" >&2
  tail -n 30 "$LOG" >&2
  rm -f "$OUTDIR/bin/$PROGRAM.tmp"
  if grep -qE '403 Forbidden|not available' "$LOG"; then
    echo "UNAVAILABLE: the Go module proxy refuses a module Prometheus $VERSION needs" >&2
    exit 3
  fi
  exit 1
fi
mv -f "$OUTDIR/bin/$PROGRAM.tmp" "$OUTDIR/bin/$PROGRAM"
"$OUTDIR/bin/$PROGRAM" --version >&2
