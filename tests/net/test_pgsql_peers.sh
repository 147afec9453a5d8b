#!/bin/bash
# tests/net/test_pgsql_peers.sh - ward's PostgreSQL banners and credentials
# against a real server and client, compared with tshark field by field.
#
#   db 10.79.1.1: postgres (a cluster made by initdb in the test's directory,
#                 run as the postgres user, listening on 10.79.1.1:5432);
#                 pg_hba asks `clear` for a cleartext password, `md5u` for
#                 MD5, `scramu` for SCRAM-SHA-256 and lets `trustu` in
#   ws 10.79.1.2: psql logging in as each (SSL off on the server, so every
#                 SSLRequest is answered N; `clear` sends none, with
#                 sslmode=disable), md5u once with a wrong
#                 password; then SSL is turned on (reload) and `clear`
#                 logs in with sslmode=require
#
# ward's banner and credential events are compared with tshark's pgsql
# fields, flow by flow:
#   client banner  user, database, application_name: the StartupMessage's
#                  pgsql.parameter_name/value; protocol_version:
#                  pgsql.version_major; ssl_refused: an SSL request in the
#                  flow followed by more plain PostgreSQL (tshark has no
#                  field for the one-byte N)
#   server banner  version: the ParameterStatus server_version
#   credential     scheme: the first pgsql.authtype the server sent (3
#                  cleartext, 5 md5, 10 sasl, 0 trust); user and target:
#                  the startup's user and database; password: a Password
#                  message answered a cleartext request
# Differences, each checked as such:
#   - tshark shows the cleartext password (pgsql.password) and the MD5
#     hash; ward never keeps either: the test checks that tshark saw the
#     password and that it is nowhere in ward's output.
#   - ward reports a credential when the server names the method, before
#     the outcome: the wrong-password login gives one too (tshark shows the
#     Error that follows).
#   - the sslmode=require login is TLS after the SSLRequest: tshark and
#     ward both see no startup message, ward reports nothing for the flow.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, without namespaces, or without PostgreSQL's server or psql.
# PGSQL_KEEP=1 keeps the capture and outputs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NET_BASE=wpeer-pg
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] && [ -x "$pgbin/postgres" ] && [ -x "$pgbin/initdb" ] || {
	echo "SKIP: no PostgreSQL server (postgresql in scripts/deps-test.txt)" >&2
	exit 77
}
net_require tshark dumpcap psql openssl runuser /usr/bin/python3
id postgres >/dev/null 2>&1 || { echo "SKIP: no postgres user" >&2; exit 77; }

net_init
[ "${PGSQL_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
T=$NET_TMP
SRV=10.79.1.1
CLI=10.79.1.2
PW_CLEAR="Clear-s3cret-$$"
PW_MD5="Md5-s3cret-$$"
PW_SCRAM="Scram-s3cret-$$"

net_switch
net_host db 02:00:00:79:01:01
net_host ws 02:00:00:79:01:02
net_addr db "$SRV/24"
net_addr ws "$CLI/24"
cap="$T/pgsql.pcapng"
net_capture_start "$cap"
net_host_up db
net_host_up ws

D="$T/pg"
mkdir -p "$D/data" "$D/sock"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/server.key" \
    -out "$D/server.crt" -days 2 -subj "/CN=db.ward.test" >/dev/null 2>&1 ||
    net_die "openssl req"
echo "initdb-$$" >"$D/pw"
chown -R postgres "$D"
chmod 600 "$D/server.key"
runuser -u postgres -- "$pgbin/initdb" -D "$D/data" -U postgres \
    --pwfile="$D/pw" -A scram-sha-256 >"$D/initdb.log" 2>&1 ||
    { cat "$D/initdb.log" >&2; net_die "initdb failed"; }
cat >"$D/data/pg_hba.conf" <<EOF
local all postgres trust
host all clear $CLI/32 password
host all md5u $CLI/32 md5
host all scramu $CLI/32 scram-sha-256
host all trustu $CLI/32 trust
EOF
# SSL in the file, not on the command line, so ALTER SYSTEM can turn it on.
cat >>"$D/data/postgresql.conf" <<EOF
ssl = off
ssl_cert_file = '$D/server.crt'
ssl_key_file = '$D/server.key'
EOF
net_bg db "$D/server.log" runuser -u postgres -- "$pgbin/postgres" \
    -D "$D/data" -c listen_addresses="$SRV" -c port=5432 \
    -c unix_socket_directories="$D/sock" -c password_encryption=md5 \
    -c logging_collector=off
net_wait_listen db tcp 5432 30 || { cat "$D/server.log" >&2; net_die "postgres did not listen"; }

admin() {
	net_exec db runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 \
	    -h "$D/sock" -U postgres "$@" >>"$D/admin.log" 2>&1 ||
	    { cat "$D/admin.log" >&2; net_die "psql admin: $*"; }
}
admin -c "CREATE USER clear PASSWORD '$PW_CLEAR'"
admin -c "CREATE USER md5u PASSWORD '$PW_MD5'"
admin -c "SET password_encryption = 'scram-sha-256'" \
    -c "CREATE USER scramu PASSWORD '$PW_SCRAM'"
admin -c "CREATE USER trustu"
admin -c "CREATE DATABASE ward OWNER clear"

# psql CONNINFO PASSWORD: one login from ws, the query "select 1".
login() {
	PGPASSWORD=$2 PGCONNECT_TIMEOUT=5 net_exec ws psql -X -q -w -At \
	    "$1" -c 'select 1' >>"$T/psql.log" 2>&1
}
fail=0
login "host=$SRV user=clear dbname=ward application_name=ward-test sslmode=disable" \
    "$PW_CLEAR" || { echo "psql clear failed" >&2; fail=1; }
login "host=$SRV user=md5u dbname=postgres" "$PW_MD5" ||
    { echo "psql md5u failed" >&2; fail=1; }
login "host=$SRV user=scramu dbname=postgres application_name=pacs-sync" \
    "$PW_SCRAM" || { echo "psql scramu failed" >&2; fail=1; }
login "host=$SRV user=trustu dbname=postgres" "" ||
    { echo "psql trustu failed" >&2; fail=1; }
login "host=$SRV user=md5u dbname=postgres" "wrong-$$" &&
    { echo "psql md5u with a wrong password logged in" >&2; fail=1; }
# SSL is reloadable: the last login is TLS after its SSLRequest.
admin -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()"
sleep 0.5
login "host=$SRV user=clear dbname=ward sslmode=require" "$PW_CLEAR" ||
    { echo "psql clear with sslmode=require failed" >&2; fail=1; }
sleep 0.3
net_capture_stop
[ "$fail" = 0 ] || { cat "$T/psql.log" >&2; exit 1; }

"$WARD" analyze --eve - -q "$cap" >"$T/eve.json" 2>"$T/ward.err" ||
    { cat "$T/ward.err" >&2; net_die "ward analyze failed"; }

/usr/bin/python3 - "$here" "$cap" "$T/eve.json" "$CLI" \
    "$PW_CLEAR" "$PW_MD5" "$PW_SCRAM" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import peercheck as pc

cap, eve, cli = sys.argv[2:5]
secrets = sys.argv[5:8]
ck = pc.Checker('pgsql')
ck.no_secret(eve, *secrets)
ck.no_malformed(eve, ('postgresql',))

rows = pc.tshark(cap, 'pgsql', ['tcp.stream', 'ip.src', 'tcp.srcport',
                                'tcp.dstport', 'pgsql.type',
                                'pgsql.version_major', 'pgsql.parameter_name',
                                'pgsql.parameter_value', 'pgsql.authtype',
                                'pgsql.password'])
# tshark's view of each connection, keyed by the client's port.
flows = {}
for r in rows:
    client = r['ip.src'] == cli
    port = int(r['tcp.srcport'] if client else r['tcp.dstport'])
    f = flows.setdefault(port, {'ssl': False, 'startup': None, 'auth': [],
                                'password': [], 'version': None,
                                'after_ssl': False})
    types = pc.split(r['pgsql.type'])
    names = pc.split(r['pgsql.parameter_name'])
    values = pc.split(r['pgsql.parameter_value'])
    if client:
        if 'SSL request' in types:
            f['ssl'] = True
        if 'Startup message' in types:
            f['startup'] = dict(zip(names, values))
            f['major'] = pc.num(r['pgsql.version_major'])
            f['after_ssl'] = f['ssl']
        f['password'] += pc.split(r['pgsql.password'])
    else:
        f['auth'] += [int(a) for a in pc.split(r['pgsql.authtype'])]
        params = dict(zip(names, values))
        if 'server_version' in params:
            f['version'] = params['server_version']

ward = {}
refused = []  # banners with login 'failed': the server said no
for e in pc.events(eve):
    if e['event_type'] not in ('banner', 'credential'):
        continue
    b = pc.body(e)
    if b.get('protocol') != 'postgresql':
        continue
    w = ward.setdefault(e['src_port'], {'client': [], 'server': [],
                                        'credential': []})
    if b.get('login') == 'failed':
        refused.append((b.get('user'), e['src_port']))
        continue
    w[b['role'] if e['event_type'] == 'banner' else 'credential'].append(b)

ck.same('connections seen by tshark', len(flows), 6)
SCHEME = {3: 'cleartext', 5: 'md5', 10: 'sasl', 0: 'trust'}
users = []
for port, f in flows.items():  # in the order the connections began
    w = ward.get(port, {'client': [], 'server': [], 'credential': []})
    if f['startup'] is None:
        # sslmode=require: TLS after the SSLRequest, nothing in clear.
        ck.check(f['ssl'], 'port %d: no startup and no SSL request' % port)
        ck.same('port %d: ward events of a TLS connection' % port,
                sum(len(v) for v in w.values()), 0)
        continue
    s = f['startup']
    users.append(s.get('user'))
    ck.same('port %d: client banners' % port, len(w['client']), 1)
    if w['client']:
        c = w['client'][0]
        for k in ('user', 'database', 'application_name'):
            ck.same('port %d %s' % (port, k), c.get(k), s.get(k))
        ck.same('port %d protocol_version' % port, c.get('protocol_version'),
                f['major'])
        ck.same('port %d ssl_refused' % port, c.get('ssl_refused', False),
                f['after_ssl'])
    # A server that let the client in reports its version.
    ck.same('port %d server version' % port,
            [b.get('version') for b in w['server']],
            [f['version']] if f['version'] else [])
    ck.same('port %d credentials' % port, len(w['credential']), 1)
    if w['credential'] and f['auth']:
        c = w['credential'][0]
        first = f['auth'][0]
        ck.same('port %d scheme' % port, c.get('scheme'), SCHEME.get(first))
        ck.same('port %d user' % port, c.get('user'), s.get('user'))
        ck.same('port %d target' % port, c.get('target'), s.get('database'))
        ck.same('port %d password' % port, c.get('password'),
                first == 3 and bool(f['password']))
        if first == 3:
            # tshark shows the cleartext password; ward must not.
            ck.check(f['password'] == [secrets[0]],
                     'port %d: tshark did not see the cleartext password' % port)

# The scenario, exactly: who logged in and how.
ck.same('logins', users, ['clear', 'md5u', 'scramu', 'trustu', 'md5u'])
creds = [pc.body(e) for e in pc.events(eve, 'credential')]
ck.same('schemes', [(c['user'], c['scheme'], c['password']) for c in creds],
        [('clear', 'cleartext', True), ('md5u', 'md5', False),
         ('scramu', 'sasl', False), ('trustu', 'trust', False),
         ('md5u', 'md5', False)])
# The wrong password, and only it, is reported refused (SQLSTATE 28P01).
ck.same('refused logins', [u for u, _ in refused], ['md5u'])
ck.done('%d connections, %d credentials' % (len(flows), len(creds)))
PY
