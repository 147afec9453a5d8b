/*
 * reply.c - the server replies ward audit reads: FTP replies, HTTP/1.x
 * response heads and Telnet option negotiation with its login prompts.
 *
 * Follows RFC 959 section 4.2 (FTP replies), RFC 9112 sections 2-5
 * (HTTP/1.1 message format), RFC 9110 section 11.6.1 (WWW-Authenticate),
 * RFC 7617 (Basic) and RFC 854/855 (Telnet NVT, IAC commands, options).
 *
 *   FTP     "ddd text" CRLF  |  "ddd-text" CRLF ... "ddd text" CRLF
 *   HTTP    "HTTP/1.x ddd reason" CRLF  (name ":" value CRLF)*  CRLF
 *   Telnet  data | IAC (255) WILL/WONT/DO/DONT (251-254) option
 *                | IAC SB option ... IAC SE (250, 240) | IAC IAC
 *
 * Pure functions over bounded input: every byte is read through a cursor,
 * every length is capped; the clients in ftp.c, http.c and telnet.c do the
 * I/O.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "ward/audit.h"

#define FTP_LINES_MAX	64	/* lines of one multi-line reply */
#define TELNET_SB_MAX	4096	/* a longer subnegotiation is skipped */

/*
 * The next line of c (without CR LF) into line, c advanced past it.
 * 1, 0 when no LF is in the first max bytes and c holds fewer, -1 for a
 * line over max.
 */
static int
next_line(struct cursor *c, size_t max, struct cursor *line)
{
	const uint8_t *lf;
	size_t n = cur_left(c) < max + 2 ? cur_left(c) : max + 2;

	if ((lf = memchr(c->p, '\n', n)) == NULL)
		return cur_left(c) >= max + 2 ? -1 : 0;
	n = (size_t)(lf - c->p);
	if (cur_sub(c, n, line) == -1 || cur_skip(c, 1) == -1)
		return -1;
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	return line->len > max ? -1 : 1;
}

/* Three digits, the first 1-5 (RFC 959 4.2), then sep. */
static bool
ftp_code(const struct cursor *line, unsigned *code, uint8_t *sep)
{
	uint8_t d[3];
	struct cursor c = *line;

	if (cur_bytes(&c, d, 3) == -1 || d[0] < '1' || d[0] > '5' ||
	    !isdigit(d[1]) || !isdigit(d[2]))
		return false;
	*code = (unsigned)(d[0] - '0') * 100 + (unsigned)(d[1] - '0') * 10 +
	    (unsigned)(d[2] - '0');
	if (cur_u8(&c, sep) == -1)
		*sep = ' ';	/* "ddd" alone: a complete reply */
	return *sep == ' ' || *sep == '-';
}

int
audit_ftp_reply(const struct cursor *in, unsigned *code, size_t *used)
{
	struct cursor c = *in, line;
	unsigned first, n;
	uint8_t sep;
	int rc;

	if ((rc = next_line(&c, AUDIT_FTP_LINE_MAX, &line)) != 1)
		return rc;
	if (!ftp_code(&line, &first, &sep))
		return -1;
	/*
	 * RFC 959 4.2: a multi-line reply starts "ddd-" and ends with a
	 * line "ddd " of the same code; lines between may be anything.
	 */
	for (unsigned lines = 1; sep == '-'; lines++) {
		if (lines == FTP_LINES_MAX)
			return -1;
		if ((rc = next_line(&c, AUDIT_FTP_LINE_MAX, &line)) != 1)
			return rc;
		if (ftp_code(&line, &n, &sep) && n == first && sep == ' ')
			break;
		sep = '-';
	}
	*code = first;
	*used = in->len - c.len;
	return 1;
}

/* Case-insensitive: does the header line start with name ":"? */
static bool
header_is(const struct cursor *line, const char *name, struct cursor *value)
{
	size_t n = strlen(name);
	struct cursor c = *line;

	if (cur_left(&c) <= n || strncasecmp((const char *)c.p, name, n) != 0 ||
	    c.p[n] != ':')
		return false;
	if (cur_skip(&c, n + 1) == -1)
		return false;
	while (cur_left(&c) > 0 && (c.p[0] == ' ' || c.p[0] == '\t'))
		if (cur_skip(&c, 1) == -1)
			return false;
	while (cur_left(&c) > 0 &&
	    (c.p[c.len - 1] == ' ' || c.p[c.len - 1] == '\t'))
		c.len--;
	*value = c;
	return true;
}

/* Does the comma-separated challenge list hold the Basic scheme? */
static bool
has_basic(const struct cursor *v)
{
	for (size_t i = 0; i + 5 <= v->len; i++)
		if (strncasecmp((const char *)v->p + i, "basic", 5) == 0 &&
		    (i == 0 || v->p[i - 1] == ' ' || v->p[i - 1] == ',') &&
		    (i + 5 == v->len || v->p[i + 5] == ' ' ||
		    v->p[i + 5] == ','))
			return true;
	return false;
}

int
audit_http_head(const struct cursor *in, struct audit_http_resp *r)
{
	struct cursor c = *in, line, v;
	uint8_t ver[8], d[3], sp;
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = next_line(&c, AUDIT_HTTP_HEAD_MAX, &line)) != 1)
		return rc == 0 && cur_left(in) >= AUDIT_HTTP_HEAD_MAX ? -1 :
		    rc;
	/* RFC 9112 4: HTTP-version SP 3DIGIT SP [reason-phrase]. */
	if (cur_bytes(&line, ver, 8) == -1 ||
	    memcmp(ver, "HTTP/1.", 7) != 0 || (ver[7] != '0' &&
	    ver[7] != '1') || cur_u8(&line, &sp) == -1 || sp != ' ' ||
	    cur_bytes(&line, d, 3) == -1 || !isdigit(d[0]) || d[0] == '0' ||
	    !isdigit(d[1]) || !isdigit(d[2]))
		return -1;
	if (cur_left(&line) > 0 && (cur_u8(&line, &sp) == -1 || sp != ' '))
		return -1;
	r->status = (unsigned)(d[0] - '0') * 100 + (unsigned)(d[1] - '0') *
	    10 + (unsigned)(d[2] - '0');
	for (;;) {
		if (in->len - c.len > AUDIT_HTTP_HEAD_MAX)
			return -1;
		if ((rc = next_line(&c, AUDIT_HTTP_HEAD_MAX, &line)) != 1)
			return rc == 0 && cur_left(in) >= AUDIT_HTTP_HEAD_MAX ?
			    -1 : rc;
		if (line.len == 0)
			break;
		/* RFC 9112 5.2: obsolete line folding is refused. */
		if (line.p[0] == ' ' || line.p[0] == '\t' ||
		    memchr(line.p, ':', line.len) == NULL)
			return -1;
		if (header_is(&line, "WWW-Authenticate", &v) && has_basic(&v))
			r->basic = true;
		if (header_is(&line, "Location", &v)) {
			size_t n = v.len < sizeof(r->location) - 1 ? v.len :
			    sizeof(r->location) - 1;

			memcpy(r->location, v.p, n);
			r->location[n] = '\0';
			for (size_t i = 0; i < n; i++)
				if (r->location[i] < 0x20 ||
				    r->location[i] == 0x7f)
					r->location[i] = '?';
			r->has_location = true;
		}
	}
	r->head_len = in->len - c.len;
	if (r->head_len > AUDIT_HTTP_HEAD_MAX)
		return -1;
	return 1;
}

/* Telnet (RFC 854): commands after IAC. */
enum {
	T_SE = 240, T_SB = 250, T_WILL = 251, T_WONT = 252, T_DO = 253,
	T_DONT = 254, T_IAC = 255,
};
enum { ST_DATA, ST_IAC, ST_OPT, ST_SB, ST_SB_IAC };

static void
append(uint8_t *buf, size_t cap, size_t *len, uint8_t b)
{
	if (*len < cap)
		buf[(*len)++] = b;
}

void
audit_telnet_feed(struct audit_telnet *t, const uint8_t *in, size_t n,
    uint8_t *text, size_t textcap, size_t *textlen, uint8_t *reply,
    size_t replycap, size_t *replylen)
{
	struct cursor c = cur_make(in, n);
	uint8_t b;

	while (cur_u8(&c, &b) == 0) {
		switch (t->st) {
		case ST_DATA:
			if (b == T_IAC)
				t->st = ST_IAC;
			else if (b != 0)	/* NUL: the NVT's no-op */
				append(text, textcap, textlen, b);
			break;
		case ST_IAC:
			if (b == T_IAC) {
				append(text, textcap, textlen, b);
				t->st = ST_DATA;
			} else if (b >= T_WILL) {
				t->cmd = b;
				t->st = ST_OPT;
			} else if (b == T_SB) {
				t->sb_len = 0;
				t->st = ST_SB;
			} else {
				t->st = ST_DATA;	/* NOP, GA, ... */
			}
			break;
		case ST_OPT:
			/*
			 * RFC 855: refuse every option, so the session stays
			 * a plain NVT; a refusal is never answered, so this
			 * cannot loop. WONT and DONT need no answer.
			 */
			if (t->cmd == T_WILL || t->cmd == T_DO) {
				if (*replylen + 3 <= replycap) {
					reply[(*replylen)++] = T_IAC;
					reply[(*replylen)++] = t->cmd ==
					    T_WILL ? T_DONT : T_WONT;
					reply[(*replylen)++] = b;
				}
			}
			t->st = ST_DATA;
			break;
		case ST_SB:
			if (b == T_IAC)
				t->st = ST_SB_IAC;
			else if (t->sb_len < TELNET_SB_MAX)
				t->sb_len++;
			break;
		case ST_SB_IAC:
			t->st = b == T_SE ? ST_DATA : ST_SB;
			break;
		default:
			t->st = ST_DATA;
			break;
		}
	}
}

/* Case-insensitive search of a word in n bytes. */
static bool
has_word(const uint8_t *s, size_t n, const char *w)
{
	size_t wn = strlen(w);

	for (size_t i = 0; i + wn <= n; i++)
		if (strncasecmp((const char *)s + i, w, wn) == 0)
			return true;
	return false;
}

enum audit_prompt
audit_telnet_prompt(const uint8_t *text, size_t n)
{
	size_t end = n, start;

	/* The last line that holds anything but blanks. */
	while (end > 0 && (text[end - 1] == '\r' || text[end - 1] == '\n' ||
	    text[end - 1] == '\0'))
		end--;
	for (start = end; start > 0 && text[start - 1] != '\n' &&
	    text[start - 1] != '\r'; start--)
		;
	/* Trailing blanks of a prompt ("login: ") do not count. */
	while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
		end--;
	if (end > start) {
		const uint8_t *l = text + start;
		size_t ln = end - start;

		if (l[ln - 1] == ':' && has_word(l, ln, "password"))
			return AUDIT_PROMPT_PASSWORD;
		if (l[ln - 1] == ':' && (has_word(l, ln, "login") ||
		    has_word(l, ln, "username") || has_word(l, ln, "user")))
			return has_word(text, start, "incorrect") ||
			    has_word(text, start, "failed") ||
			    has_word(text, start, "invalid") ||
			    has_word(text, start, "denied") ?
			    AUDIT_PROMPT_DENIED : AUDIT_PROMPT_LOGIN;
	}
	if (end > start && (text[end - 1] == '$' || text[end - 1] == '#' ||
	    text[end - 1] == '>' || text[end - 1] == '%'))
		return AUDIT_PROMPT_SHELL;
	if (has_word(text, n, "locked") || has_word(text, n, "too many"))
		return AUDIT_PROMPT_LOCKED;
	if (has_word(text, n, "incorrect") || has_word(text, n, "failed") ||
	    has_word(text, n, "invalid") || has_word(text, n, "denied"))
		return AUDIT_PROMPT_DENIED;
	return AUDIT_PROMPT_NONE;
}
