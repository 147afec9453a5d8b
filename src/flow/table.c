/*
 * table.c - bidirectional flow table with a memory budget.
 *
 * Flows live in a chained hash table keyed by (vlan, proto, endpoint pair)
 * in either order, and on one list ordered by last activity (least recent
 * first). Expiry walks that list from its old end and stops at the first
 * flow younger than the shortest timeout, so a call costs about the number
 * of flows it ends. When the budget cannot hold a new flow, the least
 * recently active flow is evicted, the policy Suricata and nDPI follow
 * under memory pressure: old, quiet flows lose, live ones stay.
 *
 * Every byte hanging off a flow (the flow itself, stream buffers, parser
 * state) is counted against one budget, so memory is bounded by the
 * configuration, not by the traffic.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/flow.h"
#include "flow-private.h"

#define USEC 1000000ULL

void
flow_config_defaults(struct flow_config *c)
{
	c->memcap = FLOW_DEFAULT_MEMCAP;
	c->tcp_idle_timeout = 600 * USEC;	/* Suricata's tcp established */
	c->udp_idle_timeout = 120 * USEC;
	c->closed_timeout = 10 * USEC;
	c->active_timeout = 1800 * USEC;
	c->stream_depth = 1u << 20;
	c->stream_ooo_cap = 64u << 10;
}

const char *
tcp_state_name(enum tcp_state s)
{
	static const char *const names[] = { "none", "syn_sent",
		"syn_received", "established", "closing", "closed", "reset" };

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[s];
}

const char *
flow_end_name(enum flow_end e)
{
	static const char *const names[] = { "idle", "active", "closed",
		"evicted", "flush" };

	if ((unsigned)e >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[e];
}

static size_t
pow2_at_least(size_t n)
{
	size_t p = 1024;

	while (p < n && p < (1u << 24))
		p <<= 1;
	return p;
}

struct flow_table *
flow_table_new(const struct flow_config *cfg, flow_end_fn end, void *arg)
{
	struct flow_table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (cfg != NULL)
		t->cfg = *cfg;
	else
		flow_config_defaults(&t->cfg);
	/*
	 * The table starts small and doubles with the live flows (up to one
	 * bucket per two flows the budget can hold): a table sized for the
	 * budget would miss the cache on every packet.
	 */
	t->max_buckets = pow2_at_least(t->cfg.memcap / sizeof(struct flow) / 2);
	t->nbuckets = 1024;
	if ((t->buckets = calloc(t->nbuckets, sizeof(*t->buckets))) == NULL) {
		free(t);
		return NULL;
	}
	t->end = end;
	t->arg = arg;
	t->seed = 0x9e3779b9u;
	return t;
}

static void
lru_unlink(struct flow_table *t, struct flow *f)
{
	int c = f->lru_class;

	if (f->prev != NULL)
		f->prev->next = f->next;
	else
		t->lru[c].head = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	else
		t->lru[c].tail = f->prev;
	f->prev = f->next = NULL;
}

static int
lru_class_of(const struct flow *f)
{
	if (f->state == TCPS_CLOSED || f->state == TCPS_RESET)
		return LRU_CLOSED;
	return f->proto == IPPROTO_TCP_ ? LRU_TCP : LRU_OTHER;
}

/* Appends f, as the most recently active, to the list of its class. */
static void
lru_append(struct flow_table *t, struct flow *f)
{
	int c = lru_class_of(f);

	f->lru_class = (uint8_t)c;
	f->prev = t->lru[c].tail;
	f->next = NULL;
	if (t->lru[c].tail != NULL)
		t->lru[c].tail->next = f;
	else
		t->lru[c].head = f;
	t->lru[c].tail = f;
}

/* The least recently active flow of all, or NULL. */
static struct flow *
lru_oldest(const struct flow_table *t)
{
	struct flow *best = NULL;

	for (int c = 0; c < FLOW_LRU_CLASSES; c++)
		if (t->lru[c].head != NULL &&
		    (best == NULL || t->lru[c].head->last < best->last))
			best = t->lru[c].head;
	return best;
}

static void
hash_unlink(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & (t->nbuckets - 1)];

	while (*pp != NULL && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp == f)
		*pp = f->hnext;
}

/* Ends a flow for good: callback, then frees what hangs off it. */
static void
flow_destroy(struct flow_table *t, struct flow *f, enum flow_end why)
{
	if (t->end != NULL)
		t->end(f, why, t->arg);
	t->stats.ended[why]++;
	stream_free(t, f);
	hash_unlink(t, f);
	lru_unlink(t, f);
	flow_mem_give(t, sizeof(*f));
	t->stats.active--;
	free(f);
}

void
flow_table_flush(struct flow_table *t)
{
	struct flow *f;

	while ((f = lru_oldest(t)) != NULL)
		flow_destroy(t, f, FLOW_END_FLUSH);
}

void
flow_table_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	flow_table_flush(t);
	free(t->buckets);
	free(t);
}

int
flow_mem_take(struct flow_table *t, size_t n)
{
	if (n > t->cfg.memcap || t->stats.mem_used > t->cfg.memcap - n)
		return -1;
	t->stats.mem_used += n;
	if (t->stats.mem_used > t->stats.mem_peak)
		t->stats.mem_peak = t->stats.mem_used;
	return 0;
}

void
flow_mem_give(struct flow_table *t, size_t n)
{
	t->stats.mem_used -= n < t->stats.mem_used ? n : t->stats.mem_used;
}

const struct flow_stats *
flow_table_stats(const struct flow_table *t)
{
	return &t->stats;
}

void
flow_table_expire(struct flow_table *t, uint64_t now)
{
	const uint64_t timeout[FLOW_LRU_CLASSES] = {
		[LRU_TCP] = t->cfg.tcp_idle_timeout,
		[LRU_OTHER] = t->cfg.udp_idle_timeout,
		[LRU_CLOSED] = t->cfg.closed_timeout,
	};
	struct flow *f;

	for (int c = 0; c < FLOW_LRU_CLASSES; c++)
		while ((f = t->lru[c].head) != NULL && now >= f->last &&
		    now - f->last >= timeout[c])
			flow_destroy(t, f, c == LRU_CLOSED ? FLOW_END_CLOSED :
			    FLOW_END_IDLE);
}

/*
 * The hash is symmetric: both directions of a flow land in one bucket. The
 * two endpoint hashes are combined with an order-independent mix.
 */
static uint32_t
flow_hash(const struct flow_table *t, const struct packet *p)
{
	uint32_t a = addr_hash(&p->src, t->seed) ^ p->sport;
	uint32_t b = addr_hash(&p->dst, t->seed) ^ p->dport;
	uint32_t h = (a + b) ^ (a * b) ^ ((uint32_t)p->l4proto << 16) ^
	    (p->nvlans ? p->vlans[0] : 0);

	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return h;
}

static uint16_t
pkt_vlan(const struct packet *p)
{
	return p->nvlans ? p->vlans[p->nvlans - 1] : 0;
}

/* 0 if p goes from side 0 to side 1, 1 if reverse, -1 if not this flow. */
static int
flow_match(const struct flow *f, const struct packet *p, uint16_t vlan)
{
	if (f->proto != p->l4proto || f->vlan != vlan)
		return -1;
	if (f->side[0].port == p->sport && f->side[1].port == p->dport &&
	    addr_eq(&f->side[0].addr, &p->src) &&
	    addr_eq(&f->side[1].addr, &p->dst))
		return 0;
	if (f->side[1].port == p->sport && f->side[0].port == p->dport &&
	    addr_eq(&f->side[1].addr, &p->src) &&
	    addr_eq(&f->side[0].addr, &p->dst))
		return 1;
	return -1;
}

/*
 * Which end started the conversation? The sender of a SYN did; the sender
 * of a SYN+ACK did not. Without a handshake (a capture that starts mid-way)
 * a packet from a well-known port to an ephemeral one is taken to come from
 * the server, as Zeek and Suricata guess.
 */
static bool
sender_is_responder(const struct packet *p)
{
	if (p->l4proto == IPPROTO_TCP_) {
		if ((p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
			return false;
		if ((p->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
			return true;
	}
	if (p->l4proto == IPPROTO_TCP_ || p->l4proto == IPPROTO_UDP_)
		return p->sport < 1024 && p->dport >= 1024;
	return false;
}

/* Doubles the bucket array and rehashes; on failure keeps the old one. */
static void
grow_buckets(struct flow_table *t)
{
	size_t n = t->nbuckets * 2;
	struct flow **b;

	if ((b = calloc(n, sizeof(*b))) == NULL)
		return;
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct flow *f, *next;

		for (f = t->buckets[i]; f != NULL; f = next) {
			next = f->hnext;
			f->hnext = b[f->hash & (n - 1)];
			b[f->hash & (n - 1)] = f;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

static struct flow *
flow_create(struct flow_table *t, const struct packet *p, uint32_t h,
    uint16_t vlan, int *dir)
{
	struct flow *f;
	int s = sender_is_responder(p) ? 1 : 0;

	while (flow_mem_take(t, sizeof(*f)) == -1) {
		struct flow *old = lru_oldest(t);

		if (old == NULL) {
			t->stats.dropped++;
			return NULL;
		}
		flow_destroy(t, old, FLOW_END_EVICTED);
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		flow_mem_give(t, sizeof(*f));
		t->stats.dropped++;
		return NULL;
	}
	if (t->stats.active >= t->nbuckets && t->nbuckets < t->max_buckets)
		grow_buckets(t);
	f->id = ++t->next_id;
	f->proto = p->l4proto;
	f->vlan = vlan;
	f->side[s].addr = p->src;
	f->side[s].port = p->sport;
	f->side[!s].addr = p->dst;
	f->side[!s].port = p->dport;
	f->first = f->last = p->ts;
	f->record_start = p->ts;
	f->hash = h;
	f->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = f;
	t->stats.created++;
	t->stats.active++;
	if (t->stats.active > t->stats.active_peak)
		t->stats.active_peak = t->stats.active;
	*dir = s;
	return f;
}

/* RFC 793 state, followed loosely: enough to tell accepted and closed. */
static void
tcp_update(struct flow *f, int dir, uint8_t flags)
{
	if (flags & TCP_RST) {
		f->state = TCPS_RESET;
		return;
	}
	switch (f->state) {
	case TCPS_NONE:
		if ((flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && dir == 0)
			f->state = TCPS_SYN_SENT;
		else if ((flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
			f->state = TCPS_SYN_RECEIVED;
		else {
			f->state = TCPS_ESTABLISHED;
			f->mid_stream = true;
		}
		break;
	case TCPS_SYN_SENT:
		if ((flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) &&
		    dir == 1)
			f->state = TCPS_SYN_RECEIVED;
		break;
	case TCPS_SYN_RECEIVED:
		if ((flags & TCP_ACK) && !(flags & TCP_SYN) && dir == 0)
			f->state = TCPS_ESTABLISHED;
		break;
	default:
		break;
	}
	if (flags & TCP_FIN) {
		if (f->state != TCPS_CLOSING && f->state != TCPS_CLOSED)
			f->state = TCPS_CLOSING;
		f->fin_seen |= (uint8_t)(1u << dir);
		if (f->fin_seen == 3)
			f->state = TCPS_CLOSED;
	}
}

struct flow *
flow_track(struct flow_table *t, const struct packet *p, int *dir,
    bool *created)
{
	struct flow *f;
	struct flow_side *s;
	uint16_t vlan;
	uint32_t h;
	int d = -1;

	*created = false;
	if (!(p->flags & PKT_IP) || !(p->flags & PKT_L4))
		return NULL;
	vlan = pkt_vlan(p);
	h = flow_hash(t, p);
	for (f = t->buckets[h & (t->nbuckets - 1)]; f != NULL; f = f->hnext)
		if (f->hash == h && (d = flow_match(f, p, vlan)) != -1)
			break;
	if (f == NULL) {
		if ((f = flow_create(t, p, h, vlan, &d)) == NULL)
			return NULL;
		*created = true;
	} else {
		/* Long flows are cut into records at the active timeout. */
		if (p->ts > f->record_start &&
		    p->ts - f->record_start >= t->cfg.active_timeout) {
			if (t->end != NULL)
				t->end(f, FLOW_END_ACTIVE, t->arg);
			t->stats.ended[FLOW_END_ACTIVE]++;
			for (int i = 0; i < 2; i++) {
				f->side[i].pkts = f->side[i].bytes = 0;
				f->side[i].first = f->side[i].last = 0;
			}
			f->record_start = p->ts;
		}
		lru_unlink(t, f);
	}
	s = &f->side[d];
	if (p->flags & PKT_HAS_MAC) {
		s->has_mac = true;
		memcpy(s->mac, p->src_mac, 6);
		if (!f->side[!d].has_mac) {
			f->side[!d].has_mac = true;
			memcpy(f->side[!d].mac, p->dst_mac, 6);
		}
	}
	s->pkts++;
	s->bytes += p->iplen;
	if (s->first == 0)
		s->first = p->ts;
	if (p->ts > s->last)
		s->last = p->ts;
	if (p->ts > f->last)
		f->last = p->ts;
	if (p->l4proto == IPPROTO_TCP_) {
		s->tcp_flags |= p->tcp_flags;
		tcp_update(f, d, p->tcp_flags);
	}
	/* Back on its class's list, as the most recently active. */
	lru_append(t, f);
	*dir = d;
	return f;
}
