#! /bin/bash
# qos-redistribution.sh -- the XenFlow paper's QoS experiment (§III, Fig. 3a
# and 3b), end to end on real packets, run twice in one go:
#
#   xenflow     XenFlow's redistributor manages the link's queues
#   ovs-static  static OVS queues: minimums as contracted, ceiling the link
#
# Two virtual networks, vn1 and vn2, share one link of 100 Mb/s (an HTB QoS
# on the trunk port towards namespace "far"); vn1 has contracted 20 Mb/s,
# vn2 40 Mb/s.  One UDP stream of 1472-byte datagrams per network, each
# offering more than the whole link, for DURATION seconds.  Until ENGAGE
# no contract is set and the two share the link as they can; at ENGAGE the
# minimums are set and, for xenflow, the redistributor is turned on.
#
# Goodput is what each network's queue carries over the link, read every
# second from "tc -s class show" (the bytes HTB sent per class).  Expected
# shares after ENGAGE are Eq. 1: vn1 20 + 40/3 = 33.3, vn2 40 + 80/3 = 66.7
# Mb/s.  Fitness (Eq. 2) is 1 - |1 - obtained/expected| per second and
# network, averaged over every second after ENGAGE ("all") and over the
# seconds from ENGAGE + 3 on ("settled"), then over the two networks.
#
# Prints goodput over time (one row per second) and a fitness table, and
# writes a PNG plot (gnuplot) and the raw CSV.  A benchmark, not a test: it
# prints numbers and never judges them.  The paper's prototype reached a
# fitness of 0.97 against 0.83 for static OVS queues.
#
# Usage: sudo benchmarks/qos-redistribution.sh [--builddir DIR]
#            [--duration S] [--engage S] [--out DIR]
# Needs root (namespaces, veth, tc), iperf (2), python3 and gnuplot; it
# installs iperf and gnuplot-nox with apt-get if they are missing.  Takes
# about 2 * DURATION seconds.  Output (plot, CSV, logs) goes to --out
# (default: benchmarks/out/qos-redistribution).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
duration=60
engage=30
out=$top/benchmarks/out/qos-redistribution
while [ $# -gt 0 ]; do
    case $1 in
        --builddir) builddir=$(cd "$2" && pwd); shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --engage) engage=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "usage: $0 [--builddir DIR] [--duration S] [--engage S] [--out DIR]" >&2
           exit 1 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "$0: needs root" >&2; exit 1; }
for tool in iperf:iperf gnuplot:gnuplot-nox; do
    command -v "${tool%%:*}" > /dev/null || {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends "${tool#*:}" > /dev/null
    }
done
mkdir -p "$out"

work=$(mktemp -d /tmp/xenflow-qos.XXXXXX)
. "$top/benchmarks/netns-lib.sh"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM HUP
export OVS_RUNDIR=$work OVS_LOGDIR=$work OVS_DBDIR=$work OVS_SYSCONFDIR=$work
export PATH=$builddir/utilities:$builddir/vswitchd:$builddir/ovsdb:$PATH
schema=$(sed -n 's/^abs_top_srcdir = //p' "$builddir/Makefile")/vswitchd/vswitch.ovsschema

link=100000000
contract1=20000000
contract2=40000000

# run MODE: one experiment; leaves "$work/MODE.csv".
run() {
    local mode=$1
    # ovs-vswitchd runs in namespace xfq_sw, so its tap devices and the
    # switch side of every veth ("xfb-NAME") stay private to this run.
    rm -f "$work/xenflow-qos.state"
    start_switch xfq_sw -- set Open_vSwitch . \
        other_config:xenflow-qos-interval=1000 \
        other_config:xenflow-qos-samples=2
    ovs-vsctl add-br br0 -- set Bridge br0 datapath_type=netdev \
        other_config:xenflow-enable=true \
        other_config:xenflow-network-vn1=101 \
        other_config:xenflow-network-vn2=102
    add_ns xfq_s1; add_ns xfq_s2; add_ns xfq_far
    add_veth xqs1 xfq_s1 xfq_sw 10.1.0.1/24
    add_veth xqs2 xfq_s2 xfq_sw 10.2.0.1/24
    add_veth xqup xfq_far xfq_sw 192.0.2.1/24
    for port in xqs1 xqs2 xqup; do ovs-vsctl add-port br0 xfb-$port; done
    ip -n xfq_s1 neigh add 10.1.0.2 lladdr 02:00:00:00:01:02 dev xqs1 nud permanent
    ip -n xfq_s2 neigh add 10.2.0.2 lladdr 02:00:00:00:02:02 dev xqs2 nud permanent
    # Before ENGAGE: no contract, the link fully shared.
    ovs-vsctl \
        set Interface xfb-xqs1 other_config:xenflow-network=vn1 -- \
        set Interface xfb-xqs2 other_config:xenflow-network=vn2 -- \
        set Interface xfb-xqup other_config:xenflow-trunk=true -- \
        set Port xfb-xqup qos=@q -- \
        --id=@q create QoS type=linux-htb other_config:max-rate=$link \
            queues:1=@q1 queues:2=@q2 -- \
        --id=@q1 create Queue other_config:xenflow-network=vn1 -- \
        --id=@q2 create Queue other_config:xenflow-network=vn2 > /dev/null
    local i=0
    until [ "$(ovs-ofctl dump-flows br0 table=204 | grep -c 'dl_dst=02:00:00:00:0[12]:02')" = 2 ]; do
        ip netns exec xfq_far python3 "$top/tests/xenflow-qos.py" announce \
            xqup 101/02:00:00:00:01:02 102/02:00:00:00:02:02
        sleep 0.2
        i=$((i + 1))
        [ $i -lt 50 ] || { echo "$0: the switch did not learn the far end" >&2; exit 1; }
    done

    rm -f "$work/bg.pids"
    for n in 1 2; do
        ip netns exec xfq_s$n iperf -u -c 10.$n.0.2 -b 120M -l 1472 \
            -t $((duration + 5)) > "$work/iperf-$mode-$n.log" 2>&1 &
        echo $! >> "$work/bg.pids"
    done
    # Every second, the bytes HTB sent in classes 1:2 (queue 1, vn1) and
    # 1:3 (queue 2, vn2) of the link.
    ip netns exec xfq_sw python3 "$top/tests/xenflow-qos.py" sample xfb-xqup \
        "$duration" "$work/$mode.csv" 1:2 1:3 &
    local sampler_pid=$!

    sleep "$engage"
    local qos q1 q2
    qos=$(ovs-vsctl get Port xfb-xqup qos)
    q1=$(ovs-vsctl get QoS "$qos" queues:1)
    q2=$(ovs-vsctl get QoS "$qos" queues:2)
    if [ "$mode" = xenflow ]; then
        ovs-vsctl -- set Queue "$q1" other_config:min-rate=$contract1 \
                  -- set Queue "$q2" other_config:min-rate=$contract2 \
                  -- set QoS "$qos" other_config:xenflow-redistribute=true
    else
        ovs-vsctl -- set Queue "$q1" other_config:min-rate=$contract1 \
                      other_config:max-rate=$link \
                  -- set Queue "$q2" other_config:min-rate=$contract2 \
                      other_config:max-rate=$link
    fi
    wait "$sampler_pid"
    kill $(cat "$work/bg.pids") 2>/dev/null || true
    wait 2>/dev/null || true
    rm -f "$work/bg.pids"
    if [ "$mode" = xenflow ]; then
        ovs-appctl xenflow/qos/show > "$out/qos-show.txt"
    fi
    cp "$work/ovs-vswitchd.log" "$out/ovs-vswitchd-$mode.log"
    stop_switch
    for ns in "${namespaces[@]}"; do ip netns del "$ns"; done
    namespaces=()
}

echo "qos-redistribution: ${duration} s per run, contracts engaged at ${engage} s"
echo "link 100 Mb/s, vn1 contract 20 Mb/s, vn2 40 Mb/s, each offering 120 Mb/s of 1472-byte UDP"
run xenflow
run ovs-static
cp "$work/xenflow.csv" "$work/ovs-static.csv" "$out/"

python3 - "$out" "$engage" "$contract1" "$contract2" "$link" <<'EOF'
import sys
out, engage = sys.argv[1], float(sys.argv[2])
m1, m2, link = (float(x) for x in sys.argv[3:6])
expected = [m + (link - m1 - m2) * m / (m1 + m2) for m in (m1, m2)]

def rates(name):
    rows = [[float(x) for x in line.split(",")]
            for line in open("%s/%s.csv" % (out, name))]
    res = []
    for a, b in zip(rows, rows[1:]):
        dt = b[0] - a[0]
        res.append((b[0], (b[1] - a[1]) * 8 / dt / 1e6,
                    (b[2] - a[2]) * 8 / dt / 1e6))
    return res

runs = {name: rates(name) for name in ("xenflow", "ovs-static")}
with open("%s/goodput.dat" % out, "w") as f:
    for x, s in zip(runs["xenflow"], runs["ovs-static"]):
        f.write("%.1f %.2f %.2f %.2f %.2f\n" % (x[0], x[1], x[2], s[1], s[2]))

print("\ngoodput per second (Mbit/s on the link):")
print("%6s %10s %10s %10s %10s" % ("t(s)", "xf vn1", "xf vn2", "ovs vn1",
                                   "ovs vn2"))
for x, s in zip(runs["xenflow"], runs["ovs-static"]):
    print("%6.0f %10.1f %10.1f %10.1f %10.1f" % (x[0], x[1], x[2], s[1], s[2]))

def fitness(obtained, want):
    return max(0.0, 1 - abs(1 - obtained / want))

print("\nexpected after engagement (Eq. 1): vn1 %.1f, vn2 %.1f Mbit/s"
      % (expected[0] / 1e6, expected[1] / 1e6))
print("%-11s %9s %9s %9s %9s %9s %9s" % ("method", "vn1 Mb/s", "vn2 Mb/s",
      "fit vn1", "fit vn2", "fitness", "settled"))
for name, r in runs.items():
    after = [x for x in r if x[0] > engage + 0.5]
    settled = [x for x in after if x[0] > engage + 3.5]
    def fit(rows):
        f = [(fitness(x[1], expected[0] / 1e6) + fitness(x[2], expected[1] / 1e6)) / 2
             for x in rows]
        return sum(f) / len(f)
    v1 = sum(x[1] for x in after) / len(after)
    v2 = sum(x[2] for x in after) / len(after)
    f1 = sum(fitness(x[1], expected[0] / 1e6) for x in after) / len(after)
    f2 = sum(fitness(x[2], expected[1] / 1e6) for x in after) / len(after)
    print("%-11s %9.1f %9.1f %9.3f %9.3f %9.3f %9.3f"
          % (name, v1, v2, f1, f2, fit(after), fit(settled)))
EOF

gnuplot <<EOF
set terminal png size 900,500
set output "$out/qos-redistribution.png"
set title "100 Mb/s link, contracts 20 and 40 Mb/s from ${engage} s"
set xlabel "time (s)"
set ylabel "goodput (Mbit/s)"
set yrange [0:110]
set key outside right
set arrow from ${engage},0 to ${engage},110 nohead dashtype 2
plot "$out/goodput.dat" using 1:2 with lines lw 2 title "XenFlow VN 1", \
     "$out/goodput.dat" using 1:3 with lines lw 2 title "XenFlow VN 2", \
     "$out/goodput.dat" using 1:4 with lines dashtype 3 title "OVS VN 1", \
     "$out/goodput.dat" using 1:5 with lines dashtype 3 title "OVS VN 2", \
     33.33 with lines lc "gray" title "expected VN 1", \
     66.67 with lines lc "gray" title "expected VN 2"
EOF
echo
echo "plot: $out/qos-redistribution.png; data: $out/goodput.dat"
