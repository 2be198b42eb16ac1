#!/usr/bin/env bash
# Build the real kube-apiserver (k8s.io/kubernetes, pinned in go.mod) for tests.
#   usage: build.sh VERSION OUTDIR      e.g. build.sh v1.34.4 /tmp/servers
#   result: OUTDIR/bin/kube-apiserver and OUTDIR/bin/kube-controller-manager
# VERSION must equal the k8s.io/kubernetes version in go.mod (exit 2 if not).
# Uses the default Go caches (GOMODCACHE, GOCACHE) and only the module proxy.
set -euo pipefail
command -v go >/dev/null || { echo "$0 needs Go 1.24 or newer (go on PATH; Debian: golang-1.24-go or newer): the real-server suite builds this program from the Go module proxy" >&2; exit 1; }

PROGRAM=kube-apiserver
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 VERSION OUTDIR   (VERSION = k8s.io/kubernetes version pinned in go.mod)" >&2
  exit 2
fi
VERSION="$1"
OUTDIR="$2"

PINNED="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$HERE/go.mod")"
if [[ -z "$PINNED" ]]; then
  echo "$PROGRAM: cannot find the k8s.io/kubernetes pin in $HERE/go.mod" >&2
  exit 2
fi
if [[ "$VERSION" != "$PINNED" ]]; then
  echo "$PROGRAM: requested version $VERSION but $HERE/go.mod pins k8s.io/kubernetes $PINNED;" >&2
  echo "$PROGRAM: change the pin (and every k8s.io/* replace to v0.<minor>.<patch>) in go.mod, or ask for $PINNED" >&2
  exit 2
fi

mkdir -p "$OUTDIR/bin"
OUTDIR="$(cd "$OUTDIR" && pwd)"
LOG="$(mktemp "${TMPDIR:-/tmp}/build-$PROGRAM.XXXXXX.log")"
trap 'rm -f "$LOG"' EXIT

# Same version stamping as upstream's hack/lib/version.sh, so that /version,
# kubectl version and the emulation-version defaults see the real release.
IFS=. read -r MAJOR MINOR _ <<<"${VERSION#v}"
PKG=k8s.io/component-base/version
LDFLAGS="-s -w"
LDFLAGS+=" -X $PKG.gitVersion=$VERSION -X $PKG.gitMajor=$MAJOR -X $PKG.gitMinor=$MINOR"
LDFLAGS+=" -X $PKG.gitTreeState=clean -X $PKG.buildDate=1970-01-01T00:00:00Z"

echo "$PROGRAM: building $VERSION into $OUTDIR/bin/$PROGRAM" >&2
if ! (cd "$HERE" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly" \
        go build -trimpath -ldflags "$LDFLAGS" -o "$OUTDIR/bin/$PROGRAM.tmp" .) >"$LOG" 2>&1; then
  echo "$PROGRAM $VERSION: build FAILED; last 30 lines of the log:" >&2
  tail -n 30 "$LOG" >&2
  rm -f "$OUTDIR/bin/$PROGRAM.tmp"
  exit 1
fi
mv -f "$OUTDIR/bin/$PROGRAM.tmp" "$OUTDIR/bin/$PROGRAM"
"$OUTDIR/bin/$PROGRAM" --version >&2
# The controller manager of the same release (controller-manager/main.go): the engine checks run its garbage
# collector, which completes the provider's foreground deletions.
echo "$PROGRAM: building kube-controller-manager $VERSION" >&2
if ! (cd "$HERE" && CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=readonly" \
        go build -trimpath -ldflags "$LDFLAGS" -o "$OUTDIR/bin/kube-controller-manager" ./controller-manager) >"$LOG" 2>&1; then
  echo "kube-controller-manager $VERSION: build FAILED; last 30 lines of the log:" >&2
  tail -n 30 "$LOG" >&2
  exit 1
fi
"$OUTDIR/bin/kube-controller-manager" --version >&2
