#! /bin/bash
# fleet-db-rate.sh -- what rate of agents' writes a fleet database takes:
# a 3-member Raft cluster of upstream's ovsdb-server (Unix sockets, one
# machine) holding NODES Node rows and ROUTERS Router and Router_State
# rows, written by NODES emulated agents at once.
#
# Usage: benchmarks/fleet-db-rate.sh [--builddir DIR] [NODES [ROUTERS [SECONDS]]]
#        (default: 50 nodes, 1000 routers, 10 seconds)
#
# Each emulated agent (benchmarks/fleet-db-writers.py, one connection each,
# spread over the 3 members as agents list every member) writes, one
# transaction in flight and as fast as the cluster commits, what a real
# agent writes once per Fleet options:stats-interval: its Node's last_seen
# and status and all its routers' Router_State status and updated, every
# figure changed.  Prints transactions and row updates committed per
# second, the latency of one transaction (p50, p99), the CPU seconds the
# three servers used, and what the agents need at the default interval
# (30 s): NODES / 30 transactions a second.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
if [ "${1:-}" = --builddir ]; then
    builddir=$(cd "$2" && pwd)
    shift 2
fi
nodes=${1:-50}
routers=${2:-1000}
seconds=${3:-10}

work=$(mktemp -d /tmp/xenflow-fleet-db.XXXXXX)
export PATH=$builddir/ovsdb:$builddir/utilities:$PATH
export OVS_RUNDIR=$work OVS_LOGDIR=$work OVS_DBDIR=$work
schema=$top/xenflow/fleet/fleet.ovsschema
stop() {
    for i in 1 2 3; do
        [ -f "$work/s$i.pid" ] && kill "$(cat "$work/s$i.pid")" 2>/dev/null
    done
    rm -rf "$work"
}
trap stop EXIT

cd "$work"
# (ovsdb-tool warns that clusters keep ephemeral columns: expected.)
ovsdb-tool create-cluster s1.db "$schema" unix:s1.raft 2> /dev/null
for i in 2 3; do
    ovsdb-tool join-cluster s$i.db XenFlow_Fleet unix:s$i.raft unix:s1.raft
done
for i in 1 2 3; do
    ovsdb-server --detach --no-chdir --pidfile=s$i.pid --log-file=s$i.log \
                 -vconsole:off --unixctl="$work/s$i.ctl" \
                 --remote=punix:"$work/s$i.sock" s$i.db 2> /dev/null
done
for i in 1 2 3; do
    ovsdb-client --timeout=60 wait unix:"$work/s$i.sock" XenFlow_Fleet \
                 connected 2> /dev/null
done
python3 "$top/benchmarks/fleet-db-writers.py" populate "$work/s1.sock" \
        "$nodes" "$routers"

cpu_s() {
    local total=0 pid
    for i in 1 2 3; do
        pid=$(cat "$work/s$i.pid")
        total=$(awk -v t="$total" -v hz="$(getconf CLK_TCK)" \
                    '{ sub(/^.*\) /, ""); print t + ($12 + $13) / hz }' \
                    "/proc/$pid/stat")
    done
    echo "$total"
}

echo "cluster: 3 members; $nodes nodes, $routers routers" \
     "($((routers / nodes)) per node), $seconds s of writes"
echo "   txns     txn/s  row-upd/s  p50-ms  p99-ms errors"
before=$(cpu_s)
result=$(python3 "$top/benchmarks/fleet-db-writers.py" write "$seconds" \
                 "$nodes" "$work/s1.sock" "$work/s2.sock" "$work/s3.sock")
after=$(cpu_s)
echo "$result"
awk -v r="$result" -v b="$before" -v a="$after" -v n="$nodes" \
    -v s="$seconds" 'BEGIN {
    split(r, f, " ")
    printf "servers: %.1f CPU seconds in %d s (3 members together)\n", a - b, s
    need = n / 30
    printf "agents at the default stats-interval (30 s): %.1f txn/s, " \
           "%.0fx below what the cluster took\n", need, f[2] / need
}'
