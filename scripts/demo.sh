#!/bin/sh
# Installs what ward needs, builds it, and runs `ward analyze` on the sample
# capture of a small hospital LAN, printing the inventory; then the
# vulnerabilities and exposures found, with the shipped feeds (ward's
# curated IoMT advisories and the real NVD and CISA samples) in a
# temporary store.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release -Db_lto=true >/dev/null
ninja -C build >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./build/src/ward vuln update --from rules/vuln --from tests/vuln \
    --db "$tmp/ward.db" >/dev/null
./build/src/ward analyze --db "$tmp/ward.db" \
    --departments rules/departments.example.yaml \
    samples/hospital-lan.pcapng "$@"
echo
echo "Vulnerabilities and exposures (ward vuln report):"
./build/src/ward vuln report --db "$tmp/ward.db"
