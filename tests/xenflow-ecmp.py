#! /usr/bin/env python3
# Copyright (c) 2026 The XenFlow authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
"""UDP flows for the ECMP system test (tests/xenflow-system.at).

  xenflow-ecmp.py send TAG N ROUNDS MODE [INTERVAL]
      Sends N flows to UDP port 7000, ROUNDS datagrams each, round-robin (one
      datagram of every flow, then the next round), INTERVAL seconds apart
      (default 0.001).  Flow i is source port 30000+i and destination
      192.168.60.1 (MODE "ports": flows differ only in their source port) or
      192.168.60.(1+i) (MODE "addrs": they differ in their destination address
      too).  Each datagram reads "TAG SPORT DST ROUND".

  xenflow-ecmp.py recv FILE
      Receives on UDP port 7000 (every local address) and appends
      "SRC-ADDR SRC-PORT TAG SPORT DST ROUND" per datagram to FILE, from the
      addresses the datagram really came from.  Creates FILE.ready once bound.

  xenflow-ecmp.py flows TAG FILE...
      Prints the flows ("DST:SPORT", sorted, once each) that delivered at
      least one datagram tagged TAG into any of the FILEs.
"""

import socket
import sys
import time

PORT = 7000
FIRST_SPORT = 30000


def send(tag, n, rounds, mode, interval=0.001):
    n, rounds, interval = int(n), int(rounds), float(interval)
    if mode not in ("ports", "addrs") or not 0 < n <= 254:
        sys.exit("bad MODE or N")
    flows = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("", FIRST_SPORT + i))
        dst = "192.168.60.%d" % (1 + i if mode == "addrs" else 1)
        flows.append((s, FIRST_SPORT + i, dst))
    for r in range(rounds):
        for s, sport, dst in flows:
            s.sendto(("%s %d %s %d\n" % (tag, sport, dst, r)).encode(),
                     (dst, PORT))
            time.sleep(interval)


def recv(name):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # Root may exceed net.core.rmem_max: ride out a stalled receiver.
        s.setsockopt(socket.SOL_SOCKET,
                     getattr(socket, "SO_RCVBUFFORCE", 33), 1 << 22)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind(("", PORT))
    open(name + ".ready", "w").close()
    with open(name, "a", buffering=1) as f:
        while True:
            data, (addr, port) = s.recvfrom(2048)
            f.write("%s %d %s" % (addr, port, data.decode(errors="replace")))


def flows(tag, *names):
    seen = set()
    for name in names:
        with open(name) as f:
            for line in f:
                w = line.split()
                if len(w) == 6 and w[2] == tag:
                    seen.add("%s:%s" % (w[4], w[1]))
    for flow in sorted(seen):
        print(flow)


if __name__ == "__main__":
    commands = {"send": send, "recv": recv, "flows": flows}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
