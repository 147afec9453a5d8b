/*
 * creds.c - the credential file of ward audit (rules/audit/defaults.yaml):
 * default credentials per vendor, model and protocol with where each is
 * published and the lockout of the device, and a small generic list.
 * See audit.h for the format; every mistake is refused with the file, the
 * line and the key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/audit.h"
#include "src/lib/yamlfile.h"

#define CREDS_FILE_MAX	(4U << 20)
#define CREDS_MAX	4096
#define FIELD_MAX	512

static const char keys[] = "id, vendor, model, protocols, user, password, "
    "lockout, source, remediation";

static void
cred_clear(struct audit_cred *c)
{
	free(c->id);
	free(c->vendor);
	free(c->model);
	free(c->user);
	if (c->password != NULL) {
		explicit_bzero(c->password, strlen(c->password));
		free(c->password);
	}
	free(c->source);
	free(c->remediation);
}

void
audit_creds_free(struct audit_creds *cs)
{
	if (cs == NULL)
		return;
	for (size_t i = 0; i < cs->n; i++)
		cred_clear(&cs->v[i]);
	free(cs->v);
	free(cs);
}

/* A string field: a scalar of at most FIELD_MAX printable bytes. */
static bool
field(struct yamlfile *y, const char *id, const char *key, yaml_node_t *v,
    bool empty_ok, char **out)
{
	const char *s = yamlfile_scalar(v);
	size_t n;

	if (*out != NULL) {
		yamlfile_fail(y, v, "credential '%s': '%s' given twice", id,
		    key);
		return false;
	}
	if (s == NULL) {
		yamlfile_fail(y, v, "credential '%s': '%s' must be a string",
		    id, key);
		return false;
	}
	n = strlen(s);
	if ((n == 0 && !empty_ok) || n > FIELD_MAX) {
		yamlfile_fail(y, v, "credential '%s': '%s' must have 1 to %d "
		    "characters", id, key, FIELD_MAX);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			yamlfile_fail(y, v, "credential '%s': '%s' holds a "
			    "control character", id, key);
			return false;
		}
	if ((*out = strdup(s)) == NULL) {
		yamlfile_fail(y, v, "out of memory");
		return false;
	}
	return true;
}

static bool
protocols(struct yamlfile *y, const char *id, yaml_node_t *v, unsigned *out)
{
	size_t n = yamlfile_len(v);
	enum audit_proto p;

	if (n == 0) {
		yamlfile_fail(y, v, "credential '%s': 'protocols' wants a "
		    "protocol or a list of them", id);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = yamlfile_item(y, v, i);
		const char *s = yamlfile_scalar(e);

		if (s != NULL && strcasecmp(s, "any") == 0) {
			*out |= (1U << AUDIT_NPROTO) - 1;
		} else if (s == NULL || audit_proto_parse(s, &p) == -1) {
			yamlfile_fail(y, e != NULL ? e : v, "credential '%s': "
			    "'protocols': '%s' is not ssh, telnet, ftp, http, "
			    "tomcat, mysql, postgresql, weblogic or any", id,
			    s != NULL ? s : "(not a string)");
			return false;
		} else {
			*out |= 1U << p;
		}
	}
	return true;
}

static bool
lockout(struct yamlfile *y, const char *id, yaml_node_t *v, unsigned *out)
{
	const char *s = yamlfile_scalar(v);
	char *end;
	unsigned long n;

	if (s == NULL || *s < '0' || *s > '9' ||
	    (n = strtoul(s, &end, 10), *end != '\0') || n < 1 ||
	    n > AUDIT_LOCKOUT_MAX) {
		yamlfile_fail(y, v, "credential '%s': 'lockout' must be a "
		    "number of failed logins, 1 to %d", id, AUDIT_LOCKOUT_MAX);
		return false;
	}
	*out = (unsigned)n;
	return true;
}

static bool
one(struct yamlfile *y, yaml_node_t *node, struct audit_creds *cs)
{
	struct audit_cred c;
	const char *id = "?";

	memset(&c, 0, sizeof(c));
	if (node == NULL || node->type != YAML_MAPPING_NODE) {
		yamlfile_fail(y, node, "a credential must be a mapping (%s)",
		    keys);
		return false;
	}
	c.line = (unsigned)node->start_mark.line + 1;
	/* The id first, so that every later message can name it. */
	for (yaml_node_pair_t *pr = node->data.mapping.pairs.start;
	    pr < node->data.mapping.pairs.top; pr++) {
		const char *ks = yamlfile_scalar(yaml_document_get_node(&y->doc,
		    pr->key));

		if (ks != NULL && strcmp(ks, "id") == 0) {
			yaml_node_t *v = yaml_document_get_node(&y->doc,
			    pr->value);

			if (!field(y, "?", "id", v, false, &c.id))
				goto fail;
			for (const char *p = c.id; *p != '\0'; p++)
				if (!(*p >= 'a' && *p <= 'z') &&
				    !(*p >= 'A' && *p <= 'Z') &&
				    !(*p >= '0' && *p <= '9') &&
				    strchr("-_.", *p) == NULL) {
					yamlfile_fail(y, v, "credential '%s': "
					    "'id' may hold letters, digits, "
					    "'-', '_' and '.' only", c.id);
					goto fail;
				}
			id = c.id;
		}
	}
	if (c.id == NULL) {
		yamlfile_fail(y, node, "a credential without an 'id'");
		goto fail;
	}
	for (size_t i = 0; i < cs->n; i++)
		if (strcmp(cs->v[i].id, c.id) == 0) {
			yamlfile_fail(y, node, "credential '%s': the id is "
			    "used on line %u too", c.id, cs->v[i].line);
			goto fail;
		}
	for (yaml_node_pair_t *pr = node->data.mapping.pairs.start;
	    pr < node->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&y->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&y->doc, pr->value);
		const char *ks = yamlfile_scalar(k);
		bool ok;

		if (ks == NULL) {
			yamlfile_fail(y, k, "credential '%s': a key must be a "
			    "string", id);
			goto fail;
		}
		if (yamlfile_repeated(y, node, pr)) {
			yamlfile_fail(y, k, "credential '%s': '%s' given twice",
			    id, ks);
			goto fail;
		}
		if (strcmp(ks, "id") == 0)
			ok = true;
		else if (strcmp(ks, "vendor") == 0)
			ok = field(y, id, ks, v, false, &c.vendor);
		else if (strcmp(ks, "model") == 0)
			ok = field(y, id, ks, v, false, &c.model);
		else if (strcmp(ks, "user") == 0)
			ok = field(y, id, ks, v, false, &c.user);
		else if (strcmp(ks, "password") == 0)
			ok = field(y, id, ks, v, true, &c.password);
		else if (strcmp(ks, "source") == 0)
			ok = field(y, id, ks, v, false, &c.source);
		else if (strcmp(ks, "remediation") == 0)
			ok = field(y, id, ks, v, false, &c.remediation);
		else if (strcmp(ks, "protocols") == 0)
			ok = protocols(y, id, v, &c.protos);
		else if (strcmp(ks, "lockout") == 0)
			ok = lockout(y, id, v, &c.lockout);
		else {
			yamlfile_fail(y, k, "credential '%s': unknown key '%s' "
			    "(%s)", id, ks, keys);
			goto fail;
		}
		if (!ok)
			goto fail;
	}
	if (c.model != NULL && c.vendor == NULL) {
		yamlfile_fail(y, node, "credential '%s': 'model' without "
		    "'vendor'", id);
		goto fail;
	}
	{
		const char *missing = c.user == NULL ? "user" :
		    c.password == NULL ? "password" :
		    c.protos == 0 ? "protocols" :
		    c.lockout == 0 ? "lockout" :
		    c.source == NULL ? "source" : NULL;

		if (missing != NULL) {
			yamlfile_fail(y, node, "credential '%s': no '%s'", id,
			    missing);
			goto fail;
		}
	}
	if (cs->n == CREDS_MAX) {
		yamlfile_fail(y, node, "more than %d credentials", CREDS_MAX);
		goto fail;
	}
	cs->v[cs->n++] = c;
	return true;
fail:
	cred_clear(&c);
	return false;
}

struct audit_creds *
audit_creds_parse(const char *text, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct audit_creds *cs;
	struct yamlfile y;
	yaml_node_t *list;
	size_t n;

	if (yamlfile_parse(&y, text, len, name, err, errlen) == -1)
		return NULL;
	if ((cs = calloc(1, sizeof(*cs))) == NULL) {
		(void)snprintf(err, errlen, "%s: out of memory", name);
		yamlfile_done(&y);
		return NULL;
	}
	if ((list = yamlfile_top(&y, "credentials", "credentials", keys, NULL,
	    NULL)) == NULL)
		goto fail;
	n = yamlfile_len(list);
	if (n > CREDS_MAX) {
		yamlfile_fail(&y, list, "more than %d credentials", CREDS_MAX);
		goto fail;
	}
	if (n > 0 && (cs->v = calloc(n, sizeof(*cs->v))) == NULL) {
		yamlfile_fail(&y, list, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		if (!one(&y, yamlfile_item(&y, list, i), cs))
			goto fail;
	yamlfile_done(&y);
	return cs;
fail:
	yamlfile_done(&y);
	audit_creds_free(cs);
	return NULL;
}

struct audit_creds *
audit_creds_load(const char *path, char *err, size_t errlen)
{
	struct audit_creds *cs;
	size_t len;
	char *text;

	if ((text = yamlfile_read(path, CREDS_FILE_MAX, &len, err,
	    errlen)) == NULL)
		return NULL;
	cs = audit_creds_parse(text, len, path, err, errlen);
	explicit_bzero(text, len);
	free(text);
	return cs;
}
