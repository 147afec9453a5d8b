#!/bin/sh
# Golden tests: for each capture listed in tests/pcap/golden.list, runs
# `ward analyze --json` and compares with the expected document beside it
# (CAPTURE.golden.json), ignoring what changes from run to run (timing, the
# version). Any difference fails with a diff.
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
normalize() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
d.pop("ward_version", None)
d.pop("inputs", None)
s = d.get("summary", {})
# Timing varies by run; flow memory by the state size of the dissectors
# (every new parser changes it), which the flow unit tests cover instead.
for k in ("seconds", "packets_per_second", "inputs", "flow_memory_peak"):
    s.pop(k, None)
json.dump(d, sys.stdout, indent=1, sort_keys=True)
print()
'
}
while read -r cap; do
	case "$cap" in ''|'#'*) continue ;; esac
	want="$top/$cap.golden.json"
	"$WARD" analyze --json --no-progress "$top/$cap" 2>"$tmp/err" |
		normalize >"$tmp/got.json"
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
