/*
 * stream.c - in-order TCP payload per direction (RFC 793 sequence space).
 *
 * Each direction keeps the next sequence number it expects. A segment at
 * that number (or overlapping bytes already delivered, which are trimmed:
 * the first copy wins) is delivered at once, then any held segments it
 * makes contiguous. A segment beyond it is held, up to the out-of-order
 * cap; when the cap is reached the hole is declared a gap, reported, and
 * delivery resumes at the held data. Nothing is ever guessed into a hole.
 * Delivery stops for good at the depth (the per-flow cap), like Suricata's
 * stream.reassembly.depth: enough for the handshakes and headers that
 * identify devices, bounded for everything else.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/flow.h"
#include "flow-private.h"

struct seg {
	struct seg	*next;
	uint32_t	 seq;
	uint32_t	 len;
	uint8_t		 data[];
};

struct stream {
	bool		 started;
	bool		 capped;
	uint32_t	 next;		/* next expected sequence number */
	size_t		 delivered;
	size_t		 held;		/* bytes in ooo */
	struct seg	*ooo;		/* sorted by seq */
};

/* Signed distance a - b in sequence space (RFC 1982 arithmetic). */
static int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static void
deliver(struct flow_table *t, struct flow *f, int dir, struct stream *st,
    const uint8_t *p, size_t n, const struct stream_cb *cb)
{
	size_t room;

	st->next += (uint32_t)n;
	if (st->capped)
		return;
	room = t->cfg.stream_depth - st->delivered;
	if (n > room) {
		n = room;
		st->capped = true;
		t->stats.stream_capped++;
	}
	if (n == 0)
		return;
	st->delivered += n;
	cb->deliver(f, dir, p, n, cb->arg);
}

static void
seg_free(struct flow_table *t, struct stream *st, struct seg *s)
{
	st->held -= s->len;
	flow_mem_give(t, sizeof(*s) + s->len);
	free(s);
}

/* Delivers held segments that have become contiguous. */
static void
drain(struct flow_table *t, struct flow *f, int dir, struct stream *st,
    const struct stream_cb *cb)
{
	struct seg *s;

	while ((s = st->ooo) != NULL) {
		int32_t d = seq_diff(s->seq, st->next);
		uint32_t skip;

		if (d > 0)
			break;
		st->ooo = s->next;
		skip = (uint32_t)-d;
		if (skip < s->len)
			deliver(t, f, dir, st, s->data + skip, s->len - skip,
			    cb);
		seg_free(t, st, s);
	}
}

/* Gives up on the hole before the first held segment. */
static void
skip_gap(struct flow_table *t, struct flow *f, int dir, struct stream *st,
    const struct stream_cb *cb)
{
	uint32_t missing = (uint32_t)seq_diff(st->ooo->seq, st->next);

	t->stats.stream_gaps++;
	if (cb->gap != NULL && !st->capped)
		cb->gap(f, dir, missing, cb->arg);
	st->next = st->ooo->seq;
	drain(t, f, dir, st, cb);
}

static int
hold(struct flow_table *t, struct stream *st, uint32_t seq, const uint8_t *p,
    size_t n)
{
	struct seg *s, **pp;

	if (st->held + n > t->cfg.stream_ooo_cap ||
	    flow_mem_take(t, sizeof(*s) + n) == -1)
		return -1;
	if ((s = malloc(sizeof(*s) + n)) == NULL) {
		flow_mem_give(t, sizeof(*s) + n);
		return -1;
	}
	s->seq = seq;
	s->len = (uint32_t)n;
	memcpy(s->data, p, n);
	for (pp = &st->ooo; *pp != NULL && seq_diff((*pp)->seq, seq) <= 0;
	    pp = &(*pp)->next)
		;
	s->next = *pp;
	*pp = s;
	st->held += n;
	return 0;
}

void
stream_segment(struct flow_table *t, struct flow *f, int dir,
    const struct packet *p, const struct stream_cb *cb)
{
	struct stream *st = f->stream[dir];
	const uint8_t *data = p->payload.p;
	size_t n = p->payload.len;
	uint32_t seq = p->seq;
	int32_t d;

	if (st == NULL) {
		if (flow_mem_take(t, sizeof(*st)) == -1)
			return;
		if ((st = calloc(1, sizeof(*st))) == NULL) {
			flow_mem_give(t, sizeof(*st));
			return;
		}
		f->stream[dir] = st;
	}
	if (p->tcp_flags & TCP_SYN) {
		/* The SYN takes one sequence number (RFC 793, 3.3). */
		seq++;
		if (!st->started) {
			st->started = true;
			st->next = seq;
		}
	}
	if (n == 0 || st->capped)
		return;
	if (!st->started) {
		/* Picked up mid-stream: start where we are. */
		st->started = true;
		st->next = seq;
	}
	for (;;) {
		d = seq_diff(seq, st->next);
		if (d <= 0) {
			/* Retransmission or overlap: delivered bytes win. */
			if ((size_t)-(int64_t)d >= n)
				return;
			data += -(int64_t)d;
			n -= (size_t)-(int64_t)d;
			deliver(t, f, dir, st, data, n, cb);
			drain(t, f, dir, st, cb);
			return;
		}
		if (hold(t, st, seq, data, n) == 0)
			return;
		/* No room to wait for the hole: skip it. */
		if (st->ooo == NULL) {
			t->stats.stream_gaps++;
			if (cb->gap != NULL)
				cb->gap(f, dir, (size_t)d, cb->arg);
			st->next = seq;
			continue;
		}
		skip_gap(t, f, dir, st, cb);
	}
}

void
stream_free(struct flow_table *t, struct flow *f)
{
	for (int dir = 0; dir < 2; dir++) {
		struct stream *st = f->stream[dir];

		if (st == NULL)
			continue;
		while (st->ooo != NULL) {
			struct seg *s = st->ooo;

			st->ooo = s->next;
			seg_free(t, st, s);
		}
		flow_mem_give(t, sizeof(*st));
		free(st);
		f->stream[dir] = NULL;
	}
}
