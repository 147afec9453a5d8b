/*
 * baseline.c - behaviour baselines: what each asset, each device type and
 * the network normally do, and the deviation alerts (docs/alerts-baseline.md,
 * detect-private.h).
 *
 * A baseline is a set of items (kind, value) per owner: an asset (its
 * peers, the services it uses and offers, its protocols, DICOM AE pairs,
 * SOP classes and move destinations, HL7 message types and partners, MQTT
 * topics, its active hours of day), a device type (the union of its
 * assets past learning, plus approvals) or the network (the DNS and NTP
 * servers learned). Each item has a state: learned, approved, rejected or
 * pending (a deviation awaiting review). Each asset also keeps the
 * busiest hour it learned (bytes, packets) and the days it was active
 * while learning.
 *
 * Cost: every item lives in one open-addressing table keyed by a hash of
 * (owner, kind, value), and asset owners in an address map keyed like the
 * inventory (MAC, else IP); a flow costs a few lookups at its SERVICE and
 * FLOW records, an application message one or two. Nothing is done per
 * packet. Memory: at most BL_OWNER_ITEMS items per asset, BL_TYPE_ITEMS per
 * type and BL_ITEMS_MAX in all (each item is about 80 bytes plus its
 * value, cut at BL_VALUE_MAX); items over a cap are not kept (counted),
 * but a deviation over a cap is still raised.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ward/addrmap.h"
#include "ward/error.h"
#include "ward/flow.h"
#include "ward/ident.h"
#include "ward/proto.h"
#include "ward/store.h"
#include "detect-private.h"

#define USEC			1000000ULL
#define HOUR			(3600 * USEC)
#define BL_VALUE_MAX		128
#define BL_OWNER_ITEMS		2048
#define BL_TYPE_ITEMS		16384
#define BL_NET_ITEMS		4096
#define BL_ITEMS_MAX		(1U << 19)
#define BL_ASSOC_SLOTS		4096
/* How long decisions on a new asset's items wait for its identification. */
#define BL_DEFER		(5 * 60 * USEC)

enum bl_kind {
	BK_PEER,
	BK_CLIENT,
	BK_SERVICE_USED,
	BK_SERVICE,
	BK_PROTOCOL,
	BK_DICOM_AE,
	BK_DICOM_SOP,
	BK_DICOM_MOVE,
	BK_HL7_TYPE,
	BK_HL7_PARTNER,
	BK_MQTT_PUBLISH,
	BK_MQTT_SUBSCRIBE,
	BK_HOUR,
	BK_INFRA,
	BK_CREDENTIAL,
	BK_COUNT
};

enum bl_state { BS_LEARNED, BS_APPROVED, BS_REJECTED, BS_PENDING };

static const char *const state_names[] = {
	"learned", "approved", "rejected", "pending",
};

/*
 * Per kind: its name in the store, the alert a deviation raises, whether
 * a learning asset is judged against its device type's baseline for it,
 * and what the alert's message says.
 */
static const struct kind_info {
	const char	*name;
	enum alert_type	 alert;
	bool		 typed;
	const char	*what;
} kinds[BK_COUNT] = {
	[BK_PEER] = { "peer", ALERT_NEW_PEER, false, "talks to a new peer" },
	[BK_CLIENT] = { "client", ALERT_NEW_PEER, false,
	    "is reached by a new peer" },
	[BK_SERVICE_USED] = { "service_used", ALERT_NEW_SERVICE, false,
	    "uses a new service" },
	[BK_SERVICE] = { "service", ALERT_NEW_SERVICE, true,
	    "offers a new service" },
	[BK_PROTOCOL] = { "protocol", ALERT_NEW_PROTOCOL, true,
	    "speaks a new protocol" },
	[BK_DICOM_AE] = { "dicom_ae", ALERT_DICOM_NEW_DESTINATION, false,
	    "stores over a new DICOM AE pair" },
	[BK_DICOM_SOP] = { "dicom_sop", ALERT_NEW_SERVICE, true,
	    "stores a new DICOM SOP class" },
	[BK_DICOM_MOVE] = { "dicom_move", ALERT_DICOM_NEW_DESTINATION, true,
	    "moves images to a new DICOM destination" },
	[BK_HL7_TYPE] = { "hl7_type", ALERT_HL7_UNEXPECTED_MESSAGE, true,
	    "sends an unexpected HL7 message type" },
	[BK_HL7_PARTNER] = { "hl7_partner", ALERT_HL7_UNEXPECTED_MESSAGE, true,
	    "sends HL7 to a new partner" },
	[BK_MQTT_PUBLISH] = { "mqtt_publish", ALERT_MQTT_NEW_TOPIC, true,
	    "publishes to a new MQTT topic" },
	[BK_MQTT_SUBSCRIBE] = { "mqtt_subscribe", ALERT_MQTT_NEW_TOPIC, true,
	    "subscribes to a new MQTT filter" },
	[BK_HOUR] = { "hour", ALERT_OFF_HOURS, false,
	    "is active in an hour of the day it never was" },
	[BK_INFRA] = { "infra", ALERT_TYPE_COUNT, false, NULL },
	/* Raised by the stateless rule (baseline_habit). */
	[BK_CREDENTIAL] = { "credential", ALERT_TYPE_COUNT, false, NULL },
};

enum bl_scope { SC_ASSET, SC_TYPE, SC_NET };

static const char *const scope_names[] = { "asset", "type", "network" };

struct bl_item;

struct bl_owner {
	enum bl_scope	 scope;
	char		 key[64];	/* asset key, type name, "" */
	struct bl_owner	*next;		/* in its scope's list */
	struct bl_item	*items;		/* its items, newest first */
	uint32_t	 nitems;
	uint32_t	 ndeferred;
	bool		 dirty;		/* the asset row changed */
	uint64_t	 first;		/* learning start */
	/*
	 * A new asset's decisions wait for its identification: until a
	 * tick finds its type, or a tick at or past defer_until.
	 */
	bool		 deferring;
	uint64_t	 defer_until;

	/* Hours and volumes (assets). */
	uint32_t	 days;
	int64_t		 last_day;
	uint64_t	 act_slot;	/* hour (ts / HOUR) last judged */
	uint64_t	 bytes_max;
	uint64_t	 pkts_max;
	uint64_t	 vol_slot;
	uint64_t	 vol_bytes;
	uint64_t	 vol_pkts;
	bool		 vol_alerted;

	/* Device types. */
	struct bl_owner	*type;		/* an asset's identified type */
	struct bl_owner	*contributed;	/* the type it counts in, if any */
	uint32_t	 members;	/* a type's assets past learning */
	const struct detect_prior *prior;
};

struct bl_item {
	struct bl_owner	*owner;
	struct bl_item	*onext;
	uint32_t	 hash;
	uint8_t		 kind;
	uint8_t		 state;
	bool		 dirty;
	bool		 deferred;	/* new, waiting for identification */
	int64_t		 id;		/* store row, 0: none yet */
	uint64_t	 first;
	uint64_t	 last;
	uint64_t	 count;
	uint32_t	 refs;		/* type items: assets holding it */
	char		 value[];
};

struct bl_assoc {
	uint64_t	 flow_id;
	char		 pair[BL_VALUE_MAX];
};

struct baseline {
	struct addrmap	 assets;	/* key -> struct bl_owner */
	struct bl_owner	*asset_list;
	struct bl_owner	*type_list;
	struct bl_owner	 net;
	struct bl_item	**slots;
	size_t		 cap;
	size_t		 n;
	struct bl_item	**dirty;
	size_t		 ndirty;
	size_t		 dirty_cap;
	uint64_t	 net_start;
	bool		 net_dirty;
	int64_t		 reviewed;	/* newest review applied */
	uint64_t	 dropped;	/* items over a cap */
	struct bl_assoc	*assoc;
};

/*
 * How a judgement reports: alert on a deviation; decide but stay silent
 * (inbound peers: the initiator's own baseline speaks for the
 * conversation); or learn with another item that was judged (the service
 * used on a new peer goes with the peer's decision).
 */
enum judge_how { J_ALERT, J_SILENT, J_WITH };

/* Where a judgement comes from, for the alert. */
struct ctx {
	const struct observation *ob;	/* NULL at a tick */
	const struct asset *a;
	const char	*peer;
	uint64_t	 ts;
};

struct baseline *
baseline_new(struct detector *d)
{
	struct baseline *b = calloc(1, sizeof(*b));

	(void)d;
	if (b == NULL)
		return NULL;
	addrmap_init(&b->assets);
	b->net.scope = SC_NET;
	b->net.last_day = -1;
	b->cap = 1024;
	if ((b->slots = calloc(b->cap, sizeof(*b->slots))) == NULL ||
	    (b->assoc = calloc(BL_ASSOC_SLOTS, sizeof(*b->assoc))) == NULL) {
		baseline_free(b);
		return NULL;
	}
	return b;
}

static void
owner_list_free(struct bl_owner *o)
{
	while (o != NULL) {
		struct bl_owner *next = o->next;

		free(o);
		o = next;
	}
}

void
baseline_free(struct baseline *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->cap; i++)
		free(b->slots[i]);
	free(b->slots);
	free(b->dirty);
	free(b->assoc);
	addrmap_clear(&b->assets);
	owner_list_free(b->asset_list);
	owner_list_free(b->type_list);
	free(b);
}

/* FNV-1a over the owner, the kind and the value. */
static uint32_t
item_hash(const struct bl_owner *o, enum bl_kind k, const char *v)
{
	uintptr_t p = (uintptr_t)o;
	uint32_t h = FNV_OFFSET;

	for (size_t i = 0; i < sizeof(p); i++, p >>= 8)
		h = (h ^ (uint8_t)p) * FNV_PRIME;
	h = (h ^ (uint8_t)k) * FNV_PRIME;
	return fnv1a_str(h, v);
}

static struct bl_item *
item_find(const struct baseline *b, const struct bl_owner *o,
    enum bl_kind k, const char *v)
{
	uint32_t h = item_hash(o, k, v);
	size_t mask = b->cap - 1;

	for (size_t i = h & mask; b->slots[i] != NULL; i = (i + 1) & mask) {
		const struct bl_item *it = b->slots[i];

		if (it->hash == h && it->owner == o && it->kind == k &&
		    strcmp(it->value, v) == 0)
			return b->slots[i];
	}
	return NULL;
}

static int
table_grow(struct baseline *b)
{
	size_t cap = b->cap * 2;
	struct bl_item **slots = calloc(cap, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < b->cap; i++) {
		size_t j;

		if (b->slots[i] == NULL)
			continue;
		for (j = b->slots[i]->hash & (cap - 1); slots[j] != NULL;
		    j = (j + 1) & (cap - 1))
			;
		slots[j] = b->slots[i];
	}
	free(b->slots);
	b->slots = slots;
	b->cap = cap;
	return 0;
}

static void
mark_dirty(struct baseline *b, struct bl_item *it)
{
	if (it->dirty || it->deferred)
		return;
	if (b->ndirty == b->dirty_cap) {
		size_t cap = b->dirty_cap ? b->dirty_cap * 2 : 256;
		struct bl_item **v = realloc(b->dirty, cap * sizeof(*v));

		if (v == NULL)
			return;		/* saved at the next change */
		b->dirty = v;
		b->dirty_cap = cap;
	}
	b->dirty[b->ndirty++] = it;
	it->dirty = true;
}

static uint32_t
owner_cap(const struct bl_owner *o)
{
	switch (o->scope) {
	case SC_ASSET:
		return BL_OWNER_ITEMS;
	case SC_TYPE:
		return BL_TYPE_ITEMS;
	case SC_NET:
		return BL_NET_ITEMS;
	}
	return 0;
}

/* A new item; NULL (counted) over a cap or out of memory. */
static struct bl_item *
item_add(struct baseline *b, struct bl_owner *o, enum bl_kind k,
    const char *v, enum bl_state state, uint64_t ts)
{
	size_t len = strnlen(v, BL_VALUE_MAX - 1), i, mask;
	struct bl_item *it;

	if (o->nitems >= owner_cap(o) || b->n >= BL_ITEMS_MAX ||
	    ((b->n + 1) * 2 > b->cap && table_grow(b) == -1) ||
	    (it = calloc(1, sizeof(*it) + len + 1)) == NULL) {
		b->dropped++;
		return NULL;
	}
	memcpy(it->value, v, len);
	it->owner = o;
	it->kind = (uint8_t)k;
	it->state = (uint8_t)state;
	it->hash = item_hash(o, k, it->value);
	it->first = it->last = ts;
	it->onext = o->items;
	o->items = it;
	o->nitems++;
	mask = b->cap - 1;
	for (i = it->hash & mask; b->slots[i] != NULL; i = (i + 1) & mask)
		;
	b->slots[i] = it;
	b->n++;
	return it;
}

static bool
settled(const struct bl_item *it)
{
	return !it->deferred && (it->state == BS_LEARNED ||
	    it->state == BS_APPROVED);
}

/* Parses an asset key (a MAC, else an IP) as the address map's key. */
static int
key_addr(const char *key, struct ward_addr *k)
{
	uint8_t mac[6];

	if (mac_parse(key, mac) == 0) {
		*k = addrmap_mac_key(mac);
		return 0;
	}
	return addr_parse(key, k);
}

static struct bl_owner *
asset_owner_add(struct baseline *b, const struct ward_addr *k,
    const char *key, uint64_t first)
{
	struct bl_owner *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	if (addrmap_put(&b->assets, k, o) == -1) {
		free(o);
		return NULL;
	}
	o->scope = SC_ASSET;
	(void)snprintf(o->key, sizeof(o->key), "%s", key);
	o->first = first;
	o->last_day = -1;
	o->dirty = true;
	o->next = b->asset_list;
	b->asset_list = o;
	return o;
}

static struct ward_addr
asset_mapkey(const struct asset *a)
{
	return a->by_mac ? addrmap_mac_key(a->mac) : a->key_ip;
}

/* The owner of an asset's baseline, made when the asset is new to it. */
static struct bl_owner *
owner_of(struct detector *d, const struct asset *a, uint64_t ts)
{
	struct baseline *b = d->bl;
	struct ward_addr k = asset_mapkey(a);
	struct bl_owner *o = addrmap_get(&b->assets, &k);
	char key[ADDR_STRLEN];

	if (o != NULL)
		return o;
	return asset_owner_add(b, &k, asset_key(a, key, sizeof(key)),
	    a->first != 0 && a->first < ts ? a->first : ts);
}

static struct bl_owner *
type_owner(struct detector *d, const char *type)
{
	struct baseline *b = d->bl;
	struct bl_owner *o;

	for (o = b->type_list; o != NULL; o = o->next)
		if (strcmp(o->key, type) == 0)
			return o;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->scope = SC_TYPE;
	(void)snprintf(o->key, sizeof(o->key), "%s", type);
	o->last_day = -1;
	for (size_t i = 0; i < d->cfg->npriors; i++)
		if (strcmp(d->cfg->priors[i].type, type) == 0)
			o->prior = &d->cfg->priors[i];
	o->next = b->type_list;
	b->type_list = o;
	return o;
}

static bool
owner_learning(const struct detector *d, const struct bl_owner *o,
    uint64_t ts)
{
	switch (d->cfg->mode) {
	case DETECT_LEARN:
		return true;
	case DETECT_ENFORCE:
		return false;
	case DETECT_AUTO:
		break;
	}
	return ts < o->first + d->cfg->learn_period;
}

/* Is the network's own learning over (unknown_device)? */
static bool
net_enforcing(const struct detector *d, uint64_t ts)
{
	switch (d->cfg->mode) {
	case DETECT_LEARN:
		return false;
	case DETECT_ENFORCE:
		return true;
	case DETECT_AUTO:
		break;
	}
	return d->bl->net_start != 0 &&
	    ts >= d->bl->net_start + d->cfg->learn_period;
}

static void
net_note(struct baseline *b, uint64_t ts)
{
	if (b->net_start == 0 && ts != 0) {
		b->net_start = ts;
		b->net_dirty = true;
	}
}

/*
 * MQTT filter matching (MQTT 3.1.1 section 4.7): '+' matches one level,
 * a trailing '#' the rest (its parent level included).
 */
static bool
mqtt_match(const char *f, const char *t)
{
	for (;;) {
		if (f[0] == '#' && f[1] == '\0')
			return true;
		if (f[0] == '+' && (f[1] == '/' || f[1] == '\0')) {
			while (*t != '\0' && *t != '/')
				t++;
			f++;
		} else {
			while (*f != '\0' && *f != '/' && *f == *t) {
				f++;
				t++;
			}
			if ((*f != '\0' && *f != '/') || (*t != '\0' &&
			    *t != '/'))
				return false;
		}
		if (*f == '\0' || *t == '\0')
			break;
		f++;
		t++;
	}
	if (*f == '/' && f[1] == '#' && f[2] == '\0')
		return true;
	return *f == '\0' && *t == '\0';
}

static bool
prior_match(const struct detect_prior *p, enum bl_kind k, const char *v)
{
	const struct str_list *l = NULL;

	if (p == NULL)
		return false;
	switch (k) {
	case BK_PROTOCOL:
		return str_list_has(&p->protocols, v);
	case BK_SERVICE:
		return str_list_has(&p->services, v);
	case BK_HL7_TYPE:
		for (size_t i = 0; i < p->hl7_types.n; i++)
			if (fnmatch(p->hl7_types.v[i], v, 0) == 0)
				return true;
		return false;
	case BK_MQTT_PUBLISH:
	case BK_MQTT_SUBSCRIBE:
		l = &p->mqtt_topics;
		for (size_t i = 0; i < l->n; i++)
			if (mqtt_match(l->v[i], v))
				return true;
		return false;
	default:
		return false;
	}
}

static bool
type_mature(const struct detector *d, const struct bl_owner *t)
{
	return t != NULL && t->members >= d->cfg->type_min_assets;
}

/*
 * Does the device type accept the item: approved for the type, in its
 * prior, or held by one of its assets past learning once the type is
 * mature? Rejected for the type: never.
 */
static bool
type_accepts(const struct detector *d, const struct bl_owner *t,
    enum bl_kind k, const char *v)
{
	const struct bl_item *it;

	if (t == NULL)
		return false;
	it = item_find(d->bl, t, k, v);
	if (it != NULL && it->state == BS_REJECTED)
		return false;
	if (it != NULL && it->state == BS_APPROVED)
		return true;
	if (prior_match(t->prior, k, v))
		return true;
	return type_mature(d, t) && it != NULL && it->refs > 0;
}

/* Adds a settled item of an asset past learning to its type's union. */
static void
contribute_item(struct detector *d, struct bl_owner *o, struct bl_item *it)
{
	struct bl_owner *t = o->contributed;
	struct bl_item *ti;

	if (t == NULL || !settled(it))
		return;
	if ((ti = item_find(d->bl, t, it->kind, it->value)) == NULL &&
	    (ti = item_add(d->bl, t, it->kind, it->value, BS_LEARNED,
	    it->first)) == NULL)
		return;
	ti->refs++;
	ti->count = ti->refs;
	if (it->last > ti->last)
		ti->last = it->last;
	mark_dirty(d->bl, ti);
}

static void
contribute(struct detector *d, struct bl_owner *o)
{
	if (o->contributed != NULL || o->type == NULL)
		return;
	o->contributed = o->type;
	o->type->members++;
	for (struct bl_item *it = o->items; it != NULL; it = it->onext)
		contribute_item(d, o, it);
}

static void
raise_item(struct detector *d, struct bl_owner *o, enum bl_kind k,
    const char *v, enum bl_state state, const struct ctx *c,
    const char *why)
{
	struct alert al;

	if (kinds[k].alert == ALERT_TYPE_COUNT)
		return;
	alert_init(&al, kinds[k].alert, c->ts);
	detect_alert_asset(&al, c->a, NULL);
	if (al.asset[0] == '\0')
		alert_asset(&al, o->key, NULL);
	if (c->ob != NULL)
		detect_alert_flow(&al, c->ob);
	if (c->peer != NULL)
		(void)snprintf(al.peer, sizeof(al.peer), "%s", c->peer);
	alert_object(&al, "%s %s", kinds[k].name, v);
	alert_message(&al, "%s %s: %s (%s)", o->key, kinds[k].what, v, why);
	(void)alert_ev(&al, "kind", "%s", kinds[k].name);
	(void)alert_ev(&al, "value", "%s", v);
	(void)alert_ev(&al, "state", "%s", state_names[state]);
	(void)alert_ev(&al, "mode", "%s", detect_mode_name(d->cfg->mode));
	(void)alert_ev_u64(&al, "baseline_items", o->nitems);
	if (o->type != NULL)
		(void)alert_ev(&al, "device_type", "%s", o->type->key);
	detect_raise(d, &al);
	d->stats.deviations++;
}

/*
 * What a new item of an asset becomes: learned when its type accepts it
 * or the asset is learning (unless a mature type of an asset in its own
 * learning says otherwise, for the typed kinds), else pending.
 */
static enum bl_state
decide(const struct detector *d, const struct bl_owner *o, enum bl_kind k,
    const char *v, uint64_t ts, const char **why)
{
	if (type_accepts(d, o->type, k, v)) {
		*why = "accepted by its device type";
		return BS_LEARNED;
	}
	/*
	 * A habit (a login in clear) is learned while the network learns,
	 * not while a device that joined later does: a new device sending
	 * passwords in clear is news.
	 */
	if (k == BK_CREDENTIAL) {
		if (!net_enforcing(d, ts)) {
			*why = "learning";
			return BS_LEARNED;
		}
		*why = "not in its baseline";
		return BS_PENDING;
	}
	if (owner_learning(d, o, ts)) {
		if (d->cfg->mode == DETECT_AUTO && kinds[k].typed &&
		    type_mature(d, o->type)) {
			*why = "outside its device type's baseline";
			return BS_PENDING;
		}
		*why = "learning";
		return BS_LEARNED;
	}
	*why = "not in its baseline";
	return BS_PENDING;
}

/*
 * The peer item a service_used item ("peer proto/port") goes with, or
 * NULL.
 */
static struct bl_item *
used_peer(const struct baseline *b, const struct bl_item *it)
{
	char peer[BL_VALUE_MAX];
	size_t n = strcspn(it->value, " ");

	if (it->kind != BK_SERVICE_USED || n >= sizeof(peer))
		return NULL;
	memcpy(peer, it->value, n);
	peer[n] = '\0';
	return item_find(b, it->owner, BK_PEER, peer);
}

/*
 * Judges one item of an asset: known and settled, nothing; known and
 * pending or rejected, the alert again (the engine counts repeats); new,
 * learned or pending with an alert (see enum judge_how). True for a
 * deviation.
 */
static bool
judge(struct detector *d, struct bl_owner *o, enum bl_kind k, const char *v,
    const struct ctx *c, enum judge_how how)
{
	struct baseline *b = d->bl;
	struct bl_item *it;
	enum bl_state st;
	const char *why;

	if (v[0] == '\0')
		return false;
	if ((it = item_find(b, o, k, v)) != NULL) {
		if (c->ts > it->last)
			it->last = c->ts;
		it->count++;
		mark_dirty(b, it);
		if (k == BK_SERVICE_USED && it->state == BS_PENDING) {
			/* It follows a person's decision on its peer. */
			const struct bl_item *p = used_peer(b, it);

			if (p != NULL && (p->state == BS_APPROVED ||
			    p->state == BS_REJECTED))
				it->state = p->state;
		}
		if (it->deferred || settled(it))
			return false;
		if (how == J_ALERT)
			raise_item(d, o, k, v, it->state, c,
			    it->state == BS_REJECTED ? "rejected" :
			    "pending review");
		return true;
	}
	st = how == J_WITH ? BS_PENDING : decide(d, o, k, v, c->ts, &why);
	if (o->deferring && k != BK_CREDENTIAL) {
		/*
		 * A new asset: wait for its identification. A habit judged
		 * for a stateless rule is the asset's own, no type's: it
		 * is decided at once.
		 */
		if ((it = item_add(b, o, k, v, BS_PENDING, c->ts)) != NULL) {
			it->deferred = true;
			it->count = 1;
			o->ndeferred++;
			return false;
		}
	}
	if ((it = item_add(b, o, k, v, st, c->ts)) != NULL) {
		it->count = 1;
		mark_dirty(b, it);
		if (st == BS_LEARNED)
			contribute_item(d, o, it);
	}
	if (st == BS_PENDING && how == J_ALERT)
		raise_item(d, o, k, v, st, c, why);
	return st == BS_PENDING;
}

/* The deferred items of a new asset, decided now. */
static void
resolve(struct detector *d, struct bl_owner *o, const struct asset *a)
{
	for (struct bl_item *it = o->items; it != NULL; it = it->onext) {
		struct ctx c = { .a = a, .ts = it->first };
		const char *why;

		if (!it->deferred)
			continue;
		it->deferred = false;
		o->ndeferred--;
		it->state = (uint8_t)decide(d, o, it->kind, it->value,
		    it->first, &why);
		mark_dirty(d->bl, it);
		if (it->state == BS_PENDING && it->kind == BK_SERVICE_USED) {
			const struct bl_item *p = used_peer(d->bl, it);

			/* The peer's own alert speaks for it. */
			if (p != NULL && !settled(p) && !p->deferred)
				continue;
		}
		if (it->state == BS_PENDING && it->kind != BK_CLIENT)
			raise_item(d, o, it->kind, it->value, BS_PENDING, &c,
			    why);
		else
			contribute_item(d, o, it);
	}
}

/*
 * Joins a, sep and b into buf (cut to fit). By hand: it runs for every
 * answered flow, and printf costs a dozen times more.
 */
static const char *
join3(char *buf, size_t len, const char *a, char sep, const char *b)
{
	size_t n = 0;

	for (; *a != '\0' && n + 1 < len; a++)
		buf[n++] = *a;
	if (n + 1 < len)
		buf[n++] = sep;
	for (; *b != '\0' && n + 1 < len; b++)
		buf[n++] = *b;
	buf[n] = '\0';
	return buf;
}

/* A peer as a baseline value: its address, or its /24 (/48) if public. */
static const char *
peer_value(const struct ward_addr *p, char *buf, size_t len)
{
	struct ward_addr net;

	char a[ADDR_STRLEN];

	if (addr_is_private(p))
		return addr_fmt(p, buf, len);
	net = *p;
	if (p->family == 4)
		net.b[3] = 0;
	else
		memset(net.b + 6, 0, 10);
	return join3(buf, len, addr_fmt(&net, a, sizeof(a)), '/',
	    p->family == 4 ? "24" : "48");
}

static const char *
proto_name(uint8_t p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : p == 132 ? "sctp" : "ip";
}

/* "tcp/104" into buf (16 bytes). */
static const char *
service_fmt(uint8_t proto, uint16_t port, char *buf)
{
	char num[8];
	size_t n = sizeof(num) - 1;

	num[n] = '\0';
	do {
		num[--n] = (char)('0' + port % 10);
		port /= 10;
	} while (port != 0);
	return join3(buf, 16, proto_name(proto), '/', num + n);
}

/* The endpoints of a flow record, from its fields. */
struct fview {
	uint8_t		 proto;
	struct ward_addr ip[2];
	uint16_t	 port[2];
	bool		 has_mac[2];
	uint8_t		 mac[2][6];
	const char	*app;
};

static bool
fview_get(const struct observation *ob, struct fview *v)
{
	static const char *const ipk[2] = { "src_ip", "dst_ip" };
	static const char *const portk[2] = { "src_port", "dst_port" };
	static const char *const mack[2] = { "src_mac", "dst_mac" };
	const struct obs_field *f;

	memset(v, 0, sizeof(*v));
	if (ob->flow != NULL) {
		/* The flow itself: no field looked up by name. */
		const struct flow *fl = ob->flow;

		v->proto = fl->proto;
		for (int i = 0; i < 2; i++) {
			v->ip[i] = fl->side[i].addr;
			v->port[i] = fl->side[i].port;
			v->has_mac[i] = fl->side[i].has_mac;
			memcpy(v->mac[i], fl->side[i].mac, 6);
		}
		v->app = obs_get_str(ob, "app");
		return v->ip[0].family != 0;
	}
	if ((f = obs_get(ob, "proto")) == NULL || f->type != OV_U64)
		return false;
	v->proto = (uint8_t)f->v.u;
	for (int i = 0; i < 2; i++) {
		if ((f = obs_get(ob, ipk[i])) == NULL || f->type != OV_ADDR)
			return false;
		v->ip[i] = f->v.addr;
		if ((f = obs_get(ob, portk[i])) != NULL && f->type == OV_U64)
			v->port[i] = (uint16_t)f->v.u;
		if ((f = obs_get(ob, mack[i])) != NULL && f->type == OV_MAC) {
			v->has_mac[i] = true;
			memcpy(v->mac[i], f->v.mac, 6);
		}
	}
	v->app = obs_get_str(ob, "app");
	return true;
}

/* The asset at one end of a flow: by IP, else by a MAC not a router's. */
static struct asset *
end_asset(const struct detector *d, const struct fview *v, int i)
{
	struct asset *a = detect_asset_by_ip(d, &v->ip[i]);

	if (a == NULL && v->has_mac[i]) {
		a = inv_find_mac(d->inv, v->mac[i]);
		if (a != NULL && a->router)
			a = NULL;
	}
	return a;
}

static bool
dhcp_port(uint16_t p)
{
	return p == 67 || p == 68 || p == 546 || p == 547;
}

/* DNS and NTP: servers every device talks to, learned network-wide. */
static bool
infra_port(uint8_t proto, uint16_t p)
{
	return p == 53 || (proto == 17 && p == 123);
}

/*
 * Activity in an hour of day (local time): learned while learning (with
 * the days it happened on), judged once hours_min_days were learned.
 */
static void
activity(struct detector *d, struct bl_owner *o, const struct ctx *c)
{
	uint64_t slot = c->ts / HOUR;
	time_t t = (time_t)(c->ts / USEC);
	struct tm tm;
	char v[8];
	int64_t day;

	if (slot == o->act_slot)
		return;
	o->act_slot = slot;
	if (localtime_r(&t, &tm) == NULL)
		return;
	day = (int64_t)tm.tm_year * 366 + tm.tm_yday;
	v[0] = (char)('0' + tm.tm_hour / 10);
	v[1] = (char)('0' + tm.tm_hour % 10);
	v[2] = '\0';
	if (owner_learning(d, o, c->ts)) {
		if (day != o->last_day) {
			o->last_day = day;
			o->days++;
			o->dirty = true;
		}
		(void)judge(d, o, BK_HOUR, v, c, J_ALERT);
	} else if (o->days >= d->cfg->hours_min_days)
		(void)judge(d, o, BK_HOUR, v, c, J_ALERT);
}

/*
 * Bytes and packets an asset sent, by the hour its flow records end: the
 * busiest hour is learned while learning; past it, an hour over
 * max(volume_factor x that, volume_floor) raises one volume_anomaly.
 */
static void
volume(struct detector *d, struct bl_owner *o, const struct ctx *c,
    uint64_t bytes, uint64_t pkts)
{
	uint64_t slot = c->ts / HOUR;
	double limit;
	struct alert al;

	if (slot > o->vol_slot) {
		o->vol_slot = slot;
		o->vol_bytes = o->vol_pkts = 0;
		o->vol_alerted = false;
	}
	o->vol_bytes += bytes;
	o->vol_pkts += pkts;
	if (owner_learning(d, o, c->ts)) {
		if (o->vol_bytes > o->bytes_max) {
			o->bytes_max = o->vol_bytes;
			o->dirty = true;
		}
		if (o->vol_pkts > o->pkts_max) {
			o->pkts_max = o->vol_pkts;
			o->dirty = true;
		}
		return;
	}
	limit = d->cfg->volume_factor * (double)o->bytes_max;
	if (limit < (double)d->cfg->volume_floor)
		limit = (double)d->cfg->volume_floor;
	if (o->vol_alerted || (double)o->vol_bytes <= limit)
		return;
	o->vol_alerted = true;
	alert_init(&al, ALERT_VOLUME_ANOMALY, c->ts);
	detect_alert_asset(&al, c->a, NULL);
	if (c->ob != NULL)
		detect_alert_flow(&al, c->ob);
	alert_object(&al, "hourly bytes");
	alert_message(&al, "%s sent %llu bytes this hour, over "
	    "%.0f (%.1f x its busiest learned hour of %llu, at least %llu)",
	    o->key, (unsigned long long)o->vol_bytes, limit,
	    d->cfg->volume_factor, (unsigned long long)o->bytes_max,
	    (unsigned long long)d->cfg->volume_floor);
	(void)alert_ev_u64(&al, "hour_bytes", o->vol_bytes);
	(void)alert_ev_u64(&al, "hour_packets", o->vol_pkts);
	(void)alert_ev_u64(&al, "learned_max_bytes", o->bytes_max);
	(void)alert_ev_u64(&al, "learned_max_packets", o->pkts_max);
	(void)alert_ev(&al, "threshold", "%.0f", limit);
	detect_raise(d, &al);
	d->stats.deviations++;
}

/* A SERVICE record: a conversation took place (the responder answered). */
static void
on_service(struct detector *d, const struct observation *ob)
{
	struct baseline *b = d->bl;
	struct fview v;
	struct asset *ini, *resp;
	char p0[ADDR_STRLEN + 4], p1[ADDR_STRLEN + 4], sv[16];
	char used[sizeof(p1) + sizeof(sv) + 1], inf[sizeof(used)];
	bool known_infra = false;

	if (!fview_get(ob, &v) || addr_is_special(&v.ip[0]) ||
	    addr_is_special(&v.ip[1]) || dhcp_port(v.port[1]) ||
	    cidr_list_has(&d->cfg->scan_allow, &v.ip[0]))
		return;
	service_fmt(v.proto, v.port[1], sv);
	peer_value(&v.ip[0], p0, sizeof(p0));
	peer_value(&v.ip[1], p1, sizeof(p1));
	join3(used, sizeof(used), p1, ' ', sv);
	if (infra_port(v.proto, v.port[1])) {
		struct bl_item *it;

		join3(inf, sizeof(inf), sv, ' ', p1);
		it = item_find(b, &b->net, BK_INFRA, inf);
		if (it == NULL && !net_enforcing(d, ob->ts))
			it = item_add(b, &b->net, BK_INFRA, inf, BS_LEARNED,
			    ob->ts);
		if (it != NULL) {
			if (ob->ts > it->last)
				it->last = ob->ts;
			it->count++;
			mark_dirty(b, it);
			known_infra = settled(it);
		}
	}
	ini = end_asset(d, &v, 0);
	resp = end_asset(d, &v, 1);
	if (ini != NULL && ini != resp) {
		struct bl_owner *o = owner_of(d, ini, ob->ts);
		struct ctx c = { ob, ini, p1, ob->ts };

		if (o != NULL && !known_infra) {
			bool dev = judge(d, o, BK_PEER, p1, &c, J_ALERT);

			activity(d, o, &c);
			(void)judge(d, o, BK_SERVICE_USED, used, &c,
			    dev ? J_WITH : J_ALERT);
		}
	}
	if (resp != NULL && resp != ini) {
		struct bl_owner *o = owner_of(d, resp, ob->ts);
		struct ctx c = { ob, resp, p0, ob->ts };

		if (o != NULL) {
			(void)judge(d, o, BK_SERVICE, sv, &c, J_ALERT);
			if (!known_infra)
				(void)judge(d, o, BK_CLIENT, p0, &c, J_SILENT);
		}
	}
}

/* A u64 field of an observation, 0 when absent. */
static uint64_t
field_u64(const struct observation *ob, const char *key)
{
	const struct obs_field *f = obs_get(ob, key);

	return f != NULL && f->type == OV_U64 ? f->v.u : 0;
}

/*
 * A flow record: what each end sent (bytes and packets, in the hour the
 * record ends), and the protocol spoken once the responder answered.
 */
static void
on_flow(struct detector *d, const struct observation *ob)
{
	struct fview v;
	uint64_t bytes[2], pkts[2];
	char peer[ADDR_STRLEN + 4];
	struct asset *ends[2];

	if (!fview_get(ob, &v))
		return;
	bytes[0] = field_u64(ob, "bytes_toserver");
	bytes[1] = field_u64(ob, "bytes_toclient");
	pkts[0] = field_u64(ob, "pkts_toserver");
	pkts[1] = field_u64(ob, "pkts_toclient");
	ends[0] = end_asset(d, &v, 0);
	ends[1] = end_asset(d, &v, 1);
	for (int i = 0; i < 2; i++) {
		struct bl_owner *o;
		struct ctx c = { ob, ends[i], NULL, ob->ts };

		if (ends[i] == NULL || (i == 1 && ends[1] == ends[0]) ||
		    (o = owner_of(d, ends[i], ob->ts)) == NULL)
			continue;
		c.peer = peer_value(&v.ip[1 - i], peer, sizeof(peer));
		volume(d, o, &c, bytes[i], pkts[i]);
		if (v.app != NULL && pkts[1] > 0 &&
		    !addr_is_special(&v.ip[1]) &&
		    !cidr_list_has(&d->cfg->scan_allow, &v.ip[0]))
			(void)judge(d, o, BK_PROTOCOL, v.app, &c, J_ALERT);
	}
}

/* The other end of an observation's flow, as a peer value. */
static const char *
flow_peer(const struct observation *ob, char *buf, size_t len)
{
	const struct flow *f = ob->flow;

	if (f == NULL)
		return NULL;
	if (addr_eq(&ob->ip, &f->side[0].addr))
		return peer_value(&f->side[1].addr, buf, len);
	return peer_value(&f->side[0].addr, buf, len);
}

/* The protocol of an application message's flow. */
static void
app_protocol(struct detector *d, struct bl_owner *o, const struct ctx *c)
{
	const struct flow *f = c->ob->flow;

	if (f != NULL && f->app != NULL && f->app->name != NULL)
		(void)judge(d, o, BK_PROTOCOL, f->app->name, c, J_ALERT);
}

static struct bl_assoc *
assoc_slot(struct baseline *b, const struct observation *ob)
{
	if (ob->flow == NULL)
		return NULL;
	return &b->assoc[ob->flow->id % BL_ASSOC_SLOTS];
}

/* Each UID of a DICOM list ("uid=name;uid"), judged. */
static void
dicom_sops(struct detector *d, struct bl_owner *o, const struct ctx *c,
    const char *list)
{
	char uid[BL_VALUE_MAX];

	while (list != NULL && *list != '\0') {
		size_t n = strcspn(list, "=;");

		if (n > 0 && n < sizeof(uid) && strncmp(list, "...", 3) != 0) {
			memcpy(uid, list, n);
			uid[n] = '\0';
			(void)judge(d, o, BK_DICOM_SOP, uid, c, J_ALERT);
		}
		list = strchr(list, ';');
		if (list != NULL)
			list++;
	}
}

/*
 * DICOM: an association's AE pair and proposed SOP classes are learned
 * (judged only while the requestor learns); a C-STORE-RQ is judged on its
 * association's pair and its SOP class, a C-MOVE-RQ on its destination.
 */
static void
on_dicom(struct detector *d, struct bl_owner *o, const struct ctx *c)
{
	const struct observation *ob = c->ob;
	const char *pdu = obs_get_str(ob, "pdu"), *cmd, *s;
	struct bl_assoc *as = assoc_slot(d->bl, ob);

	if (pdu == NULL)
		return;
	if (strcmp(pdu, "associate_rq") == 0) {
		const char *calling = obs_get_str(ob, "calling_ae");
		const char *called = obs_get_str(ob, "called_ae");

		if (calling == NULL || called == NULL || as == NULL)
			return;
		as->flow_id = ob->flow->id;
		(void)snprintf(as->pair, sizeof(as->pair), "%s->%s", calling,
		    called);
		if (owner_learning(d, o, c->ts)) {
			(void)judge(d, o, BK_DICOM_AE, as->pair, c, J_ALERT);
			dicom_sops(d, o, c, obs_get_str(ob,
			    "abstract_syntaxes"));
		}
		return;
	}
	if (strcmp(pdu, "command") != 0 ||
	    (cmd = obs_get_str(ob, "command")) == NULL)
		return;
	if (strcmp(cmd, "C-STORE-RQ") == 0) {
		if (as != NULL && as->flow_id == ob->flow->id &&
		    as->pair[0] != '\0')
			(void)judge(d, o, BK_DICOM_AE, as->pair, c, J_ALERT);
		if ((s = obs_get_str(ob, "sop_class_uid")) != NULL)
			(void)judge(d, o, BK_DICOM_SOP, s, c, J_ALERT);
	} else if (strcmp(cmd, "C-MOVE-RQ") == 0 &&
	    (s = obs_get_str(ob, "move_destination")) != NULL)
		(void)judge(d, o, BK_DICOM_MOVE, s, c, J_ALERT);
}

static void
on_hl7(struct detector *d, struct bl_owner *o, const struct ctx *c)
{
	const char *type = obs_get_str(c->ob, "message_type");
	const char *trig = obs_get_str(c->ob, "trigger");
	const char *app = obs_get_str(c->ob, "receiving_app");
	const char *fac = obs_get_str(c->ob, "receiving_facility");
	char v[BL_VALUE_MAX];

	if (type != NULL) {
		(void)snprintf(v, sizeof(v), "%s%s%s", type,
		    trig != NULL ? "^" : "", trig != NULL ? trig : "");
		(void)judge(d, o, BK_HL7_TYPE, v, c, J_ALERT);
	}
	if (app != NULL || fac != NULL) {
		(void)snprintf(v, sizeof(v), "%s/%s", app != NULL ? app : "",
		    fac != NULL ? fac : "");
		(void)judge(d, o, BK_HL7_PARTNER, v, c, J_ALERT);
	}
}

static void
on_mqtt(struct detector *d, struct bl_owner *o, const struct ctx *c)
{
	const char *type = obs_get_str(c->ob, "type"), *s;
	char v[BL_VALUE_MAX];

	if (type == NULL)
		return;
	if (strcmp(type, "publish") == 0 &&
	    (s = obs_get_str(c->ob, "topic")) != NULL)
		(void)judge(d, o, BK_MQTT_PUBLISH, s, c, J_ALERT);
	else if (strcmp(type, "subscribe") == 0 &&
	    (s = obs_get_str(c->ob, "topics")) != NULL) {
		while (*s != '\0') {
			size_t n = strcspn(s, ",");

			if (n > 0 && n < sizeof(v)) {
				memcpy(v, s, n);
				v[n] = '\0';
				(void)judge(d, o, BK_MQTT_SUBSCRIBE, v, c,
				    J_ALERT);
			}
			s += n;
			if (*s == ',')
				s++;
		}
	}
}

/* Patient data sent to a peer outside the sender's baseline. */
static void
on_phi(struct detector *d, struct bl_owner *o, const struct ctx *c)
{
	const struct bl_item *it = NULL;
	const char *proto = obs_get_str(c->ob, "proto");
	struct alert al;

	if (c->peer == NULL || owner_learning(d, o, c->ts))
		return;
	/* Known as a peer or a client; a new asset's wait for its type. */
	for (int k = BK_PEER; k <= BK_CLIENT; k++) {
		const struct bl_item *i = item_find(d->bl, o, k, c->peer);

		if (i != NULL && (settled(i) || i->deferred))
			return;
		if (i != NULL)
			it = i;
	}
	alert_init(&al, ALERT_PHI_NEW_PEER, c->ts);
	detect_alert_asset(&al, c->a, NULL);
	detect_alert_flow(&al, c->ob);
	(void)snprintf(al.peer, sizeof(al.peer), "%s", c->peer);
	alert_object(&al, "peer %s", c->peer);
	alert_message(&al, "%s sent patient data (%s) to %s, a peer outside "
	    "its baseline", o->key, proto != NULL ? proto : "?", c->peer);
	(void)alert_ev(&al, "proto", "%s", proto != NULL ? proto : "");
	(void)alert_ev(&al, "peer_state", "%s", it == NULL ? "unknown" :
	    state_names[it->state]);
	if ((proto = obs_get_str(c->ob, "segments")) != NULL ||
	    (proto = obs_get_str(c->ob, "names")) != NULL)
		(void)alert_ev(&al, "what", "%s", proto);
	detect_raise(d, &al);
	d->stats.deviations++;
}

void
baseline_obs(struct detector *d, const struct observation *ob)
{
	struct bl_owner *o;
	struct asset *a;
	char peer[ADDR_STRLEN + 4];
	struct ctx c;

	net_note(d->bl, ob->ts);
	switch (ob->kind) {
	case OBS_SERVICE:
		on_service(d, ob);
		return;
	case OBS_FLOW:
		on_flow(d, ob);
		return;
	case OBS_DICOM:
	case OBS_HL7:
	case OBS_MQTT:
	case OBS_PHI:
		break;
	default:
		return;
	}
	if ((a = detect_subject(d, ob)) == NULL ||
	    (o = owner_of(d, a, ob->ts)) == NULL)
		return;
	c.ob = ob;
	c.a = a;
	c.ts = ob->ts;
	c.peer = flow_peer(ob, peer, sizeof(peer));
	if (ob->kind != OBS_PHI)
		app_protocol(d, o, &c);
	switch (ob->kind) {
	case OBS_DICOM:
		on_dicom(d, o, &c);
		break;
	case OBS_HL7:
		on_hl7(d, o, &c);
		break;
	case OBS_MQTT:
		on_mqtt(d, o, &c);
		break;
	case OBS_PHI:
		on_phi(d, o, &c);
		break;
	default:
		break;
	}
}

int
baseline_hour_active(const struct detector *d, const struct asset *a,
    int hour)
{
	const struct baseline *b = d->bl;
	struct ward_addr k;
	const struct bl_owner *o;
	const struct bl_item *it;
	char v[3];

	if (a == NULL || b == NULL || hour < 0 || hour > 23)
		return -1;
	k = asset_mapkey(a);
	if ((o = addrmap_get(&b->assets, &k)) == NULL ||
	    o->days < d->cfg->hours_min_days)
		return -1;
	v[0] = (char)('0' + hour / 10);
	v[1] = (char)('0' + hour % 10);
	v[2] = '\0';
	it = item_find(b, o, BK_HOUR, v);
	return it != NULL && settled(it) ? 1 : 0;
}

bool
baseline_habit(struct detector *d, const struct asset *a, const char *value,
    uint64_t ts)
{
	struct bl_owner *o;
	struct ctx c = { .a = a, .ts = ts };

	if (a == NULL || (o = owner_of(d, a, ts)) == NULL)
		return false;
	return !judge(d, o, BK_CREDENTIAL, value, &c, J_SILENT);
}

/*
 * A new asset: new to the baseline too unless the store knew it. Once
 * the network's learning is over, that is an unknown device.
 */
void
baseline_change(struct detector *d, const struct asset *a,
    enum asset_change c, const char *detail, uint64_t ts)
{
	struct baseline *b = d->bl;
	struct ward_addr k;
	struct bl_owner *o;
	struct alert al;
	const char *host;

	(void)detail;
	if (c != ASSET_NEW)
		return;
	net_note(b, ts);
	k = asset_mapkey(a);
	if (addrmap_get(&b->assets, &k) != NULL ||
	    (o = owner_of(d, a, ts)) == NULL)
		return;
	if (d->cfg->mode != DETECT_LEARN) {
		o->deferring = true;
		o->defer_until = ts + BL_DEFER;
	}
	if (!net_enforcing(d, ts))
		return;
	alert_init(&al, ALERT_UNKNOWN_DEVICE, ts);
	detect_alert_asset(&al, a, NULL);
	alert_message(&al, "%s is a device ward has not seen before, after "
	    "the network's learning", o->key);
	if (a->vendor != NULL)
		(void)alert_ev(&al, "vendor", "%s", a->vendor);
	if ((host = asset_hostname(a)) != NULL)
		(void)alert_ev(&al, "hostname", "%s", host);
	(void)alert_ev(&al, "mode", "%s", detect_mode_name(d->cfg->mode));
	detect_raise(d, &al);
	d->stats.deviations++;
}

/*
 * Once per batch, after identification: each asset takes its type; an
 * asset past learning counts in its type's baseline; a new asset's
 * deferred items are decided once it is identified or has waited enough.
 */
void
baseline_tick(struct detector *d, uint64_t now)
{
	struct baseline *b = d->bl;
	struct asset *const *v;
	size_t n;

	v = inv_assets(d->inv, &n);
	for (size_t i = 0; i < n; i++) {
		struct ward_addr k = asset_mapkey(v[i]);
		struct bl_owner *o = addrmap_get(&b->assets, &k);
		const char *type = detect_asset_type(v[i]);

		if (o == NULL)
			continue;
		if (type != NULL && (o->type == NULL ||
		    strcmp(o->type->key, type) != 0))
			o->type = type_owner(d, type);
		if (!owner_learning(d, o, now))
			contribute(d, o);
		if (o->deferring && (o->type != NULL ||
		    now >= o->defer_until)) {
			o->deferring = false;
			resolve(d, o, v[i]);
		}
	}
	d->stats.baseline_items = b->n;
}

/* Applies a state read from the store to the item in memory. */
static int
apply_item(struct detector *d, const struct store_bl_item *si, bool loading)
{
	struct baseline *b = d->bl;
	struct bl_owner *o = NULL;
	struct bl_item *it;
	int k, st;

	for (k = 0; k < BK_COUNT; k++)
		if (strcmp(kinds[k].name, si->kind) == 0)
			break;
	for (st = 0; st < 4; st++)
		if (strcmp(state_names[st], si->state) == 0)
			break;
	if (k == BK_COUNT || st == 4)
		return 0;
	if (si->reviewed > b->reviewed)
		b->reviewed = si->reviewed;
	if (strcmp(si->scope, "asset") == 0) {
		struct ward_addr key;

		if (key_addr(si->key, &key) == -1)
			return 0;
		if ((o = addrmap_get(&b->assets, &key)) == NULL)
			o = asset_owner_add(b, &key, si->key, si->first);
		if (o != NULL && loading)
			o->dirty = false;
	} else if (strcmp(si->scope, "type") == 0) {
		/* A type's union is rebuilt from its assets. */
		if (st != BS_APPROVED && st != BS_REJECTED)
			return 0;
		o = type_owner(d, si->key);
	} else if (strcmp(si->scope, "network") == 0)
		o = &b->net;
	if (o == NULL)
		return 0;
	if ((it = item_find(b, o, (enum bl_kind)k, si->value)) == NULL) {
		if ((it = item_add(b, o, (enum bl_kind)k, si->value,
		    (enum bl_state)st, si->first)) == NULL)
			return 0;
		it->last = si->last;
		it->count = si->count;
	} else if (it->deferred) {
		it->deferred = false;
		o->ndeferred--;
	}
	it->state = (uint8_t)st;
	it->id = si->id;

	if (o->contributed != NULL)
		contribute_item(d, o, it);
	return 0;
}

static int
load_item(const struct store_bl_item *si, void *arg)
{
	return apply_item(arg, si, true);
}

static int
review_item(const struct store_bl_item *si, void *arg)
{
	return apply_item(arg, si, false);
}

static int
load_asset(const struct store_bl_asset *sa, void *arg)
{
	struct detector *d = arg;
	struct baseline *b = d->bl;
	struct ward_addr k;
	struct bl_owner *o;

	if (key_addr(sa->key, &k) == -1)
		return 0;
	if ((o = addrmap_get(&b->assets, &k)) == NULL &&
	    (o = asset_owner_add(b, &k, sa->key, sa->learn_start)) == NULL)
		return WARD_ENOMEM;
	if (sa->learn_start != 0 && (o->first == 0 ||
	    sa->learn_start < o->first))
		o->first = sa->learn_start;
	o->days = sa->days;
	o->last_day = sa->last_day;
	o->bytes_max = sa->bytes_max;
	o->pkts_max = sa->pkts_max;
	o->dirty = false;
	if (sa->type != NULL && sa->type[0] != '\0')
		o->type = type_owner(d, sa->type);
	return 0;
}

int
baseline_load(struct detector *d, struct store *s)
{
	struct baseline *b = d->bl;
	int64_t v;
	int rc;

	rc = store_bl_meta_get(s, "network_start", &v);
	if (rc == 0 && v > 0)
		b->net_start = (uint64_t)v;
	else if (rc != 0 && rc != WARD_ENOTFOUND)
		return rc;
	if ((rc = store_bl_foreach_asset(s, load_asset, d)) != 0 ||
	    (rc = store_bl_foreach_item(s, NULL, load_item, d)) != 0)
		return rc;
	/* What was loaded is what the store holds. */
	for (size_t i = 0; i < b->ndirty; i++)
		b->dirty[i]->dirty = false;
	b->ndirty = 0;
	d->stats.baseline_items = b->n;
	return 0;
}

int
baseline_save(struct detector *d, struct store *s)
{
	struct baseline *b = d->bl;
	struct store_bl_filter f;
	int rc;

	if (b->net_dirty && (rc = store_bl_meta_set(s, "network_start",
	    (int64_t)b->net_start)) != 0)
		return rc;
	for (struct bl_owner *o = b->asset_list; o != NULL; o = o->next) {
		struct store_bl_asset sa = {
			.key = o->key, .learn_start = o->first, .days = o->days,
			.last_day = o->last_day, .bytes_max = o->bytes_max,
			.pkts_max = o->pkts_max,
		};

		if (o->dirty && (rc = store_bl_put_asset(s, &sa)) != 0)
			return rc;
	}
	for (size_t i = 0; i < b->ndirty; i++) {
		struct bl_item *it = b->dirty[i];
		struct store_bl_item si = {
			.id = it->id, .scope = scope_names[it->owner->scope],
			.key = it->owner->key, .kind = kinds[it->kind].name,
			.value = it->value, .state = state_names[it->state],
			.first = it->first, .last = it->last,
			.count = it->count,
		};

		if ((rc = store_bl_put_item(s, &si)) != 0)
			return rc;
		it->id = si.id;
	}
	for (size_t i = 0; i < b->ndirty; i++)
		b->dirty[i]->dirty = false;
	b->ndirty = 0;
	b->net_dirty = false;
	for (struct bl_owner *o = b->asset_list; o != NULL; o = o->next)
		o->dirty = false;
	/* Decisions a person made since the last save. */
	memset(&f, 0, sizeof(f));
	f.reviewed_only = true;
	f.reviewed_after = b->reviewed;
	return store_bl_foreach_item(s, &f, review_item, d);
}
