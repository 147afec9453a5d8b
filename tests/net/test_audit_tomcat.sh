#!/bin/bash
# tests/net/test_audit_tomcat.sh - ward audit's Tomcat manager check
# against a real Apache Tomcat 10 (Debian's tomcat10 and tomcat10-admin),
# in network namespaces, checked from Tomcat's own access log and compared
# with hydra.
#
#   aud 10.79.0.1:  ward audit, then hydra
#   tc  10.79.0.10: Tomcat 10 (catalina.sh run, a CATALINA_BASE of our
#                   own) serving the manager application at :8080 behind a
#                   LockOutRealm (5 failures lock a user), with a weak
#                   manager account (tomcat/s3cret, the example Tomcat's
#                   own 401 page tells administrators to copy) and a
#                   strong one
#
# Checked:
#   - the weak account is found with its credential entry, the strong one
#     is not reported
#   - Tomcat's access log holds exactly the requests ward's log says it
#     made (its probe and its guesses), no more than the plan's limit, and
#     fewer than the LockOutRealm's 5 failures per user; Tomcat logged no
#     lockout
#   - hydra, given the same credentials in the same order, finds the same
#
# WARD is the ward binary. Exit 77 (skipped) when not root, without
# namespaces, or without Tomcat. AUDIT_KEEP=1 keeps the logs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
NET_BASE=wtc
. "$here/lib.sh"

[ -n "${WARD:-}" ] && [ -x "$WARD" ] || { echo "WARD must name ward" >&2; exit 1; }
net_skip_unless_possible
CATALINA_HOME=/usr/share/tomcat10
MANAGER=/usr/share/tomcat10-admin/manager
[ -x "$CATALINA_HOME/bin/catalina.sh" ] && [ -d "$MANAGER" ] || {
	echo "SKIP: no Tomcat (tomcat10, tomcat10-admin in scripts/deps-test.txt)" >&2
	exit 77
}
net_require hydra java curl /usr/bin/python3
[ "${AUDIT_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
net_init
T=$NET_TMP
AUD=10.79.0.1
TC=10.79.0.10

net_switch
net_host aud 02:79:00:00:00:01
net_host tc 02:79:00:00:00:10
for h in aud tc; do
	net_sysctl "$(net_ns "$h")" net.ipv6.conf.eth0.disable_ipv6=1
	net_host_up "$h"
done
net_addr aud "$AUD/24"
net_addr tc "$TC/24"

# A CATALINA_BASE of our own: the manager application, a LockOutRealm
# over a MemoryRealm, an unbuffered access log.
B=$T/tomcat
mkdir -p "$B/conf" "$B/logs" "$B/webapps" "$B/work" "$B/temp"
cp /etc/tomcat10/web.xml /etc/tomcat10/logging.properties \
    /etc/tomcat10/catalina.properties /etc/tomcat10/context.xml "$B/conf/" ||
    net_die "no /etc/tomcat10"
cat >"$B/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="8080" address="$TC" protocol="HTTP/1.1"
        connectionTimeout="5000"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Realm className="org.apache.catalina.realm.LockOutRealm"
          failureCount="5" lockOutTime="300">
        <Realm className="org.apache.catalina.realm.MemoryRealm"
            pathname="conf/tomcat-users.xml"/>
      </Realm>
      <Host name="localhost" appBase="webapps" unpackWARs="false"
          autoDeploy="false">
        <Context path="/manager" docBase="$MANAGER" privileged="true"/>
        <Valve className="org.apache.catalina.valves.AccessLogValve"
            directory="logs" prefix="access" suffix=".log"
            rotatable="false" buffered="false"
            pattern="%h %u &quot;%r&quot; %s"/>
      </Host>
    </Engine>
  </Service>
</Server>
EOF
STRONG='Tc-m4nager.Str0ng!'
cat >"$B/conf/tomcat-users.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
  <role rolename="manager-gui"/>
  <user username="tomcat" password="s3cret" roles="manager-gui"/>
  <user username="manager" password="$STRONG" roles="manager-gui"/>
</tomcat-users>
EOF
net_bg tc "$T/catalina.out" env CATALINA_HOME="$CATALINA_HOME" \
    CATALINA_BASE="$B" CATALINA_TMPDIR="$B/temp" \
    "$CATALINA_HOME/bin/catalina.sh" run
up=0
for _ in $(seq 1 120); do
	code=$(net_exec aud curl -s -o /dev/null -w '%{http_code}' -m 2 \
	    "http://$TC:8080/manager/html" 2>/dev/null)
	[ "$code" = 401 ] && { up=1; break; }
	sleep 0.5
done
[ $up = 1 ] || { tail -20 "$T/catalina.out" >&2; net_die "Tomcat did not start"; }
sleep 0.3
# Tomcat keeps its log open: what comes after the readiness probes is
# the audit's.
n0=$(wc -l <"$B/logs/access.log")

cat >"$T/allow.txt" <<EOF
$TC 8080
EOF
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# The shipped credential file: the Tomcat entries come first.
net_exec aud "$WARD" audit --allow "$T/allow.txt" \
    --creds "$top/rules/audit/defaults.yaml" --log "$T/attempts.jsonl" \
    --delay 0.2 --timeout 6 --max-guesses 4 --json \
    "tomcat://$TC:8080" >"$T/ward.json" 2>"$T/ward.err"
rc=$?
[ "$rc" = 1 ] || { cat "$T/ward.err" >&2; bad "ward audit exit $rc, not 1 (found)"; }
net_exec aud "$WARD" audit --allow "$T/allow.txt" \
    --creds "$top/rules/audit/defaults.yaml" --max-guesses 4 --dry-run \
    "tomcat://$TC:8080" >"$T/plan.txt" 2>&1 || bad "ward audit --dry-run"
sleep 0.5
tail -n +$((n0 + 1)) "$B/logs/access.log" >"$T/access.ward.log"

# hydra with the same entries in the same order (from ward's plan).
/usr/bin/python3 - "$top/rules/audit/defaults.yaml" "$T/plan.txt" \
    "$T/hydra.txt" <<'PY' || bad "no hydra list"
import re, sys, yaml
creds = {c['id']: c for c in yaml.safe_load(open(sys.argv[1]))['credentials']}
ids = re.findall(r'\b(tomcat-[a-z0-9-]+|generic-[a-z0-9-]+)\b',
                 open(sys.argv[2]).read())
with open(sys.argv[3], 'w') as f:
    seen = []
    for i in ids:
        if i in creds and i not in seen:
            seen.append(i)
            f.write('%s:%s\n' % (creds[i]['user'], creds[i]['password']))
PY
(cd "$T" && net_exec aud timeout 40 hydra -I -t 1 -f -w 5 -C "$T/hydra.txt" \
    -s 8080 -b jsonv1 -o "$T/hydra.json" "$TC" http-get /manager/html \
    >"$T/hydra.out" 2>&1)

/usr/bin/python3 - "$T/ward.json" "$T/attempts.jsonl" "$T/access.ward.log" \
    "$T/catalina.out" "$T/hydra.json" "$AUD" "$STRONG" <<'PY' || fail=1
import json, sys
ward = json.load(open(sys.argv[1]))
attempts = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
access = [l for l in open(sys.argv[3]) if l.startswith(sys.argv[6] + ' ')]
catalina = open(sys.argv[4], errors='replace').read()
strong = sys.argv[7]
problems = []

text = json.dumps(ward)
if 'tomcat-docs-tomcat-s3cret' not in text or '"tomcat"' not in text:
    problems.append('the weak account tomcat (entry tomcat-docs-tomcat-'
                    's3cret) was not found: %s' % text[:400])
if '"manager"' in text or strong in text:
    problems.append('the strong account was reported')
guesses = [a for a in attempts if a.get('attempt', 0) > 0]
mgr = [l for l in access if '/manager/html' in l]
# Tomcat saw exactly ward's requests: its probe and each guess.
if len(mgr) != len(attempts):
    problems.append('Tomcat logged %d manager requests, ward %d attempts' %
                    (len(mgr), len(attempts)))
if len(guesses) > 4:
    problems.append('%d guesses, over the cap of 4' % len(guesses))
# Tomcat logs no user name for a refused request: all the refusals
# together stay under one user's lockout.
fails = sum(1 for l in mgr if l.split()[-1] == '401')
if fails >= 5:
    problems.append('%d refusals: a user may have reached the '
                    'LockOutRealm' % fails)
if 'locked user' in catalina or 'lockOutRealm' in catalina:
    problems.append('Tomcat logged a lockout')
try:
    hydra = json.load(open(sys.argv[5]))
    hfound = [(r['login'], r['password']) for r in hydra.get('results', [])]
except (OSError, ValueError):
    hfound = []
if hfound != [('tomcat', 's3cret')]:
    problems.append('hydra found %s, ward tomcat/s3cret' % hfound)
print('tomcat: %d requests in Tomcat\'s log (%d refused), %d guesses; '
      'hydra %s' % (len(mgr), fails, len(guesses), hfound))
for p in problems:
    print('FAIL: ' + p)
sys.exit(1 if problems else 0)
PY
[ "$fail" = 0 ] && echo "PASS: test_audit_tomcat"
exit "$fail"
