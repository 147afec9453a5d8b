/*
 * text.h - helpers for the line-based text protocols (HTTP, FTP, SMTP,
 * Telnet) in src/proto/: a bounded line reader, base64 (RFC 4648 section
 * 4) and ASCII case-insensitive comparisons.
 *
 * Private to src/proto/ (http.c, banner.c); not part of libward's contract.
 */
#ifndef WARD_PROTO_TEXT_H
#define WARD_PROTO_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A line is kept up to this many bytes; the rest of it is counted only. */
#define TEXT_LINE_MAX	1024

struct text_line {
	uint8_t		 b[TEXT_LINE_MAX];
	size_t		 n;		/* bytes kept in b */
	size_t		 total;		/* bytes of the line seen, CR LF left out */
	uint8_t		 last;		/* last byte seen before the LF */
};

/*
 * Takes bytes from p (n bytes) until a line ends (LF; a CR just before it
 * is dropped, RFC 9112 section 2.2 lets a recipient accept a bare LF).
 * Returns the number of bytes consumed; *done is set when a whole line is
 * in l (then l->b holds its first l->n bytes and l->total its length).
 * The caller resets l (text_line_reset) before the next line.
 */
size_t text_line_feed(struct text_line *l, const uint8_t *p, size_t n,
    bool *done);

static inline void
text_line_reset(struct text_line *l)
{
	l->n = 0;
	l->total = 0;
	l->last = 0;
}

struct proto_ctx;

/*
 * The loop of a line protocol's stream (FTP, SMTP): feeds p (n bytes) of
 * direction ctx->dir to l, calls line() with each whole line (its kept
 * bytes) and resets l, until line() returns false (the rest of the
 * stream is not lines: TLS follows). Returns 0 then or when p is used up,
 * or -1, at once, when a line grows past max(arg, dir) bytes (the caller
 * counts that and stops reading). max is asked again for every line.
 */
struct text_lines_cb {
	bool	(*line)(struct proto_ctx *, void *arg, const uint8_t *,
		    size_t);
	size_t	(*max)(void *arg, int dir);
};

int text_lines(struct proto_ctx *, struct text_line *l, const uint8_t *p,
    size_t n, const struct text_lines_cb *, void *arg);

/*
 * Decodes base64 (standard alphabet, '=' padding; whitespace around it is
 * skipped) from in into out (outcap bytes). Returns the decoded length, or
 * -1 if the input is not base64 or does not fit.
 */
long text_b64_decode(const uint8_t *in, size_t inlen, uint8_t *out,
    size_t outcap);

/* Does p (n bytes) start with pfx, ASCII case-insensitively? */
bool text_casepfx(const uint8_t *p, size_t n, const char *pfx);

/* Is p (n bytes) equal to s, ASCII case-insensitively? */
bool text_caseeq(const uint8_t *p, size_t n, const char *s);

/* Skips spaces and tabs at both ends of *p, *n. */
void text_trim(const uint8_t **p, size_t *n);

/*
 * Finds s (ASCII case-insensitively) in p (n bytes); returns its offset or
 * -1.
 */
long text_casefind(const uint8_t *p, size_t n, const char *s);

#endif
