#!/usr/bin/env python3
"""check_tls_ssh.py EVE CAPTURE TLS_FINGERPRINT_PY

Compares ward's tls and ssh events (EVE JSON lines) with tshark's reading
of the same capture, field by field, keyed by the client's address and
port. JA4 is not in tshark 4.0: it is computed from tshark's fields by
tests/tools/tls_fingerprint.py. Differences that are expected are handled
where they arise, each with a comment. Exits 1 listing every mismatch.
"""
import importlib.util
import json
import subprocess
import sys

eve_path, cap, fp_path = sys.argv[1:4]
spec = importlib.util.spec_from_file_location("tls_fingerprint", fp_path)
tfp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tfp)

errors = []


def err(msg):
    errors.append(msg)


def tshark(filt, fields):
    # Decode-as: tshark leaves 8443 and 2762 to HTTP and DICOM otherwise.
    cmd = ["tshark", "-r", cap, "-n", "-d", "tcp.port==8443,tls",
           "-d", "tcp.port==2762,tls", "-Y", filt, "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    rows = []
    for line in out.stdout.splitlines():
        v = line.split("\t")
        v += [""] * (len(fields) - len(v))
        rows.append(dict(zip(fields, v)))
    return rows


events = [json.loads(line) for line in open(eve_path) if line.strip()]


def client_key(e):
    # EVE's src is the flow's initiator: the client, whoever sent it.
    return (e["src_ip"], e["src_port"])


ward = {"client_hello": {}, "server_hello": {}, "certificate": {},
        "banner": {}, "kexinit": {}}
for e in events:
    if e["event_type"] == "malformed" and e["malformed"]["proto"] in ("tls", "ssh"):
        err("ward reported a malformation: %s" % e["malformed"])
    if e["event_type"] not in ("tls", "ssh"):
        continue
    body = e[e["event_type"]]
    k = client_key(e)
    if body["msg"] in ("banner", "kexinit"):
        k = k + (body["role"],)
    ward[body["msg"]].setdefault(k, []).append(body)


def one(kind, k):
    v = ward[kind].get(k, [])
    if len(v) != 1:
        err("%s %s: ward has %d, want 1" % (kind, k, len(v)))
        return None
    return v[0]


def same(what, got, want):
    if got != want:
        err("%s: ward %r, tshark %r" % (what, got, want))


# ClientHello -------------------------------------------------------------
ch = tshark("tls.handshake.type == 1",
            ["ip.src", "tcp.srcport", "tls.handshake.extensions_server_name",
             "tls.handshake.ja3", "tls.handshake.ja3_full"] +
            tfp.TSHARK_FIELDS)
if len(ch) != 3 or len(ward["client_hello"]) != 3:
    err("ClientHellos: tshark %d, ward %d, want 3" %
        (len(ch), len(ward["client_hello"])))
for r in ch:
    k = (r["ip.src"], int(r["tcp.srcport"]))
    w = one("client_hello", k)
    if w is None:
        continue
    same("%s sni" % (k,), w.get("sni", ""),
         r["tls.handshake.extensions_server_name"])
    same("%s ja3" % (k,), w.get("ja3"), r["tls.handshake.ja3"])
    same("%s ja3_string" % (k,), w.get("ja3_string"),
         r["tls.handshake.ja3_full"])
    same("%s alpn" % (k,), w.get("alpn", ""),
         r["tls.handshake.extensions_alpn_str"])
    same("%s ja4" % (k,), w.get("ja4"), tfp.ja4(tfp.from_tshark("\t".join(
        r[f] for f in tfp.TSHARK_FIELDS)))[0])
    same("%s version" % (k,), w.get("version"),
         int(r["tls.handshake.version"].split(",")[0], 0))

# ServerHello (the frame may hold more handshake messages: the first
# version and cipher are the ServerHello's).
sh = tshark("tls.handshake.type == 2",
            ["ip.dst", "tcp.dstport", "tls.handshake.ja3s",
             "tls.handshake.ja3s_full", "tls.handshake.ciphersuite",
             "tls.handshake.extensions.supported_version",
             "tls.handshake.extensions_alpn_str"])
if len(sh) != 3:
    err("ServerHellos: tshark %d, want 3" % len(sh))
for r in sh:
    k = (r["ip.dst"], int(r["tcp.dstport"]))
    w = one("server_hello", k)
    if w is None:
        continue
    same("%s ja3s" % (k,), w.get("ja3s"), r["tls.handshake.ja3s"])
    same("%s ja3s_string" % (k,), w.get("ja3s_string"),
         r["tls.handshake.ja3s_full"])
    same("%s cipher" % (k,), w.get("cipher"),
         int(r["tls.handshake.ciphersuite"].split(",")[0], 0))
    sv = r["tls.handshake.extensions.supported_version"]
    same("%s selected_version" % (k,), w.get("selected_version"),
         int(sv, 0) if sv else None)
    same("%s alpn" % (k,), w.get("alpn", ""),
         r["tls.handshake.extensions_alpn_str"])

# Certificates (TLS 1.2 only: 1.3 sends them encrypted, neither reads them).
ce = tshark("tls.handshake.type == 11",
            ["ip.dst", "tcp.dstport", "x509af.serialNumber",
             "x509ce.dNSName", "x509sat.uTF8String",
             "x509sat.printableString"])
ncert = sum(len(v) for v in ward["certificate"].values())
if ncert != 3:
    err("certificates: ward %d, want 3 (chain of 2 on 443, 1 on 2762)" % ncert)
for r in ce:
    k = (r["ip.dst"], int(r["tcp.dstport"]))
    ws = ward["certificate"].get(k, [])
    serials = [s for s in r["x509af.serialNumber"].split(",") if s]
    same("%s certificate count" % (k,), len(ws), len(serials))
    # tshark prints the DER INTEGER's bytes (a leading 00 when the high bit
    # is set, maybe colons); ward prints the number: compare numbers.
    same("%s serials" % (k,), [int(w["serial"], 16) for w in ws],
         [int(s.replace(":", ""), 16) for s in serials])
    # tshark aggregates the SAN names of every certificate of the frame.
    same("%s san_dns" % (k,),
         sorted(n for w in ws for n in w.get("san_dns", "").split(",") if n),
         sorted(n for n in r["x509ce.dNSName"].split(",") if n))
    # tshark gives the attribute values, not the RFC 2253 string: every
    # value in ward's subject and issuer must be among them.
    vals = set(r["x509sat.uTF8String"].split(",")) | \
        set(r["x509sat.printableString"].split(","))
    for w in ws:
        for dn in (w["subject"], w["issuer"]):
            for rdn in dn.split(","):
                v = rdn.split("=", 1)[1]
                if v not in vals:
                    err("%s: %r not in tshark's names %r" % (k, v, vals))
for k, ws in ward["certificate"].items():
    for w in ws:
        selfsig = w["subject"] == w["issuer"]
        same("%s %s self_signed" % (k, w["subject"]), w["self_signed"], selfsig)
        if not w.get("not_before") or not w.get("not_after"):
            err("%s: validity missing" % (k,))

# SSH ---------------------------------------------------------------------
bn = tshark("ssh.protocol", ["ip.src", "tcp.srcport", "ip.dst",
                             "tcp.dstport", "ssh.protocol"])
if len(bn) != 2:
    err("SSH banners: tshark %d, want 2" % len(bn))
for r in bn:
    client = int(r["tcp.dstport"]) == 22
    k = (r["ip.src"], int(r["tcp.srcport"])) if client else \
        (r["ip.dst"], int(r["tcp.dstport"]))
    w = one("banner", k + ("client" if client else "server",))
    if w is not None:
        same("%s banner" % (k,), w["banner"], r["ssh.protocol"])
kx = tshark("ssh.kex.hassh || ssh.kex.hasshserver",
            ["ip.src", "tcp.srcport", "ip.dst", "tcp.dstport",
             "ssh.kex.hassh", "ssh.kex.hasshserver", "ssh.kex_algorithms",
             "ssh.server_host_key_algorithms",
             "ssh.encryption_algorithms_client_to_server",
             "ssh.encryption_algorithms_server_to_client",
             "ssh.mac_algorithms_client_to_server",
             "ssh.mac_algorithms_server_to_client",
             "ssh.compression_algorithms_client_to_server",
             "ssh.compression_algorithms_server_to_client"])
if len(kx) != 2:
    err("KEXINITs: tshark %d, want 2" % len(kx))
# tshark's multi-valued fields are joined with ',' like the lists are:
# the aggregation and the name-list separator coincide, so they compare.
pairs = [("kex", "ssh.kex_algorithms"),
         ("host_key", "ssh.server_host_key_algorithms"),
         ("enc_c2s", "ssh.encryption_algorithms_client_to_server"),
         ("enc_s2c", "ssh.encryption_algorithms_server_to_client"),
         ("mac_c2s", "ssh.mac_algorithms_client_to_server"),
         ("mac_s2c", "ssh.mac_algorithms_server_to_client"),
         ("cmp_c2s", "ssh.compression_algorithms_client_to_server"),
         ("cmp_s2c", "ssh.compression_algorithms_server_to_client")]
for r in kx:
    client = int(r["tcp.dstport"]) == 22
    k = (r["ip.src"], int(r["tcp.srcport"])) if client else \
        (r["ip.dst"], int(r["tcp.dstport"]))
    w = one("kexinit", k + ("client" if client else "server",))
    if w is None:
        continue
    if client:
        same("%s hassh" % (k,), w.get("hassh"), r["ssh.kex.hassh"])
    else:
        same("%s hassh_server" % (k,), w.get("hassh_server"),
             r["ssh.kex.hasshserver"])
    for a, b in pairs:
        same("%s %s" % (k, a), w.get(a, ""), r[b])

for e in errors:
    print("check_tls_ssh: " + e)
if errors:
    sys.exit(1)
print("check_tls_ssh: %d ClientHellos, %d ServerHellos, %d certificates, "
      "%d SSH banners, %d KEXINITs agree with tshark" %
      (len(ch), len(sh), ncert, len(bn), len(kx)))
