/*
 * store-private.h - what the files of src/store/ share: the connection of
 * a store and its error message.
 */
#ifndef WARD_STORE_PRIVATE_H
#define WARD_STORE_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ward/store.h"

/* The store's connection (borrowed). */
sqlite3 *store_sqlite(struct store *);
/* Records "what: SQLite's last message"; returns WARD_ESTORE. */
int store_fail(struct store *, const char *what);
/* Records msg as the store's last error. */
void store_fail_msg(struct store *, const char *msg);

/*
 * For statements prepared per call: prepare (WARD_ESTORE with the
 * message recorded), bind a string or NULL (SQLITE_STATIC: the string
 * must outlive the step), read a column as unsigned (negative is 0) or
 * text (may be NULL).
 */
int store_prep(struct store *, const char *sql, sqlite3_stmt **);
void store_bind_str(sqlite3_stmt *, int i, const char *v);
uint64_t store_col_u(sqlite3_stmt *, int i);
const char *store_col_s(sqlite3_stmt *, int i);
/*
 * Opens a transaction unless a batch is open (*own says whether this
 * call opened one); store_end_own() commits what it opened when ret is
 * 0, rolls back otherwise, and returns ret or the commit's error.
 */
int store_begin_own(struct store *, bool *own);
int store_end_own(struct store *, bool own, int ret);

#endif
