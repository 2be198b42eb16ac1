#!/usr/bin/env bash
# Installs a real server program from pinned Debian packages into a folder, never into the system.
#
#   platform/servers/debian/build.sh PROGRAM VERSION OUTDIR
#
#   PROGRAM  prometheus | etcd | memcached
#   VERSION  the upstream version pinned below (anything else: exit 2)
#   OUTDIR   gets bin/<binaries> (symlinks, or exec wrappers where a packaged library is needed)
#            and root/ (the unpacked packages)
#
# Packages are fetched with `apt-get download` through a private apt configuration (its own
# sources list, lists, cache and an empty status file) under
# ${XDG_CACHE_HOME:-$HOME/.cache}/tracing-platform/apt/<suite>, then unpacked with `dpkg -x`.
# The system's apt sources and dpkg database are never touched. See README.md beside this file.
set -euo pipefail

# ---- Pins -------------------------------------------------------------------------------------
# program     upstream  suite     packages: name=exact-debian-version, comma-separated       binaries (paths inside the packages), comma-separated
PINS='
prometheus    3.5.3     sid       prometheus=3.5.3+ds1-6,promtool=3.5.3+ds1-6                 usr/bin/prometheus,usr/bin/promtool
etcd          3.5.16    trixie    etcd-server=3.5.16-4,etcd-client=3.5.16-4                   usr/bin/etcd,usr/bin/etcdctl,usr/bin/etcdutl
memcached     1.6.18    bookworm  memcached=1.6.18-1,libevent-2.1-7=2.1.12-stable-8,libsasl2-2=2.1.28+dfsg-10,libsasl2-modules-db=2.1.28+dfsg-10  usr/bin/memcached
'
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SELF="platform/servers/debian/build.sh"

usage() {
    echo "usage: $SELF PROGRAM VERSION OUTDIR" >&2
    echo "  pinned: $(awk 'NF {printf "%s%s %s", sep, $1, $2; sep=", "}' <<<"$PINS")" >&2
    exit 2
}
die() { echo "$SELF: $*" >&2; exit 1; }

[[ $# -eq 3 ]] || usage
PROGRAM=$1 VERSION=$2 OUTDIR=$3

row=$(awk -v p="$PROGRAM" '$1 == p' <<<"$PINS")
[[ -n $row ]] || { echo "$SELF: unknown PROGRAM '$PROGRAM'" >&2; usage; }
read -r _ PIN_VERSION SUITE PKG_LIST BIN_LIST <<<"$row"
if [[ $VERSION != "$PIN_VERSION" ]]; then
    echo "$SELF: $PROGRAM $VERSION is not pinned; this script installs $PROGRAM $PIN_VERSION only (Debian $SUITE: ${PKG_LIST//,/ })" >&2
    exit 2
fi
IFS=, read -r -a PKGS <<<"$PKG_LIST"
IFS=, read -r -a BINS <<<"$BIN_LIST"

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
STAMP="$OUTDIR/.debian-pins"
STAMP_TEXT="$PROGRAM $PIN_VERSION $SUITE $PKG_LIST"

installed() {
    [[ -f $STAMP && $(<"$STAMP") == "$STAMP_TEXT" ]] || return 1
    local b
    for b in "${BINS[@]}"; do [[ -x $OUTDIR/bin/$(basename "$b") ]] || return 1; done
}
if installed; then
    echo "$PROGRAM $PIN_VERSION already in $OUTDIR"
    exit 0
fi

command -v apt-get >/dev/null && command -v dpkg >/dev/null || die "needs apt-get and dpkg (a Debian machine)"
[[ -r $KEYRING ]] || die "needs $KEYRING (package debian-archive-keyring)"

# ---- Private apt state for the suite ----------------------------------------------------------
APT_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/tracing-platform/apt/$SUITE"
mkdir -p "$APT_DIR"/{empty.d,state/lists/partial,cache/archives/partial,log,debs}
exec 9>"$APT_DIR/.lock"
flock 9   # one build at a time per suite (parallel test setup may call us concurrently)

echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$APT_DIR/sources.list"
cat >"$APT_DIR/apt.conf" <<EOF
// Written by $SELF. Read through APT_CONFIG; nothing of /etc/apt is read.
Dir::Etc::parts "$APT_DIR/empty.d";
Dir::Etc::sourcelist "$APT_DIR/sources.list";
Dir::Etc::sourceparts "$APT_DIR/empty.d";
Dir::Etc::preferences "/dev/null";
Dir::Etc::preferencesparts "$APT_DIR/empty.d";
Dir::State "$APT_DIR/state";
Dir::State::Lists "$APT_DIR/state/lists";
Dir::State::status "/dev/null";
Dir::Cache "$APT_DIR/cache";
Dir::Cache::srcpkgcache "";
Dir::Log "$APT_DIR/log";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
// Debian's mirrors as reached from here may serve a Release past its Valid-Until.
Acquire::Check-Valid-Until "false";
APT::Sandbox::User "root";
EOF
apt_() { APT_CONFIG="$APT_DIR/apt.conf" "$@"; }

deb_file() {  # name=version -> cached .deb path (empty if not cached)
    local name=${1%%=*} ver=${1#*=}
    compgen -G "$APT_DIR/debs/${name}_${ver//:/%3a}_*.deb" | head -n1 || true
}

UPDATED=0
update_lists() {
    echo "apt-get update (Debian $SUITE, private lists in $APT_DIR)"
    apt_ apt-get -q update >"$APT_DIR/log/update.out" 2>&1 || { cat "$APT_DIR/log/update.out" >&2; die "apt-get update for Debian $SUITE failed"; }
    grep -E '^(W|E):' "$APT_DIR/log/update.out" >&2 || true
    UPDATED=1
}
served() { apt_ apt-cache madison "$1" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' | sort -u | paste -sd' ' -; }

missing=()
for p in "${PKGS[@]}"; do [[ -n $(deb_file "$p") ]] || missing+=("$p"); done
if ((${#missing[@]})); then
    compgen -G "$APT_DIR/state/lists/*_Packages*" >/dev/null || update_lists
    for attempt in 1 2; do
        absent=()
        for p in "${missing[@]}"; do
            [[ " $(served "${p%%=*}") " == *" ${p#*=} "* ]] || absent+=("$p")
        done
        ((${#absent[@]})) || break
        if ((attempt == 1 && UPDATED == 0)); then update_lists; continue; fi
        for p in "${absent[@]}"; do
            now=$(served "${p%%=*}")
            echo "$SELF: $PROGRAM: pinned Debian package ${p} is no longer served by Debian $SUITE; $SUITE serves now: ${p%%=*} ${now:-(nothing)}" >&2
        done
        die "bump the pin for $PROGRAM in $SELF (see README.md beside it)"
    done
    echo "apt-get download ${missing[*]}"
    (cd "$APT_DIR/debs" && apt_ apt-get -q download "${missing[@]}" >"$APT_DIR/log/download.out" 2>&1) \
        || { cat "$APT_DIR/log/download.out" >&2; die "apt-get download failed for $PROGRAM"; }
fi

# ---- Unpack and link ---------------------------------------------------------------------------
stage="$OUTDIR/.root.tmp.$$"
rm -rf "$stage"
mkdir -p "$stage"
trap 'rm -rf "$stage"' EXIT
for p in "${PKGS[@]}"; do
    f=$(deb_file "$p")
    [[ -n $f ]] || die "$p was not downloaded"
    dpkg -x "$f" "$stage"
done
rm -rf "$OUTDIR/root" "$OUTDIR/bin" "$STAMP"
mv "$stage" "$OUTDIR/root"
mkdir -p "$OUTDIR/bin"

libdirs=()
for d in "$OUTDIR"/root/usr/lib/*-linux-gnu "$OUTDIR"/root/lib/*-linux-gnu; do
    compgen -G "$d/*.so*" >/dev/null && libdirs+=("${d#"$OUTDIR"/root/}")
done
for b in "${BINS[@]}"; do
    name=$(basename "$b")
    [[ -x $OUTDIR/root/$b ]] || die "$b is not in ${PKG_LIST//,/ }"
    if ((${#libdirs[@]})); then
        # Packaged libraries beside the binary: an exec wrapper (same pid) puts them first.
        ldpath=$(printf ':$root/%s' "${libdirs[@]}")
        cat >"$OUTDIR/bin/$name" <<EOF
#!/bin/sh
# $name from Debian $SUITE (${PKG_LIST//,/ }), written by $SELF
root=\$(cd "\$(dirname "\$(readlink -f "\$0")")/../root" && pwd)
LD_LIBRARY_PATH="${ldpath#:}\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "\$root/$b" "\$@"
EOF
        chmod 755 "$OUTDIR/bin/$name"
        ldenv=$(printf ':%s' "${libdirs[@]/#/$OUTDIR/root/}")
    else
        ln -s "../root/$b" "$OUTDIR/bin/$name"
        ldenv=
    fi
    if unresolved=$(LD_LIBRARY_PATH="${ldenv#:}" ldd "$OUTDIR/root/$b" 2>&1 | grep 'not found'); then
        die "$name needs libraries neither the packages nor the system provide: $(echo $unresolved)"
    fi
done

# ---- Check the version it reports -------------------------------------------------------------
case $PROGRAM in
    # sed, not head: head exits after one line, the program gets SIGPIPE, and pipefail turns that into exit 141.
    prometheus) got=$("$OUTDIR/bin/prometheus" --version 2>&1 | sed -n 1p) ;;
    etcd) got=$("$OUTDIR/bin/etcd" --version 2>&1 | sed -n 1p) ;;
    memcached) got=$("$OUTDIR/bin/memcached" -V 2>&1 | sed -n 1p) ;;
esac
[[ $got =~ (^|[^0-9.])${PIN_VERSION//./\\.}([^0-9.]|$) ]] || die "$PROGRAM reports '$got', expected $PIN_VERSION"

echo "$STAMP_TEXT" >"$STAMP"
echo "$PROGRAM $PIN_VERSION (Debian $SUITE: ${PKG_LIST//,/ }) in $OUTDIR/bin: $(cd "$OUTDIR/bin" && echo *)"
