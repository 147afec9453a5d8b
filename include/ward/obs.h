/*
 * obs.h - observations: the one currency between the dissectors and
 * everything after them.
 *
 * An observation is a tagged record: what was seen (kind), when, on which
 * flow, about which device (the subject's MAC and/or IP), and a list of
 * named, typed fields. Producers fill one on the stack and emit it on the
 * bus; every consumer subscribed to that kind is called in turn. The record
 * is self-contained: strings are copied into its scratch space (made
 * printable on the way in), so it never points at packet memory, but it
 * lives only for the duration of obs_emit(): a consumer copies what it keeps.
 */
#ifndef WARD_OBS_H
#define WARD_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/addr.h"

#define WARD_OBS_KINDS(X)                                                  \
	X(ARP, "arp")			/* an ARP sender's MAC/IP binding */   \
	X(NDP, "ndp")			/* an IPv6 NDP MAC/IP binding */       \
	X(DHCP, "dhcp")			/* a DHCPv4 message */                 \
	X(DNS, "dns")			/* a DNS answer record */              \
	X(MDNS, "mdns")			/* an mDNS record */                   \
	X(LLMNR, "llmnr")		/* an LLMNR record */                  \
	X(NBNS, "nbns")			/* a NetBIOS name */                   \
	X(FLOW_NEW, "flow_new")		/* first packet of a flow */           \
	X(SERVICE, "service")		/* a port that accepted a connection */\
	X(FLOW, "flow")			/* flow record at its end */           \
	X(MALFORMED, "malformed")	/* malformed application data */       \
	X(DICOM, "dicom")		/* DICOM association, PDU, DIMSE */    \
	X(DICOM_FILE, "dicom_file")	/* a DICOM Part 10 file in transit */  \
	X(HL7, "hl7")			/* an HL7 v2 message over MLLP */      \
	X(MQTT, "mqtt")			/* an MQTT control packet */           \
	X(COAP, "coap")			/* a CoAP message */                   \
	X(TLS, "tls")			/* a TLS handshake message */          \
	X(HTTP, "http")			/* an HTTP/1.x request or response */  \
	X(SSH, "ssh")			/* SSH banner, KEXINIT (HASSH) */      \
	X(BANNER, "banner")		/* Telnet/FTP/SMTP/MySQL/PgSQL hello */\
	X(SMB, "smb")			/* SMB2 negotiate, NTLMSSP names */    \
	X(RDP, "rdp")			/* RDP connection request cookie */    \
	X(SSDP, "ssdp")			/* SSDP announcement or answer */      \
	X(MODBUS, "modbus")		/* Modbus/TCP request or response */   \
	X(BACNET, "bacnet")		/* BACnet/IP message */                \
	X(CREDENTIAL, "credential")	/* a credential crossed in clear */    \
	X(PHI, "phi")			/* patient data crossed in clear */

enum obs_kind {
#define X(id, name) OBS_##id,
	WARD_OBS_KINDS(X)
#undef X
	OBS_KIND_COUNT
};

_Static_assert(OBS_KIND_COUNT <= 32, "observation kinds must fit a mask");

#define OBS_MASK(k) (1U << (k))
#define OBS_MASK_ALL ((1U << OBS_KIND_COUNT) - 1)

const char *obs_kind_name(enum obs_kind);

enum obs_vtype {
	OV_STR,		/* printable text (see obs_str) */
	OV_U64,
	OV_BOOL,
	OV_ADDR,
	OV_MAC,
	OV_LIST,	/* list of small integers, e.g. DHCP option 55 */
	OV_HEX,		/* binary shown as lowercase hex */
};

struct obs_field {
	const char		*key;		/* static string */
	enum obs_vtype		 type;
	union {
		struct {
			const char *s;		/* in the scratch, NUL-ended */
			size_t	 len;
		} str;
		uint64_t	 u;
		bool		 b;
		struct ward_addr addr;
		uint8_t		 mac[6];
		struct {
			const uint8_t *v;	/* in the scratch */
			size_t	 n;
		} list;
	} v;
};

#define OBS_MAX_FIELDS 32
#define OBS_SCRATCH 4096

struct flow;

struct observation {
	enum obs_kind		 kind;
	uint64_t		 ts;		/* microseconds since the epoch */
	const struct flow	*flow;		/* NULL when not flow-bound */
	/* The device the observation is about. */
	bool			 has_mac;
	uint8_t			 mac[6];
	struct ward_addr	 ip;		/* family 0 when unknown */
	uint16_t		 vlan;

	size_t			 nfields;
	struct obs_field	 f[OBS_MAX_FIELDS];
	size_t			 used;
	uint8_t			 scratch[OBS_SCRATCH];
};

void obs_init(struct observation *, enum obs_kind, uint64_t ts);
void obs_subject(struct observation *, const uint8_t *mac,
    const struct ward_addr *ip);

/*
 * The adders return 0, or -1 when the record has no room left for the field
 * (the field is then dropped). obs_str copies at most len bytes, stops at a
 * NUL, and escapes every byte that is not printable ASCII as \xHH so text
 * from the wire is always safe to print, log or put in JSON.
 */
int obs_str(struct observation *, const char *key, const void *s, size_t len);
int obs_cstr(struct observation *, const char *key, const char *s);
int obs_u64(struct observation *, const char *key, uint64_t);
int obs_bool(struct observation *, const char *key, bool);
int obs_addr(struct observation *, const char *key, const struct ward_addr *);
int obs_mac(struct observation *, const char *key, const uint8_t mac[6]);
int obs_list(struct observation *, const char *key, const uint8_t *v,
    size_t n);
int obs_hex(struct observation *, const char *key, const void *v, size_t n);

/* The first field named key, or NULL. */
const struct obs_field *obs_get(const struct observation *, const char *key);
/* The string value of key, or NULL if absent or not a string. */
const char *obs_get_str(const struct observation *, const char *key);
/* Formats a list as "1,3,6,15" into buf; returns buf. */
const char *obs_list_fmt(const struct obs_field *, char *buf, size_t len);

/* The bus. Consumers run in subscription order, synchronously. */
typedef void (*obs_fn)(const struct observation *, void *arg);

struct obs_bus;

struct obs_bus *obs_bus_new(void);
void obs_bus_free(struct obs_bus *);
int obs_subscribe(struct obs_bus *, uint32_t kind_mask, obs_fn, void *arg);
void obs_emit(struct obs_bus *, const struct observation *);
uint64_t obs_bus_count(const struct obs_bus *, enum obs_kind);

#endif
