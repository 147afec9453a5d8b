#!/bin/sh
# Golden tests: for each capture listed in tests/pcap/golden.list, runs
# `ward analyze --json --eve` and compares the inventory document and every
# event (observations, flow records, asset changes) with the expected file
# beside it (CAPTURE.golden.json), ignoring what changes from run to run
# (timing, the version, memory). Any difference fails with a diff.
#
# Usage: golden.sh WARD [--update]
# --update rewrites the expected files: review the diff before committing.
set -u
WARD=$1
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
normalize() {	# normalize DOC EVE
	python3 -c '
import json, sys
# Timing varies by run; flow memory by the state size of the dissectors
# (every new parser changes it), which the flow unit tests cover instead.
VOLATILE = ("seconds", "packets_per_second", "inputs", "flow_memory_peak")
d = json.load(open(sys.argv[1]))
d.pop("ward_version", None)
d.pop("inputs", None)
for k in VOLATILE:
    d.get("summary", {}).pop(k, None)
events = []
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e.get("event_type") == "stats":
        continue
    events.append(e)
json.dump({"analyze": d, "events": events}, sys.stdout, indent=1,
          sort_keys=True)
print()
' "$1" "$2"
}
while read -r cap; do
	case "$cap" in ''|'#'*) continue ;; esac
	want="$top/$cap.golden.json"
	rm -f "$tmp/eve"
	"$WARD" analyze --json --no-progress --eve "$tmp/eve" "$top/$cap" \
	    >"$tmp/doc.json" 2>"$tmp/err"
	normalize "$tmp/doc.json" "$tmp/eve" >"$tmp/got.json"
	if [ "$update" = "--update" ]; then
		cp "$tmp/got.json" "$want"
		echo "updated: $cap"
		continue
	fi
	if [ ! -f "$want" ]; then
		echo "FAIL: $cap: no $cap.golden.json (run with --update)"
		fail=1
	elif ! diff -u "$want" "$tmp/got.json" >"$tmp/diff"; then
		echo "FAIL: $cap differs from its golden output:"
		head -60 "$tmp/diff"
		fail=1
	else
		echo "ok: $cap"
	fi
done <"$here/golden.list"
exit $fail
