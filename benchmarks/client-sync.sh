#! /bin/bash
# client-sync.sh -- how fast a virtual router's kernel routing table reaches
# the switch through xenflow-client, against the kernel itself in the same
# run:
#
#   kernel     "ip -batch" of N routes into the router VM's namespace
#   sync       xenflow-client started in the VM with those N routes: time
#              until every route's flow is in the switch (pending = 0)
#   propagate  with the N routes installed, one "ip route replace" at a time
#              in the VM (alternating gateway), time until the switch has
#              the new route (xenflow/routes ROUTER PREFIX, polled over one
#              unixctl connection): p50, p99, max over CHANGES changes
#
# Usage: benchmarks/client-sync.sh [--builddir DIR] [N [CHANGES]]
#        (defaults: N = 100000, CHANGES = 200; root: it uses a namespace)
# The switch uses the dummy datapath: what is measured is the control path
# (kernel -> netlink -> client -> JSON-RPC over punix -> server -> RIB ->
# flow table), not packet forwarding.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build/ovs-build
if [ "${1:-}" = --builddir ]; then
    builddir=$(cd "$2" && pwd)
    shift 2
fi
n=${1:-100000}
changes=${2:-200}
[ "$(id -u)" = 0 ] || { echo "$0: must run as root (network namespace)" >&2; exit 1; }
[ -x "$builddir/xenflow/client/xenflow-client" ] || { echo "$0: no xenflow-client in $builddir (libnl missing at configure time?)" >&2; exit 1; }

work=$(mktemp -d /tmp/xenflow-client-bench.XXXXXX)
ns=xfcbench
. "$top/benchmarks/lib.sh"
xf_bench_env
cleanup() {
    [ -f "$work/client.pid" ] && kill "$(cat "$work/client.pid")" 2>/dev/null
    xf_stop_switch
    ip netns del $ns 2>/dev/null || true
    [ -n "${KEEP:-}" ] && echo "logs kept in $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# The router VM: one interface (a veth whose peer stays in the namespace:
# only its MAC and addresses matter to the control path) whose MAC is the
# switch port's xenflow-mac.
ip netns del $ns 2>/dev/null || true
ip netns add $ns
ip -n $ns link add eth1 address 02:00:00:00:02:01 type veth peer name eth1p
ip -n $ns addr add 10.2.0.1/16 dev eth1
ip -n $ns link set eth1p up
ip -n $ns link set eth1 up
ip -n $ns link set lo up
ip -n $ns neigh replace 10.2.0.9 lladdr 50:54:00:00:00:09 dev eth1 nud permanent
ip -n $ns neigh replace 10.2.0.10 lladdr 50:54:00:00:00:0a dev eth1 nud permanent

xf_start_switch
xf_add_router_bridge 10.2.0.1/16 02:00:00:00:02:01 \
    -- set Open_vSwitch . other_config:xenflow-listen=punix:$work/xf.sock
ovs-appctl xenflow/show > /dev/null

# The kernel baseline: N routes into the VM's table.
awk -v n="$n" 'BEGIN {
    for (i = 0; i < n; i++) {
        printf "route add %d.%d.%d.0/24 via 10.2.0.9 dev eth1\n",
               11 + int(i / 65536), int(i / 256) % 256, i % 256
    }
}' > "$work/routes"
t0=$(xf_now)
ip -n $ns -batch "$work/routes"
t1=$(xf_now)
kernel=$(xf_elapsed "$t0" "$t1")

# Initial sync through the client.
t0=$(xf_now)
ip netns exec $ns xenflow-client --router=r1 --log-file="$work/client.log" \
    -vconsole:off --unixctl="$work/client.ctl" "unix:$work/xf.sock" &
echo $! > "$work/client.pid"
want=$((n + 1))       # + the connected route 10.2.0.0/16
while :; do
    got=$(ovs-appctl xenflow/show --json | sed -n 's/.*"routes_installed": \([0-9]*\).*/\1/p')
    [ "${got:-0}" -ge $want ] && break
    sleep 0.05
done
xf_wait_drained
t1=$(xf_now)
sync=$(xf_elapsed "$t0" "$t1")
installed=$(ovs-ofctl dump-flows br0 table=202 | grep -c nw_dst=)
[ "$installed" -ge "$n" ] || { echo "only $installed of $n route flows" >&2; exit 1; }

# Propagation of single changes.
python3 - "$ns" "$work/ovs-vswitchd.$(cat "$work/ovs-vswitchd.pid").ctl" "$changes" > "$work/latency" <<'PYEOF'
import json, socket, subprocess, sys, time
ns, ctl, changes = sys.argv[1], sys.argv[2], int(sys.argv[3])
ip = subprocess.Popen(["ip", "-n", ns, "-batch", "-"], stdin=subprocess.PIPE,
                      text=True, bufsize=1)
sock = socket.socket(socket.AF_UNIX)
sock.connect(ctl)
buf = b""
def appctl(method, *params):
    global buf
    sock.sendall(json.dumps({"method": method, "params": list(params),
                             "id": 0}).encode())
    dec = json.JSONDecoder()
    while True:
        try:
            msg, end = dec.raw_decode(buf.decode())
            buf = buf[end:]
            return msg["result"]
        except ValueError:
            buf += sock.recv(65536)
lat = []
for i in range(changes):
    prefix = "11.0.%d.0/24" % (i % 256)
    gw = "10.2.0.10" if i % 2 == 0 else "10.2.0.9"
    t0 = time.perf_counter()
    ip.stdin.write("route replace %s via %s dev eth1\n" % (prefix, gw))
    ip.stdin.flush()
    while gw + " " not in appctl("xenflow/routes", "r1", prefix):
        pass
    lat.append(time.perf_counter() - t0)
    time.sleep(0.01)
ip.stdin.close()
ip.wait()
lat.sort()
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1e3
print("%.2f %.2f %.2f" % (pick(0.5), pick(0.99), lat[-1] * 1e3))
PYEOF
read -r p50 p99 max < "$work/latency"

printf '%-10s %10s %10s\n' what routes seconds
printf '%-10s %10d %10.2f\n' kernel "$n" "$kernel"
printf '%-10s %10d %10.2f   (%.2fx the kernel)\n' sync "$n" "$sync" \
       "$(awk -v a="$sync" -v b="$kernel" 'BEGIN { print a / b }')"
printf '\npropagation of one route change, %d changes, %d routes installed:\n' \
       "$changes" "$n"
printf '  p50 %.2f ms   p99 %.2f ms   max %.2f ms\n' "$p50" "$p99" "$max"
