#! /usr/bin/env python3
# Prints in hex a XenFlow link probe (xenflow/probe-frame.h), for tests:
#
#   xenflow-probe-frame.py KIND SEQ NODE PORT [LENGTH|- [VERSION]]
#
# KIND 1 is a request, 2 a reply; the timestamp is 123.  With LENGTH the
# frame is cut to LENGTH bytes (and not padded).

import struct
import sys


def tlv(t, v):
    return struct.pack('!H', (t << 9) | len(v)) + v


def main():
    kind, seq = int(sys.argv[1]), int(sys.argv[2])
    node, port = sys.argv[3].encode(), sys.argv[4].encode()
    version = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    f = bytes.fromhex('0180c200000e025846000002') + b'\x88\xcc'
    f += tlv(1, b'\x07' + node) + tlv(2, b'\x05' + port)
    f += tlv(3, struct.pack('!H', 6))
    f += tlv(127, bytes.fromhex('02584601') + bytes([version, kind])
             + struct.pack('!IQ', seq, 123))
    f += tlv(0, b'')
    if len(sys.argv) > 5 and sys.argv[5] != '-':
        f = f[:int(sys.argv[5])]
    else:
        f = f.ljust(60, b'\0')
    print(f.hex())


if __name__ == '__main__':
    main()
