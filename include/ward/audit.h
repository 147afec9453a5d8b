/*
 * audit.h - ward audit: an opt-in, allow-listed, rate-limited check of
 * default and weak credentials on the devices of a hospital network
 * (docs/audit.md).
 *
 * The pure parts live in libward and are unit-tested and fuzzed: the
 * allow-list, targets, the credential file, the plan (which entries, in
 * which order, how many), the attempt log's lines and the parsers of
 * server replies (FTP, HTTP, Telnet). The protocol clients and the loop
 * that drives them are in src/audit/engine.c and the per-protocol files,
 * linked into the ward program only.
 */
#ifndef WARD_AUDIT_H
#define WARD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ward/addr.h"
#include "ward/cursor.h"

enum audit_proto {
	AUDIT_SSH,
	AUDIT_TELNET,
	AUDIT_FTP,
	AUDIT_HTTP,		/* HTTP Basic on a path (default /) */
	AUDIT_TOMCAT,		/* HTTP Basic on /manager/html */
	AUDIT_MYSQL,		/* MySQL and MariaDB */
	AUDIT_PGSQL,
	AUDIT_WEBLOGIC,		/* form POST to /console/j_security_check */
	AUDIT_NPROTO
};

/* "ssh", "telnet", ... (the scheme of a target). */
const char *audit_proto_name(enum audit_proto);
/* 0 and *p, or -1 for a name that is none of them. */
int audit_proto_parse(const char *, enum audit_proto *);
uint16_t audit_proto_port(enum audit_proto);

/*
 * The allow-list: the only addresses (and ports) ward audit may reach.
 * A file of lines "ADDR[/PREFIX] [PORTS]", PORTS a comma-separated list
 * of ports and ranges (22,80,8000-8100); no PORTS allows every port.
 * '#' starts a comment. Host names are refused: what is allowed is what
 * is connected to.
 */
struct audit_allow;

/*
 * Parses text (name for messages). NULL with err "name:line: ..." on a
 * bad line, or on a file without any entry. Caller frees.
 */
struct audit_allow *audit_allow_parse(const char *text, size_t len,
    const char *name, char *err, size_t errlen);
struct audit_allow *audit_allow_load(const char *path, char *err,
    size_t errlen);
void audit_allow_free(struct audit_allow *);
bool audit_allow_permits(const struct audit_allow *,
    const struct ward_addr *, uint16_t port);
size_t audit_allow_count(const struct audit_allow *);

/*
 * A target: "proto://ADDR[:PORT][/PATH]" then optional words
 * "vendor=V", "model=M", "path=/P", "tls=1" (PostgreSQL: require TLS).
 * IPv6 addresses in brackets. Host names are refused.
 */
#define AUDIT_TEXT_MAX	64
#define AUDIT_PATH_MAX	128
#define AUDIT_TARGET_MAX 256

struct audit_target {
	enum audit_proto proto;
	struct ward_addr addr;
	uint16_t	 port;
	bool		 tls;
	char		 vendor[AUDIT_TEXT_MAX];	/* "" when unknown */
	char		 model[AUDIT_TEXT_MAX];
	char		 path[AUDIT_PATH_MAX];	/* HTTP: the protected path */
	char		 name[AUDIT_TARGET_MAX];	/* proto://addr:port */
};

/*
 * Parses one URL (url) and then applies words[0..nwords) ("key=value").
 * 0, or -1 with err saying what is wrong with which part.
 */
int audit_target_parse(const char *url, char *const *words, size_t nwords,
    struct audit_target *t, char *err, size_t errlen);

/*
 * A targets file: one target a line with its words, '#' comments.
 * Appends to *v (*n items, realloc'd; caller frees *v). -1 with err
 * "file:line: ..." on the first bad line.
 */
int audit_targets_parse(const char *text, size_t len, const char *name,
    struct audit_target **v, size_t *n, char *err, size_t errlen);
int audit_targets_load(const char *path, struct audit_target **v,
    size_t *n, char *err, size_t errlen);

/*
 * The credential file (rules/audit/defaults.yaml):
 *
 *   version: 1
 *   credentials:
 *     - id: tomcat-6-example         unique, what the log names
 *       vendor: Apache                none: a generic entry
 *       model: Tomcat                 none: every model of the vendor
 *       protocols: [tomcat, http]     one or a list, or "any"
 *       user: tomcat
 *       password: tomcat              "" allowed (an empty password)
 *       lockout: 5                    failures that lock the account
 *       source: "where it is published"
 *       remediation: "..."            optional, else the protocol's
 */
#define AUDIT_LOCKOUT_MAX 1000

struct audit_cred {
	char		*id;
	char		*vendor;	/* NULL: generic */
	char		*model;		/* NULL: any model of vendor */
	char		*user;
	char		*password;	/* wiped when freed */
	char		*source;
	char		*remediation;	/* NULL: the protocol's default */
	unsigned	 protos;	/* 1U << enum audit_proto */
	unsigned	 lockout;
	unsigned	 line;		/* in the file, for messages */
};

struct audit_creds {
	struct audit_cred *v;
	size_t		 n;
};

/*
 * Parses a credential file. NULL with err "name:line: ..." naming the key
 * on any mistake (unknown key, missing key, bad protocol, lockout not a
 * number in 1..AUDIT_LOCKOUT_MAX, repeated id). Caller frees.
 */
struct audit_creds *audit_creds_parse(const char *text, size_t len,
    const char *name, char *err, size_t errlen);
struct audit_creds *audit_creds_load(const char *path, char *err,
    size_t errlen);
void audit_creds_free(struct audit_creds *);

/*
 * The plan for one target: the entries to try, in order, at most
 * limit of them.
 *
 * Order: entries naming the target's vendor and model, then the vendor's
 * entries without a model, then generic entries; file order within each
 * tier; a user and password pair already planned is not planned again.
 * Limit: one less than the smallest lockout of the entries of the most
 * specific tier that has any (what is known of this device's lockout),
 * and never more than max_guesses (0: no cap).
 */
#define AUDIT_PLAN_MAX	64

enum audit_tier { AUDIT_TIER_MODEL, AUDIT_TIER_VENDOR, AUDIT_TIER_GENERIC };

struct audit_plan {
	const struct audit_cred *c[AUDIT_PLAN_MAX];
	enum audit_tier	 tier[AUDIT_PLAN_MAX];
	size_t		 n;
	unsigned	 limit;		/* lockout - 1, capped */
	unsigned	 lockout;	/* 0: no entry applies */
};

void audit_plan_make(const struct audit_creds *, const struct audit_target *,
    unsigned max_guesses, struct audit_plan *);

/* The outcome of one attempt. */
enum audit_result {
	AUDIT_DENIED,		/* the server refused the credential */
	AUDIT_FOUND,		/* the credential works */
	AUDIT_ERROR,		/* refused, reset, timeout, protocol error */
	AUDIT_LOCKED,		/* the server says the account is locked */
};
const char *audit_result_name(enum audit_result);

/* One line of the attempt log. */
struct audit_attempt {
	uint64_t	 time_usec;	/* wall clock at the start */
	const struct audit_target *target;
	unsigned	 n;		/* 1.. within the target */
	unsigned	 conn;		/* connection number within the target */
	const char	*entry;		/* the credential's id, NULL: a probe */
	const char	*user;
	enum audit_result result;
	const char	*detail;	/* why, or "" */
	uint64_t	 duration_usec;
};

/*
 * Formats the attempt as one JSON object and a newline into buf. Never
 * writes a password: the entry's id names what was tried. The length, or
 * -1 when it does not fit.
 */
int audit_attempt_json(const struct audit_attempt *, char *buf, size_t len);

/*
 * Server replies, parsed over bounded buffers. Each is pure (no I/O) and
 * fuzzed (tests/fuzz/fuzz_audit.c).
 */

/* FTP (RFC 959 section 4.2): a reply line or a multi-line reply. */
#define AUDIT_FTP_LINE_MAX 1024

/*
 * Reads the first complete reply in c: 1 with its code and *used the
 * bytes it took, 0 when more bytes are needed, -1 when it is not an FTP
 * reply (no three-digit code, a line over AUDIT_FTP_LINE_MAX, a
 * multi-line reply over 64 lines).
 */
int audit_ftp_reply(const struct cursor *c, unsigned *code, size_t *used);

/* HTTP/1.x (RFC 9112 section 4, RFC 9110): status line and headers. */
#define AUDIT_HTTP_HEAD_MAX 16384

struct audit_http_resp {
	unsigned	 status;
	bool		 basic;		/* WWW-Authenticate: Basic ... */
	bool		 has_location;
	char		 location[256];	/* truncated */
	size_t		 head_len;	/* bytes up to and with the blank line */
};

/*
 * Parses the head of a response in c: 1 when the head is complete, 0
 * when more bytes are needed, -1 when it is not HTTP/1.x (bad status
 * line, a header without ':', a head over AUDIT_HTTP_HEAD_MAX).
 */
int audit_http_head(const struct cursor *c, struct audit_http_resp *);

/* Telnet (RFC 854, RFC 855): option negotiation and login prompts. */
struct audit_telnet {
	int		 st;		/* where in an IAC sequence */
	uint8_t		 cmd;
	size_t		 sb_len;	/* bytes of the current subnegotiation */
};

/*
 * Feeds bytes from the server: text (without IAC sequences, NULs and
 * subnegotiations) is appended to text (at most textcap, the rest
 * dropped), and the refusals to send back (DONT for WILL, WONT for DO)
 * to reply (at most replycap). Sequences may be split across calls.
 */
void audit_telnet_feed(struct audit_telnet *, const uint8_t *in, size_t n,
    uint8_t *text, size_t textcap, size_t *textlen, uint8_t *reply,
    size_t replycap, size_t *replylen);

enum audit_prompt {
	AUDIT_PROMPT_NONE,
	AUDIT_PROMPT_LOGIN,	/* "login:", "username:" at the end */
	AUDIT_PROMPT_PASSWORD,	/* "password:" at the end */
	AUDIT_PROMPT_DENIED,	/* "incorrect", "failed", "invalid", "denied" */
	AUDIT_PROMPT_LOCKED,	/* "locked", "too many" */
	AUDIT_PROMPT_SHELL,	/* a line ending "$ ", "# ", "> " or "%" */
};

/* What the text the server sent since the last input asks for. */
enum audit_prompt audit_telnet_prompt(const uint8_t *text, size_t n);

/* The remediation to print for a finding of protocol p. */
const char *audit_remediation(enum audit_proto);

#endif
