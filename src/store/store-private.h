/*
 * store-private.h - what the files of src/store/ share: the connection of
 * a store and its error message.
 */
#ifndef WARD_STORE_PRIVATE_H
#define WARD_STORE_PRIVATE_H

#include <sqlite3.h>

#include "ward/store.h"

/* The store's connection (borrowed). */
sqlite3 *store_sqlite(struct store *);
/* Records "what: SQLite's last message"; returns WARD_ESTORE. */
int store_fail(struct store *, const char *what);
/* Records msg as the store's last error. */
void store_fail_msg(struct store *, const char *msg);

#endif
