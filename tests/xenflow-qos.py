#! /usr/bin/env python3
# Helpers for XenFlow's QoS system tests and benchmark.
#
#   xenflow-qos.py announce DEV VLAN/MAC...
#       Sends one broadcast frame tagged VLAN from source MAC on DEV for each
#       VLAN/MAC, so that a switch learns where the MACs live (for hosts
#       without 802.1Q devices).
#
#   xenflow-qos.py rates DEV SECONDS CHECK... [TOLERANCE]
#       Reads "tc -s class show dev DEV" twice, SECONDS apart, and prints
#       each checked class's rate in Mbit/s.  CHECK is CLASS=MBIT (within
#       TOLERANCE percent, default 15), CLASS<MBIT, CLASS>MBIT or CLASS.
#       Exits 1 if a check fails.
#
#   xenflow-qos.py sample DEV SECONDS OUTPUT CLASS...
#       Every second for SECONDS, appends "time,bytes,bytes..." (the bytes
#       each CLASS has sent) to OUTPUT.
import socket
import struct
import subprocess
import sys
import time


def announce(dev, pairs):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    for pair in pairs:
        vlan, mac = pair.split("/")
        s.send(b"\xff" * 6 + bytes.fromhex(mac.replace(":", ""))
               + struct.pack("!HHH", 0x8100, int(vlan), 0x88b5)
               + b"xenflow qos".ljust(46, b"\0"))


def class_bytes(dev):
    text = subprocess.run(["tc", "-s", "class", "show", "dev", dev],
                          capture_output=True, text=True).stdout
    sent, cur = {}, None
    for line in text.splitlines():
        w = line.split()
        if w[:1] == ["class"]:
            cur = w[2]
        elif w[:1] == ["Sent"] and cur:
            sent[cur], cur = int(w[1]), None
    return sent


def rates(dev, secs, checks):
    tol = 15.0
    if checks and checks[-1].replace(".", "").isdigit():
        tol = float(checks.pop())
    a, t0 = class_bytes(dev), time.time()
    time.sleep(secs)
    b, t1 = class_bytes(dev), time.time()
    ok = True
    for check in checks:
        cls, op, want = check, None, None
        for o in "=<>":
            if o in check:
                cls, want = check.split(o)
                op, want = o, float(want)
                break
        rate = (b.get(cls, 0) - a.get(cls, 0)) * 8 / (t1 - t0) / 1e6
        good = (op is None
                or (op == "=" and abs(rate - want) <= want * tol / 100)
                or (op == "<" and rate < want)
                or (op == ">" and rate > want))
        ok = ok and good
        print("%s %.1f Mbit/s%s" % (cls, rate,
                                    "" if good else " (want %s%s)" % (op, want)))
    return ok


def sample(dev, secs, output, classes):
    start = time.time()
    tick = start
    with open(output, "w") as f:
        while tick - start <= secs + 0.01:
            s = class_bytes(dev)
            f.write("%.3f,%s\n" % (time.time() - start,
                                   ",".join(str(s.get(c, 0)) for c in classes)))
            f.flush()
            tick += 1
            time.sleep(max(0, tick - time.time()))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "announce":
        announce(args[0], args[1:])
    elif cmd == "rates":
        sys.exit(0 if rates(args[0], float(args[1]), args[2:]) else 1)
    elif cmd == "sample":
        sample(args[0], float(args[1]), args[2], args[3:])
    else:
        sys.exit("unknown command %s" % cmd)


if __name__ == "__main__":
    main()
