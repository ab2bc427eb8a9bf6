#! /bin/bash
# dpdk-forwarding.sh -- XenFlow's routed forwarding on DPDK ports against
# the same on the netdev datapath's own AF_PACKET ports: same binary, same
# namespaces, veths, router and traffic, same run.
#
#   netdev  hosts 10.1.0.3 (red) and 10.2.0.4 (blue) routed by router r1
#           inside ovs-vswitchd; the switch's ends of the veths are
#           ordinary ports of a datapath_type=netdev bridge (OVS reads and
#           writes them with AF_PACKET sockets from its main thread); DPDK
#           not initialized
#   dpdk    the same veth ends as DPDK ports (type=dpdk, DPDK's
#           net_af_packet driver: a PACKET_MMAP ring per port), polled by
#           one PMD thread on core 1; DPDK initialized without hugepages or
#           PCI (--no-huge --legacy-mem -m 1024 --no-pci)
#
# The router VM namespace has ip_forward=0, so what gets through was routed
# by the switch.  Columns as in forwarding.sh: TCP throughput (iperf3, 5 s),
# 64-byte UDP at maximum rate (kpps received), first ping RTT after the
# datapath flows are flushed, median of 20 pings; then dpdk/netdev.  In both
# runs the whole ovs-vswitchd (main thread, PMD thread, handlers) is pinned
# to core 1 and everything else runs on core 0, so the switch has one core
# either way; the PMD thread busy-polls it.  A benchmark, not a test.
#
# Usage: sudo benchmarks/dpdk-forwarding.sh [--builddir DIR]
#   DIR: upstream's build tree of a --with-dpdk build (default
#   _build-dpdk/ovs-build, what "utilities/xenflow-dev dpdk" builds).
# Needs root, iproute2, ethtool, ping, iperf3 and jq; holds
# /run/xenflow-system.lock while it runs (namespaces "xfb_*").  Everything
# it creates is removed on exit, also on failure.  About a minute.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/benchmarks/netns-lib.sh"
bench_options "$top/_build-dpdk/ovs-build" "$@"
if ! "$builddir/vswitchd/ovs-vswitchd" --version 2>/dev/null | grep -q '^DPDK'; then
    echo "$0: $builddir/vswitchd/ovs-vswitchd is not a DPDK build" \
         "(./configure --with-dpdk=shared, or utilities/xenflow-dev dpdk)" >&2
    exit 1
fi
if [ -z "${XENFLOW_SYSTEM_LOCKED:-}" ]; then
    XENFLOW_SYSTEM_LOCKED=1 exec flock /run/xenflow-system.lock "$0" "$@"
fi

. "$top/benchmarks/lib.sh"
work=$(mktemp -d /tmp/xenflow-dpdkfwd.XXXXXX)
trap 'netns_cleanup; rm -rf /var/run/dpdk/xenflow-bench' EXIT
trap 'exit 1' INT TERM HUP
xf_bench_env
have_iperf=yes
command -v iperf3 > /dev/null && command -v jq > /dev/null || have_iperf=no

swns=xfb_dsw
add_ns $swns; add_ns xfb_vm; add_ns xfb_a; add_ns xfb_b
ip netns exec xfb_vm sysctl -qw net.ipv4.ip_forward=0
add_veth vr1 xfb_vm $swns 10.1.0.1/24 02:00:00:00:01:01
add_veth vr2 xfb_vm $swns 10.2.0.1/24 02:00:00:00:02:01
add_veth ha xfb_a $swns 10.1.0.3/24 50:54:00:00:00:03 10.1.0.1
add_veth hb xfb_b $swns 10.2.0.4/24 50:54:00:00:00:04 10.2.0.1

# router_on_ports PREFIX [dpdk]: br0 with ports PREFIX-{vr1,vr2,ha,hb} on
# the switch's veth ends (DPDK ports with "dpdk"), r1 between red and blue.
router_on_ports() {
    local pfx=$1 kind=${2-} n=0 p
    add_bridge other_config:xenflow-enable=true \
        other_config:xenflow-network-red=100 other_config:xenflow-network-blue=200
    ovs-ofctl add-flow br0 actions=normal
    for p in vr1 vr2 ha hb; do
        if [ "$kind" = dpdk ]; then
            ovs-vsctl add-port br0 "$pfx-$p" -- set Interface "$pfx-$p" \
                type=dpdk options:dpdk-devargs=net_af_packet$n,iface=xfb-$p
        else
            ovs-vsctl add-port br0 "$pfx-$p"
        fi
        n=$((n + 1))
    done
    ovs-vsctl \
        set Interface "$pfx-vr1" other_config:xenflow-network=red \
            other_config:xenflow-router=r1 other_config:xenflow-mac=02:00:00:00:01:01 \
            other_config:xenflow-addresses=10.1.0.1/24 -- \
        set Interface "$pfx-vr2" other_config:xenflow-network=blue \
            other_config:xenflow-router=r1 other_config:xenflow-mac=02:00:00:00:02:01 \
            other_config:xenflow-addresses=10.2.0.1/24 -- \
        set Interface "$pfx-ha" other_config:xenflow-network=red -- \
        set Interface "$pfx-hb" other_config:xenflow-network=blue
    wait_until 10 router_present
    ovs-appctl xenflow/route-add r1 10.1.0.0/24 dev "$pfx-vr1" > /dev/null
    ovs-appctl xenflow/route-add r1 10.2.0.0/24 dev "$pfx-vr2" > /dev/null
    ovs-appctl xenflow/neigh-add r1 10.1.0.3 50:54:00:00:00:03 > /dev/null
    ovs-appctl xenflow/neigh-add r1 10.2.0.4 50:54:00:00:00:04 > /dev/null
    wait_until 10 xenflow_synced
}
routed_packets() {
    ovs-appctl revalidator/wait > /dev/null
    ovs-appctl xenflow/show --json | sed -n 's/.*"routed_packets": \([0-9]*\).*/\1/p'
}
dpdk_ready() { [ "$(ovs-vsctl get Open_vSwitch . dpdk_initialized)" = true ]; }
pmd_polls_4() { [ "$(ovs-appctl dpif-netdev/pmd-rxq-show | grep -c 'port: dpdk-')" = 4 ]; }

# The switch gets core 1, everything else (traffic generators, the
# kernel's work for them) shares core 0: in both runs the switch has one
# core, as the single PMD thread of the DPDK run does.
taskset -cp 0 $$ > /dev/null        # inherited by everything we start
switch_on_core_1() {
    taskset -a -cp 1 "$(cat "$work/ovs-vswitchd.pid")" > /dev/null
}

# 1. The netdev datapath's AF_PACKET ports, DPDK off.
start_switch $swns
switch_on_core_1
router_on_ports xfb
measure netdev xfb_a xfb_b 10.2.0.4 ovs
routed_netdev=$(routed_packets)
stop_switch

# 2. The same veths as DPDK ports.
start_switch $swns -- set Open_vSwitch . other_config:dpdk-init=true \
    other_config:pmd-cpu-mask=0x2 \
    'other_config:dpdk-extra="--no-huge --legacy-mem -m 1024 --no-pci --file-prefix=xenflow-bench --no-telemetry"'
switch_on_core_1
wait_until 60 dpdk_ready
router_on_ports dpdk dpdk
wait_until 30 pmd_polls_4
measure dpdk xfb_a xfb_b 10.2.0.4 ovs
routed_dpdk=$(routed_packets)
pmd_rx=$(ovs-appctl dpif-netdev/pmd-stats-show \
         | awk '/pmd thread/ { pmd = 1 } pmd && /packets received:/ { n += $3 } END { print n + 0 }')
dpdk_version=$(ovs-vsctl get Open_vSwitch . dpdk_version)
stop_switch

row method tcp-Mbit/s udp64-kpps first-rtt-ms steady-rtt-ms
for m in netdev dpdk; do
    row "xenflow-$m" "${tcp[$m]}" "${udp[$m]}" "${first[$m]}" "${steady[$m]}"
done
row "dpdk/netdev" "$(ratio "${tcp[dpdk]}" "${tcp[netdev]}")" \
    "$(ratio "${udp[dpdk]}" "${udp[netdev]}")" \
    "$(ratio "${first[dpdk]}" "${first[netdev]}")" \
    "$(ratio "${steady[dpdk]}" "${steady[netdev]}")"
echo "(packets routed by the switch: netdev ${routed_netdev:-?}, dpdk ${routed_dpdk:-?};" \
     "received by the PMD thread: $pmd_rx; $dpdk_version)"
[ $have_iperf = yes ] || echo "(tcp/udp n/a: iperf3 or jq not installed)"
