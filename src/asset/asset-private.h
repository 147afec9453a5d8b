/*
 * asset-private.h - names shared by the inventory and the fingerprint
 * rules (src/asset/).
 */
#ifndef WARD_ASSET_PRIVATE_H
#define WARD_ASSET_PRIVATE_H

#include <stddef.h>

#include "ward/asset.h"
#include "ward/ident.h"
#include "ward/obs.h"

/*
 * Attribute keys a rule may test (docs/identification.md says where each
 * comes from), NULL-terminated.
 */
extern const char *const ident_keys[];

/* Device types a rule may assert, NULL-terminated. */
extern const char *const ident_types[];

/* The ident_keys[] entry equal to key, or NULL when key is unknown. */
const char *ident_key_canon(const char *key);

/*
 * What observation o says about its subject, as attributes written to out
 * (at most max); returns how many. Keys are ident_keys[] names.
 */
struct attr_kv {
	const char	*key;
	char		 value[IDENT_VALUE_MAX];
};
#define ATTRS_PER_OBS	48
size_t ident_attrs_of(const struct observation *, struct attr_kv *out,
    size_t max);

struct inventory;
struct asset;

/*
 * Reports a change of a to the inventory's change callbacks, with old and
 * new values for an identity change (inv_change_info() while they run).
 */
void inv_report(struct inventory *, struct asset *, enum asset_change,
    const char *detail, const char *old_value, const char *new_value,
    uint64_t ts);

#endif
