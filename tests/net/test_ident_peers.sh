#!/bin/bash
# tests/net/test_ident_peers.sh - device identification (rules/devices.yaml)
# against real peers: does `ward analyze` name each host's type and vendor
# from its traffic, and name no host wrongly?
#
# A hospital LAN of network namespaces (tests/net/lib.sh), each host with a
# MAC address from its maker's real IEEE block:
#
#   host     MAC maker (OUI)             what it runs                        expected
#   infra    Dell                        dnsmasq (DHCP, DNS)                 unknown
#   ct       GE Healthcare               storescu: a CT image (GE MEDICAL    ct, GE HealthCare,
#                                        SYSTEMS, Revolution CT); findscu    Revolution CT, version
#                                        -W (worklist)
#   mr       Siemens AG, Healthcare      storescu: an MR image (SIEMENS,     mri, Siemens Healthineers,
#                                        MAGNETOM Vida); findscu -W          MAGNETOM Vida, version
#   pacs     Dell                        dcmqrscp (store, C-FIND, C-MOVE     pacs
#                                        to the viewer)
#   wl       Hewlett Packard             wlmscpfs (modality worklist)        worklist_server
#   gateway  Hewlett Packard Enterprise  HL7 ORU^R01 from "PIC iX"           central_station, Philips
#   his      Dell                        HL7 ADT^A01 from "EPIC"             his_server, Epic Systems
#   engine   Dell                        MLLP server acking as "MIRTH"       hl7_engine, NextGen Healthcare
#   broker   Dell                        mosquitto                           unknown
#   pump     Baxter International        mosquitto_pub, client NovumIQ-...   infusion_pump, Baxter, Novum IQ
#   glucose  Roche Diagnostics GmbH      mosquitto_pub, client AccuChek...   glucose_meter, Roche
#   printer  HP Inc.                     9100 raw, HTTP on 80 and 631 with   printer, HP
#                                        an HP "Server" header
#   files    Dell                        smbd, sshd (a Linux file server)    unknown
#   winws    Lenovo                      dhclient "MSFT 5.0"; smbclient      workstation_windows
#   linws    Hewlett Packard             dhclient with a dhcpcd vendor       workstation_linux
#                                        class; ssh; findscu/movescu with
#                                        storescp (a viewer); prints
#   monitor  Philips Medical Systems -   udhcpc, vendor class "Philips       patient_monitor, Philips
#            Cardiac and Monitoring      IntelliVue MX450"
#   mmon     Mindray Co., Ltd.           udhcpc, vendor class "Mindray       patient_monitor, Mindray
#                                        BeneVision N12"; HL7 ORU^R01 of
#                                        its own to the engine
#   pda      Zebra Technologies Inc.     dhclient "android-dhcp-13" with     handheld, Zebra Technologies
#                                        Android's request list; a DNS
#                                        lookup; MQTT subscription to the
#                                        pumps' topics
#   phone    Spectralink, Inc            dhclient "android-dhcp-11"; a DNS   handheld, Spectralink
#                                        lookup
#   vent     HAMILTON Bonaduz AG         udhcpc, vendor class "HAMILTON-C6"  ventilator, Hamilton Medical
#   badge    Vocera Communications       udhcpc without a vendor class       wearable, Vocera
#
# `$WARD analyze --json` reads the capture; ident_check.py compares each
# host's identity with the table, prints a per-type accuracy table and
# fails on any host named wrongly or left unknown against the table.
#
# WARD is the ward binary (meson passes it); WARD_RULES may name another
# rule file. Exit 77 (skipped) when not root, when namespaces cannot be
# made, or when a peer program is missing. IDENT_KEEP=1 keeps the capture
# and outputs in the directory it prints.

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

if [ -z "${WARD:-}" ] || [ ! -x "$WARD" ]; then
	echo "test_ident_peers: WARD must name the ward binary (got '${WARD:-}')" >&2
	exit 1
fi
RULES=${WARD_RULES:-$top/rules/devices.yaml}

. "$here/lib.sh"
net_skip_unless_possible
net_require dumpcap dnsmasq dhclient busybox dump2dcm dcmqrscp storescp storescu \
    findscu movescu wlmscpfs mosquitto mosquitto_pub smbd smbclient \
    smbpasswd useradd userdel /usr/sbin/sshd ssh ssh-keygen curl node npm \
    /usr/bin/python3 mosquitto_sub getent
busybox udhcpc --help 2>&1 | grep -q -- '-V' ||
	{ echo "SKIP: busybox has no udhcpc" >&2; exit 77; }

# The HL7 peers: simple-hl7 pinned by tests/net/hl7/package-lock.json.
peers="$here/hl7"
if [ ! -d "$peers/node_modules/simple-hl7" ]; then
	if ! (cd "$peers" && { npm ci --offline --no-audit --no-fund ||
	    npm ci --no-audit --no-fund; }) >/dev/null 2>&1; then
		echo "SKIP: npm ci in $peers failed (no cache, no registry)" >&2
		exit 77
	fi
fi

USER_NAME=wardident
PASS='Ward-Ident-5'
made_user=0
net_init
[ "${IDENT_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
trap 'rc=$?; [ "$made_user" = 1 ] && userdel "$USER_NAME" 2>/dev/null;
    (exit $rc); net_cleanup' EXIT
T=$NET_TMP
cap="$T/ident.pcapng"
NET=10.77.0

fail()
{
	echo "test_ident_peers: $*" >&2
	exit 1
}

# name|MAC|address ("dhcp": reserved by dnsmasq)|what it is
hosts_table()
{
	cat <<EOF
infra|c8:f7:50:4d:00:01|$NET.1|DHCP and DNS server
ct|44:4b:5d:4d:00:21|$NET.21|GE CT scanner console
mr|88:4b:39:4d:00:22|$NET.22|Siemens MR scanner console
pacs|98:e7:43:4d:00:10|$NET.10|PACS (dcmqrscp)
wl|9c:7b:ef:4d:00:11|$NET.11|modality worklist server (wlmscpfs)
gateway|48:4a:e9:4d:00:30|$NET.30|monitoring HL7 gateway (PIC iX)
his|98:e7:43:4d:00:31|$NET.31|HIS sending ADT (Epic)
engine|98:e7:43:4d:00:32|$NET.32|HL7 interface engine (Mirth)
broker|98:e7:43:4d:00:40|$NET.40|MQTT broker
pump|58:46:e1:4d:00:41|$NET.41|infusion pump
glucose|00:0e:2f:4d:00:42|$NET.42|glucose meter
printer|04:0e:3c:4d:00:50|$NET.50|network printer
files|98:e7:43:4d:00:60|$NET.60|Linux file server (Samba, OpenSSH)
winws|10:c5:95:4d:00:70|$NET.70|Windows workstation (DHCP)
linws|10:e7:c6:4d:00:71|$NET.71|Linux workstation (DHCP), DICOM viewer
monitor|00:09:5c:4d:00:80|$NET.80|Philips bedside monitor (DHCP)
mmon|00:0f:14:4d:00:81|$NET.81|Mindray bedside monitor (DHCP, HL7)
pda|94:fb:29:4d:00:90|$NET.90|Zebra nurse handheld, Android (DHCP)
phone|00:90:7a:4d:00:91|$NET.91|Spectralink handset, Android (DHCP)
vent|00:1e:9a:4d:00:95|$NET.95|Hamilton ventilator (DHCP)
badge|00:09:ef:4d:00:96|$NET.96|Vocera badge (DHCP)
EOF
}

# --- the images and the worklist item ---------------------------------------
image_dump()	# MODALITY SOP-CLASS MANUFACTURER MODEL SOFTWARE STATION UID-SUFFIX
{
	cat <<EOF
(0008,0008) CS [ORIGINAL\PRIMARY\AXIAL]
(0008,0016) UI =$2
(0008,0018) UI [1.2.826.0.1.3680043.8.498.$7.1]
(0008,0020) DA [20240301]
(0008,0060) CS [$1]
(0008,0070) LO [$3]
(0008,0080) LO [St. Example Hospital]
(0008,1010) SH [$6]
(0008,1090) LO [$4]
(0010,0010) PN [TESTPATIENT^CAROL]
(0010,0020) LO [MRN777001]
(0018,1000) LO [SN-$7]
(0018,1020) LO [$5]
(0020,000d) UI [1.2.826.0.1.3680043.8.498.$7.2]
(0020,000e) UI [1.2.826.0.1.3680043.8.498.$7.3]
(0020,0013) IS [1]
(0028,0002) US 1
(0028,0004) CS [MONOCHROME2]
(0028,0010) US 4
(0028,0011) US 4
(0028,0100) US 16
(0028,0101) US 12
(0028,0102) US 11
(0028,0103) US 0
(7fe0,0010) OW 0001\0002\0003\0004\0005\0006\0007\0008\0009\000a\000b\000c\000d\000e\000f\0010
EOF
}
image_dump CT CTImageStorage "GE MEDICAL SYSTEMS" "Revolution CT" \
    "revo_ct_22mw.46" CTCONSOLE1 88001 >"$T/ct.dump"
image_dump MR MRImageStorage "SIEMENS" "MAGNETOM Vida" "syngo MR XA50" \
    MRC40123 88002 >"$T/mr.dump"
mkdir -p "$T/wl/WORKLIST"
: >"$T/wl/WORKLIST/lockfile"
cat >"$T/wl.dump" <<'EOF'
(0008,0005) CS [ISO_IR 100]
(0008,0050) SH [ACC0001]
(0010,0010) PN [TESTPATIENT^CAROL]
(0010,0020) LO [MRN777001]
(0010,0030) DA [19700101]
(0010,0040) CS [F]
(0020,000d) UI [1.2.826.0.1.3680043.8.498.88003]
(0032,1060) LO [CT HEAD]
(0040,0100) SQ (Sequence with undefined length)
(fffe,e000) na (Item with undefined length)
(0008,0060) CS [CT]
(0040,0001) AE [CT01]
(0040,0002) DA [20240301]
(0040,0003) TM [101500]
(0040,0009) SH [SPS0001]
(fffe,e00d) na (ItemDelimitationItem)
(fffe,e0dd) na (SequenceDelimitationItem)
(0040,1001) SH [RP0001]
EOF
{ dump2dcm "$T/ct.dump" "$T/ct.dcm" && dump2dcm "$T/mr.dump" "$T/mr.dcm" &&
    dump2dcm "$T/wl.dump" "$T/wl/WORKLIST/item1.wl"; } >"$T/dump2dcm.log" 2>&1 ||
	{ cat "$T/dump2dcm.log" >&2; fail "dump2dcm failed"; }

# --- the LAN ------------------------------------------------------------------
net_switch
while IFS='|' read -r name mac ip what; do
	net_host "$name" "$mac"
done < <(hosts_table)
net_capture_start "$cap"
for h in infra ct mr pacs wl gateway his engine broker pump glucose printer \
    files; do
	net_host_up "$h"
	net_addr "$h" "$(hosts_table | awk -F'|' -v h="$h" '$1 == h {print $3}')/24"
done
ip_of() { hosts_table | awk -F'|' -v h="$1" '$1 == h {print $3}'; }
mac_of() { hosts_table | awk -F'|' -v h="$1" '$1 == h {print $2}'; }

# infra: dnsmasq with a reservation for each DHCP host.
dhcp_hosts="winws linws monitor mmon pda phone vent badge"
reservations=()
for h in $dhcp_hosts; do
	reservations+=("--dhcp-host=$(mac_of "$h"),$(ip_of "$h"),$h")
done
: >"$T/dnsmasq.leases"
net_bg infra "$T/dnsmasq.out" dnsmasq --no-daemon --conf-file=/dev/null \
    --user=root --group=root --interface=eth0 --bind-interfaces \
    --except-interface=lo --pid-file="$T/dnsmasq.pid" \
    --dhcp-leasefile="$T/dnsmasq.leases" --no-resolv --no-hosts --no-ping \
    --dhcp-authoritative --domain=hospital.lan --local=/hospital.lan/ \
    --dhcp-range=$NET.100,$NET.199,255.255.255.0,1h \
    --dhcp-option=option:router,$NET.1 --dhcp-option=option:dns-server,$NET.1 \
    "${reservations[@]}"
net_wait_listen infra udp 67 10 || fail "dnsmasq: no DHCP socket"
net_wait_listen infra udp 53 10 || fail "dnsmasq: no DNS socket"

# The workstations' DHCP clients: dhclient as Windows and as dhcpcd ask.
start_dhclient()	# NAME VENDOR-CLASS REQUEST-LIST
{
	local d="$T/$1"
	mkdir -p "$d"
	cat >"$d/dhclient.conf" <<EOF
option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;
option ms-classless-static-routes code 249 = array of unsigned integer 8;
option wpad code 252 = string;
send host-name "$1";
send vendor-class-identifier "$2";
request $3;
timeout 20;
initial-interval 1;
EOF
	cat >"$d/hook.sh" <<EOF
#!/bin/sh
case "\$reason" in
BOUND|RENEW|REBIND|REBOOT)
	ip addr add "\$new_ip_address/\$new_subnet_mask" dev "\$interface"
	echo "\$new_ip_address" >"$d/lease.tmp" && mv "$d/lease.tmp" "$d/lease"
	;;
esac
exit 0
EOF
	chmod 755 "$d/hook.sh"
	net_host_up "$1"
	net_bg "$1" "$d/client.log" dhclient -4 -d -1 -v -cf "$d/dhclient.conf" \
	    -lf "$d/dhclient.leases" -pf "$d/dhclient.pid" -sf "$d/hook.sh" eth0
}
start_dhclient winws "MSFT 5.0" 'subnet-mask, routers, domain-name-servers,
	domain-name, router-discovery, static-routes,
	vendor-encapsulated-options, netbios-name-servers, netbios-node-type,
	netbios-scope, domain-search, rfc3442-classless-static-routes,
	ms-classless-static-routes, wpad'
start_dhclient linws "dhcpcd-9.4.1:Linux-6.1.0-18-amd64:x86_64:GenuineIntel" \
    'subnet-mask, rfc3442-classless-static-routes, static-routes, routers,
	domain-name-servers, domain-name, broadcast-address, dhcp-lease-time,
	dhcp-renewal-time, dhcp-rebinding-time, domain-search'
# The devices: Android's request list (its DhcpClient asks these), and
# busybox udhcpc as the embedded monitors, ventilator and badge, with the
# vendor class each sends (-V; empty: none at all).
android_request='subnet-mask, routers, domain-name-servers, domain-name,
	interface-mtu, broadcast-address, dhcp-lease-time, dhcp-renewal-time,
	dhcp-rebinding-time, vendor-encapsulated-options'
start_dhclient pda android-dhcp-13 "$android_request"
start_dhclient phone android-dhcp-11 "$android_request"
start_udhcpc()	# NAME VENDOR-CLASS
{
	local d="$T/$1"
	mkdir -p "$d"
	cat >"$d/hook.sh" <<EOF
#!/bin/sh
case "\$1" in
bound|renew)
	ip addr add "\$ip/\$subnet" dev "\$interface"
	echo "\$ip" >"$d/lease.tmp" && mv "$d/lease.tmp" "$d/lease"
	;;
esac
exit 0
EOF
	chmod 755 "$d/hook.sh"
	net_host_up "$1"
	net_bg "$1" "$d/client.log" busybox udhcpc -i eth0 -f -q -t 10 -T 1 \
	    -A 1 -s "$d/hook.sh" -x "hostname:$1" -V "$2"
}
start_udhcpc monitor "Philips IntelliVue MX450"
start_udhcpc mmon "Mindray BeneVision N12"
start_udhcpc vent "HAMILTON-C6"
start_udhcpc badge ""
for h in $dhcp_hosts; do
	net_wait_file "$T/$h/lease" . 30 ||
	    { cat "$T/$h/client.log" >&2; fail "$h got no DHCP lease"; }
	[ "$(cat "$T/$h/lease")" = "$(ip_of "$h")" ] ||
	    fail "$h got $(cat "$T/$h/lease"), not $(ip_of "$h")"
done

# --- DICOM: the PACS, the worklist server, the viewer's storage SCP -----------
mkdir -p "$T/db" "$T/viewer"
chmod 777 "$T/db" "$T/viewer"
cat >"$T/dcmqrscp.cfg" <<EOF
NetworkTCPPort  = 11112
MaxPDUSize      = 16384
MaxAssociations = 16

HostTable BEGIN
ct = (CT01, $(ip_of ct), 11112)
mr = (MR01, $(ip_of mr), 11112)
viewer = (VIEWER, $(ip_of linws), 11112)
HostTable END

VendorTable BEGIN
VendorTable END

AETable BEGIN
PACS $T/db RW (10, 64mb) ANY
AETable END
EOF
net_bg pacs "$T/dcmqrscp.log" dcmqrscp -c "$T/dcmqrscp.cfg"
net_bg wl "$T/wlmscpfs.log" wlmscpfs -dfp "$T/wl" 104
net_bg linws "$T/storescp.log" storescp -aet VIEWER -od "$T/viewer" 11112
net_wait_listen pacs tcp 11112 10 || fail "dcmqrscp does not listen"
net_wait_listen wl tcp 104 10 || fail "wlmscpfs does not listen"
net_wait_listen linws tcp 11112 10 || fail "storescp does not listen"

run()	# HOST CMD...: a peer command, logged; its status returned
{
	local h=$1
	shift
	echo "+ [$h] $*" >>"$T/peers.log"
	net_exec "$h" "$@" >>"$T/peers.log" 2>&1
}

# The modalities: today's worklist, then their images to the PACS.
for m in ct:CT01:CT mr:MR01:MR; do
	IFS=: read -r h ae mod <<<"$m"
	run "$h" findscu -W -aet "$ae" -aec WORKLIST "$(ip_of wl)" 104 \
	    -k "(0040,0100)[0].Modality=$mod" -k PatientName -k PatientID \
	    -k AccessionNumber || fail "$h: worklist query failed"
	run "$h" storescu -aet "$ae" -aec PACS "$(ip_of pacs)" 11112 \
	    "$T/$h.dcm" || fail "$h: store failed"
done
# The viewer: finds the CT study and retrieves it to itself.
run linws findscu -S -aet VIEWER -aec PACS -k QueryRetrieveLevel=STUDY \
    -k PatientID=MRN777001 -k StudyInstanceUID "$(ip_of pacs)" 11112 ||
	fail "viewer: C-FIND failed"
run linws movescu -S -aet VIEWER -aec PACS -aem VIEWER \
    -k QueryRetrieveLevel=STUDY \
    -k StudyInstanceUID=1.2.826.0.1.3680043.8.498.88001.2 \
    "$(ip_of pacs)" 11112 || fail "viewer: C-MOVE failed"
ls "$T/viewer" | grep -q . || fail "the viewer received no image"

# --- HL7: the engine, the monitoring gateway, the HIS --------------------------
net_bg engine "$T/engine.log" node "$peers/ident_peer.js" server 6661 MIRTH
net_wait_listen engine tcp 6661 20 || { cat "$T/engine.log" >&2;
    fail "the MLLP server did not listen"; }
run gateway timeout 30 node "$peers/ident_peer.js" client "$(ip_of engine)" \
    6661 "PIC iX" ICU ORU^R01 GW000001 || fail "gateway: ORU not acknowledged"
run his timeout 30 node "$peers/ident_peer.js" client "$(ip_of engine)" \
    6661 EPIC GENERAL_HOSP ADT^A01 EPIC000001 || fail "his: ADT not acknowledged"
# A monitor with an HL7 output of its own sends its vital signs straight
# to the engine: it must stay a monitor, not become a central station.
run mmon timeout 30 node "$peers/ident_peer.js" client "$(ip_of engine)" \
    6661 "BeneVision N12" ICU ORU^R01 MMON000001 ||
	fail "mmon: ORU not acknowledged"

# --- MQTT: the pump and the glucose meter publish -------------------------------
cat >"$T/mosquitto.conf" <<EOF
allow_anonymous true
listener 1883 $(ip_of broker)
persistence false
log_dest stderr
user root
EOF
net_bg broker "$T/broker.log" mosquitto -c "$T/mosquitto.conf"
net_wait_listen broker tcp 1883 10 || { cat "$T/broker.log" >&2;
    fail "no broker"; }
run pump mosquitto_pub -h "$(ip_of broker)" -i NovumIQ-LVP-0012 -q 1 \
    -t pumps/NovumIQ-LVP-0012/status -m '{"state":"infusing"}' ||
	fail "pump: publish failed"
run glucose mosquitto_pub -h "$(ip_of broker)" -i AccuChekInformII-UU12345678 \
    -q 1 -t poc/glucose/UU12345678/result -m '{"result":"ok"}' ||
	fail "glucose: publish failed"
# The nurse handheld follows the pumps (subscribes, publishes nothing).
run pda mosquitto_sub -h "$(ip_of broker)" -i nurse-pda-07 -q 1 -E \
    -t 'pumps/+/status' || fail "pda: subscribe failed"

# --- the handsets look a monitor up (dnsmasq names the DHCP hosts) -----------
for h in pda phone; do
	net_resolv "$h" "$(ip_of infra)" hospital.lan
	run "$h" getent hosts monitor.hospital.lan ||
	    fail "$h: no DNS answer for monitor.hospital.lan"
done

# --- the printer: a raw job and its web pages --------------------------------
net_bg printer "$T/printer.log" /usr/bin/python3 "$here/printer_peer.py" \
    "$(ip_of printer)"
net_wait_listen printer tcp 9100 10 || fail "the printer does not listen"
net_wait_listen printer tcp 631 10 || fail "the printer has no IPP port"
run linws /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 9100), timeout=5)
s.sendall(b"\x1b%-12345X@PJL JOB\r\nward test page\r\n\x1b%-12345X")
s.close()' "$(ip_of printer)" || fail "linws: print job failed"
run linws curl -s -o /dev/null "http://$(ip_of printer):631/ipp/print" ||
	fail "linws: IPP page failed"
run winws curl -s -o /dev/null "http://$(ip_of printer)/" ||
	fail "winws: printer page failed"

# --- the file server: Samba for the Windows host, SSH for the Linux one -------
if ! getent passwd "$USER_NAME" >/dev/null; then
	useradd -M -d /nonexistent -s /usr/sbin/nologin "$USER_NAME" ||
	    fail "useradd $USER_NAME"
	made_user=1
fi
B="$T/samba"
mkdir -p "$B/lock" "$B/state" "$B/cache" "$B/private" "$B/pid" "$B/log" \
    "$B/share"
echo "radiology notes" >"$B/share/readme.txt"
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
	passdb backend = tdbsam:$B/private/passdb.tdb
	lock directory = $B/lock
	state directory = $B/state
	cache directory = $B/cache
	private dir = $B/private
	pid directory = $B/pid
	ncalrpc dir = $B/ncalrpc
	log file = $B/log/smbd.log
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
	lock directory = $B/lock
	state directory = $B/state
	cache directory = $B/cache
	private dir = $B/private
EOF
printf '%s\n%s\n' "$PASS" "$PASS" |
    smbpasswd -c "$B/smb.conf" -s -a "$USER_NAME" >"$T/smbpasswd.log" 2>&1 ||
    { cat "$T/smbpasswd.log" >&2; fail "smbpasswd -a"; }
net_bg files "$T/smbd.out" smbd --foreground --debug-stdout \
    --configfile="$B/smb.conf"
S="$T/ssh"
mkdir -p "$S" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$S/host_ed25519" && \
    ssh-keygen -q -t ed25519 -N '' -f "$S/client" || fail "ssh-keygen"
cp "$S/client.pub" "$S/authorized_keys"
cat >"$S/sshd_config" <<EOF
Port 22
ListenAddress $(ip_of files)
HostKey $S/host_ed25519
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
EOF
net_bg files "$S/sshd.log" /usr/sbin/sshd -D -e -f "$S/sshd_config"
net_wait_listen files tcp 445 15 || { cat "$T/smbd.out" >&2;
    fail "smbd does not listen"; }
net_wait_listen files tcp 22 10 || fail "sshd does not listen"
run winws smbclient "//$(ip_of files)/share" -s "$B/client.conf" \
    -U "$USER_NAME%$PASS" -W RADIOLOGY -n WS-NURSE-07 -c ls ||
	fail "winws: smbclient failed"
run linws ssh -i "$S/client" -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes "root@$(ip_of files)" \
    true || fail "linws: ssh failed"

sleep 0.5
net_capture_stop

"$WARD" analyze --json --no-progress --rules "$RULES" "$cap" \
    >"$T/ward.json" 2>"$T/ward.err" ||
	{ cat "$T/ward.err" >&2; fail "ward analyze failed"; }
hosts_table >"$T/hosts.txt"
/usr/bin/python3 "$here/ident_check.py" "$T/ward.json" "$T/hosts.txt"
