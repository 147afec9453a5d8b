#!/usr/bin/python3
"""check_alerts.py - compare ward's alerts with what a scenario expects.

usage: check_alerts.py [--scenario NAME] EVE EXPECT
       check_alerts.py --count EVE      (prints the number of alerts)

EVE is ward's EVE output (JSON lines); only events with event_type "alert"
and alert.update false count (an update repeats an alert with a higher
count). Distinct alerts are keyed by (type, asset, object).

EXPECT has one expected alert per line (lines starting with '#' are
comments):

    ATTACK  TYPE  WHO  [OBJECT]  [peer=PEER]

  ATTACK  the attack the alert reveals (recall counts attacks);
  TYPE    the alert type (port_scan, arp_spoof...);
  WHO     the asset: alert.asset (a MAC or an IP) or alert.ip must equal
          one of the '|'-separated values (a host's MAC and its IP);
  OBJECT  a substring of alert.object, '-' or absent for any;
  PEER    alert.peer must equal one of the '|'-separated values.

An empty EXPECT (or one of comments only) expects no alert at all. Every
expected line must match a distinct alert, and every alert must be matched
by a line: an alert nobody expected is a failure (a false alert).

Prints every missing and unexpected alert, then one parseable line:

  ward-detect: scenario=NAME attacks=N detected=D expected=E found=F \
      unexpected=U alerts=A

(an attack is detected when at least one of its alerts is found) and exits
1 when anything is missing or unexpected.
"""
import json
import sys


def load_alerts(path):
    alerts = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError as e:
                sys.exit("%s:%d: not JSON: %s" % (path, n, e))
            if ev.get("event_type") != "alert":
                continue
            a = ev.get("alert") or {}
            if a.get("update"):
                continue
            alerts.append(a)
    return alerts


def load_expect(path):
    want = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = line.split()
            peer = None
            rest = []
            for w in words:
                if w.startswith("peer="):
                    peer = w[5:].split("|")
                else:
                    rest.append(w)
            if len(rest) < 3 or len(rest) > 4:
                sys.exit("%s:%d: want ATTACK TYPE WHO [OBJECT] [peer=P]"
                         % (path, n))
            obj = rest[3] if len(rest) == 4 and rest[3] != "-" else None
            want.append({"attack": rest[0], "type": rest[1],
                         "who": rest[2].split("|"), "object": obj,
                         "peer": peer, "line": n})
    return want


def matches(w, a):
    if a.get("type") != w["type"]:
        return False
    who = {a.get("asset") or "", a.get("ip") or ""}
    if not who & set(w["who"]):
        return False
    if w["object"] is not None and w["object"] not in (a.get("object") or ""):
        return False
    if w["peer"] is not None and (a.get("peer") or "") not in w["peer"]:
        return False
    return True


def show(a):
    return "%s asset=%s ip=%s peer=%s object=%r (%s)" % (
        a.get("type"), a.get("asset"), a.get("ip"), a.get("peer"),
        a.get("object"), a.get("message"))


def assign(want, alerts):
    """A maximum matching of expected lines to distinct alerts."""
    owner = [None] * len(alerts)

    def try_line(i, seen):
        for j, a in enumerate(alerts):
            if j in seen or not matches(want[i], a):
                continue
            seen.add(j)
            if owner[j] is None or try_line(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(want)):
        try_line(i, set())
    return owner


def main(argv):
    scenario = "?"
    if len(argv) == 3 and argv[1] == "--count":
        print(len(load_alerts(argv[2])))
        return 0
    if len(argv) >= 3 and argv[1] == "--scenario":
        scenario = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) != 3:
        sys.exit(__doc__)
    alerts = load_alerts(argv[1])
    want = load_expect(argv[2])
    owner = assign(want, alerts)
    found = {i for i in owner if i is not None}
    attacks = []
    for w in want:
        if w["attack"] not in attacks:
            attacks.append(w["attack"])
    detected = {want[i]["attack"] for i in found}
    bad = False
    for i, w in enumerate(want):
        if i not in found:
            bad = True
            print("%s: MISSING %s %s who=%s object~%r peer=%s (expect line %d)"
                  % (scenario, w["attack"], w["type"], "|".join(w["who"]),
                     w["object"], w["peer"], w["line"]))
    unexpected = 0
    for j, a in enumerate(alerts):
        if owner[j] is None:
            bad = True
            unexpected += 1
            print("%s: UNEXPECTED %s" % (scenario, show(a)))
    for j, a in enumerate(alerts):
        if owner[j] is not None:
            print("%s: ok %s" % (scenario, show(a)))
    print("ward-detect: scenario=%s attacks=%d detected=%d expected=%d "
          "found=%d unexpected=%d alerts=%d" % (
              scenario, len(attacks), len(detected), len(want), len(found),
              unexpected, len(alerts)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
