/*
 * text.c - line reader, base64 and case-insensitive comparisons for the
 * text protocols (see text.h).
 */
#include <string.h>

#include "ward/proto.h"
#include "text.h"

size_t
text_line_feed(struct text_line *l, const uint8_t *p, size_t n, bool *done)
{
	const uint8_t *lf = memchr(p, '\n', n);
	size_t take = lf != NULL ? (size_t)(lf - p) : n;
	size_t room = sizeof(l->b) - l->n;
	size_t keep = take < room ? take : room;

	*done = false;
	if (keep > 0)
		memcpy(l->b + l->n, p, keep);
	l->n += keep;
	l->total += take;
	if (take > 0)
		l->last = p[take - 1];
	if (lf == NULL)
		return n;
	/* A CR before the LF belongs to the line ending, not the line. */
	if (l->total > 0 && l->last == '\r') {
		l->total--;
		if (l->n > l->total)
			l->n = l->total;
	}
	*done = true;
	return take + 1;
}

static int
b64_value(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

long
text_b64_decode(const uint8_t *in, size_t inlen, uint8_t *out, size_t outcap)
{
	uint32_t acc = 0;
	size_t n = 0, bits = 0, pad = 0;
	int v;

	text_trim(&in, &inlen);
	for (size_t i = 0; i < inlen; i++) {
		if (in[i] == '=') {
			pad++;
			continue;
		}
		/* RFC 4648 section 3.3: nothing but padding after padding. */
		if (pad > 0 || (v = b64_value(in[i])) == -1)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == outcap)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (pad > 2 || bits >= 6)
		return -1;
	return (long)n;
}

static uint8_t
lower(uint8_t ch)
{
	return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch - 'A' + 'a') : ch;
}

bool
text_casepfx(const uint8_t *p, size_t n, const char *pfx)
{
	size_t k = strlen(pfx);

	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(p[i]) != lower((uint8_t)pfx[i]))
			return false;
	return true;
}

bool
text_caseeq(const uint8_t *p, size_t n, const char *s)
{
	return n == strlen(s) && text_casepfx(p, n, s);
}

void
text_trim(const uint8_t **p, size_t *n)
{
	while (*n > 0 && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

long
text_casefind(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (text_casepfx(p + i, n - i, s))
			return (long)i;
	return -1;
}

int
text_lines(struct proto_ctx *ctx, struct text_line *l, const uint8_t *p,
    size_t n, const struct text_lines_cb *cb, void *arg)
{
	size_t take;
	bool done, go;

	while (n > 0) {
		take = text_line_feed(l, p, n, &done);
		p += take;
		n -= take;
		if (l->total > cb->max(arg, ctx->dir != 0))
			return -1;
		if (!done)
			continue;
		go = cb->line(ctx, arg, l->b, l->n);
		text_line_reset(l);
		if (!go)
			break;
	}
	return 0;
}
