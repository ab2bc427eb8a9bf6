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
# Usage: benchmarks/route-scale.sh [--builddir DIR] [--ipv6] [N]...
#        (default N: 10000; --ipv6: IPv6 /64 routes instead of IPv4 /24)
# Prints one table row per N and method: seconds, and for the switch the
# growth of ovs-vswitchd's RSS per route.  Uses the dummy datapath: no root
# needed except for the kernel baseline (skipped when not root).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
sizes=()
family=4
while [ $# -gt 0 ]; do
    case $1 in
        --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
        --ipv6) family=6; shift ;;
        *) sizes+=("$1"); shift ;;
    esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)

work=$(mktemp -d /tmp/xenflow-bench.XXXXXX)
trap 'xf_stop_switch; ip netns del xfbench 2>/dev/null || true; rm -rf "$work"' EXIT
. "$top/benchmarks/lib.sh"
xf_bench_env

# N distinct prefixes: IPv4 /24s from 11.0.0.0, or IPv6 /64s in 2001:db8::/32,
# all via one gateway.
if [ $family = 4 ]; then
    gw=10.2.0.9 iface_addr=10.2.0.1/24 match=ip,nw_dst
    # As XenFlow puts them: the gateway and the interface's number (1) in
    # one load of xreg0 (reg0:reg1).
    nh_actions='load:0xa02000900000001->OXM_OF_PKT_REG0[]' ip="ip"
else
    gw=2001:db8:2::9 iface_addr=2001:db8:2::1/64 match=ipv6,ipv6_dst
    nh_actions='load:0x20010db8000200000000000000000009->NXM_NX_XXREG0[],load:0x1->NXM_NX_REG6[]' ip="ip -6"
fi
gen_prefixes() {
    awk -v n="$1" -v family=$family 'BEGIN {
        for (i = 0; i < n; i++) {
            if (family == 4) {
                printf "%d.%d.%d.0/24\n", 11 + int(i / 65536),
                       int(i / 256) % 256, i % 256
            } else {
                printf "2001:db8:%x:%x::/64\n", 16 + int(i / 65536), i % 65536
            }
        }
    }'
}

printf '%-8s %-8s %10s %12s\n' "routes/v$family" method seconds rss-B/route
for n in "${sizes[@]}"; do
    gen_prefixes "$n" > "$work/prefixes"

    # XenFlow: one router with one interface in one network.
    xf_start_switch
    xf_add_router_bridge $iface_addr
    sed "s/^/route /; s/\$/ via $gw/" "$work/prefixes" > "$work/routes"
    ovs-appctl xenflow/show > /dev/null
    rss0=$(xf_rss_kb)
    t0=$(xf_now)
    ovs-appctl -T 600 xenflow/load r1 "$work/routes" > /dev/null
    while [ "$(ovs-appctl xenflow/show --json | sed -n 's/.*"pending": \([0-9]*\).*/\1/p')" != 0 ]; do
        sleep 0.05
    done
    t1=$(xf_now)
    rss1=$(xf_rss_kb)
    installed=$(ovs-ofctl dump-flows br0 table=202 | grep -c _dst=)
    [ "$installed" = "$n" ] || { echo "only $installed of $n route flows" >&2; exit 1; }
    printf '%-8s %-8s %10.2f %12d\n' "$n" xenflow "$(xf_elapsed "$t0" "$t1")" \
           $(( (rss1 - rss0) * 1024 / n ))
    xf_stop_switch

    # Stock OVS, flows from outside in one bundle.
    xf_start_switch
    ovs-vsctl add-br br0 -- set Bridge br0 datapath_type=dummy
    awk -v m=$match -v nh="$nh_actions" '{
        printf "table=202,priority=1024,%s,metadata=0x1,%s=%s actions=%s,goto_table:203\n", substr(m, 1, index(m, ",") - 1), substr(m, index(m, ",") + 1), $1, nh
    }' "$work/prefixes" > "$work/flows"
    rss0=$(xf_rss_kb)
    t0=$(xf_now)
    ovs-ofctl --bundle add-flows br0 "$work/flows"
    t1=$(xf_now)
    rss1=$(xf_rss_kb)
    installed=$(ovs-ofctl dump-flows br0 table=202 | grep -c _dst=)
    [ "$installed" = "$n" ] || { echo "only $installed of $n bundle flows" >&2; exit 1; }
    printf '%-8s %-8s %10.2f %12d\n' "$n" bundle "$(xf_elapsed "$t0" "$t1")" \
           $(( (rss1 - rss0) * 1024 / n ))
    xf_stop_switch

    # Linux kernel, in a namespace.
    if [ "$(id -u)" = 0 ]; then
        ip netns add xfbench
        ip -n xfbench link add d0 type veth peer name d1
        ip -n xfbench link set d0 up
        ip -n xfbench addr add $iface_addr dev d0 $([ $family = 6 ] && echo nodad)
        sed "s/^/route add /; s/\$/ via $gw/" "$work/prefixes" > "$work/ip"
        t0=$(xf_now)
        $ip -n xfbench -batch "$work/ip"
        t1=$(xf_now)
        printf '%-8s %-8s %10.2f %12s\n' "$n" kernel "$(xf_elapsed "$t0" "$t1")" -
        ip netns del xfbench
    fi
done
