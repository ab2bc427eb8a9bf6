# Helpers for the forwarding benchmarks (sourced, not run): a private
# ovsdb-server and ovs-vswitchd whose userspace datapath lives in its own
# network namespace, namespaces and veths for hosts and router VMs, and the
# measurements (ping RTT, iperf3 TCP and 64-byte UDP) with their table.
#
# The caller sets 'work' (a scratch directory, OVS_RUNDIR etc. point there),
# 'schema' and PATH, 'have_iperf' (yes/no), and removes what it made with
# netns_cleanup (e.g. from an EXIT trap).

# bench_options DEFAULT-BUILDDIR "$@": the one option, --builddir DIR
# (upstream's build tree; else DEFAULT-BUILDDIR), and root.
bench_options() {
    builddir=$1
    shift
    while [ $# -gt 0 ]; do
        case $1 in
            --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
            *) echo "usage: $0 [--builddir DIR]" >&2; exit 1 ;;
        esac
    done
    [ "$(id -u)" = 0 ] || { echo "$0: needs root" >&2; exit 1; }
}

namespaces=()
netns_cleanup() {
    set +e
    [ ! -f "$work/bg.pids" ] || kill $(cat "$work/bg.pids") 2>/dev/null
    stop_switch
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$work"
}

# start_switch NS [OVS-VSCTL-ARGS...]: ovsdb-server, and ovs-vswitchd in
# its own namespace NS, so that the userspace datapath's tap devices
# (ovs-netdev, br0) stay private to this run.  OVS-VSCTL-ARGS go to the
# database before the daemon starts (e.g. "-- set Open_vSwitch . ...").
swns=
start_switch() {
    swns=$1
    shift
    [ -e "/run/netns/$swns" ] || add_ns "$swns"
    rm -f "$work"/conf.db
    ovsdb-tool create "$work/conf.db" "$schema"
    quiet ovsdb-server --detach --no-chdir --pidfile --log-file -vconsole:off \
                       --remote="punix:$work/db.sock"
    ovs-vsctl --no-wait init "$@"
    quiet ip netns exec "$swns" ovs-vswitchd --disable-system --detach \
                       --no-chdir --pidfile --log-file -vconsole:off
}

# quiet COMMAND...: hides a daemon's "opened log file" chatter on success.
quiet() {
    "$@" 2> "$work/stderr" || { cat "$work/stderr" >&2; return 1; }
}

stop_daemon() {
    local pidfile=$work/$1.pid pid
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    ovs-appctl -t "$1" exit 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

stop_switch() {
    stop_daemon ovs-vswitchd
    stop_daemon ovsdb-server
}

add_ns() {
    ip netns add "$1"
    namespaces+=("$1")
    ip -n "$1" link set lo up
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
                                   net.ipv6.conf.default.disable_ipv6=1
}

# add_veth NAME NS PEERNS ADDR [MAC [GATEWAY]]: veth NAME in NS, its peer
# "xfb-NAME" in PEERNS (the switch's or the router's namespace).
add_veth() {
    local name=$1 ns=$2 peerns=$3 addr=$4 mac=${5-} gw=${6-}
    ip -n "$ns" link add "$name" type veth peer name "xfb-$name" netns "$peerns"
    ip netns exec "$ns" ethtool -K "$name" tx off > /dev/null 2>&1 || true
    [ -z "$mac" ] || ip -n "$ns" link set "$name" address "$mac"
    ip -n "$ns" addr add "$addr" dev "$name"
    ip -n "$ns" link set "$name" up
    ip -n "$peerns" link set "xfb-$name" up
    [ -z "$gw" ] || ip -n "$ns" route add default via "$gw"
}

# add_switch_port NAME: NAME (a veth end in the switch's namespace) as a
# port of br0, of type $port_type: "system" (an AF_PACKET socket polled by
# the main thread) or "afxdp" (native XDP, polled by a PMD thread).
port_type=system
add_switch_port() {
    if [ "$port_type" = afxdp ]; then
        ovs-vsctl add-port br0 "$1" -- set Interface "$1" type=afxdp \
            options:xdp-mode=native
    else
        ovs-vsctl add-port br0 "$1"
    fi
}

# offloads NS IFACE on|off: the transmit offloads of a host's veth
# (checksum, scatter-gather, segmentation).
offloads() {
    ip netns exec "$1" ethtool -K "$2" tx "$3" sg "$3" tso "$3" \
        > /dev/null 2>&1 || true
}

# netns_reset: stops the switch and deletes the namespaces made so far, so
# that the next configuration starts from nothing.
netns_reset() {
    local ns
    stop_switch
    for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
    namespaces=()
}

add_bridge() {
    ovs-vsctl add-br br0 -- set Bridge br0 datapath_type=netdev \
        protocols=OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15 \
        fail-mode=secure "$@"
}

# wait_until SECONDS COMMAND...
wait_until() {
    local n=$(( $1 * 20 )); shift
    for _ in $(seq "$n"); do "$@" && return 0; sleep 0.05; done
    echo "timed out waiting for: $*" >&2
    return 1
}
xenflow_synced() {
    [ "$(ovs-appctl xenflow/show --json | sed -n 's/.*"pending": \([0-9]*\).*/\1/p')" = 0 ]
}
router_present() { ovs-appctl xenflow/show | grep -q '^r1 '; }
listening() { ip netns exec "$1" ss -Hltn 'sport = :5201' | grep -q .; }

# rtt_ms NS IP COUNT: one RTT per line, in ms.
rtt_ms() {
    ip netns exec "$1" ping -n -c "$3" -i 0.05 -W 2 "$2" 2>/dev/null \
        | sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' || true
}
median() {
    sort -n | awk '{ v[NR] = $1 }
        END { if (!NR) print "n/a";
              else if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2];
              else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# iperf NS-CLIENT NS-SERVER SERVER-IP tcp|udp: prints Mbit/s (tcp) or kpps
# received by the server (udp), or n/a.
iperf() {
    local cns=$1 sns=$2 ip=$3 mode=$4 spid
    local sout=$work/iperf-$mode-server.json cout=$work/iperf-$mode-client.json
    [ $have_iperf = yes ] || { echo n/a; return; }
    timeout 60 ip netns exec "$sns" iperf3 -s -1 -J -B "$ip" > "$sout" 2>&1 &
    spid=$!
    echo "$spid" >> "$work/bg.pids"    # for cleanup: we run in a subshell
    wait_until 5 listening "$sns" >&2 || { echo n/a; return; }
    if [ "$mode" = tcp ]; then
        timeout 30 ip netns exec "$cns" iperf3 -c "$ip" -t 5 -J > "$cout" 2>&1 || true
    else
        timeout 30 ip netns exec "$cns" iperf3 -c "$ip" -t 5 -u -b 0 -l 64 -J \
            > "$cout" 2>&1 || true
    fi
    wait "$spid" 2>/dev/null || true
    if [ "$mode" = tcp ]; then
        jq -r '.end.sum_received.bits_per_second // empty
               | . / 1e6 | . * 10 | round / 10' "$cout" 2>/dev/null | grep . \
            || echo n/a
    else
        jq -r '.end.sum | select(.seconds > 0)
               | (.packets - .lost_packets) / .seconds / 1e3 | . * 10 | round / 10' \
            "$sout" 2>/dev/null | grep . || echo n/a
    fi
}

# gen_kpps NS-SENDER IFACE DST-MAC SRC-IP DST-IP NS-RECEIVER RX-IFACE:
# 64-byte UDP frames (60 bytes and the FCS) sent as fast as one trafgen
# process can (PACKET_MMAP, no socket per packet: it does not limit the
# path as iperf3 does) for 5 s; prints the thousands of frames per second
# that reached the receiver's interface.
gen_kpps() {
    local sns=$1 dev=$2 dmac=$3 sip=$4 dip=$5 rns=$6 rdev=$7 before after
    command -v trafgen > /dev/null || { echo n/a; return; }
    before=$(ip netns exec "$rns" cat /sys/class/net/"$rdev"/statistics/rx_packets)
    timeout -s INT 5 ip netns exec "$sns" trafgen -o "$dev" -P 1 -Q -C \
        "{ eth(da=$dmac), ipv4(saddr=$sip, daddr=$dip, ttl=64), udp(sp=5001, dp=9), fill(0, 18) }" \
        > /dev/null 2>&1 || true
    sleep 0.5
    after=$(ip netns exec "$rns" cat /sys/class/net/"$rdev"/statistics/rx_packets)
    awk -v n=$((after - before)) 'BEGIN { printf "%.1f\n", n / 5 / 1e3 }'
}

# measure METHOD NS-CLIENT NS-SERVER SERVER-IP [ovs]: one table row.
declare -A tcp udp first steady
measure() {
    local m=$1 cns=$2 sns=$3 ip=$4
    [ "${5-}" != ovs ] || ovs-appctl dpctl/del-flows > /dev/null
    first[$m]=$(rtt_ms "$cns" "$ip" 1 | median)
    steady[$m]=$(rtt_ms "$cns" "$ip" 20 | median)
    tcp[$m]=$(iperf "$cns" "$sns" "$ip" tcp)
    udp[$m]=$(iperf "$cns" "$sns" "$ip" udp)
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a";
        else printf "%.2f\n", a / b }'
}
row() { printf '%-20s %12s %12s %14s %14s\n' "$@"; }

# xenflow_topology P [START-SWITCH-ARGS...]: the XenFlow side of the
# forwarding benchmarks (START-SWITCH-ARGS go to start_switch).  A
# userspace bridge in namespace Pxsw with networks red (VLAN 100) and blue
# (VLAN 200) and router r1 between them, whose VM is namespace Pvm
# (interfaces vr1 10.1.0.1/24 and vr2 10.2.0.1/24, ip_forward=0, so traffic
# that gets through was routed by the switch); host Pa (ha, 10.1.0.3,
# 50:54:00:00:00:03) in red and host Pb (hb, 10.2.0.4, 50:54:00:00:00:04) in
# blue, each with r1 as its default gateway; the switch's ports are of
# type $port_type.  r1 has its two connected
# routes and both hosts as neighbours, all in the switch when this returns.
xenflow_topology() {
    local p=$1
    shift
    start_switch ${p}xsw "$@"
    add_bridge other_config:xenflow-enable=true \
        other_config:xenflow-network-red=100 other_config:xenflow-network-blue=200
    ovs-ofctl add-flow br0 actions=normal
    add_ns ${p}vm; add_ns ${p}a; add_ns ${p}b
    ip netns exec ${p}vm sysctl -qw net.ipv4.ip_forward=0
    add_veth vr1 ${p}vm ${p}xsw 10.1.0.1/24 02:00:00:00:01:01
    add_veth vr2 ${p}vm ${p}xsw 10.2.0.1/24 02:00:00:00:02:01
    add_veth ha ${p}a ${p}xsw 10.1.0.3/24 50:54:00:00:00:03 10.1.0.1
    add_veth hb ${p}b ${p}xsw 10.2.0.4/24 50:54:00:00:00:04 10.2.0.1
    local port
    for port in vr1 vr2 ha hb; do add_switch_port xfb-$port; done
    ovs-vsctl \
        set Interface xfb-vr1 other_config:xenflow-network=red \
            other_config:xenflow-router=r1 other_config:xenflow-mac=02:00:00:00:01:01 \
            other_config:xenflow-addresses=10.1.0.1/24 -- \
        set Interface xfb-vr2 other_config:xenflow-network=blue \
            other_config:xenflow-router=r1 other_config:xenflow-mac=02:00:00:00:02:01 \
            other_config:xenflow-addresses=10.2.0.1/24 -- \
        set Interface xfb-ha other_config:xenflow-network=red -- \
        set Interface xfb-hb other_config:xenflow-network=blue
    wait_until 10 router_present
    ovs-appctl xenflow/route-add r1 10.1.0.0/24 dev xfb-vr1 > /dev/null
    ovs-appctl xenflow/route-add r1 10.2.0.0/24 dev xfb-vr2 > /dev/null
    ovs-appctl xenflow/neigh-add r1 10.1.0.3 50:54:00:00:00:03 > /dev/null
    ovs-appctl xenflow/neigh-add r1 10.2.0.4 50:54:00:00:00:04 > /dev/null
    wait_until 10 xenflow_synced
}
