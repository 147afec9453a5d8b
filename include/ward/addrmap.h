/*
 * addrmap.h - hash map from an address (IP or MAC) to a pointer.
 *
 * Open addressing with linear probing and backward-shift deletion, so there
 * are no tombstones and lookups stay short after many removals. Keys are
 * copied; values are borrowed.
 */
#ifndef WARD_ADDRMAP_H
#define WARD_ADDRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "ward/addr.h"

struct addrmap {
	struct addrmap_slot {
		struct ward_addr key;
		void		*val;	/* NULL marks an empty slot */
	} *slots;
	size_t		 cap;		/* power of two */
	size_t		 n;
};

/* A MAC address as a map key (family 0xee, bytes 0..5). */
struct ward_addr addrmap_mac_key(const uint8_t mac[6]);

void addrmap_init(struct addrmap *);
void addrmap_clear(struct addrmap *);
void *addrmap_get(const struct addrmap *, const struct ward_addr *);
/* Inserts or replaces; val must not be NULL. 0, or -1 when out of memory. */
int addrmap_put(struct addrmap *, const struct ward_addr *, void *val)
    __attribute__((warn_unused_result));
/* Removes the key if present; returns its value or NULL. */
void *addrmap_del(struct addrmap *, const struct ward_addr *);

#endif
