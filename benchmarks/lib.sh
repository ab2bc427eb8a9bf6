# Helpers shared by the benchmark scripts (sourced, not run).
#
# The caller sets 'builddir' (upstream's build tree, e.g. _build/ovs-build)
# and 'work' (a scratch directory) before calling xf_bench_env.

# Points the OVS tools at 'builddir' and their files at 'work'.
xf_bench_env() {
    export OVS_RUNDIR=$work OVS_LOGDIR=$work OVS_DBDIR=$work \
           OVS_SYSCONFDIR=$work
    export PATH=$builddir/utilities:$builddir/vswitchd:$builddir/ovsdb:$builddir/xenflow/client:$PATH
    schema=$(sed -n 's/^abs_top_srcdir = //p' "$builddir/Makefile")/vswitchd/vswitch.ovsschema
    # XF_BENCH_HUGETLB=1: glibc backs the heap of xf_start_switch's
    # ovs-vswitchd with transparent huge pages (xenflow(7), "huge pages";
    # only ovs-vswitchd: exported to every command, it made the kernel
    # baseline's "ip -batch" of a million routes grow to 24 GB).
    vswitchd_env=XF_BENCH_HUGETLB=0
    if [ "${XF_BENCH_HUGETLB:-0}" = 1 ]; then
        vswitchd_env=GLIBC_TUNABLES=glibc.malloc.hugetlb=1
    fi
}

# xf_netns_bench NAME: what a benchmark on network namespaces does first:
# checks it runs as root, takes /run/xenflow-system.lock as the system tests
# do (on fd 9, until the script exits), makes the scratch directory 'work'
# (/tmp/xenflow-NAME.*) and calls xf_bench_env.
xf_netns_bench() {
    [ "$(id -u)" = 0 ] || { echo "$0: needs root (namespaces)" >&2; exit 1; }
    exec 9>/run/xenflow-system.lock
    flock 9
    work=$(mktemp -d "/tmp/xenflow-$1.XXXXXX")
    xf_bench_env
}

xf_now() { date +%s.%N; }
xf_elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
xf_rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$(cat "$work/ovs-vswitchd.pid")/status"; }
# CPU seconds (user + system) that ovs-vswitchd's main thread (xf_main_cpu_s)
# or all its threads (xf_cpu_s) have used so far: on a shared machine a
# steadier measure of work than elapsed time.
xf_stat_cpu_s() {
    awk -v hz="$(getconf CLK_TCK)" \
        '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "$1"
}
xf_main_cpu_s() {
    local pid
    pid=$(cat "$work/ovs-vswitchd.pid")
    xf_stat_cpu_s "/proc/$pid/task/$pid/stat"
}
xf_cpu_s() { xf_stat_cpu_s "/proc/$(cat "$work/ovs-vswitchd.pid")/stat"; }
# The main thread's scheduler statistics so far (proc(5), schedstat):
# nanoseconds on a CPU, nanoseconds runnable but waiting for one, time
# slices.  Between two readings, the step's elapsed time less both is
# what the main thread spent asleep: waiting for a lock, for the RCU
# thread or for work.
xf_main_schedstat() {
    local pid
    pid=$(cat "$work/ovs-vswitchd.pid")
    cat "/proc/$pid/task/$pid/schedstat"
}

# Starts ovsdb-server and ovs-vswitchd (dummy datapaths allowed, no kernel
# datapath or routing table) on a fresh database in 'work'.
xf_start_switch() {
    rm -f "$work"/conf.db
    ovsdb-tool create "$work/conf.db" "$schema"
    ovsdb-server --detach --no-chdir --pidfile --log-file -vconsole:off \
                 --remote="punix:$work/db.sock"
    ovs-vsctl --no-wait init
    env "$vswitchd_env" \
    ovs-vswitchd --enable-dummy=override --disable-system \
                 --disable-system-route --detach --no-chdir --pidfile \
                 --log-file -vconsole:off
}

# Adds bridge br0 (XenFlow on, dummy datapath) and on it port p1 of router r1
# in network n with address ADDR (e.g. 10.2.0.1/24) and MAC (default
# 02:00:00:00:00:01); further arguments go to the same ovs-vsctl command
# (e.g. -- set Open_vSwitch . other_config:...).
xf_add_router_bridge() {
    local addr=$1 mac=${2:-02:00:00:00:00:01}
    shift $(( $# < 2 ? $# : 2 ))
    ovs-vsctl add-br br0 -- set Bridge br0 datapath_type=dummy \
        other_config:xenflow-enable=true other_config:xenflow-network-n=100 \
        -- add-port br0 p1 -- set Interface p1 type=dummy \
           other_config:xenflow-network=n other_config:xenflow-router=r1 \
           other_config:xenflow-mac=$mac other_config:xenflow-addresses=$addr \
           "$@"
}

# Whether process PID still runs: a daemon that exited stays a zombie until
# init reaps it, which some sandboxes' init does only after seconds.
xf_running() {
    local state
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
    [ -n "$state" ] || return 1
    [ "$state" != Z ] && return 0
    # A zombie leader whose other threads are still exiting: a killed
    # multi-threaded daemon frees its memory there (seconds for gigabytes)
    # and holds its pidfile's lock until the last thread is gone.
    [ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -gt 1 ]
}

xf_stop_switch() {
    local pid daemon
    for daemon in ovs-vswitchd ovsdb-server; do
        pid=$(cat "$work/$daemon.pid" 2>/dev/null) || continue
        ovs-appctl -t $daemon exit 2>/dev/null || true
        while xf_running "$pid"; do sleep 0.1; done
        rm -f "$work/$daemon.pid"
    done
}

# Waits until XenFlow has no flow change left to apply.
# Waits (at most a minute) until ovs-vswitchd has given back what a large
# change freed (xenflow/memory: nothing left to trim, no trim under way).
xf_wait_trimmed() {
    local i
    # (A build from before xenflow/memory existed never trims.)
    ovs-appctl xenflow/memory > /dev/null 2>&1 || return 0
    for i in $(seq 600); do
        set -- $(ovs-appctl xenflow/memory | awk 'NR == 3 { print $4, $6, $9 }')
        # trim-due ($3), or before it existed removed-since-trim ($1): a
        # trim that will start once flowsync drained.
        if [ "$2" = no ] && { [ "${3:-}" = no ] ||
                              { [ -z "${3:-}" ] && [ "$1" -lt 10000 ]; }; }; then
            return 0
        fi
        sleep 0.1
    done
}
xf_wait_drained() {
    while [ "$(ovs-appctl xenflow/show --json | sed -n 's/.*"pending": \([0-9]*\).*/\1/p')" != 0 ]; do
        sleep 0.05
    done
}

# xf_stall_start / xf_stall_stop: the longest "ovs-appctl version" reply
# in between, in ms ("stall-ms": about ovs-vswitchd's longest main-loop
# iteration; ovs-appctl's own start included, about 5 ms when idle).
xf_stall_start() {
    rm -f "$work/stall.stop"
    echo 0 > "$work/stall.max"
    (
        max=0
        while [ ! -e "$work/stall.stop" ]; do
            s=$(date +%s%N)
            ovs-appctl version > /dev/null 2>&1 || break
            ms=$(( ($(date +%s%N) - s) / 1000000 ))
            if [ $ms -gt $max ]; then
                max=$ms
                echo $max > "$work/stall.max"
            fi
            sleep 0.02
        done
    ) &
    xf_stall_pid=$!
}
xf_stall_stop() {
    touch "$work/stall.stop"
    wait "$xf_stall_pid" || true
    cat "$work/stall.max"
}
