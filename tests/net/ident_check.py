#!/usr/bin/env python3
"""Checks the identities `ward analyze --json` gave the hosts of
tests/net/test_ident_peers.sh against what each host is, prints a
per-type accuracy table, and fails on any difference.

Usage: ident_check.py WARD.JSON HOSTS.TXT
HOSTS.TXT: name|mac|address|what, one host a line (the test's table).

For each host: its type and vendor must be what the table below says
(None: ward must leave it unknown), and its model and version too where
the table gives them (ANY: not checked, the traffic does not show them).
"""
import json
import sys

ANY = object()

# name: (type, vendor, model, version)
EXPECTED = {
    "infra": (None, None, ANY, ANY),
    "ct": ("ct", "GE HealthCare", "Revolution CT", "revo_ct_22mw.46"),
    "mr": ("mri", "Siemens Healthineers", "MAGNETOM Vida", "syngo MR XA50"),
    "pacs": ("pacs", None, None, None),
    "wl": ("worklist_server", None, None, None),
    "gateway": ("central_station", "Philips", "Patient Information Center iX",
                ANY),
    "his": ("his_server", "Epic Systems", ANY, ANY),
    "engine": ("hl7_engine", "NextGen Healthcare", "Mirth Connect", ANY),
    "broker": (None, None, ANY, ANY),
    "pump": ("infusion_pump", "Baxter", "Novum IQ", ANY),
    "glucose": ("glucose_meter", "Roche", "Accu-Chek Inform II", ANY),
    "printer": ("printer", "HP", ANY, ANY),
    "files": (None, None, ANY, ANY),
    "winws": ("workstation_windows", None, ANY, ANY),
    "linws": ("workstation_linux", None, ANY, ANY),
    "monitor": ("patient_monitor", "Philips", ANY, ANY),
    "mmon": ("patient_monitor", "Mindray", ANY, ANY),
    "pda": ("handheld", "Zebra Technologies", ANY, ANY),
    "phone": ("handheld", "Spectralink", ANY, ANY),
    "vent": ("ventilator", "Hamilton Medical", ANY, ANY),
    "badge": ("wearable", "Vocera", ANY, ANY),
}
DIMS = ("type", "vendor", "model", "version")


def main():
    doc = json.load(open(sys.argv[1]))
    hosts = [line.rstrip("\n").split("|")
             for line in open(sys.argv[2]) if line.strip()]
    by_mac = {a.get("mac"): a for a in doc["assets"]}
    fail = []
    rows = []  # (expected type, outcome of the type, outcome of the vendor)
    for name, mac, _addr, what in hosts:
        want = EXPECTED[name]
        a = by_mac.get(mac)
        if a is None:
            fail.append("%s (%s): no asset with MAC %s" % (name, what, mac))
            rows.append((want[0], "missed", "missed"))
            continue
        ident = a.get("identity", {})
        got = [ident.get(d, {}).get("value") for d in DIMS]
        conf = [ident.get(d, {}).get("confidence", 0.0) for d in DIMS]
        outcome = []
        for i, d in enumerate(DIMS):
            w, g = want[i], got[i]
            if w is ANY:
                continue
            if g == w:
                res = "right"
            elif g is None:
                res = "unknown"
            else:
                res = "wrong"
            if i < 2:
                outcome.append(res)
            if res != "right":
                fail.append("%s (%s): %s is %r (%.2f), want %r; evidence: %s"
                            % (name, what, d, g, conf[i], w,
                               ", ".join("%s=%s" % (e["rule"], e["weight"])
                                         for e in ident.get("evidence", []))))
        rows.append((want[0],) + tuple(outcome))
        print("%-8s %-20s %-22s %-24s %-30s %s" % (
            name, got[0] or "-", got[1] or "-", got[2] or "-",
            got[3] or "-", "" if outcome == ["right", "right"] else "<- "
            + "/".join(outcome)))

    # An asset the table does not name (none should be seen) must not be
    # given a type either.
    macs = {h[1] for h in hosts}
    for a in doc["assets"]:
        t = a.get("identity", {}).get("type", {}).get("value")
        if a.get("mac") not in macs and t is not None:
            fail.append("asset %s (not in the table) typed %r"
                        % (a.get("key"), t))

    # Per type: how many hosts, how many typed right, left unknown, named
    # wrongly; and the same for their vendors.
    print()
    print("| device type | hosts | type right | type unknown | type wrong "
          "| vendor right |")
    print("|---|---|---|---|---|---|")
    types = []
    for r in rows:
        if r[0] not in types:
            types.append(r[0])
    tot = [0, 0, 0, 0, 0]
    for t in types:
        rs = [r for r in rows if r[0] == t]
        n = len(rs)
        right = sum(1 for r in rs if r[1] == "right")
        unk = sum(1 for r in rs if r[1] in ("unknown", "missed"))
        wrong = sum(1 for r in rs if r[1] == "wrong")
        vright = sum(1 for r in rs if r[2] == "right")
        for i, v in enumerate((n, right, unk, wrong, vright)):
            tot[i] += v
        label = t if t is not None else "(none: stays unknown)"
        print("| %s | %d | %d | %d | %d | %d |" % (label, n, right, unk,
                                                 wrong, vright))
    print("| **all** | %d | %d | %d | %d | %d |" % tuple(tot))
    for f in fail:
        print("test_ident_peers: " + f, file=sys.stderr)
    if fail:
        sys.exit(1)
    print("test_ident_peers: %d hosts, every type and vendor as expected"
          % len(rows))


if __name__ == "__main__":
    main()
