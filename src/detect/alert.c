/*
 * alert.c - alerts, and the engine that deduplicates and rate-limits them
 * (see alert.h).
 *
 * Keys (type, asset, object) live in one array with an open-addressing
 * index over it; per-asset token buckets likewise. When either passes
 * max_keys, the stalest eighth is dropped and the index rebuilt: eviction
 * is rare, lookups stay one probe or two.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/alert.h"
#include "detect-private.h"

static const struct {
	const char		*name;
	const char		*category;
	enum alert_severity	 severity;
} types[] = {
#define X(id, n, cat, sev) { n, cat, ALERT_SEV_##sev },
	WARD_ALERT_TYPES(X)
#undef X
};

static const char *const sev_names[] = {
	"default", "info", "low", "medium", "high", "critical",
};

const char *
alert_severity_name(enum alert_severity s)
{
	if ((unsigned)s >= sizeof(sev_names) / sizeof(sev_names[0]))
		return "?";
	return sev_names[s];
}

enum alert_severity
alert_severity_parse(const char *s)
{
	for (size_t i = 1; i < sizeof(sev_names) / sizeof(sev_names[0]); i++)
		if (strcmp(s, sev_names[i]) == 0)
			return (enum alert_severity)i;
	return ALERT_SEV_DEFAULT;
}

const char *
alert_type_name(enum alert_type t)
{
	return (unsigned)t < ALERT_TYPE_COUNT ? types[t].name : "?";
}

const char *
alert_type_category(enum alert_type t)
{
	return (unsigned)t < ALERT_TYPE_COUNT ? types[t].category : "?";
}

enum alert_severity
alert_type_severity(enum alert_type t)
{
	return (unsigned)t < ALERT_TYPE_COUNT ? types[t].severity :
	    ALERT_SEV_MEDIUM;
}

int
alert_type_parse(const char *name)
{
	for (int i = 0; i < ALERT_TYPE_COUNT; i++)
		if (strcmp(name, types[i].name) == 0)
			return i;
	return -1;
}

void
alert_init(struct alert *a, enum alert_type t, uint64_t ts)
{
	memset(a, 0, sizeof(*a));
	a->type = t;
	a->ts = ts;
}

void
alert_asset(struct alert *a, const char *key, const struct ward_addr *ip)
{
	if (ip != NULL)
		a->ip = *ip;
	if (key != NULL)
		(void)snprintf(a->asset, sizeof(a->asset), "%s", key);
	else if (ip != NULL)
		addr_fmt(ip, a->asset, sizeof(a->asset));
}

void
alert_message(struct alert *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
}

void
alert_object(struct alert *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(a->object, sizeof(a->object), fmt, ap);
	va_end(ap);
}

int
alert_ev(struct alert *a, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (a->nev >= ALERT_EVIDENCE_MAX)
		return -1;
	a->ev[a->nev].key = key;
	va_start(ap, fmt);
	(void)vsnprintf(a->ev[a->nev].value, ALERT_VALUE_MAX, fmt, ap);
	va_end(ap);
	a->nev++;
	return 0;
}

int
alert_ev_u64(struct alert *a, const char *key, uint64_t v)
{
	return alert_ev(a, key, "%llu", (unsigned long long)v);
}

int
alert_ev_addr(struct alert *a, const char *key, const struct ward_addr *ip)
{
	char buf[ADDR_STRLEN];

	return alert_ev(a, key, "%s", addr_fmt(ip, buf, sizeof(buf)));
}

enum alert_severity
alert_severity(const struct alert *a)
{
	return a->severity != ALERT_SEV_DEFAULT ? a->severity :
	    alert_type_severity(a->type);
}

void
alert_limits_defaults(struct alert_limits *l)
{
	l->dedup_window = 3600ULL * 1000000;	/* an update an hour */
	l->burst = 20;
	l->refill = 60ULL * 1000000;		/* a new key a minute */
	l->max_keys = 8192;
}

/* One deduplication key. */
struct akey {
	uint32_t	 hash;
	uint64_t	 id;
	uint64_t	 first;
	uint64_t	 last;
	uint64_t	 count;
	uint64_t	 delivered_count;	/* count at the last delivery */
	uint64_t	 delivered_at;
	struct alert	*alert;		/* the newest occurrence */
};

/* One asset's token bucket and what it held back. */
struct bucket {
	uint32_t	 hash;
	char		 asset[ADDR_STRLEN];
	struct ward_addr ip;
	uint64_t	 tokens_at;	/* capture time of the last refill */
	uint32_t	 tokens;
	uint64_t	 last;
	uint64_t	 held[ALERT_TYPE_COUNT];	/* since the last summary */
	uint64_t	 held_total;
	uint64_t	 held_first;
};

/* An array of records with an index of positions (pos + 1) over it. */
struct table {
	void		**v;
	size_t		 n, cap;
	uint32_t	*index;
	size_t		 icap;		/* power of two */
};

struct alerter {
	struct alert_limits limits;
	struct {
		alert_fn fn;
		void	*arg;
	} sinks[8];
	size_t		 nsinks;
	struct table	 keys;		/* struct akey */
	struct table	 buckets;	/* struct bucket */
	uint64_t	 next_id;
	struct alert_stats stats;
};

static uint32_t
key_hash(enum alert_type t, const char *asset, const char *object)
{
	uint32_t h = FNV_OFFSET ^ (uint32_t)t;

	h = fnv1a_str(h * FNV_PRIME, asset);
	h = fnv1a_str(h ^ 0x1f, object);
	return h;
}

static int
table_reindex(struct table *t, size_t icap, uint32_t (*hashof)(void *))
{
	uint32_t *ix = calloc(icap, sizeof(*ix));

	if (ix == NULL)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = hashof(t->v[i]) & (icap - 1);

		while (ix[j] != 0)
			j = (j + 1) & (icap - 1);
		ix[j] = (uint32_t)i + 1;
	}
	free(t->index);
	t->index = ix;
	t->icap = icap;
	return 0;
}

static uint32_t
akey_hash(void *p)
{
	return ((struct akey *)p)->hash;
}

static uint32_t
bucket_hash(void *p)
{
	return ((struct bucket *)p)->hash;
}

/* Appends p; grows the array and the index. 0 or -1. */
static int
table_add(struct table *t, void *p, uint32_t (*hashof)(void *))
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		void **v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	if ((t->n + 1) * 2 > t->icap &&
	    table_reindex(t, t->icap ? t->icap * 2 : 128, hashof) == -1)
		return -1;
	t->v[t->n++] = p;
	{
		size_t j = hashof(p) & (t->icap - 1);

		while (t->index[j] != 0)
			j = (j + 1) & (t->icap - 1);
		t->index[j] = (uint32_t)t->n;
	}
	return 0;
}

struct alerter *
alerter_new(const struct alert_limits *l)
{
	struct alerter *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	if (l != NULL)
		e->limits = *l;
	else
		alert_limits_defaults(&e->limits);
	if (e->limits.max_keys < 16)
		e->limits.max_keys = 16;
	return e;
}

void
alerter_free(struct alerter *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->keys.n; i++) {
		struct akey *k = e->keys.v[i];

		free(k->alert);
		free(k);
	}
	for (size_t i = 0; i < e->buckets.n; i++)
		free(e->buckets.v[i]);
	free(e->keys.v);
	free(e->keys.index);
	free(e->buckets.v);
	free(e->buckets.index);
	free(e);
}

int
alerter_on(struct alerter *e, alert_fn fn, void *arg)
{
	if (e->nsinks >= sizeof(e->sinks) / sizeof(e->sinks[0]))
		return -1;
	e->sinks[e->nsinks].fn = fn;
	e->sinks[e->nsinks].arg = arg;
	e->nsinks++;
	return 0;
}

const struct alert_stats *
alerter_stats(const struct alerter *e)
{
	return &e->stats;
}

static void
deliver(struct alerter *e, struct akey *k, bool update)
{
	struct alert_record r = {
		.alert = k->alert, .id = k->id, .first = k->first,
		.last = k->last, .count = k->count, .update = update,
	};

	for (size_t i = 0; i < e->nsinks; i++)
		e->sinks[i].fn(&r, e->sinks[i].arg);
	k->delivered_count = k->count;
	k->delivered_at = k->last;
	if (update)
		e->stats.updates++;
	else {
		e->stats.delivered++;
		e->stats.by_type[k->alert->type]++;
	}
}

static struct akey *
key_find(struct alerter *e, const struct alert *a, uint32_t h)
{
	if (e->keys.icap == 0)
		return NULL;
	for (size_t j = h & (e->keys.icap - 1); e->keys.index[j] != 0;
	    j = (j + 1) & (e->keys.icap - 1)) {
		struct akey *k = e->keys.v[e->keys.index[j] - 1];

		if (k->hash == h && k->alert->type == a->type &&
		    strcmp(k->alert->asset, a->asset) == 0 &&
		    strcmp(k->alert->object, a->object) == 0)
			return k;
	}
	return NULL;
}

static struct bucket *
bucket_get(struct alerter *e, const struct alert *a, uint64_t now)
{
	uint32_t h = fnv1a_str(FNV_OFFSET, a->asset);
	struct bucket *b;

	if (e->buckets.icap != 0)
		for (size_t j = h & (e->buckets.icap - 1);
		    e->buckets.index[j] != 0;
		    j = (j + 1) & (e->buckets.icap - 1)) {
			b = e->buckets.v[e->buckets.index[j] - 1];
			if (b->hash == h && strcmp(b->asset, a->asset) == 0)
				return b;
		}
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->hash = h;
	memcpy(b->asset, a->asset, sizeof(b->asset));
	b->ip = a->ip;
	b->tokens = e->limits.burst;
	b->tokens_at = now;
	if (table_add(&e->buckets, b, bucket_hash) == -1) {
		free(b);
		return NULL;
	}
	return b;
}

static int
cmp_last(const void *x, const void *y)
{
	const struct akey *a = *(struct akey *const *)x;
	const struct akey *b = *(struct akey *const *)y;

	return a->last < b->last ? -1 : a->last > b->last;
}

static int
cmp_bucket_last(const void *x, const void *y)
{
	const struct bucket *a = *(struct bucket *const *)x;
	const struct bucket *b = *(struct bucket *const *)y;

	return a->last < b->last ? -1 : a->last > b->last;
}

/*
 * Over max_keys: the stalest eighth of the keys goes (their pending
 * updates are delivered first, so no count is lost), and so does the
 * stalest eighth of the buckets that hold nothing back.
 */
static void
evict(struct alerter *e)
{
	size_t drop = e->limits.max_keys / 8, keep = 0;

	if (e->keys.n >= e->limits.max_keys) {
		qsort(e->keys.v, e->keys.n, sizeof(e->keys.v[0]), cmp_last);
		for (size_t i = 0; i < e->keys.n; i++) {
			struct akey *k = e->keys.v[i];

			if (i < drop) {
				if (k->count > k->delivered_count)
					deliver(e, k, true);
				free(k->alert);
				free(k);
				e->stats.evicted++;
			} else
				e->keys.v[keep++] = k;
		}
		e->keys.n = keep;
		(void)table_reindex(&e->keys, e->keys.icap, akey_hash);
	}
	if (e->buckets.n >= e->limits.max_keys) {
		keep = 0;
		qsort(e->buckets.v, e->buckets.n, sizeof(e->buckets.v[0]),
		    cmp_bucket_last);
		for (size_t i = 0; i < e->buckets.n; i++) {
			struct bucket *b = e->buckets.v[i];

			if (i < drop && b->held_total == 0)
				free(b);
			else
				e->buckets.v[keep++] = b;
		}
		e->buckets.n = keep;
		(void)table_reindex(&e->buckets, e->buckets.icap, bucket_hash);
	}
}

/* Tokens come back one per refill period, up to the burst. */
static bool
take_token(struct alerter *e, struct bucket *b, uint64_t now)
{
	if (now > b->tokens_at && e->limits.refill > 0) {
		uint64_t add = (now - b->tokens_at) / e->limits.refill;

		if (add > 0) {
			b->tokens = add >= e->limits.burst ? e->limits.burst :
			    (uint32_t)(b->tokens + add > e->limits.burst ?
			    e->limits.burst : b->tokens + add);
			b->tokens_at += add * e->limits.refill;
		}
	}
	if (b->tokens == 0)
		return false;
	b->tokens--;
	return true;
}

int
alerter_raise(struct alerter *e, const struct alert *a)
{
	uint32_t h = key_hash(a->type, a->asset, a->object);
	struct akey *k;
	struct bucket *b;

	e->stats.raised++;
	if ((k = key_find(e, a, h)) != NULL) {
		k->count++;
		if (a->ts > k->last)
			k->last = a->ts;
		*k->alert = *a;
		return 0;
	}
	if ((b = bucket_get(e, a, a->ts)) == NULL)
		return -1;
	b->last = a->ts;
	if (a->type != ALERT_ALERT_FLOOD && !take_token(e, b, a->ts)) {
		if (b->held_total == 0)
			b->held_first = a->ts;
		b->held[a->type]++;
		b->held_total++;
		e->stats.suppressed++;
		return 0;
	}
	if (e->keys.n >= e->limits.max_keys)
		evict(e);
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->alert = malloc(sizeof(*k->alert))) == NULL) {
		free(k);
		return -1;
	}
	*k->alert = *a;
	k->hash = h;
	k->id = ++e->next_id;
	k->first = k->last = a->ts;
	k->count = 1;
	if (table_add(&e->keys, k, akey_hash) == -1) {
		free(k->alert);
		free(k);
		return -1;
	}
	deliver(e, k, false);
	return 0;
}

/* One alert_flood per asset per window, listing what was held back. */
static void
flood_summary(struct alerter *e, struct bucket *b, uint64_t now)
{
	struct alert a;
	char list[ALERT_VALUE_MAX];
	size_t used = 0;

	alert_init(&a, ALERT_ALERT_FLOOD, now);
	memcpy(a.asset, b->asset, sizeof(a.asset));
	a.ip = b->ip;
	alert_message(&a, "%llu alerts of %s held back by the rate limit",
	    (unsigned long long)b->held_total, b->asset);
	alert_ev_u64(&a, "held_back", b->held_total);
	list[0] = '\0';
	for (int t = 0; t < ALERT_TYPE_COUNT; t++) {
		int w;

		if (b->held[t] == 0)
			continue;
		w = snprintf(list + used, sizeof(list) - used, "%s%s=%llu",
		    used ? "," : "", alert_type_name(t),
		    (unsigned long long)b->held[t]);
		if (w < 0 || (size_t)w >= sizeof(list) - used)
			break;
		used += (size_t)w;
	}
	alert_ev(&a, "types", "%s", list);
	alert_ev_u64(&a, "burst", e->limits.burst);
	alert_ev_u64(&a, "refill_seconds", e->limits.refill / 1000000);
	memset(b->held, 0, sizeof(b->held));
	b->held_total = 0;
	(void)alerter_raise(e, &a);
}

void
alerter_flush(struct alerter *e, uint64_t now, bool final)
{
	for (size_t i = 0; i < e->buckets.n; i++) {
		struct bucket *b = e->buckets.v[i];

		if (b->held_total > 0)
			flood_summary(e, b, now > b->last ? now : b->last);
	}
	for (size_t i = 0; i < e->keys.n; i++) {
		struct akey *k = e->keys.v[i];

		if (k->count == k->delivered_count)
			continue;
		if (final || now >= k->delivered_at + e->limits.dedup_window)
			deliver(e, k, true);
	}
}
