/*
 * http.c - HTTP/1.x requests and responses: who talks to whom with what
 * software, Basic credentials in clear, and DICOM files in the bodies.
 *
 * Follows RFC 9112 (HTTP/1.1 message syntax: start lines section 3 and 4,
 * field lines section 5, message body length section 6.3, chunked
 * transfer coding section 7.1) and RFC 9110 (semantics: Content-Length
 * 8.6, Authorization 11.6.2, WWW-Authenticate 11.6.1) and RFC 7617
 * (Basic).
 *
 *   request-line  = method SP request-target SP HTTP-version CRLF
 *   status-line   = HTTP-version SP status-code SP [ reason-phrase ] CRLF
 *   *( field-name ":" OWS field-value OWS CRLF )
 *   CRLF
 *   [ message-body ]   Content-Length octets, or chunks:
 *                      chunk-size [ chunk-ext ] CRLF chunk-data CRLF ...
 *                      0 CRLF trailer-section CRLF
 *
 * Each direction is parsed on its own, line by line, a line kept up to
 * TEXT_LINE_MAX bytes and a header block up to HTTP_HDR_MAX; bodies are
 * never buffered: their first bytes go to the DICOM Part 10 checker
 * (dicomfile.c), the rest is skipped by count. Pipelined requests are
 * remembered (method flags only) so that a response to HEAD or CONNECT is
 * framed right. One http observation per request and per response, one
 * credential observation per Basic Authorization; the password is never
 * kept (see docs/observations.md).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"
#include "text.h"

#define HTTP_HDR_MAX		16384	/* start line, fields and trailers */
#define HTTP_CHUNK_LINE_MAX	256	/* chunk-size and its extensions */
#define HTTP_METHOD_MAX		24
#define HTTP_URI_MAX		512
#define HTTP_VAL_MAX		256
#define HTTP_SHORT_MAX		128
#define HTTP_PENDING		16	/* pipelined requests remembered */
#define HTTP_B64_MAX		768	/* decoded Basic credentials */

enum http_st {
	H_START,	/* start line (empty lines before it are skipped) */
	H_FIELDS,
	H_BODY,		/* Content-Length bytes */
	H_CHUNK_SIZE,
	H_CHUNK_DATA,
	H_CHUNK_END,	/* the CRLF after chunk data */
	H_TRAILER,
	H_EOF_BODY,	/* until the connection closes */
	H_LOST,
};

/* A value copied from a field line, cut at its capacity. */
#define VAL(name, cap)	uint8_t name[cap]; uint16_t name##_n

struct http_msg {
	bool		 response;
	bool		 has_clen;
	bool		 te;		/* Transfer-Encoding present */
	bool		 chunked;	/* ... and chunked is its final coding */
	bool		 basic;		/* Basic credentials were decoded */
	bool		 password;	/* ... with a non-empty password */
	bool		 bad_clen;
	uint8_t		 minor;		/* HTTP/1.minor */
	bool		 has_version;
	uint16_t	 status;
	uint64_t	 clen;
	size_t		 uri_len;	/* length of the request-target */
	VAL(method, HTTP_METHOD_MAX);
	VAL(uri, HTTP_URI_MAX);
	VAL(reason, HTTP_SHORT_MAX);
	VAL(host, HTTP_VAL_MAX);
	VAL(agent, HTTP_VAL_MAX);
	VAL(server, HTTP_VAL_MAX);
	VAL(ctype, HTTP_VAL_MAX);
	VAL(scheme, 32);
	VAL(user, HTTP_SHORT_MAX);
	VAL(realm, HTTP_SHORT_MAX);
};

struct http_half {
	uint8_t		 st;
	size_t		 hdrbytes;
	uint64_t	 remain;
	struct text_line line;
	struct http_msg	 m;
	struct dicomfile df;
};

#define PEND_HEAD	(1U << 0)
#define PEND_CONNECT	(1U << 1)

struct http_state {
	struct http_half half[2];
	uint8_t		 pend[HTTP_PENDING];
	uint8_t		 pend_head;
	uint8_t		 pend_n;
};

static void
val_set(uint8_t *dst, uint16_t *dn, size_t cap, const uint8_t *p, size_t n)
{
	if (n > cap)
		n = cap;
	memcpy(dst, p, n);
	*dn = (uint16_t)n;
}

#define VAL_SET(m, name, p, n) \
	val_set((m)->name, &(m)->name##_n, sizeof((m)->name), (p), (n))

/* RFC 9110 section 5.6.2: tchar. */
static bool
tchar(uint8_t ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z') ||
	    (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static size_t
token_len(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && tchar(p[i]))
		i++;
	return i;
}

/* Query parameters whose values are secrets and never reported. */
static bool
secret_param(const uint8_t *p, size_t n)
{
	static const char *const words[] = { "pass", "pwd", "token", "secret",
		"key", "auth", "session", "sid", "sig" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (text_casefind(p, n, words[i]) != -1)
			return true;
	return false;
}

/*
 * Copies the request-target into m->uri with secrets masked: the password
 * of a userinfo in an absolute URI (RFC 3986 section 3.2.1 deprecates it)
 * and the values of query parameters named like secrets become "*".
 */
static void
uri_copy(struct http_msg *m, const uint8_t *p, size_t n)
{
	size_t o = 0, i = 0, cap = sizeof(m->uri);
	size_t auth_end = 0, colon = 0, at = 0;
	bool query = false, masking = false;
	long ss;

	/* userinfo ":" password "@" inside the authority. */
	if ((ss = text_casefind(p, n, "://")) != -1) {
		size_t a = (size_t)ss + 3;

		auth_end = a;
		while (auth_end < n && p[auth_end] != '/' &&
		    p[auth_end] != '?' && p[auth_end] != '#')
			auth_end++;
		for (size_t k = a; k < auth_end; k++) {
			if (p[k] == '@')
				at = k;
			if (p[k] == ':' && colon == 0 && at == 0)
				colon = k;
		}
		if (at == 0 || colon == 0 || colon > at)
			colon = at = 0;
	}
	while (i < n && o < cap) {
		uint8_t ch = p[i];

		if (at != 0 && i == colon + 1) {
			m->uri[o++] = '*';
			i = at;
			continue;
		}
		if (ch == '?' && !query && i >= auth_end) {
			query = true;
		} else if (query && (ch == '&' || ch == ';')) {
			masking = false;
		} else if (query && ch == '=' && !masking) {
			size_t s = i;

			while (s > 0 && p[s - 1] != '?' && p[s - 1] != '&' &&
			    p[s - 1] != ';')
				s--;
			if (secret_param(p + s, i - s)) {
				m->uri[o++] = '=';
				if (o < cap)
					m->uri[o++] = '*';
				masking = true;
				i++;
				continue;
			}
		} else if (masking) {
			i++;
			continue;
		}
		m->uri[o++] = ch;
		i++;
	}
	m->uri_n = (uint16_t)o;
}

/* "HTTP/1.x" at p; fills the minor version. */
static bool
version_ok(const uint8_t *p, size_t n, struct http_msg *m)
{
	if (n != 8 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' || p[7] > '9')
		return false;
	m->minor = (uint8_t)(p[7] - '0');
	m->has_version = true;
	return true;
}

/*
 * RFC 9112 section 3: method SP request-target SP HTTP-version. A line cut
 * by the line buffer keeps its method and the start of its target.
 */
static bool
request_line(struct http_msg *m, const struct text_line *l)
{
	const uint8_t *p = l->b, *sp;
	size_t n = l->n, mlen = token_len(p, n), tlen;
	bool cut = l->n < l->total;

	if (mlen == 0 || mlen > HTTP_METHOD_MAX || mlen >= n || p[mlen] != ' ')
		return false;
	VAL_SET(m, method, p, mlen);
	p += mlen + 1;
	n -= mlen + 1;
	sp = memchr(p, ' ', n);
	if (sp == NULL && !cut)
		return false;
	tlen = sp != NULL ? (size_t)(sp - p) : n;
	if (tlen == 0)
		return false;
	for (size_t i = 0; i < tlen; i++)
		if (p[i] < 0x21 || p[i] == 0x7f)
			return false;
	uri_copy(m, p, tlen);
	/* Cut: the target runs to the line's end but for " HTTP/1.x". */
	m->uri_len = tlen;
	if (cut && sp == NULL && l->total > mlen + 1 + 9)
		m->uri_len = l->total - mlen - 1 - 9;
	if (sp == NULL)
		return true;
	return version_ok(sp + 1, n - tlen - 1, m);
}

/* RFC 9112 section 4: HTTP-version SP 3DIGIT SP [ reason-phrase ]. */
static bool
status_line(struct http_msg *m, const struct text_line *l)
{
	const uint8_t *p = l->b;
	size_t n = l->n;

	m->response = true;
	if (n < 12 || !version_ok(p, 8, m) || p[8] != ' ')
		return false;
	for (size_t i = 9; i < 12; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		m->status = (uint16_t)(m->status * 10 + (p[i] - '0'));
	}
	if (m->status < 100)
		return false;
	/* Some servers end the line after the code, without the SP. */
	if (n > 12) {
		if (p[12] != ' ')
			return false;
		VAL_SET(m, reason, p + 13, n - 13);
	}
	return true;
}

/* RFC 9110 section 8.6: Content-Length = 1*DIGIT. */
static void
content_length(struct http_msg *m, const uint8_t *v, size_t n)
{
	uint64_t x = 0;

	if (n == 0 || n > 18) {
		m->bad_clen = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9') {
			m->bad_clen = true;
			return;
		}
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	/* Repeated fields must agree (RFC 9112 section 6.3 item 5). */
	if (m->has_clen && m->clen != x)
		m->bad_clen = true;
	m->clen = x;
	m->has_clen = true;
}

/* RFC 9112 section 6.3 item 4: chunked must be the final coding. */
static void
transfer_encoding(struct http_msg *m, const uint8_t *v, size_t n)
{
	const uint8_t *last = v;
	size_t lastn = n;

	for (size_t i = 0; i < n; i++)
		if (v[i] == ',') {
			last = v + i + 1;
			lastn = n - i - 1;
		}
	text_trim(&last, &lastn);
	m->te = true;
	m->chunked = text_caseeq(last, lastn, "chunked");
}

/*
 * RFC 7617 section 2: Basic base64(user-id ":" password). Only the user-id
 * is kept; the decoded bytes are wiped.
 */
static bool
authorization(struct http_msg *m, const uint8_t *v, size_t n)
{
	uint8_t dec[HTTP_B64_MAX];
	size_t sl = token_len(v, n);
	const uint8_t *colon, *cred = v + sl;
	size_t credn = n - sl;
	long dn;
	bool ok = true;

	VAL_SET(m, scheme, v, sl);
	if (!text_caseeq(v, sl, "basic"))
		return true;
	text_trim(&cred, &credn);
	dn = text_b64_decode(cred, credn, dec, sizeof(dec));
	if (dn < 0 || (colon = memchr(dec, ':', (size_t)dn)) == NULL) {
		ok = false;
	} else {
		VAL_SET(m, user, dec, (size_t)(colon - dec));
		m->basic = true;
		m->password = (size_t)(colon - dec) + 1 < (size_t)dn;
	}
	explicit_bzero(dec, sizeof(dec));
	return ok;
}

/* RFC 9110 section 11.6.1: challenge = auth-scheme [ params ]; realm. */
static void
www_authenticate(struct http_msg *m, const uint8_t *v, size_t n)
{
	size_t sl = token_len(v, n), k = 0;
	long at;

	if (m->scheme_n > 0)
		return;
	VAL_SET(m, scheme, v, sl);
	if ((at = text_casefind(v, n, "realm=")) == -1)
		return;
	v += (size_t)at + 6;
	n -= (size_t)at + 6;
	if (n > 0 && v[0] == '"') {
		v++;
		n--;
		while (k < n && v[k] != '"')
			k++;
	} else {
		k = token_len(v, n);
	}
	VAL_SET(m, realm, v, k);
}

/* RFC 9112 section 5: field-name ":" OWS field-value OWS. */
static bool
field_line(struct proto_ctx *ctx, struct http_msg *m, const uint8_t *p,
    size_t n)
{
	size_t nl = token_len(p, n);
	const uint8_t *v;
	size_t vn;

	/* No whitespace between the name and the colon (section 5.1). */
	if (nl == 0 || nl >= n || p[nl] != ':')
		return false;
	v = p + nl + 1;
	vn = n - nl - 1;
	text_trim(&v, &vn);
	if (text_caseeq(p, nl, "host"))
		VAL_SET(m, host, v, vn);
	else if (text_caseeq(p, nl, "user-agent"))
		VAL_SET(m, agent, v, vn);
	else if (text_caseeq(p, nl, "server"))
		VAL_SET(m, server, v, vn);
	else if (text_caseeq(p, nl, "content-type"))
		VAL_SET(m, ctype, v, vn);
	else if (text_caseeq(p, nl, "content-length"))
		content_length(m, v, vn);
	else if (text_caseeq(p, nl, "transfer-encoding"))
		transfer_encoding(m, v, vn);
	else if (text_caseeq(p, nl, "authorization") && !m->response) {
		if (!authorization(m, v, vn))
			proto_malformed(ctx, MAL_HTTP_BAD_AUTH, "http",
			    "Basic credentials are not base64 of user:password");
	} else if (text_caseeq(p, nl, "www-authenticate") && m->response)
		www_authenticate(m, v, vn);
	return true;
}

#define ADD_VAL(o, key, m, name) do {					\
	if ((m)->name##_n > 0)						\
		(void)obs_str((o), (key), (m)->name, (m)->name##_n);	\
} while (0)

static void
emit_message(struct proto_ctx *ctx, const struct http_msg *m)
{
	struct observation o;
	char ver[4] = { '1', '.', (char)('0' + m->minor), '\0' };

	if (ctx->bus == NULL)
		return;
	proto_obs_init(ctx, &o, OBS_HTTP);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "type", m->response ? "response" : "request");
	if (m->response) {
		(void)obs_u64(&o, "status", m->status);
		ADD_VAL(&o, "reason", m, reason);
		ADD_VAL(&o, "server", m, server);
	} else {
		ADD_VAL(&o, "method", m, method);
		ADD_VAL(&o, "uri", m, uri);
		if (m->uri_len > m->uri_n)
			(void)obs_u64(&o, "uri_len", m->uri_len);
		ADD_VAL(&o, "host", m, host);
		ADD_VAL(&o, "user_agent", m, agent);
	}
	if (m->has_version)
		(void)obs_cstr(&o, "version", ver);
	ADD_VAL(&o, "content_type", m, ctype);
	if (m->has_clen)
		(void)obs_u64(&o, "content_length", m->clen);
	if (m->chunked)
		(void)obs_bool(&o, "chunked", true);
	ADD_VAL(&o, "auth_scheme", m, scheme);
	ADD_VAL(&o, "realm", m, realm);
	obs_emit(ctx->bus, &o);

	if (!m->basic)
		return;
	proto_obs_init(ctx, &o, OBS_CREDENTIAL);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "protocol", "http");
	(void)obs_cstr(&o, "scheme", "basic");
	ADD_VAL(&o, "user", m, user);
	(void)obs_bool(&o, "password", m->password);
	ADD_VAL(&o, "target", m, host);
	obs_emit(ctx->bus, &o);
}

static void
pend_push(struct http_state *st, uint8_t flags)
{
	if (st->pend_n == HTTP_PENDING)
		return;
	st->pend[(st->pend_head + st->pend_n) % HTTP_PENDING] = flags;
	st->pend_n++;
}

static uint8_t
pend_pop(struct http_state *st)
{
	uint8_t f;

	if (st->pend_n == 0)
		return 0;
	f = st->pend[st->pend_head];
	st->pend_head = (uint8_t)((st->pend_head + 1) % HTTP_PENDING);
	st->pend_n--;
	return f;
}

static void
message_done(struct http_half *h)
{
	memset(&h->m, 0, sizeof(h->m));
	h->st = H_START;
	h->hdrbytes = 0;
}

static void
lose(struct http_half *h)
{
	h->st = H_LOST;
}

static void
body_begin(struct http_half *h, uint8_t st)
{
	proto_dicomfile_begin(&h->df, "http", h->m.ctype, h->m.ctype_n);
	h->st = st;
	h->hdrbytes = 0;
}

/* The header block ended: report it and frame the body (RFC 9112 6.3). */
static void
fields_done(struct proto_ctx *ctx, struct http_state *st, struct http_half *h)
{
	struct http_msg *m = &h->m;
	uint8_t flags;

	if (m->bad_clen && !m->te) {
		proto_malformed(ctx, MAL_HTTP_BAD_CONTENT_LENGTH, "http",
		    "Content-Length is not one decimal number");
		emit_message(ctx, m);
		lose(h);
		return;
	}
	emit_message(ctx, m);
	if (m->response) {
		/* 1xx: interim, the final response follows (section 6.3). */
		if (m->status == 101) {
			/* Switching protocols: what follows is not HTTP. */
			lose(&st->half[0]);
			lose(&st->half[1]);
			return;
		}
		if (m->status < 200) {
			message_done(h);
			return;
		}
		flags = pend_pop(st);
		if ((flags & PEND_CONNECT) && m->status < 300) {
			lose(&st->half[0]);
			lose(&st->half[1]);
			return;
		}
		if ((flags & PEND_HEAD) || m->status == 204 ||
		    m->status == 304) {
			message_done(h);
			return;
		}
		if (m->chunked)
			body_begin(h, H_CHUNK_SIZE);
		else if (m->has_clen && !m->te)
			body_begin(h, H_BODY);
		else
			body_begin(h, H_EOF_BODY);
	} else {
		flags = 0;
		if (text_caseeq(m->method, m->method_n, "HEAD"))
			flags |= PEND_HEAD;
		if (text_caseeq(m->method, m->method_n, "CONNECT"))
			flags |= PEND_CONNECT;
		pend_push(st, flags);
		if (m->te && !m->chunked) {
			/* Section 6.3 item 4: the length cannot be known. */
			proto_malformed(ctx, MAL_HTTP_BAD_CHUNK, "http",
			    "request body neither chunked nor counted");
			lose(h);
			return;
		}
		if (m->chunked)
			body_begin(h, H_CHUNK_SIZE);
		else if (m->has_clen && m->clen > 0)
			body_begin(h, H_BODY);
		else {
			message_done(h);
			return;
		}
	}
	h->remain = m->clen;
	if (h->st == H_BODY && h->remain == 0) {
		proto_dicomfile_end(ctx, &h->df);
		message_done(h);
	}
}

/* RFC 9112 section 7.1: chunk-size [ chunk-ext ]. */
static int
chunk_size(const struct text_line *l, uint64_t *size)
{
	size_t i = 0;
	uint64_t x = 0;
	int d;

	for (; i < l->n; i++) {
		uint8_t ch = l->b[i];

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			break;
		if (i >= 15)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (i == 0)
		return -1;
	while (i < l->n && (l->b[i] == ' ' || l->b[i] == '\t'))
		i++;
	if (i < l->n && l->b[i] != ';')
		return -1;
	*size = x;
	return 0;
}

/* Handles one complete line in state h->st. */
static void
line_done(struct proto_ctx *ctx, struct http_state *st, struct http_half *h)
{
	struct text_line *l = &h->line;
	uint64_t size;
	bool ok;

	switch (h->st) {
	case H_START:
		/* Section 2.2: empty lines before a start line are ignored. */
		if (l->total == 0)
			break;
		if (l->n >= 5 && memcmp(l->b, "HTTP/", 5) == 0)
			ok = status_line(&h->m, l);
		else
			ok = request_line(&h->m, l);
		if (!ok) {
			proto_malformed(ctx, h->m.response ?
			    MAL_HTTP_BAD_STATUS_LINE : MAL_HTTP_BAD_REQUEST_LINE,
			    "http", h->m.response ? "bad status line" :
			    "bad request line");
			lose(h);
			break;
		}
		h->st = H_FIELDS;
		break;
	case H_FIELDS:
		if (l->total == 0) {
			fields_done(ctx, st, h);
			break;
		}
		/* Section 5.2: obs-fold continues the previous line. */
		if (l->b[0] == ' ' || l->b[0] == '\t')
			break;
		if (!field_line(ctx, &h->m, l->b, l->n))
			proto_malformed(ctx, MAL_HTTP_BAD_HEADER, "http",
			    "field line without a name and colon");
		break;
	case H_CHUNK_SIZE:
		if (chunk_size(l, &size) == -1) {
			proto_malformed(ctx, MAL_HTTP_BAD_CHUNK, "http",
			    "bad chunk-size line");
			lose(h);
			break;
		}
		if (size == 0) {
			proto_dicomfile_end(ctx, &h->df);
			h->st = H_TRAILER;
		} else {
			h->remain = size;
			h->st = H_CHUNK_DATA;
		}
		break;
	case H_CHUNK_END:
		if (l->total != 0) {
			proto_malformed(ctx, MAL_HTTP_BAD_CHUNK, "http",
			    "chunk data not followed by CRLF");
			lose(h);
			break;
		}
		h->st = H_CHUNK_SIZE;
		break;
	case H_TRAILER:
		if (l->total == 0)
			message_done(h);
		break;
	default:
		break;
	}
}

static size_t
line_cap(uint8_t st)
{
	if (st == H_CHUNK_SIZE)
		return HTTP_CHUNK_LINE_MAX;
	if (st == H_CHUNK_END)
		return 0;
	return HTTP_HDR_MAX;
}

static void
http_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct http_state *st = state;
	struct http_half *h = &st->half[ctx->dir != 0];
	size_t take;
	bool done;

	while (n > 0) {
		switch (h->st) {
		case H_LOST:
			return;
		case H_BODY:
		case H_CHUNK_DATA:
			take = h->remain < n ? (size_t)h->remain : n;
			proto_dicomfile_feed(ctx, &h->df, p, take);
			h->remain -= take;
			p += take;
			n -= take;
			if (h->remain > 0)
				break;
			if (h->st == H_CHUNK_DATA) {
				h->st = H_CHUNK_END;
			} else {
				proto_dicomfile_end(ctx, &h->df);
				message_done(h);
			}
			break;
		case H_EOF_BODY:
			proto_dicomfile_feed(ctx, &h->df, p, n);
			return;
		default:
			take = text_line_feed(&h->line, p, n, &done);
			p += take;
			n -= take;
			if (h->hdrbytes + h->line.total > HTTP_HDR_MAX ||
			    h->line.total > line_cap(h->st)) {
				if (h->st == H_CHUNK_SIZE || h->st == H_CHUNK_END)
					proto_malformed(ctx, MAL_HTTP_BAD_CHUNK,
					    "http", h->st == H_CHUNK_END ?
					    "chunk data not followed by CRLF" :
					    "chunk-size line too long");
				else
					proto_malformed(ctx,
					    MAL_HTTP_HEADER_TOO_LONG, "http",
					    "header block over 16 KiB");
				lose(h);
				return;
			}
			if (!done)
				break;
			h->hdrbytes += h->line.total + 2;
			line_done(ctx, st, h);
			text_line_reset(&h->line);
			break;
		}
	}
}

static void
http_gap(struct proto_ctx *ctx, void *state)
{
	struct http_state *st = state;
	struct http_half *h = &st->half[ctx->dir != 0];

	/* The framing is lost with the bytes; what was kept still counts. */
	proto_dicomfile_end(ctx, &h->df);
	lose(h);
}

static void
http_end(struct proto_ctx *ctx, void *state)
{
	struct http_state *st = state;

	for (int d = 0; d < 2; d++) {
		ctx->dir = d;
		proto_dicomfile_end(ctx, &st->half[d].df);
	}
}

/*
 * A method token, SP and an origin-form target ('/'), "OPTIONS *",
 * "CONNECT host", or a status line: enough to tell HTTP on any port.
 */
static bool
http_probe(const uint8_t *p, size_t n, int dir)
{
	size_t i = 0;

	(void)dir;
	if (n >= 7 && memcmp(p, "HTTP/1.", 7) == 0)
		return true;
	while (i < n && i <= 16 && ((p[i] >= 'A' && p[i] <= 'Z') ||
	    p[i] == '-' || p[i] == '_'))
		i++;
	if (i < 3 || i > 16 || i + 1 >= n || p[i] != ' ')
		return false;
	if (p[i + 1] == '/')
		return true;
	if (i == 7 && memcmp(p, "OPTIONS", 7) == 0 && p[i + 1] == '*')
		return true;
	return i == 7 && memcmp(p, "CONNECT", 7) == 0 && tchar(p[i + 1]);
}

const struct dissector dissector_http = {
	.name = "http",
	.l4proto = IPPROTO_TCP_,
	.ports = { 80, 8080, 8000, 8008, 8081, 8888 },
	.probe = http_probe,
	.probe_any_port = true,
	.state_size = sizeof(struct http_state),
	.stream = http_stream,
	.gap = http_gap,
	.end = http_end,
};
