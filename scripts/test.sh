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

echo "== lint"
./scripts/lint.sh

echo "== release build and tests"
[ -f build/build.ninja ] || meson setup build --buildtype=release -Db_lto=true >/dev/null
ninja -C build
meson test -C build --print-errorlogs

[ "${WARD_TEST_QUICK:-0}" = 1 ] && exit 0

echo "== ASan+UBSan build and tests"
[ -f build-asan/build.ninja ] ||
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	    --buildtype=debug >/dev/null
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C build-asan --print-errorlogs \
	--timeout-multiplier 3

echo "== fuzz corpora replayed under libFuzzer + ASan + UBSan"
[ -f build-fuzz/build.ninja ] ||
	CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false \
	    -Db_sanitize=address,undefined -Db_lundef=false \
	    --buildtype=debug >/dev/null
ninja -C build-fuzz
meson test -C build-fuzz --suite fuzz --print-errorlogs
