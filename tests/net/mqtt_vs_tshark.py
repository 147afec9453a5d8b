#!/usr/bin/env python3
"""Compares ward's mqtt, coap and credential events with tshark, field by field.

Usage: mqtt_vs_tshark.py CAPTURE WARD_EVE EXTRA_MQTT_PORT PASSWORD

tshark reads the capture with `-d tcp.port==EXTRA_MQTT_PORT,mqtt -T json`
(JSON rather than `-T fields`: a frame may carry several MQTT packets, and
with -T fields the optional fields of the packets in one frame cannot be
told apart; the JSON keeps one object per packet). The packets of each
direction of each connection are compared in order with ward's events of
that direction. Exits 1 on any difference, after printing all of them.

Differences that are expected, and why:
- ward reports CONNECT, CONNACK, PUBLISH, SUBSCRIBE, SUBACK, UNSUBSCRIBE,
  DISCONNECT and AUTH; the acknowledgements of PUBLISH (PUBACK, PUBREC,
  PUBREL, PUBCOMP), UNSUBACK and the pings are checked but not reported,
  so tshark's are left out before comparing.
- tshark shows the password (mqtt.passwd); ward never does: the test
  checks instead that the password appears nowhere in ward's output and
  that a credential event names the user of every CONNECT with a password.
- ward's `payload_len` is the PUBLISH payload size; tshark shows the bytes
  (mqtt.msg), whose length is compared.
- ward's `topics` joins the filters with ','; tshark lists them one by one.
- a 3.1.1 DISCONNECT has no reason code: ward omits `code`, tshark has no
  mqtt.disconnect.reason_code either; a 5.0 DISCONNECT with an empty body
  means reason 0 (MQTT 5.0 section 3.14.2.1): ward reports code 0, tshark
  shows no field, which is compared as 0.
- tshark dissects the CoAP message quoted in an ICMP port unreachable (the
  observe client sends its deregistering GET, the server answers after the
  client closed its socket); ward does not read inside ICMP errors, so
  frames with ICMP are left out.
- CoAP: ward's uri_path is tshark's coap.opt.uri_path_recon, but only for
  a message with Uri-Path options (tshark copies the request's path into
  the response); the query options are joined with '&' by ward and listed
  by tshark; tshark names content formats with their parameters, ward
  without; a response's status class.detail is derived from coap.code.
"""
import json
import subprocess
import sys

MQTT_TYPES = {1: 'connect', 2: 'connack', 3: 'publish', 8: 'subscribe',
              9: 'suback', 10: 'unsubscribe', 14: 'disconnect', 15: 'auth'}
COAP_TYPES = ['CON', 'NON', 'ACK', 'RST']
FORMATS = {'text/plain': 0, 'application/link-format': 40,
           'application/json': 50, 'application/cbor': 60}


def pairs(p):
    return p  # keep every (key, value), duplicates and order included


def walk(node, out):
    """Flattens the ordered pairs of a tshark layer into key -> [values]."""
    if isinstance(node, list):
        for k, v in node:
            if isinstance(v, list) and v and isinstance(v[0], tuple):
                walk(v, out)
            elif isinstance(v, list) and v and isinstance(v[0], list):
                # a list of objects (repeated layer inside a tree)
                for item in v:
                    walk(item, out)
            else:
                out.setdefault(k, []).append(v)
    return out


def props(node, out):
    """Property id -> values, from the ordered mqtt.properties pairs."""
    cur = None
    for k, v in node:
        if k == 'mqtt.property_id':
            cur = int(v, 16)
        elif k in ('mqtt.prop_number', 'mqtt.prop_string',
                   'mqtt.prop_key') and cur is not None:
            out.setdefault(cur, []).append(v)
        elif isinstance(v, list) and v and isinstance(v[0], tuple):
            props(v, out)
    return out


def find(node, key):
    for k, v in node:
        if k == key:
            return v
        if isinstance(v, list) and v and isinstance(v[0], tuple):
            r = find(v, key)
            if r is not None:
                return r
    return None


def layers_of(frame, name):
    """Every PDU of layer `name` in a frame, as ordered pairs."""
    src = find(frame, '_source')
    lay = find(src, 'layers')
    found = [v for k, v in lay if k == name]
    res = []
    for v in found:
        if v and isinstance(v[0], list):
            res.extend(v)
        else:
            res.append(v)
    return res


def first(f, key, conv=str, default=None):
    v = f.get(key)
    return conv(v[0]) if v else default


def b(v):
    return v in ('1', 'True', 'true')


def mqtt_expect(pdu, version):
    f = walk(pdu, {})
    t = int(f['mqtt.msgtype'][0])
    if t not in MQTT_TYPES:
        return None, version
    e = {'type': MQTT_TYPES[t]}
    p = props(pdu, {})
    if t == 1:
        version = int(f['mqtt.ver'][0])
        e.update(proto_name=f['mqtt.protoname'][0], version=version,
                 client_id=first(f, 'mqtt.clientid', default=''),
                 auth=b(f['mqtt.conflag.uname'][0]),
                 password=b(f['mqtt.conflag.passwd'][0]),
                 clean=b(f['mqtt.conflag.cleansess'][0]),
                 keepalive=int(f['mqtt.kalive'][0]),
                 will=b(f['mqtt.conflag.willflag'][0]))
        if e['auth']:
            e['user'] = f['mqtt.username'][0]
        if e['will']:
            e['will_topic'] = f['mqtt.willtopic'][0]
            e['will_qos'] = int(f['mqtt.conflag.qos'][0])
        for pid, key in ((0x11, 'session_expiry'), (0x21, 'receive_max'),
                         (0x27, 'max_packet_size'),
                         (0x22, 'topic_alias_max')):
            if pid in p:
                e[key] = int(p[pid][0])
        if 0x26 in p:
            e['user_props'] = len(p[0x26])
    elif t == 2:
        # 3.1 has no session present flag: tshark shows none, ward false.
        e['session_present'] = b(first(f, 'mqtt.conack.flags.sp',
                                       default='0'))
        e['code'] = int(first(f, 'mqtt.connack.reason_code') or
                        first(f, 'mqtt.conack.val'))
        for pid, key in ((0x21, 'receive_max'), (0x22, 'topic_alias_max'),
                         (0x11, 'session_expiry'),
                         (0x27, 'max_packet_size')):
            if pid in p:
                e[key] = int(p[pid][0])
    elif t == 3:
        qos = int(f['mqtt.qos'][0])
        e.update(topic=f['mqtt.topic'][0], qos=qos,
                 retain=b(f['mqtt.retain'][0]), dup=b(f['mqtt.dupflag'][0]))
        if qos > 0:
            e['packet_id'] = int(f['mqtt.msgid'][0])
        msg = first(f, 'mqtt.msg', default='')
        e['payload_len'] = (len(msg) + 1) // 3 if msg else 0
    elif t in (8, 10):
        e['packet_id'] = int(f['mqtt.msgid'][0])
        e['topics'] = ','.join(f.get('mqtt.topic', []))
        e['filters'] = len(f.get('mqtt.topic', []))
        if t == 8:
            q = f.get('mqtt.sub.qos') or f.get('mqtt.subscription_options_qos')
            e['qos'] = [int(x) for x in q]
            e['subscribe_all'] = '#' in f.get('mqtt.topic', [])
    elif t == 9:
        e['packet_id'] = int(f['mqtt.msgid'][0])
        q = f.get('mqtt.suback.qos') or f.get('mqtt.suback.reason_code')
        e['codes'] = [int(x) for x in q]
    elif t in (14, 15):
        key = 'mqtt.disconnect.reason_code' if t == 14 else \
            'mqtt.auth.reason_code'
        if version == 5 or t == 15:
            e['code'] = int(first(f, key, default='0'))
    return e, version


def coap_expect(pdu):
    f = walk(pdu, {})
    code = int(f['coap.code'][0])
    e = {'type': COAP_TYPES[int(f['coap.type'][0])], 'code': code,
         'msg_id': int(f['coap.mid'][0]),
         'token_len': int(f['coap.token_len'][0])}
    if e['token_len']:
        e['token'] = f['coap.token'][0].replace(':', '')
    if code and code >> 5 == 0:
        pass
    elif code:
        e['status'] = '%d.%02d' % (code >> 5, code & 31)
    # tshark copies the request's path into the response (uri_path_recon
    # with no Uri-Path option); ward reports the message's own options.
    if 'coap.opt.uri_path' in f:
        e['uri_path'] = f['coap.opt.uri_path_recon'][0]
    if 'coap.opt.uri_query' in f:
        e['uri_query'] = '&'.join(f['coap.opt.uri_query'])
    # tshark names the content formats ("text/plain; charset=utf-8"), ward
    # gives the number and a name without parameters.
    if 'coap.opt.ctype' in f:
        e['content_format_name'] = f['coap.opt.ctype'][0].split(';')[0]
    if 'coap.opt.accept' in f:
        e['accept'] = FORMATS[f['coap.opt.accept'][0].split(';')[0]]
    for tk, wk in (('coap.opt.observe', 'observe'),
                   ('coap.opt.uri_port', 'uri_port')):
        if tk in f:
            e[wk] = int(f[tk][0])
    if 'coap.opt.uri_host' in f:
        e['uri_host'] = f['coap.opt.uri_host'][0]
    e['payload_len'] = int(first(f, 'coap.payload_length', default='0'))
    return e


def main():
    cap, eve, port, password = sys.argv[1:5]
    out = subprocess.run(
        ['tshark', '-r', cap, '-d', 'tcp.port==%s,mqtt' % port,
         '-Y', '(mqtt or coap) and not icmp', '-T', 'json'],
        check=True, capture_output=True, text=True).stdout
    frames = json.loads(out, object_pairs_hook=pairs)

    want = {}     # (conn, sender) -> [expected events]
    versions = {}
    for fr in frames:
        f = walk(find(find(fr, '_source'), 'layers'), {})
        src, dst = f['ip.src'][0], f['ip.dst'][0]
        if 'tcp.srcport' in f:
            sp, dp = f['tcp.srcport'][0], f['tcp.dstport'][0]
        else:
            sp, dp = f['udp.srcport'][0], f['udp.dstport'][0]
        conn = tuple(sorted([(src, int(sp)), (dst, int(dp))]))
        for pdu in layers_of(fr, 'mqtt'):
            e, versions[conn] = mqtt_expect(pdu, versions.get(conn, 0))
            if e is not None:
                want.setdefault((conn, src, 'mqtt'), []).append(e)
        for pdu in layers_of(fr, 'coap'):
            want.setdefault((conn, src, 'coap'), []).append(coap_expect(pdu))

    got = {}
    creds = []
    text = open(eve).read()
    if password in text:
        print('FAIL: the password appears in ward\'s output')
        return 1
    for line in text.splitlines():
        ev = json.loads(line)
        kind = ev.get('event_type')
        if kind not in ('mqtt', 'coap', 'credential'):
            continue
        conn = tuple(sorted([(ev['src_ip'], ev['src_port']),
                             (ev['dest_ip'], ev['dest_port'])]))
        if kind == 'credential':
            creds.append((conn, ev['credential']))
            continue
        got.setdefault((conn, ev['subject']['ip'], kind), []).append(ev[kind])

    bad = 0
    checked = 0
    for key in sorted(set(want) | set(got)):
        w, g = want.get(key, []), got.get(key, [])
        if len(w) != len(g):
            print('DIFF %s: tshark %d packets, ward %d' % (key, len(w), len(g)))
            bad += 1
        for i, (we, ge) in enumerate(zip(w, g)):
            for k, v in we.items():
                checked += 1
                if ge.get(k) != v:
                    print('DIFF %s #%d %s: tshark %r, ward %r' %
                          (key, i, k, v, ge.get(k)))
                    bad += 1
    # A credential event names the user of every CONNECT with a password.
    for (conn, sender, kind), evs in want.items():
        for e in evs:
            if e.get('type') == 'connect' and e.get('password'):
                if not any(c == conn and cr.get('user') == e.get('user')
                           for c, cr in creds):
                    print('DIFF %s: no credential event for %r' %
                          (conn, e.get('user')))
                    bad += 1
    nm = sum(len(v) for k, v in want.items() if k[2] == 'mqtt')
    nc = sum(len(v) for k, v in want.items() if k[2] == 'coap')
    if nm < 20 or nc < 8 or not creds:
        print('FAIL: too little traffic (mqtt %d, coap %d, credentials %d)' %
              (nm, nc, len(creds)))
        return 1
    print('mqtt_vs_tshark: %d mqtt and %d coap packets, %d fields, '
          '%d credentials, %d differences' % (nm, nc, checked, len(creds), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
