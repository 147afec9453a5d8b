# tests/net/detect_lan.sh - the hospital LAN of the detection tests.
#
# Sourced by tests/net/test_detect_*.sh after lib.sh. It builds, in network
# namespaces, a switched LAN 10.77.0.0/24 with real servers and clients, and
# behind a router an "internet" namespace holding 202.114.4.119 and
# 202.114.4.120 (the addresses the Contec CMS8000 backdoor calls home to,
# CISA ICSMA-25-030-01): it is our own namespace on a routed veth link, so
# no packet leaves the machine.
#
#   name      MAC (vendor)                IP            runs
#   infra     c8:f7:50:0a:00:01 Dell      10.77.0.1     dnsmasq (DHCP, DNS), router
#   engine    c8:f7:50:0a:00:05 Dell      10.77.0.5     HL7 engine (simple-hl7, 2575)
#   pacs      98:e7:43:3f:a1:10 Dell      10.77.0.10    storescp AE PACS (104),
#                                                       sshd (22), vsftpd (21)
#   archive   98:e7:43:3f:a1:11 Dell      10.77.0.11    storescp AE ARCHIVE (104)
#   modality  44:4b:5d:21:0c:01 GE HC     10.77.0.21    storescu (CT images)
#   monitor   00:09:5c:6e:03:03 Philips   10.77.0.30    DHCP (udhcpc); HL7 ORU^R01
#   pump      58:46:e1:0c:00:12 Baxter    10.77.0.31    DHCP (udhcpc); MQTT telemetry
#   broker    c8:f7:50:0a:00:40 Dell      10.77.0.40    mosquitto (1883; passwords,
#                                                       anonymous allowed: misconfigured)
#   ws        9c:7b:ef:52:0e:02 HP        10.77.0.50    nurse station: DNS, ADT^A01,
#                                                       C-ECHO, MQTT subscriber, ping
#   inet      (behind infra)              202.114.4.119, .120: storescp AE CLOUD (104)
#
# The attack tests add hosts of their own (det_host). The benign activity is
# det_session (one round of everything above) and det_snippet_* (the parts
# the multi-day generator replays, tests/net/detect_days.py).
#
# Functions die with "lib.sh: ..." on failure.

DET_NET=10.77.0
DET_DOMAIN=hospital.lan
DET_MQTT_PASS='Pump-telemetry.7'
DET_NURSE_PASS='Nurse-station.3'
DET_HL7_PORT=2575

# name|MAC|IP|how it gets its address
det_hosts_table()
{
	cat <<EOF
infra|c8:f7:50:0a:00:01|$DET_NET.1|static
engine|c8:f7:50:0a:00:05|$DET_NET.5|static
pacs|98:e7:43:3f:a1:10|$DET_NET.10|static
archive|98:e7:43:3f:a1:11|$DET_NET.11|static
modality|44:4b:5d:21:0c:01|$DET_NET.21|static
monitor|00:09:5c:6e:03:03|$DET_NET.30|dhcp
pump|58:46:e1:0c:00:12|$DET_NET.31|dhcp
broker|c8:f7:50:0a:00:40|$DET_NET.40|static
ws|9c:7b:ef:52:0e:02|$DET_NET.50|static
EOF
}

declare -A DET_MAC DET_IP
while IFS='|' read -r _n _m _i _h; do
	DET_MAC[$_n]=$_m
	DET_IP[$_n]=$_i
done < <(det_hosts_table)
DET_IP[inet]=202.114.4.119
DET_IP[inet2]=202.114.4.120
DET_HOSTS=(infra engine pacs archive modality monitor pump broker ws)

# det_ward_can_detect: exit 77 when this ward has no detection yet. With
# WARD_DETECT_FORCE=1 the scenario runs anyway, ward without its detection
# options (to build and look at the captures).
DET_NODETECT=0
det_ward_can_detect()
{
	if ! "$WARD" analyze --help 2>&1 | grep -q -- '--detect-mode'; then
		if [ "${WARD_DETECT_FORCE:-0}" = 1 ]; then
			DET_NODETECT=1
			return 0
		fi
		echo "SKIP: $WARD has no detection (no --detect-mode)" >&2
		exit 77
	fi
}

# det_host NAME MAC IP/PLEN: one more host on the switch, up, with a static
# address (the capture is already running: its first frames are captured).
det_host()
{
	local cidr=${3:-}
	net_host "$1" "$2"
	net_sysctl "$(net_ns "$1")" net.ipv6.conf.eth0.disable_ipv6=1
	net_host_up "$1"
	[ -n "$cidr" ] && net_addr "$1" "$cidr"
	DET_MAC[$1]=$2
	DET_IP[$1]=${cidr%/*}
}

# det_images: the CT image the modality sends (DICOM Part 10, made with
# dump2dcm; an invented patient).
det_images()
{
	cat >"$NET_TMP/ct.dump" <<'EOF'
(0008,0008) CS [ORIGINAL\PRIMARY\AXIAL]
(0008,0016) UI =CTImageStorage
(0008,0018) UI [1.2.826.0.1.3680043.8.498.79001]
(0008,0020) DA [20240301]
(0008,0060) CS [CT]
(0008,0070) LO [GE MEDICAL SYSTEMS]
(0008,0080) LO [St. Example Hospital]
(0008,1010) SH [CTCONSOLE1]
(0008,1090) LO [Revolution CT]
(0010,0010) PN [TESTPATIENT^CAROL]
(0010,0020) LO [MRN777001]
(0018,1000) LO [SN-79001]
(0018,1020) LO [revo_ct_22mw.46]
(0020,000d) UI [1.2.826.0.1.3680043.8.498.79002]
(0020,000e) UI [1.2.826.0.1.3680043.8.498.79003]
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
	dump2dcm "$NET_TMP/ct.dump" "$NET_TMP/ct.dcm" >"$NET_TMP/dump2dcm.log" \
	    2>&1 || { cat "$NET_TMP/dump2dcm.log" >&2; net_die "dump2dcm"; }
}

# det_hl7_peers: simple-hl7 installed in tests/net/hl7 (npm ci, from the
# cache when it holds it); exit 77 when it cannot be.
det_hl7_peers()
{
	local peers="$here/hl7"
	if [ ! -d "$peers/node_modules/simple-hl7" ]; then
		if ! (cd "$peers" && { npm ci --offline --no-audit --no-fund ||
		    npm ci --no-audit --no-fund; }) >/dev/null 2>&1; then
			echo "SKIP: npm ci in $peers failed" >&2
			exit 77
		fi
	fi
}

det_require()
{
	net_require dumpcap tshark editcap mergecap dnsmasq busybox dump2dcm \
	    storescp storescu echoscu mosquitto mosquitto_pub mosquitto_sub \
	    mosquitto_passwd node npm dig ping /usr/bin/python3
}

# det_wan: the router's second leg and the "internet" namespace behind it.
# infra: wan0 202.114.4.1/24, forwarding; inet: 202.114.4.119 and .120,
# default route back through infra.
det_wan()
{
	local ns
	ns=$(net_ns inet)
	ip netns add "$ns" || net_die "cannot add $ns"
	NET_NS=("$ns" "${NET_NS[@]}")
	ip -n "$(net_ns infra)" link add wan0 type veth peer name eth0 \
	    netns "$ns" address 02:20:21:14:04:77 || net_die "wan veth"
	net_sysctl "$ns" net.ipv6.conf.all.disable_ipv6=1
	net_sysctl "$(net_ns infra)" net.ipv4.ip_forward=1
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add 202.114.4.119/24 dev eth0
	ip -n "$ns" addr add 202.114.4.120/24 dev eth0
	ip -n "$ns" route add default via 202.114.4.1
	ip -n "$(net_ns infra)" link set wan0 up
	ip -n "$(net_ns infra)" addr add 202.114.4.1/24 dev wan0
}

# det_udhcpc NAME: busybox udhcpc on NAME with a hook that sets the address
# and default route; waits for the lease. The pid is in DET_UDHCPC[NAME]
# (SIGUSR1 renews).
declare -A DET_UDHCPC
det_udhcpc()
{
	local name=$1 d="$NET_TMP/dhcp-$1" vc
	mkdir -p "$d"
	cat >"$d/hook.sh" <<EOF
#!/bin/sh
case "\$1" in
bound|renew)
	ip addr replace "\$ip/\$subnet" dev "\$interface"
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
	case $name in
	monitor) vc="Philips IntelliVue MX450" ;;
	pump) vc="Baxter Spectrum IQ" ;;
	*) vc="udhcp" ;;
	esac
	net_bg "$name" "$d/client.log" busybox udhcpc -i eth0 -f -t 10 -T 1 \
	    -A 1 -s "$d/hook.sh" -x "hostname:$name" -V "$vc"
	DET_UDHCPC[$name]=$NET_LAST_PID
	net_wait_file "$d/lease" . 30 ||
	    { cat "$d/client.log" >&2; net_die "$name got no DHCP lease"; }
	[ "$(cat "$d/lease")" = "${DET_IP[$name]}" ] ||
	    net_die "$name got $(cat "$d/lease"), not ${DET_IP[$name]}"
}

# det_lan: the switch, every host of det_hosts_table, the internet, and the
# servers, with a capture of everything in FILE (the hosts' first frames
# and the DHCP exchanges included). Returns with the capture running.
det_lan()
{
	local cap=$1 name mac ip how
	T=$NET_TMP
	det_images
	net_switch
	while IFS='|' read -r name mac ip how; do
		net_host "$name" "$mac"
		# IPv4 only: router solicitations and MLD reports of
		# link-local IPv6 are not what the tests are about.
		net_sysctl "$(net_ns "$name")" \
		    net.ipv6.conf.eth0.disable_ipv6=1
	done < <(det_hosts_table)
	det_wan
	DET_T0=$(date +%s)
	# Name lookups of the programs go to dnsmasq, never to the
	# machine's resolver; the internet host has none.
	for name in "${DET_HOSTS[@]}"; do
		[ "$name" = infra ] || net_resolv "$name" "$DET_NET.1" $DET_DOMAIN
	done
	net_resolv inet 127.0.0.1
	net_capture_start "$cap"
	while IFS='|' read -r name mac ip how; do
		net_host_up "$name"
		if [ "$how" = static ]; then
			net_addr "$name" "$ip/24"
			[ "$name" != infra ] &&
			    ip -n "$(net_ns "$name")" route add default \
			    via "$DET_NET.1"
		fi
	done < <(det_hosts_table)

	# infra: dnsmasq, the only DHCP server, and DNS for hospital.lan.
	: >"$T/dnsmasq.leases"
	net_bg infra "$T/dnsmasq.out" dnsmasq --no-daemon --conf-file=/dev/null \
	    --user=root --group=root --interface=eth0 --bind-interfaces \
	    --except-interface=lo --pid-file="$T/dnsmasq.pid" \
	    --dhcp-leasefile="$T/dnsmasq.leases" --log-facility="$T/dnsmasq.log" \
	    --no-resolv --no-hosts --no-ping --dhcp-authoritative \
	    --domain=$DET_DOMAIN --local=/$DET_DOMAIN/ \
	    --dhcp-range=$DET_NET.100,$DET_NET.199,255.255.255.0,1h \
	    --dhcp-option=option:router,$DET_NET.1 \
	    --dhcp-option=option:dns-server,$DET_NET.1 \
	    --dhcp-host="${DET_MAC[monitor]},${DET_IP[monitor]},monitor" \
	    --dhcp-host="${DET_MAC[pump]},${DET_IP[pump]},pump" \
	    --host-record=pacs.$DET_DOMAIN,${DET_IP[pacs]} \
	    --host-record=archive.$DET_DOMAIN,${DET_IP[archive]} \
	    --host-record=engine.$DET_DOMAIN,${DET_IP[engine]} \
	    --host-record=broker.$DET_DOMAIN,${DET_IP[broker]} \
	    --host-record=ntp.$DET_DOMAIN,${DET_IP[infra]}
	net_wait_listen infra udp 67 10 || net_die "dnsmasq: no DHCP socket"
	net_wait_listen infra udp 53 10 || net_die "dnsmasq: no DNS socket"

	# PACS, archive and the "cloud" behind the router: storescp.
	mkdir -p "$T/pacs" "$T/archive" "$T/cloud"
	# (-dhl: no reverse lookup of each caller.)
	net_bg pacs "$T/pacs.log" storescp -dhl -aet PACS -od "$T/pacs" 104
	net_bg archive "$T/archive.log" storescp -dhl -aet ARCHIVE \
	    -od "$T/archive" 104
	net_bg inet "$T/cloud.log" storescp -dhl -aet CLOUD -od "$T/cloud" 104

	# The HL7 engine.
	net_bg engine "$T/engine.log" node "$here/hl7/detect_peer.js" server \
	    "$DET_HL7_PORT"

	# The MQTT broker: every legitimate client has a password; anonymous
	# clients are (wrongly) let in, which the attack tests show.
	mosquitto_passwd -b -c "$T/mqtt.passwd" pump12 "$DET_MQTT_PASS" \
	    2>/dev/null || net_die "mosquitto_passwd"
	mosquitto_passwd -b "$T/mqtt.passwd" nurse "$DET_NURSE_PASS" \
	    2>/dev/null || net_die "mosquitto_passwd"
	chmod 644 "$T/mqtt.passwd"
	cat >"$T/mosquitto.conf" <<EOF
per_listener_settings false
allow_anonymous true
password_file $T/mqtt.passwd
listener 1883 ${DET_IP[broker]}
persistence false
log_dest stderr
user root
EOF
	net_bg broker "$T/broker.log" mosquitto -c "$T/mosquitto.conf"

	det_udhcpc monitor
	det_udhcpc pump
	net_wait_listen pacs tcp 104 10 || net_die "PACS storescp"
	net_wait_listen archive tcp 104 10 || net_die "archive storescp"
	net_wait_listen inet tcp 104 10 || net_die "cloud storescp"
	net_wait_listen engine tcp "$DET_HL7_PORT" 20 || net_die "HL7 engine"
	net_wait_listen broker tcp 1883 10 || net_die "mosquitto"
}

# det_run NAME CMD...: CMD in NAME, output appended to steps.log; dies when
# it fails.
det_run()
{
	local name=$1
	shift
	echo "+ $(date +%T.%N | cut -c1-12) [$name] $*" >>"$NET_TMP/steps.log"
	net_exec "$name" "$@" >>"$NET_TMP/steps.log" 2>&1 ||
	    { tail -20 "$NET_TMP/steps.log" >&2; net_die "step failed in $name: $*"; }
}

# det_flush: forget every ARP entry, so the next round resolves again (as
# hosts do after their cache entries expire).
det_flush()
{
	local h
	for h in "${DET_HOSTS[@]}"; do
		ip -n "$(net_ns "$h")" neigh flush dev eth0 2>/dev/null
	done
}

# The benign activity, in parts the multi-day generator replays on their
# own schedules.

# telemetry: the pump's MQTT status (authenticated), the monitor's ORU^R01
# to the engine, the nurse station's authenticated subscription.
det_snippet_telemetry()
{
	det_run pump mosquitto_pub -h "${DET_IP[broker]}" -i pump12 -u pump12 \
	    -P "$DET_MQTT_PASS" -t pumps/pump12/status -q 1 -r \
	    -m '{"rate_ml_h":42.0,"vtbi_ml":250,"state":"infusing"}'
	det_run ws mosquitto_sub -h "${DET_IP[broker]}" -i nurse-station \
	    -u nurse -P "$DET_NURSE_PASS" -t 'pumps/+/status' -C 1 -W 5
	det_run monitor node "$here/hl7/detect_peer.js" send \
	    "${DET_IP[engine]}" "$DET_HL7_PORT" PHILIPS_IX ORU^R01
}

# study: the CT stores an image on the PACS (after asking DNS where it is).
det_snippet_study()
{
	det_run modality dig +time=2 +tries=1 +short @"${DET_IP[infra]}" \
	    pacs.$DET_DOMAIN A
	det_run modality storescu -aet CT01 -aec PACS "${DET_IP[pacs]}" 104 \
	    "$NET_TMP/ct.dcm"
}

# clinic: the nurse station admits a patient (ADT^A01), checks the archive
# (C-ECHO) and pings the PACS.
det_snippet_clinic()
{
	det_run ws node "$here/hl7/detect_peer.js" send "${DET_IP[engine]}" \
	    "$DET_HL7_PORT" REGISTRATION ADT^A01
	det_run ws echoscu -aet NURSEWS -aec ARCHIVE "${DET_IP[archive]}" 104
	det_run ws ping -c 2 -i 0.2 -W 1 "${DET_IP[pacs]}"
}

# dhcp: the DHCP clients renew their leases (udhcpc on SIGUSR1).
det_snippet_dhcp()
{
	local h
	for h in monitor pump; do
		kill -USR1 "${DET_UDHCPC[$h]}" 2>/dev/null
	done
	sleep 1.5
}

# background HOST: one DNS lookup, as every host makes now and then.
det_snippet_background()
{
	det_run "$1" dig +time=2 +tries=1 +short @"${DET_IP[infra]}" \
	    ntp.$DET_DOMAIN A
}

# det_session: one round of all of it.
det_session()
{
	local h
	det_flush
	det_snippet_dhcp
	det_snippet_study
	det_snippet_clinic
	det_snippet_telemetry
	for h in engine pacs archive modality monitor pump broker ws; do
		det_snippet_background "$h"
	done
}

# det_ward OUT.eve CAPTURE... [-- WARD-OPTIONS...]: ward analyze with
# detection into OUT.eve, using DET_DB; dies when ward fails. The
# environment's DETECT_POLICY, when set, is the policy of the scenarios
# that name none.
det_ward()
{
	local eve=$1
	shift
	local caps=() opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		caps+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	opts=("$@")
	# DETECT_POLICY: the policy when the scenario names none (default:
	# the one ward was built with).
	if [ -n "${DETECT_POLICY:-}" ] && [[ " ${opts[*]} " != *" --detect "* ]]
	then
		opts+=(--detect "$DETECT_POLICY")
	fi
	if [ "$DET_NODETECT" = 1 ]; then
		opts=()
	fi
	rm -f "$eve"
	echo "+ ward analyze ${caps[*]} --db $DET_DB --eve $eve ${opts[*]}" \
	    >>"$NET_TMP/ward.log"
	"$WARD" analyze -q --no-progress --db "$DET_DB" --eve "$eve" \
	    "${opts[@]}" "${caps[@]}" >>"$NET_TMP/ward.log" 2>&1 ||
	    { tail -20 "$NET_TMP/ward.log" >&2; net_die "ward analyze failed"; }
}

# det_learn CAPTURE...: ward baseline learn into DET_DB.
det_learn()
{
	local pol=()
	[ -n "${DETECT_POLICY:-}" ] && pol=(--detect "$DETECT_POLICY")
	echo "+ ward baseline learn --db $DET_DB $*" >>"$NET_TMP/ward.log"
	if [ "$DET_NODETECT" = 1 ]; then
		"$WARD" analyze -q --no-progress --db "$DET_DB" "$@" \
		    >>"$NET_TMP/ward.log" 2>&1 || net_die "ward analyze failed"
		return 0
	fi
	# Until ward has its baseline command, the same in learn mode.
	if ! "$WARD" baseline --help >/dev/null 2>&1; then
		echo "(no ward baseline: ward analyze --detect-mode learn)" \
		    >>"$NET_TMP/ward.log"
		"$WARD" analyze -q --no-progress --db "$DET_DB" --detect-mode \
		    learn "${pol[@]}" "$@" >>"$NET_TMP/ward.log" 2>&1 ||
		    net_die "ward analyze --detect-mode learn failed"
		return 0
	fi
	"$WARD" baseline learn --db "$DET_DB" "${pol[@]}" "$@" \
	    >>"$NET_TMP/ward.log" 2>&1 ||
	    { tail -20 "$NET_TMP/ward.log" >&2; net_die "ward baseline learn failed"; }
}

# det_check NAME EVE EXPECT: compare the alerts with the expectation
# (tests/net/check_alerts.py); sets DET_FAIL=1 when they differ.
DET_FAIL=0
det_check()
{
	/usr/bin/python3 "$here/check_alerts.py" --scenario "$1" "$2" "$3" ||
	    DET_FAIL=1
}

# An attack scenario: det_attack_begin NAME starts the capture NAME.pcapng;
# the test runs the attack and writes NAME.expect (check_alerts.py's
# format); det_attack_end NAME [WARD-OPTIONS...] stops the capture and runs
# ward on base.pcapng then NAME.pcapng in one run with a new store (ward
# analyze keeps its inventory in memory for a run: what a sensor that has
# watched the LAN knows when the attack comes), then checks the alerts.
# det_enforce_end NAME instead runs ward --detect-mode enforce on
# NAME.pcapng alone with a copy of DET_LEARNED_DB (baselines learned).
det_attack_begin()
{
	net_capture_start "$NET_TMP/$1.pcapng"
}

det_attack_end()
{
	local name=$1
	shift
	net_capture_stop
	DET_DB="$NET_TMP/$name.db"
	det_ward "$NET_TMP/$name.eve" "$NET_TMP/base.pcapng" \
	    "$NET_TMP/$name.pcapng" -- "$@"
	det_check "$name" "$NET_TMP/$name.eve" "$NET_TMP/$name.expect"
}

det_enforce_end()
{
	local name=$1
	shift
	net_capture_stop
	DET_DB="$NET_TMP/$name.db"
	cp "$DET_LEARNED_DB" "$DET_DB" || net_die "cp $DET_LEARNED_DB"
	det_ward "$NET_TMP/$name.eve" "$NET_TMP/$name.pcapng" -- \
	    --detect-mode enforce "$@"
	det_check "$name" "$NET_TMP/$name.eve" "$NET_TMP/$name.expect"
}

# det_base: end the LAN's first capture (its start and one round of
# normal activity, made to last past ward's first 5 s batch, after which
# identification has run), run ward on it (mode auto: nothing but the
# stateless rules may fire, and nothing should) and check it raised no
# alert.
det_base()
{
	local left
	left=$((DET_T0 + 7 - $(date +%s)))
	[ "$left" -gt 0 ] && sleep "$left"
	# ward evaluates identification every --batch-seconds (5) of
	# capture time, at a packet: one ping 6 s after the last activity
	# makes sure the base capture's devices are identified before an
	# attack (a CT's type decides internet_connection), however long
	# the session took on a loaded machine.
	sleep 6
	det_run ws ping -c 1 -W 1 "${DET_IP[pacs]}"
	net_capture_stop
	DET_DB="$NET_TMP/base.db"
	det_ward "$NET_TMP/base.eve" "$NET_TMP/base.pcapng" -- "$@"
	: >"$NET_TMP/base.expect"
	det_check base "$NET_TMP/base.eve" "$NET_TMP/base.expect"
}

# det_who NAME: NAME's MAC and IP, as check_alerts.py's WHO.
det_who()
{
	printf '%s|%s' "${DET_MAC[$1]}" "${DET_IP[$1]}"
}
