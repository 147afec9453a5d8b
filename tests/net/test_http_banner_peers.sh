#!/bin/bash
# tests/net/test_http_banner_peers.sh - ward's http, dicom_file, banner and
# credential observations against real peers in network namespaces.
#
#   pacs   10.78.0.1: Python http.server (Basic realm on /private, POST
#                     sink) on 8080, vsftpd on 21 (a local user made for
#                     the run)
#   ws     10.78.0.2: curl (GET, GET with -u, POST of a Part 10 file with an
#                     MZ/PE preamble, multipart POST of one with an ELF
#                     preamble), curl ftp:// (login; Part 10 files sent
#                     with STOR and fetched with RETR over data connections
#                     set up by EPSV, PASV, EPRT and PORT; a listing)
# (PostgreSQL, MySQL and Telnet have their own: test_pgsql_peers.sh,
# test_mysql_peers.sh, test_telnet_peers.sh.)
#
# The capture on the switch is read by `$WARD analyze --eve -` and by
# tshark; every field ward and tshark both report is compared, and ward's
# own findings (Part 10 files, credentials without the password) are
# checked against what the scenario did. The FTP data connections ward
# gives to its ftp-data dissector (flow records with app ftp-data) must be
# the ones tshark's ftp-data dissector finds, set up by the same command.
# Exit 77 when not root.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
net_require tshark dumpcap curl vsftpd /usr/bin/python3 useradd userdel

net_init
FTPUSER="wardftp$$"
FTPPASS="Ftp-s3cret-$$"
HTTPPASS="Http-s3cret-$$"
cleanup_user() { userdel -r "$FTPUSER" >/dev/null 2>&1; }
trap 'st=$?; cleanup_user; (exit $st); net_cleanup' EXIT

net_switch
net_host pacs 02:00:00:78:00:01
net_host ws 02:00:00:78:00:02
net_addr pacs 10.78.0.1/24
net_addr ws 10.78.0.2/24

# A local user for vsftpd (PAM checks the shell against /etc/shells).
useradd -m -s /bin/bash "$FTPUSER" || net_die "useradd"
echo "$FTPUSER:$FTPPASS" | chpasswd || net_die "chpasswd"
mkdir -p /var/run/vsftpd/empty
cat >"$NET_TMP/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
pasv_enable=YES
connect_from_port_20=YES
seccomp_sandbox=NO
secure_chroot_dir=/var/run/vsftpd/empty
pam_service_name=vsftpd
ftpd_banner=Ward test FTP ready
CONF

python3 - "$NET_TMP" <<'PY'
# Part 10 files: the meta group, and a PE (MZ + e_lfanew -> "PE\0\0") or
# ELF preamble (CVE-2019-11687 polyglots), padded with data.
import struct, sys
def el(e, vr, v):
    if vr == 'OB':
        return struct.pack('<HH', 2, e) + b'OB\0\0' + struct.pack('<I', len(v)) + v
    return struct.pack('<HH', 2, e) + vr.encode() + struct.pack('<H', len(v)) + v
def part10(pre):
    pre = (pre + bytes(128))[:128]
    f = pre + b'DICM' + el(1, 'OB', b'\0\1') + \
        el(2, 'UI', b'1.2.840.10008.5.1.4.1.1.2\0') + \
        el(0x10, 'UI', b'1.2.840.10008.1.2.1\0') + el(0x13, 'SH', b'WARDTEST')
    f += struct.pack('<HH', 9, 0x1000) + b'OB\0\0' + struct.pack('<I', 16) + \
        b'\xcc' * 4 + b'PE\0\0' + b'\xcc' * 8
    if pre.startswith(b'MZ'):
        f = f[:0x3c] + struct.pack('<I', f.index(b'PE\0\0')) + f[0x40:]
    return f + bytes(4000)
open(sys.argv[1] + '/pe.dcm', 'wb').write(part10(b'MZ\x90\0'))
open(sys.argv[1] + '/elf.dcm', 'wb').write(part10(b'\x7fELF\x02\x01\x01'))
PY
chmod 644 "$NET_TMP"/*.dcm

cap="$NET_TMP/cap.pcapng"
net_capture_start "$cap"
net_host_up pacs
net_host_up ws
sleep 1

net_bg pacs "$NET_TMP/http.log" /usr/bin/python3 "$here/http_banner_server.py" \
    10.78.0.1 8080 clinician "$HTTPPASS"
net_bg pacs "$NET_TMP/vsftpd.log" vsftpd "$NET_TMP/vsftpd.conf"
net_wait_listen pacs tcp 8080 10 || net_die "http server did not start"
net_wait_listen pacs tcp 21 10 || net_die "vsftpd did not start"

C="curl -s -o /dev/null --max-time 10"
net_exec ws $C -A "ward-test/1" "http://10.78.0.1:8080/index.html?a=1"
net_exec ws $C "http://10.78.0.1:8080/private/study"
net_exec ws $C -u "clinician:$HTTPPASS" "http://10.78.0.1:8080/private/study"
net_exec ws $C -H "Expect:" -H "Content-Type: application/dicom" \
    --data-binary "@$NET_TMP/pe.dcm" "http://10.78.0.1:8080/dicomweb/studies"
net_exec ws $C -H "Expect:" -F "file=@$NET_TMP/elf.dcm;type=application/dicom" \
    "http://10.78.0.1:8080/dicomweb/studies"
# FTP: each transfer on its own control connection, so that each data
# connection is set up by one known command. curl tries EPSV (passive) and
# EPRT (active, -P) first; --disable-epsv and --disable-eprt make it use
# PASV and PORT.
F="ftp://$FTPUSER:$FTPPASS@10.78.0.1"
ftp()
{
	net_exec ws $C "$@" || net_die "curl $* failed"
}
ftp -T "$NET_TMP/pe.dcm" "$F/epsv.dcm"
ftp --disable-epsv -T "$NET_TMP/elf.dcm" "$F/pasv.dcm"
ftp -P 10.78.0.2 -T "$NET_TMP/pe.dcm" "$F/eprt.dcm"
ftp -P 10.78.0.2 --disable-eprt -T "$NET_TMP/elf.dcm" "$F/port.dcm"
ftp "$F/eprt.dcm"
ftp --disable-epsv -P 10.78.0.2 --disable-eprt "$F/pasv.dcm"
ftp "$F/"
sleep 0.5
net_capture_stop

"$WARD" analyze --eve - -q "$cap" >"$NET_TMP/eve.json" 2>"$NET_TMP/ward.err" ||
    { cat "$NET_TMP/ward.err" >&2; net_die "ward analyze failed"; }
tshark -r "$cap" -Y http.request -T fields -E separator='|' \
    -e http.request.method -e http.host -e http.request.uri \
    -e http.user_agent -e http.authbasic >"$NET_TMP/ts_req.txt"
tshark -r "$cap" -Y http.response -T fields -E separator='|' \
    -e http.response.code -e http.response.phrase -e http.server \
    -e http.content_type -e http.www_authenticate >"$NET_TMP/ts_resp.txt"
tshark -r "$cap" -Y 'ftp.request or ftp.response' -T fields -E separator='|' \
    -e ftp.request.command -e ftp.request.arg -e ftp.response.code \
    -e ftp.response.arg >"$NET_TMP/ts_ftp.txt"
# One row per ftp-data segment: the endpoints and the frame that set the
# connection up. tshark does not follow EPRT (it finds that connection by
# its source port 20 alone: the setup frame is the data connection's own
# SYN, the setup method empty), and its ftp-data.command is the last
# command before the connection (curl sends TYPE I, connects, then sends
# STOR), so both are read from the control connection instead: the
# command or reply at the setup frame (for EPRT, the last setup command
# before it), and the next transfer command on that connection.
tshark -r "$cap" -Y ftp-data -T fields -E separator='|' -e tcp.stream \
    -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport \
    -e ftp-data.setup-frame >"$NET_TMP/ts_ftpdata.txt"
tshark -r "$cap" -Y 'ftp.request or ftp.response' -T fields -E separator='|' \
    -e frame.number -e tcp.stream -e ftp.request.command \
    -e ftp.response.code >"$NET_TMP/ts_ftpctl.txt"

/usr/bin/python3 - "$NET_TMP" "$FTPUSER" "$FTPPASS" "$HTTPPASS" <<'PY'
import json, sys
d, ftpuser, ftppass, httppass = sys.argv[1:]
ev = [json.loads(l) for l in open(d + '/eve.json')]
raw = open(d + '/eve.json').read()
fail = []
def check(cond, what):
    if not cond:
        fail.append(what)

# A password never reaches ward's output, in any form.
check(ftppass not in raw and httppass not in raw, 'a password is in the EVE output')

http = [e['http'] for e in ev if e['event_type'] == 'http']
reqs = [h for h in http if h['type'] == 'request']
resps = [h for h in http if h['type'] == 'response']
def rows(name):
    return [l.rstrip('\n').split('|') for l in open(d + '/' + name) if l.strip()]
# tshark: method|host|uri|user_agent|authbasic, one row per request.
ts = rows('ts_req.txt')
check(len(ts) == len(reqs), 'requests: tshark %d, ward %d' % (len(ts), len(reqs)))
for t, w in zip(ts, reqs):
    check(t[0] == w.get('method'), 'method %r %r' % (t[0], w))
    check(t[1] == w.get('host', ''), 'host %r %r' % (t[1], w))
    # No query parameter here is named like a secret: the URIs agree.
    check(t[2] == w.get('uri'), 'uri %r %r' % (t[2], w))
    check(t[3] == w.get('user_agent', ''), 'user_agent %r %r' % (t[3], w))
    # tshark prints the decoded user:password (http.authbasic); ward keeps
    # only that Basic was used, and the user name in a credential event.
    check(bool(t[4]) == (w.get('auth_scheme') == 'Basic'), 'auth %r' % w)
ts = rows('ts_resp.txt')
check(len(ts) == len(resps), 'responses: tshark %d, ward %d' % (len(ts), len(resps)))
for t, w in zip(ts, resps):
    check(int(t[0]) == w.get('status'), 'status %r %r' % (t[0], w))
    check(t[1] == w.get('reason'), 'reason %r %r' % (t[1], w))
    check(t[2] == w.get('server', ''), 'server %r %r' % (t[2], w))
    check(t[3] == w.get('content_type', ''), 'ctype %r %r' % (t[3], w))
    # tshark gives the whole challenge; ward its scheme and realm.
    if t[4]:
        check(t[4] == '%s realm="%s"' % (w.get('auth_scheme'), w.get('realm')),
              'www-authenticate %r %r' % (t[4], w))

creds = [e['credential'] for e in ev if e['event_type'] == 'credential']
check({'protocol': 'http', 'scheme': 'basic', 'user': 'clinician',
       'password': True, 'target': '10.78.0.1:8080'} in creds, 'http credential %r' % creds)

# FTP: tshark's commands and replies against ward's banner and credential.
ftp = rows('ts_ftp.txt')
greet = [r for r in ftp if r[2] == '220']
banners = [e['banner'] for e in ev if e['event_type'] == 'banner' and
           e['banner']['protocol'] == 'ftp']
# One banner per control connection, each the 220 tshark decoded.
check(len(banners) == len(greet) and greet, 'ftp banners %r vs %r' % (banners, greet))
for b in banners:
    check(b.get('banner') == greet[0][3] and b.get('code') == 220,
          'ftp banner %r vs %r' % (b, greet[0]))
users = [r[1] for r in ftp if r[0] == 'USER']
passes = [r for r in ftp if r[0] == 'PASS']
fcreds = [c for c in creds if c['protocol'] == 'ftp']
check(len(fcreds) == len(passes), 'ftp logins: tshark %d, ward %d' % (len(passes), len(fcreds)))
check([c['user'] for c in fcreds] == users, 'ftp users %r %r' % (fcreds, users))

# FTP data connections: tshark's ftp-data streams, ward's ftp-data flows.
ctl = [(int(r[0]), r[1], r[2], r[3]) for r in rows('ts_ftpctl.txt')]
def setup(frame):
    if not any(n == frame for n, _, _, _ in ctl):
        before = [n for n, _, cmd, code in ctl if n < frame and
                  (cmd in ('PORT', 'EPRT') or code in ('227', '229'))]
        frame = before[-1] if before else frame
    for n, stream, cmd, code in ctl:
        if n == frame:
            method = cmd or {'227': 'PASV', '229': 'EPSV'}.get(code, code)
            xfer = [c for m, st, c, _ in ctl if st == stream and m > n and
                    c in ('STOR', 'RETR', 'LIST', 'NLST')]
            return method, xfer[0] if xfer else ''
    return '', ''
seen = {}
for r in rows('ts_ftpdata.txt'):
    seen.setdefault(r[0], r)
ts_data = {}
for r in seen.values():
    # Keyed by the four-tuple, whichever side sent the first segment.
    key = frozenset([(r[1], int(r[2])), (r[3], int(r[4]))])
    ts_data[key] = setup(int(r[5]))
wflows = [e['flow'] for e in ev if e['event_type'] == 'flow' and
          e['flow'].get('app') == 'ftp-data']
w_data = {}
for f in wflows:
    key = frozenset([(f['src_ip'], f['src_port']), (f['dst_ip'], f['dst_port'])])
    w_data[key] = f
check(set(w_data) == set(ts_data), 'ftp-data connections: ward %r, tshark %r' %
      (sorted(map(sorted, w_data)), sorted(map(sorted, ts_data))))
methods = sorted(m for m, _ in ts_data.values())
check(methods == ['EPRT', 'EPSV', 'EPSV', 'EPSV', 'PASV', 'PORT', 'PORT'],
      'ftp-data set up by %r' % methods)
# An active connection comes from the server (port 20 with vsftpd).
for key, (m, cmd) in ts_data.items():
    f = w_data.get(key)
    if f is None:
        continue
    active = m in ('PORT', 'EPRT')
    check((f['src_ip'] == '10.78.0.1') == active and
          (not active or f['src_port'] == 20),
          'ftp-data %s initiator %r' % (m, f))
    svc = [e['service'] for e in ev if e['event_type'] == 'service' and
           e['service']['flow_id'] == f['flow_id']]
    check(len(svc) == 1 and svc[0].get('app') == 'ftp-data',
          'ftp-data %s service %r' % (m, svc))
print('ftp-data: %d connections, set up by %s, for %s' % (len(w_data),
      ','.join(methods), ','.join(sorted(c for _, c in ts_data.values()))))

# Part 10 files: one PE in a plain POST body, one ELF in a multipart
# POST, the four FTP uploads and two downloads (tshark has no
# CVE-2019-11687 check). An upload is sent by the client, a download by
# the server.
dfe = [e for e in ev if e['event_type'] == 'dicom_file']
files = [e['dicom_file'] for e in dfe]
want = [('http', 'pe', None), ('http', 'elf', 1)] + \
    [('ftp', p, None) for p in ('pe', 'elf', 'pe', 'elf', 'pe', 'elf')]
got = [(f['carrier'], f['preamble'], f.get('part')) for f in files]
check(sorted(got, key=str) == sorted(want, key=str), 'dicom files %r' % got)
ftp_ids = {f['flow_id']: f for f in wflows}
for e in dfe:
    if e['dicom_file']['carrier'] != 'ftp':
        continue
    f = ftp_ids.get(e['flow_id'])
    check(f is not None, 'ftp file on a flow not ftp-data: %r' % e)
    if f is None:
        continue
    m, cmd = ts_data.get(frozenset([(f['src_ip'], f['src_port']),
        (f['dst_ip'], f['dst_port'])]), (None, ''))
    check(cmd in ('STOR', 'RETR'), 'file on a %s data connection' % cmd)
    sender = '10.78.0.2' if cmd == 'STOR' else '10.78.0.1'
    check(e['subject']['ip'] == sender, 'file of %r sent by %r' %
          (cmd, e['subject']))
for f in files:
    check(f['cve_2019_11687'] and f.get('sop_class') == '1.2.840.10008.5.1.4.1.1.2'
          and f.get('transfer_syntax') == '1.2.840.10008.1.2.1', 'file %r' % f)
mal = [e for e in ev if e['event_type'] == 'malformed']
check(not mal, 'malformed %r' % mal[:3])
if fail:
    print('\n'.join('FAIL: ' + f for f in fail))
    sys.exit(1)
print('ok: %d requests, %d responses, %d credentials, %d files' %
      (len(reqs), len(resps), len(creds), len(files)))
PY
