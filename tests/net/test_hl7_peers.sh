#!/bin/bash
# tests/net/test_hl7_peers.sh - ward's HL7 dissector against real MLLP peers.
#
# An MLLP server (simple-hl7 from npm, tests/net/hl7/peer.js) listens on
# port 6661 in namespace "his"; a client in namespace "monitor" sends an
# ADT^A01 and an ORU^R01 (with OBX-18) on one connection and gets an ACK for
# each. The capture on the switch goes through `$WARD analyze --eve -` and
# through tshark's HL7 dissector (`-d tcp.port==6661,hl7`), and the two are
# compared message by message:
#
#   ward                 tshark 4.0 (it has no per-MSH-field names)
#   message_type         hl7.message.type
#   trigger              hl7.event.type
#   segments             the names of hl7.raw.segment (tshark's segments)
#   sending_app ...      the MSH fields, cut at '|' from tshark's raw MSH
#   ack_code, ...        MSA-1 and MSA-2, OBX-18, likewise from hl7.raw
#   (with -o hl7.display_raw:TRUE, the message text tshark delimited)
#
# Differences, each checked as such below:
#   - simple-hl7 ends a message's last segment with the block's 0x1C, not
#     with a CR (it trims the text). tshark 4.0 dissects only segments
#     ended by CR, so its segment list lacks the last one (PV1 of the ADT,
#     the second OBX of the ORU, the ACKs' MSA); ward reads the last
#     segment up to 0x1C. ward's list is tshark's plus that last segment,
#     whose fields (MSA, OBX-18) are compared from tshark's hl7.raw.
#   - tshark sets hl7.event.type only when MSH-9 has a trigger event:
#     simple-hl7's ACKs carry MSH-9 "ACK" alone, so tshark has no event
#     type and ward no `trigger` for them.
#   - tshark has nothing like ward's phi events: those are checked against
#     what peer.js sends, and every patient value is checked absent.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not root,
# when namespaces cannot be made, or when node, npm or tshark are missing.
# HL7_KEEP=1 keeps the capture and outputs in the directory it prints.

set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

if [ -z "${WARD:-}" ] || [ ! -x "$WARD" ]; then
	echo "test_hl7_peers: WARD must name the ward binary (got '${WARD:-}')" >&2
	exit 1
fi
net_skip_unless_possible
net_require node npm tshark dumpcap /usr/bin/python3

# The peers: simple-hl7 pinned by package-lock.json, from the npm cache when
# it holds it, else from the registry.
peers="$here/hl7"
if [ ! -d "$peers/node_modules/simple-hl7" ]; then
	if ! (cd "$peers" && { npm ci --offline --no-audit --no-fund ||
	    npm ci --no-audit --no-fund; }) >/dev/null 2>&1; then
		echo "SKIP: npm ci in $peers failed (no cache, no registry)" >&2
		exit 77
	fi
fi

PORT=6661
SRV=10.77.0.5
CLI=10.77.0.20

net_init
[ "${HL7_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
cap="$NET_TMP/hl7.pcapng"
net_switch
net_host his 02:00:0a:4d:00:05
net_host monitor 00:09:fb:1a:2b:3c
net_capture_start "$cap"
for h in his monitor; do
	net_host_up "$h"
done
net_addr his "$SRV/24"
net_addr monitor "$CLI/24"

net_bg his "$NET_TMP/server.log" node "$peers/peer.js" server "$PORT"
net_wait_listen his tcp "$PORT" 20 || {
	cat "$NET_TMP/server.log" >&2
	net_die "the MLLP server did not listen"
}
if ! net_exec monitor timeout 30 node "$peers/peer.js" client "$SRV" "$PORT" \
    >"$NET_TMP/client.log" 2>&1; then
	cat "$NET_TMP/client.log" "$NET_TMP/server.log" >&2
	net_die "the MLLP client failed"
fi
net_wait_file "$NET_TMP/server.log" "received ORU" 10 ||
    net_die "the server did not receive the ORU"
sleep 0.5
net_capture_stop

if ! "$WARD" analyze --eve - -q "$cap" >"$NET_TMP/ward.eve" \
    2>"$NET_TMP/ward.err"; then
	cat "$NET_TMP/ward.err" >&2
	net_die "ward analyze failed"
fi
# Per HL7 PDU: the frame, the source, the raw segments and tshark's fields.
tshark -r "$cap" -d "tcp.port==$PORT,hl7" -o hl7.display_raw:TRUE -Y hl7 \
    -T json -e frame.number -e ip.src -e hl7.raw -e hl7.raw.segment \
    -e hl7.message.type -e hl7.event.type \
    >"$NET_TMP/tshark.json" 2>"$NET_TMP/tshark.err" ||
    net_die "tshark failed: $(cat "$NET_TMP/tshark.err")"

/usr/bin/python3 - "$NET_TMP/ward.eve" "$NET_TMP/tshark.json" \
    "$CLI" "$SRV" <<'EOF'
import json
import sys

eve, tsj, cli, srv = sys.argv[1:5]
fail = []


def check(what, got, want):
    if got != want:
        fail.append('%s: ward %r, expected %r' % (what, got, want))


ward = []
phi = []
malformed = []
for line in open(eve):
    e = json.loads(line)
    t = e.get('event_type')
    if t == 'hl7':
        ward.append(e)
    elif t == 'phi':
        phi.append(e)
    elif t == 'malformed':
        malformed.append(e)


def body(e, key):
    # EVE events carry their fields under the kind's name.
    return e.get(e['event_type'], {}).get(key)


def first(v):
    return v[0] if isinstance(v, list) and v else v


ts = []
for pkt in json.load(open(tsj)):
    f = pkt['_source']['layers']
    ts.append({
        'src': first(f.get('ip.src')),
        'segs': f.get('hl7.raw.segment', []),
        'raw': first(f.get('hl7.raw')) or '',
        'type': first(f.get('hl7.message.type')),
        'event': first(f.get('hl7.event.type')),
    })

check('hl7 messages (ward, tshark)', (len(ward), len(ts)), (4, 4))
check('malformed events', len(malformed), 0)
for i, (w, t) in enumerate(zip(ward, ts)):
    g = lambda k: body(w, k)
    msh = t['segs'][0].rstrip('\r').split('|') if t['segs'] else []
    # tshark's raw MSH: MSH-n is field n-1 once split at '|' (MSH-1 is
    # the separator itself).
    mshf = lambda n: msh[n - 1] if len(msh) > n - 1 else ''
    where = 'message %d (%s)' % (i, mshf(10))
    want_src = cli if mshf(9).split('^')[0] != 'ACK' else srv
    check(where + ' subject', w.get('subject', {}).get('ip'), want_src)
    check(where + ' sending_app', g('sending_app'), mshf(3))
    check(where + ' sending_facility', g('sending_facility'), mshf(4))
    check(where + ' receiving_app', g('receiving_app'), mshf(5))
    check(where + ' receiving_facility', g('receiving_facility'), mshf(6))
    check(where + ' timestamp', g('timestamp'), mshf(7))
    check(where + ' control_id', g('control_id'), mshf(10))
    check(where + ' processing_id', g('processing_id'), mshf(11))
    check(where + ' version', g('version'), mshf(12))
    check(where + ' message_type', g('message_type'), t['type'])
    # tshark leaves hl7.event.type out when MSH-9 has no trigger
    # (simple-hl7's ACKs): ward then has no trigger either.
    check(where + ' trigger', g('trigger'), t['event'] or None)
    names = [x[:3] for x in t['segs']]
    lines = t['raw'].split('\r')
    # The last segment, not ended by CR, is not among tshark's segments.
    if lines and lines[-1] != '':
        names.append(lines[-1][:3])
    check(where + ' segments', g('segments'), ','.join(names))
    check(where + ' segment_count', g('segment_count'), len(names))
    msa = [x.split('|') for x in lines if x.startswith('MSA')]
    if msa:
        check(where + ' ack_code', g('ack_code'), msa[0][1])
        check(where + ' ack_control_id', g('ack_control_id'), msa[0][2])
    obx = [x.split('|') for x in lines if x.startswith('OBX')]
    eq = []
    for s in obx:
        if len(s) > 18 and s[18] and s[18] not in eq:
            eq.append(s[18])
    check(where + ' equipment', g('equipment'), ','.join(eq) or None)

# What the client sent, as peer.js sends it (the test's own truth).
check('sent types', [(body(w, 'message_type'), body(w, 'trigger'))
                     for w in ward],
      [('ADT', 'A01'), ('ACK', None), ('ORU', 'R01'), ('ACK', None)])
check('acks', [body(w, 'ack_control_id') for w in ward],
      [None, 'ICU00001', None, 'ICU00002'])

# Patient data: a phi event per message with a PID, never a value.
check('phi events', [(body(p, 'segments'), body(p, 'control_id'))
                     for p in phi],
      [('PID,NK1,PV1', 'ICU00001'), ('PID,OBR,OBX', 'ICU00002')])
text = open(eve).read()
for v in ('MRN424242', 'TESTPATIENT', 'ALICE', '19810203', 'ELM STREET',
          'SPRINGFIELD', 'BED07', 'Heart rate'):
    if v in text:
        fail.append('patient value %r in ward output' % v)

for f in fail:
    print('test_hl7_peers: ' + f, file=sys.stderr)
if fail:
    sys.exit(1)
print('test_hl7_peers: %d messages match tshark field by field' % len(ward))
EOF
