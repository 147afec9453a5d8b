#!/bin/bash
# tests/net/scenario_lan.sh OUT.pcapng - a small hospital LAN with real peers.
#
# Builds a switched LAN in network namespaces (tests/net/lib.sh), captures it
# on the switch with dumpcap, and writes OUT.pcapng and beside it
# OUT.truth.json: what each host really is and did, for check_inventory.py.
#
#   infra-01         Dell       static 10.77.0.1: dnsmasq (DHCP + DNS)
#   pacs-01          Dell       dhclient "MSFT 5.0" with FQDN (option 81);
#                               HTTP server; nmbd
#   ct-scanner-01    GE HC      dhclient; OpenSSH server
#   ws-radiology-02  HP         dhclient (dhcpcd-like id); mDNS responder;
#                               ssh client
#   nurse-pda-07     Zebra      dhclient "android-dhcp-13"; DNS lookups
#                               (getent, dig), curl, mDNS query, nmblookup
#   monitor-icu-03   Philips    udhcpc
#   monitor-icu-04   Mindray    udhcpc
#   infusion-pump-12 Baxter     udhcpc, client id of type 0 (a serial number)
#   lab-analyzer-02  Siemens    udhcpc with busybox's own defaults
#
# Only DHCP, DNS, mDNS, NBNS, HTTP and SSH: no medical protocol traffic.
# Every address used is inside 10.77.0.0/24 (or IPv6 link-local) on the
# namespaces' own bridge.  Needs root; takes about 20 seconds.
#
# Environment: NET_KEEP_TMP=1 keeps the scratch directory (logs, configs).

set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

if [ $# -ne 1 ]; then
	echo "usage: scenario_lan.sh OUT.pcapng" >&2
	exit 2
fi
out=$1
case $out in
*.pcapng) truth=${out%.pcapng}.truth.json ;;
*) truth=$out.truth.json ;;
esac
outdir=$(cd "$(dirname "$out")" && pwd) || exit 2
out="$outdir/$(basename "$out")"
truth="$outdir/$(basename "$truth")"

net_skip_unless_possible
net_require dumpcap tshark dnsmasq dhclient busybox /usr/sbin/sshd ssh \
    ssh-keygen curl dig getent /usr/bin/python3
/usr/bin/python3 -c 'import zeroconf' 2>/dev/null ||
    { echo "SKIP: missing python3-zeroconf" >&2; exit 77; }
have_nbns=0
if command -v nmbd >/dev/null && command -v nmblookup >/dev/null; then
	have_nbns=1
fi

net_init
T=$NET_TMP
rm -f "$out" "$truth"

NET=10.77.0
SRV_IP=$NET.1
DOMAIN=hospital.lan

# name | MAC | client | fixed IPv4 or - | vendor class | client id (hex) | role
# MACs use real IEEE MA-L prefixes of the named vendors (oui.csv).
# client id "-" means: let the client send its default.
hosts_table()
{
	cat <<'EOF'
infra-01|c8:f7:50:0a:00:01|static|10.77.0.1|-|-|DHCP and DNS server (dnsmasq)
pacs-01|98:e7:43:3f:a1:10|dhclient|10.77.0.10|MSFT 5.0|0198e7433fa110|PACS web viewer (HTTP), NetBIOS name
ct-scanner-01|44:4b:5d:21:0c:01|dhclient|10.77.0.21|GEHC_CT_Revolution|01444b5d210c01|CT console, remote service over SSH
ws-radiology-02|9c:7b:ef:52:0e:02|dhclient|10.77.0.32|dhcpcd-9.4.1:Linux-6.1.0-18-amd64:x86_64:GenuineIntel|ffef520e02000300019c7bef520e02|radiology workstation, mDNS, SSH client
nurse-pda-07|94:fb:29:07:70:07|dhclient|-|android-dhcp-13|0194fb29077007|nurse handheld: DNS, HTTP, mDNS and NBNS lookups
monitor-icu-03|00:09:5c:6e:03:03|udhcpc|-|Philips IntelliVue MX450|0100095c6e0303|patient monitor
monitor-icu-04|00:0f:14:4d:04:04|udhcpc|-|Mindray BeneVision N12|01000f144d0404|patient monitor
infusion-pump-12|58:46:e1:0c:00:12|udhcpc|-|Baxter Spectrum IQ|0053505130303132333435|infusion pump, serial number as client id
lab-analyzer-02|20:e7:91:1a:b0:02|udhcpc|-|-|-|lab analyzer, busybox defaults
EOF
}

# dhclient parameter request lists, one per dhclient host, as a real OS of
# that kind would ask (Windows 10, Debian, dhcpcd, Android).
dhclient_request()
{
	case $1 in
	pacs-01)
		echo 'subnet-mask, routers, domain-name-servers, domain-name,
	router-discovery, static-routes, vendor-encapsulated-options,
	netbios-name-servers, netbios-node-type, netbios-scope,
	domain-search, rfc3442-classless-static-routes,
	ms-classless-static-routes, wpad' ;;
	ct-scanner-01)
		echo 'subnet-mask, broadcast-address, time-offset, routers,
	domain-name, domain-name-servers, domain-search, host-name,
	netbios-name-servers, netbios-scope, interface-mtu,
	rfc3442-classless-static-routes, ntp-servers' ;;
	ws-radiology-02)
		echo 'subnet-mask, rfc3442-classless-static-routes, static-routes,
	routers, domain-name-servers, domain-name, broadcast-address,
	dhcp-lease-time, dhcp-renewal-time, dhcp-rebinding-time,
	domain-search' ;;
	nurse-pda-07)
		echo 'subnet-mask, routers, domain-name-servers, domain-name,
	interface-mtu, broadcast-address, dhcp-lease-time,
	dhcp-renewal-time, dhcp-rebinding-time,
	vendor-encapsulated-options' ;;
	esac
}

# Further dhclient.conf lines: pacs-01 sends its FQDN in option 81, as
# Windows does (RFC 4702), in the canonical wire encoding.
dhclient_extra()
{
	case $1 in
	pacs-01)
		echo "send fqdn.fqdn \"pacs-01.$DOMAIN.\";"
		echo 'send fqdn.encoded on;'
		echo 'send fqdn.server-update on;' ;;
	esac
}

# colon-separated form of a hex string, for dhclient.conf.
hexcolon()
{
	printf '%s' "$1" | sed 's/../&:/g; s/:$//'
}

# --- the LAN ------------------------------------------------------------
net_switch
while IFS='|' read -r name mac client ip vc cid role; do
	net_host "$name" "$mac"
done < <(hosts_table)

dhcp_hosts=()
while IFS='|' read -r name mac client ip vc cid role; do
	if [ "$client" != static ] && [ "$ip" != - ]; then
		dhcp_hosts+=("--dhcp-host=$mac,$ip,$name")
	fi
done < <(hosts_table)

net_capture_start "$out"

# --- infra-01: dnsmasq ------------------------------------------------------
net_host_up infra-01
net_addr infra-01 "$SRV_IP/24"
: >"$T/dnsmasq.leases"
net_bg infra-01 "$T/dnsmasq.out" dnsmasq --no-daemon --conf-file=/dev/null \
    --user=root --group=root \
    --interface=eth0 --bind-interfaces --except-interface=lo \
    --pid-file="$T/dnsmasq.pid" --dhcp-leasefile="$T/dnsmasq.leases" \
    --log-facility="$T/dnsmasq.log" --log-dhcp --log-queries \
    --no-resolv --no-hosts --no-ping --dhcp-authoritative \
    --domain=$DOMAIN --local=/$DOMAIN/ --expand-hosts \
    --dhcp-range=$NET.100,$NET.199,255.255.255.0,1h \
    --dhcp-option=option:router,$SRV_IP \
    --dhcp-option=option:dns-server,$SRV_IP \
    --dhcp-option=option:ntp-server,$SRV_IP \
    "${dhcp_hosts[@]}" \
    --host-record=infra-01.$DOMAIN,$SRV_IP \
    --host-record=pacs-01.$DOMAIN,$NET.10 \
    --address=/pacs-web.$DOMAIN/$NET.10
net_wait_listen infra-01 udp 67 10 || net_die "dnsmasq: no DHCP socket"
net_wait_listen infra-01 udp 53 10 || net_die "dnsmasq: no DNS socket"

# --- DHCP clients -------------------------------------------------------------
start_dhclient()
{
	local name=$1 vc=$2 cid=$3 d="$T/$1"
	mkdir -p "$d"
	{
		echo 'option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;'
		echo 'option ms-classless-static-routes code 249 = array of unsigned integer 8;'
		echo 'option wpad code 252 = string;'
		echo "send host-name \"$name\";"
		echo "send vendor-class-identifier \"$vc\";"
		echo "send dhcp-client-identifier $(hexcolon "$cid");"
		echo "request $(dhclient_request "$name");"
		dhclient_extra "$name"
		echo 'timeout 20;'
		echo 'initial-interval 1;'
	} >"$d/dhclient.conf"
	# Our own hook: configure eth0 and record the lease; never the
	# system's dhclient-script, which would rewrite /etc/resolv.conf.
	cat >"$d/hook.sh" <<EOF
#!/bin/sh
case "\$reason" in
BOUND|RENEW|REBIND|REBOOT)
	ip addr add "\$new_ip_address/\$new_subnet_mask" dev "\$interface"
	for r in \$new_routers; do
		ip route replace default via "\$r" dev "\$interface"
		break
	done
	echo "\$new_ip_address" >"$d/lease.tmp" && mv "$d/lease.tmp" "$d/lease"
	;;
esac
exit 0
EOF
	chmod 755 "$d/hook.sh"
	net_bg "$name" "$d/client.log" dhclient -4 -d -1 -v \
	    -cf "$d/dhclient.conf" -lf "$d/dhclient.leases" \
	    -pf "$d/dhclient.pid" -sf "$d/hook.sh" eth0
}

start_udhcpc()
{
	local name=$1 vc=$2 cid=$3 d="$T/$1" args=()
	mkdir -p "$d"
	cat >"$d/hook.sh" <<EOF
#!/bin/sh
case "\$1" in
bound|renew)
	ip addr add "\$ip/\$subnet" dev "\$interface"
	for r in \$router; do
		ip route replace default via "\$r" dev "\$interface"
		break
	done
	echo "\$ip" >"$d/lease.tmp" && mv "$d/lease.tmp" "$d/lease"
	;;
esac
exit 0
EOF
	chmod 755 "$d/hook.sh"
	args=(-i eth0 -f -q -t 10 -T 1 -A 1 -s "$d/hook.sh" -x "hostname:$name")
	[ "$vc" != - ] && args+=(-V "$vc")
	[ "$cid" != - ] && args+=(-x "0x3d:$cid")
	net_bg "$name" "$d/client.log" busybox udhcpc "${args[@]}"
}

while IFS='|' read -r name mac client ip vc cid role; do
	[ "$client" = static ] && continue
	net_host_up "$name"
	case $client in
	dhclient) start_dhclient "$name" "$vc" "$cid" ;;
	udhcpc) start_udhcpc "$name" "$vc" "$cid" ;;
	esac
done < <(hosts_table)

declare -A IP
IP[infra-01]=$SRV_IP
while IFS='|' read -r name mac client ip vc cid role; do
	[ "$client" = static ] && continue
	if ! net_wait_file "$T/$name/lease" . 30; then
		cat "$T/$name/client.log" >&2
		net_die "$name got no DHCP lease"
	fi
	IP[$name]=$(cat "$T/$name/lease")
	if [ "$ip" != - ] && [ "${IP[$name]}" != "$ip" ]; then
		net_die "$name got ${IP[$name]}, not its reserved $ip"
	fi
done < <(hosts_table)

# --- servers ------------------------------------------------------------------
# ct-scanner-01: OpenSSH with a host key and a client key made now.
S="$T/ssh"
mkdir -p "$S" /run/sshd
ssh-keygen -q -t ed25519 -N '' -C ct-scanner-01 -f "$S/host_ed25519" ||
    net_die "ssh-keygen"
ssh-keygen -q -t ed25519 -N '' -C service@ws-radiology-02 -f "$S/client" ||
    net_die "ssh-keygen"
cp "$S/client.pub" "$S/authorized_keys"
cat >"$S/sshd_config" <<EOF
Port 22
ListenAddress 0.0.0.0
HostKey $S/host_ed25519
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PrintMotd no
UseDNS no
EOF
net_bg ct-scanner-01 "$S/sshd.log" /usr/sbin/sshd -D -e -f "$S/sshd_config"

# pacs-01: a web viewer page over HTTP.
W="$T/www"
mkdir -p "$W"
printf '<html><title>PACS web viewer</title><body>pacs-01</body></html>\n' \
    >"$W/index.html"
net_bg pacs-01 "$T/http.log" /usr/bin/python3 -m http.server 80 \
    --bind 0.0.0.0 --directory "$W"

# pacs-01: a NetBIOS name server (nmbd), as a Windows PACS would have.
if [ "$have_nbns" = 1 ]; then
	B="$T/samba"
	mkdir -p "$B/lock" "$B/state" "$B/cache" "$B/private" "$B/pid" "$B/log"
	smbconf()
	{
		cat <<EOF
[global]
	netbios name = $1
	workgroup = RADIOLOGY
	interfaces = eth0
	bind interfaces only = yes
	lock directory = $B/lock
	state directory = $B/state
	cache directory = $B/cache
	private dir = $B/private
	pid directory = $B/pid
	log file = $B/log/$1.log
	local master = no
	domain master = no
	preferred master = no
	os level = 0
	dns proxy = no
	wins support = no
	log level = 3
EOF
	}
	smbconf PACS-01 >"$B/pacs.conf"
	smbconf NURSE-PDA-07 >"$B/pda.conf"
	net_bg pacs-01 "$B/nmbd.out" nmbd --foreground --no-process-group \
	    --debug-stdout --configfile="$B/pacs.conf"
fi

# ws-radiology-02: an mDNS responder (python3-zeroconf) announcing its
# hostname, a _workstation._tcp service and its model in a
# _device-info._tcp TXT record (as macOS does) until told to stop.
cat >"$T/mdns.py" <<'EOF'
import os, socket, sys, time
from zeroconf import IPVersion, ServiceInfo, Zeroconf

mode, ip, host = sys.argv[1], sys.argv[2], sys.argv[3]
zc = Zeroconf(interfaces=[ip], ip_version=IPVersion.V4Only)
stype = "_workstation._tcp.local."
if mode == "respond":
    info = ServiceInfo(stype, f"{host}.{stype}",
                       addresses=[socket.inet_aton(ip)], port=9,
                       server=f"{host}.local.",
                       properties={"role": "radiology"})
    zc.register_service(info)
    model = ServiceInfo("_device-info._tcp.local.",
                        f"{host}._device-info._tcp.local.", port=0,
                        server=f"{host}.local.",
                        properties={"model": "RadiantWS-2"})
    zc.register_service(model)
    print("registered", flush=True)
    stop = sys.argv[4]
    for _ in range(300):
        if os.path.exists(stop):
            break
        time.sleep(0.1)
    zc.unregister_service(model)
    zc.unregister_service(info)
else:
    target = sys.argv[4]
    info = zc.get_service_info(stype, f"{target}.{stype}", timeout=5000)
    if info is None:
        print("no answer", flush=True)
        zc.close()
        sys.exit(1)
    print("resolved", info.server, info.parsed_addresses(), flush=True)
zc.close()
EOF
net_bg ws-radiology-02 "$T/mdns-respond.log" /usr/bin/python3 "$T/mdns.py" \
    respond "${IP[ws-radiology-02]}" ws-radiology-02 "$T/mdns.stop"
mdns_pid=$NET_LAST_PID

net_wait_listen ct-scanner-01 tcp 22 10 || net_die "sshd did not start"
net_wait_listen pacs-01 tcp 80 10 || net_die "http.server did not start"
net_wait_file "$T/mdns-respond.log" registered 15 ||
    net_die "mDNS responder did not register"
if [ "$have_nbns" = 1 ]; then
	net_wait_listen pacs-01 udp 137 10 || net_die "nmbd did not start"
	# nmbd claims its name with three broadcast registrations, about two
	# seconds apart, and answers queries only after that; at log level 3
	# it says so ("Added netbios name PACS-01<00> ... to subnet IP").
	net_wait_file "$B/nmbd.out" \
	    "Added netbios name PACS-01<00> .* to subnet ${IP[pacs-01]}" 15 ||
	    net_die "nmbd did not register PACS-01"
fi

# --- client traffic -------------------------------------------------------
fail=0
pda=nurse-pda-07
net_resolv "$pda" "$SRV_IP" "$DOMAIN"

step()
{
	local what=$1
	shift
	if ! "$@" >>"$T/steps.log" 2>&1; then
		echo "scenario_lan: step failed: $what" >&2
		fail=1
	fi
}

# DNS: glibc (getent) and dig, forward and reverse.
step "getent pacs-01" net_exec "$pda" getent ahostsv4 pacs-01.$DOMAIN
step "dig ct-scanner-01" net_exec "$pda" dig +time=2 +tries=1 @"$SRV_IP" \
    ct-scanner-01.$DOMAIN A
step "dig infra-01" net_exec "$pda" dig +time=2 +tries=1 @"$SRV_IP" \
    infra-01.$DOMAIN A
step "dig pacs-web" net_exec "$pda" dig +time=2 +tries=1 @"$SRV_IP" \
    pacs-web.$DOMAIN A
step "dig -x ws-radiology-02" net_exec "$pda" dig +time=2 +tries=1 \
    @"$SRV_IP" -x "${IP[ws-radiology-02]}"
grep -q "ws-radiology-02.$DOMAIN" "$T/steps.log" ||
    { echo "scenario_lan: PTR for ws-radiology-02 not answered" >&2; fail=1; }

# HTTP: the handheld opens the PACS web viewer by name.
step "curl pacs-01" net_exec "$pda" curl -sS --max-time 5 \
    -o "$T/curl.out" "http://pacs-01.$DOMAIN/"
grep -q "PACS web viewer" "$T/curl.out" 2>/dev/null ||
    { echo "scenario_lan: HTTP page not fetched" >&2; fail=1; }

# SSH: the workstation logs in to the CT console with its key.
step "ssh ct-scanner-01" net_exec ws-radiology-02 ssh -F /dev/null \
    -i "$S/client" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=5 "root@${IP[ct-scanner-01]}" echo ward-e2e-ok
grep -q ward-e2e-ok "$T/steps.log" ||
    { echo "scenario_lan: ssh login failed" >&2; fail=1; }

# mDNS: the handheld resolves the workstation's service.
step "mdns query" net_exec "$pda" /usr/bin/python3 "$T/mdns.py" query \
    "${IP[$pda]}" "$pda" ws-radiology-02
touch "$T/mdns.stop"
wait "$mdns_pid" 2>/dev/null

# NBNS: the handheld looks up PACS-01 by broadcast.
if [ "$have_nbns" = 1 ]; then
	step "nmblookup PACS-01" net_exec "$pda" nmblookup \
	    --configfile="$B/pda.conf" -B "$NET.255" PACS-01
	grep -q "$NET.10 PACS-01" "$T/steps.log" ||
	    { echo "scenario_lan: nmblookup got no answer" >&2; fail=1; }
fi

sleep 1
net_capture_stop
chmod 644 "$out"

if [ "$fail" != 0 ]; then
	echo "--- steps.log" >&2
	cat "$T/steps.log" >&2
	exit 1
fi

# --- truth ----------------------------------------------------------------
# Everything known about each host from its configuration, plus the IPv6
# link-local address the kernel made and what the clients put on the wire
# (read back with tshark, the independent reference).
{
	while IFS='|' read -r name mac client ip vc cid role; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$mac" \
		    "$client" "${IP[$name]}" "$(net_ll6 "$name")" "$vc" "$cid" \
		    "$role" ""
	done < <(hosts_table)
} >"$T/hosts.tsv"

/usr/bin/python3 - "$T/hosts.tsv" "$out" "$truth" "$have_nbns" <<'EOF' || exit 1
import csv, json, os, subprocess, sys

hosts_tsv, cap, truth_path, have_nbns = sys.argv[1:5]
have_nbns = have_nbns == "1"
DOMAIN = "hospital.lan"

def oui_vendor(mac):
    prefix = mac.replace(":", "").upper()[:6]
    with open("/usr/share/ieee-data/oui.csv", newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) >= 3 and row[0] == "MA-L" and row[1].upper() == prefix:
                return row[2].strip()
    return None

def tshark(filt, fields):
    cmd = ["tshark", "-n", "-r", cap, "-Y", filt, "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [l.split("\t") for l in res.stdout.splitlines() if l]

# The client's own DHCP messages: DISCOVER (1) and REQUEST (3).  tshark
# splits option 61 into typed subfields and has no field for its raw bytes,
# so those come from the JSON output's "_raw" of each option (type, length,
# value), in frame order like the -T fields rows.
DHCP_FILTER = "dhcp.option.dhcp == 1 || dhcp.option.dhcp == 3"
fields = ["eth.src", "dhcp.option.dhcp", "dhcp.option.hostname",
          "dhcp.option.vendor_class_id", "dhcp.option.request_list_item",
          "dhcp.fqdn.name"]
raw61 = []
res = subprocess.run(["tshark", "-n", "-r", cap, "-Y", DHCP_FILTER,
                      "-T", "json", "-x", "--no-duplicate-keys",
                      "-j", "eth dhcp"],
                     capture_output=True, text=True, check=True)
for pkt in json.loads(res.stdout or "[]"):
    opts = pkt["_source"]["layers"]["dhcp"].get("dhcp.option.type_raw", [])
    if opts and not isinstance(opts[0], list):
        opts = [opts]
    cid = ""
    for o in opts:
        if o[0][:2].lower() == "3d":
            cid = o[0][4:].lower()
    raw61.append(cid)
wire = {}
rows = tshark(DHCP_FILTER, fields)
if len(rows) != len(raw61):
    sys.exit("scenario_lan: tshark fields and json disagree on DHCP frames")
for row, cid in zip(rows, raw61):
    row += [""] * (len(fields) - len(row))
    src, mtype, hn, vc, prl, fqdn = row
    entry = {"hostname": hn, "vendor_class": vc, "params": prl,
             "client_id": cid, "fqdn": fqdn}
    wire.setdefault(src.lower(), []).append(entry)

# IPv6 link-local addresses that really sent something (router
# solicitations, MLD reports): only those can be expected of a sensor.
v6_seen = {r[0] for r in tshark("ipv6", ["ipv6.src"])}

hosts = []
errors = []
with open(hosts_tsv) as f:
    for line in f:
        (name, mac, client, ip4, ll6, vc, cid, role, _) = \
            line.rstrip("\n").split("\t")
        h = {"name": name, "role": role, "mac": mac,
             "oui": mac.replace(":", "").upper()[:6],
             "vendor": oui_vendor(mac), "ipv4": [ip4],
             "ipv6": [ll6] if ll6 in v6_seen else [],
             "hostname": None, "hostnames": [], "dhcp": None,
             "services": [], "optional_services": []}
        if client != "static":
            msgs = wire.get(mac.lower(), [])
            if not msgs:
                errors.append(f"{name}: no DHCP DISCOVER/REQUEST in capture")
                continue
            # One client sends the same fingerprint in every message.
            distinct = {json.dumps(m, sort_keys=True) for m in msgs}
            if len(distinct) != 1:
                errors.append(f"{name}: DHCP messages differ: {distinct}")
            m = msgs[0]
            want_vc = None if vc == "-" else vc
            want_cid = None if cid == "-" else cid
            if m["hostname"] != name:
                errors.append(f"{name}: sent host name {m['hostname']!r}")
            if want_vc is not None and m["vendor_class"] != want_vc:
                errors.append(f"{name}: sent vendor class {m['vendor_class']!r}")
            if want_cid is not None and m["client_id"] != want_cid:
                errors.append(f"{name}: sent client id {m['client_id']!r}")
            h["dhcp"] = {"client": client, "hostname": m["hostname"],
                         "vendor_class": m["vendor_class"] or None,
                         "client_id": m["client_id"] or None,
                         "params": m["params"], "fqdn": m["fqdn"] or None,
                         "messages": len(msgs)}
            h["hostname"] = name
            h["hostnames"].append({"name": name, "source": "dhcp"})
            if m["fqdn"]:
                h["hostnames"].append({"name": m["fqdn"],
                                       "source": "dhcp-fqdn"})
        hosts.append(h)

by = {h["name"]: h for h in hosts}
def ip(n): return by[n]["ipv4"][0]

# Names the handheld looked up, as the DNS server answered them.
by["infra-01"]["hostname"] = "infra-01"
by["infra-01"]["hostnames"].append({"name": f"infra-01.{DOMAIN}", "source": "dns"})
by["pacs-01"]["hostnames"] += [{"name": f"pacs-01.{DOMAIN}", "source": "dns"},
                               {"name": f"pacs-web.{DOMAIN}", "source": "dns"}]
by["ct-scanner-01"]["hostnames"].append(
    {"name": f"ct-scanner-01.{DOMAIN}", "source": "dns"})
by["ws-radiology-02"]["hostnames"] += [
    {"name": f"ws-radiology-02.{DOMAIN}", "source": "dns-ptr"},
    {"name": "ws-radiology-02.local", "source": "mdns"}]
# The model in the _device-info._tcp TXT record, as tshark reads it.
models = {t[len("model="):] for r in tshark("mdns && dns.txt", ["dns.txt"])
          for t in r[0].split(",") if t.startswith("model=")}
for h in hosts:
    h["model"] = None
if len(models) == 1:
    by["ws-radiology-02"]["model"] = models.pop()
    by["ws-radiology-02"]["model_source"] = "mdns"
else:
    raise SystemExit("scenario_lan: tshark sees models %r" % models)
if have_nbns:
    by["pacs-01"]["hostnames"].append({"name": "PACS-01", "source": "nbns"})

# Services: a server port that answered a client in the capture.
by["infra-01"]["services"] = [{"proto": "udp", "port": 53},
                              {"proto": "udp", "port": 67}]
by["ct-scanner-01"]["services"] = [{"proto": "tcp", "port": 22}]
by["pacs-01"]["services"] = [{"proto": "tcp", "port": 80}]
if have_nbns:
    by["pacs-01"]["services"].append({"proto": "udp", "port": 137})
    by["pacs-01"]["optional_services"].append({"proto": "udp", "port": 138})
# mDNS speakers send from and to 5353: a sensor may or may not call that
# a service, so it is neither required nor flagged.
for n in ("ws-radiology-02", "nurse-pda-07"):
    by[n]["optional_services"].append({"proto": "udp", "port": 5353})

conversations = [
    {"client": "nurse-pda-07", "server": "infra-01", "proto": "udp", "port": 53},
    {"client": "nurse-pda-07", "server": "pacs-01", "proto": "tcp", "port": 80},
    {"client": "ws-radiology-02", "server": "ct-scanner-01", "proto": "tcp",
     "port": 22},
]
if have_nbns:
    conversations.append({"client": "nurse-pda-07", "server": "pacs-01",
                          "proto": "udp", "port": 137})
for c in conversations:
    c["client_ip"], c["server_ip"] = ip(c["client"]), ip(c["server"])

# tshark's own counts, for the summary check.
cap_info = tshark("frame", ["frame.len"])
truth = {
    "capture": os.path.basename(cap),
    "generated_by": "tests/net/scenario_lan.sh",
    "subnet": "10.77.0.0/24", "router": "10.77.0.1", "domain": DOMAIN,
    "packets": len(cap_info),
    "bytes": sum(int(r[0]) for r in cap_info),
    "nbns": have_nbns,
    "hosts": hosts,
    "conversations": conversations,
}
with open(truth_path, "w") as f:
    json.dump(truth, f, indent=2)
    f.write("\n")
for e in errors:
    print("scenario_lan: truth:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF

echo "scenario_lan: wrote $out ($(stat -c %s "$out") bytes) and $truth"
