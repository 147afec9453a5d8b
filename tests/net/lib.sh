# tests/net/lib.sh - build a small switched LAN out of network namespaces.
#
# Sourced by the scenarios in tests/net/.  The LAN is:
#
#   namespace <pfx>sw:   bridge br0 (no address, IPv6 off, so it sends nothing)
#                        ports p1 p2 ... pN (veth ends)
#   namespace <pfx>NAME: eth0 (the other veth end) with a chosen MAC address
#
# All traffic stays inside these namespaces: nothing is routed to the host's
# own namespace and no address outside the test subnet is ever used.
#
# A capture (dumpcap, pcapng) runs on br0 inside the switch namespace.  A
# bridge in promiscuous mode passes every frame it forwards up to its own
# device, so the capture sees host-to-host unicast as well as broadcast and
# multicast, like a SPAN port on a real switch.
#
# Usage:
#   . tests/net/lib.sh
#   net_init                       # prefix, temp dir, EXIT trap
#   net_switch
#   net_host pacs 98:e7:43:12:34:56
#   net_capture_start "$out.pcapng"
#   ... traffic ...
#   net_capture_stop
#   (cleanup runs on EXIT: every process we started, every namespace)
#
# Functions print nothing on success and "lib.sh: ..." on stderr on failure.

NET_PFX=""          # namespace name prefix, unique per run: <base>-<pid>-
NET_BASE=${NET_BASE:-wt}  # a test may set its own base (wpeer...) first
NET_TMP=""          # scratch directory, removed on cleanup
NET_SW=""           # switch namespace
NET_NS=()           # every namespace we created, switch last
NET_PIDS=()         # every background process we started
NET_NPORTS=0
NET_CAP_PID=""
NET_KEEP_TMP=${NET_KEEP_TMP:-0}

net_die()
{
	echo "lib.sh: $*" >&2
	exit 1
}

# net_skip_unless_possible: exit 77 (meson's "skipped") when this machine
# cannot run the namespace tests: not root, or no `ip netns`.
net_skip_unless_possible()
{
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: needs root for ip netns" >&2
		exit 77
	fi
	command -v ip >/dev/null 2>&1 || { echo "SKIP: no ip(8)" >&2; exit 77; }
	local probe="$NET_BASE-$$-probe"
	if ! ip netns add "$probe" 2>/dev/null; then
		echo "SKIP: ip netns add is not permitted here" >&2
		exit 77
	fi
	if ! ip -n "$probe" link add br0 type bridge 2>/dev/null; then
		ip netns del "$probe" 2>/dev/null
		echo "SKIP: cannot create a bridge in a namespace" >&2
		exit 77
	fi
	ip netns del "$probe"
}

# net_require CMD...: exit 77 naming the first missing program.
net_require()
{
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1 && [ ! -x "$c" ]; then
			echo "SKIP: missing $c (see scripts/deps-test.txt)" >&2
			exit 77
		fi
	done
}

net_init()
{
	NET_PFX="$NET_BASE-$$-"
	NET_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ward-net.XXXXXX") ||
	    net_die "mktemp failed"
	chmod 755 "$NET_TMP"
	trap net_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# net_ns NAME: the full namespace name of host NAME.
net_ns()
{
	printf '%s%s' "$NET_PFX" "$1"
}

# net_exec NAME CMD...: run CMD inside host NAME's namespace.
net_exec()
{
	local ns
	ns=$(net_ns "$1")
	shift
	ip netns exec "$ns" "$@"
}

# net_bg NAME LOG CMD...: start CMD in the background inside NAME, output to
# LOG; the pid is remembered for cleanup and left in NET_LAST_PID.
net_bg()
{
	local name=$1 log=$2
	shift 2
	ip netns exec "$(net_ns "$name")" "$@" >"$log" 2>&1 </dev/null &
	NET_LAST_PID=$!
	NET_PIDS+=("$NET_LAST_PID")
}

net_sysctl()
{
	ip netns exec "$1" sysctl -q -w "$2" >/dev/null || net_die "sysctl $2 in $1"
}

net_switch()
{
	NET_SW=$(net_ns sw)
	ip netns add "$NET_SW" || net_die "cannot add namespace $NET_SW"
	NET_NS+=("$NET_SW")
	# The switch must stay silent: no IPv6 (no MLD, RS, DAD), no address.
	net_sysctl "$NET_SW" net.ipv6.conf.all.disable_ipv6=1
	net_sysctl "$NET_SW" net.ipv6.conf.default.disable_ipv6=1
	ip -n "$NET_SW" link add br0 type bridge stp_state 0 forward_delay 0 \
	    mcast_snooping 0 || net_die "cannot add bridge"
	ip -n "$NET_SW" link set br0 up
	ip -n "$NET_SW" link set lo up
}

# net_host NAME MAC: a host namespace with eth0 (MAC) plugged into the switch.
# IPv6 stays on, with EUI-64 link-local addresses, as on a real LAN.
net_host()
{
	local name=$1 mac=$2 ns port
	ns=$(net_ns "$name")
	ip netns add "$ns" || net_die "cannot add namespace $ns"
	NET_NS=("$ns" "${NET_NS[@]}")
	NET_NPORTS=$((NET_NPORTS + 1))
	port="p$NET_NPORTS"
	ip -n "$NET_SW" link add "$port" type veth \
	    peer name eth0 netns "$ns" address "$mac" ||
	    net_die "cannot add veth for $name"
	net_sysctl "$ns" net.ipv6.conf.default.addr_gen_mode=0
	net_sysctl "$ns" net.ipv6.conf.eth0.addr_gen_mode=0
	ip -n "$NET_SW" link set "$port" master br0
	ip -n "$NET_SW" link set "$port" up
	ip -n "$ns" link set lo up
	# eth0 is brought up by net_host_up, once the capture runs, so the
	# capture holds each host's first frames (DAD, MLD, DHCP).
}

net_host_up()
{
	ip -n "$(net_ns "$1")" link set eth0 up || net_die "cannot up $1"
}

# net_addr NAME CIDR: a static address on eth0.
net_addr()
{
	ip -n "$(net_ns "$1")" addr add "$2" dev eth0 || net_die "addr $2 on $1"
}

# net_ll6 NAME: the IPv6 link-local address of eth0 (EUI-64 from the MAC).
net_ll6()
{
	ip -n "$(net_ns "$1")" -6 -o addr show dev eth0 scope link |
	    awk '{sub(/\/.*/, "", $4); print $4; exit}'
}

# net_wait_file FILE PATTERN SECONDS: wait until FILE matches PATTERN.
net_wait_file()
{
	local f=$1 pat=$2 n=$(($3 * 10))
	while [ "$n" -gt 0 ]; do
		if [ -f "$f" ] && grep -q -- "$pat" "$f" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# net_wait_listen NAME tcp|udp PORT SECONDS: wait until PORT listens in NAME.
# Checked with ss inside the server's namespace, so it sends no packet.
net_wait_listen()
{
	local name=$1 proto=$2 port=$3 n=$(($4 * 10))
	while [ "$n" -gt 0 ]; do
		if net_exec "$name" ss -Hln"${proto:0:1}" "sport = :$port" |
		    grep -q .; then
			return 0
		fi
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# net_capture_start FILE: dumpcap on br0 writing pcapng, returning only once
# it captures: dumpcap prints "File: ..." after it has opened the interface,
# set the filter and written the pcapng section and interface blocks, so any
# frame sent after that is in the file.
net_capture_start()
{
	local out=$1 log="$NET_TMP/dumpcap.log" n=100
	ip netns exec "$NET_SW" dumpcap -i br0 -n -s 0 -w "$out" \
	    >"$log" 2>&1 </dev/null &
	NET_CAP_PID=$!
	NET_PIDS+=("$NET_CAP_PID")
	if ! net_wait_file "$log" "^File: " 10; then
		cat "$log" >&2
		net_die "dumpcap did not start"
	fi
	while [ ! -s "$out" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	[ -s "$out" ] || net_die "dumpcap wrote no pcapng header"
	[ "$(od -An -tx1 -N4 "$out" | tr -d ' \n')" = 0a0d0d0a ] ||
	    net_die "$out is not pcapng"
}

# net_capture_stop: stop dumpcap cleanly so it flushes, and wait for it.
net_capture_stop()
{
	[ -n "$NET_CAP_PID" ] || return 0
	sleep 0.3
	kill -INT "$NET_CAP_PID" 2>/dev/null
	local n=50
	while kill -0 "$NET_CAP_PID" 2>/dev/null && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	wait "$NET_CAP_PID" 2>/dev/null
	NET_CAP_PID=""
}

# net_cleanup: every process we started, then anything still running in our
# namespaces (children of what we started), then the namespaces themselves.
net_cleanup()
{
	local rc=$? pid ns
	trap - EXIT
	for pid in "${NET_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for ns in "${NET_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null
		done
	done
	sleep 0.2
	for ns in "${NET_NS[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
	done
	for pid in "${NET_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${NET_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	if [ -n "$NET_TMP" ] && [ "$NET_KEEP_TMP" != 1 ]; then
		rm -rf "$NET_TMP"
	elif [ -n "$NET_TMP" ]; then
		echo "lib.sh: kept $NET_TMP" >&2
	fi
	exit "$rc"
}

# net_resolv NAME SERVER: give NAME its own /etc/resolv.conf (ip netns exec
# bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf), so glibc
# lookups (getent, curl) go to SERVER and never to the host's resolver.
net_resolv()
{
	local d="/etc/netns/$(net_ns "$1")"
	mkdir -p "$d" || net_die "mkdir $d"
	printf 'nameserver %s\nsearch %s\noptions timeout:2 attempts:1\n' \
	    "$2" "${3:-.}" >"$d/resolv.conf"
	printf 'hosts: files dns\n' >"$d/nsswitch.conf"
	: >"$d/hosts"
}
