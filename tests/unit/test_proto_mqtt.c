/*
 * test_proto_mqtt.c - the MQTT dissector: CONNECT (3.1.1 and 5.0, with
 * and without credentials), CONNACK, SUBSCRIBE, PUBLISH, framing across
 * slices, and every malformation it counts.
 */
#include <stdio.h>

#include "proto_test.h"

#define PASSWORD "s3cret-Pa55"

/* Appends a two-byte-length string. */
static void
putstr(struct msg *m, const char *s)
{
	put16(m, (unsigned int)strlen(s));
	putbytes(m, s, strlen(s));
}

static void
putvarint(struct msg *m, uint32_t v)
{
	do {
		uint8_t b = v & 0x7f;

		v >>= 7;
		put8(m, b | (v > 0 ? 0x80 : 0));
	} while (v > 0);
}

/* Appends a whole packet: fixed header, then body. */
static void
putpkt(struct msg *m, unsigned int first, const struct msg *body)
{
	put8(m, first);
	putvarint(m, (uint32_t)body->n);
	putbytes(m, body->b, body->n);
}

/* A CONNECT; user/pass may be NULL; props are 5.0 properties or NULL. */
static void
put_connect(struct msg *m, unsigned int level, const char *client,
    const char *user, const char *pass, const struct msg *props,
    unsigned int extra_flags, const char *will_topic)
{
	struct msg b = { .n = 0 };
	unsigned int flags = extra_flags;

	if (user != NULL)
		flags |= 0x80;
	if (pass != NULL)
		flags |= 0x40;
	if (will_topic != NULL)
		flags |= 0x04;
	putstr(&b, level == 3 ? "MQIsdp" : "MQTT");
	put8(&b, level);
	put8(&b, flags);
	put16(&b, 60);
	if (level == 5) {
		putvarint(&b, props != NULL ? (uint32_t)props->n : 0);
		if (props != NULL)
			putbytes(&b, props->b, props->n);
	}
	putstr(&b, client);
	if (will_topic != NULL) {
		if (level == 5)
			put8(&b, 0);
		putstr(&b, will_topic);
		putstr(&b, "gone");
	}
	if (user != NULL)
		putstr(&b, user);
	if (pass != NULL)
		putstr(&b, pass);
	putpkt(m, 0x10, &b);
}

static void
put_subscribe(struct msg *m, unsigned int level, uint16_t id,
    const char *const *filters, const uint8_t *opts, size_t n)
{
	struct msg b = { .n = 0 };

	put16(&b, id);
	if (level == 5)
		put8(&b, 0);
	for (size_t i = 0; i < n; i++) {
		putstr(&b, filters[i]);
		put8(&b, opts[i]);
	}
	putpkt(m, 0x82, &b);
}

static void
put_publish(struct msg *m, unsigned int level, unsigned int qos,
    bool retain, bool dup, const char *topic, uint16_t id, size_t payload)
{
	struct msg b = { .n = 0 };

	putstr(&b, topic);
	if (qos > 0)
		put16(&b, id);
	if (level == 5)
		put8(&b, 0);
	for (size_t i = 0; i < payload; i++)
		put8(&b, 'a' + (unsigned int)(i % 26));
	putpkt(m, 0x30 | qos << 1 | (retain ? 1 : 0) | (dup ? 8 : 0), &b);
}

/* Stream state and the side of the fixture. */
struct run {
	struct fixture	 fx;
	void		*st;
};

static void
run_init(struct run *r)
{
	fixture_init(&r->fx, "10.0.0.5", "10.0.0.9", 40000, 1883,
	    IPPROTO_TCP_);
	r->st = calloc(1, dissector_mqtt.state_size);
	assert_non_null(r->st);
}

static void
run_free(struct run *r)
{
	dissector_mqtt.end(&r->fx.ctx, r->st);
	fixture_free(&r->fx);
	free(r->st);
}

static void
feed(struct run *r, int dir, const uint8_t *p, size_t n)
{
	r->fx.ctx.dir = dir;
	dissector_mqtt.stream(&r->fx.ctx, r->st, p, n);
}

/* No collected observation holds the password, in any encoding. */
static void
assert_no_password(const struct fixture *fx)
{
	for (size_t i = 0; i < fx->col->n; i++) {
		const struct observation *o = &fx->col->o[i];

		assert_null(memmem(o->scratch, o->used, PASSWORD,
		    strlen(PASSWORD)));
		assert_null(memmem(o->scratch, o->used, "s3cret", 6));
		/* As hex: "s3" is 73 33. */
		assert_null(memmem(o->scratch, o->used, "7333637265", 10));
	}
}

static void
test_connect_v311_credentials(void **state)
{
	struct run r;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	put_connect(&m, 4, "pump-17", "nurse", PASSWORD, NULL, 0x02, NULL);
	run_init(&r);
	feed(&r, 0, m.b, m.n);
	assert_int_equal(count_kind(&r.fx, OBS_MQTT), 1);
	o = nth(&r.fx, OBS_MQTT, 0);
	assert_str(o, "type", "connect");
	assert_int_equal(get_u64(o, "version"), 4);
	assert_str(o, "proto_name", "MQTT");
	assert_str(o, "client_id", "pump-17");
	assert_true(get_bool(o, "auth"));
	assert_str(o, "user", "nurse");
	assert_true(get_bool(o, "password"));
	assert_true(get_bool(o, "clean"));
	assert_int_equal(get_u64(o, "keepalive"), 60);
	assert_false(get_bool(o, "will"));
	assert_subject_ip(o, "10.0.0.5");

	assert_int_equal(count_kind(&r.fx, OBS_CREDENTIAL), 1);
	o = nth(&r.fx, OBS_CREDENTIAL, 0);
	assert_str(o, "protocol", "mqtt");
	assert_str(o, "user", "nurse");
	assert_subject_ip(o, "10.0.0.5");
	assert_no_password(&r.fx);
	assert_malformed(&r.fx, MAL_MQTT_BAD_PACKET, 0);
	run_free(&r);
}

static void
test_connect_anonymous(void **state)
{
	struct run r;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	put_connect(&m, 3, "monitor", NULL, NULL, NULL, 0x10 | 0x20,
	    "ward/lwt");
	run_init(&r);
	feed(&r, 0, m.b, m.n);
	o = nth(&r.fx, OBS_MQTT, 0);
	assert_non_null(o);
	assert_int_equal(get_u64(o, "version"), 3);
	assert_str(o, "proto_name", "MQIsdp");
	assert_false(get_bool(o, "auth"));
	assert_null(obs_get(o, "user"));
	assert_false(get_bool(o, "password"));
	assert_false(get_bool(o, "clean"));
	assert_true(get_bool(o, "will"));
	assert_int_equal(get_u64(o, "will_qos"), 2);
	assert_true(get_bool(o, "will_retain"));
	assert_str(o, "will_topic", "ward/lwt");
	assert_int_equal(count_kind(&r.fx, OBS_CREDENTIAL), 0);
	assert_malformed(&r.fx, MAL_MQTT_BAD_PACKET, 0);
	run_free(&r);
}

static void
test_connect_v5(void **state)
{
	struct run r;
	struct msg m = { .n = 0 }, props = { .n = 0 };
	const struct observation *o;

	(void)state;
	put8(&props, 0x11);		/* session expiry */
	put32(&props, 3600);
	put8(&props, 0x21);		/* receive maximum */
	put16(&props, 20);
	put8(&props, 0x27);		/* maximum packet size */
	put32(&props, 65536);
	put8(&props, 0x22);		/* topic alias maximum */
	put16(&props, 10);
	put8(&props, 0x26);		/* user property */
	putstr(&props, "site");
	putstr(&props, "icu");
	put8(&props, 0x26);
	putstr(&props, "bed");
	putstr(&props, "4");
	put8(&props, 0x15);		/* authentication method */
	putstr(&props, "SCRAM-SHA-1");
	put8(&props, 0x16);		/* authentication data: never shown */
	putstr(&props, PASSWORD);
	put_connect(&m, 5, "vent-3", "rt", PASSWORD, &props, 0x02, NULL);
	run_init(&r);
	feed(&r, 0, m.b, m.n);
	o = nth(&r.fx, OBS_MQTT, 0);
	assert_non_null(o);
	assert_int_equal(get_u64(o, "version"), 5);
	assert_int_equal(get_u64(o, "session_expiry"), 3600);
	assert_int_equal(get_u64(o, "receive_max"), 20);
	assert_int_equal(get_u64(o, "max_packet_size"), 65536);
	assert_int_equal(get_u64(o, "topic_alias_max"), 10);
	assert_int_equal(get_u64(o, "user_props"), 2);
	assert_str(o, "auth_method", "SCRAM-SHA-1");
	assert_str(o, "user", "rt");
	assert_int_equal(count_kind(&r.fx, OBS_CREDENTIAL), 1);
	assert_no_password(&r.fx);
	assert_int_equal(malform_total(&r.fx.mal), 0);

	/* The server's 5.0 CONNACK: reason code and properties. */
	m.n = 0;
	put8(&m, 0x20);
	put8(&m, 9);
	put8(&m, 0x00);			/* no session present */
	put8(&m, 0x86);			/* bad user name or password */
	put8(&m, 6);			/* properties */
	put8(&m, 0x12);			/* assigned client id */
	putstr(&m, "abc");
	feed(&r, 1, m.b, m.n);
	o = nth(&r.fx, OBS_MQTT, 1);
	assert_non_null(o);
	assert_str(o, "type", "connack");
	assert_false(get_bool(o, "session_present"));
	assert_int_equal(get_u64(o, "code"), 0x86);
	assert_str(o, "code_name", "bad user name or password");
	assert_str(o, "assigned_client_id", "abc");
	assert_subject_ip(o, "10.0.0.5");	/* the fixture's sender */
	assert_int_equal(malform_total(&r.fx.mal), 0);

	/* 5.0 DISCONNECT with a reason code; AUTH. */
	m.n = 0;
	put8(&m, 0xe0);
	put8(&m, 1);
	put8(&m, 0x8e);
	put8(&m, 0xf0);
	put8(&m, 0);
	feed(&r, 1, m.b, m.n);
	o = nth(&r.fx, OBS_MQTT, 2);
	assert_str(o, "type", "disconnect");
	assert_int_equal(get_u64(o, "code"), 0x8e);
	assert_str(o, "code_name", "session taken over");
	o = nth(&r.fx, OBS_MQTT, 3);
	assert_str(o, "type", "auth");
	assert_int_equal(get_u64(o, "code"), 0);
	assert_int_equal(malform_total(&r.fx.mal), 0);
	run_free(&r);
}

static void
test_connack_v311(void **state)
{
	static const uint8_t ack[] = { 0x20, 0x02, 0x01, 0x05 };
	struct run r;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	put_connect(&m, 4, "c", NULL, NULL, NULL, 0, NULL);
	run_init(&r);
	feed(&r, 0, m.b, m.n);
	feed(&r, 1, ack, sizeof(ack));
	o = nth(&r.fx, OBS_MQTT, 1);
	assert_non_null(o);
	assert_str(o, "type", "connack");
	assert_true(get_bool(o, "session_present"));
	assert_int_equal(get_u64(o, "code"), 5);
	assert_str(o, "code_name", "not authorized");
	assert_int_equal(malform_total(&r.fx.mal), 0);
	run_free(&r);
}

static void
test_subscribe_wildcards(void **state)
{
	static const char *const all[] = { "#" };
	static const char *const some[] = { "ward/+/temp", "icu/#", "a/b" };
	static const uint8_t o1[] = { 0 }, o3[] = { 1, 2, 0 };
	static const uint8_t suback[] = { 0x90, 0x05, 0x00, 0x07, 0x00, 0x02,
		0x80 };
	struct run r;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	put_subscribe(&m, 4, 7, all, o1, 1);
	put_subscribe(&m, 4, 8, some, o3, 3);
	run_init(&r);
	feed(&r, 0, m.b, m.n);
	feed(&r, 1, suback, sizeof(suback));
	assert_int_equal(count_kind(&r.fx, OBS_MQTT), 3);
	o = nth(&r.fx, OBS_MQTT, 0);
	assert_str(o, "type", "subscribe");
	assert_int_equal(get_u64(o, "packet_id"), 7);
	assert_str(o, "topics", "#");
	assert_list(o, "qos", "0");
	assert_true(get_bool(o, "subscribe_all"));
	assert_true(get_bool(o, "wildcard_multi"));
	assert_false(get_bool(o, "wildcard_single"));
	o = nth(&r.fx, OBS_MQTT, 1);
	assert_str(o, "topics", "ward/+/temp,icu/#,a/b");
	assert_int_equal(get_u64(o, "filters"), 3);
	assert_list(o, "qos", "1,2,0");
	assert_false(get_bool(o, "subscribe_all"));
	assert_true(get_bool(o, "wildcard_multi"));
	assert_true(get_bool(o, "wildcard_single"));
	o = nth(&r.fx, OBS_MQTT, 2);
	assert_str(o, "type", "suback");
	assert_int_equal(get_u64(o, "packet_id"), 7);
	assert_list(o, "codes", "0,2,128");
	assert_int_equal(malform_total(&r.fx.mal), 0);

	/* UNSUBSCRIBE. */
	m.n = 0;
	{
		struct msg b = { .n = 0 };

		put16(&b, 9);
		putstr(&b, "#");
		putpkt(&m, 0xa2, &b);
	}
	feed(&r, 0, m.b, m.n);
	o = nth(&r.fx, OBS_MQTT, 3);
	assert_str(o, "type", "unsubscribe");
	assert_str(o, "topics", "#");
	assert_null(obs_get(o, "qos"));
	assert_int_equal(malform_total(&r.fx.mal), 0);
	run_free(&r);
}

static void
test_publish_qos(void **state)
{
	struct run r;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	put_publish(&m, 4, 0, true, false, "icu/bed4/spo2", 0, 10);
	put_publish(&m, 4, 1, false, true, "icu/bed4/hr", 300, 0);
	put_publish(&m, 4, 2, false, false, "lab/result", 0xbeef, 1000);
	/* Acknowledgements and pings: checked, not reported. */
	put8(&m, 0x40); put8(&m, 2); put16(&m, 300);
	put8(&m, 0x62); put8(&m, 2); put16(&m, 0xbeef);
	put8(&m, 0xc0); put8(&m, 0);
	run_init(&r);
	feed(&r, 0, m.b, m.n);
	assert_int_equal(count_kind(&r.fx, OBS_MQTT), 3);
	o = nth(&r.fx, OBS_MQTT, 0);
	assert_str(o, "type", "publish");
	assert_str(o, "topic", "icu/bed4/spo2");
	assert_int_equal(get_u64(o, "qos"), 0);
	assert_true(get_bool(o, "retain"));
	assert_false(get_bool(o, "dup"));
	assert_null(obs_get(o, "packet_id"));
	assert_int_equal(get_u64(o, "payload_len"), 10);
	o = nth(&r.fx, OBS_MQTT, 1);
	assert_int_equal(get_u64(o, "qos"), 1);
	assert_true(get_bool(o, "dup"));
	assert_int_equal(get_u64(o, "packet_id"), 300);
	assert_int_equal(get_u64(o, "payload_len"), 0);
	o = nth(&r.fx, OBS_MQTT, 2);
	assert_int_equal(get_u64(o, "qos"), 2);
	assert_int_equal(get_u64(o, "packet_id"), 0xbeef);
	assert_int_equal(get_u64(o, "payload_len"), 1000);
	/* The payload is never quoted. */
	for (size_t i = 0; i < r.fx.col->n; i++)
		assert_null(memmem(r.fx.col->o[i].scratch,
		    r.fx.col->o[i].used, "abcdefghij", 10));
	assert_int_equal(malform_total(&r.fx.mal), 0);
	run_free(&r);
}

/* A PUBLISH bigger than the buffer: topic read, payload skipped. */
static void
test_publish_big(void **state)
{
	struct run r;
	struct msg head = { .n = 0 }, tail = { .n = 0 };
	const struct observation *o;
	size_t payload = 100000, total;
	uint8_t *p;

	(void)state;
	put_connect(&head, 5, "cam", NULL, NULL, NULL, 0, NULL);
	/* Fixed header by hand: remaining length over three bytes. */
	put8(&head, 0x30);
	putvarint(&head, (uint32_t)(2 + 9 + 1 + payload));
	putstr(&head, "video/raw");
	put8(&head, 0);
	put_publish(&tail, 5, 0, false, false, "after", 0, 3);
	total = head.n + payload + tail.n;
	p = malloc(total);
	assert_non_null(p);
	memcpy(p, head.b, head.n);
	memset(p + head.n, 'x', payload);
	memcpy(p + head.n + payload, tail.b, tail.n);
	run_init(&r);
	/* Whole, then in slices of 1000. */
	feed(&r, 0, p, total);
	for (size_t off = 0; off < total; off += 1000)
		feed(&r, 0, p + off, total - off < 1000 ? total - off : 1000);
	assert_int_equal(count_kind(&r.fx, OBS_MQTT), 6);
	for (size_t k = 0; k < 2; k++) {
		o = nth(&r.fx, OBS_MQTT, 3 * k + 1);
		assert_str(o, "topic", "video/raw");
		assert_int_equal(get_u64(o, "payload_len"), payload);
		o = nth(&r.fx, OBS_MQTT, 3 * k + 2);
		assert_str(o, "topic", "after");
	}
	assert_int_equal(malform_total(&r.fx.mal), 0);
	run_free(&r);
	free(p);
}

/* The observations of a conversation, as "type:key" text to compare. */
static void
summary(const struct fixture *fx, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < fx->col->n; i++) {
		const struct observation *o = &fx->col->o[i];
		const char *t = obs_get_str(o, "type");
		const char *k = obs_get_str(o, "topic");

		if (k == NULL)
			k = obs_get_str(o, "client_id");
		if (k == NULL)
			k = obs_get_str(o, "topics");
		n += (size_t)snprintf(out + n, len - n, "%s:%s:%s;",
		    obs_kind_name(o->kind), t ? t : "", k ? k : "");
		assert_true(n < len);
	}
}

static void
test_split_every_byte(void **state)
{
	static const char *const all[] = { "#" };
	static const uint8_t o1[] = { 1 };
	struct run r;
	struct msg m = { .n = 0 }, props = { .n = 0 };
	char want[2048], got[2048];

	(void)state;
	put8(&props, 0x21);
	put16(&props, 5);
	put_connect(&m, 5, "split", "u", PASSWORD, &props, 0x02, "lwt");
	put_subscribe(&m, 5, 1, all, o1, 1);
	put_publish(&m, 5, 1, false, false, "a/b", 2, 200);
	put8(&m, 0xc0);
	put8(&m, 0);
	put8(&m, 0xe0);
	put8(&m, 0);

	run_init(&r);
	feed(&r, 0, m.b, m.n);
	summary(&r.fx, want, sizeof(want));
	assert_int_equal(count_kind(&r.fx, OBS_MQTT), 4);
	assert_int_equal(malform_total(&r.fx.mal), 0);
	run_free(&r);

	/* Two slices, split at every byte. */
	for (size_t cut = 0; cut <= m.n; cut++) {
		run_init(&r);
		feed(&r, 0, m.b, cut);
		feed(&r, 0, m.b + cut, m.n - cut);
		summary(&r.fx, got, sizeof(got));
		assert_string_equal(got, want);
		assert_int_equal(malform_total(&r.fx.mal), 0);
		assert_no_password(&r.fx);
		run_free(&r);
	}
	/* One byte at a time. */
	run_init(&r);
	for (size_t i = 0; i < m.n; i++)
		feed(&r, 0, m.b + i, 1);
	summary(&r.fx, got, sizeof(got));
	assert_string_equal(got, want);
	run_free(&r);
}

static void
test_bad_remaining_length(void **state)
{
	static const uint8_t bad[] = { 0x30, 0xff, 0xff, 0xff, 0xff, 0x01,
		0x00, 0x01, 'a' };
	struct run r;
	struct msg m = { .n = 0 };

	(void)state;
	run_init(&r);
	feed(&r, 0, bad, sizeof(bad));
	assert_malformed(&r.fx, MAL_MQTT_BAD_REMAINING_LENGTH, 1);
	/* The direction is abandoned; the other one still works. */
	put_publish(&m, 4, 0, false, false, "x", 0, 1);
	feed(&r, 0, m.b, m.n);
	assert_int_equal(count_kind(&r.fx, OBS_MQTT), 0);
	feed(&r, 1, m.b, m.n);
	assert_int_equal(count_kind(&r.fx, OBS_MQTT), 1);
	/* A gap abandons a direction too. */
	dissector_mqtt.gap(&r.fx.ctx, r.st);
	feed(&r, 1, m.b, m.n);
	assert_int_equal(count_kind(&r.fx, OBS_MQTT), 1);
	run_free(&r);
}

/* Runs one stream and checks the one malformation it counts. */
static void
expect_malformed(const struct msg *m, enum malform k)
{
	struct run r;

	run_init(&r);
	feed(&r, 0, m->b, m->n);
	assert_malformed(&r.fx, k, 1);
	run_free(&r);
}

static void
test_malformations(void **state)
{
	struct msg m = { .n = 0 }, b = { .n = 0 };
	char *filter;

	(void)state;
	/* bad_flags: PUBLISH QoS 3, SUBSCRIBE with flags 0, type 0. */
	put8(&m, 0x36); put8(&m, 3); putstr(&m, "a");
	expect_malformed(&m, MAL_MQTT_BAD_FLAGS);
	m.n = 0;
	put8(&m, 0x80); put8(&m, 6); put16(&m, 1); putstr(&m, "a"); put8(&m, 0);
	expect_malformed(&m, MAL_MQTT_BAD_FLAGS);
	m.n = 0;
	put8(&m, 0x00); put8(&m, 0);
	expect_malformed(&m, MAL_MQTT_BAD_FLAGS);

	/* bad_packet: unknown protocol name, cut CONNECT, password without
	 * user in 3.1.1, reserved connect flag, wildcard topic name, SUBSCRIBE
	 * QoS 3, ping with a body, empty SUBSCRIBE. */
	m.n = 0; b.n = 0;
	putstr(&b, "MQTX"); put8(&b, 4); put8(&b, 0); put16(&b, 0);
	putstr(&b, "c");
	putpkt(&m, 0x10, &b);
	expect_malformed(&m, MAL_MQTT_BAD_PACKET);
	m.n = 0; b.n = 0;
	putstr(&b, "MQTT"); put8(&b, 4); put8(&b, 0x80); put16(&b, 0);
	putstr(&b, "c");
	putpkt(&m, 0x10, &b);			/* user flag, no user */
	expect_malformed(&m, MAL_MQTT_BAD_PACKET);
	m.n = 0; b.n = 0;
	putstr(&b, "MQTT"); put8(&b, 4); put8(&b, 0x40); put16(&b, 0);
	putstr(&b, "c"); putstr(&b, "p");
	putpkt(&m, 0x10, &b);
	expect_malformed(&m, MAL_MQTT_BAD_PACKET);
	m.n = 0; b.n = 0;
	putstr(&b, "MQTT"); put8(&b, 4); put8(&b, 0x01); put16(&b, 0);
	putstr(&b, "c");
	putpkt(&m, 0x10, &b);
	expect_malformed(&m, MAL_MQTT_BAD_PACKET);
	m.n = 0;
	put_publish(&m, 4, 0, false, false, "a/#", 0, 0);
	expect_malformed(&m, MAL_MQTT_BAD_PACKET);
	m.n = 0; b.n = 0;
	put16(&b, 1); putstr(&b, "a"); put8(&b, 3);
	putpkt(&m, 0x82, &b);
	expect_malformed(&m, MAL_MQTT_BAD_PACKET);
	m.n = 0;
	put8(&m, 0xc0); put8(&m, 1); put8(&m, 0);
	expect_malformed(&m, MAL_MQTT_BAD_PACKET);
	m.n = 0; b.n = 0;
	put16(&b, 1);
	putpkt(&m, 0x82, &b);
	expect_malformed(&m, MAL_MQTT_BAD_PACKET);
	m.n = 0;
	put8(&m, 0x40); put8(&m, 1); put8(&m, 0);	/* PUBACK of 1 */
	expect_malformed(&m, MAL_MQTT_BAD_PACKET);

	/* bad_property: an unknown property id in a 5.0 CONNECT. */
	m.n = 0; b.n = 0;
	b.n = 0;
	put8(&b, 0x7f);
	put8(&b, 1);
	put_connect(&m, 5, "c", NULL, NULL, &b, 0, NULL);
	expect_malformed(&m, MAL_MQTT_BAD_PROPERTY);
	/* ... and a property block longer than the packet. */
	m.n = 0; b.n = 0;
	putstr(&b, "MQTT"); put8(&b, 5); put8(&b, 0); put16(&b, 0);
	put8(&b, 50); put8(&b, 0x11);
	putpkt(&m, 0x10, &b);
	expect_malformed(&m, MAL_MQTT_BAD_PROPERTY);

	/* packet_too_long: a SUBSCRIBE over the 16 KiB buffer. */
	filter = malloc(20000);
	assert_non_null(filter);
	memset(filter, 'f', 19999);
	filter[19999] = '\0';
	{
		struct run r;
		struct msg hdr = { .n = 0 };
		uint8_t *p;
		size_t body = 2 + 2 + 19999 + 1, total;

		put8(&hdr, 0x82);
		putvarint(&hdr, (uint32_t)body);
		put16(&hdr, 5);
		put16(&hdr, 19999);
		total = hdr.n + 19999 + 1;
		p = malloc(total);
		assert_non_null(p);
		memcpy(p, hdr.b, hdr.n);
		memcpy(p + hdr.n, filter, 19999);
		p[total - 1] = 0;
		run_init(&r);
		feed(&r, 0, p, total);
		assert_malformed(&r.fx, MAL_MQTT_PACKET_TOO_LONG, 1);
		/* Framing kept: the next packet is read. */
		m.n = 0;
		put_publish(&m, 4, 0, false, false, "next", 0, 0);
		feed(&r, 0, m.b, m.n);
		assert_non_null(nth(&r.fx, OBS_MQTT, 0));
		assert_str(nth(&r.fx, OBS_MQTT, 0), "topic", "next");
		run_free(&r);
		free(p);
	}
	free(filter);
}

static void
test_probe(void **state)
{
	struct msg m = { .n = 0 };

	(void)state;
	put_connect(&m, 4, "c", NULL, NULL, NULL, 0, NULL);
	assert_true(dissector_mqtt_any.probe(m.b, m.n, 0));
	assert_true(dissector_mqtt.probe(m.b, m.n, 0));
	m.n = 0;
	put_connect(&m, 3, "c", NULL, NULL, NULL, 0, NULL);
	assert_true(dissector_mqtt_any.probe(m.b, m.n, 0));
	m.n = 0;
	put_connect(&m, 5, "c", NULL, NULL, NULL, 0, NULL);
	assert_true(dissector_mqtt_any.probe(m.b, m.n, 0));
	m.b[8] = 6;		/* level 6 */
	assert_false(dissector_mqtt_any.probe(m.b, m.n, 0));
	/* Mid-connection traffic: only on the MQTT port. */
	m.n = 0;
	put_publish(&m, 4, 1, false, false, "a/b", 1, 5);
	put8(&m, 0xd0);
	put8(&m, 0);
	assert_false(dissector_mqtt_any.probe(m.b, m.n, 0));
	assert_true(dissector_mqtt.probe(m.b, m.n, 1));
	assert_false(dissector_mqtt.probe((const uint8_t *)"GET / HTTP/1.1\r\n",
	    16, 0));
	assert_false(dissector_mqtt.probe(m.b, 0, 0));
	/* Both are in the table, the content-only one without ports. */
	{
		bool a = false, b = false;

		for (const struct dissector *const *d = proto_dissectors;
		    *d != NULL; d++) {
			a |= *d == &dissector_mqtt;
			b |= *d == &dissector_mqtt_any;
		}
		assert_true(a && b);
		assert_true(dissector_mqtt_any.probe_any_port);
		assert_int_equal(dissector_mqtt_any.ports[0], 0);
		assert_int_equal(dissector_mqtt.ports[0], 1883);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_v311_credentials),
		cmocka_unit_test(test_connect_anonymous),
		cmocka_unit_test(test_connect_v5),
		cmocka_unit_test(test_connack_v311),
		cmocka_unit_test(test_subscribe_wildcards),
		cmocka_unit_test(test_publish_qos),
		cmocka_unit_test(test_publish_big),
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_bad_remaining_length),
		cmocka_unit_test(test_malformations),
		cmocka_unit_test(test_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
