#!/bin/bash
# tests/net/test_ssdp_peers.sh - ward's SSDP observations against a real
# UPnP stack, compared with tshark message by message.
#
#   dev 10.79.6.1: a GUPnP root device (tests/net/ssdp_device.py, Debian's
#                  GUPnP/GSSDP 1.6 through python3-gi): NOTIFY ssdp:byebye
#                  then ssdp:alive for its root device, UUID and device
#                  type, answers to M-SEARCH, and ssdp:byebye when it stops
#   cp  10.79.6.2: gssdp-discover (gssdp-tools) searching upnp:rootdevice,
#                  then ssdp:all
#
# Every SSDP datagram is compared with tshark's reading of it as HTTP over
# UDP 1900: method (http.request.method, or a response and its
# http.response.code), and each header ward reports (ST, NT, NTS, MAN, USN,
# LOCATION, SERVER, USER-AGENT, CACHE-CONTROL, MX) with tshark's value of
# it: http.location, http.server, http.user_agent, http.cache_control, and
# the other headers from the header lines tshark lists
# (http.request.line, http.response.line, http.unknown_header).
# Differences, each checked as such:
#   - tshark dissects the SSDP answers quoted in ICMP port unreachable
#     errors (gssdp-discover closes its socket while the device is still
#     answering); ward does not read inside ICMP errors: those frames are
#     left out of tshark's list.
#   - ward also gives max_age (from CACHE-CONTROL) and mx as numbers:
#     compared with the numbers in tshark's strings.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, without namespaces, without gssdp-discover, or without GUPnP 1.6
# for python3 (python3-gi, gir1.2-gupnp-1.6).
# SSDP_KEEP=1 keeps the capture and outputs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NET_BASE=wpeer-ssdp
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
net_require tshark dumpcap gssdp-discover /usr/bin/python3
/usr/bin/python3 -c "import gi; gi.require_version('GUPnP', '1.6')" \
    2>/dev/null || { echo "SKIP: no GUPnP 1.6 for python3 (python3-gi, gir1.2-gupnp-1.6)" >&2; exit 77; }

net_init
[ "${SSDP_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
T=$NET_TMP
DEV=10.79.6.1
CP=10.79.6.2
UUID=2fac1234-31f8-11b4-a222-08002b34c003
SERVER_ID="WardTest/1.0 UPnP/1.0 InfusionPump/2.3"

net_switch
net_host dev 00:09:fb:79:06:01
net_host cp 02:00:00:79:06:02
net_addr dev "$DEV/24"
net_addr cp "$CP/24"
cat >"$T/desc.xml" <<EOF
<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
 <specVersion><major>1</major><minor>0</minor></specVersion>
 <device>
  <deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>
  <friendlyName>Infusion pump 12</friendlyName>
  <manufacturer>Ward Test</manufacturer>
  <modelName>Pump 2.3</modelName>
  <UDN>uuid:$UUID</UDN>
 </device>
</root>
EOF
cap="$T/ssdp.pcapng"
net_capture_start "$cap"
net_host_up dev
net_host_up cp
# Let DAD finish so GUPnP finds eth0's addresses at once.
sleep 1

net_bg dev "$T/device.log" /usr/bin/python3 "$here/ssdp_device.py" "$T" \
    "$SERVER_ID" 8
devpid=$NET_LAST_PID
net_wait_file "$T/device.log" "device up" 10 ||
    { cat "$T/device.log" >&2; net_die "the UPnP device did not start"; }
sleep 1
for target in upnp:rootdevice ssdp:all; do
	net_exec cp timeout 10 gssdp-discover -i eth0 -t "$target" -n 2 \
	    >>"$T/discover.log" 2>&1
done
grep -q "uuid:$UUID" "$T/discover.log" ||
    { cat "$T/discover.log" "$T/device.log" >&2; net_die "gssdp-discover found nothing"; }
n=100
while kill -0 "$devpid" 2>/dev/null && [ "$n" -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
net_capture_stop

"$WARD" analyze --eve - -q "$cap" >"$T/eve.json" 2>"$T/ward.err" ||
    { cat "$T/ward.err" >&2; net_die "ward analyze failed"; }

/usr/bin/python3 - "$here" "$cap" "$T/eve.json" "$UUID" "$SERVER_ID" <<'PY'
import re
import sys
sys.path.insert(0, sys.argv[1])
import peercheck as pc

cap, eve, uuid, server_id = sys.argv[2:6]
ck = pc.Checker('ssdp')
ck.no_malformed(eve, ('ssdp',))
rows = pc.tshark(cap, 'ssdp && !icmp', [
    'ip.src', 'udp.srcport', 'http.request.method', 'http.response.code',
    'http.location', 'http.server', 'http.user_agent', 'http.cache_control',
    'http.request.line', 'http.response.line', 'http.unknown_header'])
ward = [e for e in pc.events(eve, 'ssdp')]
ck.same('messages', len(ward), len(rows))
KEYS = {'ST': 'st', 'NT': 'nt', 'NTS': 'nts', 'MAN': 'man', 'USN': 'usn',
        'LOCATION': 'location', 'SERVER': 'server',
        'USER-AGENT': 'user_agent', 'CACHE-CONTROL': 'cache_control'}
seen = []
for i, (e, r) in enumerate(zip(ward, rows)):
    w = pc.body(e)
    what = 'message %d' % i
    ck.same(what + ' sender', (e['src_ip'], e['src_port']),
            (r['ip.src'], int(r['udp.srcport'])))
    ck.same(what + ' method', w.get('method'),
            r['http.request.method'] or 'response')
    ck.same(what + ' status', w.get('status'), pc.num(r['http.response.code']))
    hdr = {}
    for line in (pc.split(r['http.request.line']) +
                 pc.split(r['http.response.line']) +
                 pc.split(r['http.unknown_header'])):
        name, _, value = line.replace('\\r\\n', '').partition(':')
        hdr.setdefault(name.strip().upper(), value.strip())
    for name, f in (('LOCATION', 'http.location'), ('SERVER', 'http.server'),
                    ('USER-AGENT', 'http.user_agent'),
                    ('CACHE-CONTROL', 'http.cache_control')):
        if r[f]:
            hdr[name] = r[f]
    for name, key in KEYS.items():
        ck.same('%s %s' % (what, key), w.get(key),
                pc.ward_text(hdr[name]) if name in hdr else None)
    ck.same(what + ' mx', w.get('mx'), int(hdr['MX']) if 'MX' in hdr else None)
    m = re.search(r'max-age *= *(\d+)', hdr.get('CACHE-CONTROL', ''))
    ck.same(what + ' max_age', w.get('max_age'), int(m[1]) if m else None)
    seen.append((w.get('method'), w.get('nts'), w.get('st') or w.get('nt')))

# The scenario: announcements of the three resources, both searches, and
# the answers to each.
rd, dt, u = 'upnp:rootdevice', 'urn:schemas-upnp-org:device:Basic:1', \
    'uuid:' + uuid
ck.same('kinds', sorted(set(seen), key=str), sorted({
    ('NOTIFY', 'ssdp:alive', rd), ('NOTIFY', 'ssdp:alive', dt),
    ('NOTIFY', 'ssdp:alive', u), ('NOTIFY', 'ssdp:byebye', rd),
    ('NOTIFY', 'ssdp:byebye', dt), ('NOTIFY', 'ssdp:byebye', u),
    ('M-SEARCH', None, rd), ('M-SEARCH', None, 'ssdp:all'),
    ('response', None, rd), ('response', None, dt), ('response', None, u)},
    key=str))
for e in ward:
    w = pc.body(e)
    if w['method'] != 'M-SEARCH' and w.get('nts') != 'ssdp:byebye':
        ck.same('server', w.get('server'), server_id)
        ck.check(w.get('usn', '').startswith('uuid:' + uuid), 'usn %r' % w)
        ck.check(w.get('location', '').startswith('http://10.79.6.1:49152/'),
                 'location %r' % w)
        ck.same('max_age', w.get('max_age'), 1800)
ck.done('%d messages' % len(ward))
PY
