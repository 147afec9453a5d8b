#!/bin/bash
# ward sensor on a live interface: a bridge in a network namespace (a SPAN
# port stand-in), two hosts talking through it. Checks that ward captures,
# drops root to the user it was told before reading packets, keeps the
# inventory in its store while running, and on SIGTERM prints the hosts with
# their MACs, IPs and the service one offered.
#
# Needs root (network namespaces); exits 77 (skipped) otherwise.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${WARD:?WARD must name the ward binary}"
net_skip_unless_possible
net_require python3 curl
net_init
fail=0

net_switch
net_host a 00:09:fb:00:00:0a	# Philips
net_host b 00:0d:5d:00:00:0b
net_addr a 10.88.0.10/24
net_addr b 10.88.0.20/24

# ward's store lives in a directory the dropped user cannot write: it is
# opened before privileges go.
mkdir -p "$NET_TMP/db"
ip netns exec "$NET_SW" "$WARD" sensor -i br0 --json --db "$NET_TMP/db/inv.db" \
    --batch-seconds 0.2 -u nobody -v >"$NET_TMP/out.json" 2>"$NET_TMP/err" &
ward_pid=$!
NET_PIDS+=("$ward_pid")
# Wait until ward has its capture open and has dropped root.
for _ in $(seq 50); do
	grep -q "capturing on br0" "$NET_TMP/err" 2>/dev/null && break
	sleep 0.1
done
user=$(ps -o user= -p "$ward_pid" | tr -d ' ')
if [ "$user" = "nobody" ]; then
	echo "ok: ward sensor runs as nobody"
else
	echo "FAIL: ward sensor runs as '$user'"; fail=1
fi

net_host_up a
net_host_up b
net_bg b "$NET_TMP/http.log" python3 -m http.server 8080 --bind 10.88.0.20
net_wait_listen b tcp 8080 10 || net_die "http server did not start"
net_exec a ping -c 2 -i 0.2 10.88.0.20 >/dev/null || { echo "FAIL: ping"; fail=1; }
net_exec a curl -s -o /dev/null http://10.88.0.20:8080/ || { echo "FAIL: curl"; fail=1; }
sleep 1
# The store holds the hosts while the sensor still runs.
n=$(/usr/bin/python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from assets").fetchone()[0])' "$NET_TMP/db/inv.db")
if [ "$n" -ge 2 ]; then
	echo "ok: $n assets in the store while running"
else
	echo "FAIL: $n assets in the store while running"; fail=1
fi
kill -TERM "$ward_pid"
wait "$ward_pid"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: ward sensor exited $rc:"; cat "$NET_TMP/err"; fail=1; }

/usr/bin/python3 - "$NET_TMP/out.json" <<'PY' || fail=1
import json, sys
doc = json.load(open(sys.argv[1]))
assets = {a["key"]: a for a in doc["assets"]}
bad = 0
def check(what, ok):
    global bad
    print(("ok: " if ok else "FAIL: ") + what)
    bad += not ok
a = assets.get("00:09:fb:00:00:0a")
b = assets.get("00:0d:5d:00:00:0b")
check("host a found by MAC", a is not None)
check("host b found by MAC", b is not None)
if a and b:
    check("host a has 10.88.0.10", any(i["ip"] == "10.88.0.10" for i in a["ips"]))
    check("host b has 10.88.0.20", any(i["ip"] == "10.88.0.20" for i in b["ips"]))
    check("host a vendor is Philips", "Philips" in (a["vendor"] or ""))
    check("host b offers tcp/8080",
          any(s["proto"] == "tcp" and s["port"] == 8080 for s in b["services"]))
    check("a and b are peers", any(p["ip"] == "10.88.0.20" for p in a["peers"]))
check("summary counts packets", doc["summary"]["packets"] > 0)
sys.exit(1 if bad else 0)
PY
exit $fail
