#!/usr/bin/env bash
# Fetch the CustomResourceDefinitions that the platform's rendered manifests use,
# from the operators' own Go modules through the Go module proxy (a module zip holds
# the repository's YAML at that tag), and copy them into OUTDIR/crds/.
#   usage: build.sh VERSION OUTDIR
#   VERSION: the single pin string below (exit 2 on any other), e.g.
#     build.sh prometheus-operator-v0.85.0_opentelemetry-operator-v0.140.0 /tmp/servers
# The module zips are checked against the pinned h1: hashes (and, by the go command,
# against the checksum database); they land in the default module cache.
set -euo pipefail
command -v go >/dev/null || { echo "$0 needs Go 1.24 or newer (go on PATH; Debian: golang-1.24-go or newer): the real-server suite builds this program from the Go module proxy" >&2; exit 1; }

PROGRAM=crds
PROM_MOD=github.com/prometheus-operator/prometheus-operator
PROM_VER=v0.85.0
PROM_SUM="h1:M5xLCLEoaW2IJfnuCwFzzpL+jSVQu3KGT84Pye+fW8s="
OTEL_MOD=github.com/open-telemetry/opentelemetry-operator
OTEL_VER=v0.140.0
OTEL_SUM="h1:yHwVEn1vjQ7n9OoOZX/rsgur+YozIKNjCoWSk6EAhvw="
PIN="prometheus-operator-${PROM_VER}_opentelemetry-operator-${OTEL_VER}"

# module  version  h1-sum  path-in-module  (output file name = basename)
FILES=(
  "$PROM_MOD $PROM_VER $PROM_SUM example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml"
  "$PROM_MOD $PROM_VER $PROM_SUM example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml"
  "$OTEL_MOD $OTEL_VER $OTEL_SUM config/crd/bases/opentelemetry.io_instrumentations.yaml"
)

if [[ $# -ne 2 ]]; then
  echo "usage: $0 VERSION OUTDIR   (VERSION = $PIN)" >&2
  exit 2
fi
VERSION="$1"
OUTDIR="$2"
if [[ "$VERSION" != "$PIN" ]]; then
  echo "$PROGRAM: requested version $VERSION but $0 pins $PIN; change the pins in this script (and README.md) or ask for $PIN" >&2
  exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/build-$PROGRAM.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUTDIR/crds"

declare -A DIRS=()
for entry in "${FILES[@]}"; do
  read -r mod ver sum path <<<"$entry"
  key="$mod@$ver"
  if [[ -z "${DIRS[$key]:-}" ]]; then
    # Run outside any module so that no go.mod around the caller is read.
    if ! (cd "$WORK" && GOFLAGS=-mod=mod go mod download -json "$key") >"$WORK/dl.json" 2>"$WORK/dl.log"; then
      echo "$PROGRAM $VERSION: go mod download $key FAILED; last 30 lines:" >&2
      tail -n 30 "$WORK/dl.json" "$WORK/dl.log" >&2
      exit 1
    fi
    got_sum="$(sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p' "$WORK/dl.json")"
    dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' "$WORK/dl.json")"
    if [[ "$got_sum" != "$sum" ]]; then
      echo "$PROGRAM $VERSION: $key has hash '$got_sum', expected $sum" >&2
      exit 1
    fi
    if [[ ! -d "$dir" ]]; then
      echo "$PROGRAM $VERSION: go mod download $key gave no directory" >&2
      exit 1
    fi
    DIRS[$key]="$dir"
  fi
  src="${DIRS[$key]}/$path"
  if [[ ! -f "$src" ]]; then
    echo "$PROGRAM $VERSION: $path is missing from $key" >&2
    exit 1
  fi
  # The module cache is read-only; the copy must be writable for cleanup.
  install -m 0644 "$src" "$OUTDIR/crds/$(basename "$path")"
done
echo "$PROGRAM: wrote ${#FILES[@]} CRDs for $PIN into $OUTDIR/crds" >&2
