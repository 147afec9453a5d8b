#!/bin/sh
# decode_vs_tshark.sh - compares what ward's decode layer makes of every
# capture in tests/pcap with what tshark makes of it.
#
# usage: decode_vs_tshark.sh path/to/decode_dump tests/pcap
#
# decode_dump prints, per frame, "number src dst l4proto sport dport"
# (tab-separated, empty fields where a frame has none) or "#malformed N
# kind". tshark is asked for the same fields with -T fields and its output
# is put into the same shape by the awk program below. Each rule there that
# bends tshark's output is a place where ward differs on purpose:
#
#  1. Frames ward counts as malformed are not compared. tshark dissects
#     what it can of a bad header and flags it; ward drops the frame and
#     counts one malformation kind (decode_dump prints which).
#  2. ICMP and ICMPv6 errors quote the offending datagram; tshark reports
#     the quoted TCP/UDP ports (and with occurrence=f we keep only the outer
#     addresses). ward reports the ICMP message itself, without ports.
#  3. IPv6 has no single "upper protocol" field in tshark: ipv6.nxt is the
#     fixed header's next header. We derive it: ICMPv6, TCP or UDP if
#     tshark dissected one, the fragment header's next header for a
#     fragment, ESP if present, else ipv6.nxt if it is not an extension
#     header, else "*" (not compared).
#  4. Fragments: both tools report the datagram's transport ports only on
#     the frame that completes it (tshark's "Reassembled in" frame). The
#     other fragments carry addresses and protocol only. ward drops an
#     overlapping datagram outright where tshark reassembles it anyway
#     ("first wins"); such frames are malformed for ward (rule 1).
#  5. Frames cut by the snap length: tshark shows the fields of a header
#     it has only part of (the ports of a 10-byte TCP header); ward reports
#     a transport header only when all of it was captured. When ward has no
#     ports for a snapped frame, tshark's ports are not compared.
#
# Exit 0 when everything matches, 1 on a difference, 77 (skip) without
# tshark.
set -u

dump=$1
dir=$2

command -v tshark >/dev/null 2>&1 || exit 77

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0
n=0

for cap in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -f "$cap" ] || continue
	n=$((n + 1))
	name=$(basename "$cap")

	if ! "$dump" "$cap" >"$tmp/ward.raw" 2>"$tmp/ward.err"; then
		echo "FAIL $name: decode_dump: $(cat "$tmp/ward.err")"
		status=1
		continue
	fi
	grep '^#malformed ' "$tmp/ward.raw" | cut -d' ' -f2 >"$tmp/bad"
	grep -v '^#' "$tmp/ward.raw" >"$tmp/ward"

	# -n: no name resolution; occurrence=f: the outermost value.
	if ! tshark -n -r "$cap" -T fields -E separator=/t -E occurrence=f \
	    -e frame.number -e frame.len -e frame.cap_len \
	    -e ip.src -e ip.dst -e ip.proto \
	    -e ipv6.src -e ipv6.dst -e ipv6.nxt \
	    -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport \
	    -e icmpv6.type -e ipv6.fraghdr.nxt -e esp.spi \
	    >"$tmp/tshark.raw" 2>"$tmp/tshark.err"; then
		echo "FAIL $name: tshark: $(cat "$tmp/tshark.err")"
		status=1
		continue
	fi

	awk -F'\t' -v OFS='\t' '
	# Pass 1: ward lines, to know which snapped frames have no ports.
	FILENAME == ARGV[1] { wport[$1] = $5; next }
	# Pass 2: frames ward counted malformed (rule 1).
	FILENAME == ARGV[2] { bad[$1] = 1; next }
	{
		num = $1; len = $2; caplen = $3
		if (num in bad)
			next
		src = ""; dst = ""; proto = ""; sport = ""; dport = ""
		if ($4 != "") {
			src = $4; dst = $5; proto = $6
		} else if ($7 != "") {
			src = $7; dst = $8
			# Rule 3: the upper protocol of an IPv6 packet.
			if ($14 != "") proto = 58
			else if ($10 != "") proto = 6
			else if ($12 != "") proto = 17
			else if ($15 != "") proto = $15
			else if ($16 != "") proto = 50
			else if ($9 !~ /^(0|43|44|50|51|60|135|139|140)$/)
				proto = $9
			else proto = "*"
		}
		if (src != "") {
			if ($10 != "") { sport = $10; dport = $11 }
			else if ($12 != "") { sport = $12; dport = $13 }
			# Rule 2: ports quoted inside ICMP errors.
			if (proto == 1 || proto == 58) { sport = ""; dport = "" }
			# Rule 5: a header partly captured.
			if (caplen + 0 < len + 0 && wport[num] == "") {
				sport = ""; dport = ""
			}
		}
		print num, src, dst, proto, sport, dport
	}' "$tmp/ward" "$tmp/bad" "$tmp/tshark.raw" >"$tmp/tshark"

	# Rule 1 on ward's side is implicit: malformed frames print no line.
	# A "*" protocol from tshark matches anything (rule 3).
	if ! awk -F'\t' '
	    FILENAME == ARGV[1] { t[FNR] = $0; nt = FNR; next }
	    {
		nw = FNR
		split(t[FNR], a, "\t")
		split($0, b, "\t")
		if (a[4] == "*") a[4] = b[4]
		if (a[1] != b[1] || a[2] != b[2] || a[3] != b[3] ||
		    a[4] != b[4] || a[5] != b[5] || a[6] != b[6]) {
			printf("  tshark: %s\n  ward:   %s\n", t[FNR], $0)
			bad = 1
		}
	    }
	    END {
		if (nt != nw) {
			printf("  %d lines from tshark, %d from ward\n", nt, nw)
			bad = 1
		}
		exit bad
	    }' "$tmp/tshark" "$tmp/ward" >"$tmp/diff"; then
		echo "FAIL $name"
		cat "$tmp/diff"
		status=1
	else
		echo "ok   $name ($(wc -l <"$tmp/ward") frames," \
		    "$(wc -l <"$tmp/bad") malformed)"
	fi
done

if [ "$n" -eq 0 ]; then
	echo "no captures in $dir"
	exit 77
fi
exit $status
