#!/bin/bash
# tests/net/test_detect_quality.sh - false alerts per device-day on four
# weeks of benign hospital traffic.
#
# The LAN of tests/net/detect_lan.sh starts (boot.pcapng: DHCP, first ARP)
# and each kind of its normal activity is captured once, on its own
# (detect_lan.sh's det_snippet_*: telemetry, study, clinic, dhcp, and a DNS
# lookup per host). tests/net/detect_days.py lays copies of them over 28
# days with realistic cadences and jitter (telemetry, renewals and
# background lookups day and night; studies and admissions 07:00-19:00),
# shifting their timestamps as editcap -t does: days 1-7 into learn.pcap,
# days 8-28 into enforce.pcap. Then:
#
#   enforce  ward baseline learn on learn.pcap, then ward analyze
#            --detect-mode enforce on enforce.pcap;
#   auto     ward analyze on both in one run, mode auto, with a policy of
#            learning: {period: 7d} (each device learns its first week);
#            only the alerts of days 8-28 count.
#
# Every alert is a false alert (nothing here is an attack); the figure is
# alerts / (devices x 21 days). Prints for each:
#
#   ward-quality: mode=enforce devices=9 days=21 alerts=N fa_per_device_day=X
#
# and fails when X is over WARD_FA_MAX (default 0.01, the goal). WARD is
# the ward binary. Exit 77 when not root, when a program is missing or when
# ward has no detection. DETECT_KEEP=1 keeps everything; DETECT_DAYS (28),
# DETECT_LEARN (7) and DETECT_SEED (1) change the generated capture.

set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${WARD:-}" ] && [ -x "$WARD" ] ||
    { echo "test_detect_quality: WARD must name ward" >&2; exit 1; }
. "$here/lib.sh"
. "$here/detect_lan.sh"
net_skip_unless_possible
det_require
det_ward_can_detect
det_hl7_peers
[ "${DETECT_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
net_init
T=$NET_TMP
DAYS=${DETECT_DAYS:-28}
LEARN=${DETECT_LEARN:-7}
FA_MAX=${WARD_FA_MAX:-0.01}

det_lan "$T/boot.pcapng"
det_snippet_telemetry
det_snippet_dhcp
net_capture_stop

snippets=()
snip()
{
	local kind=$1
	shift
	net_capture_start "$T/snip-$kind.pcapng"
	det_flush
	"$@"
	net_capture_stop
	editcap -F pcap "$T/snip-$kind.pcapng" "$T/snip-$kind.pcap" ||
	    net_die "editcap -F pcap"
	snippets+=("$kind=$T/snip-$kind.pcap")
}
snip telemetry det_snippet_telemetry
snip study det_snippet_study
snip clinic det_snippet_clinic
snip dhcp det_snippet_dhcp
for h in engine pacs archive modality monitor pump broker ws; do
	snip "bg-$h" det_snippet_background "$h"
done
editcap -F pcap "$T/boot.pcapng" "$T/boot.pcap" || net_die "editcap"

/usr/bin/python3 "$here/detect_days.py" --days "$DAYS" --learn "$LEARN" \
    --seed "${DETECT_SEED:-1}" "$T/learn.pcap" "$T/enforce.pcap" \
    "$T/boot.pcap" "${snippets[@]}" || net_die "detect_days.py failed"

ndev=${#DET_HOSTS[@]}
ndays=$((DAYS - LEARN))
fail=0
report()	# MODE EVE
{
	local n
	n=$(/usr/bin/python3 "$here/check_alerts.py" --count "$2") ||
	    net_die "cannot read $2"
	/usr/bin/python3 - "$1" "$ndev" "$ndays" "$n" "$FA_MAX" <<'EOF' || fail=1
import sys
mode, ndev, ndays, n, fa_max = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
x = n / (ndev * ndays)
print("ward-quality: mode=%s devices=%d days=%d alerts=%d "
      "fa_per_device_day=%.4f" % (mode, ndev, ndays, n, x))
sys.exit(1 if x > fa_max else 0)
EOF
	# Which alerts, for the reader of the log.
	/usr/bin/python3 "$here/check_alerts.py" --scenario "quality-$1" "$2" \
	    /dev/null | grep UNEXPECTED | sort | uniq -c | sort -rn | head -20
}

DET_DB="$T/enforce.db"
det_learn "$T/learn.pcap"
det_ward "$T/enforce.eve" "$T/enforce.pcap" -- --detect-mode enforce
report enforce "$T/enforce.eve"

# Mode auto over both weeks: only the second week's alerts count.
cat >"$T/auto.yaml" <<EOF
version: 1
learning:
  mode: auto
  period: ${LEARN}d
EOF
DET_DB="$T/auto.db"
det_ward "$T/auto-all.eve" "$T/learn.pcap" "$T/enforce.pcap" -- \
    --detect "$T/auto.yaml"
split=$(/usr/bin/python3 -c '
import struct, sys
with open(sys.argv[1], "rb") as f:
    f.seek(24)
    print(struct.unpack("<I", f.read(4))[0])' "$T/enforce.pcap")
/usr/bin/python3 - "$T/auto-all.eve" "$split" >"$T/auto.eve" <<'EOF'
import datetime, json, sys
split = int(sys.argv[2])
for line in open(sys.argv[1]):
    ev = json.loads(line)
    if ev.get("event_type") != "alert":
        continue
    ts = ev.get("timestamp", "")
    try:
        t = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
        if t.timestamp() < split:
            continue
    except ValueError:
        pass
    sys.stdout.write(line)
EOF
report auto "$T/auto.eve"
exit $fail
