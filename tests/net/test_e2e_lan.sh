#!/bin/bash
# tests/net/test_e2e_lan.sh - ward against a LAN of real programs.
#
# Runs tests/net/scenario_lan.sh (dnsmasq, dhclient, udhcpc, dig, getent,
# python3-zeroconf, curl, http.server, sshd/ssh, nmbd/nmblookup in network
# namespaces, captured on the switch), then `$WARD analyze --json` on the
# capture, and check_inventory.py compares every host, MAC, IP, vendor,
# hostname, DHCP fingerprint and service with the scenario's truth file and
# ward's DHCP fields with tshark's.
#
# WARD is the ward binary (meson passes it).  Exit 77 (skipped) when not
# root or when network namespaces cannot be made.  E2E_KEEP=1 keeps the
# capture, truth and ward output in the directory it prints.

set -u
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${WARD:-}" ] || [ ! -x "$WARD" ]; then
	echo "test_e2e_lan: WARD must name the ward binary (got '${WARD:-}')" >&2
	exit 1
fi

# The same checks the scenario makes, so a machine that cannot run it
# reports "skipped" before anything is built.
(
	. "$here/lib.sh"
	net_skip_unless_possible
	net_require tshark /usr/bin/python3
) || exit $?

dir=$(mktemp -d "${TMPDIR:-/tmp}/ward-e2e.XXXXXX") || exit 1
if [ "${E2E_KEEP:-0}" = 1 ]; then
	trap 'echo "test_e2e_lan: kept $dir" >&2' EXIT
else
	trap 'rm -rf "$dir"' EXIT
fi

"$here/scenario_lan.sh" "$dir/lan.pcapng"
rc=$?
if [ "$rc" = 77 ]; then
	exit 77
elif [ "$rc" != 0 ]; then
	echo "test_e2e_lan: the scenario failed (exit $rc)" >&2
	exit 1
fi

if ! "$WARD" analyze --json "$dir/lan.pcapng" >"$dir/ward.json" \
    2>"$dir/ward.err"; then
	echo "test_e2e_lan: ward analyze failed:" >&2
	cat "$dir/ward.err" >&2
	exit 1
fi

/usr/bin/python3 "$here/check_inventory.py" "$dir/lan.truth.json" \
    "$dir/ward.json" "$dir/lan.pcapng"
