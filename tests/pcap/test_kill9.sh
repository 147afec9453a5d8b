#!/bin/sh
# `kill -9` in the middle of `ward analyze --db` leaves a consistent
# database holding every committed batch; running again completes the
# inventory without a duplicate row.
#
# Usage: test_kill9.sh WARD GEN_CAPTURE SEED_CAPTURE
set -u
WARD=$1
GEN=$2
SEED=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# A capture big enough that the run lasts a few seconds.
case "$SEED" in
*.pcapng) tshark -r "$SEED" -F pcap -w "$tmp/seed.pcap" || exit 1 ;;
*) cp "$SEED" "$tmp/seed.pcap" ;;
esac
"$GEN" -n 1500000 -H 3000 -o "$tmp/big.pcap" "$tmp/seed.pcap" >/dev/null || exit 1

query() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute(sys.argv[2]):
    print("|".join(str(c) for c in row))
PY
}

"$WARD" analyze -q --batch-seconds 0.05 --db "$tmp/inv.db" "$tmp/big.pcap" &
pid=$!
# Kill once the first batches are in.
i=0
while [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
	n=$(query "$tmp/inv.db" "select count(*) from assets" 2>/dev/null || echo 0)
	[ "${n:-0}" -gt 0 ] && break
done
sleep 0.1
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
if [ $i -ge 100 ]; then
	echo "FAIL: no batch committed in 10 s"; exit 1
fi

ok=$(query "$tmp/inv.db" "pragma integrity_check")
[ "$ok" = "ok" ] && echo "ok: integrity after kill -9" ||
	{ echo "FAIL: integrity_check says: $ok"; fail=1; }
partial=$(query "$tmp/inv.db" "select count(*) from assets")
unfinished=$(query "$tmp/inv.db" "select count(*) from runs where finished is null")
echo "after kill -9: $partial assets committed, $unfinished unfinished run"
[ "$partial" -gt 0 ] || { echo "FAIL: no assets kept"; fail=1; }
[ "$unfinished" -eq 1 ] || { echo "FAIL: the killed run is not marked unfinished"; fail=1; }

# Run again to the end, and once more from scratch to compare.
"$WARD" analyze -q --db "$tmp/inv.db" "$tmp/big.pcap" || { echo "FAIL: rerun"; fail=1; }
"$WARD" analyze -q --db "$tmp/fresh.db" "$tmp/big.pcap" || { echo "FAIL: fresh run"; fail=1; }
after=$(query "$tmp/inv.db" "select count(*) from assets")
fresh=$(query "$tmp/fresh.db" "select count(*) from assets")
dups=$(query "$tmp/inv.db" "select count(*) from (select asset, ip from asset_ips group by asset, ip having count(*) > 1)")
if [ "$after" -eq "$fresh" ] && [ "$dups" -eq 0 ]; then
	echo "ok: rerun completes the inventory ($after assets, as a fresh run), no duplicates"
else
	echo "FAIL: after rerun $after assets, fresh run $fresh, $dups duplicate IP rows"; fail=1
fi
exit $fail
