#!/bin/bash
# tests/net/test_rdp_peers.sh - ward's RDP observations (X.224 Connection
# Request and Confirm) against real servers and a real client, compared
# with tshark.
#
#   srv  10.79.7.1: xrdp, security_layer=negotiate (TLS with a certificate
#                   made here)
#   srv2 10.79.7.3: xrdp, security_layer=tls with a certificate it cannot
#                   read: it answers with RDP_NEG_FAILURE (3,
#                   ssl_cert_not_on_server)
#   srv3 10.79.7.4: xrdp, security_layer=rdp: it selects standard RDP
#                   security even when the client asks for TLS only
#   cli  10.79.7.2: xfreerdp (FreeRDP 2, on an Xvfb display), +auth-only:
#                   /sec:tls as `radiologist`; the default (TLS or NLA) as
#                   `nurse` with a domain; /sec:rdp (no RDP_NEG_REQ);
#                   /load-balance-info (a routing token, no cookie);
#                   /restricted-admin (RDP_NEG_REQ flags 1); /sec:tls to
#                   srv2 and srv3
# xrdp runs without X and without sesman: only the negotiation and the TLS
# handshake happen, which is all ward reads.
#
# Each CR and CC TPDU is compared with tshark's fields: the cookie with
# rdp.rt_cookie, requested_protocols with rdp.negReq.requestedProtocols,
# neg_flags with rdp.negReq.flags or rdp.negRsp.flags, selected_protocol
# with rdp.negReq.selectedProtocol (tshark's name for the RDP_NEG_RSP
# field), failure_code with rdp.negFailure.failureCode.
# Differences, each checked as such:
#   - tshark's rdp.rt_cookie is the whole line "Cookie: mstshash=USER";
#     ward's cookie is USER.
#   - FreeRDP's load-balance info ("tsv://MS Terminal Services
#     Plugin.1.Sessions") is a routing token that does not start with
#     "Cookie:"; tshark 4.0 then reads the CR's variable part as X.224
#     parameters and marks the frame malformed. ward reports it as
#     routing_token: compared with the bytes of the TPDU (tcp.payload),
#     and its RDP_NEG_REQ likewise.
#   - tshark has no field for an RDP_NEG_FAILURE's flags: compared with the
#     TPDU's bytes.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, without namespaces, or without xrdp, xfreerdp or Xvfb.
# RDP_KEEP=1 keeps the capture and outputs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NET_BASE=wpeer-rdp
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
net_require tshark dumpcap xrdp xfreerdp Xvfb openssl unshare mount \
    /usr/bin/python3
[ -f /etc/xrdp/xrdp.ini ] || { echo "SKIP: no /etc/xrdp/xrdp.ini" >&2; exit 77; }

net_init
[ "${RDP_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
T=$NET_TMP
CLI=10.79.7.2

net_switch
net_host srv 02:00:00:79:07:01
net_host cli 02:00:00:79:07:02
net_host srv2 02:00:00:79:07:03
net_host srv3 02:00:00:79:07:04
net_addr srv 10.79.7.1/24
net_addr cli "$CLI/24"
net_addr srv2 10.79.7.3/24
net_addr srv3 10.79.7.4/24
cap="$T/rdp.pcapng"
net_capture_start "$cap"
for h in srv cli srv2 srv3; do
	net_host_up "$h"
done

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" \
    -out "$T/cert.pem" -days 2 -subj "/CN=rdp.ward.test" >/dev/null 2>&1 ||
    net_die "openssl req"
# xrdp HOST SECURITY_LAYER CERTIFICATE: one server, in its own mount
# namespace with a private /run/xrdp (its pid file and sockets).
xrdp_on() {
	local ini="$T/xrdp-$1.ini"
	sed -e "s|^security_layer=.*|security_layer=$2|" \
	    -e "s|^certificate=.*|certificate=$3|" \
	    -e "s|^key_file=.*|key_file=$T/key.pem|" \
	    -e "s|^fork=.*|fork=false|" \
	    -e "s|^port=.*|port=3389|" \
	    -e "s|^LogFile=.*|LogFile=$T/xrdp-$1.log|" \
	    -e "s|^EnableSyslog=.*|EnableSyslog=false|" \
	    /etc/xrdp/xrdp.ini >"$ini"
	net_bg "$1" "$T/xrdp-$1.out" unshare -m sh -c \
	    "mkdir -p /run/xrdp && mount -t tmpfs tmpfs /run/xrdp &&
	     exec xrdp --nodaemon --config '$ini'"
}
xrdp_on srv negotiate "$T/cert.pem"
xrdp_on srv2 tls "$T/missing.pem"
xrdp_on srv3 rdp "$T/cert.pem"
for h in srv srv2 srv3; do
	net_wait_listen "$h" tcp 3389 10 ||
	    { cat "$T/xrdp-$h.out" >&2; net_die "xrdp on $h did not listen"; }
done
# One X display for every client run; Xvfb picks a free number.
net_bg cli "$T/xvfb.log" Xvfb -displayfd 1 -nolisten tcp -screen 0 800x600x24
net_wait_file "$T/xvfb.log" '^[0-9]' 10 || net_die "Xvfb did not start"
DISPLAY=":$(grep -m1 '^[0-9]' "$T/xvfb.log")"
export DISPLAY

# rdp HOST ARGS...: one connection; xfreerdp's own result does not matter
# (the servers have no session manager), the negotiation does.
rdp() {
	local host=$1
	shift
	net_exec cli timeout 10 xfreerdp /v:"$host" /cert:ignore \
	    /log-level:ERROR +auth-only /p:"Rdp-s3cret-$$" "$@" \
	    >>"$T/xfreerdp.log" 2>&1
	echo "xfreerdp $* -> $?" >>"$T/xfreerdp.log"
}
rdp 10.79.7.1 /u:radiologist /sec:tls
rdp 10.79.7.1 /u:nurse /d:WARD
rdp 10.79.7.1 /u:nurse /sec:rdp
rdp 10.79.7.1 /u:nurse "/load-balance-info:tsv://MS Terminal Services Plugin.1.Sessions"
rdp 10.79.7.1 /u:admin /restricted-admin
rdp 10.79.7.3 /u:nurse /sec:tls
rdp 10.79.7.4 /u:nurse /sec:tls
sleep 0.3
net_capture_stop

"$WARD" analyze --eve - -q "$cap" >"$T/eve.json" 2>"$T/ward.err" ||
    { cat "$T/ward.err" >&2; net_die "ward analyze failed"; }

/usr/bin/python3 - "$here" "$cap" "$T/eve.json" "$CLI" "Rdp-s3cret-$$" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import peercheck as pc

cap, eve, cli, pw = sys.argv[2:6]
ck = pc.Checker('rdp')
ck.no_secret(eve, pw)
ck.no_malformed(eve, ('rdp',))
rows = pc.tshark(cap, 'cotp.type == 0x0e || cotp.type == 0x0d', [
    'ip.src', 'tcp.srcport', 'tcp.dstport', 'ip.dst', 'cotp.type',
    'rdp.rt_cookie', 'rdp.negReq.requestedProtocols', 'rdp.negReq.flags',
    'rdp.negRsp.flags', 'rdp.negReq.selectedProtocol',
    'rdp.negFailure.failureCode', 'tcp.payload'])
ward = {}
for e in pc.events(eve, 'rdp'):
    w = pc.body(e)
    ward.setdefault((e['src_port'], w['type']), []).append(w)

ck.same('TPDUs', sum(len(v) for v in ward.values()), len(rows))
got = []
for r in rows:
    request = r['cotp.type'] == '0x0e'
    port = int(r['tcp.srcport'] if request else r['tcp.dstport'])
    kind = 'request' if request else 'confirm'
    ws = ward.get((port, kind), [])
    what = 'port %d %s' % (port, kind)
    ck.same(what + ' count', len(ws), 1)
    if not ws:
        continue
    w = ws[0]
    raw = bytes.fromhex(r['tcp.payload'].replace(':', ''))
    var = raw[11:]            # TPKT (4), LI, CR/CC, DST-REF, SRC-REF, class
    want = {}
    if request:
        if r['rdp.rt_cookie']:
            prefix = 'Cookie: mstshash='
            ck.check(r['rdp.rt_cookie'].startswith(prefix), what + ' cookie')
            want['cookie'] = pc.ward_text(r['rdp.rt_cookie'][len(prefix):])
        elif var[:1] not in (b'', b'\x01'):
            # A routing token tshark does not read: from the bytes.
            token, _, var = var.partition(b'\r\n')
            want['routing_token'] = pc.ward_text(token)
            r = dict(r)
            if var[:1] == b'\x01':
                r['rdp.negReq.flags'] = str(var[1])
                r['rdp.negReq.requestedProtocols'] = str(
                    int.from_bytes(var[4:8], 'little'))
        if r['rdp.negReq.requestedProtocols']:
            want['requested_protocols'] = pc.num(
                r['rdp.negReq.requestedProtocols'])
            want['neg_flags'] = pc.num(r['rdp.negReq.flags'])
    else:
        if r['rdp.negReq.selectedProtocol']:
            want['selected_protocol'] = pc.num(r['rdp.negReq.selectedProtocol'])
            want['neg_flags'] = pc.num(r['rdp.negRsp.flags'])
        if r['rdp.negFailure.failureCode']:
            want['failure_code'] = pc.num(r['rdp.negFailure.failureCode'])
            ck.same(what + ' failure type', var[:1], b'\x03')
            want['neg_flags'] = var[1]
    for k in ('cookie', 'routing_token', 'requested_protocols', 'neg_flags',
              'selected_protocol', 'failure_code'):
        ck.same('%s %s' % (what, k), w.get(k), want.get(k))
    got.append((r['ip.dst'] if request else r['ip.src'], kind,
                w.get('cookie') or w.get('routing_token'),
                w.get('protocols') or w.get('selected') or w.get('failure'),
                w.get('neg_flags')))

# The scenario, exactly, in the order the connections were made.
lb = 'tsv://MS Terminal Services Plugin.1.Sessions'
s1, s2, s3 = '10.79.7.1', '10.79.7.3', '10.79.7.4'
ck.same('scenario', got, [
    (s1, 'request', 'radiologist', 'ssl', 0), (s1, 'confirm', None, 'ssl', 1),
    (s1, 'request', 'nurse', 'ssl,hybrid', 0),
    (s1, 'confirm', None, 'ssl', 1),
    (s1, 'request', 'nurse', None, None), (s1, 'confirm', None, None, None),
    (s1, 'request', lb, 'ssl,hybrid', 0), (s1, 'confirm', None, 'ssl', 1),
    (s1, 'request', 'admin', 'ssl,hybrid', 1),
    (s1, 'confirm', None, 'ssl', 1),
    (s2, 'request', 'nurse', 'ssl', 0),
    (s2, 'confirm', None, 'ssl_cert_not_on_server', 0),
    (s3, 'request', 'nurse', 'ssl', 0), (s3, 'confirm', None, 'rdp', 1)])
ck.done('%d TPDUs' % len(rows))
PY
