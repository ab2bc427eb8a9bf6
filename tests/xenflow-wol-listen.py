#!/usr/bin/env python3
# Copyright (c) 2026 The XenFlow authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""A node's network card, as far as Wake-on-LAN goes.

Usage: xenflow-wol-listen.py ADDR PORTFILE LOG

Listens on UDP ADDR, port chosen by the kernel and written to PORTFILE
(whole, once bound), and appends one line to LOG per datagram received:
"magic packet for MAC" for a Wake-on-LAN magic packet (6 x 0xff, then 16
times the same MAC), else "not a magic packet: HEX"."""

import os
import socket
import sys


def describe(data):
    mac = data[6:12]
    if (len(data) == 102 and data[:6] == b"\xff" * 6
            and data[6:] == mac * 16):
        return "magic packet for %s" % ":".join("%02x" % b for b in mac)
    return "not a magic packet: %s" % data.hex()


def main():
    addr, portfile, log = sys.argv[1:]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 0))
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        data, _ = s.recvfrom(2048)
        with open(log, "a") as f:
            f.write(describe(data) + "\n")


if __name__ == "__main__":
    main()
