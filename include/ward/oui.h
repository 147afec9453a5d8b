/*
 * oui.h - MAC address vendor lookup from the IEEE registries.
 *
 * Loads the CSV files that Debian's ieee-data package installs (oui.csv for
 * MA-L 24-bit blocks, mam.csv for MA-M 28-bit, oui36.csv for MA-S 36-bit,
 * iab.csv for the older IAB 36-bit blocks) and answers the longest match.
 */
#ifndef WARD_OUI_H
#define WARD_OUI_H

#include <stddef.h>
#include <stdint.h>

struct oui_db;

/*
 * Loads every registry file found in dir. Returns NULL with a message in
 * err when no file could be read or a file is malformed (the message names
 * the file and line).
 */
struct oui_db *oui_load(const char *dir, char *err, size_t errlen);
void oui_free(struct oui_db *);
/* The organisation name, or NULL when no block matches. */
const char *oui_lookup(const struct oui_db *, const uint8_t mac[6]);
/* Registry of the match ("MA-L", "MA-M", "MA-S", "IAB"), or NULL. */
const char *oui_lookup_registry(const struct oui_db *, const uint8_t mac[6]);
size_t oui_count(const struct oui_db *);

#endif
