#!/bin/bash
# tests/net/test_smb_peers.sh - ward's smb dissector against real Samba.
#
# A LAN of two namespaces: "files" runs smbd (a standalone server with a
# share and a user made here with smbpasswd -a), "ws" runs smbclient -U
# user%pass listing the share: SMB2/3 NEGOTIATE, then SESSION_SETUP with
# SPNEGO-wrapped NTLMSSP (NEGOTIATE, CHALLENGE, AUTHENTICATE). The switch
# captures; `$WARD analyze --eve -` reads the capture, and every field ward
# reports is compared with tshark's reading of the same frames.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root, when namespaces cannot be made, or when smbd, smbclient or tshark
# is missing. SMB_KEEP=1 keeps the capture and the outputs.

set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

if [ -z "${WARD:-}" ] || [ ! -x "$WARD" ]; then
	echo "test_smb_peers: WARD must name the ward binary (got '${WARD:-}')" >&2
	exit 1
fi
net_skip_unless_possible
net_require smbd smbclient smbpasswd tshark dumpcap useradd userdel \
    /usr/bin/python3

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
net_capture_stop

"$WARD" analyze --eve - -q "$cap" >"$T/eve.json" 2>"$T/ward.err" ||
    { cat "$T/ward.err" >&2; net_die "ward analyze failed"; }
tshark -r "$cap" -Y 'smb2.cmd == 0 || ntlmssp' -T ek \
    >"$T/tshark.json" 2>"$T/tshark.err" ||
    { cat "$T/tshark.err" >&2; net_die "tshark failed"; }

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
