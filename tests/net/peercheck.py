"""peercheck.py - what the real-peer tests of tests/net/ share when they
compare ward's EVE output with tshark's reading of the same capture.

    import peercheck as pc
    ck = pc.Checker('telnet')
    rows = pc.tshark(cap, 'telnet', ['ip.src', 'telnet.data'])
    ev = pc.events(eve_path, 'banner')
    ck.same('banner', ward_value, tshark_value)
    ck.done()                  # prints the differences, exits 1 if any

tshark's fields come back as strings ('' when absent); a field that occurs
more than once in a frame is joined with AGG. Every difference is kept and
printed at the end, so one run shows all of them.
"""
import json
import subprocess
import sys

AGG = '\x1f'    # aggregator of repeated fields: no protocol text holds it


def tshark(cap, filt, fields, extra=()):
    """Rows of `tshark -T fields`, one dict per frame that matches filt."""
    cmd = ['tshark', '-r', cap, '-n'] + list(extra) + [
        '-Y', filt, '-T', 'fields', '-E', 'separator=\t',
        '-E', 'occurrence=a', '-E', 'aggregator=' + AGG]
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit('tshark failed: %s' % out.stderr.strip())
    rows = []
    for line in out.stdout.splitlines():
        v = line.split('\t')
        v += [''] * (len(fields) - len(v))
        rows.append(dict(zip(fields, v)))
    return rows


def pdml(cap, filt, extra=()):
    """tshark's PDML of the frames that match filt, as ElementTree packets."""
    import xml.etree.ElementTree as ET
    cmd = ['tshark', '-r', cap, '-n'] + list(extra) + ['-Y', filt,
                                                        '-T', 'pdml']
    out = subprocess.run(cmd, capture_output=True)
    if out.returncode != 0:
        sys.exit('tshark failed: %s' % out.stderr.decode(errors='replace'))
    return ET.fromstring(out.stdout).findall('packet')


def split(v):
    """The values of a repeated tshark field."""
    return v.split(AGG) if v else []


def num(v):
    """A tshark number (decimal or 0x hex), None when the field is absent."""
    return int(v, 0) if v != '' else None


def ward_text(s):
    """s as ward's observations write text: the UTF-8 bytes, printable
    ASCII as it is, every other byte and the backslash as \\xNN."""
    b = s.encode('utf-8') if isinstance(s, str) else s
    return ''.join(chr(c) if 0x20 <= c < 0x7f and c != 0x5c else
                   '\\x%02x' % c for c in b)


def events(path, kind=None):
    """ward's EVE events, all or those of one event_type, in file order."""
    out = []
    with open(path) as f:
        for line in f:
            if line.strip():
                e = json.loads(line)
                if kind is None or e.get('event_type') == kind:
                    out.append(e)
    return out


def body(e):
    """An EVE event's own fields (they sit under the event type's name)."""
    return e.get(e['event_type'], {})


class Checker:
    def __init__(self, name):
        self.name = name
        self.fail = []
        self.compared = 0

    def check(self, cond, what):
        self.compared += 1
        if not cond:
            self.fail.append(what)

    def same(self, what, ward, ts):
        self.compared += 1
        if ward != ts:
            self.fail.append('%s: ward %r, tshark %r' % (what, ward, ts))

    def no_secret(self, path, *secrets):
        """No secret appears in ward's output, in any event."""
        raw = open(path, encoding='utf-8', errors='replace').read()
        for s in secrets:
            self.check(s not in raw, 'a password (%s...) is in ward\'s '
                       'output' % s[:3])

    def no_malformed(self, path, protos):
        for e in events(path, 'malformed'):
            m = body(e)
            self.check(m.get('proto') not in protos,
                       'ward reported a malformation: %r' % m)

    def done(self, summary):
        if self.fail:
            for f in self.fail:
                print('FAIL: %s: %s' % (self.name, f))
            sys.exit(1)
        print('ok: %s: %s (%d comparisons)' % (self.name, summary,
                                               self.compared))
