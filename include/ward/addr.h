/*
 * addr.h - IPv4/IPv6 and MAC addresses as values.
 */
#ifndef WARD_ADDR_H
#define WARD_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * An IP address. family is 0 (none), 4 or 6. IPv4 uses b[0..3], the rest of
 * b is zero, so two addresses compare equal with memcmp of the struct.
 */
struct ward_addr {
	uint8_t	family;
	uint8_t	b[16];
};

#define ADDR_STRLEN 46	/* INET6_ADDRSTRLEN */
#define MAC_STRLEN 18

void addr_v4(struct ward_addr *, const uint8_t b[4]);
void addr_v6(struct ward_addr *, const uint8_t b[16]);
int addr_cmp(const struct ward_addr *, const struct ward_addr *);
static inline bool
addr_eq(const struct ward_addr *a, const struct ward_addr *b)
{
	/* A fixed-size memcmp against zero compiles to two word compares. */
	return a->family == b->family && memcmp(a->b, b->b, 16) == 0;
}
/* Formats into buf (ADDR_STRLEN bytes); returns buf. "-" for no address. */
const char *addr_fmt(const struct ward_addr *, char *buf, size_t len);
/* Parses a textual address; 0 or -1. */
int addr_parse(const char *, struct ward_addr *);
uint32_t addr_hash(const struct ward_addr *, uint32_t seed);
/* Unspecified (0.0.0.0, ::), multicast or broadcast. */
bool addr_is_special(const struct ward_addr *);
/* RFC 1918, RFC 6598, link-local, loopback, RFC 4193 unique local. */
bool addr_is_private(const struct ward_addr *);
bool addr_is_multicast(const struct ward_addr *);

/* Formats a MAC as aa:bb:cc:dd:ee:ff into buf (MAC_STRLEN bytes). */
const char *mac_fmt(const uint8_t mac[6], char *buf, size_t len);
int mac_parse(const char *, uint8_t mac[6]);
/* Group (multicast/broadcast) bit set. */
static inline bool
mac_is_group(const uint8_t mac[6])
{
	return (mac[0] & 1) != 0;
}
bool mac_is_zero(const uint8_t mac[6]);
/* Locally administered (randomised) address: U/L bit set. */
static inline bool
mac_is_local(const uint8_t mac[6])
{
	return (mac[0] & 2) != 0;
}

#endif
