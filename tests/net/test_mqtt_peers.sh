#!/bin/bash
# tests/net/test_mqtt_peers.sh - ward's mqtt and coap dissectors against real
# peers, compared field by field with tshark.
#
# A LAN of network namespaces (tests/net/lib.sh): a mosquitto broker with a
# listener on 1883 and one on 18830 (found by content: ward has no port hint
# there), anonymous clients allowed and a password file made here with
# mosquitto_passwd; mosquitto_sub on '#'; mosquitto_pub authenticated (-u
# -P), anonymous, with a wrong password, in MQTT 5.0 (-V mqttv5, with
# properties), 3.1.1 and 3.1; libcoap's coap-server and coap-client (GET,
# PUT with a content format, observe, a query, a missing resource). The
# capture on the bridge goes through `$WARD analyze --eve - -q` and through
# tshark; mqtt_vs_tshark.py compares them and prints every difference.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not
# root or when namespaces or the peers are missing. MQTT_KEEP=1 keeps the
# capture and outputs in the directory it prints.

set -u
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${WARD:-}" ] || [ ! -x "$WARD" ]; then
	echo "test_mqtt_peers: WARD must name the ward binary (got '${WARD:-}')" >&2
	exit 1
fi

. "$here/lib.sh"
net_skip_unless_possible
net_require tshark dumpcap mosquitto mosquitto_pub mosquitto_sub \
    mosquitto_passwd coap-server-notls coap-client-notls /usr/bin/python3

if [ "${MQTT_KEEP:-0}" = 1 ]; then
	NET_KEEP_TMP=1
fi
net_init
T=$NET_TMP
cap="$T/mqtt.pcapng"
PASS='Pa55-w0rd.ICU'

net_switch
net_host broker 02:00:00:00:01:01
net_host sub 02:00:00:00:01:02
net_host pub 02:00:00:00:01:03
net_capture_start "$cap"
for h in broker sub pub; do
	net_host_up "$h"
done
net_addr broker 10.77.0.1/24
net_addr sub 10.77.0.2/24
net_addr pub 10.77.0.3/24

# The broker: two listeners, anonymous allowed, one user with a password.
mosquitto_passwd -b -c "$T/passwd" nurse "$PASS" 2>/dev/null ||
    net_die "mosquitto_passwd failed"
chmod 644 "$T/passwd"
cat >"$T/mosquitto.conf" <<EOF
per_listener_settings false
allow_anonymous true
password_file $T/passwd
listener 1883 10.77.0.1
listener 18830 10.77.0.1
persistence false
log_dest stderr
user root
EOF
net_bg broker "$T/broker.log" mosquitto -c "$T/mosquitto.conf"
net_wait_listen broker tcp 1883 10 || { cat "$T/broker.log" >&2; net_die "no broker"; }
net_wait_listen broker tcp 18830 10 || net_die "no second listener"

# A subscriber to everything (the notable '#'), and a 5.0 one on 18830.
net_bg sub "$T/sub1.log" mosquitto_sub -h 10.77.0.1 -p 1883 -i ward-sub-all \
    -t '#' -q 1 -v -W 20
net_bg sub "$T/sub2.log" mosquitto_sub -h 10.77.0.1 -p 18830 -V mqttv5 \
    -i ward-sub-v5 -t 'icu/+/hr' -t 'lab/#' -q 2 -W 20
sleep 1

P="net_exec pub mosquitto_pub -h 10.77.0.1"
$P -p 1883 -i ward-pub-auth -u nurse -P "$PASS" -t icu/bed4/spo2 -m 97 -q 1 ||
    net_die "authenticated publish failed"
$P -p 1883 -i ward-pub-anon -t icu/bed4/hr -m 72 -q 2 -r ||
    net_die "anonymous publish failed"
$P -p 18830 -V mqttv5 -i ward-pub-v5 -u nurse -P "$PASS" -t lab/result \
    -m 'K 4.1' -q 1 -D connect session-expiry-interval 3600 \
    -D connect receive-maximum 20 -D connect user-property site icu \
    -D publish content-type text/plain || net_die "v5 publish failed"
$P -p 1883 -V mqttv31 -i ward-pub-31 -t ward/legacy -m x ||
    net_die "3.1 publish failed"
$P -p 18830 -V mqttv311 -i ward-pub-311 -t icu/bed5/hr -m 80 -q 0 ||
    net_die "3.1.1 publish failed"
# A wrong password: the broker refuses it (CONNACK 5, not authorized).
$P -p 1883 -i ward-pub-bad -u nurse -P wrong -t icu/x -m 1 2>/dev/null &&
    net_die "the wrong password was accepted"

# CoAP: libcoap's server and client.
net_bg broker "$T/coap-server.log" coap-server-notls -A 10.77.0.1 -p 5683
net_wait_listen broker udp 5683 10 || net_die "no coap server"
C="net_exec pub coap-client-notls -B 5"
$C -m get 'coap://10.77.0.1/time?ticks' >/dev/null || net_die "coap get"
$C -m put -t text/plain -e 22.5 coap://10.77.0.1/example_data \
    >/dev/null || net_die "coap put"
$C -m get -A 50 coap://10.77.0.1/example_data >/dev/null ||
    net_die "coap get json"
$C -m get -s 3 coap://10.77.0.1/time >/dev/null || net_die "coap observe"
$C -m get -N coap://10.77.0.1/nothing/here >/dev/null 2>&1
$C -m get coap://10.77.0.1/.well-known/core >/dev/null || net_die "coap core"

sleep 1
net_capture_stop

if ! "$WARD" analyze --eve - -q "$cap" >"$T/ward.eve" 2>"$T/ward.err"; then
	cat "$T/ward.err" >&2
	net_die "ward analyze failed"
fi
/usr/bin/python3 "$here/mqtt_vs_tshark.py" "$cap" "$T/ward.eve" 18830 "$PASS"
