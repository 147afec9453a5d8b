#!/bin/bash
# tests/net/test_detect_l2.sh - ARP and DHCP attacks, with real tools.
#
# The LAN of tests/net/detect_lan.sh plus an attacker (02:66:66:00:00:66,
# 10.77.0.66). A policy names dnsmasq on 10.77.0.1 as the only DHCP server
# (dhcp: servers). The LAN's start and one round of normal activity go
# through ward first (base: no alert); then each attack is captured on its
# own and given to ward after base.pcapng in one run (mode auto), and
# must raise exactly:
#
#   arp-spoof        scapy: unsolicited ARP replies to the CT saying the
#                    PACS's 10.77.0.10 is at the attacker's MAC, and
#                    arping -U gratuitous ARP for 10.77.0.10 from that MAC:
#                    arp_spoof about the attacker, object the PACS's IP
#   ip-conflict      a laptop (02:77:00:00:00:99) set by hand to the nurse
#                    station's 10.77.0.50 pings the router (its ARP requests
#                    claim the address); the station goes on as usual:
#                    ip_conflict on 10.77.0.50
#   dhcp-starvation  scapy: 60 DHCPDISCOVERs from random MACs in 1.2 s,
#                    which dnsmasq answers: dhcp_starvation about the
#                    DHCP server
#   rogue-dhcp       a second dnsmasq on the attacker; a visitor laptop's
#                    udhcpc gets offers from both: rogue_dhcp_server about
#                    the attacker
#
# WARD is the ward binary. Exit 77 when not root, when a program is missing
# or when ward has no detection. DETECT_KEEP=1 keeps everything.

set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${WARD:-}" ] && [ -x "$WARD" ] ||
    { echo "test_detect_l2: WARD must name ward" >&2; exit 1; }
. "$here/lib.sh"
. "$here/detect_lan.sh"
net_skip_unless_possible
det_require
net_require arping
/usr/bin/python3 -c 'import scapy.all' 2>/dev/null ||
    { echo "SKIP: missing python3-scapy" >&2; exit 77; }
det_ward_can_detect
det_hl7_peers
[ "${DETECT_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
net_init
T=$NET_TMP

cat >"$T/detect.yaml" <<EOF
version: 1
dhcp:
  servers: [${DET_IP[infra]}]
EOF
POLICY=(--detect "$T/detect.yaml")

det_lan "$T/base.pcapng"
det_host attacker 02:66:66:00:00:66 10.77.0.66/24
ATT=$(det_who attacker)
det_session
det_run attacker ping -c 1 -W 1 "${DET_IP[infra]}"
det_base "${POLICY[@]}"

# ARP spoofing of the PACS towards the CT, as arpspoof does (a reply every
# half second), and gratuitous ARP for the PACS's address.
det_attack_begin arp-spoof
cat >"$T/arpspoof.py" <<'EOF'
import sys, time
from scapy.all import ARP, Ether, sendp
att_mac, victim_ip, victim_mac, claimed_ip = sys.argv[1:5]
for _ in range(6):
    sendp(Ether(src=att_mac, dst=victim_mac) /
          ARP(op=2, hwsrc=att_mac, psrc=claimed_ip, hwdst=victim_mac,
              pdst=victim_ip), iface="eth0", verbose=False)
    time.sleep(0.5)
EOF
det_run attacker /usr/bin/python3 "$T/arpspoof.py" "${DET_MAC[attacker]}" \
    "${DET_IP[modality]}" "${DET_MAC[modality]}" "${DET_IP[pacs]}"
# (arping exits 1: nobody answers a gratuitous ARP.)
echo "+ [attacker] arping -U" >>"$T/steps.log"
net_exec attacker arping -q -U -c 3 -w 1 -i eth0 -S "${DET_IP[pacs]}" \
    "${DET_IP[pacs]}" >>"$T/steps.log" 2>&1
cat >"$T/arp-spoof.expect" <<EOF
arp-spoof arp_spoof $ATT ${DET_IP[pacs]}
EOF
det_attack_end arp-spoof "${POLICY[@]}"
ip -n "$(net_ns modality)" neigh flush dev eth0

# An IP conflict: a laptop configured by hand with the station's address.
det_attack_begin ip-conflict
det_host laptop 02:77:00:00:00:99
net_addr laptop "${DET_IP[ws]}/24"
echo "+ [laptop] ping ${DET_IP[infra]}" >>"$T/steps.log"
net_exec laptop ping -c 3 -i 0.3 -W 1 "${DET_IP[infra]}" >>"$T/steps.log" 2>&1
# The station goes on, its ARP entries expired (its answers may now reach
# the laptop: no check).
ip -n "$(net_ns ws)" neigh flush dev eth0
echo "+ [ws] dig, ping" >>"$T/steps.log"
net_exec ws dig +time=1 +tries=1 +short @"${DET_IP[infra]}" \
    ntp.$DET_DOMAIN A >>"$T/steps.log" 2>&1
net_exec ws ping -c 2 -i 0.3 -W 1 "${DET_IP[pacs]}" >>"$T/steps.log" 2>&1
cat >"$T/ip-conflict.expect" <<EOF
ip-conflict ip_conflict ${DET_MAC[laptop]}|${DET_IP[ws]} ${DET_IP[ws]}
EOF
det_attack_end ip-conflict "${POLICY[@]}"
ip -n "$(net_ns laptop)" link set eth0 down

# DHCP starvation: DISCOVERs from 60 random MACs.
det_attack_begin dhcp-starvation
cat >"$T/starve.py" <<'EOF'
import random, time
from scapy.all import BOOTP, DHCP, IP, UDP, Ether, sendp
rnd = random.Random(7)
for i in range(60):
    mac = bytes([0x02] + [rnd.randrange(256) for _ in range(5)])
    macs = ":".join("%02x" % b for b in mac)
    sendp(Ether(src=macs, dst="ff:ff:ff:ff:ff:ff") /
          IP(src="0.0.0.0", dst="255.255.255.255") /
          UDP(sport=68, dport=67) /
          BOOTP(chaddr=mac + bytes(10), xid=rnd.randrange(1 << 32),
                flags=0x8000) /
          DHCP(options=[("message-type", "discover"), "end"]),
          iface="eth0", verbose=False)
    time.sleep(0.02)
EOF
det_run attacker /usr/bin/python3 "$T/starve.py"
sleep 1
cat >"$T/dhcp-starvation.expect" <<EOF
dhcp-starvation dhcp_starvation $(det_who infra)
EOF
det_attack_end dhcp-starvation "${POLICY[@]}"

# A rogue DHCP server on the attacker, and a visitor asking for a lease.
det_attack_begin rogue-dhcp
net_bg attacker "$T/rogue.out" dnsmasq --no-daemon --conf-file=/dev/null \
    --user=root --group=root --interface=eth0 --bind-interfaces \
    --except-interface=lo --pid-file="$T/rogue.pid" \
    --dhcp-leasefile="$T/rogue.leases" --no-resolv --no-hosts --no-ping \
    --port=0 --dhcp-range=$DET_NET.200,$DET_NET.250,255.255.255.0,1h \
    --dhcp-option=option:router,${DET_IP[attacker]} \
    --dhcp-option=option:dns-server,${DET_IP[attacker]}
rogue_pid=$NET_LAST_PID
net_wait_listen attacker udp 67 10 || net_die "rogue dnsmasq"
det_host visitor 02:77:00:00:00:88
echo "+ [visitor] udhcpc" >>"$T/steps.log"
net_exec visitor busybox udhcpc -i eth0 -f -q -n -t 5 -T 1 -A 1 \
    -s /bin/true >>"$T/steps.log" 2>&1
sleep 1
kill "$rogue_pid" 2>/dev/null
cat >"$T/rogue-dhcp.expect" <<EOF
rogue-dhcp rogue_dhcp_server $ATT
EOF
det_attack_end rogue-dhcp "${POLICY[@]}"

exit $DET_FAIL
