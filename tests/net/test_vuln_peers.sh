#!/bin/bash
# tests/net/test_vuln_peers.sh - vulnerabilities and exposures found from
# the traffic of real programs, and nothing else.
#
# The LAN of tests/net/detect_lan.sh (rules/departments.example.yaml
# places it: IT 10.77.0.0/28, Radiology 10.77.0.16/28...), with on the
# PACS Debian's OpenSSH (its banner names a distribution build) and
# vsftpd, and a telnetd on the archive. One round of the LAN's normal
# activity plus an SSH key scan, an FTP and a telnet greeting is captured;
# ward vuln update reads tests/vuln/ and rules/vuln/, ward analyze --db
# reads the capture, and ward vuln report --format json must hold exactly
# these (check_vuln.py compares asset, id or kind, status):
#
#   seeded                            why                      expected
#   storescp/storescu/echoscu,        CVE-2022-43272 names     pacs, archive, modality,
#     DCMTK 3.6.7 (OFFIS_DCMTK_367    3.6.7 exactly            ws (its C-ECHO):
#     on the wire)                                             CVE-2022-43272 affected
#                                     CVE-2022-2119 (< 3.6.7)  nothing
#   OpenSSH 9.2p1 Debian-2+deb12uN    CVE-2024-6387 (8.6-9.8)  pacs: potential (the
#                                                              build may carry the fix)
#   vsftpd on the PACS                FTP offered              pacs: ftp_offered
#   an FTP login from ws (refused)    USER/PASS in clear       pacs, ws:
#                                                              cleartext_credential
#   telnetd on the archive            Telnet offered           archive: telnet_offered
#   C-STORE from Radiology to IT      DICOM in clear across    pacs, archive:
#                                     departments              dicom_cleartext_cross_dept
#   a Connex Spot Monitor 1.52        CVE-2024-1275 (<= 1.52,  csm: CVE-2024-1275 affected
#     sending ORU^R01 with an SFT     ward's curated file)
#     segment (simple-hl7)
#   MQTT with passwords, no TLS       logins in clear          pump, ws, broker:
#                                                              cleartext_credential
#
# and nothing else: the CT's identity (GE HealthCare Revolution CT) and
# the workstation's SSH client banner match no advisory. The report's CSV and text forms are checked to
# carry the same findings. WARD is the ward binary. Exit 77 when not root
# or a program is missing. VULN_KEEP=1 keeps everything.

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ -n "${WARD:-}" ] && [ -x "$WARD" ] ||
    { echo "test_vuln_peers: WARD must name ward" >&2; exit 1; }
. "$here/lib.sh"
. "$here/detect_lan.sh"
net_skip_unless_possible
det_require
net_require /usr/sbin/sshd ssh-keygen ssh-keyscan vsftpd socat \
    /usr/sbin/telnetd curl
det_hl7_peers
[ "${VULN_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
net_init
T=$NET_TMP

det_lan "$T/lan.pcapng"
det_host csm 02:57:41:00:01:52 10.77.0.33/24

# The PACS's remote access: Debian's sshd and vsftpd.
mkdir -p "$T/ssh" /run/sshd /var/run/vsftpd/empty
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_ed25519" || net_die ssh-keygen
cat >"$T/ssh/sshd_config" <<EOF
Port 22
ListenAddress ${DET_IP[pacs]}
HostKey $T/ssh/host_ed25519
PidFile $T/ssh/sshd.pid
UsePAM no
PrintMotd no
UseDNS no
EOF
net_bg pacs "$T/sshd.log" /usr/sbin/sshd -D -e -f "$T/ssh/sshd_config"
cat >"$T/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=${DET_IP[pacs]}
background=NO
anonymous_enable=NO
local_enable=YES
seccomp_sandbox=NO
secure_chroot_dir=/var/run/vsftpd/empty
pam_service_name=vsftpd
EOF
net_bg pacs "$T/vsftpd.log" vsftpd "$T/vsftpd.conf"
# The archive's telnetd, run per connection as inetd would.
net_bg archive "$T/telnetd.log" socat \
    "TCP-LISTEN:23,bind=${DET_IP[archive]},reuseaddr,fork" \
    EXEC:"/usr/sbin/telnetd -h",pty,setsid,ctty,stderr
net_wait_listen pacs tcp 22 10 || net_die "sshd did not start"
net_wait_listen pacs tcp 21 10 || net_die "vsftpd did not start"
net_wait_listen archive tcp 23 10 || net_die "telnetd did not start"

det_session
# The spot monitor reports vital signs to the engine, naming its software.
HL7_SFT='Welch Allyn|1.52|Connex Spot Monitor' det_run csm node \
    "$here/hl7/detect_peer.js" send "${DET_IP[engine]}" "$DET_HL7_PORT" CSM \
    ORU^R01
# Someone at the workstation reaches the PACS's SSH and FTP and the
# archive's telnet: the servers greet, which is all ward needs.
det_run ws ssh-keyscan -T 5 "${DET_IP[pacs]}"
net_exec ws curl -s -m 5 --user nobody:x "ftp://${DET_IP[pacs]}/" \
    >>"$T/steps.log" 2>&1
net_exec ws sh -c "sleep 2 | socat - TCP:${DET_IP[archive]}:23,connect-timeout=5" \
    >>"$T/steps.log" 2>&1
sleep 1
net_capture_stop

DB=$T/ward.db
"$WARD" vuln update --from "$top/tests/vuln" --from "$top/rules/vuln" \
    --db "$DB" >"$T/update.log" 2>&1 ||
    { cat "$T/update.log" >&2; net_die "ward vuln update failed"; }
"$WARD" analyze -q --no-progress --db "$DB" --eve "$T/eve.json" \
    --syslog "$T/cef.log" \
    --departments "$top/rules/departments.example.yaml" "$T/lan.pcapng" \
    >"$T/analyze.log" 2>&1 ||
    { tail -20 "$T/analyze.log" >&2; net_die "ward analyze failed"; }
for f in json csv text; do
	"$WARD" vuln report --db "$DB" --format $f >"$T/report.$f" ||
	    net_die "ward vuln report --format $f failed"
done

# asset-name id-or-kind status (status "-" for exposures); names are the
# LAN's hosts (detect_lan.sh), MACs in the report.
cat >"$T/expect" <<EOF
modality CVE-2022-43272 affected
ws CVE-2022-43272 affected
pacs CVE-2022-43272 affected
archive CVE-2022-43272 affected
pacs CVE-2024-6387 potential
pacs ftp_offered -
pacs cleartext_credential -
archive telnet_offered -
pacs dicom_cleartext_cross_dept -
archive dicom_cleartext_cross_dept -
csm CVE-2024-1275 affected
pump cleartext_credential -
ws cleartext_credential -
broker cleartext_credential -
EOF
hosts=()
for h in "${DET_HOSTS[@]}" csm; do
	hosts+=("$h=${DET_MAC[$h]}")
done
/usr/bin/python3 "$here/check_vuln.py" "$T/expect" "$T/report.json" \
    "$T/report.csv" "$T/report.text" "${hosts[@]}" ||
    { echo "test_vuln_peers: keep $T with VULN_KEEP=1 to look" >&2; exit 1; }
# The EVE log: one "vulnerability" event per finding new to its device
# (all of them, in a new store), before the closing stats line.
/usr/bin/python3 - "$T/eve.json" "$T/report.json" "$T/cef.log" <<'PY' || exit 1
import json, re, sys
events = [json.loads(l) for l in open(sys.argv[1])]
report = json.load(open(sys.argv[2]))
got = sorted((e['vulnerability']['asset'], e['vulnerability']['id'])
             for e in events if e['event_type'] == 'vulnerability')
want = sorted((a['key'], v['id']) for g in report['groups']
              for a in g['assets'] for v in a['vulnerabilities'])
assert got == want, (got, want)
assert events[-1]['event_type'] == 'stats', events[-1]['event_type']
stats = events[-1]['stats']['vulnerabilities']
assert stats['affected'] + stats['potential'] == len(want), stats
# The same findings as CEF lines (a file target: no syslog header).
cef = []
for line in open(sys.argv[3]):
    if '|vulnerability|' not in line:
        continue
    m = re.match(r'CEF:0\|ward\|ward\|[^|]+\|vulnerability\|(\S+) '
                 r'(affected|potential)\|(\d+)\|(.*)$', line.rstrip('\n'))
    assert m, line
    ext = m.group(4)
    asset = re.search(r'cs1=(\S+)', ext).group(1)
    assert 'cs2=%s ' % m.group(1) in ext and 'cfp1Label=confidence' in ext, ext
    assert int(m.group(3)) in (3, 5, 8, 10), line
    cef.append((asset, m.group(1)))
assert sorted(cef) == want, (sorted(cef), want)
print('eve: %d vulnerability events and CEF lines, as the report' % len(got))
PY
