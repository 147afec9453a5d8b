/*
 * addr.c - address helpers (see addr.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ward/addr.h"

void
addr_v4(struct ward_addr *a, const uint8_t b[4])
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->b, b, 4);
}

void
addr_v6(struct ward_addr *a, const uint8_t b[16])
{
	memset(a, 0, sizeof(*a));
	a->family = 6;
	memcpy(a->b, b, 16);
}

int
addr_cmp(const struct ward_addr *a, const struct ward_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, sizeof(a->b));
}

/* Four bytes as a dotted quad at p; returns the end. */
static char *
fmt4(const uint8_t *b, char *p)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		if (i < 3)
			*p++ = '.';
	}
	*p = '\0';
	return p;
}

/*
 * An IPv6 address as glibc's inet_ntop writes it (RFC 5952: the longest
 * run of two or more zero groups, the first of equals, becomes "::"; an
 * IPv4-compatible or -mapped address ends in a dotted quad), by hand.
 */
static char *
fmt6(const uint8_t *b, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0;
	char *p = buf;

	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
		if (w[i] == 0) {
			if (cur == -1)
				cur = i, curlen = 0;
			if (++curlen > bestlen)
				best = cur, bestlen = curlen;
		} else
			cur = -1;
	}
	if (bestlen < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best != -1 && i >= best && i < best + bestlen) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && best == 0 && (bestlen == 6 ||
		    (bestlen == 5 && w[5] == 0xffff))) {
			fmt4(b + 12, p);
			return buf;
		}
		for (int sh = 12, lead = 1; sh >= 0; sh -= 4) {
			unsigned d = (w[i] >> sh) & 15;

			if (d == 0 && lead && sh != 0)
				continue;
			lead = 0;
			*p++ = hex[d];
		}
	}
	if (best != -1 && best + bestlen == 8)
		*p++ = ':';
	*p = '\0';
	return buf;
}

const char *
addr_fmt(const struct ward_addr *a, char *buf, size_t len)
{
	if (a->family == 4 && len >= 16) {
		/*
		 * By hand: glibc's inet_ntop goes through sprintf, and
		 * formatting addresses is on the detectors' path.
		 */
		fmt4(a->b, buf);
		return buf;
	}
	if (a->family == 6 && len >= ADDR_STRLEN)
		return fmt6(a->b, buf);
	if (a->family == 4) {
		if (inet_ntop(AF_INET, a->b, buf, (socklen_t)len) != NULL)
			return buf;
	} else if (a->family == 6) {
		if (inet_ntop(AF_INET6, a->b, buf, (socklen_t)len) != NULL)
			return buf;
	}
	snprintf(buf, len, "-");
	return buf;
}

int
addr_parse(const char *s, struct ward_addr *a)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, s, b) == 1) {
		addr_v4(a, b);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		addr_v6(a, b);
		return 0;
	}
	return -1;
}

uint32_t
addr_hash(const struct ward_addr *a, uint32_t seed)
{
	uint64_t lo, hi, h;

	/*
	 * Two 64-bit loads and a multiply-xorshift mix (splitmix64): this
	 * runs twice per packet, for the flow lookup.
	 */
	memcpy(&lo, a->b, 8);
	memcpy(&hi, a->b + 8, 8);
	h = lo ^ (hi * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)seed << 32) ^
	    a->family;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (uint32_t)h;
}

bool
addr_is_multicast(const struct ward_addr *a)
{
	if (a->family == 4)
		return (a->b[0] & 0xf0) == 0xe0;
	if (a->family == 6)
		return a->b[0] == 0xff;
	return false;
}

bool
addr_is_special(const struct ward_addr *a)
{
	static const uint8_t zero[16];

	if (a->family == 4) {
		if (memcmp(a->b, zero, 4) == 0)
			return true;
		if (a->b[0] == 255 && a->b[1] == 255 && a->b[2] == 255 &&
		    a->b[3] == 255)
			return true;
		return addr_is_multicast(a);
	}
	if (a->family == 6)
		return memcmp(a->b, zero, 16) == 0 || addr_is_multicast(a);
	return true;
}

bool
addr_is_private(const struct ward_addr *a)
{
	const uint8_t *b = a->b;

	if (a->family == 4) {
		return b[0] == 10 ||
		    (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		    (b[0] == 192 && b[1] == 168) ||
		    (b[0] == 100 && (b[1] & 0xc0) == 64) ||
		    (b[0] == 169 && b[1] == 254) ||
		    b[0] == 127;
	}
	if (a->family == 6) {
		static const uint8_t loop[16] = { [15] = 1 };

		return (b[0] & 0xfe) == 0xfc ||			/* fc00::/7 */
		    (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||	/* fe80::/10 */
		    memcmp(b, loop, 16) == 0;
	}
	return false;
}

const char *
mac_fmt(const uint8_t m[6], char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char t[MAC_STRLEN];

	for (int i = 0; i < 6; i++) {
		t[i * 3] = hex[m[i] >> 4];
		t[i * 3 + 1] = hex[m[i] & 15];
		t[i * 3 + 2] = i < 5 ? ':' : '\0';
	}
	if (len >= MAC_STRLEN)
		memcpy(buf, t, MAC_STRLEN);
	else if (len > 0) {
		memcpy(buf, t, len - 1);
		buf[len - 1] = '\0';
	}
	return buf;
}

int
mac_parse(const char *s, uint8_t m[6])
{
	unsigned int v[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
	    &v[4], &v[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)v[i];
	return 0;
}

bool
mac_is_zero(const uint8_t m[6])
{
	static const uint8_t zero[6];

	return memcmp(m, zero, 6) == 0;
}
