/*
 * frag.c - IPv4 and IPv6 fragment reassembly under a memory cap.
 *
 * Standards: RFC 791 3.2 and RFC 815 (reassembly), RFC 8200 4.5 (IPv6
 * fragments; overlapping fragments are discarded), RFC 5722 (overlapping
 * IPv6 fragments: drop the whole datagram), RFC 1858 (overlap attacks).
 *
 * A datagram is keyed by (source, destination, identification, protocol)
 * and held as a list of fragments sorted by offset:
 *
 *	offset 0                                                   total
 *	|--- fragment ---|--- fragment ---| ... |--- last (MF=0) ---|
 *
 * It completes when the last fragment has been seen and the fragments
 * cover [0, total) without a hole. Any fragment that overlaps another with
 * different bytes, lies past the end, or breaks the 8-octet rule drops the
 * datagram: its entry stays as a tombstone until the timeout so that
 * fragments sent after the bad one cannot build a second version of it.
 * Every byte held (entries, fragment headers, data) counts towards the
 * memory cap; a fragment that would pass it drops its datagram.
 */
#include <stdlib.h>
#include <string.h>

#include "decode-private.h"

#define FRAG_BUCKETS	4096	/* power of two */
#define IP_MAXPACKET	65535

struct frag_piece {
	struct frag_piece	*next;
	uint32_t		 off;
	uint32_t		 len;
	uint8_t			 data[];
};

struct frag_dgram {
	struct frag_dgram	*hnext;		/* hash chain */
	struct frag_dgram	*prev;		/* age list, oldest first */
	struct frag_dgram	*next;
	struct frag_key		 key;
	uint64_t		 first_ts;
	struct frag_piece	*pieces;	/* sorted by offset */
	size_t			 held;		/* bytes of the pieces */
	uint32_t		 npieces;
	uint32_t		 total;		/* end, once have_last */
	uint32_t		 sum;		/* data bytes held */
	bool			 have_last;
	bool			 dead;		/* dropped: a tombstone */
};

struct frag_table {
	struct frag_dgram	*buckets[FRAG_BUCKETS];
	struct frag_dgram	*oldest;
	struct frag_dgram	*newest;
	size_t			 bytes;
	uint32_t		 seed;
};

struct frag_table *
frag_table_new(void)
{
	struct frag_table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	/* A secret seed keeps chosen identifiers from sharing one chain. */
	t->seed = arc4random();
	return t;
}

static uint32_t
frag_hash(const struct frag_table *t, const struct frag_key *k)
{
	uint32_t h;

	h = addr_hash(&k->src, t->seed ^ k->id);
	h = addr_hash(&k->dst, h ^ k->proto);
	return h & (FRAG_BUCKETS - 1);
}

static bool
frag_key_eq(const struct frag_key *a, const struct frag_key *b)
{
	return a->id == b->id && a->proto == b->proto &&
	    addr_eq(&a->src, &b->src) && addr_eq(&a->dst, &b->dst);
}

/* Frees the fragments of g, keeping the entry. */
static void
frag_clear(struct frag_table *t, struct frag_dgram *g)
{
	struct frag_piece *q, *next;

	for (q = g->pieces; q != NULL; q = next) {
		next = q->next;
		free(q);
	}
	g->pieces = NULL;
	t->bytes -= g->held;
	g->held = 0;
	g->npieces = 0;
	g->sum = 0;
}

/* Unlinks and frees g. */
static void
frag_remove(struct frag_table *t, struct frag_dgram *g)
{
	struct frag_dgram **pp;

	pp = &t->buckets[frag_hash(t, &g->key)];
	while (*pp != g)
		pp = &(*pp)->hnext;
	*pp = g->hnext;
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		t->oldest = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	else
		t->newest = g->prev;
	frag_clear(t, g);
	t->bytes -= sizeof(*g);
	free(g);
}

/* Drops the datagram of a bad fragment, counting kind k. */
static enum decode_result
frag_kill(struct decoder *d, struct frag_dgram *g, enum malform k)
{
	if (g != NULL) {
		frag_clear(d->frags, g);
		g->dead = true;
	}
	return decode_mal(d, k);
}

void
frag_table_free(struct frag_table *t)
{
	if (t == NULL)
		return;
	while (t->oldest != NULL)
		frag_remove(t, t->oldest);
	free(t);
}

size_t
frag_table_bytes(const struct frag_table *t)
{
	return t->bytes;
}

/*
 * Drops datagrams first seen more than the timeout before now. The age
 * list is in arrival order, so a capture whose clock steps back may keep
 * an entry until the ones in front of it expire.
 */
void
frag_expire(struct decoder *d, uint64_t now)
{
	struct frag_table *t = d->frags;
	struct frag_dgram *g;

	while ((g = t->oldest) != NULL) {
		if (now < g->first_ts ||
		    now - g->first_ts <= d->cfg.frag_timeout)
			break;
		if (!g->dead)
			malform_count(&d->stats.mal, MAL_FRAG_TIMEOUT);
		frag_remove(t, g);
	}
}

static struct frag_dgram *
frag_lookup(struct frag_table *t, const struct frag_key *k)
{
	struct frag_dgram *g;

	for (g = t->buckets[frag_hash(t, k)]; g != NULL; g = g->hnext)
		if (frag_key_eq(&g->key, k))
			return g;
	return NULL;
}

static struct frag_dgram *
frag_create(struct decoder *d, const struct frag_key *k, uint64_t ts)
{
	struct frag_table *t = d->frags;
	struct frag_dgram *g;
	uint32_t h;

	if (t->bytes + sizeof(*g) > d->cfg.frag_memcap)
		return NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->key = *k;
	g->first_ts = ts;
	h = frag_hash(t, k);
	g->hnext = t->buckets[h];
	t->buckets[h] = g;
	g->prev = t->newest;
	if (t->newest != NULL)
		t->newest->next = g;
	else
		t->oldest = g;
	t->newest = g;
	t->bytes += sizeof(*g);
	return g;
}

/* Copies the fragments of a complete datagram into one new buffer. */
static int
frag_join(struct decoder *d, struct frag_dgram *g, struct cursor *whole)
{
	struct frag_piece *q;
	uint8_t *buf;

	if ((buf = malloc(g->total)) == NULL)
		return -1;
	for (q = g->pieces; q != NULL; q = q->next)
		memcpy(buf + q->off, q->data, q->len);
	free(d->reasm);
	d->reasm = buf;
	*whole = cur_make(buf, g->total);
	return 0;
}

enum decode_result
frag_add(struct decoder *d, const struct frag_key *k, uint64_t ts,
    uint32_t off, bool more, size_t hdrlen, const struct cursor *data,
    struct cursor *whole)
{
	struct frag_table *t = d->frags;
	struct frag_dgram *g;
	struct frag_piece *q, **pp, *n;
	size_t len = cur_left(data), need;
	uint32_t end;

	frag_expire(d, ts);
	g = frag_lookup(t, k);
	if (g != NULL && g->dead)
		return decode_mal(d, MAL_FRAG_DROPPED);

	/* RFC 791, RFC 8200 4.5: at most 65535 bytes once reassembled. */
	if (hdrlen > IP_MAXPACKET || off + len > IP_MAXPACKET - hdrlen)
		return frag_kill(d, g, MAL_FRAG_TOO_BIG);
	end = off + (uint32_t)len;
	/*
	 * RFC 8200 4.5: every fragment but the last carries a multiple of 8
	 * octets (RFC 791 implies it through the offset unit). An empty
	 * fragment adds nothing and is not sent by any stack.
	 */
	if (len == 0 || (more && len % 8 != 0))
		return frag_kill(d, g, MAL_FRAG_BAD_OFFSET);
	if (g != NULL && g->have_last &&
	    (end > g->total || (!more && end != g->total)))
		return frag_kill(d, g, MAL_FRAG_BAD_OFFSET);

	if (g == NULL && (g = frag_create(d, k, ts)) == NULL)
		return decode_mal(d, MAL_FRAG_MEMCAP);

	/* Find the place in offset order, refusing any overlap. */
	for (pp = &g->pieces; (q = *pp) != NULL; pp = &q->next) {
		if (q->off >= end)
			break;
		if (q->off + q->len <= off)
			continue;
		/*
		 * RFC 5722, RFC 8200 4.5: overlapping fragments drop the
		 * datagram. A byte-identical copy (a frame seen twice on a
		 * SPAN port) is harmless and ignored.
		 */
		if (q->off == off && q->len == len &&
		    memcmp(q->data, data->p, len) == 0)
			return DECODE_HELD;
		return frag_kill(d, g, MAL_FRAG_OVERLAP);
	}
	/* The last fragment: nothing may lie beyond it. */
	if (!more && *pp != NULL)
		return frag_kill(d, g, MAL_FRAG_BAD_OFFSET);
	if (g->npieces >= FRAG_MAX_PIECES)
		return frag_kill(d, g, MAL_FRAG_TOO_MANY);

	need = sizeof(*n) + len;
	if (t->bytes + need > d->cfg.frag_memcap ||
	    (n = malloc(need)) == NULL) {
		frag_remove(t, g);
		return decode_mal(d, MAL_FRAG_MEMCAP);
	}
	n->off = off;
	n->len = (uint32_t)len;
	memcpy(n->data, data->p, len);
	n->next = *pp;
	*pp = n;
	g->npieces++;
	g->held += need;
	g->sum += (uint32_t)len;
	t->bytes += need;
	if (!more) {
		g->have_last = true;
		g->total = end;
	}

	/* Without overlaps, as many bytes as the total means no hole. */
	if (!g->have_last || g->sum != g->total)
		return DECODE_HELD;
	if (frag_join(d, g, whole) == -1) {
		frag_remove(t, g);
		return decode_mal(d, MAL_FRAG_MEMCAP);
	}
	frag_remove(t, g);
	d->stats.reassembled++;
	return DECODE_OK;
}
