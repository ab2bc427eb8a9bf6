#! /usr/bin/env python3
# gen-table.py -- Internet-like route tables for the benchmarks (issue 16).
#
# Usage: gen-table.py [--churn] [--dests K] FAMILY N DIR
#
# Writes into DIR, in xenflow/load's format (neighbours first):
#
#   xf-0      N distinct prefixes with today's DFZ prefix-length mix (FAMILY
#             4 or 6), via 16 gateways (10.2.0.10-25 or 2001:db8:2::10-1f,
#             neighbours 50:54:00:00:0F:10-1f), 1 route in 8 ECMP over 2-4
#   xf-neigh  the neighbours only
#
# --churn (benchmarks/route-churn.sh) also writes k-0 (table 0 for "ip
# -batch"), and three tables xf-1..3 each differing from the one before in
# half its routes (a quarter of the prefixes replaced by new ones, a quarter
# moved to other next hops) with their differences k-1..3 for "ip -batch",
# and k-del ("route del" of every route of table 3).
#
# --dests K (IPv4; benchmarks/forwarding-fulltable.sh) also writes "dests":
# K destination addresses, "ADDRESS PLEN PREFIX" per line where PREFIX is
# the table's longest prefix that holds ADDRESS and PLEN its length.  They are spread evenly
# over the table's prefix lengths, inside at most 20 routes of each length
# (so that a datapath flow per route, not per destination, is what
# wildcarding by prefix gives).  Same arguments, same files.
import argparse
import random

parser = argparse.ArgumentParser()
parser.add_argument('--churn', action='store_true')
parser.add_argument('--dests', type=int, default=0)
parser.add_argument('family', type=int, choices=(4, 6))
parser.add_argument('n', type=int)
parser.add_argument('work')
args = parser.parse_args()
family, n, work = args.family, args.n, args.work
rng = random.Random(16)

if family == 4:
    # IPv4 DFZ, share of the routes by prefix length in percent (roughly
    # today's ~1M-route table): /24 60, /23 8, /22 8, /21 6, /20 5, and the
    # remaining 13 over /19 (4.3), /18 (2.8), /17 (1.8), /16 (2.5),
    # /15-/8 (0.5, 0.4, 0.3, 0.2, 0.1, 0.06, 0.03, 0.01).
    mix = {24: 60, 23: 8, 22: 8, 21: 6, 20: 5, 19: 4.3, 18: 2.8, 17: 1.8,
           16: 2.5, 15: .5, 14: .4, 13: .3, 12: .2, 11: .1, 10: .06,
           9: .03, 8: .01}
    bits = 32
    # Unicast first octets, without 0, 10 (the router's own subnet) and 127.
    firsts = [a for a in range(1, 224) if a not in (10, 127)]
    gws = ['10.2.0.%d' % (10 + i) for i in range(16)]

    def space(plen):
        return len(firsts) << (plen - 8)

    def random_prefix(plen):
        a = rng.choice(firsts) << 24 | rng.getrandbits(24)
        return a >> (32 - plen) << (32 - plen)

    def fmt(a, plen):
        return '%d.%d.%d.%d/%d' % (a >> 24, a >> 16 & 255, a >> 8 & 255,
                                   a & 255, plen)
else:
    # IPv6 DFZ, share of the routes by prefix length in percent (roughly
    # today's ~200k-route table): /48 50, /32 15, /44 10, /40 8, /36 5, and
    # the remaining 12 over /29 (2.5), /46 (1.5), /33, /34, /47 (1 each),
    # /28 (0.8), /35 (0.7), /38 (0.6), /30, /42, /56, /64 (0.5 each),
    # /31, /45 (0.3 each), /24 (0.2), /20, /16 (0.05 each).
    mix = {48: 50, 32: 15, 44: 10, 40: 8, 36: 5, 29: 2.5, 46: 1.5, 33: 1,
           34: 1, 47: 1, 28: .8, 35: .7, 38: .6, 30: .5, 42: .5, 56: .5,
           64: .5, 31: .3, 45: .3, 24: .2, 20: .05, 16: .05}
    bits = 128
    gws = ['2001:db8:2::%x' % (0x10 + i) for i in range(16)]

    def space(plen):                    # In 2000::/3.
        return 1 << (plen - 3)

    def random_prefix(plen):
        while True:
            a = (1 << 125 | rng.getrandbits(125)) >> (128 - plen) << (128 - plen)
            if a >> 96 != 0x20010db8:   # Not in the routers' 2001:db8::/32.
                return a

    def fmt(a, plen):
        groups = ['%x' % (a >> (112 - 16 * i) & 0xffff) for i in range(8)]
        while len(groups) > 1 and groups[-1] == '0':
            groups.pop()
        return ':'.join(groups) + ('::' if len(groups) < 8 else '') \
            + '/%d' % plen

main_len = max(mix, key=mix.get)
macs = ['50:54:00:00:%02x:%02x' % (family, 0x10 + i) for i in range(16)]
used = set()                            # Every prefix so far, as (addr, len).


def new_prefix(plen):
    # A prefix never used before, of length 'plen' unless that length is
    # nearly exhausted.
    for _ in range(100):
        p = (random_prefix(plen), plen)
        if p not in used:
            used.add(p)
            return p
    return new_prefix(main_len)


def new_nexthops(old=None):
    while True:
        if rng.random() < 1 / 8:
            nh = tuple(sorted(rng.sample(range(16), rng.randint(2, 4))))
        else:
            nh = (rng.randrange(16),)
        if nh != old:
            return nh


# Table 0: round(n * share) prefixes of each length (at most half of that
# length's space), the rest of the routes at the most common length.
lengths = []
for plen, share in sorted(mix.items()):
    lengths += [plen] * min(int(n * share / 100), space(plen) // 2)
lengths += [main_len] * (n - len(lengths))
table = [[new_prefix(plen), new_nexthops()] for plen in lengths]


def route(p, nh):
    return fmt(*p) + ''.join(' via ' + gws[i] for i in nh)


def kernel_route(p, nh):
    if len(nh) == 1:
        return 'route replace %s via %s\n' % (fmt(*p), gws[nh[0]])
    return 'route replace %s%s\n' % (
        fmt(*p), ''.join(' nexthop via ' + gws[i] for i in nh))


neighbours = ''.join('neigh %s %s\n' % (gw, mac) for gw, mac in zip(gws, macs))


def write_xf(name):
    with open('%s/%s' % (work, name), 'w') as f:
        f.write(neighbours)
        f.write(''.join('route %s\n' % route(p, nh) for p, nh in table))


write_xf('xf-0')
with open(work + '/xf-neigh', 'w') as f:
    f.write(neighbours)


def write_churn():
    with open(work + '/k-0', 'w') as f:
        f.write(''.join(kernel_route(p, nh) for p, nh in table))
    with open(work + '/k-del0', 'w') as f:
        f.write(''.join('route del %s\n' % fmt(*p) for p, nh in table))

    for k in (1, 2, 3):
        changed = rng.sample(range(n), n // 2)
        kernel = []
        for j, i in enumerate(changed):
            p, nh = table[i]
            if j % 2 == 0:                  # Replaced by a new prefix.
                kernel.append('route del %s\n' % fmt(*p))
                table[i] = [new_prefix(p[1]), new_nexthops()]
            else:                           # Moved to other next hops.
                table[i][1] = new_nexthops(nh)
            kernel.append(kernel_route(*table[i]))
        write_xf('xf-%d' % k)
        with open('%s/k-%d' % (work, k), 'w') as f:
            f.write(''.join(kernel))

    with open(work + '/k-del', 'w') as f:
        f.write(''.join('route del %s\n' % fmt(*p) for p, nh in table))


def write_dests(k):
    drng = random.Random(10000)
    by_len = {}
    for p, nh in table:
        by_len.setdefault(p[1], []).append(p[0])
    picked = {plen: drng.sample(addrs, min(20, len(addrs)))
              for plen, addrs in by_len.items()}
    lens = sorted(picked)
    with open(work + '/dests', 'w') as f:
        for i in range(k):
            plen = lens[i % len(lens)]
            a = drng.choice(picked[plen]) | drng.getrandbits(32 - plen)
            lpm = max(m for m in lens
                      if (a >> (32 - m) << (32 - m), m) in used_routes)
            f.write('%s %d %s\n' % (fmt(a, 32).split('/')[0], lpm,
                                     fmt(a >> (32 - lpm) << (32 - lpm), lpm)))


if args.churn:
    write_churn()
if args.dests and family == 4:
    used_routes = set(p for p, nh in table)
    write_dests(args.dests)
