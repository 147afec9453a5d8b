#!/bin/sh
# Bans the C functions that invite buffer overflows in ward's own sources
# (VLAs are refused by the compiler: -Wvla). Names every offence.
set -u
cd "$(dirname "$0")/.." || exit 2
status=0
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests bench -name '*.[ch]')
for f in $files; do
	# Strip comments and string literals roughly, then look for calls.
	hits=$(sed -e 's://.*$::' "$f" | grep -nE '\<(sprintf|vsprintf|strcpy|strcat|gets|alloca|stpcpy|strtok)[[:space:]]*\(' || true)
	if [ -n "$hits" ]; then
		echo "$hits" | sed "s|^|$f:|;s|\$|  <- banned function|"
		status=1
	fi
done
exit $status
