#! /usr/bin/env python3
# udp-flood.py -- 64-byte UDP frames to many destinations, as fast as one
# raw socket sends them (benchmarks/forwarding-fulltable.sh).
#
# Usage: udp-flood.py IFACE SRC-MAC DST-MAC SRC-IP DESTS SECONDS
#
# Builds one Ethernet/IPv4/UDP frame (TTL 64, valid checksum, ports 1024 ->
# 9) per destination address (the first word of each line of the file
# DESTS), then sends them round-robin on IFACE through an AF_PACKET socket
# for SECONDS seconds.  Prints the number of frames sent.  Needs
# CAP_NET_RAW (root).
import socket
import struct
import sys
import time


def checksum(header):
    s = sum(struct.unpack('!10H', header))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def frame(src_mac, dst_mac, src_ip, dst_ip):
    payload = b'\0' * 18                # 14 + 20 + 8 + 18 = 60 bytes.
    udp = struct.pack('!HHHH', 1024, 9, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                     0, src_ip, dst_ip)
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    return dst_mac + src_mac + b'\x08\x00' + ip + udp


def main():
    iface, src_mac, dst_mac, src_ip, dests, seconds = sys.argv[1:7]
    mac = lambda m: bytes.fromhex(m.replace(':', ''))
    with open(dests) as f:
        frames = [frame(mac(src_mac), mac(dst_mac), socket.inet_aton(src_ip),
                        socket.inet_aton(line.split()[0]))
                  for line in f if line.strip()]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    send = s.send
    sent = 0
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        for f in frames:
            try:
                send(f)
                sent += 1
            except OSError:             # ENOBUFS: the device is busy.
                pass
    print(sent)


if __name__ == '__main__':
    main()
