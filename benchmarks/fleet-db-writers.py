#! /usr/bin/env python3
"""Emulated node agents writing their figures to a fleet database.

Usage: fleet-db-writers.py populate SOCKET NODES ROUTERS
       fleet-db-writers.py write SECONDS NODES SOCKET...

"populate" inserts a template, NODES Node rows and ROUTERS Router rows
(spread over the nodes) with one Router_State row each, in one
transaction.  "write" runs NODES writers for SECONDS seconds, writer i
connected to SOCKET i mod (number of sockets): each sends, one at a time
(the agent's way: one transaction in flight), what an agent writes when
its figures are due -- its Node row's last_seen and status, and the status
and updated columns of its routers' Router_State rows, every value
changed -- and starts the next when the last commits.  Prints the
transactions and row updates committed per second, the latency of a
transaction (p50, p99), and the errors.  OVSDB JSON-RPC over Unix sockets,
nothing but the Python standard library.
"""

import asyncio
import json
import sys
import time

DB = "XenFlow_Fleet"


class Conn:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.buf = ""
        self.next_id = 0
        self.decoder = json.JSONDecoder()

    @classmethod
    async def open(cls, path):
        reader, writer = await asyncio.open_unix_connection(path)
        return cls(reader, writer)

    async def call(self, method, params):
        self.next_id += 1
        my_id = self.next_id
        self.writer.write(json.dumps({"method": method, "params": params,
                                      "id": my_id}).encode())
        await self.writer.drain()
        while True:
            msg = await self.recv()
            if msg.get("method") == "echo":
                self.writer.write(json.dumps({"result": msg["params"],
                                              "id": msg["id"]}).encode())
            elif msg.get("id") == my_id:
                return msg

    async def recv(self):
        while True:
            text = self.buf.lstrip()
            if text:
                try:
                    msg, end = self.decoder.raw_decode(text)
                    self.buf = text[end:]
                    return msg
                except ValueError:
                    pass
            data = await self.reader.read(65536)
            if not data:
                raise EOFError("connection closed")
            self.buf += data.decode()


def txn_errors(reply):
    if reply.get("error"):
        return [str(reply["error"])]
    return [r["error"] + ": " + r.get("details", "")
            for r in reply.get("result") or [] if r and "error" in r]


async def populate(path, n_nodes, n_routers):
    ops = [{"op": "insert", "table": "Template", "uuid-name": "t",
            "row": {"name": "bench", "driver": "test", "vcpus": 1,
                    "memory_mb": 64}}]
    for i in range(n_nodes):
        ops.append({"op": "insert", "table": "Node", "uuid-name": "n%d" % i,
                    "row": {"name": "node%d" % i,
                            "management_address": "10.0.%d.%d"
                            % (i // 256, i % 256),
                            "cpus": 64, "memory_mb": 262144,
                            "admin_state": "enabled", "power": "on"}})
    for j in range(n_routers):
        node = j % n_nodes
        ops.append({"op": "insert", "table": "Router", "uuid-name": "r%d" % j,
                    "row": {"name": "router%d" % j,
                            "node": ["named-uuid", "n%d" % node],
                            "template": ["named-uuid", "t"],
                            "state": "running"}})
        ops.append({"op": "insert", "table": "Router_State",
                    "row": {"name": "router%d" % j, "node": "node%d" % node,
                            "router": ["named-uuid", "r%d" % j],
                            "state": "running"}})
    conn = await Conn.open(path)
    reply = await conn.call("transact", [DB] + ops)
    errors = txn_errors(reply)
    if errors:
        sys.exit("populate: " + "; ".join(errors))


def figures(seq):
    """Every figure changed, as when all of them moved since last time."""
    return ["map", [["cpu-time-ns", str(10**9 * seq)],
                    ["libvirt-state", "running"],
                    ["memory-kib", str(131072 + seq % 1024)],
                    ["rx-packets", str(1000 * seq)],
                    ["tx-packets", str(1000 * seq)],
                    ["xenflow-routed-packets", str(5000 * seq)],
                    ["xenflow-to-vm-packets", str(seq)],
                    ["xenflow-routes", "1000"],
                    ["xenflow-neighbors", "16"],
                    ["xenflow-flows", "1040"],
                    ["xenflow-flows-pending", "0"],
                    ["xenflow-client", "active"]]]


async def writer(path, node, deadline, stats):
    conn = await Conn.open(path)
    name = "node%d" % node
    seq = 0
    while time.monotonic() < deadline:
        seq += 1
        now = int(time.time())
        ops = [DB,
               {"op": "update", "table": "Node",
                "where": [["name", "==", name]],
                "row": {"last_seen": now,
                        "status": ["map", [["cpu", "%.1f" % (seq % 100)],
                                           ["libvirt", "connected"],
                                           ["memory-available-mb",
                                            str(100000 + seq)]]]}},
               {"op": "update", "table": "Router_State",
                "where": [["node", "==", name]],
                "row": {"updated": now, "status": figures(seq)}}]
        start = time.monotonic()
        reply = await conn.call("transact", ops)
        stats["latency"].append(time.monotonic() - start)
        errors = txn_errors(reply)
        if errors:
            stats["errors"].append(errors[0])
        else:
            stats["txns"] += 1
            stats["rows"] += 1 + reply["result"][1].get("count", 0)


async def write(seconds, n_nodes, paths):
    stats = {"txns": 0, "rows": 0, "latency": [], "errors": []}
    start = time.monotonic()
    deadline = start + seconds
    await asyncio.gather(*[writer(paths[i % len(paths)], i, deadline, stats)
                           for i in range(n_nodes)])
    elapsed = time.monotonic() - start
    lat = sorted(stats["latency"]) or [0]
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    print("%7d %9.1f %10.1f %7.1f %7.1f %6d" % (
        stats["txns"], stats["txns"] / elapsed, stats["rows"] / elapsed,
        p(0.50), p(0.99), len(stats["errors"])))
    if stats["errors"]:
        print("first error: %s" % stats["errors"][0], file=sys.stderr)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "populate":
        asyncio.run(populate(sys.argv[2], int(sys.argv[3]),
                             int(sys.argv[4])))
    elif len(sys.argv) >= 5 and sys.argv[1] == "write":
        asyncio.run(write(float(sys.argv[2]), int(sys.argv[3]),
                          sys.argv[4:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
