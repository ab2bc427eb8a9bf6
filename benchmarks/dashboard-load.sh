#! /bin/bash
# dashboard-load.sh -- the dashboard and the metrics under load (issue 19's
# benchmark): a fleet database of NODES nodes and ROUTERS routers (rows,
# not VMs) and the two servers of the page, one real xenflow-agent and
# xenflow-dashboard, on it.
#
# Usage: benchmarks/dashboard-load.sh [--builddir DIR] [NODES [ROUTERS [SECONDS]]]
#        (default: 50 nodes, 1000 routers, 20 seconds of readers; about
#        three minutes in all)
#
# The fleet database is one ovsdb-server (not a Raft cluster: what is
# measured is the servers of the page, which read their own copy of it).
# benchmarks/dashboard-load.py fills it: the nodes in a ring of links, 4
# networks over every link, the routers spread over the nodes with one
# interface each, and for every node but node0 and node1 the Node status
# and Router_State rows (status figures with fleet-stats.c's keys) an
# agent writes; then it emulates those agents for the whole run, each
# writing its figures once per 30 s (the default stats-interval),
# staggered, so that the servers see the fleet change as often as a real
# one's (1.6 transactions a second for 50 nodes).
#
# Node0 and node1 get real xenflow-agents (libvirt test:///default: their
# routers are the test driver's in-process domains), each with its own
# ovsdb-server and ovs-vswitchd on the dummy datapath (an agent without
# a switch only reports it missing); node0's agent serves /metrics and the
# read-only dashboard (--metrics=0:127.0.0.1), node1's has no --metrics:
# it is the baseline, over the same time in the same run.
# xenflow-dashboard (--listen=0:127.0.0.1, a --token-file) serves the
# read-write page.  Then:
#
#   1. agent CPU: /metrics scraped every 15 s, 4 times (60 s, the real
#      interval, no scaling); CPU seconds (user + system, all threads,
#      /proc/PID/stat) of both agents and of xenflow-dashboard over those
#      60 s, per 15 s interval and as a % of one core, and the ratio of
#      node0's agent to the baseline;
#   2. for each server (the agent, then xenflow-dashboard): the size of
#      /api/fleet.json; the page load time in headless Chromium (Debian's
#      chromium, chromium-driver and python3-selenium, installed with
#      apt-get if missing): from the navigation's start until the topology
#      shows NODES nodes, median of 5 loads; then 20 concurrent readers of
#      /api/fleet.json for SECONDS (Python threads, http.client, keep-alive
#      on: one connection per reader), their latency p50/p99 and requests
#      per second, and the server's CPU seconds meanwhile.
#
# The readers and Chromium share the machine's cores with the servers:
# their own CPU is printed too.  Everything (daemons, helpers, Chromium,
# the temporary directory /tmp/xenflow-dashload.*, which holds every
# socket and pidfile) goes on exit, also on failure and Ctrl-C.
set -euo pipefail

cmdline="$0 $*"
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
if [ "${1:-}" = --builddir ]; then
    builddir=$(cd "$2" && pwd)
    shift 2
fi
nodes=${1:-50}
routers=${2:-1000}
seconds=${3:-20}
networks=4
readers=20
loads=5
scrapes=4
scrape_interval=15
for n in "$nodes" "$routers" "$seconds"; do
    case $n in
        ''|*[!0-9]*) echo "usage: $0 [--builddir DIR] [NODES [ROUTERS [SECONDS]]]" >&2
                     exit 1 ;;
    esac
done
[ "$nodes" -ge 3 ] || { echo "$0: NODES must be at least 3 (node0 and node1 run real agents)" >&2; exit 1; }
[ "$seconds" -ge 1 ] || { echo "$0: SECONDS must be at least 1" >&2; exit 1; }
for prog in xenflow/agent/xenflow-agent xenflow/fleet/xenflow-dashboard \
            ovsdb/ovsdb-server vswitchd/ovs-vswitchd; do
    [ -x "$builddir/$prog" ] || {
        echo "$0: no $builddir/$prog (build first, or give --builddir)" >&2
        exit 1
    }
done

py=/usr/bin/python3
if ! $py -c 'import selenium' 2> /dev/null \
   || [ ! -x /usr/bin/chromedriver ] || ! command -v chromium > /dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends python3-selenium chromium chromium-driver \
        > /dev/null 2>&1 \
        || echo "$0: cannot install chromium, chromium-driver and python3-selenium: page-ms prints n/a" >&2
fi
command -v curl > /dev/null || \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends curl > /dev/null

work=$(mktemp -d /tmp/xenflow-dashload.XXXXXX)
. "$top/benchmarks/lib.sh"
xf_bench_env
export PATH=$builddir/xenflow/agent:$builddir/xenflow/fleet:$PATH
helper_pid=
emulator_pid=

stop_pidfile() {
    local pid
    pid=$(cat "$1" 2> /dev/null) || return 0
    kill "$pid" 2> /dev/null || true
    for _ in $(seq 100); do
        xf_running "$pid" || break
        sleep 0.1
    done
    ! xf_running "$pid" || kill -9 "$pid" 2> /dev/null || true
}
cleanup() {
    local rc=$? pid
    # The daemons' start-up messages, if something failed.
    if [ $rc != 0 ] && [ -s "$work/start.log" ]; then
        grep -v 'opened log file' "$work/start.log" >&2 || true
    fi
    for pid in $helper_pid $emulator_pid; do
        kill -TERM -- "-$pid" 2> /dev/null || true
    done
    for f in a/xenflow-agent b/xenflow-agent xenflow-dashboard \
             a/ovs-vswitchd b/ovs-vswitchd a/ovsdb-server b/ovsdb-server \
             fleet; do
        stop_pidfile "$work/$f.pid"
    done
    for pid in $helper_pid $emulator_pid; do
        kill -KILL -- "-$pid" 2> /dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# helper ARG...: runs dashboard-load.py ARG... in a session of its own
# (so that cleanup can end it with what it started, Chromium included);
# its output goes to $work/out.
helper() {
    local rc=0
    # (Chromium's profile, crash reports and temporary files: in $work.)
    mkdir -p "$work/home"
    HOME=$work/home TMPDIR=$work/home \
        setsid $py "$top/benchmarks/dashboard-load.py" "$@" > "$work/out" &
    helper_pid=$!
    wait $helper_pid || rc=$?
    helper_pid=
    return $rc
}

cpu_of() { xf_stat_cpu_s "/proc/$(cat "$1")/stat"; }

# The fleet database, its rows, and its emulated agents.
ovsdb-tool create "$work/fleet.db" "$top/xenflow/fleet/fleet.ovsschema"
ovsdb-server --detach --no-chdir --pidfile="$work/fleet.pid" \
             --log-file="$work/fleet.log" -vconsole:off \
             --unixctl="$work/fleet.ctl" --remote=punix:"$work/fleet.sock" \
             "$work/fleet.db" 2>> "$work/start.log"
helper populate "$work/fleet.sock" "$nodes" "$routers" "$networks"
setsid $py "$top/benchmarks/dashboard-load.py" agents "$work/fleet.sock" \
       "$nodes" 30 node0 node1 &
emulator_pid=$!

# start_node DIR NODE [OPTION...]: ovsdb-server and ovs-vswitchd (dummy
# datapath) in DIR, and the agent of NODE with OPTIONs.
start_node() {
    local dir=$1 node=$2
    shift 2
    mkdir -p "$dir"
    (
        export OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir \
               OVS_SYSCONFDIR=$dir
        ovsdb-tool create "$dir/conf.db" "$schema"
        ovsdb-server --detach --no-chdir --pidfile --log-file -vconsole:off \
                     --unixctl="$dir/ovsdb-server.ctl" \
                     --remote=punix:"$dir/db.sock" "$dir/conf.db"
        ovs-vsctl --db=unix:"$dir/db.sock" --no-wait init
        ovs-vswitchd --enable-dummy=override --disable-system \
                     --disable-system-route --detach --no-chdir --pidfile \
                     --log-file -vconsole:off \
                     --unixctl="$dir/ovs-vswitchd.ctl" unix:"$dir/db.sock"
        xenflow-agent --detach --no-chdir --pidfile --log-file -vconsole:off \
                      --fleet=unix:"$work/fleet.sock" \
                      --ovs=unix:"$dir/db.sock" \
                      --switch-unixctl="$dir/ovs-vswitchd.ctl" \
                      --unixctl="$dir/xenflow-agent.ctl" \
                      --libvirt=test:///default --node="$node" \
                      --state-dir="$dir/state" --shutdown-timeout=1 \
                      --dashboard-dir="$top/xenflow/dashboard" "$@"
    ) 2>> "$work/start.log"
}
start_node "$work/a" node0 --metrics=0:127.0.0.1
start_node "$work/b" node1
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$work/token"
xenflow-dashboard --detach --no-chdir --pidfile="$work/xenflow-dashboard.pid" \
                  --log-file="$work/xenflow-dashboard.log" -vconsole:off \
                  --unixctl="$work/xenflow-dashboard.ctl" \
                  --db=unix:"$work/fleet.sock" --listen=0:127.0.0.1 \
                  --token-file="$work/token" \
                  --dashboard-dir="$top/xenflow/dashboard" \
                  2>> "$work/start.log"

agent_port=$(ovs-appctl -t "$work/a/xenflow-agent.ctl" xenflow-agent/metrics |
             sed -n 's/^metrics: http port \([0-9]*\),.*/\1/p')
dash_port=$(ovs-appctl -t "$work/xenflow-dashboard.ctl" xenflow-dashboard/show |
            sed -n 's/^http: http port \([0-9]*\),.*/\1/p')
agent_url=http://127.0.0.1:$agent_port
dash_url=http://127.0.0.1:$dash_port

# running NODE: how many routers the fleet database says run on NODE.
running() {
    ovsdb-client transact unix:"$work/fleet.sock" \
        '["XenFlow_Fleet", {"op": "select", "table": "Router_State",
          "where": [["node", "==", "'"$1"'"], ["state", "==", "running"]],
          "columns": ["name"]}]' | grep -o '"name"' | wc -l
}
# nodes_served URL: the nodes in URL/api/fleet.json.
nodes_served() {
    curl -sf "$1/api/fleet.json" | $py -c \
        'import json, sys; print(len(json.load(sys.stdin)["nodes"]))' \
        2> /dev/null || echo 0
}
# Until both agents run their routers and both servers serve every node.
want=$(( routers / nodes + (routers % nodes > 0) ))
want1=$(( routers / nodes + (routers % nodes > 1) ))
for i in $(seq 120); do
    if [ "$(running node0)" = "$want" ] && [ "$(running node1)" = "$want1" ] \
       && [ "$(nodes_served "$agent_url")" = "$nodes" ] \
       && [ "$(nodes_served "$dash_url")" = "$nodes" ]; then
        break
    fi
    [ "$i" != 120 ] || {
        echo "$0: the agents or the servers are not ready after 60 s" \
             "(node0 runs $(running node0) of $want routers, node1" \
             "$(running node1) of $want1); logs in $work" >&2
        exit 1
    }
    sleep 0.5
done
sleep 5                         # Past the agents' start-up work.
xf_running "$emulator_pid" || {
    echo "$0: the emulated agents stopped (see above)" >&2
    exit 1
}

# gathers: the gathering passes node0's agent has made so far.
gathers() {
    ovs-appctl -t "$work/a/xenflow-agent.ctl" xenflow-agent/metrics |
        sed -n 's/^metrics: .*, \([0-9]*\) gathers .*/\1/p'
}

# 1. The agents' CPU at a 15 s scrape interval.
g0=$(gathers)
a0=$(cpu_of "$work/a/xenflow-agent.pid")
b0=$(cpu_of "$work/b/xenflow-agent.pid")
d0=$(cpu_of "$work/xenflow-dashboard.pid")
t0=$(xf_now)
for i in $(seq "$scrapes"); do
    curl -sf -o "$work/metrics" "$agent_url/metrics"
    sleep $(awk -v t0="$t0" -v now="$(xf_now)" -v i="$i" -v s="$scrape_interval" \
                'BEGIN { d = t0 + i * s - now; print (d > 0 ? d : 0) }')
done
window=$(xf_elapsed "$t0" "$(xf_now)")
a1=$(cpu_of "$work/a/xenflow-agent.pid")
b1=$(cpu_of "$work/b/xenflow-agent.pid")
d1=$(cpu_of "$work/xenflow-dashboard.pid")
g1=$(gathers)
metrics_bytes=$(wc -c < "$work/metrics")

# 2. Each server under the page and the readers.
declare -A size page p50 p99 rps cpu cpu_req readers_cpu
for server in agent dashboard; do
    if [ $server = agent ]; then
        url=$agent_url pidfile=$work/a/xenflow-agent.pid
    else
        url=$dash_url pidfile=$work/xenflow-dashboard.pid
    fi
    size[$server]=$(curl -sf -o /dev/null -w '%{size_download}' \
                         "$url/api/fleet.json")
    if helper page "$url/" "$nodes" "$loads"; then
        page[$server]=$(awk '{ print $1 }' "$work/out")
        echo "page loads ($server): $(cut -d' ' -f2- "$work/out") ms" >&2
    else
        page[$server]=n/a
    fi
    c0=$(cpu_of "$pidfile")
    helper readers "$url/api/fleet.json" "$readers" "$seconds"
    c1=$(cpu_of "$pidfile")
    read -r n r q50 q99 _ errors rcpu < "$work/out"
    [ "$errors" = 0 ] || echo "$0: $server: $errors readers' errors" >&2
    p50[$server]=$q50 p99[$server]=$q99 rps[$server]=$r
    readers_cpu[$server]=$rcpu
    cpu[$server]=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
    cpu_req[$server]=$(awk -v c="${cpu[$server]}" -v n="$n" \
                           'BEGIN { printf "%.2f", n ? c * 1000 / n : 0 }')
done

echo "command: $cmdline"
echo "nproc: $(nproc); fleet: one ovsdb-server, $nodes nodes (ring of" \
     "$nodes links), $networks networks, $routers routers" \
     "($((routers / nodes)) per node); $((nodes - 2)) emulated agents" \
     "write every 30 s"
awk -v sa="${size[agent]}" -v sd="${size[dashboard]}" \
    -v pa="${page[agent]}" -v pd="${page[dashboard]}" \
    -v la="${p50[agent]}" -v ld="${p50[dashboard]}" \
    -v ha="${p99[agent]}" -v hd="${p99[dashboard]}" \
    -v ra="${rps[agent]}" -v rd="${rps[dashboard]}" \
    -v ca="${cpu[agent]}" -v cd="${cpu[dashboard]}" \
    -v qa="${cpu_req[agent]}" -v qd="${cpu_req[dashboard]}" \
    -v xa="${readers_cpu[agent]}" -v xd="${readers_cpu[dashboard]}" \
    -v mb="$metrics_bytes" -v w="$window" -v s="$seconds" -v n="$readers" \
    -v k="$scrapes" -v iv="$scrape_interval" -v loads="$loads" \
    -v a="$(xf_elapsed "$a0" "$a1")" -v b="$(xf_elapsed "$b0" "$b1")" \
    -v d="$(xf_elapsed "$d0" "$d1")" 'BEGIN {
    f = "%-40s %14s %18s %14s %7s\n"
    printf f, "measure", "xenflow-agent", "xenflow-dashboard", "baseline", "ratio"
    printf f, "/api/fleet.json bytes", sa, sd, "", ""
    printf f, "page load ms (median of " loads ")", pa, pd, "", ""
    printf f, "fleet.json p50 ms (" n " readers, " s " s)", la, ld, "", ""
    printf f, "fleet.json p99 ms", ha, hd, "", ""
    printf f, "fleet.json requests/s", ra, rd, "", ""
    printf f, "server CPU s during the readers", ca, cd, "", ""
    printf f, "server CPU ms per request", qa, qd, "", ""
    printf f, "readers CPU s (the Python client)", xa, xd, "", ""
    printf f, "/metrics bytes", mb, "", "", ""
    per = iv / w
    printf f, "CPU s per " iv " s, /metrics every " iv " s", \
        sprintf("%.3f", a * per), sprintf("%.3f", d * per), \
        sprintf("%.3f", b * per), (b > 0 ? sprintf("%.2fx", a / b) : "n/a")
    printf f, "CPU % of one core, same " k " intervals", \
        sprintf("%.2f", a * 100 / w), sprintf("%.2f", d * 100 / w), \
        sprintf("%.2f", b * 100 / w), (b > 0 ? sprintf("%.2fx", a / b) : "n/a")
}' | sed 's/ *$//'
echo "(baseline: node1's xenflow-agent without --metrics over the same" \
     "$(printf %.0f "$window") s, in which node0's agent made $((g1 - g0))" \
     "gathering passes; xenflow-dashboard's CPU there is with no reader)"
