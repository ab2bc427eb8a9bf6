#! /bin/bash
# router-remove.sh -- how long removing a router with a full table takes,
# and how long it stalls ovs-vswitchd's main loop (issue 16).
#
# Usage: benchmarks/router-remove.sh [--builddir DIR] [N]
#        (default N: 1000000 IPv4 routes, the Internet-like table of
#        route-churn.sh, benchmarks/gen-table.py)
#
# Loads the table into router r1 (one XenFlow bridge, dummy datapath),
# waits until flowsync has installed it, then removes the router from the
# configuration (ovs-vsctl remove Interface p1 other_config
# xenflow-router) and prints, for ROUNDS of that (default 1, env ROUNDS):
# seconds until the router is gone from xenflow/show and until flowsync
# has nothing pending (every route flow and group deleted), the CPU
# seconds of ovs-vswitchd's main thread and of all its threads, and
# stall-ms: the longest "ovs-appctl version" reply meanwhile (about the
# main loop's longest iteration; about 5 ms when idle).  The Linux kernel
# has no such step to compare with.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
n=
while [ $# -gt 0 ]; do
    case $1 in
        --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
        -*) echo "usage: $0 [--builddir DIR] [N]" >&2; exit 1 ;;
        *) n=$1; shift ;;
    esac
done
n=${n:-1000000}
rounds=${ROUNDS:-1}

work=$(mktemp -d /tmp/xenflow-rmrouter.XXXXXX)
. "$top/benchmarks/lib.sh"
xf_bench_env
cleanup() {
    set +e
    touch "$work/stall.stop"
    xf_stop_switch
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 "$top/benchmarks/gen-table.py" --churn 4 "$n" "$work"
xf_start_switch
xf_add_router_bridge 10.2.0.1/24

printf '%-6s %8s %7s %9s %10s %6s %8s\n' round routes gone-s drained-s \
       main-cpu-s cpu-s stall-ms
for round in $(seq "$rounds"); do
    ovs-vsctl set Interface p1 other_config:xenflow-router=r1
    until ovs-appctl xenflow/show | grep -q '^r1 '; do sleep 0.05; done
    ovs-appctl -T 3600 xenflow/load r1 "$work/xf-0" > /dev/null
    xf_wait_drained
    xf_wait_trimmed
    sleep 1
    c0=$(xf_main_cpu_s) a0=$(xf_cpu_s)
    xf_stall_start
    t0=$(xf_now)
    ovs-vsctl remove Interface p1 other_config xenflow-router
    while ovs-appctl xenflow/show | grep -q '^r1 '; do sleep 0.01; done
    t1=$(xf_now)
    xf_wait_drained
    t2=$(xf_now)
    st=$(xf_stall_stop)
    printf '%-6s %8s %7.3f %9.3f %10.2f %6.2f %8s\n' "$round" "$n" \
        "$(xf_elapsed "$t0" "$t1")" "$(xf_elapsed "$t0" "$t2")" \
        "$(xf_elapsed "$c0" "$(xf_main_cpu_s)")" \
        "$(xf_elapsed "$a0" "$(xf_cpu_s)")" "$st"
done
