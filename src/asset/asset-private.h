/*
 * asset-private.h - names shared by the inventory and the fingerprint
 * rules (src/asset/).
 */
#ifndef WARD_ASSET_PRIVATE_H
#define WARD_ASSET_PRIVATE_H

/*
 * Attribute keys a rule may test (docs/identification.md says where each
 * comes from), NULL-terminated.
 */
extern const char *const ident_keys[];

/* Device types a rule may assert, NULL-terminated. */
extern const char *const ident_types[];

#endif
