#! /bin/bash
# qinq.sh -- networks beyond 4,094 (issue 21): what many networks cost,
# and what forwarding through an 802.1ad or mpls trunk costs against 802.1q.
#
#   scale       N networks (default 100,000) on one bridge of the dummy
#               datapath and one trunk (802.1ad, so every id up to
#               16,760,836 crosses it), one VM port each for the first L
#               (--local L, default min(N, 32,000)) and none for the rest,
#               which only cross the trunk here: XenFlow flows installed,
#               time from the ovs-vsctl transactions' start until every
#               flow is in the switch (pending = 0), ovs-vswitchd's RSS, and
#               the flows per network, time in ovs-vsctl and both daemons'
#               CPU.  The database is fed as an operator provisioning many
#               networks would: --batch B (1,000) networks per ovs-vsctl
#               transaction, the Bridge's keys in one "add", the Interface
#               and Port rows created by reference (feed_bulk below; at most
#               4,000 per call: the keys are one argument, which Linux
#               limits to 128 KB); --feed commands is the old per-record
#               "set"/"add-port" feed, O(N^2) in ovs-vsctl itself.  The
#               time includes ovs-vswitchd's own port handling, which
#               dominates with dummy ports (upstream's userspace datapath
#               reconfigures itself per port added); --vm-ports patch makes
#               the VM ports patch ports, kept out of the datapath.  One
#               bridge holds at most 32,767 automatically numbered ports
#               (upstream's alloc_ofp_port()) and at most 65,279 in all
#               (OpenFlow ports are 16 bits; ofport_request beyond 32,767),
#               so 100,000 networks with a VM port each cannot be on one
#               bridge of any Open vSwitch: the networks beyond L are
#               those of VMs on other nodes.
#   forwarding  two XenFlow bridges (two "nodes") of one userspace-datapath
#               ovs-vswitchd in its own namespace, joined by a veth trunk;
#               host A (br0) and host B (br1) in network "red" (id 4000, so
#               that all three encapsulations carry the same network:
#               802.1q VLAN 4000, 802.1ad S=1 C=4000, mpls label 4015).
#               For each encapsulation, set on both trunk ends in turn:
#               first and median ping RTT, TCP Mbit/s, UDP 64-byte kpps
#               (iperf3, as forwarding.sh), then the ratio to 802.1q.
#
# Usage: sudo benchmarks/qinq.sh [--builddir DIR] [--networks N] [--local L]
#                                [--batch B] [--feed bulk|commands]
#                                [--vm-ports dummy|patch]
#                                [--skip-scale] [--skip-forwarding]
# Needs root for the forwarding part (namespaces "xfq_*"), iperf3 and jq for
# its throughput columns.  A benchmark, not a test: it prints numbers and
# never judges them.  Everything it creates is removed on exit.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
n=100000
local_max=
batch=1000
feed=bulk
vm_ports=dummy
scale=yes
forwarding=yes
while [ $# -gt 0 ]; do
    case $1 in
        --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
        --networks) n=$2; shift 2 ;;
        --local) local_max=$2; shift 2 ;;
        --batch) batch=$2; shift 2 ;;
        --feed) feed=$2; shift 2 ;;
        --vm-ports) vm_ports=$2; shift 2 ;;
        --skip-scale) scale=no; shift ;;
        --skip-forwarding) forwarding=no; shift ;;
        *) echo "usage: $0 [--builddir DIR] [--networks N] [--local L] [--batch B] [--feed bulk|commands] [--vm-ports dummy|patch] [--skip-scale] [--skip-forwarding]" >&2; exit 1 ;;
    esac
done
[ -n "$local_max" ] || local_max=$((n < 32000 ? n : 32000))
if [ "$local_max" -gt 32767 ] || [ "$local_max" -gt "$n" ]; then
    echo "$0: --local must be at most --networks and 32,767 (one bridge's automatically numbered ports)" >&2
    exit 1
fi
case $feed in
    bulk|commands) ;;
    *) echo "$0: --feed must be bulk or commands" >&2; exit 1 ;;
esac
case $vm_ports in
    dummy|patch) ;;
    *) echo "$0: --vm-ports must be dummy or patch" >&2; exit 1 ;;
esac

work=$(mktemp -d /tmp/xenflow-qinq.XXXXXX)
. "$top/benchmarks/lib.sh"
. "$top/benchmarks/netns-lib.sh"
xf_bench_env
trap netns_cleanup EXIT
trap 'exit 1' INT TERM HUP

# vm_port_columns J: sets 'cols' to the Interface columns of VM port J: a
# dummy port, or (--vm-ports patch) a patch port whose peer does not exist,
# which upstream keeps out of the datapath (see the README).  (No command
# substitution: a fork per network would cost more than ovs-vsctl.)
vm_port_columns() {
    if [ $vm_ports = patch ]; then
        cols=(type=patch options:peer=pv$1)
    else
        cols=(type=dummy)
    fi
}

# CPU seconds (user + system) used so far by the daemon whose pidfile is
# $work/NAME.pid.
daemon_cpu_s() { xf_stat_cpu_s "/proc/$(cat "$work/$1.pid")/stat"; }

# timed_vsctl ARGS...: ovs-vsctl --no-wait ARGS, its elapsed time added to
# 'vsctl'.
timed_vsctl() {
    local t
    t=$(xf_now)
    ovs-vsctl --no-wait "$@" > /dev/null
    vsctl=$(awk -v s="$vsctl" -v a="$t" -v b="$(xf_now)" \
                'BEGIN { print s + b - a }')
}

# feed_bulk FIRST LAST: networks FIRST...LAST, each with its VM port, in one
# ovs-vsctl transaction as an operator provisioning many networks would
# write it: the Bridge's new other_config keys in one "add" of one
# comma-separated argument, each Interface and Port created by reference
# (--id=@...), and the new Ports added to the Bridge the same way.  No
# command looks a record up by name and each column is merged once, so a
# transaction costs ovs-vsctl O(its size + the database), not O(its size x
# the database).
feed_bulk() {
    local j cols keys=() ports=() args=()
    for ((j = $1; j <= $2; j++)); do
        vm_port_columns $j
        keys+=("xenflow-network-n$j=$((j + 4094))")
        [ $j -le $local_max ] || continue
        ports+=("@p$j")
        args+=(-- --id=@i$j create Interface name=v$j "${cols[@]}"
                  other_config:xenflow-network=n$j
               -- --id=@p$j create Port name=v$j interfaces=@i$j)
    done
    if [ ${#ports[@]} -gt 0 ]; then
        args+=(-- add Bridge br0 ports "$(IFS=,; echo "${ports[*]}")")
    fi
    timed_vsctl add Bridge br0 other_config "$(IFS=,; echo "${keys[*]}")" \
        "${args[@]}"
}

# feed_commands FIRST LAST: the same with ovs-vsctl's per-record commands,
# "set Bridge br0 other_config:KEY=ID -- add-port br0 vJ -- set Interface
# vJ ..." for each network (how this benchmark fed the database first).
# In ovs-vsctl 3.1 each "set" of one key rewrites the whole other_config
# map, each "add-port" after a "set" rebuilds its cache of every bridge,
# port and interface, and "set Interface vJ" finds vJ by scanning the
# Interface table: O(batch x database) per call, O(N^2) in all.
feed_commands() {
    local j cols args=()
    for ((j = $1; j <= $2; j++)); do
        vm_port_columns $j
        args+=(-- set Bridge br0 other_config:xenflow-network-n$j=$((j + 4094)))
        [ $j -le $local_max ] || continue
        args+=(-- add-port br0 v$j -- set Interface v$j "${cols[@]}"
                  other_config:xenflow-network=n$j)
    done
    timed_vsctl "${args[@]:1}"
}

vsctl=0
run_scale() {
    local t0 t1 i flows rss sw0 db0 daemon
    xf_start_switch
    ovs-vsctl add-br br0 -- set Bridge br0 datapath_type=dummy \
        other_config:xenflow-enable=true -- \
        add-port br0 t1 -- set Interface t1 type=dummy \
            other_config:xenflow-trunk=true other_config:xenflow-encap=802.1ad
    xf_wait_drained
    sw0=$(daemon_cpu_s ovs-vswitchd)
    db0=$(daemon_cpu_s ovsdb-server)
    t0=$(xf_now)
    for ((i = 1; i <= n; i += batch)); do
        feed_$feed $i $((i + batch - 1 < n ? i + batch - 1 : n))
    done
    # (Not grep -q: ovs-appctl would die of SIGPIPE on a long reply, and
    # with pipefail the loop would never end.)
    while ! ovs-appctl xenflow/show | grep "^br0 .* $n " > /dev/null; do
        sleep 0.5
    done
    xf_wait_drained
    t1=$(xf_now)
    flows=$(ovs-appctl xenflow/show --json | sed -n 's/.*"flows": \([0-9]*\).*/\1/p')
    rss=$(xf_rss_kb)
    printf '%-9s %-9s %-9s %-11s %-8s %-13s %-9s %-15s %s\n' networks \
        vm-ports flows configure-s rss-MB flows/network vsctl-s \
        vswitchd-cpu-s ovsdb-cpu-s
    printf '%-9s %-9s %-9s %-11.1f %-8d %-13.2f %-9.1f %-15.1f %.1f\n' \
        "$n" "$local_max" "$flows" "$(xf_elapsed "$t0" "$t1")" \
        $((rss / 1024)) \
        "$(awk -v f="$flows" -v n="$n" 'BEGIN { print f / n }')" "$vsctl" \
        "$(xf_elapsed "$sw0" "$(daemon_cpu_s ovs-vswitchd)")" \
        "$(xf_elapsed "$db0" "$(daemon_cpu_s ovsdb-server)")"
    # SIGTERM, not "exit": ovs-vswitchd's orderly exit deletes the ports one
    # by one, each at upstream's O(ports) cost (minutes at 16,000).
    local pid
    for daemon in ovs-vswitchd ovsdb-server; do
        pid=$(cat "$work/$daemon.pid")
        kill "$pid"
        while xf_running "$pid"; do sleep 0.1; done
        rm -f "$work/$daemon.pid"
    done
}

# Both bridges' flows are in the switch (xenflow_synced reads one).
both_synced() {
    [ "$(ovs-appctl xenflow/show --json | grep -o '"pending": [0-9]*' | sort -u)" = '"pending": 0' ]
}

run_forwarding() {
    have_iperf=no
    command -v iperf3 > /dev/null && command -v jq > /dev/null && have_iperf=yes
    add_ns xfq_sw
    add_ns xfq_a
    add_ns xfq_b
    start_switch xfq_sw -- set Open_vSwitch . other_config:vlan-limit=0
    add_bridge -- set Bridge br0 other_config:xenflow-enable=true \
        other_config:xenflow-network-red=4000
    ovs-vsctl add-br br1 -- set Bridge br1 datapath_type=netdev \
        fail-mode=secure other_config:xenflow-enable=true \
        other_config:xenflow-network-red=4000
    add_veth qa xfq_a xfq_sw 10.0.0.1/24 50:54:00:00:a0:01
    add_veth qb xfq_b xfq_sw 10.0.0.2/24 50:54:00:00:b0:01
    ip -n xfq_sw link add xfqt0 type veth peer name xfqt1
    # The trunk carries 1,500-byte frames plus 8 (802.1ad) or 18 (mpls)
    # bytes of encapsulation: a larger MTU on the link, as on a real one.
    ip -n xfq_sw link set xfqt0 mtu 1600 up
    ip -n xfq_sw link set xfqt1 mtu 1600 up
    ovs-vsctl add-port br0 xfb-qa -- set Interface xfb-qa \
            other_config:xenflow-network=red -- \
        add-port br1 xfb-qb -- set Interface xfb-qb \
            other_config:xenflow-network=red -- \
        add-port br0 xfqt0 -- set Interface xfqt0 other_config:xenflow-trunk=true -- \
        add-port br1 xfqt1 -- set Interface xfqt1 other_config:xenflow-trunk=true
    for e in 802.1q 802.1ad mpls; do
        ovs-vsctl set Interface xfqt0 other_config:xenflow-encap=$e -- \
                  set Interface xfqt1 other_config:xenflow-encap=$e
        wait_until 10 both_synced
        ip -n xfq_a neigh flush all
        measure $e xfq_a xfq_b 10.0.0.2 ovs
    done
    printf '%-8s %-9s %-10s %-9s %-9s %-10s %s\n' encap first-ms median-ms \
        tcp-Mbit/s udp-kpps tcp/802.1q udp/802.1q
    for e in 802.1q 802.1ad mpls; do
        printf '%-8s %-9s %-10s %-10s %-9s %-10s %s\n' $e "${first[$e]}" \
            "${steady[$e]}" "${tcp[$e]}" "${udp[$e]}" \
            "$(awk -v a="${tcp[$e]}" -v b="${tcp[802.1q]}" 'BEGIN { if (a + 0 && b + 0) printf "%.2f", a / b; else print "n/a" }')" \
            "$(awk -v a="${udp[$e]}" -v b="${udp[802.1q]}" 'BEGIN { if (a + 0 && b + 0) printf "%.2f", a / b; else print "n/a" }')"
    done
    stop_switch
}

[ $scale = no ] || run_scale
if [ $forwarding = yes ]; then
    [ "$(id -u)" = 0 ] || { echo "$0: the forwarding part needs root" >&2; exit 1; }
    run_forwarding
fi
