/*
 * addrmap.c - address-keyed hash map (see addrmap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ward/addrmap.h"

struct ward_addr
addrmap_mac_key(const uint8_t mac[6])
{
	struct ward_addr k;

	memset(&k, 0, sizeof(k));
	k.family = 0xee;
	memcpy(k.b, mac, 6);
	return k;
}

static uint32_t
key_hash(const struct ward_addr *k)
{
	/* MAC keys (family 0xee) hash like addresses: all 16 bytes count. */
	return addr_hash(k, 0);
}

void
addrmap_init(struct addrmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->n = 0;
}

void
addrmap_clear(struct addrmap *m)
{
	free(m->slots);
	addrmap_init(m);
}

static struct addrmap_slot *
find(const struct addrmap *m, const struct ward_addr *k)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = key_hash(k) & (m->cap - 1); m->slots[i].val != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (addr_eq(&m->slots[i].key, k))
			return &m->slots[i];
	return NULL;
}

void *
addrmap_get(const struct addrmap *m, const struct ward_addr *k)
{
	struct addrmap_slot *s = find(m, k);

	return s != NULL ? s->val : NULL;
}

static void
insert(struct addrmap_slot *slots, size_t cap, const struct ward_addr *k,
    void *val)
{
	size_t i;

	for (i = key_hash(k) & (cap - 1); slots[i].val != NULL;
	    i = (i + 1) & (cap - 1))
		;
	slots[i].key = *k;
	slots[i].val = val;
}

int
addrmap_put(struct addrmap *m, const struct ward_addr *k, void *val)
{
	struct addrmap_slot *s = find(m, k);

	if (s != NULL) {
		s->val = val;
		return 0;
	}
	/* Keep the load under 70% so probes stay short. */
	if ((m->n + 1) * 10 > m->cap * 7) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct addrmap_slot *slots = calloc(cap, sizeof(*slots));

		if (slots == NULL)
			return -1;
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].val != NULL)
				insert(slots, cap, &m->slots[i].key,
				    m->slots[i].val);
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	insert(m->slots, m->cap, k, val);
	m->n++;
	return 0;
}

void *
addrmap_del(struct addrmap *m, const struct ward_addr *k)
{
	struct addrmap_slot *s = find(m, k);
	size_t i, j, mask;
	void *val;

	if (s == NULL)
		return NULL;
	val = s->val;
	mask = m->cap - 1;
	i = (size_t)(s - m->slots);
	/* Backward-shift: pull later entries of the run into the hole. */
	for (j = (i + 1) & mask; m->slots[j].val != NULL; j = (j + 1) & mask) {
		size_t home = key_hash(&m->slots[j].key) & mask;

		/* Move j to i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = NULL;
	m->n--;
	return val;
}
