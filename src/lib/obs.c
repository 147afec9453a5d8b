/*
 * obs.c - observation records and the bus that carries them (see obs.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/obs.h"

static const char *const kind_names[OBS_KIND_COUNT] = {
#define X(id, name) [OBS_##id] = name,
	WARD_OBS_KINDS(X)
#undef X
};

const char *
obs_kind_name(enum obs_kind k)
{
	if ((unsigned)k >= OBS_KIND_COUNT)
		return "unknown";
	return kind_names[k];
}

void
obs_init(struct observation *o, enum obs_kind kind, uint64_t ts)
{
	o->kind = kind;
	o->ts = ts;
	o->flow = NULL;
	o->has_mac = false;
	memset(o->mac, 0, sizeof(o->mac));
	memset(&o->ip, 0, sizeof(o->ip));
	o->vlan = 0;
	o->nfields = 0;
	o->used = 0;
}

void
obs_subject(struct observation *o, const uint8_t *mac,
    const struct ward_addr *ip)
{
	if (mac != NULL) {
		o->has_mac = true;
		memcpy(o->mac, mac, 6);
	}
	if (ip != NULL)
		o->ip = *ip;
}

static struct obs_field *
add_field(struct observation *o, const char *key, enum obs_vtype type)
{
	struct obs_field *f;

	if (o->nfields >= OBS_MAX_FIELDS)
		return NULL;
	f = &o->f[o->nfields++];
	f->key = key;
	f->type = type;
	return f;
}

static void *
scratch_alloc(struct observation *o, size_t n)
{
	void *p;

	if (n > OBS_SCRATCH - o->used)
		return NULL;
	p = o->scratch + o->used;
	o->used += n;
	return p;
}

/*
 * Length of the leading run of s that needs no escaping (printable ASCII
 * but the backslash, no NUL), eight bytes at a time: strings such as SSH
 * algorithm lists and DICOM syntax lists run to kilobytes. Word tests
 * after Anderson's "Bit Twiddling Hacks" (hasless, hasmore, haszero);
 * the run may stop up to seven bytes early, the caller's byte loop goes on.
 */
static size_t
clean_prefix(const uint8_t *s, size_t len)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
	size_t i = 0;
	uint64_t w, x;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		x = w ^ (ones * '\\');
		if ((((w - ones * 0x20) & ~w) | ((w + ones * (127 - 0x7e)) | w) |
		    ((x - ones) & ~x)) & high)
			break;
	}
	return i;
}

int
obs_str(struct observation *o, const char *key, const void *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *in = s;
	size_t need = 1, i, j;
	struct obs_field *f;
	char *out;

	i = clean_prefix(in, len);
	need += i;
	for (; i < len && in[i] != '\0'; i++)
		need += (in[i] >= 0x20 && in[i] < 0x7f && in[i] != '\\') ? 1 : 4;
	len = i;
	if (o->nfields >= OBS_MAX_FIELDS ||
	    (out = scratch_alloc(o, need)) == NULL)
		return -1;
	if (need == len + 1) {
		/* Nothing to escape, the common case. */
		memcpy(out, in, len);
		j = len;
		goto done;
	}
	for (i = 0, j = 0; i < len; i++) {
		if (in[i] >= 0x20 && in[i] < 0x7f && in[i] != '\\') {
			out[j++] = (char)in[i];
		} else {
			out[j++] = '\\';
			out[j++] = 'x';
			out[j++] = hex[in[i] >> 4];
			out[j++] = hex[in[i] & 15];
		}
	}
done:
	out[j] = '\0';
	f = add_field(o, key, OV_STR);
	f->v.str.s = out;
	f->v.str.len = j;
	return 0;
}

int
obs_cstr(struct observation *o, const char *key, const char *s)
{
	return obs_str(o, key, s, strlen(s));
}

int
obs_u64(struct observation *o, const char *key, uint64_t v)
{
	struct obs_field *f = add_field(o, key, OV_U64);

	if (f == NULL)
		return -1;
	f->v.u = v;
	return 0;
}

int
obs_bool(struct observation *o, const char *key, bool v)
{
	struct obs_field *f = add_field(o, key, OV_BOOL);

	if (f == NULL)
		return -1;
	f->v.b = v;
	return 0;
}

int
obs_addr(struct observation *o, const char *key, const struct ward_addr *a)
{
	struct obs_field *f = add_field(o, key, OV_ADDR);

	if (f == NULL)
		return -1;
	f->v.addr = *a;
	return 0;
}

int
obs_mac(struct observation *o, const char *key, const uint8_t mac[6])
{
	struct obs_field *f = add_field(o, key, OV_MAC);

	if (f == NULL)
		return -1;
	memcpy(f->v.mac, mac, 6);
	return 0;
}

static int
add_bytes(struct observation *o, const char *key, enum obs_vtype type,
    const void *v, size_t n)
{
	struct obs_field *f;
	uint8_t *p;

	if (o->nfields >= OBS_MAX_FIELDS || (p = scratch_alloc(o, n)) == NULL)
		return -1;
	if (n > 0)
		memcpy(p, v, n);
	f = add_field(o, key, type);
	f->v.list.v = p;
	f->v.list.n = n;
	return 0;
}

int
obs_list(struct observation *o, const char *key, const uint8_t *v, size_t n)
{
	return add_bytes(o, key, OV_LIST, v, n);
}

int
obs_hex(struct observation *o, const char *key, const void *v, size_t n)
{
	return add_bytes(o, key, OV_HEX, v, n);
}

const struct obs_field *
obs_get(const struct observation *o, const char *key)
{
	/*
	 * Keys are string literals, which the linker merges, so the pointer
	 * test usually decides; the first two bytes spare most string
	 * compares (many keys share a first letter).
	 */
	for (size_t i = 0; i < o->nfields; i++) {
		const char *k = o->f[i].key;

		if (k == key)
			return &o->f[i];
		if (k[0] != key[0])
			continue;
		if (k[0] == '\0')
			return &o->f[i];
		if (k[1] != key[1])
			continue;
		if (k[1] == '\0' || strcmp(k + 2, key + 2) == 0)
			return &o->f[i];
	}
	return NULL;
}

const char *
obs_get_str(const struct observation *o, const char *key)
{
	const struct obs_field *f = obs_get(o, key);

	if (f == NULL || f->type != OV_STR)
		return NULL;
	return f->v.str.s;
}

const char *
obs_list_fmt(const struct obs_field *f, char *buf, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return buf;
	for (size_t i = 0; i < f->v.list.n; i++) {
		char num[4];
		unsigned v = f->v.list.v[i];
		size_t n = 0, need;

		/* Digits by hand: this runs for every DHCP message. */
		do {
			num[n++] = (char)('0' + v % 10);
			v /= 10;
		} while (v != 0);
		need = n + (i > 0);
		if (off + need >= len)
			break;
		if (i > 0)
			buf[off++] = ',';
		while (n > 0)
			buf[off++] = num[--n];
	}
	buf[off] = '\0';
	return buf;
}

/* The bus: a short array of subscribers, walked in order. */
struct subscriber {
	uint32_t	 mask;
	obs_fn		 fn;
	void		*arg;
};

#define BUS_MAX_SUBSCRIBERS 32

struct obs_bus {
	size_t			 nsubs;
	struct subscriber	 subs[BUS_MAX_SUBSCRIBERS];
	uint64_t		 count[OBS_KIND_COUNT];
};

struct obs_bus *
obs_bus_new(void)
{
	return calloc(1, sizeof(struct obs_bus));
}

void
obs_bus_free(struct obs_bus *b)
{
	free(b);
}

int
obs_subscribe(struct obs_bus *b, uint32_t mask, obs_fn fn, void *arg)
{
	if (b->nsubs >= BUS_MAX_SUBSCRIBERS)
		return -1;
	b->subs[b->nsubs].mask = mask;
	b->subs[b->nsubs].fn = fn;
	b->subs[b->nsubs].arg = arg;
	b->nsubs++;
	return 0;
}

void
obs_emit(struct obs_bus *b, const struct observation *o)
{
	uint32_t bit;

	if ((unsigned)o->kind >= OBS_KIND_COUNT)
		return;
	bit = OBS_MASK(o->kind);
	b->count[o->kind]++;
	for (size_t i = 0; i < b->nsubs; i++)
		if (b->subs[i].mask & bit)
			b->subs[i].fn(o, b->subs[i].arg);
}

uint64_t
obs_bus_count(const struct obs_bus *b, enum obs_kind k)
{
	if ((unsigned)k >= OBS_KIND_COUNT)
		return 0;
	return b->count[k];
}
