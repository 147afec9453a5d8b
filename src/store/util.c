/*
 * util.c - what the files of src/store/ that prepare their statements
 * per call share (store-private.h): preparing, binding and reading
 * columns, and a transaction of their own unless a batch is open.
 */
#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ward/error.h"
#include "ward/store.h"
#include "store-private.h"

int
store_prep(struct store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(store_sqlite(s), sql, -1, st, NULL) !=
	    SQLITE_OK) {
		*st = NULL;
		return store_fail(s, "preparing a statement");
	}
	return 0;
}

void
store_bind_str(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

uint64_t
store_col_u(sqlite3_stmt *st, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(st, i);

	return v < 0 ? 0 : (uint64_t)v;
}

const char *
store_col_s(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int
store_begin_own(struct store *s, bool *own)
{
	*own = false;
	if (!sqlite3_get_autocommit(store_sqlite(s)))
		return 0;
	if (sqlite3_exec(store_sqlite(s), "BEGIN IMMEDIATE", NULL, NULL,
	    NULL) != SQLITE_OK)
		return store_fail(s, "begin");
	*own = true;
	return 0;
}

int
store_end_own(struct store *s, bool own, int ret)
{
	if (!own)
		return ret;
	if (ret == 0 && sqlite3_exec(store_sqlite(s), "COMMIT", NULL, NULL,
	    NULL) != SQLITE_OK)
		ret = store_fail(s, "commit");
	if (ret != 0 && !sqlite3_get_autocommit(store_sqlite(s)))
		(void)sqlite3_exec(store_sqlite(s), "ROLLBACK", NULL, NULL,
		    NULL);
	return ret;
}
