/*
 * baseline.c - the store's baseline tables (migration 4; see store.h and
 * docs/store.md): items with their state, each asset's learning start and
 * hourly volume maxima, and a few named integers.
 *
 * These calls run once per batch or once per command, not per packet, so
 * their statements are prepared per call instead of at open: the store's
 * table of persistent statements stays the inventory's.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "ward/error.h"
#include "ward/store.h"
#include "store-private.h"

/* A state name the table accepts. */
static bool
state_ok(const char *state)
{
	return state != NULL && (strcmp(state, "learned") == 0 ||
	    strcmp(state, "approved") == 0 || strcmp(state, "rejected") == 0 ||
	    strcmp(state, "pending") == 0);
}

#define ITEM_COLS \
	"SELECT id, scope, key, kind, value, state, first, last, count," \
	" reviewed FROM baseline_items"

int
store_bl_foreach_item(struct store *s, const struct store_bl_filter *f,
    store_bl_item_fn fn, void *arg)
{
	static const char sql[] = ITEM_COLS
	    " WHERE (?1 IS NULL OR scope = ?1)"
	    " AND (?2 IS NULL OR key = ?2)"
	    " AND (?3 IS NULL OR (scope = 'type' AND key = ?3) OR"
	    "  (scope = 'asset' AND key IN (SELECT a.key FROM assets a"
	    "  JOIN asset_identity i ON i.asset = a.id WHERE i.type = ?3)))"
	    " AND (?4 IS NULL OR kind = ?4)"
	    " AND (?5 IS NULL OR state = ?5)"
	    " AND (?7 = 0 OR reviewed > ?6)"
	    " ORDER BY scope, key, kind, value";
	struct store_bl_filter none;
	struct store_bl_item it;
	sqlite3_stmt *st;
	int rc, ret;

	if (f == NULL) {
		memset(&none, 0, sizeof(none));
		f = &none;
	}
	if ((ret = store_prep(s, sql, &st)) != 0)
		return ret;
	store_bind_str(st, 1, f->scope);
	store_bind_str(st, 2, f->key);
	store_bind_str(st, 3, f->type);
	store_bind_str(st, 4, f->kind);
	store_bind_str(st, 5, f->state);
	sqlite3_bind_int64(st, 6, f->reviewed_after);
	sqlite3_bind_int(st, 7, f->reviewed_only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		it.id = sqlite3_column_int64(st, 0);
		it.scope = store_col_s(st, 1);
		it.key = store_col_s(st, 2);
		it.kind = store_col_s(st, 3);
		it.value = store_col_s(st, 4);
		it.state = store_col_s(st, 5);
		it.first = store_col_u(st, 6);
		it.last = store_col_u(st, 7);
		it.count = store_col_u(st, 8);
		it.reviewed = sqlite3_column_int64(st, 9);
		if (it.scope == NULL || it.key == NULL || it.kind == NULL ||
		    it.value == NULL || it.state == NULL)
			continue;
		if ((ret = fn(&it, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(s, "baseline: reading items");
	sqlite3_finalize(st);
	return ret;
}

int
store_bl_foreach_asset(struct store *s, store_bl_asset_fn fn, void *arg)
{
	struct store_bl_asset ba;
	sqlite3_stmt *st;
	int rc, ret;

	/* Every key of either table, with what either holds of it. */
	if ((ret = store_prep(s,
	    "SELECT k.key, i.type, coalesce(b.learn_start, a.first_seen, 0),"
	    " coalesce(b.days, 0), coalesce(b.last_day, -1),"
	    " coalesce(b.bytes_max, 0), coalesce(b.pkts_max, 0)"
	    " FROM (SELECT key FROM assets UNION SELECT key FROM"
	    "  baseline_assets) k"
	    " LEFT JOIN baseline_assets b ON b.key = k.key"
	    " LEFT JOIN assets a ON a.key = k.key"
	    " LEFT JOIN asset_identity i ON i.asset = a.id"
	    " ORDER BY k.key", &st)) != 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((ba.key = store_col_s(st, 0)) == NULL)
			continue;
		ba.type = store_col_s(st, 1);
		ba.learn_start = store_col_u(st, 2);
		ba.days = (uint32_t)store_col_u(st, 3);
		ba.last_day = sqlite3_column_int64(st, 4);
		ba.bytes_max = store_col_u(st, 5);
		ba.pkts_max = store_col_u(st, 6);
		if ((ret = fn(&ba, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(s, "baseline: reading assets");
	sqlite3_finalize(st);
	return ret;
}

int
store_bl_put_item(struct store *s, struct store_bl_item *it)
{
	static const char sql[] =
	    "INSERT INTO baseline_items (scope, key, kind, value, state,"
	    " first, last, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (scope, key, kind, value) DO UPDATE SET"
	    " state = CASE WHEN state IN ('approved', 'rejected') THEN state"
	    "  ELSE excluded.state END,"
	    " first = min(first, excluded.first),"
	    " last = max(last, excluded.last),"
	    " count = max(count, excluded.count)"
	    " RETURNING id";
	sqlite3_stmt *st;
	bool own;
	int rc, ret;

	if (!state_ok(it->state)) {
		store_fail_msg(s, "baseline: not a state");
		return WARD_EINVAL;
	}
	if ((ret = store_begin_own(s, &own)) != 0)
		return ret;
	if ((ret = store_prep(s, sql, &st)) != 0)
		return store_end_own(s, own, ret);
	store_bind_str(st, 1, it->scope);
	store_bind_str(st, 2, it->key);
	store_bind_str(st, 3, it->kind);
	store_bind_str(st, 4, it->value);
	store_bind_str(st, 5, it->state);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)it->first);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)it->last);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)it->count);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		it->id = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_DONE)
		ret = store_fail(s, "baseline: writing an item");
	sqlite3_finalize(st);
	return store_end_own(s, own, ret);
}

int
store_bl_put_asset(struct store *s, const struct store_bl_asset *a)
{
	static const char sql[] =
	    "INSERT INTO baseline_assets (key, learn_start, days, last_day,"
	    " bytes_max, pkts_max) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (key) DO UPDATE SET"
	    " learn_start = min(learn_start, excluded.learn_start),"
	    " days = max(days, excluded.days),"
	    " last_day = max(last_day, excluded.last_day),"
	    " bytes_max = max(bytes_max, excluded.bytes_max),"
	    " pkts_max = max(pkts_max, excluded.pkts_max)";
	sqlite3_stmt *st;
	bool own;
	int ret;

	if ((ret = store_begin_own(s, &own)) != 0)
		return ret;
	if ((ret = store_prep(s, sql, &st)) != 0)
		return store_end_own(s, own, ret);
	store_bind_str(st, 1, a->key);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)a->learn_start);
	sqlite3_bind_int64(st, 3, a->days);
	sqlite3_bind_int64(st, 4, a->last_day);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)a->bytes_max);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)a->pkts_max);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = store_fail(s, "baseline: writing an asset");
	sqlite3_finalize(st);
	return store_end_own(s, own, ret);
}

/* Runs one UPDATE or INSERT; *changes says how many rows it touched. */
static int
run_change(struct store *s, sqlite3_stmt *st, const char *what, int *changes)
{
	int ret = 0;

	if (sqlite3_step(st) != SQLITE_DONE)
		ret = store_fail(s, what);
	*changes = sqlite3_changes(store_sqlite(s));
	sqlite3_finalize(st);
	return ret;
}

int
store_bl_set_state(struct store *s, int64_t id, const char *state)
{
	static const char sql[] =
	    "UPDATE baseline_items SET state = ?2, reviewed ="
	    " (SELECT coalesce(max(reviewed), 0) + 1 FROM baseline_items)"
	    " WHERE id = ?1";
	sqlite3_stmt *st;
	bool own;
	int ret, n = 0;

	if (!state_ok(state)) {
		store_fail_msg(s, "baseline: not a state");
		return WARD_EINVAL;
	}
	if ((ret = store_begin_own(s, &own)) != 0)
		return ret;
	if ((ret = store_prep(s, sql, &st)) != 0)
		return store_end_own(s, own, ret);
	sqlite3_bind_int64(st, 1, id);
	store_bind_str(st, 2, state);
	ret = run_change(s, st, "baseline: changing a state", &n);
	if (ret == 0 && n == 0) {
		store_fail_msg(s, "baseline: no item with this id");
		ret = WARD_ENOTFOUND;
	}
	return store_end_own(s, own, ret);
}

int
store_bl_set_state_by(struct store *s, const char *scope, const char *key,
    const char *kind, const char *value, const char *state, uint64_t ts)
{
	static const char sql[] =
	    "INSERT INTO baseline_items (scope, key, kind, value, state,"
	    " first, last, count, reviewed) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?6, 0, (SELECT coalesce(max(reviewed), 0) + 1 FROM"
	    " baseline_items))"
	    " ON CONFLICT (scope, key, kind, value) DO UPDATE SET"
	    " state = excluded.state, reviewed = excluded.reviewed";
	sqlite3_stmt *st;
	bool own;
	int ret, n = 0;

	if (!state_ok(state) || scope == NULL || key == NULL ||
	    kind == NULL || value == NULL) {
		store_fail_msg(s, "baseline: an item needs scope, key, kind, "
		    "value and a state");
		return WARD_EINVAL;
	}
	if ((ret = store_begin_own(s, &own)) != 0)
		return ret;
	if ((ret = store_prep(s, sql, &st)) != 0)
		return store_end_own(s, own, ret);
	store_bind_str(st, 1, scope);
	store_bind_str(st, 2, key);
	store_bind_str(st, 3, kind);
	store_bind_str(st, 4, value);
	store_bind_str(st, 5, state);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)ts);
	ret = run_change(s, st, "baseline: changing a state", &n);
	return store_end_own(s, own, ret);
}

int
store_bl_meta_get(struct store *s, const char *name, int64_t *value)
{
	sqlite3_stmt *st;
	int rc, ret;

	if ((ret = store_prep(s, "SELECT value FROM baseline_meta WHERE name = ?1",
	    &st)) != 0)
		return ret;
	store_bind_str(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		ret = WARD_ENOTFOUND;
	else
		ret = store_fail(s, "baseline: reading meta");
	sqlite3_finalize(st);
	return ret;
}

int
store_bl_meta_set(struct store *s, const char *name, int64_t value)
{
	sqlite3_stmt *st;
	bool own;
	int ret, n;

	if ((ret = store_begin_own(s, &own)) != 0)
		return ret;
	if ((ret = store_prep(s, "INSERT INTO baseline_meta (name, value)"
	    " VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET"
	    " value = excluded.value", &st)) != 0)
		return store_end_own(s, own, ret);
	store_bind_str(st, 1, name);
	sqlite3_bind_int64(st, 2, value);
	ret = run_change(s, st, "baseline: writing meta", &n);
	return store_end_own(s, own, ret);
}
