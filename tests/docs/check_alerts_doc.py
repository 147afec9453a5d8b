#!/usr/bin/python3
"""check_alerts_doc.py - every alert type of include/ward/alert.h has its
row in docs/alerts.md (with its category and default severity) and a
section that says what it means, what to do and how to tune it."""
import re
import sys

top = sys.argv[1]
h = open(top + "/include/ward/alert.h").read()
body = re.search(r"#define WARD_ALERT_TYPES\(X\)(.*?)\n\nenum alert_type",
                 h, re.S).group(1).replace("\\\n", " ")
types = re.findall(r'X\(\w+,\s*"(\w+)",\s*"(\w+)",\s*(\w+)\)', body)
index = open(top + "/docs/alerts.md").read()
pages = {p: open(top + "/docs/" + p).read()
         for p in ("alerts.md", "alerts-rules.md", "alerts-baseline.md")}
bad = 0
for name, cat, sev in types:
    row = "| `%s` | %s | %s |" % (name, cat, sev.lower())
    if row not in index:
        print("docs/alerts.md: no row %r" % row)
        bad += 1
    found = False
    for page, text in pages.items():
        m = re.search(r"^#{2,3} %s\n(.*?)(?=^#{1,3} |\Z)" % name, text,
                      re.M | re.S)
        if m is None:
            continue
        found = True
        for part in ("**Means:**", "**Do:**", "**Tune:**"):
            if part not in m.group(1):
                print("docs/%s: %s lacks %s" % (page, name, part))
                bad += 1
    if not found:
        print("docs: no section for alert type %s" % name)
        bad += 1
print("%d alert types, %d problems" % (len(types), bad))
sys.exit(1 if bad else 0)
