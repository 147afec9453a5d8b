#!/bin/sh
# Installs what ward needs, builds it, and runs `ward analyze` on the sample
# capture of a small hospital LAN, printing the inventory.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
[ -f build/build.ninja ] || meson setup build --buildtype=release -Db_lto=true >/dev/null
ninja -C build >/dev/null
exec ./build/src/ward analyze --departments rules/departments.example.yaml \
    samples/hospital-lan.pcapng "$@"
