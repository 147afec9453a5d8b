#!/usr/bin/python3
"""detect_days.py - many days of benign hospital traffic from short captures.

usage: detect_days.py [--days N] [--learn L] [--seed S] [--start YYYY-MM-DD]
                      LEARN.pcap ENFORCE.pcap BOOT.pcap KIND=FILE...

Each FILE is a short capture of one kind of normal activity (a "snippet",
made by tests/net/test_detect_quality.sh in its namespaces, converted to
pcap). The generator lays copies of them over N days (14 by default) from
START (00:00 UTC, 2024-03-04 by default), shifting every copy's timestamps
so that it begins at its scheduled time: the same as `editcap -t OFFSET`,
done here in one pass because there are thousands of copies. BOOT (the
LAN starting: DHCP, first ARP) goes first, at 00:00 on day 1. The days
1..L (7) are written to LEARN, the days L+1..N to ENFORCE, each in time
order.

Kinds and their schedules (UTC, with jitter from a seeded random
generator, so runs are repeatable):

  telemetry     every 5 min +- 1 min, all day (pump, monitor, nurse
                station: MQTT and HL7 ORU)
  dhcp          every 30 min +- 30 s, all day (lease renewals)
  bg-HOST       every 10 min +- 2 min, all day, per host (DNS)
  study         10 to 16 a day, at random times 07:00-19:00 (CT to PACS)
  clinic        12 to 20 a day, at random times 07:00-19:00 (admissions,
                C-ECHO, pings)

Prints one line: "detect_days: learn=P1 packets, enforce=P2 packets".
"""
import argparse
import datetime
import random
import struct
import sys

DAY = 86400


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        sys.exit("%s: not a pcap file" % path)
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e, nano = "<", False
    elif magic == b"\xa1\xb2\xc3\xd4":
        e, nano = ">", False
    elif magic == b"\x4d\x3c\xb2\xa1":
        e, nano = "<", True
    elif magic == b"\xa1\xb2\x3c\x4d":
        e, nano = ">", True
    else:
        sys.exit("%s: not a pcap file (convert with editcap -F pcap)" % path)
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit("%s: link type %d, want Ethernet" % (path, linktype))
    recs = []
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        usec = frac // 1000 if nano else frac
        recs.append((sec * 1000000 + usec, orig,
                     data[off + 16:off + 16 + incl]))
        off += 16 + incl
    if not recs:
        sys.exit("%s: no packets" % path)
    t0 = recs[0][0]
    # Times relative to the snippet's first packet.
    return [(t - t0, orig, pkt) for t, orig, pkt in recs]


def write_pcap(path, recs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for t, orig, pkt in recs:
            f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(pkt),
                                orig))
            f.write(pkt)


def schedule(kind, day0, rnd, phases):
    """Start times (seconds since the epoch) of kind's copies on one day."""
    if kind == "telemetry":
        return periodic(kind, day0, 300, 60, rnd, phases)
    if kind == "dhcp":
        return periodic(kind, day0, 1800, 30, rnd, phases)
    if kind.startswith("bg-"):
        return periodic(kind, day0, 600, 120, rnd, phases)
    if kind == "study":
        return daytime(day0, rnd.randint(10, 16), rnd)
    if kind == "clinic":
        return daytime(day0, rnd.randint(12, 20), rnd)
    sys.exit("detect_days: unknown kind %r" % kind)


def periodic(kind, day0, period, jitter, rnd, phases):
    # Each series has its own phase, drawn once and kept from day to day
    # (every period divides a day), so midnight is no gap in it.
    if kind not in phases:
        phases[kind] = rnd.uniform(0, period)
    out = []
    t = day0 + phases[kind]
    while t < day0 + DAY:
        out.append(t + rnd.uniform(-jitter, jitter))
        t += period
    return out


def daytime(day0, n, rnd):
    return sorted(day0 + rnd.uniform(7 * 3600, 19 * 3600) for _ in range(n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--learn", type=int, default=7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2024-03-04")
    ap.add_argument("learn_out")
    ap.add_argument("enforce_out")
    ap.add_argument("boot")
    ap.add_argument("snippets", nargs="+")
    a = ap.parse_args()
    start = int(datetime.datetime.strptime(a.start, "%Y-%m-%d").replace(
        tzinfo=datetime.timezone.utc).timestamp())
    kinds = {}
    for s in a.snippets:
        kind, _, path = s.partition("=")
        kinds[kind] = read_pcap(path)
    rnd = random.Random(a.seed)
    phases = {}
    learn, enforce = [], []
    boot = read_pcap(a.boot)
    learn += [(start * 1000000 + 1000000 + t, o, p) for t, o, p in boot]
    # Snippets start after the boot capture has ended.
    not_before = start + 1 + boot[-1][0] / 1e6 + 5
    for day in range(a.days):
        day0 = start + day * DAY
        out = learn if day < a.learn else enforce
        for kind in sorted(kinds):
            recs = kinds[kind]
            for t in schedule(kind, day0, rnd, phases):
                if t < not_before:
                    continue
                base = int(t * 1000000)
                out += [(base + dt, o, p) for dt, o, p in recs]
    learn.sort(key=lambda r: r[0])
    enforce.sort(key=lambda r: r[0])
    write_pcap(a.learn_out, learn)
    write_pcap(a.enforce_out, enforce)
    print("detect_days: learn=%d packets, enforce=%d packets"
          % (len(learn), len(enforce)))


if __name__ == "__main__":
    main()
