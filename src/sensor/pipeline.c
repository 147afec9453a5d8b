/*
 * pipeline.c - the sensor's hot path (see sensor.h).
 *
 * One frame goes through decode, the flow table and, when it carries
 * payload, the dissector chosen for its flow. The pipeline itself emits the
 * observations that need no dissector: ARP and NDP bindings, new flows,
 * services (a responder that accepted), and flow records when flows end.
 * A new flow that a dissector announced on another flow (expect.h) gets
 * the announced dissector before its first observation.
 * Nothing here logs per packet or allocates outside the flow budget.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/expect.h"
#include "ward/proto.h"
#include "ward/sensor.h"

#define USEC 1000000ULL
#define APP_PROBE_TRIES 4	/* payload packets probed before giving up */

struct sensor {
	struct sensor_config	 cfg;
	struct decoder		*dec;
	struct flow_table	*ft;
	struct obs_bus		*bus;
	struct expect_table	*expect;	/* flows announced by dissectors */
	struct sensor_stats	 st;
	uint64_t		 next_expire;
	const struct packet	*cur;	/* the packet being dissected */
};

void
sensor_config_defaults(struct sensor_config *c)
{
	memset(c, 0, sizeof(*c));
	c->decode.frag_memcap = DECODE_DEFAULT_FRAG_MEMCAP;
	c->decode.frag_timeout = DECODE_DEFAULT_FRAG_TIMEOUT;
	flow_config_defaults(&c->flow);
}

static void
flow_fields(struct observation *o, const struct flow *f)
{
	obs_u64(o, "proto", f->proto);
	obs_addr(o, "src_ip", &f->side[0].addr);
	obs_addr(o, "dst_ip", &f->side[1].addr);
	obs_u64(o, "src_port", f->side[0].port);
	obs_u64(o, "dst_port", f->side[1].port);
	if (f->side[0].has_mac)
		obs_mac(o, "src_mac", f->side[0].mac);
	if (f->side[1].has_mac)
		obs_mac(o, "dst_mac", f->side[1].mac);
	if (f->vlan != 0)
		obs_u64(o, "vlan", f->vlan);
	if (f->app != NULL)
		obs_cstr(o, "app", f->app->name);
}

static void
side_subject(struct observation *o, const struct flow *f, int side)
{
	obs_subject(o, f->side[side].has_mac ? f->side[side].mac : NULL,
	    &f->side[side].addr);
	o->flow = f;
	o->vlan = f->vlan;
}

static void
app_ctx(struct sensor *s, struct proto_ctx *ctx, struct flow *f, int dir,
    const struct packet *p, uint64_t ts)
{
	ctx->bus = s->bus;
	ctx->mal = &s->st.mal;
	ctx->pkt = p;
	ctx->flow = f;
	ctx->ft = s->ft;
	ctx->dir = dir;
	ctx->ts = ts;
	ctx->expect = s->expect;
}

static void
app_release(struct sensor *s, struct flow *f)
{
	if (f->app != NULL && f->app_state != NULL) {
		struct proto_ctx ctx;

		if (f->app->end != NULL) {
			app_ctx(s, &ctx, f, 0, NULL, f->last);
			f->app->end(&ctx, f->app_state);
		}
		free(f->app_state);
		flow_mem_give(s->ft, f->app->state_size);
		f->app_state = NULL;
	}
}

static void
on_flow_end(struct flow *f, enum flow_end why, void *arg)
{
	struct sensor *s = arg;
	struct observation o;

	obs_init(&o, OBS_FLOW, f->last);
	side_subject(&o, f, 0);
	flow_fields(&o, f);
	obs_u64(&o, "pkts_toserver", f->side[0].pkts);
	obs_u64(&o, "pkts_toclient", f->side[1].pkts);
	obs_u64(&o, "bytes_toserver", f->side[0].bytes);
	obs_u64(&o, "bytes_toclient", f->side[1].bytes);
	obs_u64(&o, "start", why == FLOW_END_ACTIVE ? f->record_start :
	    f->first);
	obs_u64(&o, "end", f->last);
	if (f->proto == IPPROTO_TCP_)
		obs_cstr(&o, "state", tcp_state_name(f->state));
	obs_cstr(&o, "reason", flow_end_name(why));
	obs_u64(&o, "flow_id", f->id);
	obs_emit(s->bus, &o);
	if (why != FLOW_END_ACTIVE)
		app_release(s, f);
}

struct sensor *
sensor_new(const struct sensor_config *cfg)
{
	struct sensor *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if (cfg != NULL)
		s->cfg = *cfg;
	else
		sensor_config_defaults(&s->cfg);
	if ((s->dec = decoder_new(&s->cfg.decode)) == NULL ||
	    (s->bus = obs_bus_new()) == NULL ||
	    (s->expect = expect_table_new()) == NULL ||
	    (s->ft = flow_table_new(&s->cfg.flow, on_flow_end, s)) == NULL) {
		sensor_free(s);
		return NULL;
	}
	return s;
}

void
sensor_free(struct sensor *s)
{
	if (s == NULL)
		return;
	flow_table_free(s->ft);
	expect_table_free(s->expect);
	decoder_free(s->dec);
	obs_bus_free(s->bus);
	free(s);
}

struct obs_bus *
sensor_bus(struct sensor *s)
{
	return s->bus;
}

void
sensor_finish(struct sensor *s)
{
	flow_table_flush(s->ft);
}

const struct sensor_stats *
sensor_stats(const struct sensor *s)
{
	return &s->st;
}

const struct decode_stats *
sensor_decode_stats(const struct sensor *s)
{
	return decoder_stats(s->dec);
}

const struct flow_stats *
sensor_flow_stats(const struct sensor *s)
{
	return flow_table_stats(s->ft);
}

const struct expect_stats *
sensor_expect_stats(const struct sensor *s)
{
	return expect_table_stats(s->expect);
}

void
sensor_malformations(const struct sensor *s, struct malform_counts *out)
{
	const struct decode_stats *d = decoder_stats(s->dec);
	const struct flow_stats *f = flow_table_stats(s->ft);

	for (int i = 0; i < MAL_COUNT; i++)
		out->n[i] = d->mal.n[i] + s->st.mal.n[i];
	out->n[MAL_STREAM_GAP] += f->stream_gaps;
	out->n[MAL_STREAM_CAP] += f->stream_capped;
}

static void
emit_arp(struct sensor *s, const struct packet *p)
{
	struct observation o;
	bool probe = p->arp.spa.family == 4 &&
	    memcmp(p->arp.spa.b, "\0\0\0\0", 4) == 0;

	if (mac_is_group(p->arp.sha) || mac_is_zero(p->arp.sha))
		return;
	obs_init(&o, OBS_ARP, p->ts);
	obs_subject(&o, p->arp.sha, probe ? NULL : &p->arp.spa);
	o.vlan = p->nvlans ? p->vlans[p->nvlans - 1] : 0;
	obs_u64(&o, "op", p->arp.op);
	obs_addr(&o, "target_ip", &p->arp.tpa);
	if (p->arp.op == 2)
		obs_mac(&o, "target_mac", p->arp.tha);
	obs_bool(&o, "gratuitous", addr_eq(&p->arp.spa, &p->arp.tpa));
	obs_bool(&o, "probe", probe);
	obs_emit(s->bus, &o);
}

/*
 * NDP binds a MAC to an IPv6 address (RFC 4861, 4.3-4.4): a solicitation's
 * or an advertisement's source link-layer option names the sender; a
 * neighbor advertisement's target option names the owner of the target.
 */
static void
emit_ndp(struct sensor *s, const struct packet *p)
{
	struct observation o;
	const struct ward_addr *ip = &p->src;
	const uint8_t *mac = p->ndp.has_lladdr ? p->ndp.lladdr : NULL;

	if (p->ndp.type == 136 && p->ndp.target.family == 6)
		ip = &p->ndp.target;
	if (mac == NULL && (p->flags & PKT_HAS_MAC))
		mac = p->src_mac;
	if (mac == NULL || addr_is_special(ip))
		return;
	obs_init(&o, OBS_NDP, p->ts);
	obs_subject(&o, mac, ip);
	obs_u64(&o, "type", p->ndp.type);
	obs_bool(&o, "router", p->ndp.type == 134);
	obs_emit(s->bus, &o);
}

static void
emit_flow_obs(struct sensor *s, enum obs_kind kind, const struct flow *f,
    int side, uint64_t ts)
{
	struct observation o;

	obs_init(&o, kind, ts);
	side_subject(&o, f, side);
	flow_fields(&o, f);
	obs_u64(&o, "flow_id", f->id);
	obs_emit(s->bus, &o);
}

static bool
port_hint(const struct dissector *d, uint16_t sport, uint16_t dport)
{
	for (int i = 0; i < PROTO_MAX_PORTS && d->ports[i] != 0; i++)
		if (d->ports[i] == sport || d->ports[i] == dport)
			return true;
	return false;
}

/* Port hint confirmed by content first, then content alone. */
static const struct dissector *
choose(const struct packet *p, int dir)
{
	const struct dissector *const *d;
	const uint8_t *data = p->payload.p;
	size_t len = p->payload.len;

	for (d = proto_dissectors; *d != NULL; d++)
		if ((*d)->l4proto == p->l4proto &&
		    port_hint(*d, p->sport, p->dport) &&
		    ((*d)->probe == NULL || (*d)->probe(data, len, dir)))
			return *d;
	for (d = proto_dissectors; *d != NULL; d++)
		if ((*d)->l4proto == p->l4proto && (*d)->probe_any_port &&
		    (*d)->probe != NULL && (*d)->probe(data, len, dir))
			return *d;
	return NULL;
}

/*
 * A new flow that a dissector announced (an FTP data connection) gets the
 * announced dissector, its state and the announcement's context, with no
 * probing; without room for the state it is left to the probes.
 */
static void
expect_claim(struct sensor *s, struct flow *f, uint64_t ts)
{
	struct expect e;
	const struct dissector *d;

	if (expect_take(s->expect, f, ts, &e) == -1)
		return;
	d = e.d;
	if (d->state_size > 0) {
		if (flow_mem_take(s->ft, d->state_size) == -1)
			return;
		if ((f->app_state = calloc(1, d->state_size)) == NULL) {
			flow_mem_give(s->ft, d->state_size);
			return;
		}
		if (d->adopt != NULL)
			d->adopt(f->app_state, e.ctx, e.ctxlen);
	}
	f->app = d;
}

static void
stream_deliver(struct flow *f, int dir, const uint8_t *data, size_t n,
    void *arg)
{
	struct sensor *s = arg;
	struct proto_ctx ctx;

	if (f->app == NULL || f->app->stream == NULL || f->app_state == NULL)
		return;
	s->st.app_bytes += n;
	app_ctx(s, &ctx, f, dir, s->cur, s->cur->ts);
	f->app->stream(&ctx, f->app_state, data, n);
}

static void
stream_gap(struct flow *f, int dir, size_t missing, void *arg)
{
	struct sensor *s = arg;
	struct proto_ctx ctx;

	(void)missing;
	if (f->app == NULL || f->app->gap == NULL || f->app_state == NULL)
		return;
	app_ctx(s, &ctx, f, dir, s->cur, s->cur->ts);
	f->app->gap(&ctx, f->app_state);
}

static void
dissect(struct sensor *s, struct flow *f, int dir, const struct packet *p)
{
	struct proto_ctx ctx;
	struct cursor c;

	if (f == NULL) {
		/* No room for a flow: datagrams can still be read alone. */
		const struct dissector *d;

		if (p->l4proto != IPPROTO_UDP_ || p->payload.len == 0 ||
		    (d = choose(p, 0)) == NULL || d->datagram == NULL)
			return;
		app_ctx(s, &ctx, NULL, 0, p, p->ts);
		c = p->payload;
		s->st.app_bytes += c.len;
		d->datagram(&ctx, &c);
		return;
	}
	if (f->app == NULL && p->payload.len > 0 &&
	    f->app_tried < APP_PROBE_TRIES) {
		f->app_tried++;
		f->app = choose(p, dir);
		if (f->app != NULL && f->app->state_size > 0) {
			if (flow_mem_take(s->ft, f->app->state_size) == -1) {
				f->app = NULL;
			} else if ((f->app_state = calloc(1,
			    f->app->state_size)) == NULL) {
				flow_mem_give(s->ft, f->app->state_size);
				f->app = NULL;
			}
			if (f->app == NULL)
				f->app_tried = APP_PROBE_TRIES;
		}
	}
	if (f->app == NULL)
		return;
	if (p->l4proto == IPPROTO_TCP_) {
		static const struct stream_cb cb_template = { stream_deliver,
			stream_gap, NULL };
		struct stream_cb cb = cb_template;

		if (f->app->stream == NULL)
			return;
		cb.arg = s;
		s->cur = p;
		stream_segment(s->ft, f, dir, p, &cb);
		s->cur = NULL;
	} else if (f->app->datagram != NULL && p->payload.len > 0) {
		app_ctx(s, &ctx, f, dir, p, p->ts);
		c = p->payload;
		s->st.app_bytes += c.len;
		f->app->datagram(&ctx, &c);
	}
}

void
sensor_frame(struct sensor *s, int linktype, uint64_t ts,
    const uint8_t *frame, uint32_t caplen, uint32_t wirelen)
{
	struct packet p;
	struct flow *f;
	bool created;
	int dir = 0;

	s->st.frames++;
	s->st.bytes += wirelen;
	if (s->st.first_ts == 0 || ts < s->st.first_ts)
		s->st.first_ts = ts;
	if (ts < s->st.last_ts)
		s->st.out_of_order++;
	else
		s->st.last_ts = ts;

	/* Timeouts run on capture time, once a second of it. */
	if (ts >= s->next_expire) {
		decoder_expire(s->dec, ts);
		flow_table_expire(s->ft, ts);
		expect_expire(s->expect, ts);
		s->next_expire = ts + USEC;
	}

	if (decode_packet(s->dec, linktype, ts, frame, caplen, wirelen, &p) !=
	    DECODE_OK)
		return;
	if (p.flags & PKT_ARP) {
		emit_arp(s, &p);
		return;
	}
	if (p.flags & PKT_NDP)
		emit_ndp(s, &p);
	if ((f = flow_track(s->ft, &p, &dir, &created)) != NULL) {
		if (created) {
			expect_claim(s, f, p.ts);
			emit_flow_obs(s, OBS_FLOW_NEW, f, 0, p.ts);
		}
		/*
		 * A responder accepted: a TCP SYN+ACK, or any UDP reply (the
		 * reply comes from the port the initiator addressed).
		 */
		if (dir == 1 && !f->service_seen &&
		    ((p.l4proto == IPPROTO_TCP_ &&
		    (p.tcp_flags & (TCP_SYN | TCP_ACK)) ==
		    (TCP_SYN | TCP_ACK)) || p.l4proto == IPPROTO_UDP_)) {
			f->service_seen = true;
			emit_flow_obs(s, OBS_SERVICE, f, 1, p.ts);
		}
	}
	if (p.l4proto == IPPROTO_TCP_ || p.l4proto == IPPROTO_UDP_)
		dissect(s, f, dir, &p);
}
