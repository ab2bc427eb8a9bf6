#! /usr/bin/env python3
# xenflow-layers.py -- checks the shape of XenFlow's sources
# (Documentation/architecture.md, "Layers"):
#
#   - every xenflow/*.c belongs to one layer, and calls (symbols its object
#     file uses from another XenFlow object) and includes (a header belongs
#     to the .c file of the same name) only go to its own layer or below;
#   - within a layer, no cycle of calls or includes;
#   - no .c file of xenflow/ or xenflow/client/ is over 800 lines.
#
# Usage: xenflow-layers.py SRCDIR OBJDIR
#   SRCDIR: the directory that holds xenflow/ (sources)
#   OBJDIR: the build directory that holds xenflow/*.o
# Prints each violation and exits 1 if there is any.
import glob
import os
import re
import subprocess
import sys

LAYERS = [
    ("lifecycle", ["xenflow"]),
    ("commands", ["show", "memory-cmd", "trunks-cmd", "router-cmd", "load",
                  "server",
                  "route-state", "route-state-file", "migrate",
                  "migrate-peer", "migrate-cmd", "ctlhold"]),
    ("sessions", ["session"]),
    ("routers", ["routers", "router", "router-update", "router-sweep"]),
    ("model", ["bridges", "trunks", "pipeline", "pipeline-vm",
               "pipeline-net", "pipeline-trunk", "pipeline-build", "model"]),
    ("mechanisms", ["flowsync", "flowsync-read", "flowsync-actions",
                    "flowsync-masks", "flowsync-queue",
                    "flowsync-group", "flowsync-restore", "flowsync-bulk",
                    "flowsync-modify", "flow-owners", "latency", "memtrim", "prefix-order", "rib", "addr", "conf",
                    "conf-iface", "encap",
                    "pace", "proto", "appctl", "mover", "mover-libvirt", "virt-state",
                    "hold", "punt", "probe", "probe-frame", "qos*"]),
]
MAX_LINES = 800


def layer_of(name):
    for rank, (_, members) in enumerate(LAYERS):
        for m in members:
            if (m.endswith("*") and name.startswith(m[:-1])) or name == m:
                return rank
    return None


def main():
    srcdir, objdir = sys.argv[1], sys.argv[2]
    problems = []

    sources = sorted(glob.glob(os.path.join(srcdir, "xenflow", "*.c")))
    names = [os.path.basename(p)[:-2] for p in sources]
    for p in sources + sorted(glob.glob(os.path.join(srcdir, "xenflow",
                                                     "client", "*.c"))):
        n = sum(1 for _ in open(p, encoding="utf-8"))
        if n > MAX_LINES:
            problems.append("%s: %d lines (at most %d)"
                            % (os.path.relpath(p, srcdir), n, MAX_LINES))

    for name in names:
        if layer_of(name) is None:
            problems.append("xenflow/%s.c is in no layer (add it to "
                            "tests/xenflow-layers.py and architecture.md)"
                            % name)

    # Include edges: a .c or .h file's '#include "xenflow/X.h"' is an edge
    # from its owner to X's owner (X.c), followed through headers.
    def includes(path):
        try:
            text = open(path, encoding="utf-8").read()
        except FileNotFoundError:
            return []
        return re.findall(r'#include "xenflow/([a-z0-9-]+)\.h"', text)

    edges = {n: set() for n in names}
    kinds = {}
    for name in names:
        seen, todo = set(), includes(os.path.join(srcdir, "xenflow",
                                                  name + ".c"))
        while todo:
            h = todo.pop()
            if h in seen:
                continue
            seen.add(h)
            todo += includes(os.path.join(srcdir, "xenflow", h + ".h"))
            if h != name and h in edges:
                edges[name].add(h)
                kinds.setdefault((name, h), "includes")

    # Call edges, from the object files' symbol tables.
    defined, used = {}, {}
    for name in names:
        obj = os.path.join(objdir, "xenflow", name + ".o")
        if not os.path.exists(obj):
            continue
        out = subprocess.run(["nm", obj], capture_output=True, text=True,
                             check=True).stdout
        used[name] = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                used[name].add(parts[1])
            elif len(parts) == 3 and parts[1] in "TDRBC":
                defined[parts[2]] = name
    for name, syms in used.items():
        for sym in syms:
            owner = defined.get(sym)
            if owner and owner != name:
                edges[name].add(owner)
                kinds[(name, owner)] = "calls %s() in" % sym

    for a in names:
        for b in edges[a]:
            la, lb = layer_of(a), layer_of(b)
            if la is not None and lb is not None and lb < la:
                problems.append("%s.c (%s) %s %s.c (%s): upward"
                                % (a, LAYERS[la][0], kinds[(a, b)], b,
                                   LAYERS[lb][0]))

    # Cycles (Tarjan's strongly connected components).
    index, low, stack, on, sccs = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                sccs.append(sorted(scc))

    sys.setrecursionlimit(10000)
    for v in names:
        if v not in index:
            visit(v)
    for scc in sccs:
        detail = "; ".join("%s %s %s" % (a, kinds[(a, b)], b)
                           for a in scc for b in sorted(edges[a])
                           if b in scc)
        problems.append("cycle among %s: %s" % (", ".join(scc), detail))

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
