/*
 * banner.c - greetings and cleartext logins of the classic text and
 * database services: Telnet, FTP, SMTP, MySQL and PostgreSQL.
 *
 * Follows RFC 854/855 (Telnet: IAC commands and option negotiation),
 * RFC 959 and RFC 2428 (FTP: replies section 4.2, PORT/PASV, EPRT/EPSV),
 * RFC 5321, RFC 4954 and RFC 4616 (SMTP, AUTH, the PLAIN mechanism), the
 * MySQL client/server protocol (Protocol::HandshakeV10 and
 * HandshakeResponse41) and the PostgreSQL frontend/backend protocol 3.0
 * ("Message Formats": StartupMessage, SSLRequest, Authentication*,
 * ParameterStatus, PasswordMessage).
 *
 *   Telnet  data ... IAC (255) cmd [option] | IAC SB ... IAC SE ...
 *   FTP     "220 text" CRLF / "USER name" CRLF / "PASS secret" CRLF
 *   SMTP    "220 text" CRLF / "EHLO name" CRLF / "AUTH PLAIN b64" CRLF
 *   MySQL   len (3, LE) | seq (1) | 0x0a version NUL conn-id (4) ...
 *   PgSQL   len (4) | 196608 | key NUL value NUL ... NUL     (startup)
 *           type (1) | len (4) | body                         (the rest)
 *
 * Side 0 (the initiator) is the client. One banner observation per
 * greeting (the server's, and the client's EHLO or StartupMessage), one
 * credential observation per login whose user name crossed in clear, with
 * `password` telling whether the secret itself did. A password is never
 * copied anywhere: its bytes are counted, or decoded into a buffer that
 * is wiped at once. See docs/observations.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"
#include "text.h"

#define BANNER_MAX	256	/* greeting text kept */
#define USER_MAX	64
#define FTP_LINE_MAX	4096	/* a longer command or reply is malformed */
#define SMTP_LINE_MAX	4096	/* RFC 5321 4.5.3.1.4 says 512, with slack */

/*
 * The subject on side 0 (the client) or 1 (the server): the packet's
 * sender when it is that side, else the flow's record of the side (a
 * server message may report the client, and end() has no packet).
 */
static void
subject_side(struct proto_ctx *ctx, struct observation *o, int side)
{
	const struct flow_side *s;

	if (ctx->pkt != NULL && (ctx->dir != 0) == (side != 0)) {
		proto_subject_sender(ctx, o);
	} else if (ctx->flow != NULL) {
		s = &ctx->flow->side[side != 0];
		obs_subject(o, s->has_mac ? s->mac : NULL, &s->addr);
	} else if (ctx->pkt != NULL && (ctx->pkt->flags & PKT_IP)) {
		obs_subject(o, NULL, &ctx->pkt->dst);
	}
}

static void
emit_banner(struct proto_ctx *ctx, const char *protocol, const char *role,
    const uint8_t *text, size_t n, struct observation *o)
{
	proto_obs_init(ctx, o, OBS_BANNER);
	subject_side(ctx, o, strcmp(role, "server") == 0);
	(void)obs_cstr(o, "protocol", protocol);
	(void)obs_cstr(o, "role", role);
	if (text != NULL && n > 0)
		(void)obs_str(o, "banner", text, n < BANNER_MAX ? n :
		    BANNER_MAX);
}

static void
emit_credential(struct proto_ctx *ctx, const char *protocol,
    const char *scheme, const uint8_t *user, size_t un, bool password,
    const uint8_t *target, size_t tn)
{
	struct observation o;

	if (ctx->bus == NULL)
		return;
	proto_obs_init(ctx, &o, OBS_CREDENTIAL);
	subject_side(ctx, &o, 0);
	(void)obs_cstr(&o, "protocol", protocol);
	(void)obs_cstr(&o, "scheme", scheme);
	if (un > 0)
		(void)obs_str(&o, "user", user, un);
	(void)obs_bool(&o, "password", password);
	if (tn > 0)
		(void)obs_str(&o, "target", target, tn);
	obs_emit(ctx->bus, &o);
}

/*
 * A server refusing a login (a banner observation with `login` "failed"):
 * what brute-force detection counts. The user is the one the client
 * gave, when known.
 */
static void
emit_login_failed(struct proto_ctx *ctx, const char *protocol,
    const uint8_t *user, size_t un, int code)
{
	struct observation o;

	if (ctx->bus == NULL)
		return;
	emit_banner(ctx, protocol, "server", NULL, 0, &o);
	(void)obs_cstr(&o, "login", "failed");
	if (code > 0)
		(void)obs_u64(&o, "code", (uint64_t)code);
	if (un > 0)
		(void)obs_str(&o, "user", user, un);
	obs_emit(ctx->bus, &o);
}

/* ---------------------------------------------------------------- Telnet */

#define IAC	255
#define SB	250
#define SE	240
#define WILL	251
#define TN_SB_MAX	256	/* subnegotiation bytes before it is malformed */

enum { TN_DATA, TN_IAC, TN_OPT, TN_SB, TN_SB_IAC };
enum { TN_NONE, TN_USER, TN_PASS };

struct telnet_state {
	uint8_t		 iac[2];	/* per direction, TN_* */
	uint16_t	 sblen[2];
	uint8_t		 banner[BANNER_MAX];
	size_t		 bn;
	bool		 banner_done;
	uint8_t		 tail[12];	/* last server bytes, lowercase */
	uint8_t		 mode;		/* what the client is typing */
	uint8_t		 user[USER_MAX];
	size_t		 un;
	size_t		 typed;		/* password bytes counted, not kept */
	bool		 await_result;	/* a password was sent */
};

static bool
tail_is(const struct telnet_state *st, const char *s)
{
	size_t n = strlen(s), t = sizeof(st->tail);

	return memcmp(st->tail + t - n, s, n) == 0;
}

static void
telnet_banner(struct proto_ctx *ctx, struct telnet_state *st)
{
	struct observation o;
	const uint8_t *p = st->banner;
	size_t n = st->bn;

	st->banner_done = true;
	while (n > 0 && (*p == '\r' || *p == '\n' || *p == ' ')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n' ||
	    p[n - 1] == ' '))
		n--;
	if (ctx->bus == NULL || n == 0)
		return;
	emit_banner(ctx, "telnet", "server", p, n, &o);
	obs_emit(ctx->bus, &o);
}

/* A data byte from the server: the banner, then the prompts. */
static void
telnet_server_byte(struct proto_ctx *ctx, struct telnet_state *st,
    uint8_t ch)
{
	if (ch == '\0')
		return;
	memmove(st->tail, st->tail + 1, sizeof(st->tail) - 1);
	st->tail[sizeof(st->tail) - 1] =
	    ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch - 'A' + 'a') : ch;
	if (!st->banner_done) {
		st->banner[st->bn++] = ch;
		if (st->bn == sizeof(st->banner))
			telnet_banner(ctx, st);
	}
	/*
	 * login(1) and most embedded shells answer a wrong password with
	 * "Login incorrect"; BusyBox and some devices say "Login failed"
	 * or "Access denied". Only looked for right after a password.
	 */
	if (st->await_result && (tail_is(st, "incorrect") ||
	    tail_is(st, "login failed") || tail_is(st, "denied"))) {
		st->await_result = false;
		emit_login_failed(ctx, "telnet", st->user, st->un, 0);
	}
	if (tail_is(st, "login:") || tail_is(st, "username:") ||
	    tail_is(st, "login: ") || tail_is(st, "username: ")) {
		if (!st->banner_done)
			telnet_banner(ctx, st);
		st->await_result = false;
		if (st->mode != TN_USER) {
			st->mode = TN_USER;
			st->un = 0;
		}
	} else if (tail_is(st, "password:") || tail_is(st, "password: ")) {
		if (!st->banner_done)
			telnet_banner(ctx, st);
		if (st->mode != TN_PASS) {
			st->mode = TN_PASS;
			st->typed = 0;
		}
	}
}

/* A data byte typed by the client (line or character mode). */
static void
telnet_client_byte(struct proto_ctx *ctx, struct telnet_state *st,
    uint8_t ch)
{
	bool eol = ch == '\r' || ch == '\n';

	if (ch == '\0')
		return;
	if (st->mode == TN_USER) {
		if (eol) {
			if (st->un > 0)
				st->mode = TN_NONE;
		} else if (ch == 0x7f || ch == 0x08) {
			if (st->un > 0)
				st->un--;
		} else if (st->un < sizeof(st->user)) {
			st->user[st->un++] = ch;
		}
	} else if (st->mode == TN_PASS) {
		if (eol) {
			st->mode = TN_NONE;
			emit_credential(ctx, "telnet", "login", st->user, st->un,
			    st->typed > 0, NULL, 0);
			st->typed = 0;
			st->await_result = true;
		} else {
			st->typed++;
		}
	}
}

static void
telnet_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct telnet_state *st = state;
	int d = ctx->dir != 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];

		switch (st->iac[d]) {
		case TN_DATA:
			if (ch == IAC) {
				st->iac[d] = TN_IAC;
				continue;
			}
			break;
		case TN_IAC:
			/* RFC 854: IAC IAC is a data byte 255. */
			if (ch == IAC) {
				st->iac[d] = TN_DATA;
				break;
			}
			if (ch == SB) {
				st->iac[d] = TN_SB;
				st->sblen[d] = 0;
			} else if (ch >= WILL) {
				st->iac[d] = TN_OPT;
			} else {
				st->iac[d] = TN_DATA;
			}
			continue;
		case TN_OPT:
			st->iac[d] = TN_DATA;
			continue;
		case TN_SB:
		case TN_SB_IAC:
			/* RFC 855: SB option parameters IAC SE. */
			if (st->iac[d] == TN_SB_IAC && ch == SE)
				st->iac[d] = TN_DATA;
			else if (ch == IAC && st->iac[d] == TN_SB)
				st->iac[d] = TN_SB_IAC;
			else
				st->iac[d] = TN_SB;
			if (st->iac[d] != TN_DATA &&
			    ++st->sblen[d] > TN_SB_MAX) {
				proto_malformed(ctx, MAL_TELNET_BAD_OPTION,
				    "telnet", "subnegotiation without IAC SE");
				st->iac[d] = TN_DATA;
			}
			continue;
		default:
			continue;
		}
		if (d == 1)
			telnet_server_byte(ctx, st, ch);
		else
			telnet_client_byte(ctx, st, ch);
	}
}

static void
telnet_end(struct proto_ctx *ctx, void *state)
{
	struct telnet_state *st = state;

	/* A banner with no prompt after it (the server sent text only). */
	if (!st->banner_done && st->bn > 0)
		telnet_banner(ctx, st);
}

/* ------------------------------------------------------------------ FTP */

/*
 * Seconds a data connection announced by PORT, EPRT, 227 or 229 is
 * awaited: clients connect (or, in active mode, servers do) at once, but
 * a server may wait for the transfer command before it connects.
 */
#define FTP_DATA_WAIT	60

struct ftp_state {
	struct text_line line[2];
	bool		 lost;
	bool		 greeted;	/* the first reply was seen */
	bool		 in_multi;	/* inside a multi-line reply */
	uint8_t		 code[3];
	bool		 auth_tls;	/* AUTH TLS sent, 234 awaited */
	uint8_t		 user[USER_MAX];
	size_t		 un;
	uint32_t	 transfers;	/* STOR, RETR, APPE seen */
	bool		 pass_sent;	/* PASS awaits its reply */
};

/*
 * Announces the data connection to a:port (RFC 959 section 3.2): in
 * passive mode (227, 229 replies) the client connects to the address the
 * server gave; in active mode (PORT, EPRT) the server connects to the
 * client's, from a port of its choosing (20 by the RFC, not in practice).
 * The initiator is the other end of this control connection. The data
 * connection goes to the ftp-data dissector, which checks it for DICOM
 * Part 10 files with the carrier "ftp".
 */
static void
ftp_expect_data(struct proto_ctx *ctx, const struct ward_addr *a,
    uint16_t port)
{
	struct expect e;

	if (ctx->pkt == NULL || !(ctx->pkt->flags & PKT_IP))
		return;
	memset(&e, 0, sizeof(e));
	e.proto = IPPROTO_TCP_;
	e.src = ctx->pkt->dst;
	e.dst = *a;
	e.dport = port;
	e.d = &dissector_ftp_data;
	memcpy(e.ctx, "ftp", 3);
	e.ctxlen = 3;
	proto_expect(ctx, &e, FTP_DATA_WAIT);
}

/* h1,h2,h3,h4,p1,p2 (RFC 959 section 4.1.2, PORT and the 227 reply). */
static int
ftp_hostport(const uint8_t *p, size_t n, struct ward_addr *a, uint16_t *port)
{
	unsigned int v[6] = { 0 };
	size_t k = 0, digits = 0;
	uint8_t b[4];

	for (size_t i = 0; i < n && k < 6; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			v[k] = v[k] * 10 + (unsigned int)(p[i] - '0');
			if (++digits > 3 || v[k] > 255)
				return -1;
		} else if (p[i] == ',' && digits > 0 && k < 5) {
			k++;
			digits = 0;
		} else if (digits > 0) {
			break;
		} else if (k > 0) {
			return -1;
		}
	}
	if (k != 5 || digits == 0)
		return -1;
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)v[i];
	addr_v4(a, b);
	*port = (uint16_t)(v[4] << 8 | v[5]);
	return 0;
}

/* The port between the last two delimiters of |af|addr|port| (RFC 2428). */
static int
ftp_ext_port(const uint8_t *p, size_t n, uint16_t *port)
{
	size_t end = n, start;
	unsigned int v = 0;

	while (end > 0 && p[end - 1] != '|')
		end--;
	if (end == 0)
		return -1;
	end--;
	start = end;
	while (start > 0 && p[start - 1] != '|')
		start--;
	if (start == 0 || start == end || end - start > 5)
		return -1;
	for (size_t i = start; i < end; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned int)(p[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static void
ftp_reply(struct proto_ctx *ctx, struct ftp_state *st, const uint8_t *p,
    size_t n)
{
	struct observation o;
	struct ward_addr a;
	uint16_t port;
	bool digits = n >= 3 && p[0] >= '1' && p[0] <= '5' &&
	    p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9';
	bool last;

	if (st->in_multi) {
		/* RFC 959 4.2: a multi-line reply ends with "ddd SP". */
		if (digits && n >= 4 && p[3] == ' ' &&
		    memcmp(p, st->code, 3) == 0)
			st->in_multi = false;
		return;
	}
	if (!digits || (n > 3 && p[3] != ' ' && p[3] != '-')) {
		proto_malformed(ctx, MAL_FTP_BAD_LINE, "ftp",
		    "reply without a three-digit code");
		return;
	}
	last = n == 3 || p[3] == ' ';
	if (!last) {
		st->in_multi = true;
		memcpy(st->code, p, 3);
	}
	/* RFC 959 5.4: PASS is answered 230, 202, 332, or 530 (refused). */
	if (st->pass_sent && st->greeted) {
		st->pass_sent = false;
		if (memcmp(p, "530", 3) == 0)
			emit_login_failed(ctx, "ftp", st->user, st->un, 530);
	}
	if (!st->greeted) {
		st->greeted = true;
		if (ctx->bus != NULL) {
			emit_banner(ctx, "ftp", "server", n > 4 ? p + 4 : NULL,
			    n > 4 ? n - 4 : 0, &o);
			(void)obs_u64(&o, "code", (uint64_t)(p[0] - '0') * 100 +
			    (uint64_t)(p[1] - '0') * 10 + (uint64_t)(p[2] - '0'));
			obs_emit(ctx->bus, &o);
		}
		return;
	}
	if (memcmp(p, "227", 3) == 0) {
		const uint8_t *par = memchr(p, '(', n);
		size_t off = par != NULL ? (size_t)(par - p) + 1 : 4;

		if (off > n || ftp_hostport(p + off, n - off, &a, &port) == -1)
			proto_malformed(ctx, MAL_FTP_BAD_ADDRESS, "ftp",
			    "227 reply without h1,h2,h3,h4,p1,p2");
		else
			ftp_expect_data(ctx, &a, port);
	} else if (memcmp(p, "229", 3) == 0) {
		/* RFC 2428 section 3: the server's own address. */
		if (ftp_ext_port(p, n, &port) == -1)
			proto_malformed(ctx, MAL_FTP_BAD_ADDRESS, "ftp",
			    "229 reply without (|||port|)");
		else if (ctx->pkt != NULL)
			ftp_expect_data(ctx, &ctx->pkt->src, port);
	} else if (memcmp(p, "234", 3) == 0 && st->auth_tls) {
		/* RFC 4217: TLS follows on this connection. */
		st->lost = true;
	}
}

static void
ftp_command(struct proto_ctx *ctx, struct ftp_state *st, const uint8_t *p,
    size_t n)
{
	size_t cl = 0;
	const uint8_t *arg;
	size_t an;
	struct ward_addr a;
	uint16_t port;

	while (cl < n && ((p[cl] >= 'A' && p[cl] <= 'Z') ||
	    (p[cl] >= 'a' && p[cl] <= 'z')))
		cl++;
	if (n == 0)
		return;
	if (cl < 3 || cl > 4 || (cl < n && p[cl] != ' ')) {
		proto_malformed(ctx, MAL_FTP_BAD_LINE, "ftp",
		    "command is not three or four letters");
		return;
	}
	arg = cl < n ? p + cl + 1 : p + n;
	an = cl < n ? n - cl - 1 : 0;
	if (text_caseeq(p, cl, "USER")) {
		st->un = an < sizeof(st->user) ? an : sizeof(st->user);
		memcpy(st->user, arg, st->un);
	} else if (text_caseeq(p, cl, "PASS")) {
		/* RFC 959 4.1.1: the password itself is never copied. */
		emit_credential(ctx, "ftp", "user-pass", st->user, st->un,
		    an > 0, NULL, 0);
		st->pass_sent = true;
	} else if (text_caseeq(p, cl, "PORT")) {
		if (ftp_hostport(arg, an, &a, &port) == -1)
			proto_malformed(ctx, MAL_FTP_BAD_ADDRESS, "ftp",
			    "PORT argument is not h1,h2,h3,h4,p1,p2");
		else
			ftp_expect_data(ctx, &a, port);
	} else if (text_caseeq(p, cl, "EPRT")) {
		/*
		 * The client's own address: one it names for another host
		 * (a proxy transfer) is not followed.
		 */
		if (ftp_ext_port(arg, an, &port) == -1)
			proto_malformed(ctx, MAL_FTP_BAD_ADDRESS, "ftp",
			    "EPRT argument is not |af|addr|port|");
		else if (ctx->pkt != NULL)
			ftp_expect_data(ctx, &ctx->pkt->src, port);
	} else if (text_caseeq(p, cl, "AUTH")) {
		st->auth_tls = true;
	} else if (text_caseeq(p, cl, "STOR") || text_caseeq(p, cl, "RETR") ||
	    text_caseeq(p, cl, "APPE")) {
		st->transfers++;
	}
}

static bool
ftp_line(struct proto_ctx *ctx, void *arg, const uint8_t *p, size_t n)
{
	struct ftp_state *st = arg;

	if (ctx->dir != 0)
		ftp_reply(ctx, st, p, n);
	else
		ftp_command(ctx, st, p, n);
	return !st->lost;
}

static size_t
ftp_line_max(void *arg, int dir)
{
	(void)arg;
	(void)dir;
	return FTP_LINE_MAX;
}

static void
ftp_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	static const struct text_lines_cb cb = { ftp_line, ftp_line_max };
	struct ftp_state *st = state;

	if (st->lost)
		return;
	if (text_lines(ctx, &st->line[ctx->dir != 0], p, n, &cb, st) == -1) {
		proto_malformed(ctx, MAL_FTP_BAD_LINE, "ftp",
		    "line over 4 KiB");
		st->lost = true;
	}
}

static void
ftp_gap(struct proto_ctx *ctx, void *state)
{
	struct ftp_state *st = state;

	(void)ctx;
	st->lost = true;
}

/* ----------------------------------------------------------------- SMTP */

enum { SA_NONE, SA_PLAIN, SA_LOGIN_USER, SA_LOGIN_PASS, SA_CRAM };

struct smtp_state {
	struct text_line line[2];
	bool		 lost;
	bool		 greeted;
	bool		 in_multi;
	bool		 data;		/* the client sends a message */
	bool		 starttls;
	uint8_t		 auth;		/* SA_*: the next client line is */
	uint8_t		 user[USER_MAX];
	size_t		 un;
};

#define SMTP_B64_MAX	768

/* RFC 4616: [authzid] NUL authcid NUL passwd. */
static void
smtp_plain(struct proto_ctx *ctx, const uint8_t *b64, size_t n)
{
	uint8_t dec[SMTP_B64_MAX];
	const uint8_t *nul1, *nul2;
	long dn = text_b64_decode(b64, n, dec, sizeof(dec));

	if (dn < 0 || (nul1 = memchr(dec, '\0', (size_t)dn)) == NULL ||
	    (nul2 = memchr(nul1 + 1, '\0', (size_t)dn - (size_t)(nul1 + 1 -
	    dec))) == NULL) {
		proto_malformed(ctx, MAL_SMTP_BAD_AUTH, "smtp",
		    "AUTH PLAIN response is not base64 of authzid NUL authcid "
		    "NUL passwd");
	} else {
		size_t un = (size_t)(nul2 - nul1 - 1);

		emit_credential(ctx, "smtp", "plain", nul1 + 1,
		    un < USER_MAX ? un : USER_MAX,
		    nul2 + 1 < dec + dn, NULL, 0);
	}
	explicit_bzero(dec, sizeof(dec));
}

/* Decodes a base64 user name (LOGIN, CRAM-MD5 "user digest") into st. */
static bool
smtp_user(struct smtp_state *st, const uint8_t *b64, size_t n, bool cram)
{
	uint8_t dec[SMTP_B64_MAX];
	long dn = text_b64_decode(b64, n, dec, sizeof(dec));
	size_t un;

	if (dn < 0)
		return false;
	un = (size_t)dn;
	if (cram) {
		const uint8_t *sp = memchr(dec, ' ', un);

		if (sp == NULL)
			return false;
		un = (size_t)(sp - dec);
	}
	st->un = un < sizeof(st->user) ? un : sizeof(st->user);
	memcpy(st->user, dec, st->un);
	explicit_bzero(dec, sizeof(dec));
	return true;
}

static void
smtp_command(struct proto_ctx *ctx, struct smtp_state *st, const uint8_t *p,
    size_t n)
{
	struct observation o;
	const uint8_t *arg, *sp;
	size_t an, cl;
	uint8_t auth = st->auth;

	if (st->data) {
		/* RFC 5321 4.5.2: the message ends with a lone ".". */
		if (n == 1 && p[0] == '.')
			st->data = false;
		return;
	}
	if (auth != SA_NONE) {
		st->auth = SA_NONE;
		/* RFC 4954 section 4: "*" cancels the exchange. */
		if (n == 1 && p[0] == '*')
			return;
		if (auth == SA_PLAIN) {
			smtp_plain(ctx, p, n);
		} else if (auth == SA_LOGIN_USER) {
			if (!smtp_user(st, p, n, false))
				proto_malformed(ctx, MAL_SMTP_BAD_AUTH, "smtp",
				    "AUTH LOGIN user name is not base64");
			else
				st->auth = SA_LOGIN_PASS;
		} else if (auth == SA_LOGIN_PASS) {
			/* The password is not even decoded. */
			emit_credential(ctx, "smtp", "login", st->user, st->un,
			    n > 0, NULL, 0);
		} else if (auth == SA_CRAM) {
			if (!smtp_user(st, p, n, true))
				proto_malformed(ctx, MAL_SMTP_BAD_AUTH, "smtp",
				    "CRAM-MD5 response is not base64 of user "
				    "digest");
			else
				emit_credential(ctx, "smtp", "cram-md5",
				    st->user, st->un, false, NULL, 0);
		}
		return;
	}
	sp = memchr(p, ' ', n);
	cl = sp != NULL ? (size_t)(sp - p) : n;
	arg = sp != NULL ? sp + 1 : p + n;
	an = sp != NULL ? n - cl - 1 : 0;
	text_trim(&arg, &an);
	if (cl == 0)
		return;
	for (size_t i = 0; i < cl; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= 'a' && p[i] <= 'z'))) {
			proto_malformed(ctx, MAL_SMTP_BAD_LINE, "smtp",
			    "command is not a word");
			return;
		}
	if (text_caseeq(p, cl, "EHLO") || text_caseeq(p, cl, "HELO")) {
		if (ctx->bus == NULL)
			return;
		emit_banner(ctx, "smtp", "client", NULL, 0, &o);
		if (an > 0)
			(void)obs_str(&o, "helo", arg, an);
		obs_emit(ctx->bus, &o);
	} else if (text_caseeq(p, cl, "DATA")) {
		st->data = true;
	} else if (text_caseeq(p, cl, "BDAT")) {
		/* RFC 3030: binary chunks, not lines. */
		st->lost = true;
	} else if (text_caseeq(p, cl, "STARTTLS")) {
		st->starttls = true;
	} else if (text_caseeq(p, cl, "AUTH")) {
		const uint8_t *ir = memchr(arg, ' ', an);
		size_t ml = ir != NULL ? (size_t)(ir - arg) : an;
		size_t irn = ir != NULL ? an - ml - 1 : 0;

		if (text_caseeq(arg, ml, "PLAIN")) {
			/* "=" is an empty initial response (RFC 4954). */
			if (irn > 0 && !(irn == 1 && ir[1] == '='))
				smtp_plain(ctx, ir + 1, irn);
			else
				st->auth = SA_PLAIN;
		} else if (text_caseeq(arg, ml, "LOGIN")) {
			st->un = 0;
			if (irn > 0 && smtp_user(st, ir + 1, irn, false))
				st->auth = SA_LOGIN_PASS;
			else
				st->auth = SA_LOGIN_USER;
		} else if (text_caseeq(arg, ml, "CRAM-MD5")) {
			st->auth = SA_CRAM;
		}
	}
}

static void
smtp_reply(struct proto_ctx *ctx, struct smtp_state *st, const uint8_t *p,
    size_t n)
{
	struct observation o;
	bool digits = n >= 3 && p[0] >= '2' && p[0] <= '5' &&
	    p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9';

	if (!digits || (n > 3 && p[3] != ' ' && p[3] != '-')) {
		proto_malformed(ctx, MAL_SMTP_BAD_LINE, "smtp",
		    "reply without a three-digit code");
		return;
	}
	if (!st->greeted) {
		st->greeted = true;
		if (ctx->bus != NULL) {
			emit_banner(ctx, "smtp", "server", n > 4 ? p + 4 : NULL,
			    n > 4 ? n - 4 : 0, &o);
			(void)obs_u64(&o, "code", (uint64_t)(p[0] - '0') * 100 +
			    (uint64_t)(p[1] - '0') * 10 + (uint64_t)(p[2] - '0'));
			obs_emit(ctx->bus, &o);
		}
		return;
	}
	/* RFC 3207: after "220" to STARTTLS the TLS handshake begins. */
	if (st->starttls && memcmp(p, "220", 3) == 0)
		st->lost = true;
	else if (st->starttls && p[0] != '2')
		st->starttls = false;
	/* A refused AUTH: the next client line is a command again. */
	if (st->auth != SA_NONE && p[0] != '3')
		st->auth = SA_NONE;
}

static bool
smtp_line(struct proto_ctx *ctx, void *arg, const uint8_t *p, size_t n)
{
	struct smtp_state *st = arg;

	if (ctx->dir != 0)
		smtp_reply(ctx, st, p, n);
	else
		smtp_command(ctx, st, p, n);
	return !st->lost;
}

/* Message content may have long lines; only commands may not. */
static size_t
smtp_line_max(void *arg, int dir)
{
	const struct smtp_state *st = arg;

	return dir == 0 && st->data ? SIZE_MAX : SMTP_LINE_MAX;
}

static void
smtp_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	static const struct text_lines_cb cb = { smtp_line, smtp_line_max };
	struct smtp_state *st = state;

	if (st->lost)
		return;
	if (text_lines(ctx, &st->line[ctx->dir != 0], p, n, &cb, st) == -1) {
		proto_malformed(ctx, MAL_SMTP_BAD_LINE, "smtp",
		    "line over 4 KiB");
		st->lost = true;
	}
}

static void
smtp_gap(struct proto_ctx *ctx, void *state)
{
	struct smtp_state *st = state;

	(void)ctx;
	st->lost = true;
}

/* ---------------------------------------------------------------- MySQL */

#define MYSQL_PKT_MAX	1024	/* first packet kept per direction */

#define CLIENT_CONNECT_WITH_DB		0x00000008U
#define CLIENT_PROTOCOL_41		0x00000200U
#define CLIENT_SSL			0x00000800U
#define CLIENT_SECURE_CONNECTION	0x00008000U
#define CLIENT_PLUGIN_AUTH		0x00080000U
#define CLIENT_PLUGIN_AUTH_LENENC	0x00200000U

struct mysql_half {
	uint8_t		 hdr[4];
	uint8_t		 hn;
	size_t		 len;
	uint8_t		 buf[MYSQL_PKT_MAX];
	size_t		 have;
	bool		 done;
};

struct mysql_state {
	struct mysql_half half[2];
};

/* A NUL-terminated string; without the NUL, the rest of the packet. */
static struct cursor
mysql_cstr(struct cursor *c, bool need_nul, bool *ok)
{
	const uint8_t *z = memchr(c->p, '\0', c->len);
	struct cursor s = { c->p, z != NULL ? (size_t)(z - c->p) : c->len };

	*ok = z != NULL || !need_nul;
	if (cur_skip(c, z != NULL ? s.len + 1 : s.len) == -1)
		*ok = false;
	return s;
}

/* Protocol::HandshakeV10, or an ERR packet refusing the client. */
static void
mysql_greeting(struct proto_ctx *ctx, struct cursor c)
{
	struct observation o;
	struct cursor ver, plugin = { NULL, 0 };
	uint32_t connid;
	uint16_t caplo, caphi, code;
	uint8_t proto, alen, skip8[8];
	bool ok;

	if (cur_u8(&c, &proto) == -1)
		goto bad;
	if (proto == 0xff) {
		/* ERR_Packet: code (2), ['#' sqlstate (5)], message. */
		if (cur_le16(&c, &code) == -1)
			goto bad;
		if (cur_left(&c) > 0 && c.p[0] == '#' && cur_skip(&c, 6) == -1)
			goto bad;
		if (ctx->bus == NULL)
			return;
		emit_banner(ctx, "mysql", "server", c.p, cur_left(&c), &o);
		(void)obs_u64(&o, "error_code", code);
		obs_emit(ctx->bus, &o);
		return;
	}
	if (proto != 10)
		goto bad;
	ver = mysql_cstr(&c, true, &ok);
	if (!ok || cur_le32(&c, &connid) == -1 ||
	    cur_bytes(&c, skip8, 8) == -1 || cur_skip(&c, 1) == -1 ||
	    cur_le16(&c, &caplo) == -1)
		goto bad;
	/* The rest is optional in old servers (HandshakeV10 notes). */
	if (cur_skip(&c, 3) == 0 && cur_le16(&c, &caphi) == 0 &&
	    cur_u8(&c, &alen) == 0 && cur_skip(&c, 10) == 0) {
		uint32_t caps = (uint32_t)caphi << 16 | caplo;
		size_t part2 = alen > 8 ? (size_t)alen - 8 : 0;

		if (part2 < 13)
			part2 = 13;
		if ((caps & CLIENT_SECURE_CONNECTION) &&
		    cur_skip(&c, part2) == -1)
			goto bad;
		if (caps & CLIENT_PLUGIN_AUTH)
			plugin = mysql_cstr(&c, false, &ok);
	}
	explicit_bzero(skip8, sizeof(skip8));
	if (ctx->bus == NULL)
		return;
	emit_banner(ctx, "mysql", "server", ver.p, ver.len, &o);
	(void)obs_str(&o, "version", ver.p, ver.len);
	(void)obs_u64(&o, "protocol_version", proto);
	(void)obs_u64(&o, "connection_id", connid);
	if (plugin.len > 0)
		(void)obs_str(&o, "auth_plugin", plugin.p, plugin.len);
	obs_emit(ctx->bus, &o);
	return;
bad:
	proto_malformed(ctx, MAL_MYSQL_BAD_PACKET, "mysql",
	    "bad server greeting");
}

/* Protocol::HandshakeResponse41: the user name is in clear. */
static void
mysql_response(struct proto_ctx *ctx, struct cursor c)
{
	struct cursor user, db = { NULL, 0 }, plugin = { NULL, 0 };
	char scheme[48] = "mysql";
	uint32_t caps;
	uint8_t alen;
	bool ok;

	if (cur_le32(&c, &caps) == -1)
		goto bad;
	/* Protocol::HandshakeResponse320 (pre-4.1) is not read. */
	if (!(caps & CLIENT_PROTOCOL_41))
		return;
	if (cur_skip(&c, 4 + 1 + 23) == -1)
		goto bad;
	/* Protocol::SSLRequest: the same 32 bytes, then TLS. */
	if (cur_left(&c) == 0 && (caps & CLIENT_SSL))
		return;
	user = mysql_cstr(&c, true, &ok);
	if (!ok)
		goto bad;
	if (caps & CLIENT_PLUGIN_AUTH_LENENC) {
		/* A length-encoded integer; scrambles are short. */
		if (cur_u8(&c, &alen) == -1 || alen >= 0xfb ||
		    cur_skip(&c, alen) == -1)
			goto bad;
	} else if (caps & CLIENT_SECURE_CONNECTION) {
		if (cur_u8(&c, &alen) == -1 || cur_skip(&c, alen) == -1)
			goto bad;
	} else {
		(void)mysql_cstr(&c, false, &ok);
	}
	if ((caps & CLIENT_CONNECT_WITH_DB) && cur_left(&c) > 0)
		db = mysql_cstr(&c, false, &ok);
	if ((caps & CLIENT_PLUGIN_AUTH) && cur_left(&c) > 0)
		plugin = mysql_cstr(&c, false, &ok);
	if (plugin.len > 0 && plugin.len < sizeof(scheme)) {
		memcpy(scheme, plugin.p, plugin.len);
		scheme[plugin.len] = '\0';
	}
	/* Only this plugin sends the password itself (in a later packet). */
	emit_credential(ctx, "mysql", scheme, user.p,
	    user.len < USER_MAX ? user.len : USER_MAX,
	    strcmp(scheme, "mysql_clear_password") == 0, db.p,
	    db.len < USER_MAX ? db.len : USER_MAX);
	return;
bad:
	proto_malformed(ctx, MAL_MYSQL_BAD_PACKET, "mysql",
	    "bad handshake response");
}

static void
mysql_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct mysql_state *st = state;
	int d = ctx->dir != 0;
	struct mysql_half *h = &st->half[d];
	size_t take;

	while (n > 0 && !h->done) {
		if (h->hn < 4) {
			h->hdr[h->hn++] = *p++;
			n--;
			if (h->hn == 4) {
				h->len = (size_t)h->hdr[0] |
				    (size_t)h->hdr[1] << 8 |
				    (size_t)h->hdr[2] << 16;
				if (h->len == 0 || h->len > MYSQL_PKT_MAX) {
					proto_malformed(ctx,
					    MAL_MYSQL_BAD_PACKET, "mysql",
					    "first packet empty or over 1 KiB");
					h->done = true;
				}
			}
			continue;
		}
		take = h->len - h->have < n ? h->len - h->have : n;
		memcpy(h->buf + h->have, p, take);
		h->have += take;
		p += take;
		n -= take;
		if (h->have < h->len)
			continue;
		h->done = true;
		if (d == 1)
			mysql_greeting(ctx, cur_make(h->buf, h->have));
		else
			mysql_response(ctx, cur_make(h->buf, h->have));
		explicit_bzero(h->buf, sizeof(h->buf));
	}
}

static bool
mysql_probe(const uint8_t *p, size_t n, int dir)
{
	/* Server first: length, sequence 0, protocol 10 or an ERR packet. */
	return dir == 1 && n >= 5 && p[3] == 0 && (p[4] == 10 || p[4] == 0xff);
}

static void
mysql_gap(struct proto_ctx *ctx, void *state)
{
	struct mysql_state *st = state;

	st->half[ctx->dir != 0].done = true;
}

/* ----------------------------------------------------------- PostgreSQL */

#define PG_MSG_MAX	1024	/* message bytes kept; longer ones skipped */
#define PG_SSL_REQUEST	80877103U
#define PG_GSS_REQUEST	80877104U
#define PG_PROTO_3	196608U

struct pg_half {
	uint8_t		 hdr[5];
	uint8_t		 hn;
	uint8_t		 type;
	size_t		 len;		/* body length */
	size_t		 seen;
	uint8_t		 buf[PG_MSG_MAX];
	bool		 started;	/* client: startup message seen */
};

struct pg_state {
	struct pg_half	 half[2];
	bool		 lost;
	bool		 ssl_asked;	/* SSLRequest or GSSENCRequest sent */
	bool		 ssl_refused;
	bool		 want_password;	/* AuthenticationCleartextPassword */
	bool		 reported;	/* the credential was reported */
	uint8_t		 user[USER_MAX];
	size_t		 un;
	uint8_t		 db[USER_MAX];
	size_t		 dn;
};

/* StartupMessage: protocol 3.0, then key NUL value NUL pairs, NUL. */
static void
pg_startup(struct proto_ctx *ctx, struct pg_state *st, struct cursor c)
{
	struct observation o;
	uint32_t code;
	bool ok;

	if (cur_be32(&c, &code) == -1)
		goto bad;
	if (code == PG_SSL_REQUEST || code == PG_GSS_REQUEST) {
		st->ssl_asked = true;
		return;
	}
	st->half[0].started = true;
	if (code >> 16 != 3)
		goto bad;
	if (ctx->bus != NULL)
		emit_banner(ctx, "postgresql", "client", NULL, 0, &o);
	while (cur_left(&c) > 0 && c.p[0] != '\0') {
		struct cursor k = mysql_cstr(&c, true, &ok), v;

		if (!ok)
			goto bad;
		v = mysql_cstr(&c, true, &ok);
		if (!ok)
			goto bad;
		if (text_caseeq(k.p, k.len, "user")) {
			st->un = v.len < USER_MAX ? v.len : USER_MAX;
			memcpy(st->user, v.p, st->un);
			if (ctx->bus != NULL)
				(void)obs_str(&o, "user", v.p, v.len);
		} else if (text_caseeq(k.p, k.len, "database")) {
			st->dn = v.len < USER_MAX ? v.len : USER_MAX;
			memcpy(st->db, v.p, st->dn);
			if (ctx->bus != NULL)
				(void)obs_str(&o, "database", v.p, v.len);
		} else if (text_caseeq(k.p, k.len, "application_name") &&
		    ctx->bus != NULL) {
			(void)obs_str(&o, "application_name", v.p, v.len);
		}
	}
	if (ctx->bus != NULL) {
		(void)obs_u64(&o, "protocol_version", code >> 16);
		if (st->ssl_refused)
			(void)obs_bool(&o, "ssl_refused", true);
		obs_emit(ctx->bus, &o);
	}
	return;
bad:
	proto_malformed(ctx, MAL_PGSQL_BAD_MESSAGE, "postgresql",
	    "bad startup message");
	st->lost = true;
}

static void
pg_server_msg(struct proto_ctx *ctx, struct pg_state *st, uint8_t type,
    struct cursor c)
{
	struct observation o;
	uint32_t code;
	bool ok;

	if (type == 'R') {
		/* Authentication*: 0 ok, 3 cleartext, 5 MD5, 10 SASL. */
		if (cur_be32(&c, &code) == -1)
			goto bad;
		if (code == 3) {
			st->want_password = true;
		} else if (!st->reported && (code == 0 || code == 5 ||
		    code == 10)) {
			st->reported = true;
			emit_credential(ctx, "postgresql", code == 0 ? "trust" :
			    code == 5 ? "md5" : "sasl", st->user, st->un, false,
			    st->db, st->dn);
		}
	} else if (type == 'S') {
		struct cursor k = mysql_cstr(&c, true, &ok), v;

		if (!ok)
			goto bad;
		v = mysql_cstr(&c, true, &ok);
		if (!ok)
			goto bad;
		if (text_caseeq(k.p, k.len, "server_version") &&
		    ctx->bus != NULL) {
			emit_banner(ctx, "postgresql", "server", NULL, 0, &o);
			(void)obs_str(&o, "version", v.p, v.len);
			obs_emit(ctx->bus, &o);
		}
	} else if (type == 'Z') {
		/* ReadyForQuery: the start-up is over. */
		st->lost = true;
	} else if (type == 'E') {
		/*
		 * ErrorResponse during start-up: (type, string) fields
		 * ended by a zero byte; SQLSTATE (field 'C') class 28 is
		 * invalid_authorization_specification, 28P01 a wrong
		 * password (Appendix A, Error Codes).
		 */
		uint8_t ft;

		while (cur_u8(&c, &ft) == 0 && ft != 0) {
			struct cursor v = mysql_cstr(&c, true, &ok);

			if (!ok)
				goto bad;
			if (ft == 'C' && v.len == 5 &&
			    memcmp(v.p, "28", 2) == 0) {
				emit_login_failed(ctx, "postgresql", st->user,
				    st->un, 0);
				break;
			}
		}
		st->lost = true;
	}
	return;
bad:
	proto_malformed(ctx, MAL_PGSQL_BAD_MESSAGE, "postgresql",
	    "bad server message");
}

static void
pg_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct pg_state *st = state;
	int d = ctx->dir != 0;
	struct pg_half *h = &st->half[d];
	/* The client's first messages have no type byte. */
	bool typed = d == 1 || h->started;
	size_t hl = typed ? 5 : 4, take;
	uint32_t len;

	while (n > 0 && !st->lost) {
		if (d == 1 && st->ssl_asked) {
			/* The one-byte answer to SSLRequest: 'S' or 'N'. */
			st->ssl_asked = false;
			if (*p == 'S' || *p == 'G') {
				st->lost = true;
				return;
			}
			st->ssl_refused = true;
			p++;
			n--;
			continue;
		}
		if (h->hn < hl) {
			h->hdr[h->hn++] = *p++;
			n--;
			if (h->hn < hl)
				continue;
			len = (uint32_t)h->hdr[hl - 4] << 24 |
			    (uint32_t)h->hdr[hl - 3] << 16 |
			    (uint32_t)h->hdr[hl - 2] << 8 | h->hdr[hl - 1];
			h->type = typed ? h->hdr[0] : 0;
			if (len < 4 || len > (1U << 24)) {
				proto_malformed(ctx, MAL_PGSQL_BAD_MESSAGE,
				    "postgresql", "bad message length");
				st->lost = true;
				return;
			}
			h->len = len - 4;
			h->seen = 0;
		}
		if (h->seen < h->len) {
			take = h->len - h->seen < n ? h->len - h->seen : n;
			if (h->seen < PG_MSG_MAX)
				memcpy(h->buf + h->seen, p,
				    take < PG_MSG_MAX - h->seen ? take :
				    PG_MSG_MAX - h->seen);
			h->seen += take;
			p += take;
			n -= take;
			if (h->seen < h->len)
				continue;
		}
		h->hn = 0;
		{
			struct cursor c = cur_make(h->buf, h->len < PG_MSG_MAX ?
			    h->len : PG_MSG_MAX);

			if (!typed) {
				pg_startup(ctx, st, c);
			} else if (d == 1) {
				pg_server_msg(ctx, st, h->type, c);
			} else if (h->type == 'p' && st->want_password &&
			    !st->reported) {
				/* PasswordMessage: never copied, only noted. */
				st->reported = true;
				emit_credential(ctx, "postgresql", "cleartext",
				    st->user, st->un, h->len > 1, st->db, st->dn);
			}
			explicit_bzero(h->buf, sizeof(h->buf));
		}
		typed = d == 1 || h->started;
		hl = typed ? 5 : 4;
	}
}

static bool
pg_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint32_t len, code;

	if (dir != 0 || cur_be32(&c, &len) == -1 || cur_be32(&c, &code) == -1)
		return false;
	return len >= 8 && len < 10000 && (code == PG_SSL_REQUEST ||
	    code == PG_GSS_REQUEST || code == PG_PROTO_3);
}

static void
pg_gap(struct proto_ctx *ctx, void *state)
{
	struct pg_state *st = state;

	(void)ctx;
	st->lost = true;
}

/* --------------------------------------------------------------- tables */

/* A reply code at the start (the server speaks first), or a command. */
static bool
reply_or_command_probe(const uint8_t *p, size_t n, int dir)
{
	if (dir == 1)
		return n >= 4 && p[0] >= '1' && p[0] <= '5' &&
		    p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' &&
		    (p[3] == ' ' || p[3] == '-');
	return n >= 4 && ((p[0] >= 'A' && p[0] <= 'Z') ||
	    (p[0] >= 'a' && p[0] <= 'z'));
}

const struct dissector dissector_telnet = {
	.name = "telnet",
	.l4proto = IPPROTO_TCP_,
	.ports = { 23 },
	.state_size = sizeof(struct telnet_state),
	.stream = telnet_stream,
	.end = telnet_end,
};

const struct dissector dissector_ftp = {
	.name = "ftp",
	.l4proto = IPPROTO_TCP_,
	.ports = { 21 },
	.probe = reply_or_command_probe,
	.state_size = sizeof(struct ftp_state),
	.stream = ftp_stream,
	.gap = ftp_gap,
};

const struct dissector dissector_smtp = {
	.name = "smtp",
	.l4proto = IPPROTO_TCP_,
	.ports = { 25, 587 },
	.probe = reply_or_command_probe,
	.state_size = sizeof(struct smtp_state),
	.stream = smtp_stream,
	.gap = smtp_gap,
};

const struct dissector dissector_mysql = {
	.name = "mysql",
	.l4proto = IPPROTO_TCP_,
	.ports = { 3306 },
	.probe = mysql_probe,
	.state_size = sizeof(struct mysql_state),
	.stream = mysql_stream,
	.gap = mysql_gap,
};

const struct dissector dissector_pgsql = {
	.name = "postgresql",
	.l4proto = IPPROTO_TCP_,
	.ports = { 5432 },
	.probe = pg_probe,
	.state_size = sizeof(struct pg_state),
	.stream = pg_stream,
	.gap = pg_gap,
};
