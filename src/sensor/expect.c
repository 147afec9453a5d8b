/*
 * expect.c - the table of expected flows (see expect.h).
 *
 * A fixed array, scanned: the table is small (an FTP transfer holds one
 * entry for the seconds between its PORT or PASV and the data connection)
 * and looked at only when a flow is created, so a scan of the live
 * entries costs less than keeping an index. An empty table costs one
 * comparison per new flow.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/expect.h"
#include "ward/flow.h"

struct expect_table {
	struct expect		 e[EXPECT_MAX];
	bool			 used[EXPECT_MAX];
	struct expect_stats	 st;
};

struct expect_table *
expect_table_new(void)
{
	return calloc(1, sizeof(struct expect_table));
}

void
expect_table_free(struct expect_table *t)
{
	free(t);
}

const struct expect_stats *
expect_table_stats(const struct expect_table *t)
{
	return &t->st;
}

static void
drop(struct expect_table *t, size_t i)
{
	t->used[i] = false;
	t->st.active--;
}

void
expect_expire(struct expect_table *t, uint64_t now)
{
	for (size_t i = 0; i < EXPECT_MAX && t->st.active > 0; i++)
		if (t->used[i] && t->e[i].deadline <= now) {
			drop(t, i);
			t->st.expired++;
		}
}

static bool
same_pattern(const struct expect *a, const struct expect *b)
{
	return a->proto == b->proto && a->vlan == b->vlan &&
	    a->sport == b->sport && a->dport == b->dport &&
	    addr_eq(&a->src, &b->src) && addr_eq(&a->dst, &b->dst);
}

int
expect_add(struct expect_table *t, const struct expect *e, uint64_t now)
{
	size_t slot = EXPECT_MAX;

	if (e->d == NULL || e->ctxlen > EXPECT_CTX_MAX || e->deadline <= now ||
	    (e->dst.family == 0 && e->dport == 0))
		return -1;
	expect_expire(t, now);
	for (size_t i = 0; i < EXPECT_MAX; i++) {
		if (t->used[i] && same_pattern(&t->e[i], e)) {
			t->e[i] = *e;
			t->st.added++;
			return 0;
		}
		if (!t->used[i] && slot == EXPECT_MAX)
			slot = i;
	}
	if (slot == EXPECT_MAX) {
		/* Full of live entries: the one nearest its deadline goes. */
		slot = 0;
		for (size_t i = 1; i < EXPECT_MAX; i++)
			if (t->e[i].deadline < t->e[slot].deadline)
				slot = i;
		drop(t, slot);
		t->st.replaced++;
	}
	t->e[slot] = *e;
	t->used[slot] = true;
	t->st.active++;
	t->st.added++;
	return 0;
}

static bool
end_matches(const struct ward_addr *want, uint16_t wport,
    const struct flow_side *s)
{
	return (want->family == 0 || addr_eq(want, &s->addr)) &&
	    (wport == 0 || wport == s->port);
}

static bool
matches(const struct expect *e, const struct flow *f, int first)
{
	return end_matches(&e->src, e->sport, &f->side[first]) &&
	    end_matches(&e->dst, e->dport, &f->side[!first]);
}

int
expect_take(struct expect_table *t, const struct flow *f, uint64_t now,
    struct expect *out)
{
	/* Sides guessed from ports (no handshake seen) may be swapped. */
	bool guessed = f->proto != IPPROTO_TCP_ || f->mid_stream;

	if (t->st.active == 0)
		return -1;
	for (size_t i = 0; i < EXPECT_MAX; i++) {
		const struct expect *e = &t->e[i];

		if (!t->used[i] || e->proto != f->proto || e->vlan != f->vlan)
			continue;
		if (e->deadline <= now) {
			drop(t, i);
			t->st.expired++;
			continue;
		}
		if (matches(e, f, 0) || (guessed && matches(e, f, 1))) {
			*out = *e;
			drop(t, i);
			t->st.matched++;
			return 0;
		}
	}
	return -1;
}
