#! /bin/bash
# build-debs.sh -- build XenFlow's Debian packages from this source tree.
#
# Usage: tests/packaging/build-debs.sh [--reuse] [OUTDIR]
#
# Copies the tree's files (tracked, and untracked ones that are not
# ignored) to OUTDIR/src/xenflow-openvswitch, installs the Build-Depends of
# debian/control (apt-get build-dep, as root or through sudo) and lintian,
# runs "dpkg-buildpackage -b" there and lintian on the result.  The .deb
# files land in OUTDIR (default /var/tmp/xenflow-pkg).
#
#   --reuse   keep the previous build directories (_build-deb*): an
#             incremental rebuild, for development
#
# Environment:
#   DEB_BUILD_OPTIONS  passed on; default "nocheck" unless XENFLOW_PKG_CHECK=1
#                      (which runs "make check-xenflow" in the build)
#   XENFLOW_SKIP_APT   set to 1 to skip apt-get (dependencies already there)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
reuse=no
if [ "${1:-}" = --reuse ]; then
    reuse=yes
    shift
fi
out=${1:-/var/tmp/xenflow-pkg}
src=$out/src/xenflow-openvswitch
jobs=$(nproc 2>/dev/null || echo 2)
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo

log() {
    printf '\n=== build-debs: %s\n' "$*"
}

mkdir -p "$out/src"
log "copying the source tree to $src"
if [ "$reuse" = yes ] && [ -d "$src" ]; then
    # Keep _build-deb*; replace everything else.
    find "$src" -mindepth 1 -maxdepth 1 ! -name '_build-deb*' \
         -exec rm -rf {} +
else
    rm -rf "$src"
    mkdir -p "$src"
fi
(cd "$top" && git ls-files -z --cached --others --exclude-standard \
     | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh \
     | tar --null -T - -cf -) | tar -xf - -C "$src"

if [ "${XENFLOW_SKIP_APT:-0}" != 1 ]; then
    log "installing build dependencies (apt-get build-dep)"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get build-dep -y -q \
        --no-install-recommends "$src"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
        --no-install-recommends dpkg-dev fakeroot lintian
fi

if [ "${XENFLOW_PKG_CHECK:-0}" = 1 ]; then
    export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-}
else
    export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck}
fi
nc=
[ "$reuse" = no ] || nc=-nc
log "dpkg-buildpackage -b $nc (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)"
rm -f "$out"/src/*.deb "$out"/src/*.ddeb "$out"/src/*.changes \
      "$out"/src/*.buildinfo
start=$(date +%s)
(cd "$src" && dpkg-buildpackage -b -us -uc -j"$jobs" $nc)
end=$(date +%s)
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
log "built in $((end - start)) s:"
ls -l "$out"/*.deb
# The listing once, then grep: "dpkg-deb -c | grep -q" under pipefail
# fails whenever grep exits before dpkg-deb has written everything.
contents=$(dpkg-deb -c "$out"/xenflow-switch_*.deb)
for f in usr/bin/xenflow-agent usr/bin/xenflow-ctl \
         usr/share/openvswitch/scripts/ovs-save \
         usr/share/openvswitch/xenflow-dashboard/index.html \
         usr/share/openvswitch/xenflow-dashboard/dashboard.js \
         usr/share/openvswitch/xenflow-dashboard/dashboard-path.js \
         usr/share/openvswitch/xenflow-dashboard/dashboard-actions.js \
         usr/share/openvswitch/xenflow-dashboard/favicon.svg; do
    grep -q " \./$f\$" <<< "$contents" \
        || { echo "build-debs: xenflow-switch lacks /$f" >&2; exit 1; }
done

log "lintian"
# Errors fail the build; warnings and informational tags are printed.
lintian --fail-on error --display-info "$out"/*.changes
echo "build-debs: lintian: no errors"
