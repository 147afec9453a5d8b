#!/bin/sh
# ward analyze --db, then ward inventory list, show and export on the
# sample capture: departments from rules/departments.example.yaml, the
# identity verdicts of two rule sets (tests/pcap/inventory/rules-*.yaml),
# attributes counted per run, the history of identity changes across runs
# (and the same changes in the EVE log), and with editcap the online state
# of devices that fall silent and come back.
#
# Usage: test_inventory.sh WARD SAMPLE
set -u
WARD=$1
SAMPLE=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
RULES_A=$here/inventory/rules-a.yaml
RULES_B=$here/inventory/rules-b.yaml
DEPTS=$top/rules/departments.example.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
DB=$tmp/inv.db
CT=44:4b:5d:21:0c:01

ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
check() {	# check WHAT COMMAND...: the command must succeed
	what=$1; shift
	if "$@" >"$tmp/out" 2>&1; then ok "$what"; else bad "$what"; cat "$tmp/out"; fi
}
query() {
	/usr/bin/python3 - "$DB" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute(sys.argv[2]):
    print("|".join("" if c is None else str(c) for c in row))
PY
}
want() {	# want WHAT EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: wanted '$2', got '$3'"; fi
}

# Run 1: rules A, departments.
"$WARD" analyze -q --db "$DB" --rules "$RULES_A" --departments "$DEPTS" \
    "$SAMPLE" || bad "analyze run 1"
"$WARD" analyze --json --no-progress --rules "$RULES_A" "$SAMPLE" \
    >"$tmp/run1.json" || bad "analyze --json"
want "9 assets stored" 9 "$(query 'select count(*) from assets')"
want "CT in Radiology by its /28" "Radiology|10.77.0.16/28" \
    "$(query "select department, '10.77.0.16/28' from assets where key = '$CT'")"
want "pump in Intensive care (/26)" "Intensive care|Level 3, ICU|Main" \
    "$(query "select department, location, building from assets where hostname like 'infusion-pump%'")"
want "handheld in Nursing (more specific /28 inside the /26)" "Nursing" \
    "$(query "select department from assets where hostname like 'nurse-pda%'")"
want "CT identified" "ct|GE Healthcare|Revolution CT|1.2" \
    "$(query "select type, vendor, model, version from v_identity where key = '$CT'")"
want "CT evidence rows" "test-ct-hostname,test-ct-oui" \
    "$(query "select group_concat(rule, ',') from (select rule from identity_evidence e join assets a on a.id = e.asset where a.key = '$CT' order by rule)")"
json_attrs=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(t["count"] for a in d["assets"] for t in a["attributes"]))' "$tmp/run1.json")
want "attribute counts as analyze counted them" "$json_attrs" \
    "$(query 'select sum(count) from v_asset_attrs')"
rows1=$(query 'select count(*) from asset_attrs')
want "status stored" "9|online" \
    "$(query "select count(*), status from assets group by status")"
want "no history after one run" 0 "$(query 'select count(*) from identity_history')"

# Run 2: rules B call the CT an MR scanner.
"$WARD" analyze -q --db "$DB" --rules "$RULES_B" --eve "$tmp/eve2" \
    "$SAMPLE" || bad "analyze run 2"
want "attribute rows not duplicated" "$rows1" "$(query 'select count(*) from asset_attrs')"
want "attribute counts add per run" "$((json_attrs * 2))" \
    "$(query 'select sum(count) from v_asset_attrs')"
want "department kept without --departments" "Radiology" \
    "$(query "select department from assets where key = '$CT'")"
want "history: type and model changed" \
    "model_changed|Revolution CT|SIGNA Premier
type_changed|ct|mri" \
    "$(query "select change, old_value, new_value from identity_history h join assets a on a.id = h.asset where a.key = '$CT' order by change")"
want "history rows carry the run" 2 \
    "$(query 'select count(*) from identity_history where run = (select max(id) from runs)')"
want "the same changes in the EVE log" "model_changed Revolution CT SIGNA Premier
type_changed ct mri" "$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    a = e.get("asset", {})
    if a.get("change", "").endswith("_changed"):
        print(a["change"], a["old"], a["new"])' "$tmp/eve2" | sort)"

# Run 3: the same verdicts again add no history.
"$WARD" analyze -q --db "$DB" --rules "$RULES_B" "$SAMPLE" || bad "analyze run 3"
want "no history for an unchanged identity" 2 "$(query 'select count(*) from identity_history')"

# ward inventory list.
"$WARD" inventory list --db "$DB" >"$tmp/list" || bad "inventory list"
want "list: a header and 9 assets" 10 "$(wc -l <"$tmp/list" | tr -d ' ')"
head -1 "$tmp/list" | grep -q 'DEPARTMENT.*STATUS' && ok "list: columns" || bad "list: columns"
"$WARD" inventory list --db "$DB" --type MRI >"$tmp/list" || bad "list --type"
want "list --type mri" "$CT" "$(sed -n 2p "$tmp/list" | cut -c1-17)"
want "list --type mri: one asset" 2 "$(wc -l <"$tmp/list" | tr -d ' ')"
want "list --department 'Intensive care'" 4 \
    "$("$WARD" inventory list --db "$DB" --department 'intensive care' | wc -l | tr -d ' ')"
want "list --vendor baxter" 2 \
    "$("$WARD" inventory list --db "$DB" --vendor baxter | wc -l | tr -d ' ')"
want "list --online" 10 "$("$WARD" inventory list --db "$DB" --online | wc -l | tr -d ' ')"
want "list --offline" 1 "$("$WARD" inventory list --db "$DB" --offline | wc -l | tr -d ' ')"
"$WARD" inventory list --db "$DB" --json >"$tmp/list.json" || bad "list --json"
want "list --json" "9 mri" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ct = [a for a in d["assets"] if a["key"] == sys.argv[2]][0]
print(len(d["assets"]), ct["identity"]["type"]["value"])' "$tmp/list.json" "$CT")"

# ward inventory show, by IP and by MAC.
"$WARD" inventory show --db "$DB" 10.77.0.21 >"$tmp/show" || bad "show by IP"
for pat in "asset $CT" "type  *mri (confidence 80%)" \
    "department  *Radiology (Level 1, east wing, building Main)" \
    "rule test-ct-hostname" "hostname = ct-scanner-01" "ssh.banner = " \
    "type_changed  *ct -> mri"; do
	grep -q "$pat" "$tmp/show" && ok "show: $pat" || bad "show: no '$pat'"
done
"$WARD" inventory show --db "$DB" --json 44:4B:5D:21:0C:01 >"$tmp/show.json" ||
    bad "show --json by MAC"
want "show --json: history" "2 ct mri" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
h = [x for x in d["history"] if x["change"] == "type_changed"][0]
print(len(d["history"]), h["old"], h["new"])' "$tmp/show.json")"
"$WARD" inventory show --db "$DB" 10.99.9.9 >/dev/null 2>"$tmp/err"
want "show: unknown asset exits 1" 1 $?
"$WARD" inventory show --db "$DB" not-an-address >/dev/null 2>"$tmp/err"
want "show: garbage exits 2" 2 $?
grep -q "neither a MAC nor an IP" "$tmp/err" && ok "show: says why" || bad "show: message"
"$WARD" inventory list --db "$tmp/missing.db" >/dev/null 2>"$tmp/err"
want "list: missing database exits 3" 3 $?
[ ! -e "$tmp/missing.db" ] && ok "a missing database is not created" || bad "created a database"

# ward inventory export.
"$WARD" inventory export --db "$DB" --format csv -o "$tmp/inv.csv" || bad "export csv"
want "export csv" "10 mri 0.80 Radiology online" "$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
ct = [r for r in rows if r["key"] == sys.argv[2]][0]
print(len(rows) + 1, ct["type"], ct["type_confidence"], ct["department"], ct["status"])' "$tmp/inv.csv" "$CT")"
"$WARD" inventory export --db "$DB" --format json >"$tmp/inv.json" || bad "export json"
python3 -m json.tool "$tmp/inv.json" >/dev/null && ok "export json parses" || bad "export json parses"
"$WARD" inventory export --db "$DB" --format fhir >"$tmp/inv.fhir.json" || bad "export fhir"
want "export fhir" "Bundle collection 9 90003000 mri urn:dev:mac:444b5d210c01 Radiology" "$(python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
devs = [e["resource"] for e in b["entry"]]
ct = [d for d in devs if any(i["value"] == sys.argv[2] for i in d["identifier"])][0]
mac = [i["value"] for i in ct["identifier"] if i.get("system") == "urn:ietf:rfc:3986"][0]
print(b["resourceType"], b["type"], len(devs), ct["type"]["coding"][0]["code"],
      ct["type"]["text"], mac, ct["owner"]["display"])' "$tmp/inv.fhir.json" "$CT")"
"$WARD" inventory export --db "$DB" --format xml >/dev/null 2>&1
want "export: unknown format exits 2" 2 $?

# Online state: the sample, then an hour later the same again, then two
# hours later the CT scanner's frames alone (with its DHCP server and the
# workstation that logs in to it). Each device went offline ten minutes
# after its last packet (no cadence yet: the floor) and came back an hour
# later; then all went offline again, and three came back.
if command -v editcap >/dev/null && command -v tshark >/dev/null; then
	editcap -F pcapng -t 3600 "$SAMPLE" "$tmp/later.pcapng" &&
	tshark -r "$SAMPLE" -Y "eth.addr == $CT" -w "$tmp/ct.pcapng" -F pcapng \
	    2>/dev/null &&
	editcap -F pcapng -t 7200 "$tmp/ct.pcapng" "$tmp/ct-later.pcapng" ||
	    bad "making the captures"
	DB=$tmp/status.db
	"$WARD" analyze --json --no-progress --db "$DB" --eve "$tmp/eve3" \
	    "$SAMPLE" "$tmp/later.pcapng" "$tmp/ct-later.pcapng" \
	    >"$tmp/status.json" || bad "analyze with silences"
	want "status in analyze --json" "online 3 offline 6" "$(python3 -c '
import json, sys, collections
d = json.load(open(sys.argv[1]))
c = collections.Counter(a["status"]["state"] for a in d["assets"])
print("online", c["online"], "offline", c["offline"])' "$tmp/status.json")"
	want "EVE: offline spells" "came_online 12 went_offline 18" "$(python3 -c '
import json, sys, collections
c = collections.Counter()
for line in open(sys.argv[1]):
    a = json.loads(line).get("asset", {})
    if a.get("change") in ("went_offline", "came_online"):
        c[a["change"]] += 1
print("came_online", c["came_online"], "went_offline", c["went_offline"])' "$tmp/eve3")"
	want "store: offline spells" "came_online|12
went_offline|18" "$(query 'select change, count(*) from identity_history group by change order by change')"
	want "store: states" "offline|6
online|3" "$(query 'select status, count(*) from assets group by status order by status')"
	# The CT's last packet in the sample: 2026-11-22T00:11:37.448989Z.
	want "CT went offline ten minutes after its last packet" \
	    "2026-11-22T00:21:37.448989Z" "$(python3 -c '
import datetime, sys
t = int(sys.argv[1])
print(datetime.datetime.fromtimestamp(t // 1000000, datetime.timezone.utc)
      .strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (t % 1000000))' \
	    "$(query "select min(time) from identity_history h join assets a on a.id = h.asset where a.key = '$CT' and change = 'went_offline'")")"
else
	echo "SKIP: online state over silences (no editcap or tshark)"
fi
exit $fail
