/*
 * test_obs.c - observation records (strings made printable, bounded
 * fields and scratch) and the bus (subscribers see only their kinds), and
 * the address map behind the inventory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "ward/addrmap.h"
#include "ward/obs.h"

static void
test_strings_are_escaped(void **state)
{
	struct observation o;
	static const uint8_t raw[] = { 'a', 0x01, '\\', 0xff, 'z' };
	const struct obs_field *f;

	(void)state;
	obs_init(&o, OBS_DHCP, 1);
	assert_int_equal(obs_str(&o, "hostname", raw, sizeof(raw)), 0);
	assert_string_equal(obs_get_str(&o, "hostname"), "a\\x01\\x5c\\xffz");
	/* A NUL ends the string, as C peers on the wire intend. */
	assert_int_equal(obs_str(&o, "vendor_class", "abc\0def", 7), 0);
	f = obs_get(&o, "vendor_class");
	assert_int_equal(f->v.str.len, 3);
	assert_null(obs_get(&o, "absent"));
	assert_null(obs_get_str(&o, "absent"));
}

/* The byte-at-a-time rule the escaping must follow. */
static size_t
escape_ref(const uint8_t *in, size_t len, char *out)
{
	size_t j = 0;

	for (size_t i = 0; i < len && in[i] != '\0'; i++) {
		if (in[i] >= 0x20 && in[i] < 0x7f && in[i] != '\\')
			out[j++] = (char)in[i];
		else
			j += (size_t)snprintf(out + j, 5, "\\x%02x", in[i]);
	}
	out[j] = '\0';
	return j;
}

/*
 * Long clean runs are scanned a word at a time: every byte value, at
 * every position of a 24-byte string, escapes as the simple rule says.
 */
static void
test_escaping_every_byte_everywhere(void **state)
{
	struct observation o;
	uint8_t in[24];
	char want[24 * 4 + 1];

	(void)state;
	for (unsigned int pos = 0; pos < sizeof(in); pos++) {
		for (unsigned int b = 0; b < 256; b++) {
			for (size_t i = 0; i < sizeof(in); i++)
				in[i] = (uint8_t)('A' + i);
			in[pos] = (uint8_t)b;
			(void)escape_ref(in, sizeof(in), want);
			obs_init(&o, OBS_DHCP, 1);
			assert_int_equal(obs_str(&o, "s", in, sizeof(in)), 0);
			assert_string_equal(obs_get_str(&o, "s"), want);
		}
	}
}

/* Keys found by their text, not only by pointer, short ones included. */
static void
test_get_by_text(void **state)
{
	struct observation o;
	char k1[] = "a", k2[] = "ab", k3[] = "abc", k4[] = "abd", k0[] = "";

	(void)state;
	obs_init(&o, OBS_DHCP, 1);
	obs_u64(&o, "abd", 4);
	obs_u64(&o, "abc", 3);
	obs_u64(&o, "ab", 2);
	obs_u64(&o, "a", 1);
	obs_u64(&o, "", 9);
	/* Copies: a different pointer to the same text. */
	assert_int_equal(obs_get(&o, k1)->v.u, 1);
	assert_int_equal(obs_get(&o, k2)->v.u, 2);
	assert_int_equal(obs_get(&o, k3)->v.u, 3);
	assert_int_equal(obs_get(&o, k4)->v.u, 4);
	assert_int_equal(obs_get(&o, k0)->v.u, 9);
	assert_null(obs_get(&o, "abe"));
	assert_null(obs_get(&o, "b"));
}

static void
test_bounds(void **state)
{
	struct observation o;
	static uint8_t big[OBS_SCRATCH];
	char key[OBS_MAX_FIELDS + 1][8];
	int i;

	(void)state;
	obs_init(&o, OBS_DNS, 1);
	memset(big, 'x', sizeof(big));
	/* The scratch holds at most OBS_SCRATCH bytes, NUL included. */
	assert_int_equal(obs_str(&o, "txt", big, sizeof(big)), -1);
	assert_int_equal(o.nfields, 0);
	assert_int_equal(obs_str(&o, "txt", big, sizeof(big) - 1), 0);
	assert_int_equal(obs_list(&o, "params", big, 1), -1);
	obs_init(&o, OBS_DNS, 1);
	for (i = 0; i < OBS_MAX_FIELDS; i++) {
		snprintf(key[i], sizeof(key[i]), "k%d", i);
		assert_int_equal(obs_u64(&o, key[i], (uint64_t)i), 0);
	}
	assert_int_equal(obs_u64(&o, "one_more", 1), -1);
	assert_int_equal(obs_bool(&o, "one_more", true), -1);
	assert_int_equal(obs_cstr(&o, "one_more", "x"), -1);
	assert_int_equal(o.nfields, OBS_MAX_FIELDS);
}

static void
test_list_format(void **state)
{
	struct observation o;
	static const uint8_t params[] = { 1, 3, 6, 15, 119, 252 };
	char buf[64], small[6];

	(void)state;
	obs_init(&o, OBS_DHCP, 1);
	assert_int_equal(obs_list(&o, "params", params, sizeof(params)), 0);
	assert_string_equal(obs_list_fmt(obs_get(&o, "params"), buf,
	    sizeof(buf)), "1,3,6,15,119,252");
	/* Too small a buffer gets whole numbers only. */
	assert_string_equal(obs_list_fmt(obs_get(&o, "params"), small,
	    sizeof(small)), "1,3,6");
}

struct counter {
	int		 n;
	enum obs_kind	 last;
};

static void
count(const struct observation *o, void *arg)
{
	struct counter *c = arg;

	c->n++;
	c->last = o->kind;
}

static void
test_bus_routes_by_kind(void **state)
{
	struct obs_bus *bus = obs_bus_new();
	struct counter dhcp = { 0, 0 }, all = { 0, 0 };
	struct observation o;

	(void)state;
	assert_int_equal(obs_subscribe(bus, OBS_MASK(OBS_DHCP), count, &dhcp),
	    0);
	assert_int_equal(obs_subscribe(bus, OBS_MASK_ALL, count, &all), 0);
	obs_init(&o, OBS_DHCP, 1);
	obs_emit(bus, &o);
	obs_init(&o, OBS_DNS, 2);
	obs_emit(bus, &o);
	o.kind = (enum obs_kind)OBS_KIND_COUNT;	/* never delivered */
	obs_emit(bus, &o);
	assert_int_equal(dhcp.n, 1);
	assert_int_equal(all.n, 2);
	assert_int_equal(all.last, OBS_DNS);
	assert_int_equal(obs_bus_count(bus, OBS_DHCP), 1);
	assert_int_equal(obs_bus_count(bus, OBS_DNS), 1);
	assert_string_equal(obs_kind_name(OBS_MDNS), "mdns");
	obs_bus_free(bus);
}

static void
test_addrmap(void **state)
{
	struct addrmap m;
	struct ward_addr k;
	int vals[5000];
	uint8_t b[4] = { 10, 0, 0, 0 };

	(void)state;
	addrmap_init(&m);
	for (int i = 0; i < 5000; i++) {
		b[2] = (uint8_t)(i >> 8);
		b[3] = (uint8_t)i;
		addr_v4(&k, b);
		vals[i] = i;
		assert_int_equal(addrmap_put(&m, &k, &vals[i]), 0);
	}
	assert_int_equal(m.n, 5000);
	/* Delete every third, then every key still answers right. */
	for (int i = 0; i < 5000; i += 3) {
		b[2] = (uint8_t)(i >> 8);
		b[3] = (uint8_t)i;
		addr_v4(&k, b);
		assert_ptr_equal(addrmap_del(&m, &k), &vals[i]);
		assert_null(addrmap_del(&m, &k));
	}
	for (int i = 0; i < 5000; i++) {
		b[2] = (uint8_t)(i >> 8);
		b[3] = (uint8_t)i;
		addr_v4(&k, b);
		if (i % 3 == 0)
			assert_null(addrmap_get(&m, &k));
		else
			assert_ptr_equal(addrmap_get(&m, &k), &vals[i]);
	}
	/* A MAC key never equals an IP key with the same bytes. */
	{
		static const uint8_t mac[6] = { 10, 0, 0, 1, 0, 0 };
		struct ward_addr mk = addrmap_mac_key(mac);

		assert_null(addrmap_get(&m, &mk));
	}
	addrmap_clear(&m);
	assert_int_equal(m.n, 0);
}

/*
 * The hand-written IPv4 and MAC formatters against inet_ntop and printf:
 * every byte value at every position.
 */
static void
test_addr_fmt(void **state)
{
	char got[ADDR_STRLEN], want[ADDR_STRLEN];
	uint8_t m[6] = { 0 };
	struct ward_addr a;

	(void)state;
	for (int pos = 0; pos < 6; pos++)
		for (int v = 0; v < 256; v++) {
			uint8_t b[4] = { 10, 1, 2, 3 };

			if (pos < 4) {
				b[pos] = (uint8_t)v;
				addr_v4(&a, b);
				assert_non_null(inet_ntop(AF_INET, b, want,
				    sizeof(want)));
				assert_string_equal(addr_fmt(&a, got,
				    sizeof(got)), want);
			}
			m[pos] = (uint8_t)v;
			snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:"
			    "%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
			assert_string_equal(mac_fmt(m, got, MAC_STRLEN), want);
		}
	/* IPv6: random addresses with runs of zeros, and the special forms. */
	srand(7);
	for (int n = 0; n < 200000; n++) {
		uint8_t b[16];

		for (int i = 0; i < 16; i += 2) {
			int r = rand();

			b[i] = (r & 3) == 0 ? 0 : (uint8_t)(r >> 8);
			b[i + 1] = (r & 3) == 0 ? 0 : (uint8_t)(r >> 16);
			if ((r & 12) == 4)
				b[i] = 0;
		}
		if (n % 5 == 0)
			memset(b, 0, 10 + n % 7);
		if (n % 11 == 0) {
			memset(b, 0, 10);
			b[10] = b[11] = n % 2 ? 0xff : 0;
		}
		addr_v6(&a, b);
		assert_non_null(inet_ntop(AF_INET6, b, want, sizeof(want)));
		assert_string_equal(addr_fmt(&a, got, sizeof(got)), want);
	}
	/* A short buffer still gets a terminated (cut) string. */
	assert_string_equal(mac_fmt(m, got, 6), "ff:ff");
	addr_v4(&a, (const uint8_t[]){ 192, 168, 100, 200 });
	assert_string_equal(addr_fmt(&a, got, 16), "192.168.100.200");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_are_escaped),
		cmocka_unit_test(test_escaping_every_byte_everywhere),
		cmocka_unit_test(test_get_by_text),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_list_format),
		cmocka_unit_test(test_bus_routes_by_kind),
		cmocka_unit_test(test_addrmap),
		cmocka_unit_test(test_addr_fmt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
