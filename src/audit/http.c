/*
 * http.c - default credentials over HTTP: Basic authentication on a path
 * (RFC 7617; Tomcat's manager is Basic on /manager/html) and WebLogic's
 * console form (a POST of j_username and j_password to
 * /console/j_security_check, the Servlet specification's form login).
 *
 *   C: GET /path HTTP/1.1 | Authorization: Basic base64(user ":" pass)
 *   S: HTTP/1.1 401 | WWW-Authenticate: Basic realm="..."   (refused)
 *   S: HTTP/1.1 200                                          (accepted)
 *
 *   C: POST /console/j_security_check | j_username=..&j_password=..
 *   S: 302 Location: .../console/login/LoginForm.jsp          (refused)
 *   S: 302 Location: .../console/                             (accepted)
 *
 * One request per connection (Connection: close): a device never sees two
 * of ward's requests at once, and no server's keep-alive rules apply.
 * Basic targets are probed once without credentials first: a path that
 * does not answer 401 with a Basic challenge is not guessed at.
 * Responses are read by audit_http_head (reply.c).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "ward-config.h"
#include "audit-private.h"

#define BODY_MAX	65536

/*
 * Sends req on a new connection and reads the response head (and, with
 * body, up to BODY_MAX of the body into c->buf after the head).
 */
static int
exchange(struct audit_conn *c, const char *req, size_t n,
    struct audit_http_resp *r, char *why, size_t len)
{
	struct cursor cur;
	ssize_t got;
	int rc = 0;

	if ((c->fd = audit_tcp_connect(c->t, c->timeout_ms, why, len)) == -1)
		return -1;
	if (audit_send(c->fd, req, n, c->timeout_ms, why, len) == -1)
		goto fail;
	for (;;) {
		got = audit_fill(c, why, len);
		if (got < 0 && rc == 1)
			break;	/* the head came, the rest did not */
		if (got < 0)
			goto fail;
		cur = cur_make(c->buf, c->buflen);
		if (rc != 1 && (rc = audit_http_head(&cur, r)) == -1) {
			(void)snprintf(why, len, "not an HTTP/1.x response");
			goto fail;
		}
		if (got == 0) {
			if (rc == 1)
				break;
			(void)snprintf(why, len, "the server closed the "
			    "connection before the response");
			goto fail;
		}
		if (rc == 1 && (c->buflen >= r->head_len + BODY_MAX ||
		    r->status == 401 || r->status / 100 == 3))
			break;
	}
	return 0;
fail:
	audit_conn_close_fd(c);
	return -1;
}

static int
http_open(struct audit_conn *c, char *why, size_t len)
{
	(void)c;
	(void)why;
	(void)len;
	return 0;	/* each attempt connects */
}

static void
http_close(struct audit_conn *c)
{
	audit_conn_close_fd(c);
}

static int
basic_request(struct audit_conn *c, const char *user, const char *pw,
    char *req, size_t reqlen)
{
	char host[ADDR_STRLEN], cred[4 * AUDIT_TEXT_MAX + 1200];
	unsigned char b64[sizeof(cred) * 4 / 3 + 8];
	int n;

	(void)audit_addr_str(c->t, host, sizeof(host));
	b64[0] = '\0';
	if (user != NULL) {
		n = snprintf(cred, sizeof(cred), "%s:%s", user, pw);
		if (n < 0 || (size_t)n >= sizeof(cred))
			return -1;
		(void)EVP_EncodeBlock(b64, (const unsigned char *)cred, n);
		explicit_bzero(cred, sizeof(cred));
	}
	n = snprintf(req, reqlen, "GET %s HTTP/1.1\r\nHost: %s%s%s:%u\r\n"
	    "User-Agent: ward-audit/%s\r\n%s%s%sConnection: close\r\n\r\n",
	    c->t->path, c->t->addr.family == 6 ? "[" : "", host,
	    c->t->addr.family == 6 ? "]" : "", c->t->port, WARD_VERSION,
	    user != NULL ? "Authorization: Basic " : "", (const char *)b64,
	    user != NULL ? "\r\n" : "");
	explicit_bzero(b64, sizeof(b64));
	return n < 0 || (size_t)n >= reqlen ? -1 : n;
}

static enum audit_result
basic_probe(struct audit_conn *c, char *why, size_t len)
{
	struct audit_http_resp r;
	char req[2048];
	int n;

	if ((n = basic_request(c, NULL, NULL, req, sizeof(req))) == -1) {
		(void)snprintf(why, len, "request too long");
		return AUDIT_ERROR;
	}
	if (exchange(c, req, (size_t)n, &r, why, len) == -1)
		return AUDIT_ERROR;
	audit_conn_close_fd(c);
	if (r.status == 401 && r.basic) {
		(void)snprintf(why, len, "401 Basic: the path asks for a "
		    "password");
		return AUDIT_DENIED;
	}
	(void)snprintf(why, len, "%u%s: %s asks for no Basic password",
	    r.status, r.status == 401 ? " without Basic" : "", c->t->path);
	return AUDIT_ERROR;
}

static enum audit_result
basic_attempt(struct audit_conn *c, const char *user, const char *pw,
    char *why, size_t len, bool *closed)
{
	struct audit_http_resp r;
	char req[4096];
	int n;

	*closed = true;
	n = basic_request(c, user, pw, req, sizeof(req));
	if (n == -1) {
		explicit_bzero(req, sizeof(req));
		(void)snprintf(why, len, "request too long");
		return AUDIT_ERROR;
	}
	n = exchange(c, req, (size_t)n, &r, why, len);
	explicit_bzero(req, sizeof(req));
	if (n == -1)
		return AUDIT_ERROR;
	audit_conn_close_fd(c);
	(void)snprintf(why, len, "%u", r.status);
	if (r.status / 100 == 2 || r.status / 100 == 3)
		return AUDIT_FOUND;
	if (r.status == 401 || r.status == 403)
		return AUDIT_DENIED;
	if (r.status == 429)
		return AUDIT_LOCKED;
	return AUDIT_ERROR;
}

/* application/x-www-form-urlencoded (the URL Standard). */
static bool
form_put(char *out, size_t cap, size_t *off, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (*off + 4 > cap)
			return false;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("*-._", ch) != NULL) {
			out[(*off)++] = (char)ch;
		} else {
			out[(*off)++] = '%';
			out[(*off)++] = hex[ch >> 4];
			out[(*off)++] = hex[ch & 15];
		}
	}
	out[*off] = '\0';
	return true;
}

static bool
is_login_page(const char *s)
{
	return strcasestr(s, "login") != NULL ||
	    strcasestr(s, "j_security_check") != NULL;
}

static enum audit_result
weblogic_attempt(struct audit_conn *c, const char *user, const char *pw,
    char *why, size_t len, bool *closed)
{
	char host[ADDR_STRLEN], body[8 * AUDIT_TEXT_MAX + 3200], req[8192];
	struct audit_http_resp r;
	size_t off = 0;
	int n;

	*closed = true;
	(void)audit_addr_str(c->t, host, sizeof(host));
	memcpy(body, "j_username=", 11);
	off = 11;
	if (!form_put(body, sizeof(body), &off, user) ||
	    off + 12 > sizeof(body))
		goto toolong;
	memcpy(body + off, "&j_password=", 12);
	off += 12;
	if (!form_put(body, sizeof(body), &off, pw) ||
	    off + 32 > sizeof(body))
		goto toolong;
	memcpy(body + off, "&j_character_encoding=UTF-8", 28);
	off += 27;
	n = snprintf(req, sizeof(req), "POST %s HTTP/1.1\r\nHost: %s%s%s:%u\r\n"
	    "User-Agent: ward-audit/%s\r\nContent-Type: "
	    "application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", c->t->path,
	    c->t->addr.family == 6 ? "[" : "", host,
	    c->t->addr.family == 6 ? "]" : "", c->t->port, WARD_VERSION, off,
	    body);
	explicit_bzero(body, sizeof(body));
	if (n < 0 || (size_t)n >= sizeof(req))
		goto toolong;
	n = exchange(c, req, (size_t)n, &r, why, len);
	explicit_bzero(req, sizeof(req));
	if (n == -1)
		return AUDIT_ERROR;
	/*
	 * WebLogic answers a refused form login with a redirect back to
	 * the login form (or the form again, with an error); an accepted
	 * one redirects into the console.
	 */
	if (r.status / 100 == 3) {
		enum audit_result res = r.has_location &&
		    !is_login_page(r.location) ? AUDIT_FOUND : AUDIT_DENIED;

		audit_conn_close_fd(c);
		audit_why_text(why, len, res == AUDIT_FOUND ?
		    "redirect into the console: " : "redirect to the login: ",
		    r.location);
		return res;
	}
	if (r.status == 200) {
		/* The body, as text, to look for the form or an error. */
		size_t bl = c->buflen - r.head_len;
		char *b = (char *)c->buf + r.head_len;
		bool denied;

		if (c->buflen == AUDIT_BUF_MAX)
			bl--;
		b[bl] = '\0';
		for (size_t i = 0; i < bl; i++)
			if (b[i] == '\0')
				b[i] = ' ';
		denied = strcasestr(b, "j_password") != NULL ||
		    strcasestr(b, "Authentication Denied") != NULL ||
		    strcasestr(b, "login error") != NULL;
		audit_conn_close_fd(c);
		(void)snprintf(why, len, denied ? "200 with the login form "
		    "or a login error" : "200 without the login form");
		return denied ? AUDIT_DENIED : AUDIT_FOUND;
	}
	audit_conn_close_fd(c);
	(void)snprintf(why, len, "%u", r.status);
	if (r.status == 401 || r.status == 403)
		return AUDIT_DENIED;
	return r.status == 429 ? AUDIT_LOCKED : AUDIT_ERROR;
toolong:
	explicit_bzero(body, sizeof(body));
	explicit_bzero(req, sizeof(req));
	(void)snprintf(why, len, "request too long");
	return AUDIT_ERROR;
}

const struct audit_driver audit_http_driver = {
	.proto = AUDIT_HTTP,
	.per_conn = 1,
	.open = http_open,
	.attempt = basic_attempt,
	.close = http_close,
	.probe = basic_probe,
};

const struct audit_driver audit_tomcat_driver = {
	.proto = AUDIT_TOMCAT,
	.per_conn = 1,
	.open = http_open,
	.attempt = basic_attempt,
	.close = http_close,
	.probe = basic_probe,
};

const struct audit_driver audit_weblogic_driver = {
	.proto = AUDIT_WEBLOGIC,
	.per_conn = 1,
	.open = http_open,
	.attempt = weblogic_attempt,
	.close = http_close,
};
