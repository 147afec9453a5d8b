#!/bin/sh
# test_gen.sh GEN_CAPTURE READLOOP OUTDIR SEED... - smoke test of the
# benchmark tools: gen_capture must write exactly -n packets spanning at
# least -H hosts from the seeds (skipping non-Ethernet ones), and readloop
# must count them.
set -eu
gen=$1 readloop=$2 dir=$3
shift 3
out=$dir/test_gen.pcap
log=$dir/test_gen.log

"$gen" -n 20k -H 200 -w 8 -o "$out" "$@" 2>"$log" || { cat "$log"; exit 1; }
counted=$("$readloop" "$out")
rm -f "$out"
case $counted in
"20000 packets "*) ;;
*) echo "readloop counted \`$counted', wanted 20000 packets"; exit 1 ;;
esac
hosts=$(sed -n 's/.* \([0-9][0-9]*\) hosts$/\1/p' "$log")
if [ -z "$hosts" ] || [ "$hosts" -lt 200 ]; then
	echo "gen_capture made ${hosts:-no} hosts, wanted at least 200:"
	cat "$log"
	exit 1
fi
echo "gen_capture: 20000 packets, $hosts hosts"
