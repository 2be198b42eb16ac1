#!/usr/bin/env bash
# Builds the real OpenTelemetry Collector (the platform's subset of otelcol-contrib) for one pinned version,
# from manifest-VERSION.yaml next to this script, using only the Go module proxy.
# Usage: build.sh VERSION OUTDIR   ->   OUTDIR/bin/otelcol
# Go's default GOCACHE/GOMODCACHE are used on purpose, so a second build (or the other version) is fast.
set -euo pipefail
command -v go >/dev/null || { echo "$0 needs Go 1.24 or newer (go on PATH; Debian: golang-1.24-go or newer): the real-server suite builds this program from the Go module proxy" >&2; exit 1; }

if [[ $# -ne 2 ]]; then
  echo "usage: $0 VERSION OUTDIR   (e.g. $0 0.159.0 /tmp/otelcol-0.159.0)" >&2
  exit 2
fi
version=$1
outdir=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
manifest=$here/manifest-$version.yaml
if [[ ! -f $manifest ]]; then
  echo "error: no OCB manifest for otelcol $version: $manifest does not exist" >&2
  exit 2
fi

# The builder is released with the collector core, whose version can differ from the distribution's
# (the 0.140.1 distribution is built from core v0.140.0): take it from the manifest's core otlpreceiver line.
builder_version=$(sed -nE 's|^ *- gomod: go\.opentelemetry\.io/collector/receiver/otlpreceiver (v[0-9.]+).*|\1|p' "$manifest")
if [[ -z $builder_version ]]; then
  echo "error: cannot find the core version (otlpreceiver gomod line) in $manifest" >&2
  exit 1
fi
builder_dir=${XDG_CACHE_HOME:-$HOME/.cache}/tracing-platform/otelcol-builder/$builder_version
if [[ ! -x $builder_dir/builder ]]; then
  echo "installing go.opentelemetry.io/collector/cmd/builder@$builder_version into $builder_dir" >&2
  GOBIN=$builder_dir go install "go.opentelemetry.io/collector/cmd/builder@$builder_version"
fi

# Modules the checksum database here does not know skip it, and only those: the manifest pins their go.sum lines
# (`# gosum:`), checked below before the binary is installed.
nosumdb=$(sed -nE 's/^# gosum: ([^ ]+) .*/\1/p' "$manifest" | sort -u | paste -sd, -)
if [[ -n $nosumdb ]]; then
  export GONOSUMDB=${GONOSUMDB:+$GONOSUMDB,}$nosumdb
fi

# The builder writes sources, go.mod and the binary to dist.output_path: point it at a throw-away dir.
work=$(mktemp -d "${TMPDIR:-/tmp}/otelcol-build-$version.XXXXXX")
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
sed -E "s|^  output_path:.*|  output_path: $work/src|" "$manifest" >"$work/manifest.yaml"

echo "building otelcol $version with builder $builder_version (log: $work/builder.log)" >&2
if ! "$builder_dir/builder" --config "$work/manifest.yaml" >"$work/builder.log" 2>&1; then
  # The module proxy's "not available" is final (it refuses, it does not time out): exit 3 tells the caller that this
  # version cannot be had from here, as opposed to a build that broke.
  refused=$(grep -oE '[^ ]+@v[0-9][^:]*: reading [^ ]+: 403 Forbidden' "$work/builder.log" | head -n 1 || true)
  echo "error: builder $builder_version failed to build otelcol $version from $manifest; last 30 lines:" >&2
  tail -n 30 "$work/builder.log" >&2
  if [[ -n $refused ]]; then
    echo "UNAVAILABLE: the Go module proxy refuses a module this version needs (${refused%%: reading*}: 403, not available)" >&2
    exit 3
  fi
  exit 1
fi
while read -r pinned; do
  grep -qxF "$pinned" "$work/src/go.sum" || {
    echo "error: go.sum of otelcol $version lacks the pinned line '$pinned' (manifest $manifest): a module changed" >&2
    exit 1
  }
done < <(sed -nE 's/^# gosum: //p' "$manifest")
mkdir -p "$outdir/bin"
install -m 0755 "$work/src/otelcol" "$outdir/bin/otelcol"
echo "built $outdir/bin/otelcol ($("$outdir/bin/otelcol" --version))" >&2
