#!/bin/bash
# tests/net/test_smb_peers.sh - ward's smb dissector against real Samba.
#
# A LAN of two namespaces: "files" runs smbd (a standalone server with a
# share and a user made here with smbpasswd -a), "ws" runs smbclient -U
# user%pass listing the share: SMB2/3 NEGOTIATE, then SESSION_SETUP with
# SPNEGO-wrapped NTLMSSP (NEGOTIATE, CHALLENGE, AUTHENTICATE), then `put`
# of three files: a DICOM Part 10 CT image made with dump2dcm, a copy of
# it whose preamble starts with "MZ" (CVE-2019-11687) and a text file. The
# switch captures; `$WARD analyze --eve -` reads the capture, and every
# field ward reports is compared with tshark's reading of the same frames;
# the dicom_file events (carrier smb) are compared with the WRITE requests
# tshark decodes (smb2.fid, smb2.file_offset, smb2.write_length and the
# data), and the CVE flag must be on the MZ copy only.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, when namespaces cannot be made, or when smbd, smbclient, dump2dcm
# or tshark is missing. SMB_KEEP=1 keeps the capture and the outputs.

set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

if [ -z "${WARD:-}" ] || [ ! -x "$WARD" ]; then
	echo "test_smb_peers: WARD must name the ward binary (got '${WARD:-}')" >&2
	exit 1
fi
net_skip_unless_possible
net_require smbd smbclient smbpasswd tshark dumpcap useradd userdel \
    dump2dcm /usr/bin/python3

USER_NAME=wardnurse
PASS='Ward-Test-7'
made_user=0
net_init
NET_KEEP_TMP=${SMB_KEEP:-0}
trap 'rc=$?; [ "$made_user" = 1 ] && userdel "$USER_NAME" 2>/dev/null;
    (exit $rc); net_cleanup' EXIT
T=$NET_TMP

# The Unix account smbpasswd needs, made for this test and removed after.
if ! getent passwd "$USER_NAME" >/dev/null; then
	useradd -M -d /nonexistent -s /usr/sbin/nologin "$USER_NAME" ||
	    net_die "useradd $USER_NAME"
	made_user=1
fi

B="$T/samba"
mkdir -p "$B/lock" "$B/state" "$B/cache" "$B/private" "$B/pid" "$B/log" \
    "$B/share"
echo "study 1.2.840.113619" >"$B/share/readme.txt"
chmod -R 777 "$B/share"
cat >"$B/smb.conf" <<EOF
[global]
	netbios name = FILES-01
	workgroup = RADIOLOGY
	server role = standalone server
	interfaces = eth0
	bind interfaces only = yes
	smb ports = 445
	disable netbios = yes
	server min protocol = SMB2_02
	passdb backend = tdbsam:$B/private/passdb.tdb
	lock directory = $B/lock
	state directory = $B/state
	cache directory = $B/cache
	private dir = $B/private
	pid directory = $B/pid
	ncalrpc dir = $B/ncalrpc
	log file = $B/log/smbd.log
	map to guest = never
	load printers = no
	printing = bsd
	printcap name = /dev/null
	disable spoolss = yes
[share]
	path = $B/share
	read only = no
EOF
cat >"$B/client.conf" <<EOF
[global]
	workgroup = RADIOLOGY
	client min protocol = SMB2_02
	lock directory = $B/lock
	state directory = $B/state
	cache directory = $B/cache
	private dir = $B/private
EOF
printf '%s\n%s\n' "$PASS" "$PASS" |
    smbpasswd -c "$B/smb.conf" -s -a "$USER_NAME" >"$T/smbpasswd.log" 2>&1 ||
    { cat "$T/smbpasswd.log" >&2; net_die "smbpasswd -a"; }

# The files to put: a CT image, its copy with an executable preamble, text.
cat >"$T/ct.dump" <<'EOF'
(0008,0016) UI =CTImageStorage
(0008,0018) UI [1.2.826.0.1.3680043.8.498.77101]
(0008,0060) CS [CT]
(0008,0070) LO [GE MEDICAL SYSTEMS]
(0008,1090) LO [Revolution CT]
(0020,000d) UI [1.2.826.0.1.3680043.8.498.77102]
(0020,000e) UI [1.2.826.0.1.3680043.8.498.77103]
(0028,0010) US 64
(0028,0011) US 64
(0028,0100) US 16
(7fe0,0010) OW 0000
EOF
dump2dcm "$T/ct.dump" "$T/ct.dcm" >"$T/dump2dcm.log" 2>&1 ||
    { cat "$T/dump2dcm.log" >&2; net_die "dump2dcm failed"; }
# A DOS header in the preamble makes the file a program too; the padding
# past the preamble makes the file longer than one WRITE of smbclient's.
/usr/bin/python3 - "$T/ct.dcm" "$T/ct-mz.dcm" <<'PY' || net_die "MZ copy"
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[0:4] = b"MZ\x90\x00"
open(sys.argv[2], "wb").write(bytes(b) + bytes(300000))
PY
seq 1 2000 >"$T/notes.txt"

net_switch
net_host files 52:54:00:5b:00:10
net_host ws 52:54:00:5b:00:20
cap="$T/smb.pcapng"
net_capture_start "$cap"
net_host_up files
net_host_up ws
net_addr files 10.77.0.10/24
net_addr ws 10.77.0.20/24
net_bg files "$T/smbd.out" smbd --foreground --debug-stdout --configfile="$B/smb.conf"
net_wait_listen files tcp 445 15 || { cat "$T/smbd.out" >&2;
    net_die "smbd does not listen"; }

net_exec ws smbclient //10.77.0.10/share -s "$B/client.conf" \
    -U "$USER_NAME%$PASS" -W RADIOLOGY -n WS-NURSE-07 -c ls \
    >"$T/smbclient.out" 2>&1 ||
    { cat "$T/smbclient.out" >&2; net_die "smbclient failed"; }
grep -q readme.txt "$T/smbclient.out" ||
    { cat "$T/smbclient.out" >&2; net_die "the share was not listed"; }
net_exec ws smbclient //10.77.0.10/share -s "$B/client.conf" \
    -U "$USER_NAME%$PASS" -W RADIOLOGY -n WS-NURSE-07 \
    -c "lcd $T; put ct.dcm; put ct-mz.dcm; put notes.txt" \
    >"$T/smbput.out" 2>&1 ||
    { cat "$T/smbput.out" >&2; net_die "smbclient put failed"; }
cmp -s "$T/ct-mz.dcm" "$B/share/ct-mz.dcm" ||
    { cat "$T/smbput.out" >&2; net_die "the files were not written"; }
net_capture_stop

"$WARD" analyze --eve - -q "$cap" >"$T/eve.json" 2>"$T/ward.err" ||
    { cat "$T/ward.err" >&2; net_die "ward analyze failed"; }
tshark -r "$cap" -Y 'smb2.cmd == 0 || ntlmssp' -T ek \
    >"$T/tshark.json" 2>"$T/tshark.err" ||
    { cat "$T/tshark.err" >&2; net_die "tshark failed"; }

# Every WRITE request: its file id, offset, length and data (tshark shows
# the data of a file write as plain data, data.data, not smb2.write_data).
tshark -r "$cap" -Y 'smb2.cmd == 9 && smb2.flags.response == 0' -T fields \
    -E separator=/t -e smb2.fid -e smb2.file_offset -e smb2.write_length \
    -e data.data -e ip.src >"$T/tshark-writes.txt" 2>"$T/tshark.err" ||
    { cat "$T/tshark.err" >&2; net_die "tshark (writes) failed"; }

/usr/bin/python3 - "$T/eve.json" "$T/tshark-writes.txt" <<'PY' || exit 1
import json, sys

eve = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
files = [e for e in eve if e.get("event_type") == "dicom_file"]
fail = []

# tshark: the WRITEs at offset 0 are the starts of files; the first bytes
# of their data say which are Part 10 files and which have "MZ" first.
starts = []
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 5 or f[1] != "0" or not f[3]:
        continue
    data = bytes.fromhex(f[3].replace(":", ""))
    if len(data) >= 132 and data[128:132] == b"DICM":
        starts.append({"fid": f[0], "len": int(f[2]), "mz": data[:2] == b"MZ",
            "ip": f[4]})
print("tshark: %d WRITEs start a Part 10 file (%s)" % (len(starts),
    ", ".join("fid %s, %d bytes%s" % (s["fid"], s["len"],
    ", MZ" if s["mz"] else "") for s in starts)))
if len(starts) != 2:
    fail.append("tshark sees %d Part 10 files written, not 2" % len(starts))
if len(files) != len(starts):
    fail.append("ward reports %d dicom_file events, tshark %d files" %
        (len(files), len(starts)))
for ev, st in zip(files, starts):
    d = ev["dicom_file"]
    for what, ours, theirs in (("carrier", d.get("carrier"), "smb"),
        ("cve_2019_11687", d.get("cve_2019_11687"), st["mz"]),
        ("preamble", d.get("preamble"), "mz" if st["mz"] else "zero"),
        ("subject", ev.get("subject", {}).get("ip"), st["ip"]),
        ("sop_class", d.get("sop_class"), "1.2.840.10008.5.1.4.1.1.2")):
        if ours != theirs:
            fail.append("file %s %s: ward %r, expected %r" % (st["fid"],
                what, ours, theirs))
        else:
            print("ok file %s %s: %r" % (st["fid"], what, ours))
if fail:
    print("\n".join("FAIL " + f for f in fail))
    sys.exit(1)
PY

/usr/bin/python3 - "$T/eve.json" "$T/tshark.json" "$USER_NAME" <<'PY'
import json, sys

eve = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
smb = [e["smb"] for e in eve if e.get("event_type") == "smb"]
cred = [e["credential"] for e in eve if e.get("event_type") == "credential"]
fail = []

def check(what, ours, theirs):
    if ours != theirs:
        fail.append("%s: ward %r, tshark %r" % (what, ours, theirs))
    else:
        print("ok %s: %r" % (what, ours))

# tshark -T ek: one JSON object per packet after an index line; layers
# hold fields named with underscores (smb2_smb2_dialect...).
pk = []
for l in open(sys.argv[2]):
    d = json.loads(l)
    if "layers" in d:
        pk.append(d["layers"])

# Nested protocols (GSS-API, SPNEGO, NTLMSSP inside SMB2) are flattened
# under the carrier's layer, so a field is looked up at any depth.
def field(layers, proto, name):
    todo = [layers]
    while todo:
        d = todo.pop(0)
        if isinstance(d, list):
            todo.extend(d)
        elif isinstance(d, dict):
            if name in d:
                return d[name]
            todo.extend(d.values())
    return None

def first(layer_list, proto, name):
    for l in layer_list:
        v = field(l, proto, name)
        if v is not None:
            return v
    return None

def one(v):
    return v[0] if isinstance(v, list) else v

def hexdialect(v):
    return "0x%04x" % int(str(v), 0)

def bits(ours, v):
    return bool(int(one(v))) if v is not None else None

# tshark can decode a packet with several SMB2 commands; pick by command.
negreq = [l for l in pk if "smb2" in l and one(field(l, "smb2",
    "smb2_smb2_cmd")) in ("0", 0) and one(field(l, "smb2",
    "smb2_smb2_flags_response")) in ("0", False, "false", 0)]
negresp = [l for l in pk if "smb2" in l and one(field(l, "smb2",
    "smb2_smb2_cmd")) in ("0", 0) and one(field(l, "smb2",
    "smb2_smb2_flags_response")) in ("1", True, "true", 1)]

o_req = [s for s in smb if s.get("command") == "negotiate" and
    not s.get("response") and not s.get("smb1")]
o_resp = [s for s in smb if s.get("command") == "negotiate" and
    s.get("response") and not s.get("smb1")]
if not (o_req and o_resp and negreq and negresp):
    print("missing negotiate: ward %d/%d, tshark %d/%d" % (len(o_req),
        len(o_resp), len(negreq), len(negresp)))
    sys.exit(1)
d = field(negreq[0], "smb2", "smb2_smb2_dialect")
check("offered dialects", o_req[0]["dialects"],
    ",".join(hexdialect(x) for x in (d if isinstance(d, list) else [d])))
check("client guid", o_req[0]["client_guid"],
    one(field(negreq[0], "smb2", "smb2_smb2_client_guid")))
check("chosen dialect", o_resp[0]["dialect"],
    hexdialect(one(field(negresp[0], "smb2", "smb2_smb2_dialect"))))
check("server guid", o_resp[0]["server_guid"],
    one(field(negresp[0], "smb2", "smb2_smb2_server_guid")))
for side, o, l in (("request", o_req[0], negreq[0]),
    ("response", o_resp[0], negresp[0])):
    check(side + " signing required", o["signing_required"],
        bits(o, field(l, "smb2", "smb2_smb2_sec_mode_sign_required")))
    check(side + " signing enabled", o["signing_enabled"],
        bits(o, field(l, "smb2", "smb2_smb2_sec_mode_sign_enabled")))

# NTLMSSP: tshark puts it under "ntlmssp".
ch = [s for s in smb if s.get("ntlmssp") == "challenge"]
au = [s for s in smb if s.get("ntlmssp") == "authenticate"]
ng = [s for s in smb if s.get("ntlmssp") == "negotiate"]
tch = [l for l in pk if one(field(l, "ntlmssp",
    "ntlmssp_ntlmssp_messagetype")) in ("2", "0x00000002", 2)]
tau = [l for l in pk if one(field(l, "ntlmssp",
    "ntlmssp_ntlmssp_messagetype")) in ("3", "0x00000003", 3)]
if not (ch and au and ng and tch and tau):
    print("missing NTLMSSP: ward n%d c%d a%d, tshark c%d a%d" % (len(ng),
        len(ch), len(au), len(tch), len(tau)))
    sys.exit(1)
check("challenge target name", ch[0].get("target_name"),
    one(field(tch[0], "ntlmssp", "ntlmssp_ntlmssp_challenge_target_name")))
for ours, theirs in (("nb_computer", "nb_computer_name"),
    ("nb_domain", "nb_domain_name"), ("dns_computer", "dns_computer_name"),
    ("dns_domain", "dns_domain_name")):
    check("challenge " + ours, ch[0].get(ours), one(field(tch[0],
        "ntlmssp", "ntlmssp_ntlmssp_challenge_target_info_" + theirs)))
maj = one(field(tch[0], "ntlmssp", "ntlmssp_ntlmssp_version_major"))
if maj is not None:
    check("challenge os version", ch[0].get("os_version"), "%s.%s.%s" % (
        maj, one(field(tch[0], "ntlmssp", "ntlmssp_ntlmssp_version_minor")),
        one(field(tch[0], "ntlmssp",
            "ntlmssp_ntlmssp_version_build_number"))))
# tshark shows an empty name as "NULL".
def name(v):
    v = one(v)
    return "" if v in (None, "NULL") else v
check("auth user", au[0]["user"],
    name(field(tau[0], "ntlmssp", "ntlmssp_ntlmssp_auth_username")))
check("auth domain", au[0]["domain"],
    name(field(tau[0], "ntlmssp", "ntlmssp_ntlmssp_auth_domain")))
check("auth workstation", au[0]["workstation"],
    name(field(tau[0], "ntlmssp", "ntlmssp_ntlmssp_auth_hostname")))
# tshark decodes an NTLMv2 response as such (ntlmssp.ntlmv2_response).
v2 = "ntlmssp_ntlmssp_ntlmv2_response" in json.dumps(tau[0])
check("ntlm version", au[0]["ntlm_version"], "v2" if v2 else "v1")
check("user is the test's", au[0]["user"], sys.argv[3])
# The credential event: names only, never a response.
if len(cred) < 1:
    fail.append("no credential event")
else:
    c = cred[0]
    check("credential protocol", c.get("protocol"), "ntlm")
    check("credential user", c.get("user"), au[0]["user"])
    check("credential domain", c.get("domain"), au[0]["domain"])
    leaked = [k for k in c if "response" in k or "hash" in k]
    if leaked:
        fail.append("credential carries %s" % leaked)
if fail:
    print("\n".join("FAIL " + f for f in fail))
    sys.exit(1)
PY
