/*
 * store.h - persistent inventory and evidence in SQLite.
 *
 * One database file in WAL mode, its schema brought up to date by numbered
 * migrations when opened. Writes happen in batches: store_begin(), any
 * number of store_put_asset(), store_commit(). A batch is atomic, so a
 * process killed at any moment leaves every committed batch and nothing of
 * the one in flight. Putting an asset again merges: first-seen times keep
 * the earliest, last-seen the latest, counters add the difference since the
 * asset's last put in this process, and no row is ever duplicated.
 */
#ifndef WARD_STORE_H
#define WARD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ward/asset.h"

struct store;

/* Opens (creating if needed) and migrates. NULL with err on failure. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *);
/* The schema version after migrations. */
int store_schema_version(struct store *);

int store_begin(struct store *) __attribute__((warn_unused_result));
int store_commit(struct store *) __attribute__((warn_unused_result));
void store_rollback(struct store *);

int store_put_asset(struct store *, const struct asset *)
    __attribute__((warn_unused_result));

/* A run: which inputs, when, and its summary counters (JSON text). */
int store_run_start(struct store *, const char *inputs, uint64_t started,
    int64_t *run_id) __attribute__((warn_unused_result));
int store_run_finish(struct store *, int64_t run_id, uint64_t finished,
    const char *summary_json) __attribute__((warn_unused_result));

/* The last error message from SQLite, for logs. */
const char *store_errmsg(struct store *);

#endif
