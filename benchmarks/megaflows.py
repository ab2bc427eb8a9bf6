#! /usr/bin/env python3
# megaflows.py -- which routes the datapath flows of a forwarding run stand
# for (benchmarks/forwarding-fulltable.sh).
#
# Usage: megaflows.py TABLE DESTS DPFLOWS
#
# TABLE is a route table in xenflow/load's format (IPv4), DESTS
# gen-table.py's "dests" (ADDRESS PLEN PREFIX per line) and DPFLOWS the
# output of "ovs-appctl dpctl/dump-flows".  Each datapath flow that matches
# on the IPv4 destination stands for the table's longest prefix that holds
# its nw_dst value/mask.  Prints, per length of those prefixes: the routes
# of that length in the table, the destinations whose longest match has
# that length, the routes they hit, the megaflows that stand for a route of
# that length and the shortest and longest nw_dst mask among them.  With
# wildcarding by prefix, a megaflow's mask is its route's length, longer
# only as far as it takes to rule out the longer prefixes inside that route
# (so routes with many longer prefixes inside get several megaflows); a
# mask of /32 on every flow would be one flow per destination.
import collections
import re
import socket
import struct
import sys


def addr(s):
    return struct.unpack('!I', socket.inet_aton(s))[0]


def main():
    table_name, dests_name, flows_name = sys.argv[1:4]
    routes = collections.defaultdict(set)     # Length -> set of prefixes.
    with open(table_name) as f:
        for line in f:
            w = line.split()
            if len(w) > 2 and w[0] == 'route' and 'via' in w:
                a, plen = w[1].split('/')
                routes[int(plen)].add(addr(a))
    lengths = sorted(routes, reverse=True)

    dests = collections.Counter()
    hit = collections.defaultdict(set)
    with open(dests_name) as f:
        for line in f:
            a, plen, prefix = line.split()
            dests[int(plen)] += 1
            hit[int(plen)].add(prefix)

    flows = collections.defaultdict(list)     # Route length -> mask lengths.
    with open(flows_name) as f:
        for line in f:
            m = re.search(r'ipv4\([^)]*dst=([0-9.]+)(?:/([0-9.]+))?', line)
            if not m:
                continue
            mlen = bin(addr(m.group(2) or '255.255.255.255')).count('1')
            a = addr(m.group(1))
            for plen in lengths:
                if plen <= mlen and a >> (32 - plen) << (32 - plen) \
                        in routes[plen]:
                    flows[plen].append(mlen)
                    break
            else:
                flows[-1].append(mlen)          # No route: the VM's.

    print('%5s %9s %6s %10s %10s %12s' % ('plen', 'routes', 'dests',
                                          'routes-hit', 'megaflows',
                                          'mask-range'))
    for plen in sorted(set(routes) | set(dests) | set(flows)):
        masks = flows.get(plen, [])
        print('%5s %9d %6d %10d %10d %12s' % (
            '/%d' % plen if plen >= 0 else 'none', len(routes.get(plen, ())),
            dests[plen], len(hit[plen]), len(masks),
            '/%d-/%d' % (min(masks), max(masks)) if masks else '-'))
    total = sum(len(v) for v in flows.values())
    n_hit = sum(len(v) for v in hit.values())
    print('total: %d megaflows matching nw_dst for %d destinations in %d '
          'routes (%.2f per route hit)' % (total, sum(dests.values()), n_hit,
                                           total / n_hit if n_hit else 0))


if __name__ == '__main__':
    main()
