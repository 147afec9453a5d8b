/*
 * proto.h - the dissector interface and the table of dissectors.
 *
 * A dissector is pure: bytes and a context in, observations out. It never
 * does I/O and keeps no globals. Datagram protocols implement datagram();
 * stream protocols implement stream() and get contiguous, in-order bytes
 * of one direction at a time, in pieces of any size (they keep their own
 * partial state in state_size bytes that the dispatcher allocates zeroed
 * and frees after end()). A dissector is chosen by a port hint and confirmed
 * by probe() on the first payload; protocols that also run on other ports
 * are found by probe() alone. A flow that another flow's dissector
 * announced (expect.h: an FTP data connection) gets the dissector named
 * in the announcement without probing, and its adopt() is given the
 * announcement's context.
 */
#ifndef WARD_PROTO_H
#define WARD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/cursor.h"
#include "ward/decode.h"
#include "ward/expect.h"
#include "ward/flow.h"
#include "ward/malform.h"
#include "ward/obs.h"

struct proto_ctx {
	struct obs_bus		*bus;
	struct malform_counts	*mal;
	const struct packet	*pkt;	/* the packet that carried the data */
	struct flow		*flow;	/* NULL for flowless datagrams */
	struct flow_table	*ft;	/* budget for state buffers, or NULL */
	int			 dir;	/* 0 initiator to responder */
	uint64_t		 ts;
	struct expect_table	*expect;	/* NULL: no flows announced */
};

#define PROTO_MAX_PORTS 8

struct dissector {
	const char	*name;
	uint8_t		 l4proto;	/* IPPROTO_TCP_ or IPPROTO_UDP_ */
	uint16_t	 ports[PROTO_MAX_PORTS];	/* hints, 0 ends */
	/* Content check; NULL means the port hint is enough. */
	bool		(*probe)(const uint8_t *, size_t, int dir);
	/* Without a port hint, may probe() alone pick this dissector? */
	bool		 probe_any_port;

	void		(*datagram)(struct proto_ctx *, struct cursor *);

	size_t		 state_size;
	void		(*stream)(struct proto_ctx *, void *state,
			    const uint8_t *, size_t);
	void		(*gap)(struct proto_ctx *, void *state);
	void		(*end)(struct proto_ctx *, void *state);
	/*
	 * The flow was announced with this context (at most EXPECT_CTX_MAX
	 * bytes); called once, on the zeroed state, before any data.
	 */
	void		(*adopt)(void *state, const uint8_t *ctx, size_t n);
};

extern const struct dissector dissector_dhcp;
extern const struct dissector dissector_dns;
extern const struct dissector dissector_mdns;
extern const struct dissector dissector_llmnr;
extern const struct dissector dissector_nbns;
extern const struct dissector dissector_hl7;
extern const struct dissector dissector_tls;
extern const struct dissector dissector_ssh;
extern const struct dissector dissector_dicom;
extern const struct dissector dissector_smb;
extern const struct dissector dissector_smb_any;
extern const struct dissector dissector_rdp;
extern const struct dissector dissector_ssdp;
extern const struct dissector dissector_modbus;
extern const struct dissector dissector_bacnet;
extern const struct dissector dissector_http;
extern const struct dissector dissector_dicomfile;
extern const struct dissector dissector_ftp_data;
extern const struct dissector dissector_telnet;
extern const struct dissector dissector_ftp;
extern const struct dissector dissector_smtp;
extern const struct dissector dissector_mysql;
extern const struct dissector dissector_pgsql;

extern const struct dissector dissector_mqtt;
extern const struct dissector dissector_mqtt_any;
extern const struct dissector dissector_coap;
/* Every dissector, NULL-terminated. */
extern const struct dissector *const proto_dissectors[];

/*
 * Helpers for dissectors: counts a malformation and emits a MALFORMED
 * observation, at most PROTO_MALFORMED_PER_FLOW of them per flow.
 */
#define PROTO_MALFORMED_PER_FLOW 16
void proto_malformed(struct proto_ctx *, enum malform, const char *proto,
    const char *what);
/* Fills the subject of o from the sender (dir) of the packet in ctx. */
void proto_subject_sender(struct proto_ctx *, struct observation *o);
/*
 * Announces an expected flow (expect.h): e's protocol, addresses, ports,
 * dissector and context; the VLAN is set to the current flow's and the
 * deadline to seconds after the packet's time. Nothing happens without a
 * table (ctx->expect NULL) or when the table refuses e.
 */
void proto_expect(struct proto_ctx *, struct expect *e, unsigned int seconds);

#endif
