#!/bin/sh
# tests/pcap/ics_vs_tshark.sh - ward's rdp, ssdp, modbus and bacnet
# observations compared field by field with tshark's reading of the same
# captures (made by make_ics_captures.py in this directory).
#
# usage: ics_vs_tshark.sh WARD PCAPDIR
set -u
WARD=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v tshark >/dev/null 2>&1 || { echo "SKIP: no tshark"; exit 77; }
for p in rdp ssdp modbus bacnet; do
	"$WARD" analyze --eve - -q "$dir/$p.pcap" >"$tmp/$p.eve" ||
	    { echo "ward analyze $p.pcap failed"; exit 1; }
done
T="tshark -T fields -E separator=|"
$T -r "$dir/rdp.pcap" -Y rdp -e rdp.rt_cookie \
    -e rdp.negReq.requestedProtocols -e rdp.negReq.selectedProtocol \
    -e rdp.negFailure.failureCode >"$tmp/rdp.ts" 2>/dev/null
$T -r "$dir/ssdp.pcap" -Y ssdp -e http.request.method -e http.response.code \
    -e http.location -e http.server -e http.user_agent -e http.cache_control \
    -e http.unknown_header >"$tmp/ssdp.ts" 2>/dev/null
$T -r "$dir/modbus.pcap" -Y modbus -e mbtcp.trans_id -e mbtcp.unit_id \
    -e modbus.func_code -e modbus.exception_code -e modbus.reference_num \
    -e modbus.word_cnt -e modbus.bit_cnt -e modbus.object_str_value \
    -e tcp.srcport >"$tmp/modbus.ts" 2>/dev/null
$T -r "$dir/bacnet.pcap" -Y bvlc -e bvlc.function -e bacnet.dnet \
    -e bacnet.snet -e bacapp.type -e bacapp.unconfirmed_service \
    -e bacapp.confirmed_service -e bacapp.invoke_id -e bacapp.instance_number \
    -e bacapp.vendor_identifier -e bacapp.property_identifier \
    -e bacapp.object_name -e bvlc.fwd_ip >"$tmp/bacnet.ts" 2>/dev/null

/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
fail = []

def eve(p, kind):
    return [e[kind] for e in map(json.loads, open("%s/%s.eve" % (tmp, p)))
            if e.get("event_type") == kind]

def ts(p):
    return [l.rstrip("\n").split("|") for l in open("%s/%s.ts" % (tmp, p))]

def check(what, ours, theirs):
    if ours != theirs:
        fail.append("%s: ward %r, tshark %r" % (what, ours, theirs))

def num(v):
    return int(v, 0) if v != "" else None

# RDP: tshark shows the whole token line ("Cookie: mstshash=" included).
w, t = eve("rdp", "rdp"), ts("rdp")
check("rdp count", len(w), len(t))
for i, (o, r) in enumerate(zip(w, t)):
    if r[0]:
        check("rdp %d cookie" % i, "Cookie: mstshash=" + o.get("cookie", ""),
              r[0])
    check("rdp %d requested" % i, o.get("requested_protocols"), num(r[1]))
    check("rdp %d selected" % i, o.get("selected_protocol"), num(r[2]))
    check("rdp %d failure" % i, o.get("failure_code"), num(r[3]))

# SSDP: tshark reads it as HTTP. ST and USN of a 200 answer and ST of an
# M-SEARCH are not dissected by tshark 4.0 as fields (only NOTIFY's unknown
# headers are listed), so they are compared where tshark shows them.
w, t = eve("ssdp", "ssdp"), ts("ssdp")
check("ssdp count", len(w), len(t))
for i, (o, r) in enumerate(zip(w, t)):
    meth = r[0] if r[0] else "response"
    check("ssdp %d method" % i, o["method"], meth)
    check("ssdp %d status" % i, o.get("status"), num(r[1]))
    check("ssdp %d location" % i, o.get("location"), r[2] or None)
    check("ssdp %d server" % i, o.get("server"), r[3] or None)
    check("ssdp %d user_agent" % i, o.get("user_agent"), r[4] or None)
    check("ssdp %d cache_control" % i, o.get("cache_control"), r[5] or None)
    for h in r[6].split(",") if r[6] else []:
        k, v = h.replace("\\r\\n", "").split(":", 1)
        check("ssdp %d %s" % (i, k), o.get(k.lower()), v.strip())

# Modbus: tshark joins the fields of several ADUs of one segment with ','.
# tshark 4.0 does not dissect the Write Multiple Registers request (tid 3)
# whose first segment holds only 5 bytes of the MBAP header (its Modbus/TCP
# check wants the 7-byte header in one segment before it asks TCP for
# more), so frames 8-9 stay plain TCP there while ward reassembles them:
# every tshark ADU must be among ward's, and ward has that one request more.
w = eve("modbus", "modbus")
rows = []
for r in ts("modbus"):
    tids, units, fcs = r[0].split(","), r[1].split(","), r[2].split(",")
    refs = r[4].split(",") if r[4] else []
    words = r[5].split(",") if r[5] else []
    bits = r[6].split(",") if r[6] else []
    for j, tid in enumerate(tids):
        fc = int(fcs[j])
        resp = r[8] == "502"
        q = None
        if not resp and fc in (1, 2, 15) and bits:
            q = int(bits.pop(0))
        elif not resp and fc in (3, 4, 16, 23) and words:
            q = int(words.pop(0))
        a = int(refs.pop(0)) if (not resp and fc in (1, 2, 3, 4, 5, 6,
            15, 16) and refs) else None
        rows.append((int(tid), int(units[j]), fc, resp,
            num(r[3]) if len(tids) == 1 else None, a, q,
            r[7] if r[7] else None))
ours = []
for o in w:
    ex = o.get("exception")
    objs = [o[k] for k in ("vendor", "product_code", "revision") if k in o]
    ours.append((o["transaction_id"], o["unit_id"], o["function"],
        o["response"], ex,
        o.get("address") if not o["response"] else None,
        o.get("quantity") if not o["response"] else None,
        ",".join(objs) if objs else None))
for row in rows:
    if row not in ours:
        fail.append("modbus: tshark ADU %r not among ward's %r" % (row, ours))
check("modbus requests", len([o for o in ours if not o[3]]),
      len([r for r in rows if not r[3]]) + 1)
check("modbus split request", [o[:3] for o in ours if o[0] == 3 and
      not o[3]], [(3, 1, 16)])

# BACnet: tshark's bacapp.object_name is the object-name property only; the
# model-name of the other ComplexACK is in ward's model_name (tshark shows
# it as a plain character string, not compared).
w, t = eve("bacnet", "bacnet"), ts("bacnet")
check("bacnet count", len(w), len(t))
for i, (o, r) in enumerate(zip(w, t)):
    check("bacnet %d bvlc" % i, o["bvlc_function"], num(r[0]))
    check("bacnet %d dnet" % i, o.get("dnet"), num(r[1]))
    check("bacnet %d snet" % i, o.get("snet"), num(r[2]))
    check("bacnet %d apdu" % i, o.get("apdu_type"), num(r[3]))
    svc = r[4] if r[4] else r[5]
    check("bacnet %d service" % i, o.get("service"), num(svc))
    check("bacnet %d invoke" % i, o.get("invoke_id"), num(r[6]))
    check("bacnet %d instance" % i, o.get("object_instance"), num(r[7]))
    check("bacnet %d vendor" % i, o.get("vendor_id"), num(r[8]))
    check("bacnet %d property" % i, o.get("property"), num(r[9]))
    check("bacnet %d object_name" % i, o.get("object_name"), r[10] or None)
    check("bacnet %d origin" % i, o.get("origin"), r[11] or None)
if fail:
    print("\n".join("FAIL " + f for f in fail))
    sys.exit(1)
print("ok: rdp, ssdp, modbus and bacnet agree with tshark")
PY
