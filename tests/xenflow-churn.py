#! /usr/bin/env python3
# Copyright (c) 2026 The XenFlow authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
"""Route tables and their expected flows for the churn tests
(tests/xenflow-churn.at).  Router r1's gateways are 10.2.0.10 to 10.2.0.25
(neighbours 50:54:00:00:00:10 to :1f).

  xenflow-churn.py table SEED N
      Prints a table in xenflow/load's format: the 16 neighbours, then N
      distinct IPv4 prefixes with an Internet-like length mix (/8 to /24,
      most of them /24), each via one of the 16 gateways or, one route in 8,
      ECMP over 2 to 4 of them (listed in random order).

  xenflow-churn.py change SEED FILE
      Prints FILE's table with half its routes changed: a quarter of them
      replaced by new prefixes, another quarter moved to other next hops.

  xenflow-churn.py expect FILE
      What the switch must hold for FILE's routes, in the form "flows"
      prints: one line per route, "PREFIX GW[,GW...]" (the gateways sorted),
      then one line per distinct ECMP next-hop set, "group GW,GW[,...] 1"
      (each exactly once: routes with the same next hops share a group).

  xenflow-churn.py flows FLOWS GROUPS
      The same from the switch: FLOWS is "ovs-ofctl dump-flows br0
      table=202" and GROUPS "ovs-ofctl -O OpenFlow13 dump-groups br0"; a
      route flow's group is replaced by its buckets' gateways, cookies and
      statistics are dropped, and each group is listed with how many groups
      have its next hops.  A flow whose group does not exist reads "?".

  xenflow-churn.py session FILE...
      Prints a xenflow-client session for "ovstest test-xenflow-proto
      session": a hello of r1 (eth0, eth1 = p1, p2), then per FILE one
      snapshot (sync-begin, its routes and neighbours in updates of at most
      500 entries, sync-end).

  xenflow-churn.py withdraw FILE
      Prints a session that withdraws FILE's routes by incremental updates
      (no snapshot), at most 500 per update.
"""

import json
import os
import random
import re
import socket
import struct
import sys

GWS = ['10.2.0.%d' % (10 + i) for i in range(16)]
MACS = ['50:54:00:00:00:%02x' % (0x10 + i) for i in range(16)]
# Share of the routes by prefix length, in percent (IPv4 DFZ-like).
MIX = {24: 60, 23: 8, 22: 8, 21: 6, 20: 5, 19: 4.3, 18: 2.8, 17: 1.8,
       16: 2.5, 15: .5, 14: .4, 13: .3, 12: .2, 11: .1, 10: .06, 9: .03,
       8: .01}
# Entries per update (environment CHURN_BATCH): ovstest's session reads
# lines of at most 64 kB.
BATCH = int(os.environ.get('CHURN_BATCH', 500))
FIRSTS = [a for a in range(1, 224) if a not in (10, 127)]


def fmt(addr, plen):
    return '%s/%d' % (socket.inet_ntoa(struct.pack('!I', addr)), plen)


class Generator:
    def __init__(self, seed, used):
        self.rng = random.Random(seed)
        self.used = used

    def prefix(self, plen):
        while True:
            a = self.rng.choice(FIRSTS) << 24 | self.rng.getrandbits(24)
            p = fmt(a >> (32 - plen) << (32 - plen), plen)
            if p not in self.used:
                self.used.add(p)
                return p

    def nexthops(self, old=None):
        while True:
            if self.rng.random() < 1 / 8:
                nh = self.rng.sample(GWS, self.rng.randint(2, 4))
            else:
                nh = [self.rng.choice(GWS)]
            if old is None or sorted(nh) != sorted(old):
                return nh


def read_table(name):
    routes = []
    with open(name) as f:
        for line in f:
            w = line.split()
            if w and w[0] == 'route':
                routes.append([w[1], w[3::2]])
    return routes


def print_table(routes):
    for gw, mac in zip(GWS, MACS):
        print('neigh %s %s' % (gw, mac))
    for p, nh in routes:
        print('route %s%s' % (p, ''.join(' via ' + g for g in nh)))


def cmd_table(seed, n):
    g = Generator(int(seed), set())
    lengths = []
    for plen, share in sorted(MIX.items()):
        lengths += [plen] * int(int(n) * share / 100)
    lengths += [24] * (int(n) - len(lengths))
    print_table([[g.prefix(plen), g.nexthops()] for plen in lengths])


def cmd_change(seed, name):
    routes = read_table(name)
    g = Generator(int(seed), set(p for p, nh in routes))
    for j, i in enumerate(g.rng.sample(range(len(routes)), len(routes) // 2)):
        p, nh = routes[i]
        if j % 2 == 0:
            routes[i] = [g.prefix(int(p.split('/')[1])), g.nexthops()]
        else:
            routes[i][1] = g.nexthops(nh)
    print_table(routes)


def print_state(flows, groups):
    for line in sorted(flows):
        print(line)
    for nh in sorted(set(groups)):
        print('group %s %d' % (nh, groups.count(nh)))


def cmd_expect(name):
    routes = read_table(name)
    print_state(['%s %s' % (p, ','.join(sorted(nh))) for p, nh in routes],
                sorted(set(','.join(sorted(nh))
                           for p, nh in routes if len(nh) > 1)))


def gateways(actions):
    """The IPv4 gateways that 'actions' load: into reg0 alone, or into
    xreg0 (reg0:reg1, OXM_OF_PKT_REG0) with the interface's number."""
    gws = [int(x, 16)
           for x in re.findall(r'load:(0x[0-9a-f]+)->NXM_NX_REG0\[\]',
                               actions)]
    gws += [int(x, 16) >> 32
            for x in re.findall(r'load:(0x[0-9a-f]+)->OXM_OF_PKT_REG0\[\]',
                                actions)]
    return ','.join(sorted(socket.inet_ntoa(struct.pack('!I', gw))
                           for gw in gws))


def cmd_flows(flows_name, groups_name):
    groups = {}
    with open(groups_name) as f:
        for line in f:
            m = re.match(r'\s*group_id=(\d+),type=select,(.*)', line)
            if m:
                groups[m.group(1)] = gateways(m.group(2))
    flows = []
    with open(flows_name) as f:
        for line in f:
            m = re.search(r'nw_dst=([0-9./]+) actions=(.*)', line)
            if not m:
                continue
            dst = m.group(1) if '/' in m.group(1) else m.group(1) + '/32'
            g = re.match(r'group:(\d+)', m.group(2))
            flows.append('%s %s' % (dst, groups.get(g.group(1), '?') if g
                                    else gateways(m.group(2))))
    print_state(flows, list(groups.values()))


def send(method, params, id_):
    print(json.dumps({'method': method, 'id': id_, 'params': [params]},
                     separators=(',', ':')))


def send_hello():
    send('hello', {'protocol': 1, 'router': 'r1', 'client': 'churn',
                   'interfaces': [
                       {'name': 'eth0', 'mac': '02:00:00:00:01:01',
                        'addresses': ['10.1.0.1/24']},
                       {'name': 'eth1', 'mac': '02:00:00:00:02:01',
                        'addresses': ['10.2.0.1/24']}]}, 'h')


def send_batches(key, entries, id_):
    for i in range(0, len(entries), BATCH):
        send('update', {key: entries[i:i + BATCH]}, id_)
        id_ += 1
    return id_


def cmd_session(*names):
    send_hello()
    id_ = 0
    for name in names:
        routes = ['%s%s' % (p, ''.join(' via ' + g for g in nh))
                  for p, nh in read_table(name)]
        neighbors = [{'ip': gw, 'mac': mac, 'dev': 'eth1'}
                     for gw, mac in zip(GWS, MACS)]
        send('sync-begin', {}, id_)
        send('update', {'neighbors': neighbors}, id_ + 1)
        id_ = send_batches('routes-text', routes, id_ + 2)
        send('sync-end', {}, id_)
        id_ += 1


def cmd_withdraw(name):
    send_hello()
    send_batches('routes-withdrawn', [p for p, nh in read_table(name)], 0)


if __name__ == '__main__':
    {'table': cmd_table, 'change': cmd_change, 'expect': cmd_expect,
     'flows': cmd_flows, 'session': cmd_session,
     'withdraw': cmd_withdraw}[sys.argv[1]](*sys.argv[2:])
