#! /bin/bash
# fleet.sh -- the fleet's reaction times: from "xenflow-ctl router-add" to
# the first packet the new router routes, and the evacuation of a node
# with N routers under a constant UDP stream through one of them.
#
# Two emulated nodes (network namespaces, each with its own ovsdb-server,
# ovs-vswitchd on the userspace datapath and xenflow-agent), one trusted
# trunk between them, a fleet database (one ovsdb-server), everything
# configured by xenflow-ctl: the agents create the bridges, trunks and
# keys.  Node a holds the routers, node c the hosts (sender in red,
# receiver in blue) and room for every router.  The routers are namespace
# "VMs" with libvirt's test driver under the agents (LXC cannot migrate):
# each node's mover is utilities/xenflow-mover-netns, which stops the VM
# (--downtime, default 0.2 s) while its interfaces move, as a hypervisor's
# stop-and-copy does.  Router r1 runs a xenflow-client (SSL, to its node's
# switch at 169.254.100.1); the VMs do not forward, the switches do.
#
#   router-add  The VM is ready before the command (its ports on a's
#               bridge, as libvirt adds them when the domain starts), its
#               client starts right after it; a ping (every 10 ms) from the
#               sender to the receiver runs from the command on.  Timed:
#               the command, the agent's keys, the switch configuring the
#               router, the client's session and table, the flows, the
#               first reply.
#   evacuate N  N routers on a; "xenflow-ctl node-evacuate a" until every
#               one runs on c (Router_State) and its Migration is done; the
#               stream (--rate datagrams/s of 1472 bytes) crosses r1 all
#               along.  One migration at a time, as the agent does.
#
# Usage: sudo benchmarks/fleet.sh [--builddir DIR] [--rate PPS]
#            [--downtime S] [N]...     (default N: 1 10; the issue's: 1 10 50)
# Takes /run/xenflow-system.lock like the system tests.  XF_KEEP=1 keeps
# the scratch directory (logs).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
rate=510 downtime=0.2
sizes=()
while [ $# -gt 0 ]; do
    case $1 in
        --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --downtime) downtime=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
                   exit 0 ;;
        [0-9]*) sizes+=("$1"); shift ;;
        *) echo "$0: unknown argument $1 (see --help)" >&2; exit 1 ;;
    esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1 10)
. "$top/benchmarks/lib.sh"
xf_netns_bench fleet
PATH=$builddir/xenflow/agent:$builddir/xenflow/fleet:$PATH
probe="python3 $top/utilities/xenflow-udp-probe"
mover=$top/utilities/xenflow-mover-netns
port=$(( 20000 + $$ % 10000 ))
namespaces=

on_node() {
    local n=$1; shift
    ip netns exec xfl_$n env OVS_RUNDIR=$work/$n OVS_LOGDIR=$work/$n \
        OVS_DBDIR=$work/$n "$@"
}
xctl() { xenflow-ctl --timeout=30 --db="unix:$work/fleet.sock" "$@"; }
add_ns() { ip netns add "xfl_$1"; namespaces="$namespaces xfl_$1"; }
stop() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null || true
    while xf_running "$pid"; do sleep 0.05; done
    rm -f "$1"
}
wait_for() {
    local i
    for i in $(seq 1200); do
        if eval "$1"; then return 0; fi
        sleep 0.1
    done
    echo "$0: timed out waiting for: $1" >&2
    return 1
}

teardown() {
    local n ns d
    for n in a c; do
        for d in xenflow-agent ovs-vswitchd ovsdb-server; do
            stop "$work/$n/$d.pid"
        done
    done
    stop "$work/fleet.pid"
    for ns in $namespaces; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    namespaces=
    if [ -n "${XF_KEEP:-}" ] && [ -n "${tag:-}" ]; then
        mkdir -p "$work/$tag" && mv "$work"/[ac] "$work"/*.log "$work/$tag" \
            2>/dev/null || true
    fi
    rm -rf "${work:?}"/[ac] "$work"/fleet.* "$work"/*.txt
}
trap 'teardown; [ -n "${XF_KEEP:-}" ] || rm -rf "$work"' EXIT

# setup N: the fleet, nodes a and c (N + 1 vCPUs each) and their agents,
# the wires, the hosts.
setup() {
    local n cpus=$(( $1 + 1 ))
    if [ ! -d "$work/pki" ]; then
        ovs-pki --dir="$work/pki" init >/dev/null 2>&1
        (cd "$work/pki" && ovs-pki --dir="$work/pki" -u req+sign host switch \
             && ovs-pki --dir="$work/pki" req+sign r1 switch) >/dev/null 2>&1
    fi
    ovsdb-tool create "$work/fleet.db" \
        "$top/xenflow/fleet/fleet.ovsschema"
    ovsdb-server --detach --no-chdir --pidfile="$work/fleet.pid" \
        --log-file="$work/fleet.log" --unixctl="$work/fleet.ctl" \
        --remote="punix:$work/fleet.sock" "$work/fleet.db" 2>/dev/null
    for n in a c snd rcv; do add_ns $n; done
    for n in a c; do
        mkdir "$work/$n"
        ovsdb-tool create "$work/$n/conf.db" "$schema"
        on_node $n ovsdb-server --detach --no-chdir --pidfile --log-file \
            -vconsole:off --remote="punix:$work/$n/db.sock" 2>/dev/null
        local move="exec:$mover --from=xfl_$n --db=unix:$work/$n/db.sock"
        move="$move --vm-prefix=xfl_ --downtime=$downtime"
        on_node $n ovs-vsctl --no-wait init -- set-ssl \
            "$work/pki/host-privkey.pem" "$work/pki/host-cert.pem" \
            "$work/pki/switchca/cacert.pem" -- \
            set Open_vSwitch . other_config:xenflow-migrate-drain=500 \
            other_config:xenflow-mover="$move"
        on_node $n ovs-vswitchd --detach --no-chdir --pidfile --log-file \
            -vconsole:off 2>/dev/null
        ip -n xfl_$n link add xfvm address 02:00:00:fe:00:01 type bridge
        ip -n xfl_$n addr add 169.254.100.1/24 dev xfvm
        ip -n xfl_$n link set xfvm up
    done
    ip link add name ac netns xfl_a type veth peer name ca netns xfl_c
    ip link add name snd netns xfl_c type veth peer name eth0 netns xfl_snd
    ip link add name rcv netns xfl_c type veth peer name eth0 netns xfl_rcv
    for n in a:ac c:ca c:snd c:rcv; do
        ip -n xfl_${n%%:*} link set dev ${n#*:} up
    done
    host snd 10.1.0.200 50:54:00:00:00:03 1
    host rcv 10.2.0.200 50:54:00:00:00:04 2

    xctl init -- \
        node-add a $cpus 65536 peer_address="\"unix:$work/a/peer.sock\"" \
            options:bridge=br0 options:datapath-type=netdev \
            options:migration-target=xfl_a \
            options:client-listen="\"pssl:$port:169.254.100.1\"" -- \
        node-add c $cpus 65536 peer_address="\"unix:$work/c/peer.sock\"" \
            options:bridge=br0 options:datapath-type=netdev \
            options:migration-target=xfl_c \
            options:client-listen="\"pssl:$port:169.254.100.1\"" -- \
        link-add l a ac c ca trusted=true -- \
        net-add red 100 10.1.0.0/24 -- net-add blue 200 10.2.0.0/24 -- \
        net-link-add red l -- net-link-add blue l -- \
        template-add ns 1 16 driver=test >/dev/null
    for n in a c; do
        on_node $n xenflow-agent --detach --no-chdir --pidfile --log-file \
            --fleet="unix:$work/fleet.sock" --libvirt=test:///default \
            --node=$n --state-dir="$work/$n/state" --shutdown-timeout=1 \
            2>/dev/null
    done
    wait_for "on_node a ovs-vsctl br-exists br0 2>/dev/null \
              && on_node c ovs-vsctl br-exists br0 2>/dev/null"
    on_node c ovs-vsctl \
        add-port br0 snd -- \
        set Interface snd other_config:xenflow-network=red -- \
        add-port br0 rcv -- \
        set Interface rcv other_config:xenflow-network=blue
    wait_for "on_node a ovs-appctl xenflow/clients | grep -q '^Listeners: pssl'"
}

# host NAME ADDR MAC NET: a host on c, its gateway r1 (static neighbours:
# nothing needs a VM to answer while it moves).
host() {
    ip -n xfl_$1 link set eth0 address "$3" up
    ip -n xfl_$1 addr add "$2/24" dev eth0
    ip -n xfl_$1 route add default via "10.$4.0.1"
    ip -n xfl_$1 neigh replace "10.$4.0.1" lladdr "02:00:00:00:0$4:01" \
        dev eth0 nud permanent
    ip netns exec xfl_$1 ethtool -K eth0 tx off >/dev/null 2>&1 || true
}

# mac NET I: router I's MAC in network NET (1 red, 2 blue).
mac() { printf '02:00:00:%02x:0%d:%02x' $(( $2 / 256 )) "$1" $(( $2 % 256 )); }

# router_rows I...: the xenflow-ctl commands that add routers I... on a.
router_rows() {
    local i
    for i; do
        printf ' -- router-add r%d a template=ns' "$i"
        printf ' -- router-iface-add r%d eth0 red %s 10.1.0.%d/24' \
            "$i" "$(mac 1 "$i")" "$i"
        printf ' -- router-iface-add r%d eth1 blue %s 10.2.0.%d/24' \
            "$i" "$(mac 2 "$i")" "$i"
        printf ' -- router-start r%d' "$i"
    done
}

# vm I: router I's namespace VM on a, ports plugged as libvirt plugs them.
vm() {
    local i=$1 r=r$1 n
    add_ns $r
    for n in 0 1; do
        ip link add name $r-eth$n netns xfl_a type veth \
            peer name eth$n netns xfl_$r
        ip -n xfl_a link set $r-eth$n up
        ip -n xfl_$r link set eth$n address "$(mac $(( n + 1 )) "$i")" up
        ip -n xfl_$r addr add 10.$(( n + 1 )).0.$i/24 dev eth$n
        ip netns exec xfl_$r ethtool -K eth$n tx off >/dev/null 2>&1 || true
    done
    ip netns exec xfl_$r sysctl -qw net.ipv4.ip_forward=0
    ip -n xfl_$r neigh replace 10.1.0.200 lladdr 50:54:00:00:00:03 \
        dev eth0 nud permanent
    ip -n xfl_$r neigh replace 10.2.0.200 lladdr 50:54:00:00:00:04 \
        dev eth1 nud permanent
    on_node a ovs-vsctl \
        add-port br0 $r-eth0 -- set Interface $r-eth0 \
            external_ids:attached-mac="$(mac 1 "$i")" -- \
        add-port br0 $r-eth1 -- set Interface $r-eth1 \
            external_ids:attached-mac="$(mac 2 "$i")"
    if [ "$i" = 1 ]; then
        ip link add name r1mgmt netns xfl_a type veth peer name mgmt \
            netns xfl_r1
        ip -n xfl_a link set r1mgmt master xfvm up
        ip -n xfl_r1 addr add 169.254.100.11/24 dev mgmt
        ip -n xfl_r1 link set mgmt up
    fi
}

client_start() {
    ip netns exec xfl_r1 xenflow-client --router=r1 --detach --no-chdir \
        --pidfile="$work/client.pid" --log-file="$work/client.log" \
        -p "$work/pki/r1-privkey.pem" -c "$work/pki/r1-cert.pem" \
        -C "$work/pki/switchca/cacert.pem" --unixctl="$work/client.ctl" \
        "ssl:169.254.100.1:$port" 2>/dev/null
}

states() {
    xctl --format=csv --no-headings --columns=name,node,state \
        list Router_State
}

# router-add to first routed packet (one router, r1), 3 times.
measure_add() {
    local t0 t1 ping_pid run times=
    for run in 1 2 3; do
        tag=add-$run
        setup 1
        vm 1
        ip netns exec xfl_snd ping -q -n -c 1 -i 0.01 -w 60 10.2.0.200 \
            >/dev/null 2>&1 &
        ping_pid=$!
        t0=$(xf_now)
        xctl $(router_rows 1) >/dev/null
        client_start
        wait $ping_pid || { echo "$0: no routed packet in 60 s" >&2; exit 1; }
        t1=$(xf_now)
        times="$times $(printf '%.2f' "$(xf_elapsed "$t0" "$t1")")"
        stop "$work/client.pid"
        teardown
    done
    echo "router-add to first routed packet (s, 3 runs):$times"
}

# Evacuation of a with N routers under the stream through r1.
measure_evacuate() {
    local n=$1 i t0 t1 report
    tag=evacuate-$n
    setup "$n"
    xctl $(router_rows $(seq "$n")) >/dev/null
    for i in $(seq "$n"); do vm "$i"; done
    client_start
    wait_for "on_node a ovs-appctl xenflow/show | grep -q '^r1 .*synced'"
    wait_for "[ \$(states | grep -c ',a,running\$') = $n ]"
    # Traffic teaches c where r1's MACs are.
    ip netns exec xfl_r1 ping -q -c 2 -i 0.2 -w 5 10.1.0.200 >/dev/null
    ip netns exec xfl_r1 ping -q -c 2 -i 0.2 -w 5 10.2.0.200 >/dev/null
    ip netns exec xfl_rcv $probe recv 10.2.0.200 5555 --idle 3 \
        --out "$work/recv.txt" --ready "$work/ready" &
    wait_for "[ -e $work/ready ]"
    ip netns exec xfl_snd $probe send 10.2.0.200 5555 --rate "$rate" \
        --size 1472 --duration 3600 --out "$work/sent.txt" >/dev/null &
    echo $! > "$work/send.pid"
    sleep 2
    t0=$(xf_now)
    xctl node-evacuate a >/dev/null
    wait_for "[ \$(states | grep -c ',c,running\$') = $n ] \
              && ! states | grep -q ',a,' \
              && [ \$(xctl --bare --columns=result list Migration \
                      | grep -c success) = $n ]"
    t1=$(xf_now)
    sleep 1
    kill "$(cat "$work/send.pid")"
    wait_for "[ -s $work/recv.txt ] && [ -s $work/sent.txt ]"
    report=$($probe report "$work/sent.txt" "$work/recv.txt")
    printf '%9d  %12.2f  %10.2f  %s\n' "$n" "$(xf_elapsed "$t0" "$t1")" \
        "$(xf_elapsed "$t0" "$t1" | awk -v n="$n" '{ print $1 / n }')" \
        "$report"
    stop "$work/client.pid"
    teardown
}

echo "nodes: network namespaces (real veths, userspace datapath), libvirt"
echo "test driver under the agents, namespace VMs moved by"
echo "xenflow-mover-netns (stop-and-copy $downtime s)"
measure_add
echo "evacuation of a node, stream through r1: $rate/s x 1472 B"
printf '%9s  %12s  %10s  %s\n' routers evacuation-s per-router stream
for n in "${sizes[@]}"; do
    measure_evacuate "$n"
done
