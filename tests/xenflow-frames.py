#! /usr/bin/env python3
# xenflow-frames.py -- builds and reads the frames of XenFlow's trunk
# encapsulations (802.1q, 802.1ad, mpls) for the tests, without scapy.
#
#   xenflow-frames.py hex DST SRC [TAG]... [PAYLOAD]
#       prints one frame in hex (for netdev-dummy/receive); TAG is
#       q:VID (0x8100), ad:VID (0x88a8), mpls:LABEL (bottom of stack if it
#       is the last label), eth:DST:SRC (an inner Ethernet header, after
#       MPLS labels); PAYLOAD is udp:SRCIP:DSTIP (the default,
#       10.1.0.3 -> 10.1.0.255) or arp:SRCIP (a gratuitous reply)
#   xenflow-frames.py send IFACE DST SRC [TAG]... [PAYLOAD]
#       sends it on IFACE (a raw socket: run inside the namespace)
#   xenflow-frames.py pcap FILE
#       prints one line per frame: its headers, outermost first
import socket
import struct
import sys


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def fmt_mac(b):
    return ":".join("%02x" % x for x in b)


def ipv4_udp(src, dst):
    udp = struct.pack("!HHHH", 7, 8, 8 + 4, 0) + b"xf!\n"
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                      0, socket.inet_aton(src), socket.inet_aton(dst))
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xffff) + (s >> 16)
    csum = ~((s & 0xffff) + (s >> 16)) & 0xffff
    return 0x0800, hdr[:10] + struct.pack("!H", csum) + hdr[12:] + udp


def arp_reply(ip, src):
    a = socket.inet_aton(ip)
    return 0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2,
                               mac(src), a, mac(src), a)


def build(args):
    dst, src, rest = args[0], args[1], args[2:]
    payload = ipv4_udp("10.1.0.3", "10.1.0.255")
    if rest and rest[-1].startswith(("udp:", "arp:")):
        kind, *a = rest.pop().split(":")
        payload = ipv4_udp(*a) if kind == "udp" else arp_reply(a[0], src)
    etype, body = payload
    # Build from the inside out.
    layers = []
    for t in rest:
        kind, _, v = t.partition(":")
        layers.append((kind, v))
    n_mpls_after = 0
    for kind, v in reversed(layers):
        if kind in ("q", "ad"):
            body = struct.pack("!HH", int(v), etype) + body
            etype = 0x8100 if kind == "q" else 0x88a8
        elif kind == "mpls":
            bos = 1 if n_mpls_after == 0 else 0
            n_mpls_after += 1
            body = struct.pack("!I", (int(v) << 12) | (bos << 8) | 64) + body
            etype = 0x8847
        elif kind == "eth":
            d, s = v[:17], v[18:]
            body = mac(d) + mac(s) + struct.pack("!H", etype) + body
            etype = None
            n_mpls_after = 0
    if etype is None:
        raise SystemExit("an eth: header must be inside MPLS labels")
    frame = mac(dst) + mac(src) + struct.pack("!H", etype) + body
    return frame + b"\0" * max(0, 60 - len(frame))


def describe(f):
    out = ["%s>%s" % (fmt_mac(f[6:12]), fmt_mac(f[0:6]))]
    etype, p = struct.unpack("!H", f[12:14])[0], 14
    while True:
        if etype in (0x8100, 0x88a8):
            kind = "q" if etype == 0x8100 else "ad"
            tci, etype = struct.unpack("!HH", f[p:p + 4])
            out.append("%s:%d" % (kind, tci & 0xfff))
            p += 4
        elif etype in (0x8847, 0x8848):
            lse = struct.unpack("!I", f[p:p + 4])[0]
            out.append("mpls:%d" % (lse >> 12))
            p += 4
            if lse & 0x100:
                out.append("eth:" + fmt_mac(f[p + 6:p + 12]) + ">"
                           + fmt_mac(f[p:p + 6]))
                etype = struct.unpack("!H", f[p + 12:p + 14])[0]
                p += 14
        else:
            break
    if etype == 0x0800:
        out.append("ip:%s>%s" % (socket.inet_ntoa(f[p + 12:p + 16]),
                                 socket.inet_ntoa(f[p + 16:p + 20])))
    elif etype == 0x0806:
        out.append("arp")
    else:
        out.append("type:%04x" % etype)
    return " ".join(out)


def pcap(path):
    data = open(path, "rb").read()
    p = 24
    while p + 16 <= len(data):
        incl = struct.unpack("<I", data[p + 8:p + 12])[0]
        print(describe(data[p + 16:p + 16 + incl]))
        p += 16 + incl


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "hex":
        print(build(args).hex())
    elif cmd == "send":
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((args[0], 0))
        s.send(build(args[1:]))
    elif cmd == "pcap":
        pcap(args[0])
    else:
        raise SystemExit("usage: see the comment at the top")


main()
