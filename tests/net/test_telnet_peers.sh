#!/bin/bash
# tests/net/test_telnet_peers.sh - ward's Telnet banner and cleartext login
# against a real telnetd and telnet client, compared with tshark.
#
#   srv 10.79.3.1: telnetd (GNU inetutils), one per connection, started by
#                  socat as inetd would (the socket is its stdin and stdout)
#                  and running /bin/login for a local user made for the run
#   cli 10.79.3.2: telnet (GNU inetutils) fed line by line from a FIFO: a
#                  login with a wrong password, then the right one, a
#                  command, exit
#
# Compared with tshark's telnet dissector:
#   banner      the server's data (tshark's telnet.data, option negotiation
#               removed) up to and including the first login prompt, with
#               the blank lines around it trimmed
#   credential  one per password prompt answered; user = the line the
#               client typed after each login prompt (telnet.data)
# Differences, each checked as such:
#   - tshark shows the password the client typed (telnet.data); ward counts
#     its bytes and never keeps them: the test checks that tshark saw it
#     and that it is nowhere in ward's output.
#   - telnetd ends some negotiation segments with a NUL byte: tshark shows
#     it as an empty telnet.data, ward drops it (RFC 854: NUL is the NVT's
#     no-operation, no text).
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, without namespaces, or without telnetd, telnet or socat.
# TELNET_KEEP=1 keeps the capture and outputs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NET_BASE=wpeer-tn
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
net_require tshark dumpcap /usr/sbin/telnetd telnet socat useradd userdel \
    chpasswd mkfifo /usr/bin/python3

net_init
[ "${TELNET_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
T=$NET_TMP
SRV=10.79.3.1
CLI=10.79.3.2
TNUSER="wardtn$$"
TNPASS="Tn-s3cret-$$"
WRONG="Wrong-s3cret-$$"
cleanup_user() { userdel -r "$TNUSER" >/dev/null 2>&1; }
trap 'st=$?; exec 9>&- 2>/dev/null; cleanup_user; (exit $st); net_cleanup' EXIT

net_switch
net_host srv 02:00:00:79:03:01
net_host cli 02:00:00:79:03:02
net_addr srv "$SRV/24"
net_addr cli "$CLI/24"
useradd -m -s /bin/sh "$TNUSER" || net_die "useradd"
echo "$TNUSER:$TNPASS" | chpasswd || net_die "chpasswd"

cap="$T/telnet.pcapng"
net_capture_start "$cap"
net_host_up srv
net_host_up cli

# nofork: socat execs telnetd itself, the accepted socket as its stdio.
net_bg srv "$T/socat.log" socat \
    "TCP4-LISTEN:23,bind=$SRV,reuseaddr,fork" "EXEC:/usr/sbin/telnetd,nofork"
net_wait_listen srv tcp 23 10 || net_die "nothing listens on 23"

out="$T/telnet.out"
mkfifo "$T/in"
# The test writes the FIFO on fd 9 (opened read-write, so it never blocks);
# telnet reads it as its standard input.
exec 9<>"$T/in"
net_bg cli "$out" sh -c "exec telnet $SRV <'$T/in'"
tnpid=$NET_LAST_PID

# wait_count PATTERN N: until the client's output holds PATTERN N times.
wait_count() {
	local n=100
	while [ "$(grep -a -o -- "$1" "$out" 2>/dev/null | wc -l)" -lt "$2" ]; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || { cat "$out" >&2; net_die "no '$1' ($2) from telnetd"; }
		sleep 0.1
	done
}
wait_count 'login: ' 1
echo "$TNUSER" >&9
wait_count 'Password: ' 1
echo "$WRONG" >&9
wait_count 'login: ' 2		# after "Login incorrect" and a delay
echo "$TNUSER" >&9
wait_count 'Password: ' 2
echo "$TNPASS" >&9
sleep 1
echo 'echo ward-$((6 * 7))' >&9
wait_count 'ward-42' 1
echo exit >&9
n=50
while kill -0 "$tnpid" 2>/dev/null && [ "$n" -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
exec 9>&-
net_capture_stop

"$WARD" analyze --eve - -q "$cap" >"$T/eve.json" 2>"$T/ward.err" ||
    { cat "$T/ward.err" >&2; net_die "ward analyze failed"; }

/usr/bin/python3 - "$here" "$cap" "$T/eve.json" "$SRV" "$TNUSER" \
    "$TNPASS" "$WRONG" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import peercheck as pc

cap, eve, srv, user, pw, wrong = sys.argv[2:8]
ck = pc.Checker('telnet')
ck.no_secret(eve, pw, wrong)
ck.no_malformed(eve, ('telnet',))


def text(v):
    # tshark prints CR and LF in telnet.data as \r and \n.
    return v.replace('\\r', '\r').replace('\\n', '\n')


rows = pc.tshark(cap, 'telnet.data', ['ip.src', 'telnet.data'])
server = ''
client_lines = []
line = ''
prompts = 0
for r in rows:
    data = ''.join(text(d) for d in pc.split(r['telnet.data']))
    if r['ip.src'] == srv:
        server += data
    else:
        for ch in data:
            if ch in '\r\n':
                if line:
                    client_lines.append(line)
                line = ''
            else:
                line += ch
# The typed lines: user, wrong password, user, password, command, exit.
ck.same('client lines', client_lines[:4], [user, wrong, user, pw])

# tshark's banner: up to and including the first prompt, blank lines and
# spaces around trimmed.
end = server.index('login:') + len('login:')
want = server[:end].strip('\r\n ')
banners = [pc.body(e) for e in pc.events(eve, 'banner')
           if pc.body(e).get('protocol') == 'telnet'
           and pc.body(e).get('login') != 'failed']
# The refused login is reported once, with its user.
refused = [pc.body(e) for e in pc.events(eve, 'banner')
           if pc.body(e).get('login') == 'failed']
ck.same('refused logins', [(r.get('protocol'), r.get('user'))
                           for r in refused], [('telnet', user)])
ck.same('banners', len(banners), 1)
if banners:
    ck.same('banner', banners[0].get('banner'), pc.ward_text(want))
    ck.same('banner role', banners[0].get('role'), 'server')
    ck.check('login:' in banners[0].get('banner', ''), 'no prompt in %r' %
             banners[0])
prompts = server.count('Password:')
creds = [pc.body(e) for e in pc.events(eve, 'credential')
         if pc.body(e).get('protocol') == 'telnet']
ck.same('credentials (one per password prompt)', len(creds), prompts)
ck.same('credentials', [(c.get('user'), c.get('scheme'), c.get('password'))
                        for c in creds],
        [(client_lines[0], 'login', True), (client_lines[2], 'login', True)])
ck.same('scenario users', [c.get('user') for c in creds], [user, user])
ck.check('Login incorrect' in server, 'telnetd did not refuse the wrong password')
ck.check('ward-42' in server, 'the command did not run after the login')
ck.done('banner %r, %d logins' % (want[:40], len(creds)))
PY
