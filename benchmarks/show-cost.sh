#! /bin/bash
# show-cost.sh -- what monitoring pays to poll XenFlow: the time of
# "ovs-appctl xenflow/show" (and --json) while a router holds N routes.
#
# Usage: benchmarks/show-cost.sh [--builddir DIR] [N [CALLS]]
#        (default: N = 1000000 routes, CALLS = 20 of each)
#
# Loads N /24 routes into router r1 (dummy datapath, no root needed), waits
# until every flow is installed, then times CALLS calls of each command and
# prints milliseconds per call.  The baseline of the same run is
# "ovs-appctl version", the cost of any ovs-appctl round trip.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
if [ "${1:-}" = --builddir ]; then
    builddir=$(cd "$2" && pwd)
    shift 2
fi
n=${1:-1000000}
calls=${2:-20}

work=$(mktemp -d /tmp/xenflow-show.XXXXXX)
. "$top/benchmarks/lib.sh"
xf_bench_env
trap 'xf_stop_switch; rm -rf "$work"' EXIT

xf_start_switch
xf_add_router_bridge 10.2.0.1/24
awk -v n="$n" 'BEGIN {
    print "neigh 10.2.0.9 50:54:00:00:00:09"
    for (i = 0; i < n; i++) {
        printf "route %d.%d.%d.0/24 via 10.2.0.9\n", 11 + int(i / 65536),
               int(i / 256) % 256, i % 256
    }
}' > "$work/routes"
ovs-appctl -T 600 xenflow/load r1 "$work/routes" > /dev/null
xf_wait_drained

per_call() {
    local t0 t1
    t0=$(xf_now)
    for _ in $(seq "$calls"); do
        ovs-appctl "$@" > /dev/null
    done
    t1=$(xf_now)
    awk -v s="$(xf_elapsed "$t0" "$t1")" -v c="$calls" \
        'BEGIN { printf "%.2f", s * 1000 / c }'
}

printf '%-20s %8s %8s\n' command routes ms/call
printf '%-20s %8d %8s\n' "version (baseline)" "$n" "$(per_call version)"
printf '%-20s %8d %8s\n' "xenflow/show" "$n" "$(per_call xenflow/show)"
printf '%-20s %8d %8s\n' "xenflow/show --json" "$n" \
       "$(per_call xenflow/show --json)"
