#! /bin/bash
# install-test.sh -- install XenFlow's Debian packages on a clean Debian 12
# (a debootstrap chroot) over a working stock Open vSwitch, and take them
# out again.  Root.
#
# Usage: tests/packaging/install-test.sh [--debs DIR] [--reuse] [--keep]
#
#   --debs DIR  test the packages in DIR (default: build them first with
#               tests/packaging/build-debs.sh into $XENFLOW_PKG_DIR)
#   --reuse     incremental package build (build-debs.sh --reuse)
#   --keep      leave the chroot in place afterwards (for inspection)
#
# Steps, each checked:
#   1. fresh chroot (a copy of a cached debootstrap of bookworm), Debian's
#      openvswitch-switch installed from the archive
#   2. stock daemon started with the distro's init script (ovs-ctl); a
#      database with bridges, ports, VLANs, QoS and other_config/external_ids
#      keys; its configuration columns recorded
#   3. xenflow-switch installed: /usr/sbin/ovs-vswitchd is ours
#      (update-alternatives), restart with the init script, the running
#      daemon is XenFlow (ovs-appctl version, xenflow/version), the database
#      configuration is unchanged, and XenFlow routes a packet (ofproto/trace)
#   4. xenflow-switch-dpdk installed: the DPDK build takes over, runs, and
#      initializes DPDK (no hugepages); removed: back to xenflow-switch
#   5. xenflow-client installed: binary, unit, default file, man page
#   6. xenflow-switch removed: the stock daemon is back, runs, keeps the
#      database
#
# Daemons run in their own network, mount and PID namespaces (unshare), so
# nothing outside the chroot sees their devices and none survives the step
# that started it.  From step 2 on the test holds /run/xenflow-system.lock
# (taken once), like every system test on the machine.
#
# Environment:
#   XENFLOW_PKG_DIR      where packages are built (default /var/tmp/xenflow-pkg)
#   XENFLOW_CHROOT_BASE  cached debootstrap (default /var/tmp/xenflow-chroot/base)
#   DEBIAN_MIRROR        for debootstrap (default http://deb.debian.org/debian)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
pkgdir=${XENFLOW_PKG_DIR:-/var/tmp/xenflow-pkg}
base=${XENFLOW_CHROOT_BASE:-/var/tmp/xenflow-chroot/base}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=$(dirname "$base")/run
lock=/run/xenflow-system.lock
debs= keep=no reuse=
while [ $# -gt 0 ]; do
    case $1 in
    --debs) debs=$(cd "$2" && pwd); shift 2 ;;
    --keep) keep=yes; shift ;;
    --reuse) reuse=--reuse; shift ;;
    *) sed -n '6,12s/^# \{0,1\}//p' "$0"; exit 1 ;;
    esac
done

if [ "$(id -u)" != 0 ]; then
    echo "install-test: must run as root (chroot, namespaces)" >&2
    exit 1
fi

log() {
    printf '\n=== install-test: %s\n' "$*"
}
fail() {
    echo "install-test: FAILED: $*" >&2
    exit 1
}
pass() {
    echo "install-test: ok: $*"
}

if [ -z "$debs" ]; then
    "$top/tests/packaging/build-debs.sh" $reuse "$pkgdir"
    debs=$pkgdir
fi
for p in xenflow-switch xenflow-switch-dpdk xenflow-client; do
    ls "$debs"/${p}_*.deb >/dev/null 2>&1 || fail "no $p package in $debs"
done

# Runs a command in the chroot, with /proc, /sys and /dev, and the host's
# network (apt; downloaded packages are kept in $pkgdir/apt-cache for the
# next run).  Mounts live in a private mount namespace: they go away with it.
in_root() {
    unshare --mount --fork 9>&- -- sh -c '
        r=$1; shift
        mount -t proc proc "$r/proc"
        mount -t sysfs sysfs "$r/sys"
        mount --rbind /dev "$r/dev"
        mount --bind "$0" "$r/var/cache/apt/archives"
        exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
            HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' \
        "$pkgdir/apt-cache" "$root" "$@"
}

# Runs a shell script in the chroot inside fresh network and PID namespaces:
# the daemons it starts see only a loopback device and their own tap
# devices, and die with the namespace when the script ends.  They do not
# inherit the lock (fd 9).
in_ns() {
    unshare --mount --net --pid --fork --kill-child 9>&- -- sh -c '
        r=$1; shift
        mount -t proc proc "$r/proc"
        mount -t sysfs sysfs "$r/sys"
        mount --rbind /dev "$r/dev"
        mount -t tmpfs tmpfs "$r/run"
        exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
            HOME=/root LANG=C.UTF-8 /bin/bash -euo pipefail -c "$1"' \
        sh "$root" "$1"
}

# daemon_is PATH WHY: /usr/sbin/ovs-vswitchd resolves to PATH.
daemon_is() {
    [ "$(in_root readlink -f /usr/sbin/ovs-vswitchd)" = "$1" ] \
        || fail "/usr/sbin/ovs-vswitchd is not $1 ($2)"
}

apt_in_root() {
    in_root apt-get -q -y -o Dpkg::Use-Pty=0 --no-install-recommends "$@"
}

# 1. A clean Debian 12 with the stock Open vSwitch.
if [ ! -x "$base/usr/bin/apt-get" ]; then
    log "debootstrap bookworm into $base (cached for later runs)"
    command -v debootstrap >/dev/null \
        || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
    rm -rf "$base.tmp"
    debootstrap --variant=minbase bookworm "$base.tmp" "$mirror"
    mv "$base.tmp" "$base"
fi
log "fresh chroot $root"
rm -rf "$root"
cp -a "$base" "$root"
cleanup() {
    if [ "$keep" = no ]; then
        rm -rf "$root"
    else
        echo "install-test: chroot kept in $root"
    fi
}
trap cleanup EXIT
# The host's apt sources (what this machine can reach) and name service.
rm -f "$root/etc/apt/sources.list"
cp -a /etc/apt/sources.list* "$root/etc/apt/" 2>/dev/null || true
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Package scripts must not start daemons outside the namespaces.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/debs" "$pkgdir/apt-cache/partial"
# Fixed names: apt-get inside the chroot gets no shell to expand globs.
for p in xenflow-switch xenflow-switch-dpdk xenflow-client; do
    cp "$debs"/${p}_*.deb "$root/debs/$p.deb"
done

apt_in_root update
apt_in_root install openvswitch-switch
stock_version=$(in_root dpkg-query -W -f='${Version}' openvswitch-switch)
log "stock openvswitch-switch $stock_version installed"

# What must survive every step: the configuration columns of the database
# (not status or statistics, which the daemon rewrites).
snapshot='
for t in Open_vSwitch:external_ids,other_config \
         Bridge:name,datapath_type,fail_mode,protocols,other_config,external_ids,ports \
         Port:name,tag,trunks,vlan_mode,qos,other_config,external_ids,interfaces \
         Interface:name,type,mtu_request,options,other_config,external_ids \
         QoS:type,other_config,queues Queue:other_config,external_ids \
         Controller:target,connection_mode; do
    echo "== ${t%%:*}"
    ovs-vsctl --format=csv --data=json --columns="${t#*:}" list "${t%%:*}" \
        | sort
done'
start_ovs='/etc/init.d/openvswitch-switch start >/dev/null'
stop_ovs='/etc/init.d/openvswitch-switch stop >/dev/null'

# From here on daemons run: take the machine's system-test lock (once, so
# that our steps do not queue behind other runs one by one).
exec 9> "$lock"
flock 9

# 2. The stock switch and an existing database.
log "stock daemon: start (distro init script), configure, record"
in_ns "$start_ovs
ovs-appctl version | head -1
ovs-vsctl add-br br0 -- set Bridge br0 datapath_type=netdev \
        other_config:hwaddr=02:00:00:00:00:10 external_ids:owner=ops \
    -- add-port br0 p1 tag=10 -- set Interface p1 type=internal \
        external_ids:vm=vm1 mtu_request=1400 \
    -- add-port br0 p2 trunks=10,20 -- set Interface p2 type=internal \
    -- add-br br1 -- set Bridge br1 datapath_type=netdev fail_mode=secure \
        protocols=OpenFlow13 \
    -- set-controller br1 tcp:127.0.0.1:6653 \
    -- set Open_vSwitch . other_config:n-handler-threads=1 \
        external_ids:site=lab \
    -- set Port p1 qos=@q -- --id=@q create QoS type=linux-htb \
        other_config:max-rate=100000000 queues:0=@q0 \
    -- --id=@q0 create Queue other_config:min-rate=1000000 >/dev/null
ovs-vsctl show
$snapshot > /tmp/db-stock
cp /tmp/db-stock /var/lib/db-stock
$stop_ovs"
in_root sh -c 'ovs-vswitchd --version | head -1'
daemon_is /usr/lib/openvswitch-switch/ovs-vswitchd "before our install"
pass "stock database created with the stock daemon"

# 3. XenFlow's switch package over it.
log "install xenflow-switch"
apt_in_root install /debs/xenflow-switch.deb
in_root update-alternatives --display ovs-vswitchd
daemon_is /usr/lib/xenflow-switch/ovs-vswitchd "xenflow-switch installed"
version=$(in_root ovs-vswitchd --version)
echo "$version"
grep -q '+xenflow' <<< "$version" || fail "ovs-vswitchd --version: no XenFlow suffix"
pass "/usr/sbin/ovs-vswitchd -> XenFlow's (update-alternatives)"
in_root dpkg-divert --list | grep 'ovs-save.distrib' \
    || fail "Debian's ovs-save is not diverted"
in_root grep -q 'xenflow/state-save' /usr/share/openvswitch/scripts/ovs-save \
    || fail "ovs-save is not the fork's (patch 0012)"
pass "ovs-save -> the fork's (dpkg-divert; Debian's kept as ovs-save.distrib)"

log "XenFlow daemon: restart with the distro init script, check, route"
in_ns "$start_ovs
ovs-appctl version | head -1
ovs-appctl version | grep -q '+xenflow'
ovs-appctl xenflow/version
$snapshot > /tmp/db-xenflow
diff -u /var/lib/db-stock /tmp/db-xenflow
echo 'database configuration unchanged'
# XenFlow on the upgraded database: a router between two networks.
ovs-vsctl set Bridge br0 other_config:xenflow-enable=true \
        other_config:xenflow-network-red=100 \
        other_config:xenflow-network-blue=200 \
    -- add-port br0 vr1 -- set Interface vr1 type=internal ofport_request=11 \
        other_config:xenflow-network=red other_config:xenflow-router=r1 \
        other_config:xenflow-mac=02:00:00:00:01:01 \
        other_config:xenflow-addresses=10.1.0.1/24 \
    -- add-port br0 vr2 -- set Interface vr2 type=internal ofport_request=12 \
        other_config:xenflow-network=blue other_config:xenflow-router=r1 \
        other_config:xenflow-mac=02:00:00:00:02:01 \
        other_config:xenflow-addresses=10.2.0.1/24 \
    -- add-port br0 ha -- set Interface ha type=internal ofport_request=13 \
        other_config:xenflow-network=red \
    -- add-port br0 hb -- set Interface hb type=internal ofport_request=14 \
        other_config:xenflow-network=blue
ovs-appctl xenflow/route-add r1 10.2.0.0/24 dev vr2
ovs-appctl xenflow/neigh-add r1 10.2.0.4 50:54:00:00:00:04
ovs-appctl xenflow/show
ovs-appctl ofproto/trace br0 in_port=13,dl_src=50:54:00:00:00:03,dl_dst=02:00:00:00:01:01,udp,nw_src=10.1.0.3,nw_dst=10.2.0.4,nw_ttl=64 > /tmp/trace
tail -1 /tmp/trace
grep '^Datapath actions:' /tmp/trace | grep 'dst=50:54:00:00:00:04' \
    | grep -q 'ttl=63'
# The init script's restart that saves flows (ovs-ctl restart, as systemd's
# reload does) with the packaged ovs-save: the route and neighbour flows
# are not in its restore script, they come back from the state file.
ovs-ofctl dump-flows br0 | grep -c 'cookie=0x58460[56]' > /tmp/n-tables
/etc/init.d/openvswitch-switch restart --save-flows=yes >/dev/null
for i in \$(seq 300); do
    grep -q 'every flow installed' /var/log/openvswitch/ovs-vswitchd.log && break
    sleep 0.1
done
grep 'saved router tables: [0-9]* entries set again, 0 refused' /var/log/openvswitch/ovs-vswitchd.log
grep 'every flow installed' /var/log/openvswitch/ovs-vswitchd.log
test \$(ovs-ofctl dump-flows br0 | grep -c 'cookie=0x58460[56]') = \$(cat /tmp/n-tables)
ovs-appctl ofproto/trace br0 in_port=13,dl_src=50:54:00:00:00:03,dl_dst=02:00:00:00:01:01,udp,nw_src=10.1.0.3,nw_dst=10.2.0.4,nw_ttl=64 \
    | grep '^Datapath actions:' | grep -q 'ttl=63'
$snapshot > /var/lib/db-xenflow
$stop_ovs"
pass "XenFlow daemon runs on the stock database, which kept its configuration"
pass "XenFlow routes a packet in the packaged daemon (ofproto/trace)"
pass "restart --save-flows=yes (ovs-ctl restart): the routes come back from XenFlow's state file"

# 4. The DPDK build.
log "install xenflow-switch-dpdk"
apt_in_root install /debs/xenflow-switch-dpdk.deb
daemon_is /usr/lib/xenflow-switch-dpdk/ovs-vswitchd-dpdk "xenflow-switch-dpdk installed"
version=$(in_root ovs-vswitchd --version)
echo "$version"
grep -q '^DPDK ' <<< "$version" || fail "the DPDK build does not report DPDK"
in_ns "$start_ovs
ovs-appctl version | grep -q '+xenflow'
ovs-appctl xenflow/version
test \"\$(ovs-vsctl get Open_vSwitch . dpdk_initialized)\" = false
$snapshot > /tmp/db-dpdk
diff -u /var/lib/db-xenflow /tmp/db-dpdk
# DPDK on, with Debian's DPDK libraries, no hugepages or PCI devices.
ovs-vsctl set Open_vSwitch . other_config:dpdk-init=true \
    'other_config:dpdk-extra=\"--no-huge --legacy-mem -m 1024 --no-pci --no-telemetry\"'
for i in \$(seq 100); do
    test \"\$(ovs-vsctl get Open_vSwitch . dpdk_initialized)\" = true && break
    sleep 0.2
done
ovs-vsctl get Open_vSwitch . dpdk_initialized dpdk_version
test \"\$(ovs-vsctl get Open_vSwitch . dpdk_initialized)\" = true
ovs-vsctl remove Open_vSwitch . other_config dpdk-init dpdk-extra
$stop_ovs"
pass "xenflow-switch-dpdk takes over, runs, and initializes DPDK (dpdk-init)"
apt_in_root remove xenflow-switch-dpdk
daemon_is /usr/lib/xenflow-switch/ovs-vswitchd "xenflow-switch-dpdk removed"
pass "xenflow-switch-dpdk removed: back to xenflow-switch"

# 5. The client package.
log "install xenflow-client"
apt_in_root install /debs/xenflow-client.deb
in_root xenflow-client --version | head -1
for f in /lib/systemd/system/xenflow-client.service \
         /etc/default/xenflow-client /usr/share/man/man8/xenflow-client.8.gz; do
    in_root test -f "$f" || fail "xenflow-client: $f missing"
done
in_root sh -c '! ls /etc/systemd/system/*/xenflow-client.service 2>/dev/null' \
    || fail "xenflow-client.service enabled before it is configured"
pass "xenflow-client: binary, unit (not enabled), default file, man page"
apt_in_root purge xenflow-client
in_root test ! -e /etc/default/xenflow-client \
    || fail "purge left /etc/default/xenflow-client"

# 6. Removal gives the stock daemon back.
log "remove xenflow-switch"
apt_in_root remove xenflow-switch
daemon_is /usr/lib/openvswitch-switch/ovs-vswitchd "xenflow-switch removed"
version=$(in_root ovs-vswitchd --version)
echo "$version"
! grep -q '+xenflow' <<< "$version" || fail "ovs-vswitchd --version still XenFlow's"
in_root sh -c '! grep -q xenflow /usr/share/openvswitch/scripts/ovs-save' \
    || fail "removal left the fork's ovs-save"
in_root test ! -e /usr/share/openvswitch/scripts/ovs-save.distrib \
    || fail "removal left ovs-save.distrib"
in_ns "$start_ovs
ovs-appctl version | head -1
! ovs-appctl version | grep -q '+xenflow'
! ovs-appctl xenflow/version 2>/dev/null
$snapshot > /tmp/db-back
diff -u /var/lib/db-xenflow /tmp/db-back
$stop_ovs"
pass "xenflow-switch removed: the stock daemon is back and keeps the database"

log "all checks passed"
