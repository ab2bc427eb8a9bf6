#! /bin/bash
# forwarding-fulltable.sh -- how XenFlow forwards with a full Internet table
# (issue 16): datapath flows (megaflows) and packet rate with N routes,
# against the same traffic with 10 routes, measured in the same run.
#
# Router r1 of forwarding.sh's topology (userspace datapath, namespaces and
# veths; netns-lib.sh's xenflow_topology) gets, by "xenflow/load --replace",
# either gen-table.py's Internet-like IPv4 table of N routes (DFZ
# prefix-length mix /8-/24, 16 gateways, 1 route in 8 ECMP over 2-4 of
# them) or 10 routes covering the same destinations (seven /3, one of them
# ECMP over two gateways, and three /8); both keep r1's connected routes.
# Every gateway resolves to host b (blue, 50:54:00:00:00:04), which
# receives everything.  Host a (red) sends 64-byte UDP frames to 10,000
# destinations (gen-table.py --dests: spread evenly over the table's prefix
# lengths, inside at most 20 routes of each) round-robin from one raw
# socket as fast as it can (udp-flood.py): 2 s of warm-up, then 5 s
# measured.  The rate offered is what the sender managed; the rate
# received is host b's veth receive counter.
#
# Prints, per table: routes, destinations, routes those destinations hit
# (full table),
# datapath flows right after the traffic ("dpctl/dump-flows"), how many of
# them match on nw_dst and with how many distinct masks, the datapath
# classifier's subtable lookups per megaflow hit (dpif-netdev/pmd-stats-show),
# packets/s offered and received; the ratio of the received rates
# full/10-route; and, for the full table, megaflows.py's table: per prefix
# length, routes in the table, destinations whose longest match has that
# length, routes they hit, and the megaflows standing for such routes with
# their range of nw_dst masks.  Wildcarding by prefix shows as masks of the
# route's length (longer only as far as it takes to rule out the longer
# prefixes inside the route); no wildcarding would be one /32 flow per
# destination.  A benchmark, not a test: it prints numbers and never judges
# them.
#
# Usage: sudo benchmarks/forwarding-fulltable.sh [--builddir DIR] [N]
#        (default N: 1000000)
# Needs root, iproute2, ethtool, jq and python3.  Everything it creates
# (namespaces "xfft_*", their veths, the private ovsdb-server and
# ovs-vswitchd) is removed on exit, also on failure.  Takes about a minute
# with 1M routes on a 2-core machine (most of it generating and loading the
# table).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/benchmarks/netns-lib.sh"
. "$top/benchmarks/lib.sh"
n=1000000
args=()
for a in "$@"; do
    case $a in [0-9]*) n=$a ;; *) args+=("$a") ;; esac
done
bench_options "$top/_build/ovs-build" ${args[@]+"${args[@]}"}
work=$(mktemp -d /tmp/xenflow-fwdfull.XXXXXX)
trap netns_cleanup EXIT
trap 'exit 1' INT TERM HUP
xf_bench_env
ndests=10000 warmup=2 seconds=5

# The tables: r1's connected routes and host neighbours, then the N-route
# table or the 10 routes, every gateway resolving to host b.
echo "generating $n routes and $ndests destinations..." >&2
python3 "$top/benchmarks/gen-table.py" --dests $ndests 4 "$n" "$work"
cat > "$work/connected" <<'EOF'
route 10.1.0.0/24 dev xfb-vr1
route 10.2.0.0/24 dev xfb-vr2
neigh 10.1.0.3 50:54:00:00:00:03
neigh 10.2.0.4 50:54:00:00:00:04
EOF
sed 's/^neigh \([^ ]*\) .*/neigh \1 50:54:00:00:00:04/' "$work/xf-0" \
    | cat "$work/connected" - > "$work/full"
{
    cat "$work/connected"
    grep '^neigh' "$work/full"
    for a in 0 32 64 96 128 160 192; do
        echo "route $a.0.0.0/3 via 10.2.0.$((10 + a / 32))" \
             "$([ $a = 0 ] && echo via 10.2.0.25)"
    done
    for a in 20 100 200; do echo "route $a.0.0.0/8 via 10.2.0.20"; done
} > "$work/small"

xenflow_topology xfft_
# Host b speaks once, so that the switch knows where its MAC is.
ip netns exec xfft_b ping -c 1 -W 2 10.2.0.1 > /dev/null || true

rx_packets() {
    ip -n xfft_b -j -s link show hb | jq '.[0].stats64.rx.packets'
}

# run NAME TABLE-FILE: loads TABLE-FILE, sends the traffic, and keeps what
# it measured in NAME.* files.
run() {
    local name=$1 table=$2 rx0 rx1 sent
    echo "$name: loading $(grep -c '^route' "$table") routes" \
         "(with r1's 2 connected)..." >&2
    ovs-appctl -T 3600 xenflow/load r1 "$table" --replace > /dev/null
    wait_until 3600 xenflow_synced
    ovs-appctl dpctl/del-flows > /dev/null
    ip netns exec xfft_a python3 "$top/benchmarks/udp-flood.py" ha \
        50:54:00:00:00:03 02:00:00:00:01:01 10.1.0.3 "$work/dests" \
        $warmup > /dev/null
    rx0=$(rx_packets)
    ovs-appctl dpif-netdev/pmd-stats-clear > /dev/null
    sent=$(ip netns exec xfft_a python3 "$top/benchmarks/udp-flood.py" ha \
        50:54:00:00:00:03 02:00:00:00:01:01 10.1.0.3 "$work/dests" $seconds)
    rx1=$(rx_packets)
    ovs-appctl dpctl/dump-flows > "$work/$name.dpflows"
    ovs-appctl dpif-netdev/pmd-stats-show > "$work/$name.pmdstats"
    echo "$(grep -c '^route .* via' "$table") $sent $((rx1 - rx0))" \
        > "$work/$name.counts"
}
run small "$work/small"
run full "$work/full"

routes_hit=$(awk '{ print $3 }' "$work/dests" | sort -u | wc -l)
nw_dst() { grep -o 'ipv4([^)]*dst=[0-9.]*\(/[0-9.]*\)\{0,1\}' "$1" || true; }
row() { printf '%-6s %8s %6s %10s %9s %13s %13s %14s %12s %13s\n' "$@"; }
row table routes dests routes-hit dp-flows nw_dst-flows nw_dst-masks \
    subtables/hit offered-pps received-pps
for name in small full; do
    read -r routes sent received < "$work/$name.counts"
    row "$name" "$routes" "$ndests" \
        "$([ $name = full ] && echo "$routes_hit" || echo -)" \
        "$(grep -c . "$work/$name.dpflows" || true)" \
        "$(nw_dst "$work/$name.dpflows" | wc -l)" \
        "$(nw_dst "$work/$name.dpflows" | sed 's/.*dst=[0-9.]*//' | sort -u \
           | wc -l)" \
        "$(sed -n 's/.*avg. subtable lookups per megaflow hit: //p' \
           "$work/$name.pmdstats" | head -1)" \
        $((sent / seconds)) $((received / seconds))
done
awk -v a="$(cut -d' ' -f3 "$work/full.counts")" \
    -v b="$(cut -d' ' -f3 "$work/small.counts")" \
    'BEGIN { printf "received full/small: %s\n",
             b ? sprintf("%.2f", a / b) : "n/a" }'
echo
echo "full table, by length of the route each megaflow stands for:"
python3 "$top/benchmarks/megaflows.py" "$work/full" "$work/dests" \
    "$work/full.dpflows"
