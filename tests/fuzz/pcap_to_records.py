#!/usr/bin/python3
"""Turns a classic pcap file into seed inputs for fuzz_sensor.

fuzz_sensor reads records [linktype selector: 1][length: 2, big endian]
[frame]. Each output file holds up to --per-seed consecutive frames of the
capture, so seeds carry whole conversations (DHCP exchanges, TCP streams).
Convert pcapng first: tshark -r in.pcapng -F pcap -w in.pcap
"""
import argparse
import os
import struct
import sys

# Index of the link type in fuzz_sensor.c's linktypes[] table.
SELECTOR = {1: 0, 101: 1, 12: 1, 14: 1, 0: 2, 108: 3, 113: 4, 276: 5,
            228: 6, 229: 7}


def frames(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            sys.exit(f"{path}: too short for a pcap header")
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xa1b2c3d4, 0xa1b23c4d):
            endian = "<"
        elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
            endian = ">"
        else:
            sys.exit(f"{path}: not a classic pcap file (convert pcapng "
                     "with tshark -F pcap)")
        linktype = struct.unpack(endian + "I", head[20:24])[0] & 0xffff
        if linktype not in SELECTOR:
            sys.exit(f"{path}: link type {linktype} has no selector")
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, caplen, _ = struct.unpack(endian + "IIII", rec)
            data = f.read(caplen)
            if len(data) < caplen:
                return
            yield SELECTOR[linktype], data[:65535]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("pcap")
    ap.add_argument("outdir")
    ap.add_argument("--per-seed", type=int, default=32)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    base = os.path.splitext(os.path.basename(args.pcap))[0]
    batch, n = [], 0
    for sel, data in frames(args.pcap):
        batch.append(bytes([sel]) + struct.pack(">H", len(data)) + data)
        if len(batch) == args.per_seed:
            with open(os.path.join(args.outdir, f"{base}-{n:04d}"), "wb") as o:
                o.write(b"".join(batch))
            batch, n = [], n + 1
    if batch:
        with open(os.path.join(args.outdir, f"{base}-{n:04d}"), "wb") as o:
            o.write(b"".join(batch))


if __name__ == "__main__":
    main()
