#!/usr/bin/env bash
# Build the real Pulumi Kubernetes provider (github.com/pulumi/pulumi-kubernetes/provider/v4, pinned in go.mod).
#   usage: build.sh VERSION OUTDIR      e.g. build.sh 4.25.0 /tmp/servers
#   result: OUTDIR/bin/pulumi-resource-kubernetes, reporting VERSION
# VERSION is the upstream tag whose commit go.mod pins (the module has no tags, so go.mod names a pseudo-version;
# the map below is the one place that ties the two). Exit 3 when the module proxy refuses a module.
set -euo pipefail
command -v go >/dev/null || { echo "$0 needs Go 1.24 or newer on PATH" >&2; exit 1; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -eq 2 ]] || { echo "usage: $0 VERSION OUTDIR" >&2; exit 2; }
VERSION="$1" OUTDIR="$2"
MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
declare -A COMMIT=([4.25.0]=f47bc2d6f199)   # git rev-parse v4.25.0 in pulumi/pulumi-kubernetes
PINNED="$(awk -v m="$MODULE" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$HERE/go.mod")"
if [[ -z "${COMMIT[$VERSION]:-}" || "$PINNED" != *"-${COMMIT[$VERSION]}" ]]; then
  echo "pulumi-resource-kubernetes: requested $VERSION but $HERE/go.mod pins $MODULE $PINNED; pin the commit of tag v$VERSION and add it to COMMIT in $0" >&2
  exit 2
fi
mkdir -p "$OUTDIR/bin"
OUTDIR="$(cd "$OUTDIR" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/build-pulumi-k8s.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cp "$HERE/main.go" "$HERE/go.mod" "$HERE/go.sum" "$WORK/"
# The schema and Terraform mapping ship in the module (upstream's main embeds copies its go generate writes).
if ! SRC="$(cd "$WORK" && GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' "$MODULE" 2>"$WORK/list.log")" || [[ -z "$SRC" ]]; then
  (cd "$WORK" && go mod download "$MODULE") >>"$WORK/list.log" 2>&1 || true
  SRC="$(cd "$WORK" && GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' "$MODULE" 2>>"$WORK/list.log")" || true
fi
if [[ -z "$SRC" || ! -f "$SRC/cmd/pulumi-resource-kubernetes/schema.json" ]]; then
  if grep -q "403\|not available" "$WORK/list.log"; then echo "UNAVAILABLE: the Go module proxy refuses $MODULE: $(grep -m1 '403\|not available' "$WORK/list.log")" >&2; exit 3; fi
  echo "pulumi-resource-kubernetes: cannot find the module's schema.json:" >&2; cat "$WORK/list.log" >&2; exit 1
fi
cp "$SRC/cmd/pulumi-resource-kubernetes/schema.json" "$SRC/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$WORK/"
chmod u+w "$WORK"/*.json
LDFLAGS="-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$VERSION"
echo "pulumi-resource-kubernetes: building $VERSION into $OUTDIR/bin" >&2
if ! (cd "$WORK" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly" \
        go build -trimpath -ldflags "$LDFLAGS" -o "$OUTDIR/bin/pulumi-resource-kubernetes" .) >"$WORK/build.log" 2>&1; then
  if grep -q "403 Forbidden\|not available" "$WORK/build.log"; then echo "UNAVAILABLE: the Go module proxy refuses a module the provider needs: $(grep -m1 '403\|not available' "$WORK/build.log")" >&2; exit 3; fi
  echo "pulumi-resource-kubernetes $VERSION: build FAILED; last 30 lines of the log:" >&2
  tail -n 30 "$WORK/build.log" >&2
  exit 1
fi
