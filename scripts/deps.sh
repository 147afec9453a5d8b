#!/bin/sh
# Installs the Debian 12 packages ward needs: to build (deps-build.txt) and,
# with --test, to run every test (deps-test.txt: real protocol peers, tshark).
# Run as root. Skips apt-get when everything is already installed.
set -eu
cd "$(dirname "$0")"
lists="deps-build.txt"
[ "${1:-}" = "--test" ] && lists="$lists deps-test.txt"
# A line is "PACKAGE" or "PACKAGE COMMAND": with a command, the package is
# needed only when that command is missing (machines that carry Node.js
# from elsewhere already have npm, and Debian's npm would conflict).
missing=""
# shellcheck disable=SC2086
lines=$(cat $lists 2>/dev/null | sed 's/#.*//' | awk 'NF { print $1 " " $2 }' | sort -u)
while read -r p cmd; do
	[ -n "$p" ] || continue
	if [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1; then
		continue
	fi
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done <<EOF
$lines
EOF
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: these Debian packages are missing:$missing" >&2
	echo "deps.sh: run as root (or install them) and try again" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "deps.sh: installing$missing" >&2
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
