#! /bin/bash
# route-churn.sh -- how XenFlow copes with a changing full Internet table
# (issue 16), against the kernel measured in the same run.
#
# Usage: benchmarks/route-churn.sh [--builddir DIR] [--ipv6] [--perf DIR]
#                                  [--no-replace] [N]
#        (default N: 1000000 IPv4 routes; --ipv6: 200000 IPv6 routes;
#        --perf DIR: "perf record -g" ovs-vswitchd during each step, into
#        DIR/STEP.data, for "perf report -i DIR/STEP.data"; the environment
#        variable PERF_RECORD_FLAGS replaces "-g", e.g. "--call-graph dwarf";
#        --no-replace: only load, withdraw-all and reload, so that the
#        withdrawal follows a fresh load rather than three replaces)
#
# Generates an Internet-like table of N distinct prefixes (DFZ prefix-length
# mix, 16 next hops, 1 route in 8 ECMP over 2-4 of them), three tables each
# differing from the one before in half its routes (a quarter of the
# prefixes replaced by new ones, a quarter moved to other next hops), and
# runs these steps on router r1 (one XenFlow bridge, dummy datapath):
#
#   load          xenflow/load r1 TABLE0
#   replace-1..3  xenflow/load r1 TABLEk --replace
#   withdraw-all  xenflow/load r1 NEIGHBOURS --replace (every route goes)
#   reload        xenflow/load r1 TABLE0
#   client-gone   r1's client (a session that says hello, then closes) does
#                 not come back within its grace period, here 0 s: every
#                 route and neighbour is withdrawn (xenflow(7), "clients";
#                 the same path as a migrated router's release)
#
# For each: seconds until xenflow/load replies, or for client-gone until
# r1 has no route left (xenflow-s), and until
# flowsync has nothing pending (drained-s, from the same start), and
# ovs-vswitchd's RSS after it (once it has given back what the step freed:
# xenflow/memory), and the CPU seconds its main thread
# (main-cpu-s) and all its threads (cpu-s: with the RCU thread, which frees
# what a withdrawal removes) spent on it, steadier than elapsed time on a
# shared machine.  The kernel baseline (root only) makes the
# same changes in a network namespace with "ip -batch": what a routing
# daemon would send, i.e. for a replace step only the difference ("route
# del" of the prefixes that went, "route replace" of the new and moved
# ones), for withdraw-all a "route del" per route.  ratio-to-kernel is
# drained-s / kernel-s; ratio-to-first-load is drained-s / the load's.
# stall-ms is the longest that ovs-vswitchd's main loop kept a unixctl
# client waiting during the step ("ovs-appctl version" every 20 ms, each
# reply timed, ovs-appctl's own start included: about 5 ms when idle), i.e.
# about its longest main-loop iteration: bulk work should keep it short.
# A second table splits each step's main-cpu-s: the busy (CPU) seconds of
# xenflow/load's own steps per phase (reading, ordering, keeping and
# sweeping for --replace, setting), from the line it logs when done, and
# the rest (flowsync's flow_mods into ofproto's classifier, the main loop),
# then how long the main thread waited for a CPU (runq-s) and slept
# (asleep-s: the drained-s of the step less its time on a CPU and runq-s,
# from its schedstat: waiting for ofproto_mutex, malloc's lock, the RCU
# thread, or idle).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
family=4
n=
perfdir=
no_replace=
while [ $# -gt 0 ]; do
    case $1 in
        --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
        --ipv6) family=6; shift ;;
        --perf) mkdir -p "$2"; perfdir=$(cd "$2" && pwd); shift 2 ;;
        --no-replace) no_replace=yes; shift ;;
        -*) echo "usage: $0 [--builddir DIR] [--ipv6] [--perf DIR] [--no-replace] [N]" >&2
            exit 1 ;;
        *) n=$1; shift ;;
    esac
done
[ -n "$n" ] || n=$([ $family = 4 ] && echo 1000000 || echo 200000)

work=$(mktemp -d /tmp/xenflow-churn.XXXXXX)
ns=xfchurn$$
. "$top/benchmarks/lib.sh"
xf_bench_env
cleanup() {
    set +e
    xf_stop_switch
    ip netns del "$ns" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The tables: xf-0..3 (xenflow/load format, neighbours first), xf-neigh
# (neighbours only), k-0..3 and k-del (ip -batch: table 0 in full, then the
# differences, then every route of table 3 deleted); see gen-table.py.
python3 "$top/benchmarks/gen-table.py" --churn "$family" "$n" "$work"

steps=(load replace-1 replace-2 replace-3 withdraw-all reload client-gone)
xf_files=(xf-0 xf-1 xf-2 xf-3 xf-neigh xf-0 -)
xf_opts=("" --replace --replace --replace --replace "" "")
k_files=(k-0 k-1 k-2 k-3 k-del k-0 k-del0)
expect=("$n" "$n" "$n" "$n" 0 "$n" 0)
if [ -n "$no_replace" ]; then
    steps=(load withdraw-all reload client-gone)
    xf_files=(xf-0 xf-neigh xf-0 -)
    xf_opts=("" --replace "" "")
    k_files=(k-0 k-del0 k-0 k-del0)
    expect=("$n" 0 "$n" 0)
fi

# One router with one interface in one network, like route-scale.sh.
if [ $family = 4 ]; then
    iface_addr=10.2.0.1/24 ip="ip"
else
    iface_addr=2001:db8:2::1/64 ip="ip -6"
fi
xf_start_switch
xf_add_router_bridge $iface_addr 02:00:00:00:00:01 -- set Open_vSwitch . \
    other_config:xenflow-listen="punix:$work/xf.sock" \
    other_config:xenflow-client-grace=0
ovs-appctl xenflow/show > /dev/null
rss_empty=$(xf_rss_kb)

# The router's "routes" and "routes_installed" in xenflow/show --json.
router_counts() {
    local json
    json=$(ovs-appctl xenflow/show --json)
    echo $(sed -n 's/.*"routes": *\([0-9]*\).*/\1/p' <<< "$json") \
         $(sed -n 's/.*"routes_installed": *\([0-9]*\).*/\1/p' <<< "$json")
}

# client-gone: a session of r1's client that says hello and closes, then
# waits until r1 has no route left (its grace period is 0 s); the reply is
# the line ovs-vswitchd logs.
client_gone() {
    local hello
    hello='{"method":"hello","id":"h","params":[{"protocol":1,"router":"r1",'
    hello+='"client":"route-churn","interfaces":[{"name":"p1",'
    hello+='"mac":"02:00:00:00:00:01","addresses":["'$iface_addr'"]}]}]}'
    echo "$hello" | "$builddir/tests/ovstest" test-xenflow-proto session \
        "unix:$work/xf.sock" > /dev/null
    until grep -q 'no client resynchronised within' "$work/ovs-vswitchd.log"; do
        sleep 0.01
    done
    sed -n 's/.*|WARN|router r1: \(no client resynchronised within [^,]*\), .*/\1/p' \
        "$work/ovs-vswitchd.log" > "$work/reply"
}

declare -a xf_s drained_s rss_mb kernel_s main_cpu_s cpu_s stall_ms phases
declare -a runq_s asleep_s
# The busy seconds of xenflow/load's own steps in each phase, from the line
# it logs when done (xenflow(7)): "-" for a phase it did not go through.
load_phases() {
    local line p b
    line=$(grep '|xenflow_load|INFO|' "$work/ovs-vswitchd.log" | tail -1)
    for p in reading ordering keeping sweeping setting; do
        b=$(echo "$line" | sed -n "s/.*[(;] *$p [0-9.]* s, busy \([0-9.]*\) s.*/\1/p")
        printf '%s ' "${b:--}"
    done
}
for i in "${!steps[@]}"; do
    if [ -n "$perfdir" ]; then
        perf record -q ${PERF_RECORD_FLAGS:--g} -o "$perfdir/${steps[i]}.data" \
            -p "$(cat "$work/ovs-vswitchd.pid")" 2> /dev/null &
        perf_pid=$!
        sleep 1
    fi
    c0=$(xf_main_cpu_s) a0=$(xf_cpu_s) s0=$(xf_main_schedstat)
    xf_stall_start
    t0=$(xf_now)
    if [ "${steps[i]}" = client-gone ]; then
        client_gone
    else
        ovs-appctl -T 3600 xenflow/load r1 "$work/${xf_files[i]}" \
            ${xf_opts[i]} > "$work/reply"
    fi
    t1=$(xf_now)
    xf_wait_drained
    t2=$(xf_now)
    s1=$(xf_main_schedstat)
    stall_ms[i]=$(xf_stall_stop)
    read -r runq_s[i] asleep_s[i] < <(echo "$s0 $s1 $t0 $t2" | awk '{
        runq = ($5 - $2) / 1e9
        printf "%.2f %.2f\n", runq, ($8 - $7) - ($4 - $1) / 1e9 - runq }')
    main_cpu_s[i]=$(xf_elapsed "$c0" "$(xf_main_cpu_s)")
    cpu_s[i]=$(xf_elapsed "$a0" "$(xf_cpu_s)")
    xf_wait_trimmed
    if [ -n "$perfdir" ]; then
        kill -INT "$perf_pid"
        wait "$perf_pid" || true
    fi
    xf_s[i]=$(xf_elapsed "$t0" "$t1")
    if [ "${steps[i]}" = client-gone ]; then
        phases[i]='- - - - - '
    else
        phases[i]=$(load_phases)
    fi
    drained_s[i]=$(xf_elapsed "$t0" "$t2")
    rss_mb[i]=$(awk -v kb="$(xf_rss_kb)" 'BEGIN { printf "%.1f", kb / 1024 }')
    counts=$(router_counts)
    if [ "$counts" != "${expect[i]} ${expect[i]}" ]; then
        echo "${steps[i]}: routes/installed $counts, expected ${expect[i]}" >&2
        exit 1
    fi
    printf '%-13s xenflow %7.3f s, drained %7.3f s, rss %s MB (%s)\n' \
        "${steps[i]}" "${xf_s[i]}" "${drained_s[i]}" "${rss_mb[i]}" \
        "$(tr -d '\n' < "$work/reply")" >&2
done
xf_stop_switch

# The Linux kernel, in a namespace.
if [ "$(id -u)" = 0 ]; then
    ip netns add "$ns"
    ip -n "$ns" link add d0 type veth peer name d1
    ip -n "$ns" link set d0 up
    ip -n "$ns" link set d1 up
    ip -n "$ns" addr add $iface_addr dev d0 $([ $family = 6 ] && echo nodad)
    for i in "${!steps[@]}"; do
        t0=$(xf_now)
        $ip -n "$ns" -batch "$work/${k_files[i]}"
        t1=$(xf_now)
        kernel_s[i]=$(xf_elapsed "$t0" "$t1")
        # A multipath route's next hops are continuation lines.
        installed=$($ip -n "$ns" route show proto boot | grep -c '^[^[:space:]]' || true)
        if [ "$installed" != "${expect[i]}" ]; then
            echo "kernel ${steps[i]}: $installed routes, expected ${expect[i]}" >&2
            exit 1
        fi
        printf '%-13s kernel %7.3f s\n' "${steps[i]}" "${kernel_s[i]}" >&2
    done
    ip netns del "$ns"
else
    echo "not root: no kernel baseline" >&2
fi

echo "routes/v$family: $n; empty switch rss $(awk -v kb="$rss_empty" 'BEGIN { printf "%.1f", kb / 1024 }') MB"
printf '%-13s %9s %9s %10s %6s %7s %8s %15s %19s %8s\n' step xenflow-s \
       drained-s main-cpu-s cpu-s rss-MB kernel-s ratio-to-kernel \
       ratio-to-first-load stall-ms
for i in "${!steps[@]}"; do
    awk -v step="${steps[i]}" -v x="${xf_s[i]}" -v d="${drained_s[i]}" \
        -v mc="${main_cpu_s[i]}" -v c="${cpu_s[i]}" \
        -v rss="${rss_mb[i]}" -v k="${kernel_s[i]:-}" -v d0="${drained_s[0]}" \
        -v st="${stall_ms[i]}" 'BEGIN {
        printf "%-13s %9.3f %9.3f %10.2f %6.2f %7.1f %8s %15s %18.2fx %8d\n",
               step, x, d, mc, c, rss,
               k == "" ? "-" : sprintf("%.3f", k),
               k == "" || k == 0 ? "-" : sprintf("%.2fx", d / k), d / d0, st
    }'
done

# Where each step's main-thread time went: xenflow/load's own steps by
# phase, and the rest of main-cpu-s (flowsync's flow_mods into ofproto's
# classifier, the main loop).
echo
printf '%-13s %8s %9s %8s %9s %8s %8s %12s %7s %9s\n' step reading \
       ordering keeping sweeping setting load-s other-main-s runq-s asleep-s
for i in "${!steps[@]}"; do
    echo "${steps[i]} ${phases[i]} ${main_cpu_s[i]} ${runq_s[i]} ${asleep_s[i]}" | awk '{
        t = 0
        for (f = 2; f <= 6; f++) if ($f != "-") t += $f
        printf "%-13s %8s %9s %8s %9s %8s %8.2f %12.2f %7.2f %9.2f\n",
               $1, $2, $3, $4, $5, $6, t, $7 - t, $8, $9
    }'
done
