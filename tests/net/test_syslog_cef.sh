#!/bin/bash
# Alerts as CEF over syslog, received by a real rsyslogd: over UDP, over TCP
# (newline framing) and on a local datagram socket, in a network namespace
# of the test's own (its loopback only). Every alert event of the EVE log
# must arrive as one syslog message whose priority, CEF header and
# extensions say the same as the event: type, severity, asset, object,
# count and evidence.
#
# The capture is the MQTT one of tests/pcap (mosquitto clients with and
# without credentials, one subscribing to '#'), which raises alerts.
#
# Needs root (network namespaces); exits 77 (skipped) otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
: "${WARD:?WARD must name the ward binary}"
net_skip_unless_possible
net_require rsyslogd python3
net_init
fail=0
cap=$top/tests/pcap/mqtt-mosquitto.pcapng

ns=$(net_ns siem)
ip netns add "$ns" || net_die "cannot add namespace $ns"
NET_NS+=("$ns")
ip -n "$ns" link set lo up

# rsyslogd writes each message as received (priority included), one per
# line, to a file per input.
cat >"$NET_TMP/rsyslog.conf" <<EOF
global(workDirectory="$NET_TMP")
module(load="imudp")
module(load="imtcp")
module(load="imuxsock" SysSock.Use="off")
template(name="raw" type="string" string="%rawmsg%\n")
input(type="imudp" address="127.0.0.1" port="5514" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="5514" ruleset="tcp")
input(type="imuxsock" Socket="$NET_TMP/log.sock" ruleset="unix"
    UseSpecialParser="off" ParseHostname="on")
ruleset(name="udp") { action(type="omfile" file="$NET_TMP/udp.log"
    template="raw") }
ruleset(name="tcp") { action(type="omfile" file="$NET_TMP/tcp.log"
    template="raw") }
ruleset(name="unix") { action(type="omfile" file="$NET_TMP/unix.log"
    template="raw") }
EOF
ip netns exec "$ns" rsyslogd -n -f "$NET_TMP/rsyslog.conf" \
    -i "$NET_TMP/rsyslogd.pid" >"$NET_TMP/rsyslogd.out" 2>&1 &
NET_PIDS+=("$!")
for _ in $(seq 50); do
	[ -S "$NET_TMP/log.sock" ] &&
	    ip netns exec "$ns" ss -ltn | grep -q 127.0.0.1:5514 && break
	sleep 0.1
done
[ -S "$NET_TMP/log.sock" ] || net_die "rsyslogd did not start: $(cat "$NET_TMP/rsyslogd.out")"

for target in udp tcp unix; do
	case $target in
	udp) to=udp://127.0.0.1:5514 ;;
	tcp) to=tcp://127.0.0.1:5514 ;;
	unix) to=unix://$NET_TMP/log.sock ;;
	esac
	rm -f "$NET_TMP/eve.json"
	if ! ip netns exec "$ns" "$WARD" analyze -q --no-progress \
	    --eve "$NET_TMP/eve.json" --syslog "$to" --syslog-facility 20 \
	    "$cap" 2>"$NET_TMP/ward.err"; then
		echo "FAIL: ward analyze --syslog $to: $(cat "$NET_TMP/ward.err")"
		fail=1
		continue
	fi
	n=$(grep -c '"event_type":"alert"' "$NET_TMP/eve.json")
	# rsyslogd writes asynchronously: wait for the messages to land.
	for _ in $(seq 50); do
		got=$(grep -c 'CEF:0|' "$NET_TMP/$target.log" 2>/dev/null)
		[ "${got:-0}" -ge "$n" ] && break
		sleep 0.1
	done
	if python3 - "$NET_TMP/eve.json" "$NET_TMP/$target.log" "$target" <<'EOF'
import json, re, sys

eve, log, target = sys.argv[1:4]
alerts = [json.loads(l) for l in open(eve)]
alerts = [e for e in alerts if e["event_type"] == "alert"]
if not alerts:
    sys.exit("no alerts in the EVE log: the capture should raise some")
try:
    lines = [l.rstrip("\n") for l in open(log) if "CEF:0|" in l]
except FileNotFoundError:
    lines = []
if len(lines) != len(alerts):
    sys.exit("%d alerts in EVE, %d CEF messages over %s" %
             (len(alerts), len(lines), target))
SEV = {"critical": (2, 10), "high": (3, 8), "medium": (4, 5),
       "low": (5, 3), "info": (6, 1)}

def unescape_ext(v):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r"}.get(
        m.group(1), m.group(1)), v)

def extensions(s):
    # key=value pairs; a value runs to the next " key=" (CEF 25).
    out = {}
    for m in re.finditer(r"(?:^| )([A-Za-z0-9]+)=((?:[^\\=]|\\.)*?)(?= [A-Za-z0-9]+=|$)", s):
        out[m.group(1)] = unescape_ext(m.group(2))
    return out

for e, line in zip(alerts, lines):
    a = e["alert"]
    m = re.match(r"<(\d+)>(\w{3} [ \d]\d \d\d:\d\d:\d\d) (\S+) ward\[\d+\]: (CEF:.*)$", line)
    if target == "unix" and m is None:
        # imuxsock may strip the host; accept the tag form too.
        m = re.match(r"<(\d+)>(\w{3} [ \d]\d \d\d:\d\d:\d\d) ()ward\[\d+\]: (CEF:.*)$", line)
    if m is None:
        sys.exit("not a BSD syslog line with a CEF message: " + line)
    pri, cef = int(m.group(1)), m.group(4)
    sys_sev, cef_sev = SEV[a["severity"]]
    if pri != 20 * 8 + sys_sev:
        sys.exit("priority %d for a %s alert (facility 20)" % (pri, a["severity"]))
    head = re.match(r"CEF:0\|ward\|ward\|[^|]+\|([^|]+)\|([^|]+)\|(\d+)\|(.*)$", cef)
    if head is None:
        sys.exit("bad CEF header: " + cef)
    if head.group(1) != a["type"] or int(head.group(3)) != cef_sev:
        sys.exit("CEF says %s/%s, EVE %s/%s" % (head.group(1),
                 head.group(3), a["type"], a["severity"]))
    ext = extensions(head.group(4))
    want = {"cs1": a["asset"], "cnt": str(a["count"]),
            "cat": a["category"], "msg": a["message"],
            "externalId": str(a["id"])}
    if a["object"]:
        want["cs2"] = a["object"]
    for k, v in want.items():
        if ext.get(k) != v:
            sys.exit("CEF %s=%r, EVE says %r in %s" % (k, ext.get(k), v, line))
    for k, v in a["evidence"].items():
        vals = v if isinstance(v, list) else [v]
        for x in vals:
            if "%s=%s" % (k, x) not in ext.get("cs4", ""):
                sys.exit("evidence %s=%s missing from cs4 %r" %
                         (k, x, ext.get("cs4")))
    if a["update"] != (ext.get("act") == "update"):
        sys.exit("update flag differs: " + line)
print("ok: %d alerts over %s, each the same in CEF as in EVE" %
      (len(alerts), target))
EOF
	then :; else fail=1; fi
done

# A collector that is not there: the loss is reported, exit status 3.
ip netns exec "$ns" "$WARD" analyze -q --no-progress \
    --syslog tcp://127.0.0.1:5599 "$cap" 2>"$NET_TMP/ward.err"
rc=$?
if [ "$rc" -eq 3 ] && grep -q "5599" "$NET_TMP/ward.err"; then
	echo "ok: an unreachable TCP collector is an error (exit 3)"
else
	echo "FAIL: unreachable collector: exit $rc: $(cat "$NET_TMP/ward.err")"
	fail=1
fi
exit $fail
