/*
 * oui.c - MAC vendor lookup from the IEEE registration authority's CSV
 * files, as Debian's ieee-data package installs them:
 *
 *	Registry,Assignment,Organization Name,Organization Address
 *	MA-L,002272,American Micro-Fuel Device Corp.,2181 Buchanan Loop ...
 *	MA-M,208593B,IOG Products LLC,...
 *	MA-S,70B3D5F2F,TELEPLATFORMS,"Polbina st., 3/1 Moscow ..."
 *
 * MA-L assigns 24-bit prefixes, MA-M 28-bit, MA-S and IAB 36-bit. Since the
 * smaller blocks are carved out of MA-L blocks held by the IEEE itself, a
 * lookup tries the longest prefixes first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/oui.h"

struct oui_entry {
	uint64_t	 prefix;	/* the top bits of the 48-bit MAC */
	uint32_t	 name;		/* offset in the name pool */
	uint8_t		 registry;	/* index in registry_names */
};

enum { REG_MAL, REG_MAM, REG_MAS, REG_IAB, REG_COUNT };
static const char *const registry_names[REG_COUNT] = { "MA-L", "MA-M",
	"MA-S", "IAB" };
static const unsigned registry_bits[REG_COUNT] = { 24, 28, 36, 36 };

struct oui_table {
	struct oui_entry *v;
	size_t		 n;
	size_t		 cap;
};

struct oui_db {
	struct oui_table t[3];		/* 24, 28 and 36-bit prefixes */
	char		*pool;
	size_t		 pool_len;
	size_t		 pool_cap;
};

static int
table_index(unsigned bits)
{
	return bits == 24 ? 0 : bits == 28 ? 1 : 2;
}

static int
pool_add(struct oui_db *db, const char *s, size_t len, uint32_t *off)
{
	if (db->pool_len + len + 1 > db->pool_cap) {
		size_t cap = db->pool_cap ? db->pool_cap * 2 : 1u << 20;
		char *p;

		while (cap < db->pool_len + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX || (p = realloc(db->pool, cap)) == NULL)
			return -1;
		db->pool = p;
		db->pool_cap = cap;
	}
	memcpy(db->pool + db->pool_len, s, len);
	db->pool[db->pool_len + len] = '\0';
	*off = (uint32_t)db->pool_len;
	db->pool_len += len + 1;
	return 0;
}

static int
table_add(struct oui_table *t, const struct oui_entry *e)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		struct oui_entry *v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = *e;
	return 0;
}

/*
 * Splits one CSV line (RFC 4180 quoting) and returns the start and length
 * of field i in *f and *flen, unquoted in place. Returns -1 if absent.
 */
static int
csv_field(char *line, int want, char **f, size_t *flen)
{
	char *p = line;

	for (int i = 0;; i++) {
		char *start, *out;

		if (*p == '"') {
			start = out = ++p;
			for (;;) {
				if (*p == '\0')
					return -1;
				if (*p == '"' && p[1] == '"') {
					*out++ = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					*out++ = *p++;
				}
			}
		} else {
			start = p;
			while (*p != ',' && *p != '\0' && *p != '\n' &&
			    *p != '\r')
				p++;
			out = p;
		}
		if (i == want) {
			*f = start;
			*flen = (size_t)(out - start);
			return 0;
		}
		if (*p != ',')
			return -1;
		p++;
	}
}

static int
parse_hex(const char *s, size_t len, uint64_t *v)
{
	*v = 0;
	if (len == 0 || len > 12)
		return -1;
	for (size_t i = 0; i < len; i++) {
		int c = s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	return 0;
}

/*
 * A quoted field may hold line breaks (some organisation addresses do):
 * while the record has an odd number of quotes, the next line belongs to it.
 */
static int
join_quoted_lines(char **line, size_t *cap, FILE *fp, unsigned long *lineno)
{
	char *more = NULL;
	size_t morecap = 0;
	int rc = 0;

	for (;;) {
		size_t quotes = 0, len = strlen(*line), mlen;
		char *p;

		for (p = strchr(*line, '"'); p != NULL; p = strchr(p + 1, '"'))
			quotes++;
		if (quotes % 2 == 0)
			break;
		if (getline(&more, &morecap, fp) == -1 || len > 65536) {
			rc = -1;
			break;
		}
		(*lineno)++;
		mlen = strlen(more);
		if (len + mlen + 1 > *cap) {
			if ((p = realloc(*line, len + mlen + 1)) == NULL) {
				rc = -1;
				break;
			}
			*line = p;
			*cap = len + mlen + 1;
		}
		memcpy(*line + len, more, mlen + 1);
	}
	free(more);
	return rc;
}

static int
load_file(struct oui_db *db, const char *path, char *err, size_t errlen)
{
	char *line = NULL;
	size_t linecap = 0;
	unsigned long lineno = 0;
	FILE *fp;
	int rc = -1;

	if ((fp = fopen(path, "r")) == NULL)
		return 1;	/* absent: not an error, other files may do */
	while (getline(&line, &linecap, fp) != -1) {
		char *reg, *hex, *name;
		size_t reglen, hexlen, namelen;
		struct oui_entry e;
		uint64_t v;
		int r;

		lineno++;
		if (join_quoted_lines(&line, &linecap, fp, &lineno) == -1) {
			snprintf(err, errlen, "%s:%lu: unterminated quoted "
			    "field", path, lineno);
			goto out;
		}
		if (lineno == 1 && strncmp(line, "Registry,", 9) == 0)
			continue;
		if (line[0] == '\n' || line[0] == '\0')
			continue;
		/* Fields are parsed right to left: unquoting moves bytes. */
		if (csv_field(line, 2, &name, &namelen) == -1 ||
		    csv_field(line, 1, &hex, &hexlen) == -1 ||
		    csv_field(line, 0, &reg, &reglen) == -1) {
			snprintf(err, errlen, "%s:%lu: expected "
			    "Registry,Assignment,Organization Name", path,
			    lineno);
			goto out;
		}
		for (r = 0; r < REG_COUNT; r++)
			if (reglen == strlen(registry_names[r]) &&
			    memcmp(reg, registry_names[r], reglen) == 0)
				break;
		if (r == REG_COUNT) {
			snprintf(err, errlen, "%s:%lu: unknown registry '%.*s'",
			    path, lineno, (int)(reglen > 16 ? 16 : reglen),
			    reg);
			goto out;
		}
		if (parse_hex(hex, hexlen, &v) == -1 ||
		    hexlen * 4 != registry_bits[r]) {
			snprintf(err, errlen, "%s:%lu: assignment is not %u "
			    "hex bits", path, lineno, registry_bits[r]);
			goto out;
		}
		while (namelen > 0 && name[namelen - 1] == ' ')
			namelen--;
		e.prefix = v;
		e.registry = (uint8_t)r;
		if (pool_add(db, name, namelen, &e.name) == -1 ||
		    table_add(&db->t[table_index(registry_bits[r])], &e) == -1) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto out;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(fp);
	return rc;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct oui_entry *x = a, *y = b;

	return x->prefix < y->prefix ? -1 : x->prefix > y->prefix;
}

struct oui_db *
oui_load(const char *dir, char *err, size_t errlen)
{
	static const char *const files[] = { "oui.csv", "mam.csv",
		"oui36.csv", "iab.csv" };
	struct oui_db *db;
	char path[4096];
	int found = 0;

	if ((db = calloc(1, sizeof(*db))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int r;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if ((r = load_file(db, path, err, errlen)) == -1) {
			oui_free(db);
			return NULL;
		}
		found += r == 0;
	}
	if (!found) {
		snprintf(err, errlen, "%s: no IEEE registry file (oui.csv, "
		    "mam.csv, oui36.csv, iab.csv); install Debian's ieee-data",
		    dir);
		oui_free(db);
		return NULL;
	}
	for (int i = 0; i < 3; i++)
		qsort(db->t[i].v, db->t[i].n, sizeof(struct oui_entry),
		    entry_cmp);
	return db;
}

void
oui_free(struct oui_db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < 3; i++)
		free(db->t[i].v);
	free(db->pool);
	free(db);
}

static const struct oui_entry *
find(const struct oui_db *db, const uint8_t mac[6])
{
	static const unsigned bits[3] = { 36, 28, 24 };
	uint64_t m = 0;

	if (db == NULL)
		return NULL;
	for (int i = 0; i < 6; i++)
		m = m << 8 | mac[i];
	for (int i = 0; i < 3; i++) {
		const struct oui_table *t = &db->t[table_index(bits[i])];
		uint64_t key = m >> (48 - bits[i]);
		size_t lo = 0, hi = t->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (t->v[mid].prefix < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < t->n && t->v[lo].prefix == key)
			return &t->v[lo];
	}
	return NULL;
}

const char *
oui_lookup(const struct oui_db *db, const uint8_t mac[6])
{
	const struct oui_entry *e = find(db, mac);

	return e != NULL ? db->pool + e->name : NULL;
}

const char *
oui_lookup_registry(const struct oui_db *db, const uint8_t mac[6])
{
	const struct oui_entry *e = find(db, mac);

	return e != NULL ? registry_names[e->registry] : NULL;
}

size_t
oui_count(const struct oui_db *db)
{
	return db->t[0].n + db->t[1].n + db->t[2].n;
}
