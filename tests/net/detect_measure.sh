#!/bin/bash
# tests/net/detect_measure.sh - ward's measured detection quality, for the
# README: runs every tests/net/test_detect_*.sh and sums their results.
#
#   recall     attacks detected / attacks run, over the attack scenarios of
#              test_detect_recon.sh, test_detect_l2.sh and
#              test_detect_medical.sh (an attack is detected when at least
#              one alert it should raise is raised); exact: attack
#              scenarios whose alerts were exactly the expected ones
#   false alerts per device-day on two weeks of benign traffic
#              (test_detect_quality.sh, days 8-14 after learning days 1-7),
#              and the benign scenarios' alerts (test_detect_benign.sh and
#              each test's base capture)
#
# usage: WARD=build/src/ward tests/net/detect_measure.sh   (as root)
# Prints the tests' own lines, then:
#
#   ward-recall: attacks=N detected=D recall=R exact=E
#   ward-quality: mode=enforce ... fa_per_device_day=X   (from the test)
#
# Exits 1 when a test could not run.

set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${WARD:-}" ] && [ -x "$WARD" ] ||
    { echo "detect_measure: WARD must name ward" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
bad=0
for t in benign recon l2 medical quality; do
	"$here/test_detect_$t.sh" >"$log.$t" 2>&1
	rc=$?
	if [ "$rc" = 77 ]; then
		echo "detect_measure: test_detect_$t.sh skipped:" \
		    "$(grep SKIP "$log.$t" | head -1)" >&2
		bad=1
	fi
	grep -E '^ward-(detect|quality):' "$log.$t" | tee -a "$log"
	grep -E ': (MISSING|UNEXPECTED) ' "$log.$t" >&2
	rm -f "$log.$t"
done
/usr/bin/python3 - "$log" <<'EOF'
import sys
attacks = detected = exact = 0
for line in open(sys.argv[1]):
    if not line.startswith("ward-detect:"):
        continue
    kv = dict(w.split("=", 1) for w in line.split()[1:])
    if int(kv["attacks"]) == 0:
        continue
    attacks += int(kv["attacks"])
    detected += int(kv["detected"])
    if kv["found"] == kv["expected"] and kv["unexpected"] == "0":
        exact += int(kv["attacks"])
print("ward-recall: attacks=%d detected=%d recall=%.2f exact=%d"
      % (attacks, detected, detected / attacks if attacks else 0.0, exact))
EOF
exit $bad
