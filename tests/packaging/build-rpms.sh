#! /bin/bash
# build-rpms.sh -- build the RPM packages of rhel/xenflow-openvswitch.spec
# here, on Debian, with Debian's rpm package ("rpmbuild -bb"), as far as
# that goes without a RHEL machine.
#
# Usage: tests/packaging/build-rpms.sh [--builddir DIR] [OUTDIR]
#
#   --builddir DIR  a configured build tree of this source (default:
#                   _build); "make dist" there makes Source0
#   OUTDIR          rpmbuild's top directory (default
#                   /var/tmp/xenflow-pkg/rpmbuild); the packages land in
#                   OUTDIR/RPMS/<arch>/
#
# Source1 is the pinned upstream tarball that Debian's openvswitch-source
# installs (checked against upstream/openvswitch.pin by configure, inside
# rpmbuild).  What differs from a RHEL build (see Documentation/packaging.md):
# BuildRequires are not checked (--nodeps: Debian's libraries satisfy them
# under other names), RHEL's systemd and debuginfo macros are absent (defined
# here to their RHEL values or off), and dependencies are generated against
# Debian's libraries.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$top/_build
if [ "${1:-}" = --builddir ]; then
    builddir=$(cd "$2" && pwd)
    shift 2
fi
out=${1:-/var/tmp/xenflow-pkg/rpmbuild}
spec=$top/rhel/xenflow-openvswitch.spec
pin=$top/upstream/openvswitch.pin

log() {
    printf '\n=== build-rpms: %s\n' "$*"
}

if ! command -v rpmbuild >/dev/null; then
    sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
        --no-install-recommends rpm
fi
[ -f "$builddir/Makefile" ] \
    || { echo "build-rpms: $builddir is not configured (run configure there)" >&2; exit 1; }

mkdir -p "$out"/SOURCES "$out"/SPECS
log "make dist in $builddir"
make -C "$builddir" dist > "$out/dist.log"
version=$(sed -n 's/^%global xf_version //p' "$spec")
ovs_version=$(sed -n 's/^version=//p' "$pin")
mv "$builddir/xenflow-openvswitch-$version.tar.xz" "$out/SOURCES/"
cp "$(sed -n 's/^default_tarball=//p' "$pin")" \
   "$out/SOURCES/openvswitch-$ovs_version.tar.gz"
cp "$spec" "$out/SPECS/"

log "rpmbuild -bb"
start=$(date +%s)
rpmbuild -bb --nodeps \
    --define "_topdir $out" \
    --define "_smp_mflags -j$(nproc)" \
    --define 'debug_package %{nil}' \
    --define '_unitdir /usr/lib/systemd/system' \
    --define 'systemd_requires %{nil}' \
    --define 'systemd_post() %{nil}' \
    --define 'systemd_preun() %{nil}' \
    --define 'systemd_postun_with_restart() %{nil}' \
    "$out/SPECS/$(basename "$spec")"
end=$(date +%s)
log "built in $((end - start)) s:"
for rpm in "$out"/RPMS/*/*.rpm; do
    echo "== $(basename "$rpm")"
    rpm -qp --requires "$rpm" | sed 's/^/   requires: /'
    rpm -qlp "$rpm" | sed 's/^/   /'
done
