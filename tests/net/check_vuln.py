#!/usr/bin/python3
"""Compares ward vuln report's findings with an expectation.

Usage: check_vuln.py EXPECT REPORT.json REPORT.csv REPORT.text NAME=MAC...

EXPECT has one line per finding: "host id-or-kind status" (status "-" for
exposures). A finding listed several times in the report (one exposure
per port or user) counts once. Every vulnerability must carry evidence, a
reason and a confidence above 0; every exposure evidence and a
remediation. The CSV must hold one row per finding of the JSON, and the
text form name every id and kind. Prints what is missing and what is
extra; exits 1 when anything differs.
"""
import csv
import json
import sys


def main():
    expect_path, json_path, csv_path, text_path = sys.argv[1:5]
    names = {}
    for arg in sys.argv[5:]:
        name, mac = arg.split("=", 1)
        names[mac.lower()] = name
    expected = set()
    with open(expect_path) as f:
        for line in f:
            if line.strip():
                expected.add(tuple(line.split()))
    with open(json_path) as f:
        report = json.load(f)
    found, problems, rows = set(), [], 0
    for group in report["groups"]:
        for a in group["assets"]:
            host = names.get(a["key"].lower(), a["key"])
            for v in a["vulnerabilities"]:
                rows += 1
                found.add((host, v["id"], v["status"]))
                if not v.get("evidence") or not v.get("reason") or \
                        not v.get("confidence", 0) > 0:
                    problems.append(f"{host} {v['id']}: no evidence, "
                                    "reason or confidence")
            for e in a["exposures"]:
                rows += 1
                found.add((host, e["kind"], "-"))
                if not e.get("evidence") or not e.get("remediation"):
                    problems.append(f"{host} {e['kind']}: no evidence or "
                                    "remediation")
            if a["vulnerabilities"] and a.get("risk", 0) <= 0:
                problems.append(f"{host}: vulnerable but risk 0")
    with open(csv_path, newline="") as f:
        csv_rows = list(csv.DictReader(f))
    if len(csv_rows) != rows:
        problems.append(f"CSV has {len(csv_rows)} rows, JSON {rows} "
                        "findings")
    with open(text_path) as f:
        text = f.read()
    for _, ident, _ in found:
        if ident not in text:
            problems.append(f"text report does not name {ident}")
    missing = sorted(expected - found)
    extra = sorted(found - expected)
    for m in missing:
        problems.append("missing: " + " ".join(m))
    for x in extra:
        problems.append("extra: " + " ".join(x))
    print(f"ward-vuln: expected={len(expected)} found={len(found)} "
          f"missing={len(missing)} extra={len(extra)} "
          f"findings={rows}")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
