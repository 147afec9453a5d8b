#!/usr/bin/env python3
"""check_dicom.py WARD_EVE TSHARK_TXT MODALITY_IP PACS_IP

Compares ward's dicom and phi events with tshark's DICOM fields, connection
by connection (keyed by the modality's ephemeral port), and checks them
against what tests/net/test_dicom_peers.sh sent. Every known difference
between the two is explained where it is handled. Exit 1 on a mismatch.
"""
import json
import re
import sys

eve_path, tshark_path, MOD, PACS = sys.argv[1:5]
errors = []

# What the test wrote into the CT image (tests/net/test_dicom_peers.sh).
ATTRS = {
    "modality": "CT", "manufacturer": "GE MEDICAL SYSTEMS",
    "model": "Revolution CT", "station": "CTSTATION1",
    # ward joins multiple values with ';' (tshark shows the raw '\').
    "software_versions": "sw1.2;fw3.4", "serial": "SN-0042",
    "institution": "St. Example Hospital", "department": "Radiology",
}
# Never in ward's events: patient values, and the passcode of the login.
PATIENT = ["DOE^JOHN", "DOE*", "PID12345", "19700101", "s3cret"]
PDU = {"associate_rq": 1, "associate_ac": 2, "associate_rj": 3,
       "release_rq": 5, "release_rp": 6, "abort": 7}


def err(msg):
    errors.append(msg)


# ward: events by connection and direction (0 modality to PACS).
raw = open(eve_path).read()
for v in PATIENT:
    if v in raw:
        err("patient value %r appears in ward's events" % v)
ward = {}
for line in raw.splitlines():
    ev = json.loads(line)
    if ev.get("event_type") not in ("dicom", "phi", "credential"):
        continue
    if ev["event_type"] == "phi" and ev["phi"].get("proto") != "dicom":
        continue
    if ev["event_type"] == "credential" and \
            ev["credential"].get("protocol") != "dicom":
        continue
    port = ev["src_port"]
    d = 0 if ev["subject"]["ip"] == MOD else 1
    ward.setdefault(port, {0: [], 1: []})[d].append(ev)

# tshark: one row per segment, several PDUs per row joined with ';'.
COLS = ["sport", "dport", "src", "type", "calling", "called", "pcid",
        "result", "abss", "xfer", "maxpdu", "impl_uid", "impl_ver",
        "rj_result", "rj_source", "rj_reason", "ab_source", "ab_reason",
        "info", "tag", "vl", "str", "id_type", "id_user"]
tshark = {}
for line in open(tshark_path):
    f = dict(zip(COLS, line.rstrip("\n").split("|")))
    d = 0 if f["src"] == MOD else 1
    port = int(f["sport"] if d == 0 else f["dport"])
    tshark.setdefault(port, {0: [], 1: []})[d].append(f)


def split(v):
    return [x for x in v.split(";") if x != ""] if v else []


def uid_of(v):
    # tshark names UIDs "Name (uid)"; ward writes "uid=name".
    m = re.search(r"\(([0-9.]+)\)$", v)
    return m.group(1) if m else v


def ward_uids(s):
    # ward lists each UID once and cuts a long list with "..." (storescu
    # proposes 128 contexts: the joined list outgrows its 1600 bytes).
    items = split(s or "")
    cut = bool(items) and items[-1] == "..."
    return {i.split("=")[0] for i in items if i != "..."}, cut


def compare_uids(what, wset, cut, tset):
    if cut:
        if not wset <= tset or len(wset) < 10:
            err("%s: ward's cut list %s is not a part of tshark's"
                % (what, sorted(wset - tset)))
    elif wset != tset:
        err("%s: ward %s, tshark %s" % (what, sorted(wset), sorted(tset)))


kinds_seen = set()
encodings = set()
for port in sorted(set(ward) | set(tshark)):
    w = ward.get(port, {0: [], 1: []})
    t = tshark.get(port, {0: [], 1: []})
    rq_abss = {}
    for d in (0, 1):
        tag = "conn %d dir %d" % (port, d)
        wev = [e for e in w[d] if e["event_type"] == "dicom"]
        # PDU sequence. P-DATA-TF is left out: ward reports messages (a
        # command, a data set), not the PDUs that carry them.
        tpdus = [int(x, 16) for f in t[d] for x in split(f["type"])
                 if int(x, 16) != 4]
        wpdus = [PDU[e["dicom"]["pdu"]] for e in wev
                 if e["dicom"]["pdu"] in PDU]
        if tpdus != wpdus:
            err("%s: PDU types ward %s, tshark %s" % (tag, wpdus, tpdus))
        kinds_seen.update(wpdus)
        for f in t[d]:
            types = [int(x, 16) for x in split(f["type"])]
            if 1 in types or 2 in types:
                e = next((e for e in wev if e["dicom"]["pdu"] in
                          ("associate_rq", "associate_ac")), None)
                if e is None:
                    err("%s: no association event" % tag)
                    continue
                a = e["dicom"]
                # tshark keeps the AE titles' space padding.
                if a["calling_ae"] != f["calling"].strip() or \
                        a["called_ae"] != f["called"].strip():
                    err("%s: AE titles %s/%s vs %r/%r" % (tag,
                        a["calling_ae"], a["called_ae"], f["calling"],
                        f["called"]))
                ids = [int(x, 16) for x in split(f["pcid"])]
                if a["contexts"] != ids:
                    err("%s: contexts %s vs %s" % (tag, a["contexts"], ids))
                if int(f["maxpdu"]) != a.get("max_pdu"):
                    err("%s: max_pdu" % tag)
                if f["impl_uid"] != a.get("impl_class_uid") or \
                        f["impl_ver"] != a.get("impl_version"):
                    err("%s: implementation uid/version" % tag)
                xfers = [uid_of(x) for x in split(f["xfer"])]
                if 1 in types:
                    abss = [uid_of(x) for x in split(f["abss"])]
                    rq_abss = dict(zip(ids, abss))
                    ws, cut = ward_uids(a.get("abstract_syntaxes"))
                    compare_uids(tag + " abstract syntaxes", ws, cut,
                                 set(abss))
                    ws, cut = ward_uids(a.get("transfer_syntaxes"))
                    compare_uids(tag + " transfer syntaxes", ws, cut,
                                 set(xfers))
                else:
                    res = [int(x, 16) for x in split(f["result"])]
                    if a.get("results") != res:
                        err("%s: results %s vs %s" % (tag,
                            a.get("results"), res))
                    # An AC names no abstract syntax (PS3.8 9.3.3.2):
                    # ward reports those of the accepted contexts as the
                    # RQ proposed them; tshark's RQ row gives the same.
                    ok = [i for i, r in zip(ids, res) if r == 0]
                    ws, cut = ward_uids(a.get("abstract_syntaxes"))
                    compare_uids(tag + " accepted abstract syntaxes", ws,
                                 cut, {rq_abss[i] for i in ok
                                       if i in rq_abss})
                    # Rejected contexts' transfer syntax is not
                    # significant (PS3.8 9.3.3.2): ward leaves it out.
                    ws, cut = ward_uids(a.get("transfer_syntaxes"))
                    compare_uids(tag + " accepted transfer syntaxes", ws,
                                 cut, {x for x, r in zip(xfers, res)
                                       if r == 0})
            if 3 in types:
                e = next(e for e in wev if e["dicom"]["pdu"] ==
                         "associate_rj")["dicom"]
                if (e["result"], e["source"], e["reason"]) != (
                        int(f["rj_result"]), int(f["rj_source"]),
                        int(f["rj_reason"])):
                    err("%s: reject fields" % tag)
            if 7 in types:
                e = next(e for e in wev if e["dicom"]["pdu"] ==
                         "abort")["dicom"]
                if (e["source"], e["reason"]) != (int(f["ab_source"]),
                                                  int(f["ab_reason"])):
                    err("%s: abort fields" % tag)
        # User identity: the scheme and user name, never the passcode.
        tids = [(int(f["id_type"]), f["id_user"]) for f in t[d]
                if f.get("id_type")]
        wids = [({"username": 1, "username-passcode": 2, "kerberos": 3,
                  "saml": 4, "jwt": 5}[e["credential"]["scheme"]],
                 e["credential"].get("user", ""))
                for e in w[d] if e["event_type"] == "credential"]
        if tids != wids:
            err("%s: user identity ward %s, tshark %s" % (tag, wids, tids))
        kinds_seen.update("login" for _ in wids)
        # Commands: tshark's Info column names each command and its ID.
        tcmds = [(m.group(1), int(m.group(2))) for f in t[d] for m in
                 re.finditer(r"\b([CN]-[A-Z-]+-(?:RQ|RSP)) ID=(\d+)",
                             f["info"])]
        wcmds = [(e["dicom"]["command"], e["dicom"].get(
            "message_id", e["dicom"].get("responded_id")))
            for e in wev if e["dicom"]["pdu"] == "command"]
        if tcmds != wcmds:
            err("%s: commands ward %s, tshark %s" % (tag, wcmds, tcmds))
        # Data sets: every attribute ward reports is a value tshark shows.
        tstrs = {s.strip() for f in t[d] for s in split(f["str"])}
        for e in wev:
            if e["dicom"]["pdu"] != "dataset":
                continue
            encodings.add(e["dicom"]["encoding"])
            for k, v in ATTRS.items():
                if e["dicom"].get(k) != v:
                    err("%s: %s is %r" % (tag, k, e["dicom"].get(k)))
                tv = v.replace(";", "\\")
                if tv not in tstrs:
                    err("%s: tshark does not show %s %r" % (tag, k, tv))
        # Patient tags: group 0010 elements with a value. tshark lists the
        # empty ones too (C-FIND return keys): ward leaves those out, as
        # no patient data crossed.
        ttags = set()
        for f in t[d]:
            for tg, vl in zip(split(f["tag"]), split(f["vl"])):
                if int(tg, 16) >> 16 == 0x0010 and int(vl) > 0:
                    ttags.add(int(tg, 16))
        wtags = set()
        for e in w[d]:
            if e["event_type"] == "phi":
                wtags |= {int(x[1:5] + x[6:10], 16)
                          for x in split(e["phi"]["tags"])}
        if ttags != wtags:
            err("%s: patient tags ward %s, tshark %s" % (tag,
                sorted(map(hex, wtags)), sorted(map(hex, ttags))))

# What the scenario must have produced.
for k in (1, 2, 3, 5, 6, 7):
    if k not in kinds_seen:
        err("no PDU of type %d reported" % k)
if "login" not in kinds_seen:
    err("the store with a user name and passcode gave no credential")
if encodings != {"implicit_le", "explicit_le", "explicit_be"}:
    err("data set encodings seen: %s" % sorted(encodings))
if not any(e["dest_port"] == 4104 for c in ward.values() for e in c[0]):
    err("the association on port 4104 (no hint) was not found")
if not any(e["event_type"] == "phi" and e["phi"].get("command") ==
           "C-FIND-RQ" for c in ward.values() for e in c[0]):
    err("the C-FIND query by patient name gave no phi event")

for e in errors:
    print("check_dicom: " + e, file=sys.stderr)
if errors:
    sys.exit(1)
print("check_dicom: %d connections agree with tshark" % len(ward))
