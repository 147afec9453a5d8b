#!/usr/bin/env python3
"""Writes the seed corpora of fuzz_mqtt and fuzz_coap (tests/fuzz/corpus/).

fuzz_mqtt inputs start with a control byte (slice size and directions, see
fuzz_mqtt.c) followed by the bytes of an MQTT conversation; fuzz_coap
inputs are single CoAP datagrams."""
import os
import struct
import sys

def s(b):
    b = b.encode() if isinstance(b, str) else b
    return struct.pack('>H', len(b)) + b

def varint(n):
    out = b''
    while True:
        b = n & 0x7f
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out

def pkt(first, body):
    return bytes([first]) + varint(len(body)) + body

def connect(level, client, user=None, pw=None, will=None, props=b''):
    flags = 0x02 | (0x80 if user is not None else 0) | (0x40 if pw is not None else 0)
    if will:
        flags |= 0x04 | 0x08
    b = s('MQIsdp' if level == 3 else 'MQTT') + bytes([level, flags]) + struct.pack('>H', 30)
    if level == 5:
        b += varint(len(props)) + props
    b += s(client)
    if will:
        if level == 5:
            b += b'\x00'
        b += s(will) + s('bye')
    if user is not None:
        b += s(user)
    if pw is not None:
        b += s(pw)
    return pkt(0x10, b)

def publish(level, topic, qos=0, pid=1, payload=b'42', retain=False):
    b = s(topic) + (struct.pack('>H', pid) if qos else b'')
    if level == 5:
        b += b'\x03\x23\x00\x01'     # topic alias 1
    return pkt(0x30 | qos << 1 | int(retain), b + payload)

def subscribe(level, pid, filters):
    b = struct.pack('>H', pid) + (b'\x00' if level == 5 else b'')
    for f, o in filters:
        b += s(f) + bytes([o])
    return pkt(0x82, b)

v5props = (b'\x11' + struct.pack('>I', 60) + b'\x21' + struct.pack('>H', 10) +
           b'\x27' + struct.pack('>I', 65536) + b'\x22\x00\x05' +
           b'\x26' + s('k') + s('v') + b'\x15' + s('SCRAM-SHA-1') + b'\x16' + s('x'))

mqtt = [
    connect(4, 'pump', 'nurse', 'pw') + subscribe(4, 1, [('#', 0)]) +
    publish(4, 'icu/bed1', 1) + b'\xc0\x00' + b'\xe0\x00',
    connect(3, 'old', will='lwt') + publish(3, 'a', 2, 7) + b'\x62\x02\x00\x07',
    connect(5, 'v5', 'u', 'p', props=v5props) + subscribe(5, 2, [('a/+/c', 1), ('#', 2)]) +
    publish(5, 'x/y', 1) + pkt(0xa2, b'\x00\x03\x00' + s('a/+/c')) + b'\xe0\x01\x8e' +
    pkt(0xf0, b'\x18' + varint(len(b'\x15' + s('SCRAM-SHA-1'))) + b'\x15' + s('SCRAM-SHA-1')),
    b'\x20\x02\x00\x00' + b'\x90\x03\x00\x01\x00' + publish(4, 'srv/push') + b'\xd0\x00',
    b'\x20\x09\x00\x86\x06\x12' + s('abc'),
    publish(4, 'big', 0, payload=b'z' * 3000),
    b'\x30\xff\xff\xff\xff\x01',
]
coap = [
    b'\x44\x01\x12\x34\xde\xad\xbe\xef\x3d\x00pump.ward.lan\x30\x12\x16\x34'
    b'\x47sensors\x04temp\x11\x32\x36unit=c\x81\x1a\xff{}',
    b'\x61\x45\x12\x34\x42\x63\x01\x00\x02\x61\x28\xff</sensors>',
    b'\x40\x00\x00\x01',
    b'\x70\x00\x00\x02',
    b'\x50\x02\x00\x07\xbd\x07ppppppppppppppppppppp\xe0\xff\x00',
    b'\x60\x84\x00\x09',
    b'\x44\x03\x00\x05abcd\xb4temp\x11\x3c\xd1\x0a\x26\xff\xa1\x01',
]

def main(root):
    for name, seeds in (('mqtt', mqtt), ('coap', coap)):
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        for i, b in enumerate(seeds):
            if name == 'mqtt':
                # whole, and in 1-byte slices with alternating directions
                for j, ctl in enumerate((0x3f, 0x80)):
                    open(os.path.join(d, 'seed-mqtt-%02d-%d' % (i, j)), 'wb').write(bytes([ctl]) + b)
            else:
                open(os.path.join(d, 'seed-coap-%02d' % i), 'wb').write(b)

if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'corpus'))
