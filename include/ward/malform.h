/*
 * malform.h - every kind of malformed input ward counts.
 *
 * A malformed packet or message is counted here and skipped; it is never
 * logged per packet (an attacker could flood the log) and never fatal. The
 * run summary, the EVE "stats" event and the store report these counters
 * under their names. A new parser adds its kinds to this list.
 */
#ifndef WARD_MALFORM_H
#define WARD_MALFORM_H

#include <stdint.h>

#define WARD_MALFORMS(X)                                                   \
	X(LINK_TRUNCATED, "link.truncated")                                \
	X(LINK_UNKNOWN, "link.unsupported_linktype")                       \
	X(RAW_BAD_VERSION, "link.raw_bad_ip_version")                      \
	X(ETH_TRUNCATED, "eth.truncated")                                  \
	X(VLAN_TRUNCATED, "vlan.truncated")                                \
	X(VLAN_TOO_DEEP, "vlan.too_deep")                                  \
	X(ARP_TRUNCATED, "arp.truncated")                                  \
	X(ARP_BAD_SIZES, "arp.bad_sizes")                                  \
	X(IPV4_TRUNCATED, "ipv4.truncated")                                \
	X(IPV4_BAD_VERSION, "ipv4.bad_version")                            \
	X(IPV4_BAD_IHL, "ipv4.bad_header_length")                          \
	X(IPV4_BAD_LENGTH, "ipv4.bad_total_length")                        \
	X(IPV4_BAD_OPTION, "ipv4.bad_option")                              \
	X(IPV6_TRUNCATED, "ipv6.truncated")                                \
	X(IPV6_BAD_VERSION, "ipv6.bad_version")                            \
	X(IPV6_BAD_LENGTH, "ipv6.bad_payload_length")                      \
	X(IPV6_BAD_EXT, "ipv6.bad_extension_header")                       \
	X(IPV6_TOO_MANY_EXT, "ipv6.too_many_extension_headers")            \
	X(FRAG_BAD_OFFSET, "frag.bad_offset")                              \
	X(FRAG_OVERLAP, "frag.overlap")                                    \
	X(FRAG_TOO_BIG, "frag.too_big")                                    \
	X(FRAG_MEMCAP, "frag.memcap_dropped")                              \
	X(FRAG_TIMEOUT, "frag.timeout")                                    \
	X(FRAG_TOO_MANY, "frag.too_many_fragments")                        \
	X(FRAG_DROPPED, "frag.of_dropped_datagram")                        \
	X(TCP_TRUNCATED, "tcp.truncated")                                  \
	X(TCP_BAD_OFFSET, "tcp.bad_data_offset")                           \
	X(UDP_TRUNCATED, "udp.truncated")                                  \
	X(UDP_BAD_LENGTH, "udp.bad_length")                                \
	X(ICMP_TRUNCATED, "icmp.truncated")                                \
	X(ICMP6_TRUNCATED, "icmpv6.truncated")                             \
	X(NDP_BAD_OPTION, "icmpv6.bad_ndp_option")                         \
	X(STREAM_GAP, "stream.gap")                                        \
	X(STREAM_CAP, "stream.cap_reached")                                \
	X(DHCP_TRUNCATED, "dhcp.truncated")                                \
	X(DHCP_BAD_MAGIC, "dhcp.bad_magic_cookie")                         \
	X(DHCP_BAD_OPTION, "dhcp.bad_option")                              \
	X(DHCP6_TRUNCATED, "dhcpv6.truncated")                             \
	X(DHCP6_BAD_OPTION, "dhcpv6.bad_option")                           \
	X(DNS_TRUNCATED, "dns.truncated")                                  \
	X(DNS_BAD_NAME, "dns.bad_name")                                    \
	X(DNS_BAD_RECORD, "dns.bad_record")                                \
	X(NBNS_TRUNCATED, "nbns.truncated")                                \
	X(NBNS_BAD_NAME, "nbns.bad_name")                                  \
	X(NBNS_BAD_RECORD, "nbns.bad_record")                              \
	X(NBDGM_TRUNCATED, "nbdgm.truncated")                              \
	X(NBDGM_BAD_FRAME, "nbdgm.bad_frame")                             \
	/* smb, rdp, ssdp, modbus, bacnet */                               \
	X(SMB_TRUNCATED, "smb.truncated")                                  \
	X(SMB_BAD_HEADER, "smb.bad_header")                                \
	X(SMB_BAD_FRAMING, "smb.bad_framing")                              \
	X(SMB_BAD_BLOB, "smb.bad_security_blob")                           \
	X(NTLMSSP_BAD, "ntlmssp.bad_message")                              \
	X(RDP_BAD_TPKT, "rdp.bad_tpkt")                                    \
	X(RDP_BAD_X224, "rdp.bad_x224")                                    \
	X(RDP_BAD_NEG, "rdp.bad_negotiation")                              \
	X(SSDP_BAD_START, "ssdp.bad_start_line")                           \
	X(SSDP_BAD_HEADER, "ssdp.bad_header")                              \
	X(MODBUS_BAD_MBAP, "modbus.bad_mbap")                              \
	X(MODBUS_BAD_PDU, "modbus.bad_pdu")                                \
	X(BACNET_BAD_BVLC, "bacnet.bad_bvlc")                              \
	X(BACNET_BAD_NPDU, "bacnet.bad_npdu")                              \
	X(BACNET_BAD_APDU, "bacnet.bad_apdu")                             \
	/* dicom */                                                        \
	X(DICOM_TRUNCATED_PDU, "dicom.truncated_pdu")                      \
	X(DICOM_BAD_PDU_TYPE, "dicom.bad_pdu_type")                        \
	X(DICOM_PDU_TOO_LONG, "dicom.pdu_too_long")                        \
	X(DICOM_BAD_ITEM, "dicom.bad_item")                                \
	X(DICOM_BAD_PDV, "dicom.bad_pdv")                                  \
	X(DICOM_BAD_COMMAND, "dicom.bad_command")                          \
	X(DICOM_BAD_ELEMENT, "dicom.bad_element")                          \
	/* mqtt, coap */                                                   \
	X(MQTT_BAD_REMAINING_LENGTH, "mqtt.bad_remaining_length")          \
	X(MQTT_BAD_FLAGS, "mqtt.bad_flags")                                \
	X(MQTT_BAD_PACKET, "mqtt.bad_packet")                              \
	X(MQTT_BAD_PROPERTY, "mqtt.bad_property")                          \
	X(MQTT_PACKET_TOO_LONG, "mqtt.packet_too_long")                    \
	X(COAP_TRUNCATED, "coap.truncated")                                \
	X(COAP_BAD_HEADER, "coap.bad_header")                              \
	X(COAP_BAD_OPTION, "coap.bad_option")                              \
	/* tls, ssh */                                                     \
	X(TLS_BAD_RECORD, "tls.bad_record")                                \
	X(TLS_BAD_HANDSHAKE, "tls.bad_handshake")                          \
	X(TLS_MESSAGE_TOO_LONG, "tls.message_too_long")                    \
	X(TLS_BAD_CERTIFICATE, "tls.bad_certificate")                      \
	X(SSH_BAD_BANNER, "ssh.bad_banner")                                \
	X(SSH_BAD_PACKET, "ssh.bad_packet")                                \
	X(SSH_BAD_KEXINIT, "ssh.bad_kexinit")                              \
	/* hl7 */                                                          \
	X(HL7_BAD_FRAMING, "hl7.bad_framing")                              \
	X(HL7_FRAME_TOO_LONG, "hl7.frame_too_long")                        \
	X(HL7_BAD_MSH, "hl7.bad_msh")                                      \
	X(HL7_BAD_SEGMENT, "hl7.bad_segment")                              \
	X(HL7_LF_SEPARATOR, "hl7.lf_segment_separator")                   \
	/* http, banners */                                                \
	X(HTTP_BAD_REQUEST_LINE, "http.bad_request_line")                  \
	X(HTTP_BAD_STATUS_LINE, "http.bad_status_line")                    \
	X(HTTP_BAD_HEADER, "http.bad_header")                              \
	X(HTTP_HEADER_TOO_LONG, "http.header_too_long")                    \
	X(HTTP_BAD_CONTENT_LENGTH, "http.bad_content_length")              \
	X(HTTP_BAD_CHUNK, "http.bad_chunk")                                \
	X(HTTP_BAD_AUTH, "http.bad_auth")                                  \
	X(DICOMFILE_BAD_META, "dicom_file.bad_meta")                       \
	X(TELNET_BAD_OPTION, "telnet.bad_option")                          \
	X(FTP_BAD_LINE, "ftp.bad_line")                                    \
	X(FTP_BAD_ADDRESS, "ftp.bad_address")                              \
	X(SMTP_BAD_LINE, "smtp.bad_line")                                  \
	X(SMTP_BAD_AUTH, "smtp.bad_auth")                                  \
	X(MYSQL_BAD_PACKET, "mysql.bad_packet")                            \
	X(PGSQL_BAD_MESSAGE, "pgsql.bad_message")

enum malform {
#define X(id, name) MAL_##id,
	WARD_MALFORMS(X)
#undef X
	MAL_COUNT
};

/* The dotted name of a kind ("ipv4.bad_header_length"). */
const char *malform_name(enum malform);

struct malform_counts {
	uint64_t n[MAL_COUNT];
};

static inline void
malform_count(struct malform_counts *m, enum malform k)
{
	m->n[k]++;
}

uint64_t malform_total(const struct malform_counts *);

#endif
