#!/bin/bash
# tests/net/test_detect_benign.sh - benign hospital traffic raises no alert.
#
# The LAN of tests/net/detect_lan.sh (dnsmasq DHCP and DNS, a CT storing
# to a PACS with dcmtk, HL7 ORU^R01 and ADT^A01 to an engine with
# simple-hl7, MQTT pump telemetry through mosquitto with authenticated
# clients, a nurse station's C-ECHO and pings, DHCP renewals) runs two
# rounds of its normal activity into learn.pcapng, then two more into
# enforce.pcapng. Checked, each with "no alert at all":
#
#   benign-auto     ward analyze on learn.pcapng with a fresh store (the
#                   default policy, mode auto: the stateless rules only);
#   benign-enforce  ward baseline learn on learn.pcapng, then
#                   ward analyze --detect-mode enforce on enforce.pcapng.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, when namespaces or programs are missing, or when ward has no
# detection. DETECT_KEEP=1 keeps the captures and outputs.

set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${WARD:-}" ] && [ -x "$WARD" ] ||
    { echo "test_detect_benign: WARD must name ward" >&2; exit 1; }
. "$here/lib.sh"
. "$here/detect_lan.sh"
net_skip_unless_possible
det_require
det_ward_can_detect
det_hl7_peers
[ "${DETECT_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
net_init

det_lan "$NET_TMP/learn.pcapng"
det_session
det_session
net_capture_stop
net_capture_start "$NET_TMP/enforce.pcapng"
det_session
det_session
net_capture_stop

: >"$NET_TMP/none.expect"
DET_DB="$NET_TMP/auto.db"
det_ward "$NET_TMP/auto.eve" "$NET_TMP/learn.pcapng"
det_check benign-auto "$NET_TMP/auto.eve" "$NET_TMP/none.expect"

DET_DB="$NET_TMP/baseline.db"
det_learn "$NET_TMP/learn.pcapng"
det_ward "$NET_TMP/enforce.eve" "$NET_TMP/enforce.pcapng" -- \
    --detect-mode enforce
det_check benign-enforce "$NET_TMP/enforce.eve" "$NET_TMP/none.expect"
exit $DET_FAIL
