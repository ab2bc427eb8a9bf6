#! /bin/bash
# forwarding.sh -- how fast XenFlow forwards routed traffic, against two
# baselines measured in the same run with the same generator:
#
#   xenflow     hosts 10.1.0.3 (red) and 10.2.0.4 (blue) routed by router r1
#               inside ovs-vswitchd (userspace datapath, XenFlow flows).  The
#               router VM namespace has ip_forward=0, so traffic that gets
#               through was routed by the switch.
#   ovs-normal  two hosts in one subnet (10.3.0.1, 10.3.0.2) switched by the
#               NORMAL action on the same kind of userspace bridge, no XenFlow
#   kernel      two hosts in different subnets routed by a Linux namespace
#               with ip_forward=1 (no OVS)
#
# For each: TCP throughput (iperf3, 5 s, received Mbit/s), UDP 64-byte
# packets at maximum rate (iperf3 -u -b 0 -l 64, 5 s, packets per second
# received by the server), the RTT of the very first ping after setup
# (cold: ARP, and for OVS an empty datapath flow table: "dpctl/del-flows"
# just before it), and the median RTT of 20 following pings (-i 0.05).
# Then the ratios xenflow/ovs-normal and xenflow/kernel of each column.
# As in upstream's system tests, tx offloads are off on the namespace side
# of every veth (all three methods, so none gets TSO).  A benchmark, not a
# test: it prints numbers and never judges them.
#
# Usage: sudo benchmarks/forwarding.sh [--builddir DIR]
# Needs root (network namespaces, veths), iproute2, ethtool, ping, iperf3
# and jq (throughput columns print "n/a" without iperf3/jq).  Everything it
# creates (namespaces "xfb_*", their veths, the private ovsdb-server and
# ovs-vswitchd, whose own namespace holds the bridge's tap devices) is
# removed on exit, also on failure.  Takes about a minute.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/benchmarks/netns-lib.sh"
bench_options "$top/_build/ovs-build" "$@"
work=$(mktemp -d /tmp/xenflow-fwd.XXXXXX)
trap netns_cleanup EXIT
trap 'exit 1' INT TERM HUP
export OVS_RUNDIR=$work OVS_LOGDIR=$work OVS_DBDIR=$work OVS_SYSCONFDIR=$work
export PATH=$builddir/utilities:$builddir/vswitchd:$builddir/ovsdb:$PATH
schema=$(sed -n 's/^abs_top_srcdir = //p' "$builddir/Makefile")/vswitchd/vswitch.ovsschema

have_iperf=yes
command -v iperf3 > /dev/null && command -v jq > /dev/null || have_iperf=no

# 1. XenFlow: r1 routes between red and blue inside the switch.
xenflow_topology xfb_
measure xenflow xfb_a xfb_b 10.2.0.4 ovs
ovs-appctl revalidator/wait > /dev/null
routed=$(ovs-appctl xenflow/show --json | sed -n 's/.*"routed_packets": \([0-9]*\).*/\1/p')
stop_switch

# 2. Stock OVS: L2 NORMAL between two hosts of one subnet.
start_switch xfb_nsw
add_bridge
ovs-ofctl add-flow br0 actions=normal
add_ns xfb_n1; add_ns xfb_n2
add_veth n1 xfb_n1 xfb_nsw 10.3.0.1/24
add_veth n2 xfb_n2 xfb_nsw 10.3.0.2/24
for p in n1 n2; do ovs-vsctl add-port br0 xfb-$p; done
measure ovs-normal xfb_n1 xfb_n2 10.3.0.2 ovs
stop_switch

# 3. Linux kernel routing in a namespace.
add_ns xfb_kr; add_ns xfb_k1; add_ns xfb_k2
ip netns exec xfb_kr sysctl -qw net.ipv4.ip_forward=1
add_veth k1 xfb_k1 xfb_kr 10.4.0.2/24 "" 10.4.0.1
add_veth k2 xfb_k2 xfb_kr 10.5.0.2/24 "" 10.5.0.1
ip -n xfb_kr addr add 10.4.0.1/24 dev xfb-k1
ip -n xfb_kr addr add 10.5.0.1/24 dev xfb-k2
ip netns exec xfb_kr ethtool -K xfb-k1 tx off > /dev/null 2>&1 || true
ip netns exec xfb_kr ethtool -K xfb-k2 tx off > /dev/null 2>&1 || true
measure kernel xfb_k1 xfb_k2 10.5.0.2

row method tcp-Mbit/s udp64-kpps first-rtt-ms steady-rtt-ms
for m in xenflow ovs-normal kernel; do
    row "$m" "${tcp[$m]}" "${udp[$m]}" "${first[$m]}" "${steady[$m]}"
done
for b in ovs-normal kernel; do
    row "xenflow/$b" "$(ratio "${tcp[xenflow]}" "${tcp[$b]}")" \
        "$(ratio "${udp[xenflow]}" "${udp[$b]}")" \
        "$(ratio "${first[xenflow]}" "${first[$b]}")" \
        "$(ratio "${steady[xenflow]}" "${steady[$b]}")"
done
echo "(xenflow: ${routed:-?} packets routed by the switch; router VM has ip_forward=0)"
[ $have_iperf = yes ] || echo "(tcp/udp n/a: iperf3 or jq not installed)"
