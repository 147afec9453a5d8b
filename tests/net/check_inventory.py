#!/usr/bin/python3
"""check_inventory.py TRUTH.json WARD.json CAPTURE.pcapng

Compares `ward analyze --json` output with the truth file written by
tests/net/scenario_lan.sh (hosts, MACs, IPs, vendors, host names with their
sources, DHCP fingerprints, services, peers), checks that the per-peer
counters of two hosts agree (A's packets_out to B is B's packets_in from A),
and compares ward's DHCP fingerprints with tshark's dissection of the same
capture.  Prints one line per mismatch:

    MISMATCH <host> <field>: want <expected>, got <actual>

and a closing "N passed, M failed" line; exits 1 when anything differs.
-v prints the checks that passed too.

Where ward and tshark differ on purpose (and how this script bridges it):
  * tshark reports every DHCP packet, server replies included; ward keeps one
    fingerprint per distinct client (params, vendor class, hostname, client
    id) with a count.  Here tshark's client messages (BOOTREQUEST, bootp op 1)
    are grouped the same way and the counts compared.
  * tshark prints option 55 as a list of numbers (dhcp.option.request_list_item,
    aggregated with ","); ward's "params" is the same list as "1,3,6", in wire
    order, duplicates kept.
  * tshark splits option 61 into typed subfields (type, MAC, or IAID + DUID)
    and has no field for the raw value; ward gives the raw bytes in hex, type
    byte included.  The raw bytes are taken from tshark's JSON "_raw" data of
    the option (type, length, value) and the first two bytes dropped.
  * Options 12 and 60 are strings to both; tshark stops at the first NUL
    (FT_STRINGZ).  A client that pads with NULs would differ; none here does.
  * Host names: ward may keep the FQDN it saw (pacs-01.hospital.lan) as the
    preferred name where the truth has the short name; the preferred name is
    compared on its first label, case-insensitively.  NetBIOS names are
    compared case-insensitively (NBNS names are upper case on the wire).
"""

import json
import subprocess
import sys

verbose = False
passed = 0
failed = 0


def ok(host, field, detail=""):
    global passed
    passed += 1
    if verbose:
        print(f"ok       {host} {field}{': ' + detail if detail else ''}")


def bad(host, field, want, got):
    global failed
    failed += 1
    print(f"MISMATCH {host} {field}: want {want}, got {got}")


def check(host, field, want, got):
    if want == got:
        ok(host, field, repr(got))
    else:
        bad(host, field, repr(want), repr(got))


def norm(name):
    return (name or "").rstrip(".").lower()


def name_matches(want, source, got_name, got_source):
    if source != got_source:
        return False
    w, g = norm(want), norm(got_name)
    if source == "mdns":
        # "host.local" or "host": both name the same mDNS host.
        return w.removesuffix(".local") == g.removesuffix(".local")
    if source == "nbns":
        return w == g.rstrip()
    return w == g


def svc_key(s):
    return (s["proto"], int(s["port"]))


def tshark_dhcp(cap):
    """Client DHCP messages per source MAC, as tshark dissects them:
    {mac: {(params, vendor_class, hostname, client_id): count}}."""
    filt = "dhcp.type == 1"
    fields = ["eth.src", "dhcp.option.hostname", "dhcp.option.vendor_class_id",
              "dhcp.option.request_list_item"]
    cmd = ["tshark", "-n", "-r", cap, "-Y", filt, "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    rows = subprocess.run(cmd, capture_output=True, text=True,
                          check=True).stdout.splitlines()
    js = subprocess.run(["tshark", "-n", "-r", cap, "-Y", filt, "-T", "json",
                         "-x", "--no-duplicate-keys", "-j", "dhcp"],
                        capture_output=True, text=True, check=True).stdout
    cids = []
    for pkt in json.loads(js or "[]"):
        opts = pkt["_source"]["layers"]["dhcp"].get("dhcp.option.type_raw", [])
        if opts and not isinstance(opts[0], list):
            opts = [opts]
        cid = None
        for o in opts:
            if o[0][:2].lower() == "3d":
                cid = o[0][4:].lower()
        cids.append(cid)
    if len(rows) != len(cids):
        sys.exit("check_inventory: tshark fields and json disagree")
    out = {}
    for row, cid in zip(rows, cids):
        cols = row.split("\t") + [""] * 4
        mac, hn, vc, prl = cols[:4]
        key = (prl or None, vc or None, hn or None, cid)
        d = out.setdefault(mac.lower(), {})
        d[key] = d.get(key, 0) + 1
    return out


def tshark_totals(cap):
    res = subprocess.run(["tshark", "-n", "-r", cap, "-T", "fields",
                          "-e", "frame.len"],
                         capture_output=True, text=True, check=True)
    lens = [int(x) for x in res.stdout.split()]
    return len(lens), sum(lens)


def main():
    global verbose
    args = sys.argv[1:]
    if args and args[0] == "-v":
        verbose = True
        args = args[1:]
    if len(args) != 3:
        sys.exit("usage: check_inventory.py [-v] TRUTH.json WARD.json CAPTURE")
    truth = json.load(open(args[0]))
    ward = json.load(open(args[1]))
    cap = args[2]

    # --- summary -------------------------------------------------------
    s = ward.get("summary", {})
    npk, nby = tshark_totals(cap)
    check("summary", "packets (tshark)", npk, s.get("packets"))
    check("summary", "bytes (tshark)", nby, s.get("bytes"))
    check("summary", "errors", [], s.get("errors"))
    # Real programs on a clean LAN: nothing should count as malformed.
    check("summary", "malformed", {}, s.get("malformed"))

    assets = ward.get("assets", [])
    by_mac = {}
    for a in assets:
        if a.get("mac"):
            by_mac.setdefault(a["mac"].lower(), []).append(a)
    by_name = {h["name"]: h for h in truth["hosts"]}
    ip_owner = {}
    for h in truth["hosts"]:
        for ip in h["ipv4"] + h["ipv6"]:
            ip_owner[ip] = h["name"]

    # --- assets that ward found but the LAN does not have --------------
    truth_macs = {h["mac"].lower() for h in truth["hosts"]}
    for a in assets:
        m = (a.get("mac") or "").lower()
        if m not in truth_macs:
            bad(a.get("key"), "asset", "no such asset (not a host of the LAN)",
                json.dumps({k: a.get(k) for k in ("key", "mac", "ips")}))
    check("summary", "asset count", len(truth["hosts"]), len(assets))

    # --- per host -------------------------------------------------------
    for h in truth["hosts"]:
        n = h["name"]
        found = by_mac.get(h["mac"].lower(), [])
        if len(found) != 1:
            bad(n, "asset", f"one asset with mac {h['mac']}",
                f"{len(found)} assets")
            if not found:
                continue
        a = found[0]
        check(n, "key", h["mac"].lower(), (a.get("key") or "").lower())
        check(n, "vendor", h["vendor"], a.get("vendor"))

        # IP addresses: every one the host used, nothing else.
        got_ips = {i["ip"]: i for i in a.get("ips", [])}
        for ip in h["ipv4"] + h["ipv6"]:
            if ip not in got_ips:
                bad(n, f"ip {ip}", "present", "absent")
                continue
            ok(n, f"ip {ip}", ",".join(got_ips[ip].get("sources", [])))
            if h["dhcp"] and ip in h["ipv4"]:
                src = got_ips[ip].get("sources", [])
                if "dhcp" in src:
                    ok(n, f"ip {ip} source dhcp")
                else:
                    bad(n, f"ip {ip} sources", "to include dhcp", src)
        for ip in got_ips:
            if ip not in h["ipv4"] + h["ipv6"]:
                owner = ip_owner.get(ip, "nobody")
                bad(n, f"ip {ip}", f"absent (address of {owner})", "present")

        # The model the device announced (mDNS TXT), when the truth has one.
        if "model" in h:
            check(n, "model", h["model"], a.get("model"))
            if h["model"] is not None:
                check(n, "model source", h.get("model_source"),
                      a.get("model_source"))

        # Preferred host name: first label, case-insensitively.
        want = h["hostname"]
        got = a.get("hostname")
        if want is None:
            check(n, "hostname", None, got)
        elif got and norm(got).split(".")[0] == norm(want):
            ok(n, "hostname", got)
        else:
            bad(n, "hostname", repr(want), repr(got))

        # Every name with its source; names from elsewhere are errors (a
        # query for a name is not a claim of it).
        got_names = [(x["name"], x["source"]) for x in a.get("hostnames", [])]
        used = set()
        for e in h["hostnames"]:
            hit = [g for g in got_names
                   if name_matches(e["name"], e["source"], *g)]
            if hit:
                used.update(hit)
                ok(n, f"hostname {e['name']} ({e['source']})")
            else:
                bad(n, f"hostname {e['name']} ({e['source']})", "present",
                    f"absent; ward has {got_names}")
        for g in got_names:
            if g not in used:
                bad(n, f"hostname {g[0]} ({g[1]})", "absent", "present")

        # DHCP fingerprint against the truth.
        got_dhcp = a.get("dhcp") or []
        if h["dhcp"] is None:
            check(n, "dhcp", [], got_dhcp)
        else:
            t = h["dhcp"]
            if len(got_dhcp) != 1:
                bad(n, "dhcp", "one fingerprint", json.dumps(got_dhcp))
            if got_dhcp:
                g = got_dhcp[0]
                check(n, "dhcp.params", t["params"], g.get("params"))
                check(n, "dhcp.vendor_class", t["vendor_class"],
                      g.get("vendor_class"))
                check(n, "dhcp.hostname", t["hostname"], g.get("hostname"))
                check(n, "dhcp.client_id", t["client_id"],
                      g.get("client_id"))
                check(n, "dhcp.count", t["messages"], g.get("count"))

        # Services: the required ones present, nothing beyond the optional.
        got_svc = {svc_key(x) for x in a.get("services", [])}
        need = {svc_key(x) for x in h["services"]}
        may = {svc_key(x) for x in h.get("optional_services", [])}
        for k in sorted(need):
            if k in got_svc:
                ok(n, f"service {k[0]}/{k[1]}")
            else:
                bad(n, f"service {k[0]}/{k[1]}", "present",
                    f"absent; ward has {sorted(got_svc)}")
        for k in sorted(got_svc - need - may):
            bad(n, f"service {k[0]}/{k[1]}", "absent", "present")

    # --- conversations: both ends know each other -----------------------
    for c in truth.get("conversations", []):
        what = f"{c['proto']}/{c['port']}"
        for me, other_ip in ((c["client"], c["server_ip"]),
                             (c["server"], c["client_ip"])):
            a = by_mac.get(by_name[me]["mac"].lower(), [None])[0]
            if a is None:
                continue
            peers = {p["ip"]: p for p in a.get("peers", [])}
            p = peers.get(other_ip)
            if p is None:
                bad(me, f"peer {other_ip} ({what})", "present", "absent")
            elif p.get("packets_out", 0) + p.get("packets_in", 0) == 0:
                bad(me, f"peer {other_ip} ({what})", "packets", p)
            else:
                ok(me, f"peer {other_ip} ({what})")

    # --- peer counters agree on both ends ------------------------------
    # What A sent to B's address is what B received from A's addresses:
    # every frame between two hosts of the LAN is seen once, on the bridge.
    ips_of = {h["mac"].lower(): h["ipv4"] + h["ipv6"] for h in truth["hosts"]}
    mac_of = {ip: h["mac"].lower() for h in truth["hosts"]
              for ip in h["ipv4"] + h["ipv6"]}
    name_of = {h["mac"].lower(): h["name"] for h in truth["hosts"]}
    for a in assets:
        am = (a.get("mac") or "").lower()
        if am not in ips_of:
            continue
        for p in a.get("peers", []):
            bm = mac_of.get(p["ip"])
            if bm is None or bm == am or bm not in by_mac:
                continue
            b = by_mac[bm][0]
            back = [q for q in b.get("peers", []) if q["ip"] in ips_of[am]]
            got = (sum(q.get("packets_in", 0) for q in back),
                   sum(q.get("bytes_in", 0) for q in back))
            want = (p.get("packets_out", 0), p.get("bytes_out", 0))
            field = (f"peer {p['ip']} packets_out/bytes_out seen by "
                     f"{name_of[bm]} as packets_in/bytes_in")
            if got == want:
                ok(name_of[am], field, str(want))
            else:
                bad(name_of[am], field, want, got)

    # --- DHCP: ward against tshark, independently of the truth ----------
    ts = tshark_dhcp(cap)
    for mac, fps in sorted(ts.items()):
        label = f"tshark:{mac}"
        a = by_mac.get(mac, [None])[0]
        if a is None:
            bad(label, "asset", "present", "absent")
            continue
        wd = {}
        for g in a.get("dhcp") or []:
            key = (g.get("params"), g.get("vendor_class"), g.get("hostname"),
                   g.get("client_id"))
            wd[key] = wd.get(key, 0) + int(g.get("count", 0))
        check(label, "dhcp fingerprints (params, vendor_class, hostname, "
              "client_id): count", fps, wd)

    print(f"check_inventory: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
