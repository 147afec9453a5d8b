#!/usr/bin/python3
"""make_decode_captures.py - writes the small captures that exercise ward's
decode layer (tests/pcap/decode-*.pcap) and the seed corpus of the decode
fuzz target (tests/fuzz/corpus/decode/).

Run with Debian's python3 and python3-scapy:

    /usr/bin/python3 tests/pcap/make_decode_captures.py

The output is deterministic (fixed timestamps, fixed IP identifiers), so the
committed captures only change when this script does. The pcap files are
written here rather than with scapy's writer so that caplen and wirelen
(snapped frames) and every link type are under our control.
"""

import os
import struct
import sys

from scapy.all import (AH, ARP, ICMP, IP, LLC, STP, TCP, UDP, UDPerror,
                       CookedLinux, Dot1AD, Dot1Q, Ether, ICMPv6EchoRequest,
                       ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6ND_RS,
                       ICMPv6ND_Redirect, ICMPv6NDOptDstLLAddr,
                       ICMPv6NDOptPrefixInfo, ICMPv6NDOptSrcLLAddr, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, IPerror,
                       IPOption_EOL, IPOption_NOP, IPOption_Router_Alert,
                       RouterAlert, Raw, PadN)
from scapy.layers.l2 import CookedLinuxV2

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, '..', 'fuzz', 'corpus', 'decode')

# Link types as in the pcap LINKTYPE_ registry.
LT_NULL, LT_ETHERNET, LT_RAW, LT_LOOP = 0, 1, 101, 108
LT_SLL, LT_IPV4, LT_IPV6, LT_SLL2 = 113, 228, 229, 276

# The fuzz target picks its link type with the first byte of an input:
# index into this table (tests/fuzz/fuzz_decode.c keeps the same order).
FUZZ_LINKTYPES = [LT_ETHERNET, LT_SLL, LT_SLL2, LT_RAW, LT_NULL, LT_LOOP,
                  LT_IPV4, LT_IPV6]

MAC_PACS = '00:1b:21:0a:0b:0c'      # a PACS server
MAC_MOD = '00:09:fb:12:34:56'       # a modality
MAC_RTR = '52:54:00:00:00:01'
V4_PACS, V4_MOD = '10.20.0.5', '10.20.1.17'
V6_PACS, V6_MOD = '2001:db8:20::5', '2001:db8:20::1:17'
LL_MOD, LL_RTR = 'fe80::209:fbff:fe12:3456', 'fe80::5054:ff:fe00:1'

BASE_TS = 1700000000


def write_pcap(name, linktype, frames, snaplen=65535):
    """frames: bytes, or (bytes, wirelen) for a frame cut by the snaplen."""
    path = os.path.join(HERE, name)
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, snaplen,
                            linktype))
        for i, fr in enumerate(frames):
            data, wire = (fr if isinstance(fr, tuple) else (fr, len(fr)))
            data = bytes(data)
            ts = BASE_TS * 1000000 + i * 1000
            f.write(struct.pack('<IIII', ts // 1000000, ts % 1000000,
                                len(data), wire))
            f.write(data)
    return path


def corpus(name, linktype, frames, snapped=False):
    """One fuzz input: the link type selector (bit 3: frames were cut by a
    snap length), then frames each behind a 2-byte big-endian length."""
    os.makedirs(CORPUS, exist_ok=True)
    out = bytes([FUZZ_LINKTYPES.index(linktype) | (8 if snapped else 0)])
    for fr in frames:
        data = bytes(fr[0] if isinstance(fr, tuple) else fr)
        out += struct.pack('>H', len(data)) + data
    with open(os.path.join(CORPUS, name), 'wb') as f:
        f.write(out)


def eth(payload, src=MAC_MOD, dst=MAC_PACS):
    return Ether(src=src, dst=dst) / payload


def ipv4_set():
    """A handful of IPv4 and IPv6 packets a hospital network carries."""
    return [
        IP(src=V4_MOD, dst=V4_PACS, id=1) /
        TCP(sport=40001, dport=104, flags='S', seq=1000,
            options=[('MSS', 1460), ('NOP', None), ('WScale', 7)]),
        IP(src=V4_PACS, dst=V4_MOD, id=2) /
        TCP(sport=104, dport=40001, flags='SA', seq=5000, ack=1001),
        IP(src=V4_MOD, dst=V4_PACS, id=3) /
        TCP(sport=40001, dport=104, flags='PA', seq=1001, ack=5001) /
        Raw(b'\x01\x00\x00\x00\x00\x10' + b'A' * 16),
        IP(src=V4_MOD, dst='10.20.0.53', id=4) /
        UDP(sport=53000, dport=53) / Raw(b'\x12\x34\x01\x00' + b'\0' * 8),
        IP(src=V4_MOD, dst=V4_PACS, id=5) / ICMP(type=8, id=7, seq=1),
        # An ICMP error quotes a UDP header: tshark shows the quoted
        # ports, ward does not (see decode_vs_tshark.sh).
        IP(src=V4_PACS, dst=V4_MOD, id=6) / ICMP(type=3, code=3) /
        IPerror(src=V4_MOD, dst=V4_PACS, id=9) /
        UDPerror(sport=53001, dport=2575),
    ]


def ipv6_set():
    return [
        IPv6(src=V6_MOD, dst=V6_PACS) /
        TCP(sport=40002, dport=11112, flags='S', seq=1),
        IPv6(src=V6_MOD, dst=V6_PACS) / UDP(sport=546, dport=547) /
        Raw(b'\x01\x00\x00\x01'),
        IPv6(src=V6_MOD, dst=V6_PACS) / ICMPv6EchoRequest(id=1, seq=1),
    ]


def link_captures():
    v4, v6 = ipv4_set(), ipv6_set()
    both = v4 + v6

    # Short frames padded to the Ethernet minimum of 60 bytes, as a NIC
    # does: the IP length fields must trim the padding.
    frames = [eth(p) for p in both]
    frames = [bytes(f) + b'\0' * max(0, 60 - len(f)) for f in frames]
    frames.append(Ether(src=MAC_MOD, dst='ff:ff:ff:ff:ff:ff') /
                  ARP(op=1, hwsrc=MAC_MOD, psrc=V4_MOD, pdst=V4_PACS))
    frames.append(Ether(src=MAC_PACS, dst=MAC_MOD) /
                  ARP(op=2, hwsrc=MAC_PACS, psrc=V4_PACS, hwdst=MAC_MOD,
                      pdst=V4_MOD))
    # 802.3 with LLC (spanning tree) and LLDP: skipped, not malformed.
    frames.append(Ether(src=MAC_RTR, dst='01:80:c2:00:00:00', type=0x26) /
                  LLC() / STP())
    frames.append(Ether(src=MAC_RTR, dst='01:80:c2:00:00:0e',
                        type=0x88cc) / Raw(b'\x02\x07\x04' + b'\0' * 30))
    write_pcap('decode-ethernet.pcap', LT_ETHERNET, frames)
    for i, fr in enumerate(frames):
        corpus('ethernet-%02d' % i, LT_ETHERNET, [fr])

    frames = [Ether(src=MAC_MOD, dst=MAC_PACS) / Dot1Q(vlan=120, prio=5) / p
              for p in both]
    write_pcap('decode-vlan.pcap', LT_ETHERNET, frames)
    corpus('vlan-0', LT_ETHERNET, frames[:1])

    frames = [Ether(src=MAC_MOD, dst=MAC_PACS) / Dot1AD(vlan=7) /
              Dot1Q(vlan=120) / p for p in both]
    write_pcap('decode-qinq.pcap', LT_ETHERNET, frames)
    corpus('qinq-0', LT_ETHERNET, frames[:1])

    def sll_type(p):
        return 0x0800 if p.haslayer(IP) else 0x86dd

    frames = [CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6,
                          src=bytes.fromhex('0009fb123456') + b'\0\0',
                          proto=sll_type(p)) / p for p in both]
    write_pcap('decode-sll.pcap', LT_SLL, frames)
    corpus('sll-0', LT_SLL, frames[:1])

    frames = [CookedLinuxV2(proto=sll_type(p), ifindex=2, lladdrtype=1,
                            pkttype=4, lladdrlen=6,
                            src=bytes.fromhex('001b210a0b0c') + b'\0\0') / p
              for p in both]
    write_pcap('decode-sll2.pcap', LT_SLL2, frames)
    corpus('sll2-0', LT_SLL2, frames[:1])

    write_pcap('decode-raw.pcap', LT_RAW, both)
    corpus('raw-0', LT_RAW, both[:1])
    write_pcap('decode-ipv4.pcap', LT_IPV4, v4)
    corpus('ipv4-0', LT_IPV4, v4[:1])
    write_pcap('decode-ipv6.pcap', LT_IPV6, v6)
    corpus('ipv6-0', LT_IPV6, v6[:1])

    # DLT_NULL: host byte order (little-endian here, and a big-endian
    # host's capture too); AF_INET6 is 24, 28 or 30 depending on the BSD.
    frames = []
    for i, p in enumerate(both):
        if p.haslayer(IP):
            fam = struct.pack('<I' if i % 2 else '>I', 2)
        else:
            fam = struct.pack('<I', [24, 28, 30][i % 3])
        frames.append(fam + bytes(p))
    write_pcap('decode-null.pcap', LT_NULL, frames)
    corpus('null-0', LT_NULL, frames[:1])

    # DLT_LOOP: network byte order, OpenBSD's AF_INET6 (24).
    frames = [struct.pack('>I', 2 if p.haslayer(IP) else 24) + bytes(p)
              for p in both]
    write_pcap('decode-loop.pcap', LT_LOOP, frames)
    corpus('loop-0', LT_LOOP, frames[:1])


def frag_captures():
    # A 1000-byte HL7-ish UDP datagram in three IPv4 fragments.
    data = b'MSH|^~\\&|MOD|RAD|PACS|RAD|' + bytes(range(256)) * 4
    dgram = bytes(UDP(sport=41000, dport=2575) / Raw(data[:992]))

    def frag4(ident, off, chunk, more):
        return eth(IP(src=V4_MOD, dst=V4_PACS, id=ident, proto=17,
                      flags='MF' if more else 0, frag=off // 8) / Raw(chunk))

    def split(d, size):
        return [(o, d[o:o + size], o + size < len(d))
                for o in range(0, len(d), size)]

    parts = split(dgram, 400)
    in_order = [frag4(0x100, o, c, m) for o, c, m in parts]
    out_order = [frag4(0x101, o, c, m) for o, c, m in reversed(parts)]
    mixed = [frag4(0x102, o, c, m) for o, c, m in
             [parts[1], parts[2], parts[0]]]
    # A TCP segment in two fragments, first fragment only 8 bytes.
    seg = bytes(TCP(sport=40003, dport=104, flags='PA', seq=1, ack=1) /
                Raw(b'P' * 40))
    tcpfrag = [eth(IP(src=V4_MOD, dst=V4_PACS, id=0x103, proto=6,
                      flags='MF', frag=0) / Raw(seg[:8])),
               eth(IP(src=V4_MOD, dst=V4_PACS, id=0x103, proto=6,
                      frag=1) / Raw(seg[8:]))]
    frames = in_order + out_order + mixed + tcpfrag
    write_pcap('decode-frag4.pcap', LT_ETHERNET, frames)
    corpus('frag4-in-order', LT_ETHERNET, in_order)
    corpus('frag4-out-of-order', LT_ETHERNET, out_order)
    corpus('frag4-tcp', LT_ETHERNET, tcpfrag)

    # IPv6: a 3000-byte UDP datagram in 1232-byte fragments, one with a
    # destination options header inside the fragmentable part.
    dgram6 = bytes(UDP(sport=41001, dport=11112) / Raw((data * 3)[:2992]))

    def frag6(ident, off, chunk, more, nh=17, pre=None):
        p = IPv6(src=V6_MOD, dst=V6_PACS)
        if pre is not None:
            p = p / pre
        return eth(p / IPv6ExtHdrFragment(nh=nh, id=ident, offset=off // 8,
                                          m=1 if more else 0) / Raw(chunk))

    parts6 = split(dgram6, 1232)
    in6 = [frag6(0x10000, o, c, m) for o, c, m in parts6]
    out6 = [frag6(0x10001, o, c, m) for o, c, m in reversed(parts6)]
    inner = bytes(IPv6ExtHdrDestOpt(nh=17, options=[PadN(optdata=b'\0'*4)]) /
                  UDP(sport=41002, dport=2575) / Raw(data[:200]))
    parts_d = split(inner, 112)
    dst6 = [frag6(0x10002, o, c, m, nh=60,
                  pre=IPv6ExtHdrHopByHop(options=[RouterAlert()]))
            for o, c, m in parts_d]
    frames = in6 + out6 + dst6
    write_pcap('decode-frag6.pcap', LT_ETHERNET, frames)
    corpus('frag6-in-order', LT_ETHERNET, in6)
    corpus('frag6-out-of-order', LT_ETHERNET, out6)
    corpus('frag6-dstopts', LT_ETHERNET, dst6)


def ipv6_ext_capture():
    frames = [
        eth(IPv6(src=V6_MOD, dst=V6_PACS) /
            IPv6ExtHdrHopByHop(options=[RouterAlert()]) /
            UDP(sport=5000, dport=5001) / Raw(b'hbh')),
        eth(IPv6(src=V6_MOD, dst=V6_PACS) /
            IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\0\0\0\0')]) /
            TCP(sport=40004, dport=443, flags='S')),
        eth(IPv6(src=V6_MOD, dst=V6_PACS) /
            IPv6ExtHdrRouting(type=0, addresses=[V6_PACS], segleft=0) /
            UDP(sport=5002, dport=5003)),
        eth(IPv6(src=V6_MOD, dst=V6_PACS) /
            IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting(addresses=[]) /
            IPv6ExtHdrDestOpt() / TCP(sport=40005, dport=2762, flags='S')),
        eth(IPv6(src=V6_MOD, dst=V6_PACS) /
            # RFC 4302 2.2: (12 + 12) / 4 - 2; scapy leaves it 0.
            AH(nh=6, payloadlen=4, spi=0x1000, seq=1, icv=b'\0' * 12) /
            TCP(sport=40006, dport=104, flags='S')),
        # ESP and No Next Header end the walk.
        eth(IPv6(src=V6_MOD, dst=V6_PACS, nh=50) / Raw(b'\0\0\x10\0' +
                                                       b'\0' * 28)),
        eth(IPv6(src=V6_MOD, dst=V6_PACS, nh=59)),
    ]
    write_pcap('decode-ipv6-ext.pcap', LT_ETHERNET, frames)
    for i, fr in enumerate(frames):
        corpus('ipv6-ext-%d' % i, LT_ETHERNET, [fr])

    # IGMPv3 report with Router Alert (RFC 2113); NOPs and EOL.
    opts = [IP(src=V4_MOD, dst='224.0.0.22', ttl=1, id=7, proto=2,
               options=[IPOption_Router_Alert()]) /
            Raw(b'\x22\0\0\0\0\0\0\0'),
            IP(src=V4_MOD, dst=V4_PACS, id=8,
               options=[IPOption_NOP(), IPOption_NOP(), IPOption_NOP(),
                        IPOption_EOL()]) / UDP(sport=7, dport=7)]
    frames = [eth(p) for p in opts]
    write_pcap('decode-ipv4-options.pcap', LT_ETHERNET, frames)
    corpus('ipv4-options', LT_ETHERNET, frames)


def ndp_capture():
    mcast = 'ff02::1:ff00:5'
    frames = [
        eth(IPv6(src=LL_MOD, dst='ff02::2', hlim=255) / ICMPv6ND_RS() /
            ICMPv6NDOptSrcLLAddr(lladdr=MAC_MOD),
            dst='33:33:00:00:00:02'),
        eth(IPv6(src=LL_RTR, dst='ff02::1', hlim=255) / ICMPv6ND_RA() /
            ICMPv6NDOptSrcLLAddr(lladdr=MAC_RTR) /
            ICMPv6NDOptPrefixInfo(prefix='2001:db8:20::', prefixlen=64),
            src=MAC_RTR, dst='33:33:00:00:00:01'),
        eth(IPv6(src=LL_MOD, dst=mcast, hlim=255) /
            ICMPv6ND_NS(tgt=V6_PACS) / ICMPv6NDOptSrcLLAddr(lladdr=MAC_MOD),
            dst='33:33:ff:00:00:05'),
        eth(IPv6(src=V6_PACS, dst=LL_MOD, hlim=255) /
            ICMPv6ND_NA(tgt=V6_PACS, R=0, S=1, O=1) /
            ICMPv6NDOptDstLLAddr(lladdr=MAC_PACS),
            src=MAC_PACS, dst=MAC_MOD),
        eth(IPv6(src=LL_RTR, dst=LL_MOD, hlim=255) /
            ICMPv6ND_Redirect(tgt=LL_RTR, dst=V6_PACS),
            src=MAC_RTR, dst=MAC_MOD),
    ]
    write_pcap('decode-ndp.pcap', LT_ETHERNET, frames)
    for i, fr in enumerate(frames):
        corpus('ndp-%d' % i, LT_ETHERNET, [fr])


def malformed_capture():
    """One frame per malformation kind the decode layer counts."""
    good = bytes(eth(IP(src=V4_MOD, dst=V4_PACS, id=20) /
                     UDP(sport=1, dport=2) / Raw(b'abcdefgh')))
    tcp = bytes(eth(IP(src=V4_MOD, dst=V4_PACS, id=21) /
                    TCP(sport=3, dport=4, flags='S')))

    def patch(b, off, new):
        return b[:off] + new + b[off + len(new):]

    v6 = bytes(eth(IPv6(src=V6_MOD, dst=V6_PACS) /
                   UDP(sport=5, dport=6) / Raw(b'x' * 8)))
    frames = [
        good[:13],                                  # eth.truncated
        patch(good, 14, b'\x55'),                   # ipv4.bad_version
        patch(good, 14, b'\x44'),                   # ipv4.bad_header_length
        patch(good, 16, b'\x00\x13'),               # ipv4.bad_total_length
        good[:14 + 30],                             # ipv4.truncated
        patch(bytes(eth(IP(src=V4_MOD, dst=V4_PACS, id=22,
                           options=[IPOption_NOP()] * 4) /
                        UDP(sport=1, dport=2))), 14 + 20,
              b'\x44\x10\x05\x00'),           # ipv4.bad_option
        patch(tcp, 14 + 20 + 12, b'\x40'),          # tcp.bad_data_offset
        patch(tcp, 14 + 20 + 12, b'\xf0'),          # tcp.bad_data_offset
        patch(good, 14 + 20 + 4, b'\x00\x07'),      # udp.bad_length
        patch(good, 14 + 20 + 4, b'\x00\x20'),      # udp.bad_length
        bytes(eth(IP(src=V4_MOD, dst=V4_PACS, id=23, proto=1) /
                  Raw(b'\x08\x00\x00'))),           # icmp.truncated
        patch(v6, 14, b'\x40'),                     # ipv6.bad_version
        v6[:14 + 40 + 4],                           # ipv6.truncated
        bytes(eth(IPv6(src=V6_MOD, dst=V6_PACS) / IPv6ExtHdrDestOpt() /
                  IPv6ExtHdrHopByHop() /
                  UDP(sport=5, dport=6))),          # ipv6 bad ext header
        bytes(eth(IPv6(src=V6_MOD, dst=V6_PACS) /
                  IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
                  IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
                  IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
                  IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
                  IPv6ExtHdrDestOpt() / UDP(sport=5, dport=6))),
        bytes(eth(IPv6(src=LL_MOD, dst='ff02::1:ff00:5', hlim=255) /
                  ICMPv6ND_NS(tgt=V6_PACS) /
                  Raw(b'\x01\x00' + b'\0' * 6))),   # ndp bad option
        bytes(Ether(src=MAC_MOD, dst=MAC_PACS) / Dot1AD(vlan=1) /
              Dot1Q(vlan=2) / Dot1Q(vlan=3) /
              IP(src=V4_MOD, dst=V4_PACS)),         # vlan.too_deep
        bytes(Ether(src=MAC_MOD, dst=MAC_PACS) /
              ARP(hwlen=8, plen=4) / Raw(b'\0' * 8)),  # arp.bad_sizes
        # Ping of death: the last fragment ends past 65535.
        bytes(eth(IP(src=V4_MOD, dst=V4_PACS, id=24, proto=1,
                     frag=8189) / Raw(b'\0' * 100))),
        # A fragment with more to come and a length not a multiple of 8.
        bytes(eth(IP(src=V4_MOD, dst=V4_PACS, id=25, proto=17,
                     flags='MF') / Raw(b'\0' * 12))),
        # Overlapping fragments with different bytes (RFC 5722).
        bytes(eth(IP(src=V4_MOD, dst=V4_PACS, id=26, proto=17,
                     flags='MF') / Raw(b'A' * 16))),
        bytes(eth(IP(src=V4_MOD, dst=V4_PACS, id=26, proto=17,
                     frag=1) / Raw(b'B' * 16))),
    ]
    write_pcap('decode-malformed.pcap', LT_ETHERNET, frames)
    for i, fr in enumerate(frames):
        corpus('malformed-%02d' % i, LT_ETHERNET, [fr])
    corpus('malformed-overlap', LT_ETHERNET, frames[-2:])


def snapped_capture():
    """Frames cut by a 64-byte snap length: not malformed."""
    big = eth(IP(src=V4_MOD, dst=V4_PACS, id=30) /
              TCP(sport=40007, dport=104, flags='PA') / Raw(b'D' * 400))
    udp = eth(IP(src=V4_MOD, dst=V4_PACS, id=31) /
              UDP(sport=41003, dport=2575) / Raw(b'H' * 300))
    v6 = eth(IPv6(src=V6_MOD, dst=V6_PACS) /
             TCP(sport=40008, dport=104, flags='PA') / Raw(b'D' * 400))
    frag = eth(IP(src=V4_MOD, dst=V4_PACS, id=32, proto=17, flags='MF') /
               Raw(b'F' * 400))
    frames = []
    for p in (big, udp, v6, frag):
        b = bytes(p)
        frames.append((b[:64], len(b)))
    b = bytes(big)
    frames.append((b[:34], len(b)))        # the IP header and no more
    write_pcap('decode-snapped.pcap', LT_ETHERNET, frames, snaplen=64)
    corpus('snapped', LT_ETHERNET, frames, snapped=True)


def main():
    link_captures()
    frag_captures()
    ipv6_ext_capture()
    ndp_capture()
    malformed_capture()
    snapped_capture()
    return 0


if __name__ == '__main__':
    sys.exit(main())
