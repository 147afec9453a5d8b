#!/bin/sh
# Runs every test of ward: installs the Debian packages the tests need,
# lints, builds a release build and runs all suites (unit, pcap golden and
# tshark comparisons, end-to-end in network namespaces), then an ASan+UBSan
# build with the same tests, then replays every fuzz corpus with a clang
# libFuzzer build under the sanitizers.
#
# The end-to-end suite needs root (network namespaces); without it those
# tests report "skipped". Set WARD_TEST_QUICK=1 to skip the sanitizer and
# fuzz builds.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh --test

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Runs meson test with the given arguments and adds up its counts.
run_suite() {
	status=0
	meson test "$@" 2>&1 | tee "$log" || status=1
	# meson's own closing lines: "Ok: N", "Fail: N", "Skipped: N".
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	fl=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	sk=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${fl:-0}))
	skipped=$((skipped + ${sk:-0}))
	if [ $status -ne 0 ] || [ "${fl:-0}" -ne 0 ] || [ -z "$ok" ]; then
		echo "tests: $passed passed, $((failed > 0 ? failed : 1)) failed, $skipped skipped"
		exit 1
	fi
}

echo "== lint"
./scripts/lint.sh

echo "== release build and tests"
[ -f build/build.ninja ] || meson setup build --buildtype=release -Db_lto=true >/dev/null
ninja -C build
run_suite -C build --print-errorlogs

if [ "${WARD_TEST_QUICK:-0}" = 1 ]; then
	echo "tests: $passed passed, $failed failed, $skipped skipped"
	exit 0
fi

echo "== ASan+UBSan build and tests"
[ -f build-asan/build.ninja ] ||
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	    --buildtype=debug >/dev/null
ninja -C build-asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite -C build-asan --print-errorlogs --timeout-multiplier 3

echo "== fuzz corpora replayed under libFuzzer + ASan + UBSan"
[ -f build-fuzz/build.ninja ] ||
	CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false \
	    -Db_sanitize=address,undefined -Db_lundef=false \
	    --buildtype=debug >/dev/null
ninja -C build-fuzz
run_suite -C build-fuzz --suite fuzz --print-errorlogs

echo "tests: $passed passed, $failed failed, $skipped skipped"
