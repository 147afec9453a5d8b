#!/usr/bin/python3
"""Builds the application-protocol captures used to check the dissectors.

Writes tests/pcap/dhcp.pcap, dns.pcap, mdns.pcap and nbns.pcap (Ethernet,
deterministic timestamps) and, with --seeds, one fuzz seed per UDP or TCP
payload into tests/fuzz/corpus/<target>/ (the first byte selects the
dissector as the fuzz targets expect).

Run with Debian's python3 and python3-scapy:
    /usr/bin/python3 tests/pcap/make_proto_captures.py [--seeds]
"""
import os
import struct
import sys

from scapy.all import (BOOTP, DHCP, DNS, DNSQR, DNSRR, DNSRRSRV, DNSRROPT,
                       IP, IPv6, TCP, UDP, Ether, Raw, wrpcap)
from scapy.layers.dhcp6 import (DHCP6_Advertise, DHCP6_RelayForward,
                                DHCP6_Reply, DHCP6_Request, DHCP6_Solicit,
                                DHCP6OptClientFQDN, DHCP6OptClientId,
                                DHCP6OptElapsedTime, DHCP6OptIA_NA,
                                DHCP6OptIAAddress, DHCP6OptOptReq,
                                DHCP6OptRelayMsg, DHCP6OptServerId,
                                DHCP6OptVendorClass, DUID_LL, DUID_LLT,
                                VENDOR_CLASS_DATA)

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, '..', 'fuzz', 'corpus')

CLIENT_MAC = '00:11:22:33:44:55'
SERVER_MAC = '66:77:88:99:aa:bb'
PRINTER_MAC = '00:1b:78:12:34:56'
BCAST = 'ff:ff:ff:ff:ff:ff'
T0 = 1700000000.0


def stamp(pkts):
    for i, p in enumerate(pkts):
        p.time = T0 + i * 0.001
    return pkts


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(':'))


# DHCPv4 (RFC 2131/2132) and DHCPv6 (RFC 8415).
def dhcp_packets():
    ch = mac_bytes(CLIENT_MAC)
    prl = [1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252]
    cid = b'\x01' + ch
    fqdn = b'\x05\x00\x00' + b'\x06ws-042\x08hospital\x05local\x00'
    out = []
    l2c = Ether(src=CLIENT_MAC, dst=BCAST)
    l2s = Ether(src=SERVER_MAC, dst=CLIENT_MAC)
    out.append(l2c / IP(src='0.0.0.0', dst='255.255.255.255') /
               UDP(sport=68, dport=67) /
               BOOTP(op=1, chaddr=ch, xid=0xdeadbeef, flags=0x8000) /
               DHCP(options=[('message-type', 'discover'),
                             ('client_id', cid), ('hostname', b'WS-042'),
                             ('vendor_class_id', b'MSFT 5.0'),
                             ('param_req_list', prl),
                             ('max_dhcp_size', 1500), 'end']))
    offer_opts = [('server_id', '10.0.0.1'), ('lease_time', 86400),
                  ('subnet_mask', '255.255.255.0'),
                  (3, bytes([10, 0, 0, 1, 10, 0, 0, 254])),
                  ('name_server', '10.0.0.2'),
                  ('domain', b'hospital.local')]
    out.append(l2s / IP(src='10.0.0.1', dst='10.0.0.50') /
               UDP(sport=67, dport=68) /
               BOOTP(op=2, chaddr=ch, xid=0xdeadbeef, yiaddr='10.0.0.50',
                     siaddr='10.0.0.1') /
               DHCP(options=[('message-type', 'offer')] + offer_opts +
                    ['end']))
    out.append(l2c / IP(src='0.0.0.0', dst='255.255.255.255') /
               UDP(sport=68, dport=67) /
               BOOTP(op=1, chaddr=ch, xid=0xdeadbeef, flags=0x8000) /
               DHCP(options=[('message-type', 'request'),
                             ('client_id', cid),
                             ('requested_addr', '10.0.0.50'),
                             ('server_id', '10.0.0.1'),
                             (81, fqdn), ('param_req_list', prl), 'end']))
    out.append(l2s / IP(src='10.0.0.1', dst='10.0.0.50') /
               UDP(sport=67, dport=68) /
               BOOTP(op=2, chaddr=ch, xid=0xdeadbeef, yiaddr='10.0.0.50',
                     siaddr='10.0.0.1') /
               DHCP(options=[('message-type', 'ack')] + offer_opts +
                    [(81, b'\x03\xff\xff'), 'end']))
    # INFORM from a configured host through a relay.
    out.append(Ether(src='00:00:5e:00:01:01', dst=SERVER_MAC) /
               IP(src='10.9.0.1', dst='10.0.0.1') / UDP(sport=67, dport=67) /
               BOOTP(op=1, chaddr=mac_bytes(PRINTER_MAC), xid=0x1234,
                     ciaddr='10.9.0.77', giaddr='10.9.0.1', hops=1) /
               DHCP(options=[('message-type', 'inform'),
                             ('vendor_class_id', b'Hewlett-Packard JetDirect'),
                             ('param_req_list', [1, 3, 6, 12, 15, 44]),
                             'end']))
    # Option overload (52 = 3): hostname in file, vendor class in sname.
    sname = b'\x3c\x05Cisco\xff'.ljust(64, b'\x00')
    file_ = b'\x0c\x08ip-phone\xff'.ljust(128, b'\x00')
    out.append(Ether(src='00:1e:13:aa:bb:cc', dst=BCAST) /
               IP(src='0.0.0.0', dst='255.255.255.255') /
               UDP(sport=68, dport=67) /
               BOOTP(op=1, chaddr=mac_bytes('00:1e:13:aa:bb:cc'), xid=77,
                     sname=sname, file=file_) /
               DHCP(options=[('message-type', 'discover'),
                             (52, b'\x03'), 'end']))
    # DHCPv6.
    llt = DUID_LLT(lladdr=CLIENT_MAC, timeval=0x2a2b2c2d)
    c6 = 'fe80::211:22ff:fe33:4455'
    s6 = 'fe80::6477:88ff:fe99:aabb'
    l26c = Ether(src=CLIENT_MAC, dst='33:33:00:01:00:02')
    vc = DHCP6OptVendorClass(enterprisenum=311,
                             vcdata=[VENDOR_CLASS_DATA(data=b'MSFT 5.0')])
    fq6 = DHCP6OptClientFQDN(flags=1, fqdn='ws-042.hospital.local.')
    out.append(l26c / IPv6(src=c6, dst='ff02::1:2') /
               UDP(sport=546, dport=547) /
               DHCP6_Solicit(trid=0x123456) / DHCP6OptClientId(duid=llt) /
               DHCP6OptOptReq(reqopts=[23, 24, 39, 17]) /
               DHCP6OptElapsedTime() / DHCP6OptIA_NA(iaid=1) / fq6 / vc)
    srv = DHCP6OptServerId(duid=DUID_LL(lladdr=SERVER_MAC))
    iana = DHCP6OptIA_NA(iaid=1, T1=3600, T2=5400, ianaopts=[
        DHCP6OptIAAddress(addr='2001:db8::50', preflft=7200,
                          validlft=7500)])
    out.append(Ether(src=SERVER_MAC, dst=CLIENT_MAC) /
               IPv6(src=s6, dst=c6) / UDP(sport=547, dport=546) /
               DHCP6_Advertise(trid=0x123456) / DHCP6OptClientId(duid=llt) /
               srv / iana)
    out.append(l26c / IPv6(src=c6, dst='ff02::1:2') /
               UDP(sport=546, dport=547) /
               DHCP6_Request(trid=0x654321) / DHCP6OptClientId(duid=llt) /
               srv / iana / fq6 / vc)
    out.append(Ether(src=SERVER_MAC, dst=CLIENT_MAC) /
               IPv6(src=s6, dst=c6) / UDP(sport=547, dport=546) /
               DHCP6_Reply(trid=0x654321) / DHCP6OptClientId(duid=llt) /
               srv / iana)
    inner = DHCP6_Solicit(trid=0x777777) / DHCP6OptClientId(
        duid=DUID_LL(lladdr=PRINTER_MAC)) / DHCP6OptElapsedTime()
    out.append(Ether(src='00:00:5e:00:01:01', dst=SERVER_MAC) /
               IPv6(src='2001:db8:9::1', dst='2001:db8::2') /
               UDP(sport=547, dport=547) /
               DHCP6_RelayForward(hopcount=0, linkaddr='2001:db8:9::1',
                                  peeraddr='fe80::21b:78ff:fe12:3456') /
               DHCP6OptRelayMsg(message=inner))
    return stamp(out)


def dns_packets():
    out = []
    c, s = '10.0.0.50', '10.0.0.2'
    l2q = Ether(src=CLIENT_MAC, dst=SERVER_MAC)
    l2r = Ether(src=SERVER_MAC, dst=CLIENT_MAC)
    out.append(l2q / IP(src=c, dst=s) / UDP(sport=40000, dport=53) /
               DNS(id=0x1234, rd=1, qd=DNSQR(qname='www.example.com')))
    out.append(l2r / IP(src=s, dst=c) / UDP(sport=53, dport=40000) /
               DNS(id=0x1234, qr=1, rd=1, ra=1,
                   qd=DNSQR(qname='www.example.com'),
                   an=DNSRR(rrname='www.example.com', type='CNAME', ttl=300,
                            rdata='web.example.com') /
                   DNSRR(rrname='web.example.com', type='A', ttl=60,
                         rdata='93.184.216.34') /
                   DNSRR(rrname='web.example.com', type='AAAA', ttl=60,
                         rdata='2606:2800:220:1::248'),
                   ar=DNSRROPT(rclass=1232)))
    out.append(l2q / IP(src=c, dst=s) / UDP(sport=40001, dport=53) /
               DNS(id=0x2222, rd=1, qd=DNSQR(qname='nosuch.hospital.local',
                                             qtype='AAAA')))
    out.append(l2r / IP(src=s, dst=c) / UDP(sport=53, dport=40001) /
               DNS(id=0x2222, qr=1, rd=1, ra=1, rcode=3,
                   qd=DNSQR(qname='nosuch.hospital.local', qtype='AAAA')))
    out.append(l2r / IP(src=s, dst=c) / UDP(sport=53, dport=40002) /
               DNS(id=0x3333, qr=1, rd=1, ra=1,
                   qd=DNSQR(qname='50.0.0.10.in-addr.arpa', qtype='PTR'),
                   an=DNSRR(rrname='50.0.0.10.in-addr.arpa', type='PTR',
                            ttl=3600, rdata='ws-042.hospital.local')))
    out.append(l2r / IP(src=s, dst=c) / UDP(sport=53, dport=40003) /
               DNS(id=0x4444, qr=1, rd=1, ra=1,
                   qd=DNSQR(qname='_ldap._tcp.hospital.local', qtype='SRV'),
                   an=DNSRRSRV(rrname='_ldap._tcp.hospital.local', ttl=600,
                               priority=0, weight=100, port=389,
                               target='dc1.hospital.local'),
                   ar=DNSRR(rrname='dc1.hospital.local', type='A', ttl=600,
                            rdata='10.0.0.3')))
    out.append(l2r / IP(src=s, dst=c) / UDP(sport=53, dport=40004) /
               DNS(id=0x5555, qr=1, rd=1, ra=1,
                   qd=DNSQR(qname='hospital.local', qtype='MX'),
                   an=DNSRR(rrname='hospital.local', type='MX', ttl=600,
                        rdata=b'\x00\x0a\x04mail\x08hospital\x05local\x00') /
                   DNSRR(rrname='hospital.local', type='TXT', ttl=600,
                         rdata=[b'v=spf1 mx -all', b'second'])))
    # TCP: handshake, one query and its response, each with its length.
    q = bytes(DNS(id=0x6666, rd=1, qd=DNSQR(qname='big.example.com',
                                            qtype='TXT')))
    r = bytes(DNS(id=0x6666, qr=1, rd=1, ra=1,
                  qd=DNSQR(qname='big.example.com', qtype='TXT'),
                  an=DNSRR(rrname='big.example.com', type='TXT', ttl=5,
                           rdata=[b'x' * 200, b'y' * 200])))
    ip_q, ip_r = IP(src=c, dst=s), IP(src=s, dst=c)
    cs, ss = 1000, 5000
    out.append(l2q / ip_q / TCP(sport=40010, dport=53, flags='S', seq=cs))
    out.append(l2r / ip_r / TCP(sport=53, dport=40010, flags='SA', seq=ss,
                                ack=cs + 1))
    out.append(l2q / ip_q / TCP(sport=40010, dport=53, flags='A',
                                seq=cs + 1, ack=ss + 1))
    qd = struct.pack('>H', len(q)) + q
    out.append(l2q / ip_q / TCP(sport=40010, dport=53, flags='PA',
                                seq=cs + 1, ack=ss + 1) / Raw(qd))
    rd = struct.pack('>H', len(r)) + r
    out.append(l2r / ip_r / TCP(sport=53, dport=40010, flags='PA',
                                seq=ss + 1, ack=cs + 1 + len(qd)) /
               Raw(rd[:100]))
    out.append(l2r / ip_r / TCP(sport=53, dport=40010, flags='PA',
                                seq=ss + 101, ack=cs + 1 + len(qd)) /
               Raw(rd[100:]))
    out.append(l2q / ip_q / TCP(sport=40010, dport=53, flags='FA',
                                seq=cs + 1 + len(qd), ack=ss + 1 + len(rd)))
    out.append(l2r / ip_r / TCP(sport=53, dport=40010, flags='FA',
                                seq=ss + 1 + len(rd), ack=cs + 2 + len(qd)))
    out.append(l2q / ip_q / TCP(sport=40010, dport=53, flags='A',
                                seq=cs + 2 + len(qd), ack=ss + 2 + len(rd)))
    return stamp(out)


def mdns_packets():
    out = []
    p4 = '192.168.1.5'
    p6 = 'fe80::21b:78ff:fe12:3456'
    l2 = Ether(src=PRINTER_MAC, dst='01:00:5e:00:00:fb')
    ans = (DNSRR(rrname='printer.local', type='A', rclass=0x8001, ttl=120,
                 rdata=p4) /
           DNSRR(rrname='printer.local', type='AAAA', rclass=0x8001,
                 ttl=120, rdata=p6) /
           DNSRR(rrname='5.1.168.192.in-addr.arpa', type='PTR',
                 rclass=0x8001, ttl=120, rdata='printer.local') /
           DNSRR(rrname='_ipp._tcp.local', type='PTR', ttl=4500,
                 rdata='Office._ipp._tcp.local') /
           DNSRRSRV(rrname='Office._ipp._tcp.local', rclass=0x8001,
                    ttl=120, port=631, target='printer.local'))
    add = DNSRR(rrname='Office._ipp._tcp.local', type='TXT', rclass=0x8001,
                ttl=4500, rdata=[b'txtvers=1', b'ty=HP LaserJet 4250',
                                 b'product=(HP LaserJet 4250)'])
    out.append(l2 / IP(src=p4, dst='224.0.0.251', ttl=255) /
               UDP(sport=5353, dport=5353) /
               DNS(id=0, qr=1, aa=1, qd=None, an=ans, ar=add))
    out.append(Ether(src=CLIENT_MAC, dst='01:00:5e:00:00:fb') /
               IP(src='192.168.1.9', dst='224.0.0.251', ttl=255) /
               UDP(sport=5353, dport=5353) /
               DNS(id=0, qd=DNSQR(qname='_ipp._tcp.local', qtype='PTR',
                                  qclass=0x8001) /
                   DNSQR(qname='_ssh._tcp.local', qtype='PTR')))
    # LLMNR (RFC 4795): a query to the group, a unicast answer.
    out.append(Ether(src=CLIENT_MAC, dst='01:00:5e:00:00:fc') /
               IP(src='10.1.2.50', dst='224.0.0.252', ttl=1) /
               UDP(sport=51000, dport=5355) /
               DNS(id=0xbeef, qd=DNSQR(qname='WS-042')))
    out.append(Ether(src=SERVER_MAC, dst=CLIENT_MAC) /
               IP(src='10.1.2.3', dst='10.1.2.50') /
               UDP(sport=5355, dport=51000) /
               DNS(id=0xbeef, qr=1, qd=DNSQR(qname='WS-042'),
                   an=DNSRR(rrname='WS-042', type='A', ttl=30,
                            rdata='10.1.2.3')))
    return stamp(out)


def nb_encode(name, suffix):
    raw = name.encode().ljust(15, b' ')[:15] + bytes([suffix])
    enc = bytes(b for c in raw for b in (0x41 + (c >> 4), 0x41 + (c & 15)))
    return b'\x20' + enc + b'\x00'


def nbns_msg(trn, flags, qd=b'', an=b'', ar=b'', counts=(0, 0, 0, 0)):
    return struct.pack('>HHHHHH', trn, flags, *counts) + qd + an + ar


def nbns_packets():
    out = []
    ws, srv = '10.0.0.50', '10.0.0.5'
    l2b = Ether(src=CLIENT_MAC, dst=BCAST)
    q = nb_encode('FILESRV', 0x20) + b'\x00\x20\x00\x01'
    out.append(l2b / IP(src=ws, dst='10.0.0.255') /
               UDP(sport=137, dport=137) /
               Raw(nbns_msg(0x1001, 0x0110, qd=q, counts=(1, 0, 0, 0))))
    an = (nb_encode('FILESRV', 0x20) + b'\x00\x20\x00\x01' +
          struct.pack('>IH', 300000, 6) + b'\x00\x00' + bytes([10, 0, 0, 5]))
    out.append(Ether(src=SERVER_MAC, dst=CLIENT_MAC) /
               IP(src=srv, dst=ws) / UDP(sport=137, dport=137) /
               Raw(nbns_msg(0x1001, 0x8500, an=an, counts=(0, 1, 0, 0))))
    # Registration of a group name.
    q = nb_encode('HOSPITAL', 0x1e) + b'\x00\x20\x00\x01'
    ar = (b'\xc0\x0c\x00\x20\x00\x01' + struct.pack('>IH', 300000, 6) +
          b'\x80\x00' + bytes([10, 0, 0, 50]))
    out.append(l2b / IP(src=ws, dst='10.0.0.255') /
               UDP(sport=137, dport=137) /
               Raw(nbns_msg(0x1002, 0x2910, qd=q, ar=ar,
                            counts=(1, 0, 0, 1))))
    # Node status request and response.
    star = b'\x20' + b'CK' + b'AA' * 15 + b'\x00'
    out.append(Ether(src=CLIENT_MAC, dst=SERVER_MAC) /
               IP(src=ws, dst=srv) / UDP(sport=137, dport=137) /
               Raw(nbns_msg(0x1003, 0x0000, qd=star + b'\x00\x21\x00\x01',
                            counts=(1, 0, 0, 0))))
    names = [('FILESRV', 0x00, 0x0400), ('HOSPITAL', 0x00, 0x8400),
             ('FILESRV', 0x20, 0x0400)]
    rd = bytes([len(names)])
    for n, sfx, fl in names:
        rd += n.encode().ljust(15, b' ') + bytes([sfx]) + struct.pack('>H', fl)
    rd += mac_bytes(SERVER_MAC) + bytes(40)
    an = star + b'\x00\x21\x00\x01' + struct.pack('>IH', 0, len(rd)) + rd
    out.append(Ether(src=SERVER_MAC, dst=CLIENT_MAC) /
               IP(src=srv, dst=ws) / UDP(sport=137, dport=137) /
               Raw(nbns_msg(0x1003, 0x8400, an=an, counts=(0, 1, 0, 0))))
    out.append(Ether(src=SERVER_MAC, dst=BCAST) /
               IP(src=srv, dst='10.0.0.255') / UDP(sport=138, dport=138) /
               Raw(host_announcement('FILESRV', srv, 'HOSPITAL')))
    return stamp(out)


def host_announcement(name, ip, workgroup):
    """A NetBIOS datagram carrying a browser Host Announcement."""
    data = (b'\x01\x00' + struct.pack('<I', 720000) +
            name.encode().ljust(16, b'\x00') + b'\x0a\x00' +
            struct.pack('<I', 0x00011003) + b'\x0f\x01\x55\xaa' +
            b'File server\x00')
    slot = b'\\MAILSLOT\\BROWSE\x00'
    smb_hdr = b'\xffSMB\x25' + bytes(27)
    data_off = 32 + 1 + 34 + 2 + len(slot)
    words = struct.pack('<HHHHBBHIHHHHHBB', 0, len(data), 0, 0, 0, 0, 0, 0,
                        0, 0, data_off, len(data), data_off, 3, 0)
    words += struct.pack('<HHH', 1, 1, 2)
    smb = (smb_hdr + bytes([17]) + words +
           struct.pack('<H', len(slot) + len(data)) + slot + data)
    body = nb_encode(name, 0x00) + nb_encode(workgroup, 0x1d) + smb
    a = bytes(int(x) for x in ip.split('.'))
    return (struct.pack('>BBH', 0x11, 0x02, 0x4321) + a +
            struct.pack('>HHH', 138, len(body), 0) + body)


def l4_payload(p):
    if UDP in p:
        return bytes(p[UDP].payload), p[UDP].sport, p[UDP].dport
    if TCP in p:
        return bytes(p[TCP].payload), p[TCP].sport, p[TCP].dport
    return b'', 0, 0


def seed_selector(target, sport, dport, tcp):
    ports = (sport, dport)
    if target == 'dhcp':
        return 1 if 546 in ports or 547 in ports else 0
    if target == 'nbns':
        return 1 if 138 in ports else 0
    if tcp:
        return 3 | (0x1f << 3)	# TCP path, 32-byte pieces
    if 5353 in ports:
        return 1
    if 5355 in ports:
        return 2
    return 0


def write_seeds(target, pkts):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    for i, p in enumerate(pkts):
        data, sport, dport = l4_payload(p)
        if not data:
            continue
        sel = seed_selector(target, sport, dport, TCP in p)
        with open(os.path.join(d, 'seed-%s-%02d' % (target, i)), 'wb') as f:
            f.write(bytes([sel]) + data)


def main():
    caps = {
        'dhcp': dhcp_packets(),
        'dns': dns_packets(),
        'mdns': mdns_packets(),
        'nbns': nbns_packets(),
    }
    for name, pkts in caps.items():
        wrpcap(os.path.join(HERE, name + '.pcap'), pkts)
    if '--seeds' in sys.argv[1:]:
        write_seeds('dhcp', caps['dhcp'])
        write_seeds('dns', caps['dns'] + caps['mdns'])
        write_seeds('nbns', caps['nbns'])


if __name__ == '__main__':
    main()
