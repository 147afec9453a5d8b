/*
 * record.c - growable state buffers and length-prefixed record assembly
 * for the dissectors (see proto-private.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ward/flow.h"
#include "proto-private.h"

#define PBUF_MIN	256

static int
charge(struct proto_ctx *ctx, size_t n)
{
	return ctx->ft != NULL ? flow_mem_take(ctx->ft, n) : 0;
}

static void
refund(struct proto_ctx *ctx, size_t n)
{
	if (ctx->ft != NULL)
		flow_mem_give(ctx->ft, n);
}

/* Grows b to hold want bytes (want <= max); 0 when it does. */
static int
pbuf_grow(struct proto_ctx *ctx, struct pbuf *b, size_t want, size_t max)
{
	size_t cap = b->cap > 0 ? b->cap : PBUF_MIN;
	uint8_t *np;

	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
	if (cap > max)
		cap = max;
	if (charge(ctx, cap - b->cap) == -1)
		return -1;
	if ((np = realloc(b->p, cap)) == NULL) {
		refund(ctx, cap - b->cap);
		return -1;
	}
	b->p = np;
	b->cap = cap;
	return 0;
}

size_t
pbuf_append(struct proto_ctx *ctx, struct pbuf *b, const void *p, size_t n,
    size_t max)
{
	if (b->len >= max)
		return 0;
	if (n > max - b->len)
		n = max - b->len;
	if (b->len + n > b->cap && pbuf_grow(ctx, b, b->len + n, max) == -1)
		n = b->cap - b->len;
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return n;
}

int
pbuf_zero(struct proto_ctx *ctx, struct pbuf *b, size_t n)
{
	if (n > b->cap && pbuf_grow(ctx, b, n, n) == -1)
		return -1;
	memset(b->p, 0, n);
	b->len = n;
	return 0;
}

void
pbuf_free(struct proto_ctx *ctx, struct pbuf *b)
{
	free(b->p);
	refund(ctx, b->cap);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
pbuf_clear(struct proto_ctx *ctx, struct pbuf *b)
{
	if (b->cap > PBUF_KEEP)
		pbuf_free(ctx, b);
	b->len = 0;
}

static void
rec_done(struct proto_ctx *ctx, struct recasm *ra)
{
	ra->reclen = 0;
	pbuf_clear(ctx, &ra->buf);
}

int
recasm_feed(struct proto_ctx *ctx, struct recasm *ra,
    const struct rec_cfg *cfg, void *arg, const uint8_t *p, size_t n)
{
	int64_t r;
	size_t take, keep, got;

	while (n > 0 && !ra->lost) {
		if (ra->skip > 0) {
			take = ra->skip < n ? (size_t)ra->skip : n;
			ra->skip -= take;
			p += take;
			n -= take;
			continue;
		}
		if (ra->buf.len == 0) {
			/* A record starts here: whole in this piece? */
			if ((r = cfg->frame(p, n)) < 0)
				goto bad;
			if (r > 0 && (uint64_t)r <= n) {
				keep = (uint64_t)r > cfg->max ? cfg->max :
				    (size_t)r;
				cfg->record(ctx, arg, p, keep, keep < (size_t)r);
				p += r;
				n -= (size_t)r;
				continue;
			}
			ra->reclen = (uint64_t)r;
		}
		if (ra->reclen == 0) {
			/* Gather the header; bytes past the record go back. */
			take = cfg->hdr_max - ra->buf.len;
			if (take > n)
				take = n;
			take = pbuf_append(ctx, &ra->buf, p, take, cfg->hdr_max);
			if (take == 0) {
				recasm_lose(ctx, ra);
				return 0;
			}
			p += take;
			n -= take;
			if ((r = cfg->frame(ra->buf.p, ra->buf.len)) < 0)
				goto bad;
			if (r == REC_MORE) {
				if (ra->buf.len == cfg->hdr_max)
					goto bad;
				continue;
			}
			if ((uint64_t)r < ra->buf.len) {
				size_t back = ra->buf.len - (size_t)r;

				p -= back;
				n += back;
				ra->buf.len = (size_t)r;
			}
			ra->reclen = (uint64_t)r;
		} else {
			keep = ra->reclen > cfg->max ? cfg->max :
			    (size_t)ra->reclen;
			take = keep - ra->buf.len;
			if (take > n)
				take = n;
			got = pbuf_append(ctx, &ra->buf, p, take, keep);
			p += take;
			n -= take;
			if (got < take) {
				/* The budget refused: hand over what is held. */
				cfg->record(ctx, arg, ra->buf.p, ra->buf.len,
				    true);
				ra->skip = ra->reclen - ra->buf.len -
				    (take - got);
				rec_done(ctx, ra);
				continue;
			}
		}
		keep = ra->reclen > cfg->max ? cfg->max : (size_t)ra->reclen;
		if (ra->buf.len == keep) {
			cfg->record(ctx, arg, ra->buf.p, keep,
			    keep < ra->reclen);
			ra->skip = ra->reclen - keep;
			rec_done(ctx, ra);
		}
	}
	return 0;
bad:
	recasm_lose(ctx, ra);
	return REC_BAD;
}

void
recasm_lose(struct proto_ctx *ctx, struct recasm *ra)
{
	ra->lost = true;
	ra->reclen = ra->skip = 0;
	pbuf_free(ctx, &ra->buf);
}

void
recasm_free(struct proto_ctx *ctx, struct recasm *ra)
{
	pbuf_free(ctx, &ra->buf);
	ra->reclen = ra->skip = 0;
}
