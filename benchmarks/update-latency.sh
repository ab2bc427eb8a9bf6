#! /bin/bash
# update-latency.sh -- how long one route change and one neighbour change
# take to become active in the switch while a router holds N routes.
#
# Usage: benchmarks/update-latency.sh [--builddir DIR] [N [CHANGES]]
#        (default: N = 1000000 routes, CHANGES = 200 of each kind)
#
# Loads N routes into router r1 (dummy datapath, no root needed), waits until
# every flow is installed, then applies CHANGES route replacements and
# CHANGES neighbour MAC changes, one ovs-appctl command each, and prints the
# latency that ovs-vswitchd measured for each kind (xenflow/latency): from
# the change being accepted to its flow being active in ofproto's
# classifier.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
if [ "${1:-}" = --builddir ]; then
    builddir=$(cd "$2" && pwd)
    shift 2
fi
n=${1:-1000000}
changes=${2:-200}

work=$(mktemp -d /tmp/xenflow-latency.XXXXXX)
. "$(dirname "$0")/lib.sh"
xf_bench_env
cleanup() {
    xf_stop_switch
    rm -rf "$work"
}
trap cleanup EXIT

xf_start_switch
xf_add_router_bridge 10.2.0.1/24

awk -v n="$n" 'BEGIN {
    print "neigh 10.2.0.8 50:54:00:00:00:08"
    print "neigh 10.2.0.9 50:54:00:00:00:09"
    for (i = 0; i < n; i++) {
        printf "route %d.%d.%d.0/24 via 10.2.0.9\n",
               11 + int(i / 65536), int(i / 256) % 256, i % 256
    }
}' > "$work/routes"
start=$(date +%s.%N)
ovs-appctl -T 900 xenflow/load r1 "$work/routes" > /dev/null
xf_wait_drained
end=$(date +%s.%N)
echo "loaded $n routes in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"

latency_row() {
    ovs-appctl xenflow/latency --json \
        | sed 's/.*"data":\[\[\([^]]*\)\]\].*/\1/' \
        | awk -F, -v what="$1" '{ printf "%-18s %8s %8s %8s %8s\n", what, $2, $3, $4, $5 }'
}

printf '%-18s %8s %8s %8s %8s\n' change samples p50-us p99-us max-us
ovs-appctl xenflow/latency --clear > /dev/null
# Every loaded route goes via 10.2.0.9: moving one to 10.2.0.8 is a change.
for i in $(seq "$changes"); do
    ovs-appctl xenflow/route-add r1 11.$((i / 256 % 256)).$((i % 256)).0/24 \
        via 10.2.0.8
done
xf_wait_drained
latency_row route-replace
ovs-appctl xenflow/latency --clear > /dev/null
for i in $(seq "$changes"); do
    ovs-appctl xenflow/neigh-add r1 10.2.0.9 50:54:00:00:01:$(printf %02x $((i % 256)))
done
xf_wait_drained
latency_row neighbour-change
