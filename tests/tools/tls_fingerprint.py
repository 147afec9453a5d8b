#!/usr/bin/env python3
"""tls_fingerprint.py - a reference JA3 / JA4 implementation for the tests.

Written apart from src/proto/tls.c (Python, its own parser) so that the two
can check each other. JA3 follows Salesforce's definition, JA4 FoxIO's
technical_details/JA4.md.

  tls_fingerprint.py hello HEX
      HEX is a TLS record (or several) starting with a ClientHello; prints
      ja3_string, ja3, ja4, ja4_r, one "key value" line each.
  tls_fingerprint.py tshark
      reads lines from `tshark -T fields -E separator=/t -E aggregator=,`
      with the fields in TSHARK_FIELDS order (one ClientHello per line) and
      prints the JA4 of each.
"""
import hashlib
import struct
import sys

TSHARK_FIELDS = [
    "tls.handshake.version",
    "tls.handshake.ciphersuite",
    "tls.handshake.extension.type",
    "tls.handshake.sig_hash_alg",
    "tls.handshake.extensions.supported_version",
    "tls.handshake.extensions_alpn_str",
]


def grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def parse_hello(data):
    """A ClientHello from records (type 22); returns a dict of lists."""
    hs = b""
    while len(data) >= 5:
        ctype, _, n = struct.unpack(">BHH", data[:5])
        if ctype == 22:
            hs += data[5 : 5 + n]
        data = data[5 + n :]
    assert hs[0] == 1, "not a ClientHello"
    n = int.from_bytes(hs[1:4], "big")
    b = hs[4 : 4 + n]
    h = {"version": struct.unpack(">H", b[:2])[0], "exts": [], "groups": [],
         "pf": [], "sigalgs": [], "versions": [], "alpn": [], "sni": False}
    p = 2 + 32
    p += 1 + b[p]
    n = struct.unpack(">H", b[p : p + 2])[0]
    h["ciphers"] = list(struct.unpack(">%dH" % (n // 2), b[p + 2 : p + 2 + n]))
    p += 2 + n
    p += 1 + b[p]
    if p == len(b):
        return h
    end = p + 2 + struct.unpack(">H", b[p : p + 2])[0]
    p += 2
    while p < end:
        t, n = struct.unpack(">HH", b[p : p + 4])
        d = b[p + 4 : p + 4 + n]
        p += 4 + n
        h["exts"].append(t)
        if t == 0:
            h["sni"] = True
        elif t == 10:
            h["groups"] = list(struct.unpack(">%dH" % ((len(d) - 2) // 2), d[2:]))
        elif t == 11:
            h["pf"] = list(d[1 : 1 + d[0]])
        elif t == 13:
            h["sigalgs"] = list(struct.unpack(">%dH" % ((len(d) - 2) // 2), d[2:]))
        elif t == 43:
            h["versions"] = list(struct.unpack(">%dH" % (d[0] // 2), d[1 : 1 + d[0]]))
        elif t == 16:
            q = 2
            while q < len(d):
                h["alpn"].append(d[q + 1 : q + 1 + d[q]])
                q += 1 + d[q]
    return h


def ja3(h):
    def j(xs):
        return "-".join(str(x) for x in xs if not grease(x))
    s = "%d,%s,%s,%s,%s" % (h["version"], j(h["ciphers"]), j(h["exts"]),
                            j(h["groups"]), "-".join(str(x) for x in h["pf"]))
    return s, hashlib.md5(s.encode()).hexdigest()


VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10",
            0x0300: "s3", 0x0002: "s2", 0xFEFF: "d1", 0xFEFD: "d2",
            0xFEFC: "d3"}


def ja4(h):
    vs = [v for v in h["versions"] if not grease(v)]
    ver = max(vs) if vs else h["version"]
    ciphers = sorted(c for c in h["ciphers"] if not grease(c))
    exts = [e for e in h["exts"] if not grease(e)]
    alpn = "00"
    if h["alpn"] and len(h["alpn"][0]) > 0:
        a = h["alpn"][0]
        f, l = chr(a[0]), chr(a[-1])
        if f.isascii() and f.isalnum() and l.isascii() and l.isalnum():
            alpn = f + l
        else:
            alpn = "%x%x" % (a[0] >> 4, a[-1] & 15)
    part_a = "t%s%s%02d%02d%s" % (VERSIONS.get(ver, "00"),
                                  "d" if h["sni"] else "i",
                                  min(len(ciphers), 99), min(len(exts), 99),
                                  alpn)
    b = ",".join("%04x" % c for c in ciphers)
    c = ",".join("%04x" % e for e in sorted(exts) if e not in (0, 16))
    sig = [s for s in h["sigalgs"] if not grease(s)]
    if sig:
        c += "_" + ",".join("%04x" % s for s in sig)

    def sha(s, empty):
        return "000000000000" if empty else hashlib.sha256(s.encode()).hexdigest()[:12]
    fp = "%s_%s_%s" % (part_a, sha(b, not ciphers),
                       sha(c, not [e for e in exts if e not in (0, 16)]))
    return fp, "%s_%s_%s" % (part_a, b, c)


def from_tshark(line):
    f = line.rstrip("\n").split("\t")
    f += [""] * (len(TSHARK_FIELDS) - len(f))

    def nums(s):
        return [int(x, 0) for x in s.split(",") if x]
    h = {"version": int(f[0].split(",")[0], 0), "ciphers": nums(f[1]),
         "exts": nums(f[2]), "sigalgs": nums(f[3]),
         "versions": nums(f[4]),
         "alpn": [x.encode() for x in f[5].split(",")] if f[5] else []}
    h["sni"] = 0 in h["exts"]
    return h


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "hello":
        h = parse_hello(bytes.fromhex(sys.argv[2]))
        s, m = ja3(h)
        fp, raw = ja4(h)
        print("ja3_string", s)
        print("ja3", m)
        print("ja4", fp)
        print("ja4_r", raw)
    elif len(sys.argv) == 2 and sys.argv[1] == "tshark":
        for line in sys.stdin:
            if line.strip():
                print(ja4(from_tshark(line))[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
