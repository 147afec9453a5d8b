#!/bin/bash
# tests/net/test_audit.sh - ward audit against real servers with weak
# accounts, in network namespaces, checked from the servers' own logs and
# a capture, and compared with hydra on the same credential lists.
#
#   aud  10.78.0.1:  ward audit, then hydra
#   dev  10.78.0.10: sshd (LogLevel VERBOSE; at :2222 a second one taking
#                    passwords through PAM keyboard-interactive only),
#                    vsftpd (its log), telnetd
#                    (GNU inetutils, run by socat as inetd would, /bin/login),
#                    lighttpd (HTTP Basic on /secret/ at :80, and on
#                    /manager/html at :8080 for the Tomcat manager check;
#                    access log), MariaDB (general log), PostgreSQL
#                    (log_connections, scram-sha-256 in pg_hba), and a
#                    stand-in for the WebLogic console's form login at
#                    :7001 (WebLogic is proprietary: audit_form_login.py
#                    answers as it does)
#   dev2 10.78.0.11: the same form login at :7002, stopping after its first
#                    request (a device that goes away mid-audit)
#   out  10.78.0.20: not in the allow-list; a form login listens there
#
# Each service has a weak account (WEAK, in the credential list) and a
# strong one (STRONG, whose password is not in the list). Checked:
#   - every weak account is found, and nothing else
#   - targets not in the allow-list are refused before any packet (the
#     capture holds no frame to or from out; dev's logs do not move), and
#     so is one address and port given twice
#   - each server saw at most the planned number of guesses, and fewer
#     than the lockout (sshd, vsftpd, lighttpd, MariaDB, PostgreSQL and
#     the form login count them in their logs; Telnet from the capture)
#   - connections to one target never overlap (the capture)
#   - the audit stops at the first error: a port that refuses, a server
#     that stops mid-run
#   - hydra, given the same list in the same order, finds the same
#     credentials (differences are reported with their reason)
#
# Here the Tomcat check is HTTP Basic on /manager/html served by lighttpd;
# test_audit_tomcat.sh runs it against a real Tomcat 10.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, without namespaces, or without one of the servers.
# AUDIT_KEEP=1 keeps the directory with the logs and the capture.
set -u
here=$(cd "$(dirname "$0")" && pwd)
NET_BASE=waud
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] && [ -x "$pgbin/postgres" ] || {
	echo "SKIP: no PostgreSQL server (postgresql in scripts/deps-test.txt)" >&2
	exit 77
}
net_require tshark dumpcap /usr/sbin/sshd ssh-keygen vsftpd /usr/sbin/telnetd \
    socat lighttpd htpasswd mariadbd mariadb-install-db hydra useradd \
    userdel chpasswd runuser /usr/bin/python3
id mysql >/dev/null 2>&1 || { echo "SKIP: no mysql user" >&2; exit 77; }
id postgres >/dev/null 2>&1 || { echo "SKIP: no postgres user" >&2; exit 77; }
id www-data >/dev/null 2>&1 || { echo "SKIP: no www-data user" >&2; exit 77; }

net_init
[ "${AUDIT_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
T=$NET_TMP
AUD=10.78.0.1
DEV=10.78.0.10
DEV2=10.78.0.11
OUT=10.78.0.20
WEAK="wauw$$"
STRONG="waus$$"
WEAKPW="Passw0rd"
STRONGPW="St-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cleanup_users() {
	userdel -r "$WEAK" >/dev/null 2>&1
	userdel -r "$STRONG" >/dev/null 2>&1
}
# net_cleanup exits with the status it finds in $?: keep the test's.
trap 'st=$?; cleanup_users; (exit $st); net_cleanup' EXIT

net_switch
for h in aud:01 dev:10 dev2:11 out:20; do
	net_host "${h%%:*}" "02:00:00:78:00:${h##*:}"
done
net_addr aud "$AUD/24"
net_addr dev "$DEV/24"
net_addr dev2 "$DEV2/24"
net_addr out "$OUT/24"
cap="$T/audit.pcapng"
net_capture_start "$cap"
for h in aud dev dev2 out; do
	net_host_up "$h"
done

useradd -m -s /bin/sh "$WEAK" || net_die "useradd $WEAK"
useradd -m -s /bin/sh "$STRONG" || net_die "useradd $STRONG"
echo "$WEAK:$WEAKPW" | chpasswd || net_die chpasswd
echo "$STRONG:$STRONGPW" | chpasswd || net_die chpasswd

# sshd: passwords, every attempt in its log.
mkdir -p "$T/ssh" /run/sshd /var/run/vsftpd/empty
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_ed25519" || net_die ssh-keygen
cat >"$T/ssh/sshd_config" <<EOF
Port 22
ListenAddress $DEV
HostKey $T/ssh/host_ed25519
PidFile $T/ssh/sshd.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
LogLevel VERBOSE
PrintMotd no
UseDNS no
EOF
net_bg dev "$T/sshd.log" /usr/sbin/sshd -D -e -f "$T/ssh/sshd_config"
# A second sshd takes passwords only through PAM's keyboard-interactive,
# as many appliances do.
sed -e 's/^Port 22/Port 2222/' -e 's/^UsePAM no/UsePAM yes/' \
    -e 's/^PasswordAuthentication yes/PasswordAuthentication no/' \
    -e 's/^KbdInteractiveAuthentication no/KbdInteractiveAuthentication yes/' \
    -e "s|^PidFile .*|PidFile $T/ssh/sshd2.pid|" \
    "$T/ssh/sshd_config" >"$T/ssh/sshd2_config"
net_bg dev "$T/sshd2.log" /usr/sbin/sshd -D -e -f "$T/ssh/sshd2_config"

# vsftpd: local users, FAIL LOGIN / OK LOGIN lines in its own log.
cat >"$T/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=$DEV
background=NO
anonymous_enable=NO
local_enable=YES
seccomp_sandbox=NO
secure_chroot_dir=/var/run/vsftpd/empty
pam_service_name=vsftpd
xferlog_enable=YES
xferlog_std_format=NO
vsftpd_log_file=$T/vsftpd.xfer.log
ftpd_banner=Infusion pump FTP ready
EOF
net_bg dev "$T/vsftpd.log" vsftpd "$T/vsftpd.conf"

# telnetd through socat, one per connection.
net_bg dev "$T/socat.log" socat \
    "TCP4-LISTEN:23,bind=$DEV,reuseaddr,fork" "EXEC:/usr/sbin/telnetd,nofork"

# lighttpd: Basic on /secret/ (:80) and /manager/html (:8080).
mkdir -p "$T/www/secret" "$T/www/manager"
echo secret >"$T/www/secret/index.html"
echo manager >"$T/www/manager/html"
htpasswd -c -b -m "$T/htpasswd" "$WEAK" "$WEAKPW" 2>/dev/null ||
    net_die htpasswd
htpasswd -b -m "$T/htpasswd" "$STRONG" "$STRONGPW" 2>/dev/null ||
    net_die htpasswd
chmod 644 "$T/htpasswd"
# lighttpd opens its logs after it drops to www-data.
touch "$T/lighttpd.error.log" "$T/access.log"
chown www-data "$T/lighttpd.error.log" "$T/access.log"
cat >"$T/lighttpd.conf" <<EOF
server.modules = ( "mod_auth", "mod_authn_file", "mod_accesslog" )
server.document-root = "$T/www"
server.bind = "$DEV"
server.port = 80
\$SERVER["socket"] == "$DEV:8080" { }
server.username = "www-data"
server.groupname = "www-data"
server.pid-file = "$T/lighttpd.pid"
server.errorlog = "$T/lighttpd.error.log"
accesslog.filename = "$T/access.log"
accesslog.format = "%h %p %u \"%r\" %>s \"%{User-Agent}i\""
index-file.names = ( "index.html" )
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "$T/htpasswd"
auth.require = ( "/secret/" => ( "method" => "basic", "realm" => "pump",
                                 "require" => "valid-user" ),
                 "/manager/html" => ( "method" => "basic",
                                      "realm" => "Tomcat Manager Application",
                                      "require" => "valid-user" ) )
EOF
net_bg dev "$T/lighttpd.out" lighttpd -D -f "$T/lighttpd.conf"

# The WebLogic console's form login (a stand-in), and one that stops.
net_bg dev "$T/form.out" /usr/bin/python3 "$here/audit_form_login.py" \
    "$DEV" 7001 "$WEAK" "$WEAKPW" "$T/form.log"
net_bg dev2 "$T/form2.out" /usr/bin/python3 "$here/audit_form_login.py" \
    "$DEV2" 7002 "$WEAK" "$WEAKPW" "$T/form2.log" 1
net_bg out "$T/form3.out" /usr/bin/python3 "$here/audit_form_login.py" \
    "$OUT" 80 "$WEAK" "$WEAKPW" "$T/form3.log"

# MariaDB: the general log records every connection, refused or not.
M="$T/my"
mkdir -p "$M/data"
cat >"$M/init.sql" <<EOF
CREATE USER IF NOT EXISTS '$WEAK'@'$AUD' IDENTIFIED BY '$WEAKPW';
CREATE USER IF NOT EXISTS '$STRONG'@'$AUD' IDENTIFIED BY '$STRONGPW';
EOF
chown -R mysql:mysql "$M"
chmod 600 "$M/init.sql"
mariadb-install-db --no-defaults --user=mysql --datadir="$M/data" \
    --auth-root-authentication-method=socket --skip-test-db \
    >"$M/install.log" 2>&1 ||
    { cat "$M/install.log" >&2; net_die "mariadb-install-db failed"; }
net_bg dev "$M/server.log" mariadbd --no-defaults --user=mysql \
    --datadir="$M/data" --socket="$M/sock" --pid-file="$M/pid" \
    --bind-address="$DEV" --port=3306 --skip-name-resolve \
    --init-file="$M/init.sql" --skip-log-bin --innodb-buffer-pool-size=16M \
    --general-log=1 --general-log-file="$M/general.log"

# PostgreSQL: a password (scram-sha-256) for every role from aud.
P="$T/pg"
mkdir -p "$P/data" "$P/sock"
echo "initdb-$$" >"$P/pw"
chown -R postgres "$P"
runuser -u postgres -- "$pgbin/initdb" -D "$P/data" -U postgres \
    --pwfile="$P/pw" -A scram-sha-256 >"$P/initdb.log" 2>&1 ||
    { cat "$P/initdb.log" >&2; net_die "initdb failed"; }
cat >"$P/data/pg_hba.conf" <<EOF
local all postgres trust
host all all $AUD/32 scram-sha-256
EOF
net_bg dev "$P/server.log" runuser -u postgres -- "$pgbin/postgres" \
    -D "$P/data" -c listen_addresses="$DEV" -c port=5432 \
    -c unix_socket_directories="$P/sock" -c logging_collector=off \
    -c log_connections=on
for p in 22 2222 21 23 80 8080 7001 3306 5432; do
	net_wait_listen dev tcp "$p" 60 || net_die "nothing listens on $DEV:$p"
done
net_wait_listen dev2 tcp 7002 10 || net_die "no form login on $DEV2:7002"
net_wait_listen out tcp 80 10 || net_die "no form login on $OUT:80"
net_exec dev runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 \
    -h "$P/sock" -U postgres \
    -c "CREATE ROLE \"$WEAK\" LOGIN PASSWORD '$WEAKPW'" \
    -c "CREATE ROLE \"$STRONG\" LOGIN PASSWORD '$STRONGPW'" \
    >"$P/admin.log" 2>&1 || { cat "$P/admin.log" >&2; net_die "psql"; }

# The credential list: one model entry for the SSH target (named
# vendor=WardTest model=Monitor), then generic ones. STRONG's guess is
# wrong; WEAK's is its password; admin/admin is never reached.
cat >"$T/creds.yaml" <<EOF
version: 1
credentials:
  - id: wardtest-monitor-service
    vendor: WardTest
    model: Monitor
    protocols: ssh
    user: $WEAK
    password: "Service-123"
    lockout: 4
    source: "WardTest Monitor service manual (a test entry)"
  - id: test-strong-guess
    protocols: any
    user: $STRONG
    password: "Winter2024!"
    lockout: 5
    source: "test list"
  - id: test-weak
    protocols: any
    user: $WEAK
    password: "$WEAKPW"
    lockout: 5
    source: "test list"
  - id: test-admin
    protocols: any
    user: admin
    password: admin
    lockout: 5
    source: "test list"
EOF
cat >"$T/allow.txt" <<EOF
# the test's servers
$DEV 21,22,23,80,2121,2222,3306,5432,7001,8080
$DEV2/32
EOF
cat >"$T/targets.txt" <<EOF
ssh://$DEV vendor=WardTest model=Monitor
ssh://$DEV:2222
ftp://$DEV
telnet://$DEV
http://$DEV/secret/
tomcat://$DEV:8080
mysql://$DEV
postgresql://$DEV
weblogic://$DEV
ftp://$DEV:2121
weblogic://$DEV2:7002
EOF
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# 1. Refusals, before anything is sent.
sshd_lines() { wc -l <"$T/sshd.log"; }
before=$(sshd_lines)
net_exec aud "$WARD" audit --creds "$T/creds.yaml" --log "$T/refused.log" \
    ssh://$DEV >"$T/r0.out" 2>&1
[ $? = 2 ] && grep -q "without an allow-list" "$T/r0.out" ||
    bad "no allow-list was not refused: $(cat "$T/r0.out")"
net_exec aud "$WARD" audit --allow "$T/allow.txt" --creds "$T/creds.yaml" \
    --log "$T/refused.log" "ssh://$DEV" "http://$OUT" "ssh://$DEV:2223" \
    >"$T/r1.out" 2>&1
rc=$?
[ "$rc" = 2 ] || bad "a target outside the allow-list: exit $rc, not 2"
grep -q "http://$OUT:80 is not in the allow-list" "$T/r1.out" ||
    bad "the refusal does not name http://$OUT:80: $(cat "$T/r1.out")"
grep -q "ssh://$DEV:2223 is not in the allow-list" "$T/r1.out" ||
    bad "the refusal does not name ssh://$DEV:2223"
net_exec aud "$WARD" audit --allow "$T/allow.txt" --creds "$T/creds.yaml" \
    --log "$T/refused.log" "http://$DEV:8080" "tomcat://$DEV:8080" \
    >"$T/r2.out" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q "same address and port" "$T/r2.out" ||
    bad "one service given twice: exit $rc, $(cat "$T/r2.out")"
[ ! -s "$T/refused.log" ] || bad "a refused run logged attempts"
sleep 0.3
[ "$(sshd_lines)" = "$before" ] || bad "sshd saw a refused run"

# 2. The audit.
start=$(date +%s)
net_exec aud "$WARD" audit --allow "$T/allow.txt" --creds "$T/creds.yaml" \
    --targets "$T/targets.txt" --log "$T/attempts.jsonl" --delay 0.2 \
    --timeout 6 --max-guesses 3 --json >"$T/ward.json" 2>"$T/ward.err"
rc=$?
echo "ward audit: exit $rc in $(($(date +%s) - start)) s" >&2
[ "$rc" = 1 ] || { cat "$T/ward.err" >&2; bad "ward audit exit $rc, not 1"; }
net_exec aud "$WARD" audit --allow "$T/allow.txt" --creds "$T/creds.yaml" \
    --targets "$T/targets.txt" --max-guesses 3 --dry-run >"$T/plan.txt" ||
    bad "ward audit --dry-run"
sleep 0.5

# Server-side counts, before hydra adds its own.
count() { grep -c -- "$2" "$1" 2>/dev/null || true; }
{
	echo "ssh $(count "$T/sshd.log" "password for .*from $AUD")"
	echo "ssh2222 $(grep -cE "(Failed|Accepted) keyboard-interactive/pam for .*from $AUD" "$T/sshd2.log")"
	echo "ftp $(count "$T/vsftpd.xfer.log" "LOGIN: Client \"$AUD\"")"
	echo "mysql $(count "$M/general.log" "Connect.*@$AUD on ")"
	echo "postgresql $(count "$P/server.log" "connection received: host=$AUD")"
	echo "weblogic $(count "$T/form.log" "^POST")"
	echo "weblogic2 $(count "$T/form2.log" "^POST")"
} >"$T/server-counts.txt"

# 3. hydra with ward's plans (the same entries, in the same order).
/usr/bin/python3 - "$T/plan.txt" "$T/creds.yaml" "$T/hydra" <<'PY'
import os, re, sys
plan, creds, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
pw, user, cur = {}, {}, None
for line in open(creds):
    m = re.match(r'\s*- id: (\S+)', line)
    if m:
        cur = m.group(1)
    m = re.match(r'\s*(user|password): "?([^"]*)"?$', line.rstrip('\n'))
    if m and cur:
        (user if m.group(1) == 'user' else pw)[cur] = m.group(2)
target = None
for line in open(plan):
    if not line.startswith(' '):
        target = line.split()[0].replace('://', '_').replace(':', '_')
        open(os.path.join(out, target), 'w').close()
        continue
    n, tier, eid = line.split()[:3]
    with open(os.path.join(out, target), 'a') as f:
        f.write('%s:%s\n' % (user[eid], pw[eid]))
PY
hydra_run() {	# NAME HYDRA-ARGS...
	local name=$1
	shift
	# In $T: hydra leaves its hydra.restore in the current directory.
	(cd "$T" && net_exec aud timeout "${HYDRA_TIMEOUT:-40}" hydra -I -V \
	    -t 1 -f -w 5 -b jsonv1 -o "$T/hydra/$name.json" "$@" \
	    >"$T/hydra/$name.out" 2>&1)
}
H="$T/hydra"
hydra_run ssh -C "$H/ssh_${DEV}_22" "ssh://$DEV"
hydra_run ftp -C "$H/ftp_${DEV}_21" "ftp://$DEV"
# hydra's telnet module can wait long on login(1): 20 s is plenty for 3
# guesses when it keeps in step.
HYDRA_TIMEOUT=20 hydra_run telnet -C "$H/telnet_${DEV}_23" "telnet://$DEV"
hydra_run http -C "$H/http_${DEV}_80" -s 80 "$DEV" http-get /secret/
hydra_run tomcat -C "$H/tomcat_${DEV}_8080" -s 8080 "$DEV" http-get /manager/html
hydra_run mysql -C "$H/mysql_${DEV}_3306" "mysql://$DEV"
hydra_run postgresql -C "$H/postgresql_${DEV}_5432" "postgres://$DEV"
hydra_run weblogic -C "$H/weblogic_${DEV}_7001" -s 7001 "$DEV" \
    http-post-form "/console/j_security_check:j_username=^USER^&j_password=^PASS^:F=LoginForm"
net_capture_stop
# lighttpd writes its access log late: ward's requests are told apart by
# their User-Agent.
ua='"ward-audit/'
{
	echo "http $(grep "^$AUD 80 .*\"GET /secret/" "$T/access.log" | grep -c "$ua")"
	echo "tomcat $(grep "^$AUD 8080 .*\"GET /manager/html" "$T/access.log" | grep -c "$ua")"
} >>"$T/server-counts.txt"

/usr/bin/python3 - "$T" "$cap" "$DEV" "$DEV2" "$OUT" "$WEAK" "$STRONG" \
    "$WEAKPW" "$STRONGPW" <<'PY' || fail=1
import collections, json, os, re, subprocess, sys
T, cap, dev, dev2, out, weak, strong, weakpw, strongpw = sys.argv[1:10]
fails = []
def bad(msg):
    fails.append(msg)
    print('FAIL:', msg, file=sys.stderr)

doc = json.load(open(os.path.join(T, 'ward.json')))
attempts = [json.loads(l) for l in open(os.path.join(T, 'attempts.jsonl'))]
for path in ('ward.json', 'attempts.jsonl', 'plan.txt'):
    text = open(os.path.join(T, path)).read()
    for secret in (weakpw, strongpw, 'Winter2024!', 'Service-123'):
        if secret in text:
            bad('%s holds a password' % path)

# Findings: exactly the weak account on each service, nothing else.
want = {('ssh', dev, 22), ('ssh', dev, 2222), ('ftp', dev, 21), ('telnet', dev, 23),
        ('http', dev, 80), ('tomcat', dev, 8080), ('mysql', dev, 3306),
        ('postgresql', dev, 5432), ('weblogic', dev, 7001)}
found = {(f['protocol'], f['address'], f['port']): f for f in doc['findings']}
if set(found) != want:
    bad('findings %s, want %s' % (sorted(found), sorted(want)))
for k, f in found.items():
    if f['user'] != weak or f['entry'] != 'test-weak':
        bad('%s: found user %s entry %s' % (k, f['user'], f['entry']))
    if not f.get('source') or not f.get('remediation'):
        bad('%s: no source or remediation' % (k,))

# The plan: the SSH target's model entry first, lockout 4, so 3 guesses.
targets = {t['target']: t for t in doc['targets']}
ssh = targets['ssh://%s:22' % dev]
if ssh['limit'] != 3:
    bad('ssh limit %d, want 3 (lockout 4 - 1)' % ssh['limit'])
ssh_log = [a for a in attempts if a['protocol'] == 'ssh' and a['port'] == 22
           and a['attempt']]
if [a['entry'] for a in ssh_log] != ['wardtest-monitor-service',
                                     'test-strong-guess', 'test-weak']:
    bad('ssh order %s' % [a['entry'] for a in ssh_log])

# Stops at the first error.
refused = [a for a in attempts if a['port'] == 2121]
if len(refused) != 1 or refused[0]['result'] != 'error' or \
        'refused' not in refused[0]['detail']:
    bad('ftp :2121 (nothing listens): %s' % refused)
if targets['ftp://%s:2121' % dev]['status'] != 'stopped':
    bad('ftp :2121 not stopped')
gone = [a for a in attempts if a['address'] == dev2]
if [a['result'] for a in gone] != ['denied', 'error'] or \
        targets['weblogic://%s:7002' % dev2]['status'] != 'stopped':
    bad('the server that stopped: %s' % [(a['result'], a['detail'])
                                          for a in gone])

# Every attempt's fields; guesses per target within its plan's limit.
per = collections.Counter()
for a in attempts:
    for k in ('time', 'target', 'protocol', 'address', 'port', 'attempt',
              'connection', 'entry', 'user', 'result', 'detail',
              'duration_ms'):
        if k not in a:
            bad('attempt without %s: %s' % (k, a))
    if a['attempt']:
        per[a['target']] += 1
for name, t in targets.items():
    if per[name] != t['attempts'] or t['attempts'] > t['limit']:
        bad('%s: %d logged, %d counted, limit %d' % (name, per[name],
                                                    t['attempts'], t['limit']))

# The servers' own counts: within the plan, below the lockout.
server = dict(l.split() for l in open(os.path.join(T, 'server-counts.txt')))
limits = {'ssh': 3, 'ssh2222': 4, 'ftp': 4, 'http': 4, 'tomcat': 4, 'mysql': 4,
          'postgresql': 4, 'weblogic': 4}
expect = {'ssh': 3, 'ssh2222': 2, 'ftp': 2, 'http': 3, 'tomcat': 3, 'mysql': 2,
          'postgresql': 2, 'weblogic': 2, 'weblogic2': 1}
for k, n in expect.items():
    got = int(server[k])
    if got != n:
        bad('%s: the server saw %d attempts, want %d' % (k, got, n))
    if k in limits and got - (1 if k in ('http', 'tomcat') else 0) > \
            min(limits[k], 3):
        bad('%s: %d attempts over the limit' % (k, got))

# The capture: nothing to or from out; Telnet's password prompts; no two
# connections to one server at once.
def tshark(filt, fields):
    r = subprocess.run(['tshark', '-r', cap, '-Y', filt, '-T', 'fields',
                        '-E', 'separator=\t'] +
                       sum([['-e', f] for f in fields], []),
                       capture_output=True, text=True, check=True)
    return [l.split('\t') for l in r.stdout.splitlines()]
leak = tshark('ip.addr == %s || arp.dst.proto_ipv4 == %s || '
              'arp.src.proto_ipv4 == %s' % (out, out, out), ['frame.number'])
if leak:
    bad('%d frames to or from %s, which is not allowed' % (len(leak), out))
if os.path.getsize(os.path.join(T, 'form3.log')) != 0:
    bad('the host outside the allow-list logged a request')
# Only ward's part of the capture: until hydra's first SYN.
rows = tshark('tcp && ip.src == 10.78.0.1 && (ip.dst == %s || ip.dst == %s)' % (dev, dev2),
              ['frame.time_relative', 'tcp.stream', 'ip.dst', 'tcp.dstport',
               'tcp.flags.syn', 'tcp.flags.ack'])
rows += tshark('tcp && ip.dst == 10.78.0.1 && (ip.src == %s || ip.src == %s)' % (dev, dev2),
               ['frame.time_relative', 'tcp.stream', 'ip.src', 'tcp.srcport',
                'tcp.flags.syn', 'tcp.flags.ack'])
stream = {}
for t, s, host, port, syn, ack in rows:
    t = float(t)
    st = stream.setdefault(s, [t, t, host, int(port)])
    st[0] = min(st[0], t)
    st[1] = max(st[1], t)
by_server = collections.defaultdict(list)
for s, (a, b, host, port) in stream.items():
    by_server[(host, port)].append((a, b, s))
hy = os.path.join(T, 'hydra')
# ward opened exactly sum(conns) connections; in order of their SYN, the
# first that many streams are ward's.
nconn = sum(t['connections'] for t in doc['targets'])
first = sorted((a, s) for s, (a, b, h, p) in stream.items())
ward_streams = set(s for a, s in first[:nconn])
overlaps = 0
for key, lst in by_server.items():
    lst = sorted(x for x in lst if x[2] in ward_streams)
    for (a1, b1, s1), (a2, b2, s2) in zip(lst, lst[1:]):
        if a2 < b1:
            overlaps += 1
            bad('%s: connections %s and %s overlap (%.3f < %.3f)' %
                (key, s1, s2, a2, b1))
telnet_prompts = tshark('telnet.data contains "Password:" && ip.src == %s'
                        % dev, ['tcp.stream'])
tn = [p for p in telnet_prompts if p[0] in ward_streams]
if len(tn) != 2:
    bad('telnetd asked ward for %d passwords, want 2' % len(tn))

# hydra on the same lists.
diff = []
for name, port in (('ssh', 22), ('ftp', 21), ('telnet', 23), ('http', 80),
                   ('tomcat', 8080), ('mysql', 3306),
                   ('postgresql', 5432), ('weblogic', 7001)):
    path = os.path.join(hy, name + '.json')
    try:
        h = json.load(open(path))
        hf = sorted(r['login'] for r in h.get('results', []))
    except (OSError, ValueError):
        hf = None
    wf = [found[k]['user'] for k in found if k[2] == port]
    if hf != sorted(wf):
        tail = open(os.path.join(hy, name + '.out')).read().strip()
        diff.append('%s: hydra %s, ward %s (%s)' % (name, hf, wf,
                                                    tail.splitlines()[-1]
                                                    if tail else ''))
# A known difference: hydra's telnet module is unreliable against
# telnetd and login(1) (hydra warns so itself): it falls out of step after
# the first refusal (answers the next "login:" with an empty line and
# types the user name at "Password:"), or waits for a prompt that its
# option answers held back. It is accepted only when the capture shows
# that hydra never typed WEAK at a login prompt and its password at the
# password prompt that followed.
tn_rows = [r for r in tshark('telnet.data', ['tcp.stream', 'ip.src',
                                              'telnet.data'])
           if r[0] not in ward_streams]
prev, typed, hydra_tried = {}, {}, False
for s, src, data in tn_rows:
    if src == dev:
        prev[s] = prev.get(s, '') + data
        continue
    asked = prev.get(s, '')
    prev[s] = ''
    if asked.endswith('login: '):
        typed[s] = data
    elif asked.endswith('Password: ') and typed.get(s) == weak + '\\r' \
            and data == weakpw + '\\r':
        hydra_tried = True
known = []
for d in list(diff):
    if (d.startswith('telnet: hydra [],') or
            d.startswith('telnet: hydra None,')) and not hydra_tried:
        diff.remove(d)
        known.append(d)
print('hydra vs ward: %d of 8 services agree' % (8 - len(diff) - len(known)))
for d in known:
    print('  known difference:', d, '- hydra never typed the weak pair at '
          'the prompts (out of step with login(1)), see the capture')
for d in diff:
    print('  differs:', d)
with open(os.path.join(T, 'hydra-diff.txt'), 'w') as f:
    f.write('\n'.join(diff))
print('server counts:', ' '.join('%s=%s' % kv for kv in sorted(server.items())))
print('ward: %d findings, %d attempts logged, %d connections; %s' % (
    len(found), len(attempts), nconn, 'FAIL' if fails else 'ok'))
sys.exit(1 if fails else 0)
PY
[ -f "$T/hydra-diff.txt" ] && [ -s "$T/hydra-diff.txt" ] &&
    bad "hydra and ward differ (see above)"
[ "$fail" = 0 ] || { cat "$T/ward.err" >&2; exit 1; }
echo "PASS: test_audit"
