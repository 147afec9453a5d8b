#!/bin/bash
# tests/net/test_mysql_peers.sh - ward's MySQL banners and credentials
# against a real MariaDB server and client, compared with tshark field by
# field.
#
#   db  10.79.2.1: mariadbd (a data directory made by mariadb-install-db in
#                  the test's directory, TLS with a certificate made here);
#                  user radiology@10.79.2.2 with a password, database ris
#   ws  10.79.2.2: mariadb logging in to ris; once with a wrong password;
#                  once with --ssl (TLS after the SSLRequest); once with
#                  --default-auth=mysql_clear_password (the password in
#                  clear in the login request; the server then switches
#                  the client to its own method)
#   ws2 10.79.2.3: mariadb, from a host the server does not know: the
#                  server answers the connection with an ERR packet (1130)
#                  instead of its greeting
#
# Compared per connection (keyed by the client's port):
#   server banner  version = mysql.version, connection_id =
#                  mysql.thread_id, protocol_version = mysql.protocol,
#                  auth_plugin = mysql.auth_plugin; for the refused host,
#                  error_code = mysql.error_code and banner =
#                  mysql.error.message
#   credential     user = mysql.user, target = mysql.schema, scheme =
#                  mysql.client_auth_plugin (the HandshakeResponse41's)
# Differences, each checked as such:
#   - tshark shows the client's scramble, or with mysql_clear_password the
#     password itself, as mysql.passwd; ward never keeps either: password
#     is false for mysql_native_password, true for mysql_clear_password
#     (checked against tshark's mysql.passwd being the password), and the
#     password is nowhere in ward's output.
#   - the wrong-password login still gives a credential (the user name
#     crossed); tshark shows the ERR 1045 after it, ward reports only logins.
#   - the --ssl login: tshark shows the SSLRequest (a short login request
#     with mysql.caps.sl set and no user) then TLS; ward reports the
#     greeting and no credential.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, without namespaces, or without mariadbd or the mariadb client.
# MYSQL_KEEP=1 keeps the capture and outputs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NET_BASE=wpeer-my
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
net_require tshark dumpcap mariadbd mariadb mariadb-install-db openssl \
    /usr/bin/python3
id mysql >/dev/null 2>&1 || { echo "SKIP: no mysql user" >&2; exit 77; }

net_init
[ "${MYSQL_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
T=$NET_TMP
SRV=10.79.2.1
CLI=10.79.2.2
CLI2=10.79.2.3
PW="My-s3cret-$$"

net_switch
net_host db 02:00:00:79:02:01
net_host ws 02:00:00:79:02:02
net_host ws2 02:00:00:79:02:03
net_addr db "$SRV/24"
net_addr ws "$CLI/24"
net_addr ws2 "$CLI2/24"
cap="$T/mysql.pcapng"
net_capture_start "$cap"
for h in db ws ws2; do
	net_host_up "$h"
done

D="$T/my"
mkdir -p "$D/data"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/server.key" \
    -out "$D/server.crt" -days 2 -subj "/CN=db.ward.test" >/dev/null 2>&1 ||
    net_die "openssl req"
cat >"$D/init.sql" <<EOF
CREATE DATABASE IF NOT EXISTS ris;
CREATE USER IF NOT EXISTS 'radiology'@'$CLI' IDENTIFIED BY '$PW';
GRANT ALL ON ris.* TO 'radiology'@'$CLI';
EOF
chown -R mysql:mysql "$D"
chmod 600 "$D/init.sql"
mariadb-install-db --no-defaults --user=mysql --datadir="$D/data" \
    --auth-root-authentication-method=socket --skip-test-db \
    >"$D/install.log" 2>&1 ||
    { cat "$D/install.log" >&2; net_die "mariadb-install-db failed"; }
net_bg db "$D/server.log" mariadbd --no-defaults --user=mysql \
    --datadir="$D/data" --socket="$D/sock" --pid-file="$D/pid" \
    --bind-address="$SRV" --port=3306 --skip-name-resolve \
    --init-file="$D/init.sql" --skip-log-bin --innodb-buffer-pool-size=16M \
    --ssl-cert="$D/server.crt" --ssl-key="$D/server.key"
net_wait_listen db tcp 3306 60 ||
    { cat "$D/server.log" >&2; net_die "mariadbd did not listen"; }

# mariadb NAMESPACE PASSWORD ARGS...: one login, the query "select 1".
login() {
	local ns=$1 pw=$2
	shift 2
	MYSQL_PWD=$pw net_exec "$ns" mariadb --no-defaults -h "$SRV" \
	    --connect-timeout=5 -u radiology "$@" -e 'select 1' \
	    >>"$T/client.log" 2>&1
}
fail=0
login ws "$PW" --skip-ssl -D ris || { echo "login failed" >&2; fail=1; }
login ws "wrong-$$" --skip-ssl &&
    { echo "a wrong password logged in" >&2; fail=1; }
login ws2 "$PW" --skip-ssl &&
    { echo "an unknown host logged in" >&2; fail=1; }
login ws "$PW" --ssl --ssl-verify-server-cert=0 -D ris ||
    { echo "login with --ssl failed" >&2; fail=1; }
login ws "$PW" --skip-ssl --default-auth=mysql_clear_password ||
    { echo "login with mysql_clear_password failed" >&2; fail=1; }
sleep 0.3
net_capture_stop
[ "$fail" = 0 ] || { cat "$T/client.log" >&2; exit 1; }

"$WARD" analyze --eve - -q "$cap" >"$T/eve.json" 2>"$T/ward.err" ||
    { cat "$T/ward.err" >&2; net_die "ward analyze failed"; }

/usr/bin/python3 - "$here" "$cap" "$T/eve.json" "$SRV" "$PW" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import peercheck as pc

cap, eve, srv, pw = sys.argv[2:6]
ck = pc.Checker('mysql')
ck.no_secret(eve, pw)
ck.no_malformed(eve, ('mysql',))

rows = pc.tshark(cap, 'mysql', [
    'ip.src', 'tcp.srcport', 'tcp.dstport', 'mysql.version',
    'mysql.thread_id', 'mysql.protocol', 'mysql.auth_plugin', 'mysql.user',
    'mysql.schema', 'mysql.client_auth_plugin', 'mysql.error_code',
    'mysql.error.message', 'mysql.caps.sl', 'mysql.passwd'])
flows = {}
for r in rows:
    server = r['ip.src'] == srv
    port = int(r['tcp.dstport'] if server else r['tcp.srcport'])
    f = flows.setdefault(port, {'greeting': None, 'error': None,
                                'login': None, 'ssl': False})
    if server and r['mysql.version']:
        f['greeting'] = r
    elif server and r['mysql.error_code'] and f['greeting'] is None:
        f['error'] = r          # the server's first packet: refused
    elif not server and r['mysql.user']:
        f['login'] = r
    elif not server and r['mysql.caps.sl'] in ('1', 'True') and \
            f['login'] is None:
        f['ssl'] = True         # SSLRequest: no user, TLS next

ward = {}
for e in pc.events(eve):
    if e['event_type'] in ('banner', 'credential') and \
            pc.body(e).get('protocol') == 'mysql':
        w = ward.setdefault(e['src_port'], {'banner': [], 'credential': []})
        w[e['event_type']].append(pc.body(e))

ck.same('connections', len(flows), 5)
ck.same('connections ward saw', sorted(ward), sorted(flows))
got = []
for port, f in flows.items():
    w = ward.get(port, {'banner': [], 'credential': []})
    ck.same('port %d banners' % port, len(w['banner']), 1)
    b = w['banner'][0] if w['banner'] else {}
    g = f['greeting']
    if g is not None:
        ck.same('port %d version' % port, b.get('version'), g['mysql.version'])
        ck.same('port %d banner' % port, b.get('banner'), g['mysql.version'])
        ck.same('port %d connection_id' % port, b.get('connection_id'),
                pc.num(g['mysql.thread_id']))
        ck.same('port %d protocol_version' % port, b.get('protocol_version'),
                pc.num(g['mysql.protocol']))
        ck.same('port %d auth_plugin' % port, b.get('auth_plugin'),
                g['mysql.auth_plugin'])
        ck.check('MariaDB' in g['mysql.version'], 'not MariaDB: %r' % g)
    else:
        err = f['error']
        ck.check(err is not None, 'port %d: no greeting, no error' % port)
        if err is not None:
            ck.same('port %d error_code' % port, b.get('error_code'),
                    pc.num(err['mysql.error_code']))
            ck.same('port %d error message' % port, b.get('banner'),
                    err['mysql.error.message'])
            ck.same('error code', b.get('error_code'), 1130)
    l = f['login']
    if l is None:
        ck.same('port %d credentials' % port, w['credential'], [])
        got.append('ssl' if f['ssl'] else 'refused')
        continue
    ck.same('port %d credentials' % port, len(w['credential']), 1)
    c = w['credential'][0] if w['credential'] else {}
    ck.same('port %d user' % port, c.get('user'), l['mysql.user'])
    ck.same('port %d target' % port, c.get('target'), l['mysql.schema'] or None)
    ck.same('port %d scheme' % port, c.get('scheme'),
            l['mysql.client_auth_plugin'])
    clear = l['mysql.client_auth_plugin'] == 'mysql_clear_password'
    ck.same('port %d password' % port, c.get('password'), clear)
    # mysql.passwd: the scramble, or the password and its NUL in clear.
    ck.same('port %d password in clear' % port,
            bytes.fromhex(l['mysql.passwd'].replace(':', '')) ==
            pw.encode() + b'\0', clear)
    got.append((c.get('user'), c.get('target'), c.get('scheme')))

ck.same('scenario', got, [
    ('radiology', 'ris', 'mysql_native_password'),
    ('radiology', None, 'mysql_native_password'), 'refused', 'ssl',
    ('radiology', None, 'mysql_clear_password')])
ck.done('%d connections' % len(flows))
PY
