#! /bin/bash
# restart.sh -- restarts under traffic: XenFlow against stock Open vSwitch
# with the same flows, restarted the same way in the same run.
#
# One switch on the userspace datapath in its own namespace; router r1,
# whose VM (ip_forward=0: whatever arrives was routed by the switch) has N
# routes 11.0.0.0/24, 11.0.1.0/24... via host b in its kernel, streamed to
# the switch by its xenflow-client; host a sends a constant UDP stream (by
# default the migration benchmark's 510 datagrams/s of 1472 bytes, 6 Mb/s)
# to an address of host b inside the last of the N prefixes, counted by
# sequence number.  Kinds of restart, each under its own stream:
#
#   ovs-ctl   what "ovs-ctl restart" does: ovs-save save-flows, set
#             other_config:flow-restore-wait, ovs-appctl exit, start
#             ovs-vswitchd again, run the saved restore script, remove the
#             key.  XenFlow also has its router tables from its state file.
#   kill-9    ovs-vswitchd killed with SIGKILL and started again at once (as
#             its monitor would), after a state save (xenflow/state-save;
#             the periodic save, every 30 s by default, writes the same).
#             Stock OVS has no saved flows then: they are loaded again with
#             ovs-ofctl right after the start (what its controller would do).
#   ovsdb     ovsdb-server exits and is started again.
#   client    xenflow-client killed with SIGKILL and started again (XenFlow
#             only: stock OVS has none).
#
#   xenflow   the bridge with XenFlow on, routes from the client.
#   stock     the same binaries, a bridge without XenFlow, the ports on the
#             same OpenFlow port numbers, the flows and groups XenFlow had
#             installed loaded with "ovs-ofctl add-groups/add-flows".
#
# complete-ms: from the moment the old daemon is told to stop (or killed)
# until the data plane is complete again: for XenFlow, every route
# installed and nothing pending (xenflow/show); for stock OVS, the restore
# script or ovs-ofctl returned; for ovsdb, ovs-vswitchd has applied a
# change made in the new ovsdb-server (it is back in the database).  lost
# counts sequence numbers never received; max-gap-ms is the longest time
# between two datagrams at the receiver.  On the userspace datapath
# nothing forwards while no ovs-vswitchd runs, so the ovs-vswitchd
# restarts lose what the gap holds in both columns.  The "load" rows are
# the first load of the same table on the same switch, before any
# restart: XenFlow's from the client's snapshot (the client started until
# every route is installed), stock OVS's by ovs-ofctl; vs-load is
# complete-ms as a multiple of the same method's load.
#
# Usage: sudo benchmarks/restart.sh [--builddir DIR] [--rate PPS]
#            [--size BYTES] [--methods "xenflow stock"]
#            [--restarts "ovs-ctl kill-9 ovsdb client"] [--bulk-share PCT]
#            [N]...
#            (default N: 10000; the issue's 100000 and 1000000 take longer)
# Takes /run/xenflow-system.lock like the system tests.  XF_KEEP=1 keeps
# the scratch directory (logs, receiver reports).
set -euo pipefail
shopt -s inherit_errexit

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
rate=510 size=1472
sizes=()
methods="xenflow stock"
restarts="ovs-ctl kill-9 ovsdb client"
share_key=()
while [ $# -gt 0 ]; do
    case $1 in
        --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --methods) methods=$2; shift 2 ;;
        --restarts) restarts=$2; shift 2 ;;
        --bulk-share)
            [[ $2 =~ ^[1-9][0-9]?$|^100$ ]] \
                || { echo "$0: --bulk-share: $2: not a percentage from 1 to 100" >&2
                     exit 1; }
            share_key=(other_config:xenflow-bulk-share=$2); shift 2 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
                   exit 0 ;;
        -*) echo "$0: unknown option $1 (see --help)" >&2; exit 1 ;;
        *) [[ $1 =~ ^[1-9][0-9]*$ ]] \
               || { echo "$0: $1: not a number of routes" >&2; exit 1; }
           sizes+=("$1"); shift ;;
    esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)
for m in $methods; do
    case $m in xenflow|stock) ;;
        *) echo "$0: --methods: $m: not xenflow or stock" >&2; exit 1 ;;
    esac
done
for k in $restarts; do
    case $k in ovs-ctl|kill-9|ovsdb|client) ;;
        *) echo "$0: --restarts: $k: not ovs-ctl, kill-9, ovsdb or client" >&2
           exit 1 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "$0: needs root (namespaces)" >&2; exit 1; }
[ -x "$builddir/xenflow/client/xenflow-client" ] \
    || { echo "$0: no xenflow-client in $builddir" >&2; exit 1; }

exec 9>/run/xenflow-system.lock
flock 9

work=$(mktemp -d /tmp/xenflow-restart.XXXXXX)
. "$top/benchmarks/lib.sh"
. "$top/benchmarks/netns-lib.sh"
xf_bench_env
srcdir=$(sed -n 's/^abs_top_srcdir = //p' "$builddir/Makefile")
cp "$srcdir/utilities/ovs-save" "$builddir/utilities/ovs-lib" "$work/"
probe="python3 $top/utilities/xenflow-udp-probe"
p=xfrst
cleanup() {
    set +e
    kill $(cat "$work"/*.bgpid 2>/dev/null) 2>/dev/null
    [ ! -f "$work/client.pid" ] || kill "$(cat "$work/client.pid")" 2>/dev/null
    stop_switch
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
    if [ -n "${XF_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The daemons do not inherit the lock's descriptor: one left running would
# hold it.
start_vswitchd() {
    quiet ip netns exec ${p}xsw ovs-vswitchd --disable-system --detach \
        --no-chdir --pidfile --log-file -vconsole:off 9>&-
}
start_ovsdb() {
    quiet ovsdb-server --detach --no-chdir --pidfile --log-file \
        -vconsole:off --remote="punix:$work/db.sock" 9>&-
}
# A fresh database, ovsdb-server and ovs-vswitchd (in the switch's
# namespace); arguments go to "ovs-vsctl init" before ovs-vswitchd starts.
start_all() {
    rm -f "$work/conf.db"
    ovsdb-tool create "$work/conf.db" "$schema"
    start_ovsdb
    ovs-vsctl --no-wait init "$@"
    start_vswitchd
}
pid_of() { cat "$work/$1.pid"; }
wait_gone() { while xf_running "$1"; do sleep 0.01; done; }
ms_since() { awk -v a="$1" -v b="$(xf_now)" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
show_json() { ovs-appctl xenflow/show --json; }
json_num() { sed -n "s/.*\"$1\": \\([0-9]*\\).*/\\1/p"; }

# Every route installed, nothing pending.
xenflow_complete() {
    local j
    j=$(show_json 2>/dev/null) || return 1
    [ "$(echo "$j" | json_num routes_installed)" = "$want" ] \
        && [ "$(echo "$j" | json_num pending)" = 0 ]
}
bridge_back() { ovs-appctl xenflow/show 2>/dev/null | grep -q '^r1 '; }
client_active() {
    ovs-appctl -t "$work/client.ctl" status 2>/dev/null | grep -q '^state: active'
}
router_synced() { ovs-appctl xenflow/show 2>/dev/null | grep -q '^r1 .*synced'; }

# The namespaces and links, once per N; the switch and its database are
# made by xenflow_switch / stock_switch.
topology() {
    local n=$1
    add_ns ${p}xsw; add_ns ${p}vm; add_ns ${p}a; add_ns ${p}b
    ip netns exec ${p}vm sysctl -qw net.ipv4.ip_forward=0
    add_veth vr1 ${p}vm ${p}xsw 10.1.0.1/24 02:00:00:00:01:01
    add_veth vr2 ${p}vm ${p}xsw 10.2.0.1/24 02:00:00:00:02:01
    add_veth ha ${p}a ${p}xsw 10.1.0.3/24 50:54:00:00:00:03 10.1.0.1
    add_veth hb ${p}b ${p}xsw 10.2.0.4/24 50:54:00:00:00:04 10.2.0.1
    # Neighbours that do not expire while no switch forwards: what the
    # stream measures is the switch alone.
    ip -n ${p}a neigh replace 10.1.0.1 lladdr 02:00:00:00:01:01 dev ha nud permanent
    ip -n ${p}b neigh replace 10.2.0.1 lladdr 02:00:00:00:02:01 dev hb nud permanent
    ip -n ${p}vm neigh replace 10.1.0.3 lladdr 50:54:00:00:00:03 dev vr1 nud permanent
    ip -n ${p}vm neigh replace 10.2.0.4 lladdr 50:54:00:00:00:04 dev vr2 nud permanent
    awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
        printf "route add %d.%d.%d.0/24 via 10.2.0.4\n", 11 + int(i / 65536),
               int(i / 256) % 256, i % 256 }' > "$work/routes"
    ip -n ${p}vm -batch "$work/routes"
    local last=$((n - 1))
    dst=$((11 + last / 65536)).$((last / 256 % 256)).$((last % 256)).1
    ip -n ${p}b addr add "$dst/32" dev hb
}

# br0 with its four ports on OpenFlow ports 1-4; arguments: the bridge's
# own settings (e.g. other_config:...).
bridge() {
    local port ports=() i=1
    for port in vr1 vr2 ha hb; do
        ports+=(-- add-port br0 xfb-$port -- set Interface xfb-$port ofport_request=$i)
        i=$((i + 1))
    done
    add_bridge "$@" "${ports[@]}"
}

xenflow_switch() {
    start_all -- set Open_vSwitch . \
        other_config:xenflow-listen="punix:$work/xf.sock" "${share_key[@]}"
    bridge other_config:xenflow-enable=true \
        other_config:xenflow-network-red=100 \
        other_config:xenflow-network-blue=200
    ovs-vsctl \
        set Interface xfb-vr1 other_config:xenflow-network=red \
            other_config:xenflow-router=r1 \
            other_config:xenflow-mac=02:00:00:00:01:01 \
            other_config:xenflow-addresses=10.1.0.1/24 -- \
        set Interface xfb-vr2 other_config:xenflow-network=blue \
            other_config:xenflow-router=r1 \
            other_config:xenflow-mac=02:00:00:00:02:01 \
            other_config:xenflow-addresses=10.2.0.1/24 -- \
        set Interface xfb-ha other_config:xenflow-network=red -- \
        set Interface xfb-hb other_config:xenflow-network=blue
    ovs-ofctl add-flow br0 actions=normal
    wait_until 30 bridge_back
    local t0
    t0=$(xf_now)
    start_client
    wait_until 600 xenflow_complete
    load_ms=$(ms_since "$t0")
    ovs-appctl xenflow/state-save > /dev/null
    # What stock OVS loads: XenFlow's flows and groups, as ovs-save dumps
    # them.
    ovs-ofctl -O OpenFlow15 dump-groups br0 | sed '/^OFPST_GROUP_DESC/d' \
        > "$work/stock.groups"
    ovs-ofctl -O OpenFlow15 dump-flows --no-names --no-stats br0 \
        | sed '/OFPST_FLOW/d' > "$work/stock.flows"
}
start_client() {
    ip netns exec ${p}vm xenflow-client --detach --no-chdir -vconsole:off \
        --pidfile="$work/client.pid" --log-file="$work/client.log" \
        --unixctl="$work/client.ctl" --router=r1 "unix:$work/xf.sock" 9>&-
}

stock_load() {
    ovs-ofctl -O OpenFlow15 add-groups br0 "$work/stock.groups" --bundle
    ovs-ofctl -O OpenFlow15 add-flows br0 "$work/stock.flows" --bundle
}
stock_switch() {
    rm -f "$work"/xenflow-*.state
    start_all
    bridge
    local t0
    t0=$(xf_now)
    stock_load
    load_ms=$(ms_since "$t0")
}

# One stream around "$@" (the restart, which prints its complete-ms).
stream() {
    rm -f "$work/recv" "$work/sent" "$work/ready"
    ip netns exec ${p}b $probe recv "$dst" 5555 --out "$work/recv" \
        --idle 60 --ready "$work/ready" 9>&- &
    local rpid=$!
    echo $rpid > "$work/recv.bgpid"
    until [ -e "$work/ready" ]; do sleep 0.05; done
    ip netns exec ${p}a $probe send "$dst" 5555 --rate "$rate" \
        --size "$size" --duration 3600 --out "$work/sent" > /dev/null 9>&- &
    local spid=$!
    echo $spid > "$work/send.bgpid"
    sleep 2
    complete=$("$@" | tail -n 1)
    sleep 2
    kill -TERM $spid; wait $spid || true
    sleep 0.5
    kill -TERM $rpid; wait $rpid || true
    rm -f "$work"/*.bgpid
    result=$($probe report "$work/sent" "$work/recv")
}

# The restarts.  Each prints the time until the data plane is complete.
restart_ovs_ctl() {
    local method=$1 t0
    (cd "$work" && TMPDIR=$work sh ./ovs-save save-flows br0) > "$work/restore.sh"
    ovs-vsctl --no-wait set Open_vSwitch . other_config:flow-restore-wait=true
    local pid
    pid=$(pid_of ovs-vswitchd)
    t0=$(xf_now)
    ovs-appctl -t ovs-vswitchd exit
    wait_gone "$pid"
    start_vswitchd
    wait_until 60 bridge_present_any
    sh -e "$work/restore.sh"
    ovs-vsctl --no-wait remove Open_vSwitch . other_config flow-restore-wait
    [ "$method" = stock ] || wait_until 600 xenflow_complete
    ms_since "$t0"
}
bridge_present_any() { ovs-ofctl show br0 > /dev/null 2>&1; }
restart_kill_9() {
    local method=$1 t0 pid
    pid=$(pid_of ovs-vswitchd)
    t0=$(xf_now)
    kill -9 "$pid"
    wait_gone "$pid"
    start_vswitchd
    wait_until 60 bridge_present_any
    if [ "$method" = stock ]; then
        stock_load
    else
        wait_until 600 xenflow_complete
    fi
    ms_since "$t0"
}
restart_ovsdb() {
    local t0 pid
    pid=$(pid_of ovsdb-server)
    t0=$(xf_now)
    ovs-appctl -t ovsdb-server exit
    wait_gone "$pid"
    start_ovsdb
    ovs-vsctl --timeout=120 set Open_vSwitch . external_ids:xf-restart-bench=$RANDOM
    ms_since "$t0"
}
restart_client() {
    local t0 pid
    pid=$(pid_of client)
    t0=$(xf_now)
    kill -9 "$pid"
    wait_gone "$pid"
    rm -f "$work/client.pid"
    start_client
    wait_until 600 client_active
    wait_until 600 router_synced
    wait_until 600 xenflow_complete
    ms_since "$t0"
}

# complete-ms as a multiple of the same method's first load (what the
# issue's kill -9 target is measured against).
row() {
    local ratio
    ratio=$(awk -v c="$4" -v l="$load_ms" 'BEGIN { printf "%.2fx", c / l }')
    printf '%-8s %-8s %-8s %11s %s %8s\n' "$1" "$2" "$3" "$4" \
        "$(echo "$5" | awk '{printf "%7s %7s %10s", $2, $6, $12}')" "$ratio"
}
load_row() {
    printf '%-8s %-8s %-8s %11s %7s %7s %10s %8s\n' "$1" "$2" load \
        "$load_ms" - - - 1.00x
}

printf 'stream: %s datagrams/s of %s bytes\n' "$rate" "$size"
printf '%-8s %-8s %-8s %11s %7s %7s %10s %8s\n' routes method restart \
    complete-ms sent lost max-gap-ms vs-load
for n in "${sizes[@]}"; do
    want=$((n + 2))     # + the two connected routes
    topology "$n"
    # The stock switch loads what the XenFlow one installed.
    xenflow_switch
    if [[ " $methods " = *" xenflow "* ]]; then
        load_row "$n" xenflow
        for kind in $restarts; do
            stream restart_${kind//-/_} xenflow
            row "$n" xenflow "$kind" "$complete" "$result"
        done
    fi
    kill "$(pid_of client)"; rm -f "$work/client.pid"
    stop_switch
    if [[ " $methods " = *" stock "* ]]; then
        stock_switch
        load_row "$n" stock
        for kind in $restarts; do
            [ "$kind" != client ] || continue
            stream restart_${kind//-/_} stock
            row "$n" stock "$kind" "$complete" "$result"
        done
        stop_switch
    fi
    for ns in "${namespaces[@]}"; do ip netns del "$ns"; done
    namespaces=()
done
