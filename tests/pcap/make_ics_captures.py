#!/usr/bin/python3
"""Writes the captures of tests/pcap/ics_vs_tshark.sh: rdp.pcap, ssdp.pcap,
modbus.pcap and bacnet.pcap, crafted with scapy (no real peer of these
protocols is packaged in Debian 12 in a quickly usable form, except
pymodbus, whose messages are the same bytes as the ones below).

usage: make_ics_captures.py DIR
"""
import struct
import sys

from scapy.all import IP, TCP, UDP, Ether, wrpcap

CLI_MAC, SRV_MAC = "52:54:00:1c:00:05", "00:80:f4:12:34:56"
CLI, SRV = "10.20.0.5", "10.20.0.9"
T0 = 1767225600.0


def le16(v): return struct.pack("<H", v)
def le32(v): return struct.pack("<I", v)


class Tcp:
    """A TCP conversation with a handshake and in-order segments."""
    def __init__(self, sport, dport):
        self.sport, self.dport = sport, dport
        self.seq = [1000, 5000]
        self.pkts = []
        self.t = T0
        self._send(0, "S", b"")
        self._send(1, "SA", b"")
        self._send(0, "A", b"")

    def _send(self, d, flags, data):
        e = Ether(src=CLI_MAC, dst=SRV_MAC) if d == 0 else \
            Ether(src=SRV_MAC, dst=CLI_MAC)
        ip = IP(src=CLI, dst=SRV) if d == 0 else IP(src=SRV, dst=CLI)
        sp, dp = (self.sport, self.dport) if d == 0 else \
            (self.dport, self.sport)
        ack = self.seq[1 - d] if "A" in flags else 0
        p = e / ip / TCP(sport=sp, dport=dp, flags=flags, seq=self.seq[d],
                         ack=ack, window=65535) / data
        self.t += 0.001
        p.time = self.t
        self.pkts.append(p)
        self.seq[d] += len(data) + (1 if "S" in flags or "F" in flags
                                    else 0)

    def send(self, d, data, split=None):
        if split:
            self._send(d, "PA", data[:split])
            self._send(d, "PA", data[split:])
        else:
            self._send(d, "PA", data)


def tpkt_x224(code, v, dst=0, src=0):
    return (b"\x03\x00" + struct.pack(">H", 11 + len(v)) +
            bytes([6 + len(v), code]) + struct.pack(">HH", dst, src) +
            b"\x00" + v)


def rdp(path):
    pk = []
    # A client offering TLS, CredSSP and HYBRID_EX, accepted with CredSSP.
    c = Tcp(50001, 3389)
    c.send(0, tpkt_x224(0xe0, b"Cookie: mstshash=nurse01\r\n" +
                        b"\x01\x00" + le16(8) + le32(0x0b)), split=7)
    c.send(1, tpkt_x224(0xd0, b"\x02\x1f" + le16(8) + le32(2), src=0x1234))
    pk += c.pkts
    # Standard RDP security refused: the server wants CredSSP.
    c = Tcp(50002, 3389)
    c.send(0, tpkt_x224(0xe0, b"Cookie: mstshash=admin\r\n" +
                        b"\x01\x00" + le16(8) + le32(0)))
    c.send(1, tpkt_x224(0xd0, b"\x03\x00" + le16(8) + le32(5)))
    pk += c.pkts
    wrpcap(path, pk)


MSEARCH = (b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
           b"MAN: \"ssdp:discover\"\r\nMX: 2\r\nST: ssdp:all\r\n"
           b"USER-AGENT: Linux/6.1 UPnP/2.0 WardTest/1.0\r\n\r\n")
NOTIFY = (b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
          b"CACHE-CONTROL: max-age=1800\r\n"
          b"LOCATION: http://10.20.0.9:49152/desc.xml\r\n"
          b"NT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n"
          b"SERVER: Linux/3.10 UPnP/1.0 InfusionPump/2.1\r\n"
          b"USN: uuid:2f402f80-da50-11e1-9b23-00178806d4a5::upnp:rootdevice"
          b"\r\n\r\n")
ANSWER = (b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nEXT:\r\n"
          b"LOCATION: http://10.20.0.9:49152/desc.xml\r\n"
          b"SERVER: Linux/3.10 UPnP/1.0 InfusionPump/2.1\r\n"
          b"ST: upnp:rootdevice\r\n"
          b"USN: uuid:2f402f80-da50-11e1-9b23-00178806d4a5::upnp:rootdevice"
          b"\r\n\r\n")


def udp(src, dst, smac, dmac, sp, dp, data, t):
    p = Ether(src=smac, dst=dmac) / IP(src=src, dst=dst, ttl=4) / \
        UDP(sport=sp, dport=dp) / data
    p.time = T0 + t
    return p


def ssdp(path):
    mc, mmac = "239.255.255.250", "01:00:5e:7f:ff:fa"
    wrpcap(path, [
        udp(CLI, mc, CLI_MAC, mmac, 50100, 1900, MSEARCH, 0.1),
        udp(SRV, CLI, SRV_MAC, CLI_MAC, 1900, 50100, ANSWER, 0.2),
        udp(SRV, mc, SRV_MAC, mmac, 1900, 1900, NOTIFY, 0.3),
    ])


def mbap(tid, unit, pdu):
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu


def modbus(path):
    c = Tcp(50200, 502)
    c.send(0, mbap(1, 1, b"\x03\x00\x6b\x00\x03"))
    c.send(1, mbap(1, 1, b"\x03\x06\x02\x2b\x00\x00\x00\x64"))
    c.send(0, mbap(2, 1, b"\x06\x00\x01\x00\x03"))
    c.send(1, mbap(2, 1, b"\x86\x02"))
    c.send(0, mbap(3, 1, b"\x10\x00\x10\x00\x02\x04\x00\x0a\x01\x02"),
           split=5)
    c.send(1, mbap(3, 1, b"\x10\x00\x10\x00\x02"))
    c.send(0, mbap(4, 1, b"\x2b\x0e\x01\x00"))
    c.send(1, mbap(4, 1, b"\x2b\x0e\x01\x81\x00\x00\x03" +
                   b"\x00\x09MedVendor\x01\x06PUMP-7\x02\x05V2.11"))
    # Two requests in one segment.
    c.send(0, mbap(5, 1, b"\x01\x00\x00\x00\x10") +
           mbap(6, 1, b"\x04\x00\x00\x00\x02"))
    wrpcap(path, c.pkts)


def bvlc(func, npdu):
    return bytes([0x81, func]) + struct.pack(">H", 4 + len(npdu)) + npdu


def bacnet(path):
    bc, bmac = "10.20.0.255", "ff:ff:ff:ff:ff:ff"
    p = 47808
    wrpcap(path, [
        udp(CLI, bc, CLI_MAC, bmac, p, p, bvlc(0x0b,
            b"\x01\x20\xff\xff\x00\xff\x10\x08\x09\x64\x1a\x27\x10"), 0.1),
        udp(SRV, bc, SRV_MAC, bmac, p, p, bvlc(0x0b, b"\x01\x00"
            b"\x10\x00\xc4\x02\x00\x04\xd2\x22\x05\xc4\x91\x00\x21\x05"),
            0.2),
        udp(CLI, SRV, CLI_MAC, SRV_MAC, p, p, bvlc(0x0a,
            b"\x01\x04\x00\x05\x07\x0c\x0c\x02\x00\x04\xd2\x19\x46"), 0.3),
        udp(SRV, CLI, SRV_MAC, CLI_MAC, p, p, bvlc(0x0a, b"\x01\x00"
            b"\x30\x07\x0c\x0c\x02\x00\x04\xd2\x19\x46\x3e\x75\x0a\x00"
            b"AHU-Ctl 3\x3f"), 0.4),
        udp(SRV, CLI, SRV_MAC, CLI_MAC, p, p, bvlc(0x0a, b"\x01\x00"
            b"\x30\x08\x0c\x0c\x02\x00\x04\xd2\x19\x4d\x3e\x75\x0b\x00"
            b"Ward-Room1\x3f"), 0.5),
        # A Forwarded-NPDU from a BBMD: an I-Am of device 77, vendor 260.
        udp("10.20.0.1", bc, "52:54:00:1c:00:01", bmac, p, p, bvlc(0x04,
            b"\x0a\x14\x01\x07\xba\xc0" + b"\x01\x00\x10\x00\xc4\x02\x00"
            b"\x00\x4d\x22\x01\xe0\x91\x03\x22\x01\x04"), 0.6),
    ])


if __name__ == "__main__":
    d = sys.argv[1]
    rdp(d + "/rdp.pcap")
    ssdp(d + "/ssdp.pcap")
    modbus(d + "/modbus.pcap")
    bacnet(d + "/bacnet.pcap")
