#!/bin/bash
# tests/net/test_detect_recon.sh - scans and brute force, with real tools.
#
# The LAN of tests/net/detect_lan.sh, plus an attacker (02:66:66:00:00:66,
# 10.77.0.66) on the switch and, on the PACS, OpenSSH (password logins on,
# three tries a connection) and vsftpd. The LAN's start and one round of
# normal activity go through ward first (base: no alert); then each attack
# is captured on its own and given to ward after base.pcapng in one run
# (mode auto with the default policy: the stateless rules), and must raise
# exactly these alerts:
#
#   portscan    nmap -sS -F of the patient monitor (a medical device):
#               port_scan about the attacker, peer the monitor
#   sweep       nmap -sn of 10.77.0.0/24 (ARP pings, as nmap does on a
#               LAN): host_sweep about the attacker
#   ssh-brute   hydra, 20 passwords over SSH to the PACS: brute_force
#               about the attacker, peer the PACS
#   ftp-brute   hydra, 20 passwords over FTP to the PACS: brute_force about
#               the attacker. Its USER/PASS cross in clear, but the network
#               is in its first learning week here, when a login in clear
#               is learned as a habit, not raised (test_detect_medical.sh's
#               cred-reuse raises one after learning)
#
# Each check prints "ward-detect: scenario=... attacks=N detected=D ...".
# WARD is the ward binary. Exit 77 when not root, when a program is
# missing or when ward has no detection. DETECT_KEEP=1 keeps everything.

set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${WARD:-}" ] && [ -x "$WARD" ] ||
    { echo "test_detect_recon: WARD must name ward" >&2; exit 1; }
. "$here/lib.sh"
. "$here/detect_lan.sh"
net_skip_unless_possible
det_require
net_require nmap hydra /usr/sbin/sshd ssh-keygen vsftpd
det_ward_can_detect
det_hl7_peers
[ "${DETECT_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
net_init
T=$NET_TMP

det_lan "$T/base.pcapng"
det_host attacker 02:66:66:00:00:66 10.77.0.66/24
ATT=$(det_who attacker)
PACS=$(det_who pacs)

# The PACS's remote access: sshd with passwords, vsftpd. Neither knows the
# user hydra tries, so every attempt fails.
mkdir -p "$T/ssh" /run/sshd /var/run/vsftpd/empty
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_ed25519" || net_die ssh-keygen
cat >"$T/ssh/sshd_config" <<EOF
Port 22
ListenAddress ${DET_IP[pacs]}
HostKey $T/ssh/host_ed25519
PidFile $T/ssh/sshd.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
MaxAuthTries 3
MaxStartups 100
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
delay_failed_login=0
max_login_fails=1
ftpd_banner=PACS FTP ready
EOF
net_bg pacs "$T/vsftpd.log" vsftpd "$T/vsftpd.conf"
net_wait_listen pacs tcp 22 10 || net_die "sshd did not start"
net_wait_listen pacs tcp 21 10 || net_die "vsftpd did not start"
for i in $(seq 1 20); do
	echo "Winter$i!"
done >"$T/passwords.txt"

det_session
det_base

# nmap SYN scan of the 100 most common ports of the patient monitor.
det_attack_begin portscan
det_run attacker nmap -n -Pn -sS -F -T4 "${DET_IP[monitor]}"
cat >"$T/portscan.expect" <<EOF
portscan port_scan $ATT - peer=$(det_who monitor)
EOF
det_attack_end portscan

# nmap host discovery of the whole subnet (ARP requests on a LAN).
det_attack_begin sweep
det_run attacker nmap -n -sn -T4 "$DET_NET.0/24"
cat >"$T/sweep.expect" <<EOF
sweep host_sweep $ATT
EOF
det_attack_end sweep

# hydra: 20 passwords for "admin" over SSH, four tasks.
det_attack_begin ssh-brute
echo "+ [attacker] hydra ssh" >>"$T/steps.log"
net_exec attacker hydra -I -w 3 -l admin -P "$T/passwords.txt" -t 4 \
    "ssh://${DET_IP[pacs]}" >>"$T/steps.log" 2>&1
cat >"$T/ssh-brute.expect" <<EOF
ssh-brute brute_force $ATT - peer=$PACS
EOF
det_attack_end ssh-brute

# hydra: the same over FTP.
det_attack_begin ftp-brute
echo "+ [attacker] hydra ftp" >>"$T/steps.log"
net_exec attacker hydra -I -w 3 -l admin -P "$T/passwords.txt" -t 4 \
    "ftp://${DET_IP[pacs]}" >>"$T/steps.log" 2>&1
cat >"$T/ftp-brute.expect" <<EOF
ftp-brute brute_force $ATT - peer=$PACS
EOF
det_attack_end ftp-brute

exit $DET_FAIL
