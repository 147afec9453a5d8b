#!/bin/sh
# Bad inputs get a clear error naming the file and what was wrong, never a
# crash; the good part of a damaged file and the other files are still
# analysed, and ward exits with status 1.
#
# Usage: test_bad_inputs.sh WARD GOOD_CAPTURE
set -u
WARD=$1
GOOD=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {	# check DESCRIPTION COMMAND-STATUS EXPECTED-STATUS FILE PATTERN
	if [ "$2" -ne "$3" ]; then
		echo "FAIL: $1: exit status $2, expected $3"; fail=1
	fi
	if ! grep -q -- "$5" "$4"; then
		echo "FAIL: $1: no '$5' in:"; sed 's/^/    /' "$4"; fail=1
	else
		echo "ok: $1"
	fi
}
packets() {	# the summary's packet count from a JSON document
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["packets"])' "$1"
}

"$WARD" analyze --json "$GOOD" >"$tmp/good.json" 2>"$tmp/good.err"
check "good capture" $? 0 "$tmp/good.json" '"assets"'
total=$(packets "$tmp/good.json")

"$WARD" analyze "$tmp/missing.pcap" >"$tmp/out" 2>"$tmp/err"
check "missing file" $? 1 "$tmp/err" "missing.pcap: No such file"

head -c 5000 /dev/urandom >"$tmp/garbage.pcap"
"$WARD" analyze "$tmp/garbage.pcap" >"$tmp/out" 2>"$tmp/err"
check "garbage file" $? 1 "$tmp/err" "garbage.pcap: "

: >"$tmp/empty.pcap"
"$WARD" analyze "$tmp/empty.pcap" >"$tmp/out" 2>"$tmp/err"
check "empty file" $? 1 "$tmp/err" "empty.pcap: "

# Cut the good capture in the middle of a record.
size=$(stat -c %s "$GOOD")
head -c $((size * 2 / 3 + 7)) "$GOOD" >"$tmp/cut.pcap"
"$WARD" analyze --json "$tmp/cut.pcap" >"$tmp/cut.json" 2>"$tmp/err"
check "truncated file" $? 1 "$tmp/err" "cut.pcap: truncated"
cut=$(packets "$tmp/cut.json")
if [ "$cut" -le 0 ] || [ "$cut" -ge "$total" ]; then
	echo "FAIL: truncated file kept $cut of $total packets"; fail=1
else
	echo "ok: truncated file kept $cut of $total packets"
fi

# A bad file among good ones: the good ones are analysed in full.
"$WARD" analyze --json "$GOOD" "$tmp/garbage.pcap" >"$tmp/mix.json" 2>"$tmp/err"
check "good and garbage together" $? 1 "$tmp/err" "garbage.pcap"
mixed=$(packets "$tmp/mix.json")
if [ "$mixed" -ne "$total" ]; then
	echo "FAIL: with a bad file beside it, $mixed of $total packets"; fail=1
fi

"$WARD" analyze -f 'not a filter((' "$GOOD" >"$tmp/out" 2>"$tmp/err"
check "bad BPF filter" $? 2 "$tmp/err" "filter"

"$WARD" analyze --flow-memcap lots "$GOOD" >"$tmp/out" 2>"$tmp/err"
check "bad option value" $? 2 "$tmp/err" "flow-memcap"

"$WARD" analyze --db "$tmp/nodir/x.db" "$GOOD" >"$tmp/out" 2>"$tmp/err"
check "store in a missing directory" $? 3 "$tmp/err" "x.db"

printf 'not a database, just text that is long enough to matter....' >"$tmp/text.db"
"$WARD" analyze --db "$tmp/text.db" "$GOOD" >"$tmp/out" 2>"$tmp/err"
check "store that is not SQLite" $? 3 "$tmp/err" "text.db"

exit $fail
