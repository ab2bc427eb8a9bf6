#! /bin/bash
# migration.sh -- zero-loss migration of a virtual router, against the
# baseline where the router VM forwards itself (no plane separation),
# migrated the same way in the same run.
#
# Three emulated hosts in a line (network namespaces, each with its own
# ovsdb-server and ovs-vswitchd on the userspace datapath): the router's
# VM moves from A to C, two hops away, while a constant UDP stream (the
# paper's 6 Mb/s of 1472-byte datagrams by default) crosses it from a
# sender to a receiver on B.  The mover is utilities/xenflow-mover-netns
# with an emulated stop-and-copy (--downtime, default 0.3 s: the VM's
# processes are stopped and its links lose their carrier that long while
# they move).
#
#   xenflow   r1 has N routes in its kernel, which its xenflow-client
#             streams to the switch of the host it runs on; the VM does not
#             forward.
#   no-hold   as xenflow, without holding the router's own traffic while
#             its VM moves (other_config:xenflow-hold-packets=0).
#   vm-fwd    the switch has no route for r1 (everything goes to the VM,
#             which forwards: ip_forward=1), the same migration, no
#             holding either.
#
# Meanwhile the sender pings r1's own address 50 times a second (its
# control traffic: what the switch delivers to the VM itself).
#
# The client reaches "its host's switch" over SSL at 169.254.100.1, the
# address of every host's VM-management bridge; the VM's management
# interface moves with it.  When the VM resumes on C, its client finds its
# session gone and reconnects to C's switch, whose pre-copied tables its
# snapshot reconciles.
#
# Usage: sudo benchmarks/migration.sh [--builddir DIR] [--rate PPS|auto]
#            [--size BYTES] [--downtime S] [--dest-nice N]
#            [--bulk-share PCT] [--ports system|afxdp|afxdp-all]
#            [--pmd-maxsleep US] [--methods "xenflow no-hold vm-fwd"]
#            [N]...
#            (default N: 1000 100000 1000000)
# Prints per row: total migration time, data-plane pre-copy time (connect
# to commit), the VM's stop-and-copy pause (as the mover measured it), the
# control-plane interruption its client saw after it resumed (disconnected
# until the destination's switch accepted its hello, then its snapshot),
# the stream: sent, lost, reordered, duplicated, longest gap; and the
# router's control traffic: pings sent during the run, lost (replies
# missing up to the last one answered), frames the source held for the
# VM, and the longest round trip; and the destination's bulk share
# (xenflow-bulk-share, 'ovs-appctl xenflow/bulk').  Takes
# /run/xenflow-system.lock like the system tests.  --rate auto calibrates
# the rate in the run: 2 s streams at 80000, 40000, 20000, 10000, 5000
# datagrams/s through r1 (1,000 routes) with nothing migrating; the first
# that loses nothing is the rate of every row (printed above the table).  --bulk-share sets
# other_config:xenflow-bulk-share on every host (default: the switch's,
# 50 on the userspace datapath with AF_PACKET ports, 100 once PMD
# threads poll them all).  --ports afxdp makes the links between the
# hosts and the sender's and receiver's ports AF_XDP ports in native mode,
# polled by a PMD thread (one per switch, on the last core: with 2 cores
# pmd-cpu-mask=0x2, as README's PMD layout says), as a host's NICs would
# be; r1's own ports stay AF_PACKET sockets, as a VM's taps are.
# --ports afxdp-all makes r1's ports AF_XDP ports too (README says what
# that costs when they move).  --pmd-maxsleep sets upstream's
# other_config:pmd-maxsleep (microseconds) on every host: a PMD thread
# that receives little sleeps up to that long per iteration instead of
# spinning, which lets three emulated hosts' PMD threads share a core.
# --methods picks the rows' methods (default all three).  XF_KEEP=1
# keeps the logs and the receiver's report in the scratch directory.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
rate=510 size=1472 downtime=0.3 dest_nice=0 bulk_share=
ports=system methods="xenflow no-hold vm-fwd" pmd_maxsleep=
sizes=()
while [ $# -gt 0 ]; do
    case $1 in
        --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --downtime) downtime=$2; shift 2 ;;
        --dest-nice) dest_nice=$2; shift 2 ;;
        --bulk-share) bulk_share=$2; shift 2 ;;
        --ports) ports=$2; shift 2 ;;
        --methods) methods=$2; shift 2 ;;
        --pmd-maxsleep) pmd_maxsleep=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
                   exit 0 ;;
        *) sizes+=("$1"); shift ;;
    esac
done
case $ports in
    system) ;;
    afxdp|afxdp-all)
        if ! grep -q '^#define HAVE_AF_XDP 1' "$builddir/config.h"; then
            echo "$0: --ports afxdp: ovs-vswitchd was built without AF_XDP" >&2
            exit 1
        fi
        # One PMD thread per switch, on the last core (all of them on 2
        # cores: the main threads, the VM and the probes keep the others).
        pmd_mask=$(printf '0x%x' $((1 << ($(nproc) - 1)))) ;;
    *) echo "$0: --ports: system, afxdp or afxdp-all, not $ports" >&2
       exit 2 ;;
esac
for m in $methods; do
    case $m in
        xenflow|no-hold|vm-fwd) ;;
        *) echo "$0: --methods: xenflow, no-hold or vm-fwd, not $m" >&2
           exit 2 ;;
    esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 100000 1000000)
. "$top/benchmarks/lib.sh"
xf_netns_bench migration
probe="python3 $top/utilities/xenflow-udp-probe"
mover=$top/utilities/xenflow-mover-netns
namespaces="xfb_a xfb_b xfb_c xfb_vm xfb_snd xfb_rcv"

on_host() {
    local h=$1; shift
    ip netns exec xfb_$h env OVS_RUNDIR=$work/$h OVS_LOGDIR=$work/$h \
        OVS_DBDIR=$work/$h "$@"
}

teardown() {
    local h pid
    for h in a b c; do
        for d in ovs-vswitchd ovsdb-server; do
            pid=$(cat "$work/$h/$d.pid" 2>/dev/null) || continue
            kill "$pid" 2>/dev/null || true
            while xf_running "$pid"; do sleep 0.05; done
        done
    done
    for ns in $namespaces; do
        ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del $ns 2>/dev/null || true
    done
    if [ -n "${XF_KEEP:-}" ] && [ -n "${tag:-}" ]; then
        for h in a b c; do
            [ ! -d "$work/$h" ] || mv "$work/$h" "$work/$tag-$h"
        done
        cp "$work/recv" "$work/$tag-recv" 2>/dev/null || true
        cp "$work/client.log" "$work/$tag-client.log" 2>/dev/null || true
    fi
    rm -rf "${work:?}"/[abc] "$work"/client.*
}
trap 'teardown; [ -n "${XF_KEEP:-}" ] || rm -rf "$work"' EXIT

r1_ports="add-port br0 r1red -- set Interface r1red \
    other_config:xenflow-network=red other_config:xenflow-router=r1 \
    other_config:xenflow-mac=02:00:00:00:01:01 \
    other_config:xenflow-addresses=10.1.0.1/24 -- \
  add-port br0 r1blue -- set Interface r1blue \
    other_config:xenflow-network=blue other_config:xenflow-router=r1 \
    other_config:xenflow-mac=02:00:00:00:02:01 \
    other_config:xenflow-addresses=10.2.0.1/24"
trunk() {
    echo "add-port br0 $1 -- set Interface $1 other_config:xenflow-trunk=true other_config:xenflow-trusted=true"
}

# The topology of tests/xenflow-system-migrate.at (unix sockets instead of
# SSL between the nodes: the channel's cost is what is measured, not TLS
# setup, which happens once).
setup() {
    local h l ns
    for ns in $namespaces; do ip netns add $ns; done
    if [ ! -d "$work/pki" ]; then
        ovs-pki --dir="$work/pki" init >/dev/null 2>&1
        (cd "$work/pki" && ovs-pki --dir="$work/pki" -u req+sign host switch \
             && ovs-pki --dir="$work/pki" req+sign r1 switch) >/dev/null 2>&1
    fi
    for h in a b c; do
        mkdir "$work/$h"
        ovsdb-tool create "$work/$h/conf.db" "$schema"
        on_host $h ovsdb-server --detach --no-chdir --pidfile --log-file \
            -vconsole:off --remote="punix:$work/$h/db.sock" 2>/dev/null
        on_host $h ovs-vsctl --no-wait init -- set-ssl \
            "$work/pki/host-privkey.pem" "$work/pki/host-cert.pem" \
            "$work/pki/switchca/cacert.pem"
        # The destination's work (installing up to a million flows) must
        # not starve the source: here they share two cores, on real hosts
        # they would not.  See the note printed with the table.
        on_host $h nice -n "$([ $h = c ] && echo $dest_nice || echo 0)" \
            ovs-vswitchd --detach --no-chdir --pidfile --log-file \
            -vconsole:off 2>/dev/null
        on_host $h ovs-vsctl add-br br0 -- set Bridge br0 \
            datapath_type=netdev fail-mode=secure \
            other_config:xenflow-enable=true \
            other_config:xenflow-network-red=100 \
            other_config:xenflow-network-blue=200 -- \
            set Open_vSwitch . other_config:xenflow-migrate-drain=500 \
            other_config:xenflow-migrate-timeout=600 \
            other_config:xenflow-peer-listen="punix:$work/$h/peer.sock" \
            other_config:xenflow-listen="pssl:6640:169.254.100.1" \
            ${bulk_share:+other_config:xenflow-bulk-share=$bulk_share} \
            other_config:xenflow-mover="exec:$mover --from=xfb_$h --db=unix:$work/$h/db.sock --vm=xfb_vm --downtime=$downtime --report=$work/vm-down"
    done
    ip link add name ab netns xfb_a type veth peer name ba netns xfb_b
    ip link add name bc netns xfb_b type veth peer name cb netns xfb_c
    # Every host's VM-management bridge: one address and MAC everywhere.
    for h in a c; do
        ip -n xfb_$h link add xfvm address 02:00:00:fe:00:01 type bridge
        ip -n xfb_$h addr add 169.254.100.1/24 dev xfvm
        ip -n xfb_$h link set xfvm up
    done
    ip link add name r1mgmt netns xfb_a type veth peer name mgmt netns xfb_vm
    ip -n xfb_a link set r1mgmt master xfvm up
    ip -n xfb_vm addr add 169.254.100.2/24 dev mgmt
    ip -n xfb_vm link set mgmt up
    ip link add name r1red netns xfb_a type veth peer name eth0 netns xfb_vm
    ip link add name r1blue netns xfb_a type veth peer name eth1 netns xfb_vm
    ip link add name snd netns xfb_b type veth peer name eth0 netns xfb_snd
    ip link add name rcv netns xfb_b type veth peer name eth0 netns xfb_rcv
    for l in a:ab a:r1red a:r1blue b:ba b:bc b:snd b:rcv c:cb; do
        ip -n xfb_${l%%:*} link set dev ${l#*:} up
    done
    ip -n xfb_vm link set dev eth0 address 02:00:00:00:01:01 up
    ip -n xfb_vm link set dev eth1 address 02:00:00:00:02:01 up
    ip -n xfb_vm addr add 10.1.0.1/24 dev eth0
    ip -n xfb_vm addr add 10.2.0.1/24 dev eth1
    ip -n xfb_vm link set lo up
    ip -n xfb_vm neigh replace 10.1.0.3 lladdr 50:54:00:00:00:03 dev eth0 nud permanent
    ip -n xfb_vm neigh replace 10.2.0.4 lladdr 50:54:00:00:00:04 dev eth1 nud permanent
    ip -n xfb_snd link set dev eth0 address 50:54:00:00:00:03 up
    ip -n xfb_snd addr add 10.1.0.3/24 dev eth0
    ip -n xfb_snd route add default via 10.1.0.1
    ip -n xfb_snd neigh replace 10.1.0.1 lladdr 02:00:00:00:01:01 dev eth0 nud permanent
    ip -n xfb_rcv link set dev eth0 address 50:54:00:00:00:04 up
    ip -n xfb_rcv addr add 10.2.0.4/24 dev eth0
    ip -n xfb_rcv route add default via 10.2.0.1
    ip -n xfb_rcv neigh replace 10.2.0.1 lladdr 02:00:00:00:02:01 dev eth0 nud permanent
    for l in xfb_vm:eth0 xfb_vm:eth1 xfb_snd:eth0 xfb_rcv:eth0; do
        ip netns exec ${l%%:*} ethtool -K ${l#*:} tx off >/dev/null 2>&1 || true
    done
    on_host a ovs-vsctl $r1_ports -- $(trunk ab)
    on_host b ovs-vsctl $(trunk ba) -- $(trunk bc) -- \
        add-port br0 snd -- set Interface snd other_config:xenflow-network=red -- \
        add-port br0 rcv -- set Interface rcv other_config:xenflow-network=blue
    on_host c ovs-vsctl $r1_ports -- $(trunk cb) 2>/dev/null
    if [ "$ports" != system ]; then
        # Ports to make AF_XDP, and those that open now (C's r1 ports
        # open once r1's devices arrive).
        local hp afxdp="a:ab b:ba b:bc b:snd b:rcv c:cb" open
        open=$afxdp
        if [ "$ports" = afxdp-all ]; then
            afxdp="$afxdp a:r1red a:r1blue c:r1red c:r1blue"
            open="$open a:r1red a:r1blue"
        fi
        for h in a b c; do
            on_host $h ovs-vsctl set Open_vSwitch . \
                other_config:pmd-cpu-mask=$pmd_mask \
                ${pmd_maxsleep:+other_config:pmd-maxsleep=$pmd_maxsleep}
        done
        for hp in $afxdp; do
            on_host ${hp%%:*} ovs-vsctl set Interface ${hp#*:} type=afxdp \
                options:xdp-mode=native
        done
        for hp in $open; do
            local i=0
            until on_host ${hp%%:*} ovs-appctl dpif-netdev/pmd-rxq-show \
                  | grep -q "port: ${hp#*:} "; do
                i=$((i + 1))
                if [ $i -gt 300 ]; then
                    echo "$0: ${hp#*:} on host ${hp%%:*}: no AF_XDP port after 30 s" >&2
                    exit 1
                fi
                sleep 0.1
            done
        done
    fi
    until on_host a ovs-appctl xenflow/show | grep -q '^r1 ' \
          && on_host c ovs-appctl xenflow/show | grep -q '^r1 '; do
        sleep 0.1
    done
}

client_status() { ovs-appctl -t "$work/client.ctl" status; }

# N routes 11.0.0.0/24, 11.0.1.0/24... via the receiver in the VM's kernel
# (with the two connected subnets and the two hosts as neighbours); its
# client streams them to A's switch.
load_routes() {
    local n=$1 want=$(($1 + 2))
    awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
        printf "route add %d.%d.%d.0/24 via 10.2.0.4\n", 11 + int(i / 65536),
               int(i / 256) % 256, i % 256 }' > "$work/routes"
    ip -n xfb_vm -batch "$work/routes"
    ip netns exec xfb_vm xenflow-client --detach --no-chdir -vconsole:off \
        --pidfile="$work/client.pid" --log-file="$work/client.log" \
        --unixctl="$work/client.ctl" --router=r1 \
        -p "$work/pki/r1-privkey.pem" -c "$work/pki/r1-cert.pem" \
        -C "$work/pki/switchca/cacert.pem" ssl:169.254.100.1:6640
    until client_status | grep -q '^state: active' \
          && [ "$(on_host a ovs-appctl xenflow/show --json | sed -n 's/.*"routes_installed": \([0-9]*\).*/\1/p')" = $want ] \
          && [ "$(on_host a ovs-appctl xenflow/show --json | sed -n 's/.*"pending": \([0-9]*\).*/\1/p')" = 0 ]; do
        sleep 0.2
    done
}

# One row: migrates r1 from A to C under the stream.
run() {
    local n=$1 mode=$2 row
    tag=$n-$mode
    setup
    local h hold=1000
    [ $mode = xenflow ] || hold=0
    for h in a c; do
        on_host $h ovs-vsctl set Open_vSwitch . \
            other_config:xenflow-hold-packets=$hold
    done
    if [ $mode = vm-fwd ]; then
        ip netns exec xfb_vm sysctl -qw net.ipv4.ip_forward=1
    else
        ip netns exec xfb_vm sysctl -qw net.ipv4.ip_forward=0
        load_routes "$n"
    fi
    # Teach B where things are, then stream.
    ip netns exec xfb_vm ping -q -c 2 -i 0.2 -w 5 10.1.0.3 > /dev/null
    ip netns exec xfb_vm ping -q -c 2 -i 0.2 -w 5 10.2.0.4 > /dev/null
    rm -f "$work"/recv "$work"/sent "$work"/ready "$work"/vm-down
    ip netns exec xfb_rcv $probe recv 10.2.0.4 5555 --out "$work/recv" \
        --idle 3 --ready "$work/ready" &
    local rpid=$!
    until [ -e "$work/ready" ]; do sleep 0.05; done
    ip netns exec xfb_snd $probe send 10.2.0.4 5555 --rate "$rate" \
        --size "$size" --duration 3600 --out "$work/sent" > /dev/null &
    local spid=$!
    ip netns exec xfb_snd ping -n -i 0.02 10.1.0.1 > "$work/ping" 2>&1 &
    local ppid=$!
    sleep 3
    on_host a ovs-appctl xenflow/migrate r1 "unix:$work/c/peer.sock" xfb_c > /dev/null
    until on_host a ovs-appctl xenflow/migrate/show | grep -q '^1 .* \(done\|failed\) '; do
        sleep 0.1
    done
    # The client's interruption: it reconnects to C and resends its tables.
    local clientdown=- resync=- i
    if [ $mode != vm-fwd ]; then
        for i in $(seq 600); do
            client_status | grep -q '^interruptions: [1-9]' && break
            sleep 0.1
        done
        read -r clientdown resync < <(client_status | sed -n \
            's/^interruptions: [0-9]*, last: disconnected \([0-9]*\) ms, snapshot \([0-9]*\) ms.*/\1 \2/p') \
            || true
        : "${clientdown:=none}" "${resync:=-}"
    fi
    sleep 2
    kill -TERM $spid; wait $spid || true
    kill -INT $ppid; wait $ppid || true
    wait $rpid || true
    if [ -n "${XF_KEEP:-}" ]; then
        for h in a b c; do
            { on_host $h ovs-ofctl dump-ports br0
              on_host $h ovs-appctl dpif-netdev/pmd-stats-show
              on_host $h ovs-appctl coverage/show; } > "$work/$tag-$h-stats" 2>&1
        done
    fi
    row=$(on_host a ovs-appctl xenflow/migrate/show | grep '^1 ')
    local share
    share=$(on_host c ovs-appctl xenflow/bulk | sed 1,2d | awk '{print $1}')
    local total precopy result stream vmdown
    total=$(echo "$row" | awk '{print $6}')
    precopy=$(echo "$row" | awk '{print $11}')
    result=$(echo "$row" | awk '{print $5}')
    vmdown=$(awk '{print $4}' "$work/vm-down" 2>/dev/null || echo -)
    stream=$($probe report "$work/sent" "$work/recv")
    local held ctl
    held=$(on_host a ovs-appctl xenflow/migrate/show \
               | sed -n '/^Control traffic held/,$p' \
               | awk '$1 == "r1" && $2 == "out" {print $4}')
    ctl=$(sed -n 's/.*icmp_seq=\([0-9]*\) .*time=\([0-9.]*\) ms.*/\1 \2/p' \
              "$work/ping" | sort -un | awk -v held="${held:--}" '
              { n++; last = $1; if ($2 > max) max = $2 }
              END { printf "%8d %8d %8s %10.1f", last, last - n, held, max }')
    printf '%-8s %-8s %-6s %9s %10s %9s %10s %9s %s %s %6s\n' "$n" "$mode" \
        "$result" "$total" "$precopy" "$vmdown" "$clientdown" "$resync" \
        "$(echo "$stream" | awk '{printf "%8s %6s %9s %10s %10s", $2, $6, $8, $10, $12}')" \
        "$ctl" "$share"
    teardown
}

# The highest rate of the list that r1's path carries without loss when
# nothing migrates (2 s streams).
calibrate() {
    local r
    tag=calibrate
    setup
    ip netns exec xfb_vm sysctl -qw net.ipv4.ip_forward=0
    load_routes 1000
    ip netns exec xfb_vm ping -q -c 2 -i 0.2 -w 5 10.1.0.3 > /dev/null
    ip netns exec xfb_vm ping -q -c 2 -i 0.2 -w 5 10.2.0.4 > /dev/null
    for r in 80000 40000 20000 10000 5000; do
        rm -f "$work"/recv "$work"/sent "$work"/ready
        ip netns exec xfb_rcv $probe recv 10.2.0.4 5555 --out "$work/recv" \
            --idle 1 --ready "$work/ready" &
        local rpid=$!
        until [ -e "$work/ready" ]; do sleep 0.05; done
        ip netns exec xfb_snd $probe send 10.2.0.4 5555 --rate $r \
            --size "$size" --duration 2 --out "$work/sent" > /dev/null
        wait $rpid || true
        echo "calibration at $r/s: $($probe report "$work/sent" "$work/recv")" >&2
        if $probe report "$work/sent" "$work/recv" | grep -q ' lost 0 '; then
            rate=$r
            break
        fi
    done
    teardown
    [ "$rate" != auto ] || { echo "$0: no rate of the list lost nothing" >&2; exit 1; }
}
if [ "$rate" = auto ]; then
    calibrate
fi

printf 'stream: %s datagrams/s of %s bytes; emulated VM stop-and-copy %s s; %s ports%s\n' \
    "$rate" "$size" "$downtime" "$ports" \
    "${pmd_maxsleep:+, pmd-maxsleep $pmd_maxsleep us}"
printf '%-8s %-8s %-6s %9s %10s %9s %10s %9s %8s %6s %9s %10s %10s %8s %8s %8s %10s %6s\n' \
    routes method result total-ms precopy-ms vm-down-ms client-down resync-ms \
    sent lost reordered duplicated max-gap-ms \
    ctl-sent ctl-lost ctl-held ctl-max-ms bulk-%
for n in "${sizes[@]}"; do
    for m in $methods; do
        run "$n" "$m"
    done
done
