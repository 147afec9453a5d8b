#!/bin/sh
# tests/vuln/test_vuln_cli.sh WARD - ward vuln update, feeds and report on
# the real samples of tests/vuln/ and rules/vuln/: what is read, what is
# skipped unchanged, a bad feed named with its reason while the others
# load, --prune, the report's three forms, usage errors.
set -u
ward=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {	# check WHAT CONDITION...
	what=$1
	shift
	if "$@"; then :; else echo "FAIL: $what" >&2; fail=1; fi
}

db=$tmp/ward.db
nsamples=$(ls "$top"/tests/vuln/*.json | wc -l)
"$ward" vuln update --from "$top/tests/vuln" --from "$top/rules/vuln" \
    --db "$db" >"$tmp/out" 2>"$tmp/err"
check "first update exits 0" [ $? -eq 0 ]
check "every sample and the curated file read" \
    grep -q "^feeds: $((nsamples + 1)) read" "$tmp/out"

"$ward" vuln update --from "$top/tests/vuln" --from "$top/rules/vuln" \
    --db "$db" >"$tmp/out" 2>&1
check "second update: all unchanged" \
    grep -q "^feeds: 0 read (0 advisories), $((nsamples + 1)) unchanged" \
    "$tmp/out"

# A bad file among good ones: named, the others load, exit 1.
mkdir "$tmp/feeds"
cp "$top/tests/vuln/nvd-sample.json" "$tmp/feeds/"
printf '{"vulnerabilities": [{"cve": 3}]}' >"$tmp/feeds/broken.json"
printf 'not a feed' >"$tmp/feeds/notes.txt"
"$ward" vuln update --from "$tmp/feeds" --db "$tmp/b.db" >"$tmp/out" \
    2>"$tmp/err"
check "bad feed: exit 1" [ $? -eq 1 ]
check "bad feed: named with its JSON path" \
    grep -q "broken.json: vulnerabilities\[0\].cve: not an object" "$tmp/err"
check "bad feed: the good one loaded" \
    grep -q "^feeds: 1 read (4 advisories), 0 unchanged, 1 failed" "$tmp/out"
check "the store lists one feed" \
    [ "$("$ward" vuln feeds --db "$tmp/b.db" | wc -l)" -eq 1 ]

# --prune forgets the files no directory holds.
rm "$tmp/feeds/broken.json" "$tmp/feeds/nvd-sample.json"
cp "$top/tests/vuln/icsma-24-151-02.json" "$tmp/feeds/"
"$ward" vuln update --from "$tmp/feeds" --prune --db "$tmp/b.db" \
    >"$tmp/out" 2>&1
check "prune: exit 0" [ $? -eq 0 ]
check "prune: nvd-sample.json removed" \
    grep -q "^feed nvd-sample.json: removed" "$tmp/out"
check "prune: one feed left" \
    [ "$("$ward" vuln feeds --db "$tmp/b.db" | wc -l)" -eq 1 ]

# The report over the sample capture.
"$ward" analyze -q --no-progress --db "$db" "$top/samples/hospital-lan.pcapng" \
    >/dev/null 2>&1
check "analyze exits 0" [ $? -eq 0 ]
"$ward" vuln report --db "$db" --format json >"$tmp/r.json"
check "report json" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = [x for g in d["groups"] for a in g["assets"] for x in a["vulnerabilities"]]
assert d["by"] == "department"
assert [x["id"] for x in v] == ["CVE-2024-6387"], v
assert v[0]["status"] == "potential" and "Debian" in v[0]["reason"]
' "$tmp/r.json"
"$ward" vuln report --db "$db" --format csv --by vendor >"$tmp/r.csv"
check "report csv: header and one row" [ "$(wc -l <"$tmp/r.csv")" -eq 2 ]
check "report csv: grouped by vendor" grep -q "^GE HealthCare," "$tmp/r.csv"
"$ward" vuln report --db "$db" --status affected >"$tmp/r.txt"
check "report --status affected: nothing" [ ! -s "$tmp/r.txt" ]
"$ward" vuln report --db "$db" --min-confidence 0.3 >"$tmp/r.txt"
check "report --min-confidence 0.3: the match" grep -q CVE-2024-6387 "$tmp/r.txt"

# Usage errors: exit 2, the option named.
"$ward" vuln report --db "$db" --format xml >/dev/null 2>"$tmp/err"
check "bad --format: exit 2" [ $? -eq 2 ]
check "bad --format: named" grep -q "'xml' is not text, json or csv" "$tmp/err"
"$ward" vuln update --db "$db" >/dev/null 2>"$tmp/err"
check "update without --from: exit 2" [ $? -eq 2 ]
"$ward" vuln report --db "$tmp/none.db" >/dev/null 2>"$tmp/err"
check "report of no database: exit 3" [ $? -eq 3 ]
check "report of no database: no file made" [ ! -e "$tmp/none.db" ]
exit $fail
