#!/bin/sh
# samples/make-sample.sh - regenerate samples/hospital-lan.pcapng and
# samples/hospital-lan.truth.json, the README's demo capture.
#
# The capture is made, not written by hand: tests/net/scenario_lan.sh runs
# real programs (dnsmasq, dhclient, udhcpc, dig, getent, python3-zeroconf,
# curl, python3 http.server, sshd/ssh, nmbd/nmblookup) in network
# namespaces on a private bridge and captures the bridge.  Needs root and
# the packages in scripts/deps-test.txt; takes about 15 seconds.  Every run
# gives new timestamps, keys and transaction ids; hosts, MACs, names and
# DHCP fingerprints stay the same.
set -eu
cd "$(dirname "$0")/.."
tests/net/scenario_lan.sh samples/hospital-lan.pcapng
capinfos -c -s samples/hospital-lan.pcapng | sed 1d
