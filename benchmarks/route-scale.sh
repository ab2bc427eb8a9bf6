#! /bin/bash
# route-scale.sh -- how fast and how compactly XenFlow installs a router's
# routes, against two baselines measured in the same run:
#
#   xenflow   "ovs-appctl xenflow/load r1 FILE" into ovs-vswitchd with XenFlow
#             (time until every route's flow is in the switch: pending = 0)
#   bundle    stock "ovs-ofctl --bundle add-flows" of the equivalent LPM
#             flows, from outside the switch, into a bridge without XenFlow
#   kernel    "ip -batch" of the same routes into a network namespace (root)
#
# Usage: benchmarks/route-scale.sh [--builddir DIR] [N]...   (default N: 10000)
# Prints one table row per N and method: seconds, and for the switch the
# growth of ovs-vswitchd's RSS per route.  Uses the dummy datapath: no root
# needed except for the kernel baseline (skipped when not root).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
sizes=()
while [ $# -gt 0 ]; do
    case $1 in
        --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
        *) sizes+=("$1"); shift ;;
    esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)

work=$(mktemp -d /tmp/xenflow-bench.XXXXXX)
trap 'stop_switch; ip netns del xfbench 2>/dev/null || true; rm -rf "$work"' EXIT
export OVS_RUNDIR=$work OVS_LOGDIR=$work OVS_DBDIR=$work OVS_SYSCONFDIR=$work
export PATH=$builddir/utilities:$builddir/vswitchd:$builddir/ovsdb:$PATH
schema=$(sed -n 's/^abs_top_srcdir = //p' "$builddir/Makefile")/vswitchd/vswitch.ovsschema

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$(cat "$work/ovs-vswitchd.pid")/status"; }

start_switch() {
    rm -f "$work"/conf.db
    ovsdb-tool create "$work/conf.db" "$schema"
    ovsdb-server --detach --no-chdir --pidfile --log-file -vconsole:off \
                 --remote="punix:$work/db.sock"
    ovs-vsctl --no-wait init
    ovs-vswitchd --enable-dummy=override --disable-system \
                 --disable-system-route --detach --no-chdir --pidfile \
                 --log-file -vconsole:off
}

stop_switch() {
    local pid
    for daemon in ovs-vswitchd ovsdb-server; do
        pid=$(cat "$work/$daemon.pid" 2>/dev/null) || continue
        ovs-appctl -t $daemon exit 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    done
}

# Routes 10.x.y.z/32-ish spread over /16../24 prefixes, all via 10.2.0.9.
gen_prefixes() {
    awk -v n="$1" 'BEGIN {
        for (i = 0; i < n; i++) {
            a = 11 + int(i / 65536); b = int(i / 256) % 256; c = i % 256;
            printf "%d.%d.%d.0/24\n", a, b, c
        }
    }'
}

printf '%-8s %-8s %10s %12s\n' routes method seconds rss-B/route
for n in "${sizes[@]}"; do
    gen_prefixes "$n" > "$work/prefixes"

    # XenFlow: one router with one interface in one network.
    start_switch
    ovs-vsctl add-br br0 -- set Bridge br0 datapath_type=dummy \
        other_config:xenflow-enable=true other_config:xenflow-network-n=100 \
        -- add-port br0 p1 -- set Interface p1 type=dummy \
           other_config:xenflow-network=n other_config:xenflow-router=r1 \
           other_config:xenflow-mac=02:00:00:00:00:01 \
           other_config:xenflow-addresses=10.2.0.1/24
    sed 's/^/route /; s/$/ via 10.2.0.9/' "$work/prefixes" > "$work/routes"
    ovs-appctl xenflow/show > /dev/null
    rss0=$(rss_kb)
    t0=$(now)
    ovs-appctl -T 600 xenflow/load r1 "$work/routes" > /dev/null
    while [ "$(ovs-appctl xenflow/show --json | sed -n 's/.*"pending": \([0-9]*\).*/\1/p')" != 0 ]; do
        sleep 0.05
    done
    t1=$(now)
    rss1=$(rss_kb)
    installed=$(ovs-ofctl dump-flows br0 table=202 | grep -c nw_dst=)
    [ "$installed" = "$n" ] || { echo "only $installed of $n route flows" >&2; exit 1; }
    printf '%-8s %-8s %10.2f %12d\n' "$n" xenflow "$(elapsed "$t0" "$t1")" \
           $(( (rss1 - rss0) * 1024 / n ))
    stop_switch

    # Stock OVS, flows from outside in one bundle.
    start_switch
    ovs-vsctl add-br br0 -- set Bridge br0 datapath_type=dummy
    awk '{printf "table=202,priority=1024,ip,metadata=0x1,nw_dst=%s actions=load:0xa020009->NXM_NX_REG0[],load:0x1->NXM_NX_REG6[0..15],goto_table:203\n", $1}' \
        "$work/prefixes" > "$work/flows"
    rss0=$(rss_kb)
    t0=$(now)
    ovs-ofctl --bundle add-flows br0 "$work/flows"
    t1=$(now)
    rss1=$(rss_kb)
    installed=$(ovs-ofctl dump-flows br0 table=202 | grep -c nw_dst=)
    [ "$installed" = "$n" ] || { echo "only $installed of $n bundle flows" >&2; exit 1; }
    printf '%-8s %-8s %10.2f %12d\n' "$n" bundle "$(elapsed "$t0" "$t1")" \
           $(( (rss1 - rss0) * 1024 / n ))
    stop_switch

    # Linux kernel, in a namespace.
    if [ "$(id -u)" = 0 ]; then
        ip netns add xfbench
        ip -n xfbench link add d0 type veth peer name d1
        ip -n xfbench link set d0 up
        ip -n xfbench addr add 10.2.0.1/24 dev d0
        sed 's/^/route add /; s/$/ via 10.2.0.9/' "$work/prefixes" > "$work/ip"
        t0=$(now)
        ip -n xfbench -batch "$work/ip"
        t1=$(now)
        printf '%-8s %-8s %10.2f %12s\n' "$n" kernel "$(elapsed "$t0" "$t1")" -
        ip netns del xfbench
    fi
done
