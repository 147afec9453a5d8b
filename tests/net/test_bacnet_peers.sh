#!/bin/bash
# tests/net/test_bacnet_peers.sh - ward's BACnet/IP observations against a
# real BACnet stack (node-bacnet from npm: Debian has none), compared with
# tshark message by message.
#
#   bms 10.79.5.1: a BACnet device (tests/net/bacnet/peer.js device):
#                  device 260017, vendor 260; answers Who-Is (within its
#                  range) with a broadcast I-Am and ReadProperty of its
#                  object-name, vendor-name, vendor-identifier, model-name,
#                  firmware-revision, application-software-version,
#                  description (UCS-2, with non-ASCII characters) and
#                  location (ISO 8859-1, accented); an Error for the rest
#   ws  10.79.5.2: a BACnet client (peer.js client): a global Who-Is, one
#                  unicast with a range holding the device, one broadcast
#                  with a range that does not, then ReadProperty of each
#                  property and of one the device does not have
#
# Every BVLL message is compared with tshark's bvlc/bacnet/bacapp fields
# (bvlc.function, bacapp.type, the service choice, bacapp.invoke_id,
# bacapp.who_is.low_limit/high_limit, bacapp.objectType,
# bacapp.instance_number, bacapp.vendor_identifier,
# bacapp.property_identifier) and, where tshark 4.0 has no field but only a
# text item (the I-Am's max APDU and segmentation, a ReadProperty-ACK's
# value, but for object-name: bacapp.object_name), with that text from
# tshark's PDML.
# Differences, each checked as such:
#   - ward writes text as UTF-8 with every non-ASCII byte escaped (\xNN);
#     tshark shows the characters: ward's text is compared with tshark's
#     string escaped the same way.
#   - ward reports an Error PDU's service and invoke id, not its error
#     class and code (tshark's bacapp.error_class/error_code): the test
#     checks tshark's are property (2) / unknown-property (32).
#   - ward names vendor 260 from its own short table; tshark from
#     ASHRAE's list: both are compared.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, without namespaces, or without node and npm (node-bacnet installs
# from tests/net/bacnet/package-lock.json, from the npm cache or registry).
# BACNET_KEEP=1 keeps the capture and outputs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NET_BASE=wpeer-bac
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
net_require node npm tshark dumpcap /usr/bin/python3
peers="$here/bacnet"
if [ ! -d "$peers/node_modules/node-bacnet" ]; then
	if ! (cd "$peers" && { npm ci --offline --no-audit --no-fund ||
	    npm ci --no-audit --no-fund; }) >/dev/null 2>&1; then
		echo "SKIP: npm ci in $peers failed (no cache, no registry)" >&2
		exit 77
	fi
fi

net_init
[ "${BACNET_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
T=$NET_TMP
SRV=10.79.5.1
CLI=10.79.5.2
BCAST=10.79.5.255
DEV=260017
VENDOR=260

net_switch
net_host bms 00:80:f4:79:05:01
net_host ws 02:00:00:79:05:02
net_addr bms "$SRV/24"
net_addr ws "$CLI/24"
cap="$T/bacnet.pcapng"
net_capture_start "$cap"
net_host_up bms
net_host_up ws

net_bg bms "$T/device.log" node "$peers/peer.js" device "$BCAST" "$DEV" \
    "$VENDOR" 30
net_wait_listen bms udp 47808 20 ||
    { cat "$T/device.log" >&2; net_die "the BACnet device did not listen"; }
net_exec ws timeout 30 node "$peers/peer.js" client "$BCAST" "$SRV" "$DEV" \
    >"$T/client.log" 2>&1 ||
    { cat "$T/client.log" "$T/device.log" >&2; net_die "the BACnet client failed"; }
sleep 0.3
net_capture_stop

"$WARD" analyze --eve - -q "$cap" >"$T/eve.json" 2>"$T/ward.err" ||
    { cat "$T/ward.err" >&2; net_die "ward analyze failed"; }

/usr/bin/python3 - "$here" "$cap" "$T/eve.json" "$DEV" "$VENDOR" <<'PY'
import re
import sys
sys.path.insert(0, sys.argv[1])
import peercheck as pc

cap, eve = sys.argv[2:4]
dev, vendor = int(sys.argv[4]), int(sys.argv[5])
ck = pc.Checker('bacnet')
ck.no_malformed(eve, ('bacnet',))

# tshark's property names (clause 21) -> ward's keys.
PROPS = {'object-name': 'object_name', 'vendor-name': 'vendor_name',
         'model-name': 'model_name', 'firmware-revision': 'firmware_revision',
         'application-software-version': 'application_software_version',
         'description': 'description', 'location': 'location'}
NAMED = ['bvlc.function', 'bacapp.type', 'bacapp.unconfirmed_service',
         'bacapp.confirmed_service', 'bacapp.invoke_id',
         'bacapp.who_is.low_limit', 'bacapp.who_is.high_limit',
         'bacapp.objectType', 'bacapp.instance_number',
         'bacapp.vendor_identifier', 'bacapp.property_identifier',
         'bacapp.error_class', 'bacapp.error_code', 'bacapp.object_name',
         'ip.src']
ts = []
for p in pc.pdml(cap, 'bvlc'):
    named, text = {}, []
    for f in p.iter('field'):
        n = f.get('name')
        if n in NAMED and n not in named:
            named[n] = f.get('show')
        elif n == '':
            text.append(f.get('show') or '')
    ts.append((named, text))

ward = [pc.body(e) for e in pc.events(eve, 'bacnet')]
ck.same('messages', len(ward), len(ts))
n = lambda d, k: pc.num(d.get(k, ''))
got = []
for i, (w, (t, text)) in enumerate(zip(ward, ts)):
    what = 'message %d' % i
    ck.same(what + ' bvlc_function', w.get('bvlc_function'),
            n(t, 'bvlc.function'))
    ck.same(what + ' apdu_type', w.get('apdu_type'), n(t, 'bacapp.type'))
    svc = n(t, 'bacapp.unconfirmed_service')
    if svc is None:
        svc = n(t, 'bacapp.confirmed_service')
    ck.same(what + ' service', w.get('service'), svc)
    ck.same(what + ' invoke_id', w.get('invoke_id'), n(t, 'bacapp.invoke_id'))
    ck.same(what + ' low_limit', w.get('low_limit'),
            n(t, 'bacapp.who_is.low_limit'))
    ck.same(what + ' high_limit', w.get('high_limit'),
            n(t, 'bacapp.who_is.high_limit'))
    if t.get('bacapp.type') == '5':
        # Error: ward keeps the service; tshark also decodes the error.
        ck.same(what + ' error', (t.get('bacapp.error_class'),
                                  t.get('bacapp.error_code')), ('2', '32'))
        got.append(('error', w.get('invoke_id')))
        continue
    ck.same(what + ' object_type', w.get('object_type'),
            n(t, 'bacapp.objectType'))
    ck.same(what + ' object_instance', w.get('object_instance'),
            n(t, 'bacapp.instance_number'))
    if w.get('service_name') == 'i_am':
        ck.same(what + ' device_instance', w.get('device_instance'),
                n(t, 'bacapp.instance_number'))
        ck.same(what + ' vendor_id', w.get('vendor_id'),
                n(t, 'bacapp.vendor_identifier'))
        for s in text:
            m = re.match(r'Maximum ADPU Length Accepted: \(Unsigned\) (\d+)', s)
            if m:
                ck.same(what + ' max_apdu', w.get('max_apdu'), int(m[1]))
            m = re.match(r'Segmentation Supported: +(\S+) \((\d+)\)', s)
            if m:
                ck.same(what + ' segmentation', w.get('segmentation'),
                        int(m[2]))
                ck.same(what + ' segmentation_name',
                        w.get('segmentation_name'),
                        m[1].replace('segmented-', ''))
            m = re.match(r'Vendor ID: (.*) \((\d+)\)$', s)
            if m:
                ck.same(what + ' vendor', w.get('vendor'), m[1])
        got.append(('i_am', w.get('device_instance'), w.get('vendor_id')))
        continue
    if w.get('service_name') == 'who_is':
        got.append(('who_is', w.get('low_limit'), w.get('high_limit')))
        continue
    prop = n(t, 'bacapp.property_identifier')
    ck.same(what + ' property', w.get('property'), prop)
    if w.get('apdu') != 'complex_ack':
        got.append(('read', prop))
        continue
    value = None
    for s in text:
        m = re.match(r"([a-z-]+): .*?'(.*)'$", s, re.S)
        if m and m[1] in PROPS:
            key = PROPS[m[1]]
            value = (key, w.get(key))
            ck.same(what + ' ' + key, w.get(key), pc.ward_text(m[2]))
        m = re.match(r'vendor-identifier: \(Unsigned\) (\d+)', s)
        if m:
            value = ('vendor_id', w.get('vendor_id'))
            ck.same(what + ' vendor_id', w.get('vendor_id'), int(m[1]))
    if 'bacapp.object_name' in t:
        # tshark has a field for this one property's value.
        value = ('object_name', w.get('object_name'))
        ck.same(what + ' object_name', w.get('object_name'),
                pc.ward_text(t['bacapp.object_name']))
    ck.check(value is not None, what + ': no value in tshark: %r' % text)
    got.append(('ack', prop, value))

# The scenario, exactly: discovery (the I-Ams may come between the
# Who-Is), then the reads in order.
W = pc.ward_text
disc = [g for g in got if g[0] in ('who_is', 'i_am')]
ck.same('discovery', sorted(disc, key=str), sorted([
    ('who_is', None, None), ('who_is', dev - 10, dev + 10),
    ('who_is', dev + 1, dev + 100), ('i_am', dev, vendor),
    ('i_am', dev, vendor)], key=str))
ck.same('reads', [g for g in got if g not in disc], [
    ('read', 77), ('ack', 77, ('object_name', 'AHU-3 OR suite')),
    ('read', 121), ('ack', 121, ('vendor_name', 'Ward Test Controls')),
    ('read', 120), ('ack', 120, ('vendor_id', vendor)),
    ('read', 70), ('ack', 70, ('model_name', 'WT-AHU 500')),
    ('read', 44), ('ack', 44, ('firmware_revision', '4.2.1')),
    ('read', 12), ('ack', 12, ('application_software_version',
                               'ahu-app 1.7')),
    ('read', 28), ('ack', 28, ('description',
                               W('Salle d\u2019op\u00e9ration 3'))),
    ('read', 58), ('ack', 58, ('location', W('B\u00e2timent B, \u00e9tage 2'))),
    ('read', 4242), ('error', 8)])
ck.done('%d messages' % len(ward))
PY
