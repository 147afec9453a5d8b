/*
 * proto.c - the table of dissectors and the helpers they share.
 */
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

/*
 * Every dissector. The dispatcher tries port hints first, in this order, so
 * the more specific protocols come before the generic ones.
 */
const struct dissector *const proto_dissectors[] = {
	&dissector_dhcp,
	&dissector_dhcpv6,
	&dissector_dns,
	&dissector_dns_tcp,
	&dissector_mdns,
	&dissector_llmnr,
	&dissector_llmnr_tcp,
	&dissector_nbns,
	&dissector_nbdgm,
	&dissector_tls,
	&dissector_ssh,
	&dissector_dicom,
	&dissector_smb,
	&dissector_rdp,
	&dissector_ssdp,
	&dissector_modbus,
	&dissector_bacnet,
	&dissector_smb_any,
	&dissector_mqtt,
	&dissector_coap,
	&dissector_mqtt_any,
	&dissector_hl7,
	&dissector_http,
	&dissector_telnet,
	&dissector_ftp,
	&dissector_smtp,
	&dissector_mysql,
	&dissector_pgsql,
	&dissector_dicomfile,
	NULL,
};

void
proto_obs_init(const struct proto_ctx *ctx, struct observation *o,
    enum obs_kind k)
{
	obs_init(o, k, ctx->ts);
	o->flow = ctx->flow;
	if (ctx->flow != NULL)
		o->vlan = ctx->flow->vlan;
	else if (ctx->pkt != NULL && ctx->pkt->nvlans > 0 &&
	    ctx->pkt->nvlans <= PKT_MAX_VLANS)
		o->vlan = ctx->pkt->vlans[ctx->pkt->nvlans - 1];
}

const uint8_t *
proto_sender_mac(const struct proto_ctx *ctx)
{
	const struct packet *pkt = ctx->pkt;

	if (pkt == NULL || (pkt->flags & (PKT_HAS_MAC | PKT_SRC_MAC)) == 0)
		return NULL;
	return pkt->src_mac;
}

void
proto_subject_sender(struct proto_ctx *ctx, struct observation *o)
{
	const struct packet *pkt = ctx->pkt;

	if (pkt == NULL)
		return;
	obs_subject(o, proto_sender_mac(ctx),
	    (pkt->flags & PKT_IP) ? &pkt->src : NULL);
}

void
proto_subject_addr(const struct proto_ctx *ctx, struct observation *o,
    const struct ward_addr *a)
{
	const struct packet *pkt = ctx->pkt;
	const uint8_t *mac = NULL;

	if (pkt != NULL && (pkt->flags & PKT_IP) && addr_eq(a, &pkt->src))
		mac = proto_sender_mac(ctx);
	obs_subject(o, mac, a);
}

void
proto_expect(struct proto_ctx *ctx, struct expect *e, unsigned int seconds)
{
	if (ctx->expect == NULL)
		return;
	e->vlan = ctx->flow != NULL ? ctx->flow->vlan : 0;
	e->deadline = ctx->ts + (uint64_t)seconds * 1000000U;
	/* A refused expectation is a dissector's bug, not the wire's. */
	if (expect_add(ctx->expect, e, ctx->ts) == -1)
		return;
}

void
proto_malformed(struct proto_ctx *ctx, enum malform k, const char *proto,
    const char *what)
{
	struct observation o;

	if (ctx->mal != NULL)
		malform_count(ctx->mal, k);
	if (ctx->bus == NULL)
		return;
	/*
	 * Counted always, reported a few times per flow: a peer sending
	 * garbage must not turn into a flood of events.
	 */
	if (ctx->flow != NULL) {
		if (ctx->flow->malformed_reported >= PROTO_MALFORMED_PER_FLOW)
			return;
		ctx->flow->malformed_reported++;
	}
	proto_obs_init(ctx, &o, OBS_MALFORMED);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "proto", proto);
	(void)obs_cstr(&o, "what", what);
	(void)obs_cstr(&o, "counter", malform_name(k));
	obs_emit(ctx->bus, &o);
}
