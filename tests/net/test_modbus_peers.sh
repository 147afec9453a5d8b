#!/bin/bash
# tests/net/test_modbus_peers.sh - ward's Modbus/TCP observations against a
# real server and client (pymodbus), compared with tshark field by field.
#
#   plc 10.79.4.1: pymodbus TCP server on 502, units 1 and 17, with a
#                  device identity (tests/net/modbus_peer.py server)
#   hmi 10.79.4.2: pymodbus client: functions 1, 2, 3 (units 1 and 17), 4,
#                  6, 15, 16, 23, a read past the registers (exception 2),
#                  and Read Device Identification (43/14) basic, regular
#                  and one object (tests/net/modbus_peer.py client)
#
# Every ADU is compared, in order, with tshark's mbtcp/modbus fields:
#   transaction_id mbtcp.trans_id      unit_id     mbtcp.unit_id
#   function       modbus.func_code (without the exception bit)
#   exception      modbus.exception_code
#   address        modbus.reference_num (fc 23: modbus.read_reference_num)
#   quantity       modbus.word_cnt or modbus.bit_cnt (fc 23: read_word_cnt)
#   write_address, write_quantity   fc 23: modbus.write_reference_num and
#                  modbus.write_word_cnt
#   value          fc 6: modbus.data (tshark 4.0 shows that register's
#                  value as two data bytes, not as a register value)
#   byte_count     modbus.byte_cnt (responses of 1-4 and 23)
#   mei_type, device_id_code, object_id   modbus.mei, read_device_id,
#                  object_id (requests)
#   conformity     modbus.conformity_level
#   vendor ... application_name  modbus.object_id / object_str_value pairs
# Differences, each checked as such:
#   - tshark gives fc 16's request byte count (modbus.byte_cnt); ward
#     reports the address and quantity of a write, not its byte count.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, without namespaces or without python3-pymodbus.
# MODBUS_KEEP=1 keeps the capture and outputs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NET_BASE=wpeer-mb
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
net_require tshark dumpcap /usr/bin/python3
/usr/bin/python3 -c 'import pymodbus.server' 2>/dev/null ||
    { echo "SKIP: no python3-pymodbus (scripts/deps-test.txt)" >&2; exit 77; }

net_init
[ "${MODBUS_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
T=$NET_TMP
SRV=10.79.4.1
CLI=10.79.4.2

net_switch
net_host plc 00:80:f4:79:04:01
net_host hmi 02:00:00:79:04:02
net_addr plc "$SRV/24"
net_addr hmi "$CLI/24"
cap="$T/modbus.pcapng"
net_capture_start "$cap"
net_host_up plc
net_host_up hmi

net_bg plc "$T/server.log" /usr/bin/python3 "$here/modbus_peer.py" server "$SRV"
net_wait_listen plc tcp 502 20 ||
    { cat "$T/server.log" >&2; net_die "the Modbus server did not listen"; }
net_exec hmi timeout 30 /usr/bin/python3 "$here/modbus_peer.py" client "$SRV" \
    >"$T/client.log" 2>&1 ||
    { cat "$T/client.log" "$T/server.log" >&2; net_die "the Modbus client failed"; }
sleep 0.3
net_capture_stop

"$WARD" analyze --eve - -q "$cap" >"$T/eve.json" 2>"$T/ward.err" ||
    { cat "$T/ward.err" >&2; net_die "ward analyze failed"; }

/usr/bin/python3 - "$here" "$cap" "$T/eve.json" "$SRV" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import peercheck as pc

cap, eve, srv = sys.argv[2:5]
ck = pc.Checker('modbus')
ck.no_malformed(eve, ('modbus',))
F = ['ip.src', 'mbtcp.trans_id', 'mbtcp.unit_id', 'modbus.func_code',
     'modbus.exception_code', 'modbus.reference_num',
     'modbus.read_reference_num', 'modbus.write_reference_num',
     'modbus.word_cnt', 'modbus.read_word_cnt', 'modbus.write_word_cnt',
     'modbus.bit_cnt', 'modbus.byte_cnt', 'modbus.data',
     'modbus.mei', 'modbus.read_device_id', 'modbus.object_id',
     'modbus.conformity_level', 'modbus.object_str_value']
rows = pc.tshark(cap, 'mbtcp', F)
ward = [pc.body(e) for e in pc.events(eve, 'modbus')]
ck.same('ADUs', len(ward), len(rows))
KEYS = ['vendor', 'product_code', 'revision', 'vendor_url', 'product_name',
        'model_name', 'application_name']
n = pc.num
seen = []
for i, (w, r) in enumerate(zip(ward, rows)):
    resp = r['ip.src'] == srv
    fc = n(r['modbus.func_code'])
    what = 'ADU %d (fc %s%s)' % (i, fc, ' response' if resp else '')
    ck.same(what + ' response', w.get('response'), resp)
    ck.same(what + ' transaction_id', w.get('transaction_id'),
            n(r['mbtcp.trans_id']))
    ck.same(what + ' unit_id', w.get('unit_id'), n(r['mbtcp.unit_id']))
    ck.same(what + ' function', w.get('function'), fc & 0x7f)
    exc = n(r['modbus.exception_code'])
    ck.same(what + ' exception', w.get('exception'), exc)
    seen.append((w.get('unit_id'), w.get('function'), resp, exc))
    if exc is not None:
        continue
    want = {}
    if not resp and fc in (1, 2, 3, 4, 15, 16):
        want['address'] = n(r['modbus.reference_num'])
        want['quantity'] = n(r['modbus.word_cnt'] or r['modbus.bit_cnt'])
    elif resp and fc in (15, 16):
        want['address'] = n(r['modbus.reference_num'])
        want['quantity'] = n(r['modbus.word_cnt'] or r['modbus.bit_cnt'])
    elif fc == 6:
        want['address'] = n(r['modbus.reference_num'])
        want['value'] = int(r['modbus.data'].replace(':', ''), 16)
    elif fc == 23 and not resp:
        want['address'] = n(r['modbus.read_reference_num'])
        want['quantity'] = n(r['modbus.read_word_cnt'])
        want['write_address'] = n(r['modbus.write_reference_num'])
        want['write_quantity'] = n(r['modbus.write_word_cnt'])
    if resp and fc in (1, 2, 3, 4, 23):
        want['byte_count'] = n(r['modbus.byte_cnt'])
    if fc == 43:
        want['mei_type'] = n(r['modbus.mei'])
        want['device_id_code'] = n(r['modbus.read_device_id'])
        ids = [int(x) for x in pc.split(r['modbus.object_id'])]
        if not resp:
            want['object_id'] = ids[0]
        else:
            want['conformity'] = n(r['modbus.conformity_level'])
            for oid, v in zip(ids, pc.split(r['modbus.object_str_value'])):
                want[KEYS[oid]] = pc.ward_text(v)
    for k, v in want.items():
        ck.same('%s %s' % (what, k), w.get(k), v)
    # Nothing more than that: a response carries no request fields.
    extra = set(w) - set(want) - {'transaction_id', 'unit_id', 'response',
                                  'function', 'function_name'}
    ck.same(what + ' other fields', sorted(extra), [])

# The scenario, exactly (each request then its response).
want = [(1, 3), (17, 3), (1, 1), (1, 2), (1, 6), (17, 16), (1, 15), (1, 4),
        (1, 23), (1, 3), (1, 43), (17, 43), (1, 43)]
ck.same('requests', [(u, f) for u, f, resp, _ in seen if not resp], want)
ck.same('exceptions', [(u, f, x) for u, f, resp, x in seen if x is not None],
        [(1, 3, 2)])
ids = [w for w in ward if w.get('function') == 43 and w['response']]
ck.same('device identity', [(w.get('vendor'), w.get('model_name'))
                            for w in ids],
        [('Ward Test Medical', None), ('Ward Test Medical', 'WT-500'),
         (None, 'WT-500')])
ck.done('%d ADUs' % len(ward))
PY
