#!/bin/bash
# tests/net/test_tls_ssh_peers.sh - ward's tls and ssh observations against
# real peers, compared field by field with tshark.
#
# Two hosts on a bridge in network namespaces:
#   srv 10.88.0.10  openssl s_server: 443 TLS 1.2 with a CA-signed
#                   certificate (chain sent), 8443 TLS 1.3 and 2762
#                   (DICOM-TLS) TLS 1.2 with a self-signed one; sshd on 22
#   cli 10.88.0.20  curl -k (SNI, ALPN h2/http/1.1), openssl s_client (SNI,
#                   ALPN), ssh with a key
# Keys and certificates are made here, in the test's temporary directory.
# The capture on the bridge goes to `$WARD analyze --eve -` and to tshark;
# check_tls_ssh.py compares them (JA4 against tests/tools/tls_fingerprint.py
# since tshark 4.0 has no JA4).
#
# WARD is the ward binary (meson passes it). Exit 77 when not root or when
# namespaces cannot be made. TLSSSH_KEEP=1 keeps the files.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

if [ -z "${WARD:-}" ] || [ ! -x "$WARD" ]; then
	echo "test_tls_ssh_peers: WARD must name the ward binary" >&2
	exit 1
fi

. "$here/lib.sh"
net_skip_unless_possible
net_require dumpcap tshark openssl curl /usr/sbin/sshd ssh ssh-keygen \
    /usr/bin/python3
[ "${TLSSSH_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
net_init
T=$NET_TMP

net_switch
net_host srv 02:00:5e:10:00:10
net_host cli 02:00:5e:10:00:20
net_capture_start "$T/cap.pcapng"
for h in srv cli; do
	net_host_up $h
done
net_addr srv 10.88.0.10/24
net_addr cli 10.88.0.20/24

# --- keys and certificates, made now -------------------------------------
K="$T/pki"
mkdir -p "$K"
(
	cd "$K" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout ca.key -out ca.pem -days 30 \
	    -subj "/O=Ward Test/CN=Ward Test CA" &&
	openssl req -newkey rsa:2048 -nodes -keyout pacs.key -out pacs.csr \
	    -subj "/O=Ward Test/CN=pacs.ward.test" &&
	printf 'subjectAltName=DNS:pacs.ward.test,DNS:pacs-01.ward.test\n' \
	    >pacs.ext &&
	openssl x509 -req -in pacs.csr -CA ca.pem -CAkey ca.key \
	    -set_serial 0x4a3b2c1d -days 30 -extfile pacs.ext -out pacs.pem &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
	    -keyout self.key -out self.pem -days 30 \
	    -subj "/CN=infusion-07.ward.test" \
	    -addext "subjectAltName=DNS:infusion-07.ward.test"
) >"$T/pki.log" 2>&1 || { cat "$T/pki.log" >&2; net_die "openssl req"; }

# --- servers -------------------------------------------------------------
net_bg srv "$T/s443.log" openssl s_server -accept 443 -tls1_2 \
    -cert "$K/pacs.pem" -key "$K/pacs.key" -cert_chain "$K/ca.pem" \
    -alpn http/1.1 -www
net_bg srv "$T/s8443.log" openssl s_server -accept 8443 -tls1_3 \
    -cert "$K/self.pem" -key "$K/self.key" -alpn dicom -www
net_bg srv "$T/s2762.log" openssl s_server -accept 2762 -tls1_2 \
    -cert "$K/self.pem" -key "$K/self.key" -www

S="$T/ssh"
mkdir -p "$S" /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$S/host_ed25519" || net_die "ssh-keygen"
ssh-keygen -q -t ed25519 -N '' -f "$S/client" || net_die "ssh-keygen"
cp "$S/client.pub" "$S/authorized_keys"
cat >"$S/sshd_config" <<EOC
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
EOC
net_bg srv "$S/sshd.log" /usr/sbin/sshd -D -e -f "$S/sshd_config"
for p in 443 8443 2762 22; do
	net_wait_listen srv tcp $p 10 || net_die "nothing listens on $p"
done

# --- clients -------------------------------------------------------------
fail=0
net_exec cli curl -sS -k --max-time 5 -o /dev/null \
    --resolve pacs.ward.test:443:10.88.0.10 https://pacs.ward.test/ ||
    { echo "test_tls_ssh_peers: curl failed" >&2; fail=1; }
echo | net_exec cli timeout 5 openssl s_client -connect 10.88.0.10:8443 \
    -servername infusion-07.ward.test -alpn dicom,h2 >"$T/c8443.log" 2>&1 ||
    { echo "test_tls_ssh_peers: s_client 8443 failed" >&2; fail=1; }
echo | net_exec cli timeout 5 openssl s_client -connect 10.88.0.10:2762 \
    -servername dicom.ward.test -tls1_2 >"$T/c2762.log" 2>&1 ||
    { echo "test_tls_ssh_peers: s_client 2762 failed" >&2; fail=1; }
net_exec cli ssh -F /dev/null -i "$S/client" -o IdentitiesOnly=yes \
    -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 \
    root@10.88.0.10 true ||
    { echo "test_tls_ssh_peers: ssh failed" >&2; fail=1; }
net_capture_stop
[ "$fail" = 0 ] || exit 1

# --- ward and tshark -------------------------------------------------------
if ! "$WARD" analyze --eve - -q "$T/cap.pcapng" >"$T/eve.json" \
    2>"$T/ward.err"; then
	cat "$T/ward.err" >&2
	net_die "ward analyze failed"
fi
/usr/bin/python3 "$here/check_tls_ssh.py" "$T/eve.json" "$T/cap.pcapng" \
    "$top/tests/tools/tls_fingerprint.py"
