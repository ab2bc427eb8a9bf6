#! /bin/bash
# forwarding.sh -- how fast XenFlow forwards routed traffic, against two
# baselines measured in the same run with the same generator:
#
#   xenflow     hosts 10.1.0.3 (red) and 10.2.0.4 (blue) routed by router r1
#               inside ovs-vswitchd (userspace datapath, XenFlow flows).  The
#               router VM namespace has ip_forward=0, so traffic that gets
#               through was routed by the switch.
#   ovs-normal  two hosts in one subnet (10.3.0.1, 10.3.0.2) switched by the
#               NORMAL action on the same kind of userspace bridge, no XenFlow;
#               the bridge also has two idle ports (a namespace standing for
#               the router VM), so that both bridges have the same four
#               ports of the same type: every port costs its poller a
#               receive attempt per iteration, with or without traffic
#   kernel      two hosts in different subnets routed by a Linux namespace
#               with ip_forward=1 (no OVS)
#
# Each method runs on each port type of --ports (default "system afxdp"):
# "system" ports are AF_PACKET sockets polled by ovs-vswitchd's main
# thread, "afxdp" ports native AF_XDP sockets polled by one PMD thread on
# core 1 (pmd-cpu-mask=0x2, as the README advises for 2 cores).
#
# For each: TCP throughput with the hosts' transmit offloads off (iperf3,
# 5 s, received Mbit/s), TCP throughput with them on and upstream's
# userspace TSO enabled (tcp-tso: whole segments cross the switch; n/a on
# afxdp ports, which have no TSO in OVS 3.1; for the kernel, its own
# offloads), UDP 64-byte packets at maximum rate (iperf3 -u -b 0 -l 64, 5 s,
# packets per second received by the server), 64-byte UDP frames from
# netsniff-ng's trafgen (one process, PACKET_MMAP, 5 s: udp64-gen, frames
# per second reaching the receiver's interface; iperf3's socket per
# datagram limits the sender before the path; the median of three runs,
# since one run varies by up to 30% on a shared two-core machine), the
# ovs-vswitchd thread that polls the ports (the PMD thread on afxdp, the
# main thread on system ports): its cycles per packet and the share of
# them spent in the kernel during the trafgen runs (pmd-cyc/pkt from
# dpif-netdev/pmd-stats-show, afxdp only; kernel-% from "perf record" of
# that thread, with --perf), the RTT of the very first
# ping after setup (cold: ARP, and for OVS an empty datapath flow table:
# "dpctl/del-flows" just before it), and the median RTT of 20 following
# pings (-i 0.05).  Then the ratios of xenflow to ovs-normal on the same
# port type and to the kernel, per column.  A benchmark, not a test: it
# prints numbers and never judges them.
#
# Usage: sudo benchmarks/forwarding.sh [--builddir DIR] [--ports "TYPES"]
#            [--perf DIR]
# --perf DIR: "perf record -g" the thread that polls the ports during the
# second trafgen run of each method, into DIR/METHOD.data (METHOD with "_"
# for "/"), for "perf report -i"; adds the kernel-% column.
# Needs root (network namespaces, veths), iproute2, ethtool, ping, iperf3,
# jq and trafgen (netsniff-ng) (installed with apt-get if missing).  Everything it creates
# (namespaces "xfb_*", their veths, the private ovsdb-server and
# ovs-vswitchd, whose own namespace holds the bridge's tap devices) is
# removed on exit, also on failure.  Takes about three minutes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/benchmarks/netns-lib.sh"
ports="system afxdp"
perfdir=
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --ports) ports=$2; shift 2 ;;
        --perf) mkdir -p "$2"; perfdir=$(cd "$2" && pwd); shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
bench_options "$top/_build/ovs-build" "${args[@]}"
tools="iperf3:iperf3 jq:jq trafgen:netsniff-ng"
[ -z "$perfdir" ] || tools="$tools perf:linux-perf"
for tool in $tools; do
    command -v ${tool%%:*} > /dev/null || \
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends ${tool#*:} > /dev/null 2>&1 \
        || echo "$0: cannot install ${tool#*:}: its columns print n/a" >&2
done
work=$(mktemp -d /tmp/xenflow-fwd.XXXXXX)
trap netns_cleanup EXIT
trap 'exit 1' INT TERM HUP
export OVS_RUNDIR=$work OVS_LOGDIR=$work OVS_DBDIR=$work OVS_SYSCONFDIR=$work
export PATH=$builddir/utilities:$builddir/vswitchd:$builddir/ovsdb:$PATH
schema=$(sed -n 's/^abs_top_srcdir = //p' "$builddir/Makefile")/vswitchd/vswitch.ovsschema

have_iperf=yes
command -v iperf3 > /dev/null && command -v jq > /dev/null || have_iperf=no
declare -A tcp_tso gen gen_runs routed cyc kern

mac_of() { ip -n "$1" -br link show "$2" | awk '{print $3}'; }

# poller_tid: the ovs-vswitchd thread that polls the ports: the PMD thread
# on afxdp ports, the main thread on system ports.
poller_tid() {
    local pid
    pid=$(cat "$work/ovs-vswitchd.pid")
    if [ "$port_type" = afxdp ]; then
        ps -L -o tid=,comm= -p "$pid" | awk '$2 ~ /^pmd/ { print $1; exit }'
    else
        echo "$pid"
    fi
}

# gen_median METHOD GEN_KPPS-ARGS...: gen[METHOD], the median of three
# trafgen runs; for a switch, cyc[METHOD] (afxdp: the PMD thread's
# processing cycles per packet over the three runs) and, with --perf,
# kern[METHOD] (the polling thread's samples in the kernel during the
# second run, percent).
gen_median() {
    local m=$1 i r perf_pid= data
    shift
    local switch=no
    [ "$m" = kernel ] || switch=yes
    [ $switch = no ] || ovs-appctl dpif-netdev/pmd-stats-clear > /dev/null
    for i in 1 2 3; do
        if [ $i = 2 ] && [ -n "$perfdir" ] && [ $switch = yes ]; then
            data=$perfdir/${m//\//_}.data
            perf record -q -g -t "$(poller_tid)" -o "$data" -- sleep 4 \
                > /dev/null 2>&1 &
            perf_pid=$!
        fi
        r+="$(gen_kpps "$@") "
        if [ -n "$perf_pid" ]; then
            wait "$perf_pid" || true
            kern[$m]=$(perf report -i "$data" --no-children --sort dso \
                           -g none --stdio 2>/dev/null \
                       | awk '/\[kernel\.kallsyms\]/ { sub("%", "", $1); print $1; exit }')
            perf_pid=
        fi
    done
    gen[$m]=$(printf '%s\n' $r | median)
    gen_runs[$m]=$r
    if [ $switch = yes ] && [ "$port_type" = afxdp ]; then
        cyc[$m]=$(ovs-appctl dpif-netdev/pmd-stats-show \
                  | sed -n 's/.*avg processing cycles per packet: \([0-9]*\).*/\1/p' \
                  | head -1)
    fi
}

# switch_args TSO: what start_switch writes to the database before the
# daemon starts, for $port_type ports and userspace TSO on or off.
switch_args() {
    local a=()
    [ "$port_type" != afxdp ] || a+=(other_config:pmd-cpu-mask=0x2)
    [ "$1" != on ] || a+=(other_config:userspace-tso-enable=true)
    [ ${#a[@]} = 0 ] || echo -- set Open_vSwitch . "${a[@]}"
}

# 1. XenFlow: r1 routes between red and blue inside the switch.
xenflow_run() {
    local m=xenflow/$port_type
    xenflow_topology xfb_ $(switch_args off)
    measure $m xfb_a xfb_b 10.2.0.4 ovs
    gen_median $m xfb_a ha 02:00:00:00:01:01 10.1.0.3 10.2.0.4 xfb_b hb
    ovs-appctl revalidator/wait > /dev/null
    routed[$m]=$(ovs-appctl xenflow/show --json | sed -n 's/.*"routed_packets": \([0-9]*\).*/\1/p')
    netns_reset
    tcp_tso[$m]=n/a
    if [ "$port_type" = system ]; then
        xenflow_topology xfb_ $(switch_args on)
        offloads xfb_a ha on; offloads xfb_b hb on
        tcp_tso[$m]=$(iperf xfb_a xfb_b 10.2.0.4 tcp)
        netns_reset
    fi
}

# 2. Stock OVS: L2 NORMAL between two hosts of one subnet.
normal_topology() {
    start_switch xfb_nsw "$@"
    add_bridge
    ovs-ofctl add-flow br0 actions=normal
    add_ns xfb_n1; add_ns xfb_n2
    add_veth n1 xfb_n1 xfb_nsw 10.3.0.1/24
    add_veth n2 xfb_n2 xfb_nsw 10.3.0.2/24
    add_ns xfb_nvm
    add_veth nv1 xfb_nvm xfb_nsw 10.3.1.1/24
    add_veth nv2 xfb_nvm xfb_nsw 10.3.2.1/24
    for p in n1 n2 nv1 nv2; do add_switch_port xfb-$p; done
}
normal_run() {
    local m=ovs-normal/$port_type
    normal_topology $(switch_args off)
    measure $m xfb_n1 xfb_n2 10.3.0.2 ovs
    gen_median $m xfb_n1 n1 "$(mac_of xfb_n2 n2)" 10.3.0.1 10.3.0.2 xfb_n2 n2
    netns_reset
    tcp_tso[$m]=n/a
    if [ "$port_type" = system ]; then
        normal_topology $(switch_args on)
        offloads xfb_n1 n1 on; offloads xfb_n2 n2 on
        tcp_tso[$m]=$(iperf xfb_n1 xfb_n2 10.3.0.2 tcp)
        netns_reset
    fi
}

for port_type in $ports; do
    xenflow_run
    normal_run
done

# 3. Linux kernel routing in a namespace.
add_ns xfb_kr; add_ns xfb_k1; add_ns xfb_k2
ip netns exec xfb_kr sysctl -qw net.ipv4.ip_forward=1
add_veth k1 xfb_k1 xfb_kr 10.4.0.2/24 "" 10.4.0.1
add_veth k2 xfb_k2 xfb_kr 10.5.0.2/24 "" 10.5.0.1
ip -n xfb_kr addr add 10.4.0.1/24 dev xfb-k1
ip -n xfb_kr addr add 10.5.0.1/24 dev xfb-k2
offloads xfb_kr xfb-k1 off; offloads xfb_kr xfb-k2 off
measure kernel xfb_k1 xfb_k2 10.5.0.2
gen_median kernel xfb_k1 k1 "$(mac_of xfb_kr xfb-k1)" 10.4.0.2 10.5.0.2 xfb_k2 k2
for i in xfb_k1:k1 xfb_k2:k2 xfb_kr:xfb-k1 xfb_kr:xfb-k2; do
    offloads ${i%%:*} ${i#*:} on
done
tcp_tso[kernel]=$(iperf xfb_k1 xfb_k2 10.5.0.2 tcp)

row() { printf '%-24s %11s %11s %11s %11s %11s %9s %13s %13s\n' "$@"; }
row method tcp-Mbit/s tcp-tso udp64-kpps udp64-gen pmd-cyc/pkt kernel-% first-rtt-ms steady-rtt-ms
methods=()
for port_type in $ports; do
    methods+=(xenflow/$port_type ovs-normal/$port_type)
done
for m in "${methods[@]}" kernel; do
    row "$m" "${tcp[$m]}" "${tcp_tso[$m]}" "${udp[$m]}" "${gen[$m]}" \
        "${cyc[$m]:-n/a}" "${kern[$m]:-n/a}" "${first[$m]}" "${steady[$m]}"
done
for port_type in $ports; do
    x=xenflow/$port_type
    for b in ovs-normal/$port_type kernel; do
        row "$x:${b%/*}" "$(ratio "${tcp[$x]}" "${tcp[$b]}")" \
            "$(ratio "${tcp_tso[$x]}" "${tcp_tso[$b]}")" \
            "$(ratio "${udp[$x]}" "${udp[$b]}")" \
            "$(ratio "${gen[$x]}" "${gen[$b]}")" \
            "$(ratio "${cyc[$x]:-n/a}" "${cyc[$b]:-n/a}")" "" \
            "$(ratio "${first[$x]}" "${first[$b]}")" \
            "$(ratio "${steady[$x]}" "${steady[$b]}")"
    done
    echo "($x: ${routed[$x]:-?} packets routed by the switch; the router VM has ip_forward=0)"
done
echo "(udp64-gen, the three runs: $(for m in "${methods[@]}" kernel; do
    printf '%s %s; ' "$m" "${gen_runs[$m]% }"; done | sed 's/; $//'))"
[ $have_iperf = yes ] || echo "(tcp/udp n/a: iperf3 or jq not installed)"
