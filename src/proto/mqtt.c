/*
 * mqtt.c - MQTT control packets: who connects, as whom, to what topics.
 *
 * Follows MQTT 3.1.1 (OASIS Standard, 2014) and MQTT 5.0 (OASIS Standard,
 * 2019); 3.1 (protocol name "MQIsdp", level 3) is read as 3.1.1. TCP 1883
 * (8883 is MQTT over TLS and not read here). Every control packet starts
 * with a fixed header (3.1.1 section 2.2, 5.0 section 2.1.1):
 *
 *    7   6   5   4   3   2   1   0
 *  +---------------+---------------+
 *  | packet type   | flags         |  PUBLISH: DUP, QoS (2 bits), RETAIN
 *  +---------------+---------------+
 *  | Remaining Length: 1 to 4 bytes, 7 bits each, low group first,  |
 *  | bit 7 set when another byte follows (at most 268,435,455)      |
 *  +----------------------------------------------------------------+
 *  | variable header (packet id, and in 5.0 the properties)         |
 *  | payload (CONNECT: client id, will, user name, password;        |
 *  |          SUBSCRIBE: topic filters and options; PUBLISH: data)  |
 *  +----------------------------------------------------------------+
 *
 * A packet is buffered whole up to MQTT_BUF_MAX bytes. A longer PUBLISH is
 * read for its topic from the start and its payload skipped by length; any
 * other longer packet is counted (mqtt.packet_too_long), read as far as it
 * was kept and the rest skipped. One observation per CONNECT, CONNACK,
 * PUBLISH, SUBSCRIBE, SUBACK, UNSUBSCRIBE, DISCONNECT and AUTH; the
 * acknowledgements of PUBLISH and UNSUBSCRIBE and the pings are checked,
 * not reported. A CONNECT carrying a password also emits a credential
 * observation naming the user, never the password (docs/observations.md).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define MQTT_PORT	1883

/*
 * Bytes of one packet kept for parsing, per direction. 16 KiB holds every
 * CONNECT and SUBSCRIBE seen in practice and the head of any PUBLISH, and
 * keeps a connection's state at 32 KiB of the flow budget: MQTT clients
 * hold their connection open for days, so a sensor carries many at once.
 */
#define MQTT_BUF_MAX	(16u * 1024)
/* Remaining Length fits 4 bytes (3.1.1 section 2.2.3, 5.0 section 1.5.5). */
#define MQTT_VARINT_MAX	4
/* Longest quoted string (client id, user, topic) and the joined filters. */
#define MQTT_STR_MAX	256
#define MQTT_TOPIC_MAX	1024
#define MQTT_FILTERS_MAX 1024
/* SUBACK codes and SUBSCRIBE QoS values reported in a list. */
#define MQTT_LIST_MAX	64

enum {
	MQTT_CONNECT = 1,
	MQTT_CONNACK,
	MQTT_PUBLISH,
	MQTT_PUBACK,
	MQTT_PUBREC,
	MQTT_PUBREL,
	MQTT_PUBCOMP,
	MQTT_SUBSCRIBE,
	MQTT_SUBACK,
	MQTT_UNSUBSCRIBE,
	MQTT_UNSUBACK,
	MQTT_PINGREQ,
	MQTT_PINGRESP,
	MQTT_DISCONNECT,
	MQTT_AUTH,
};

static const char *const mqtt_type_names[16] = {
	"reserved", "connect", "connack", "publish", "puback", "pubrec",
	"pubrel", "pubcomp", "subscribe", "suback", "unsubscribe", "unsuback",
	"pingreq", "pingresp", "disconnect", "auth",
};

/* Connect flags (3.1.1 section 3.1.2.3, 5.0 section 3.1.2.3). */
#define CF_USER		0x80
#define CF_PASSWORD	0x40
#define CF_WILL_RETAIN	0x20
#define CF_WILL_QOS(f)	(((f) >> 3) & 3)
#define CF_WILL		0x04
#define CF_CLEAN	0x02
#define CF_RESERVED	0x01

struct mqtt_state {
	struct recasm	 half[2];
	uint8_t		 version;	/* level of the CONNECT */
};

/* What a packet is parsed with. */
struct mqtt_pkt {
	struct proto_ctx	*ctx;
	struct mqtt_state	*st;
	uint8_t			 type;
	uint8_t			 flags;
	uint32_t		 remlen;	/* as announced */
	bool			 partial;	/* cut at MQTT_BUF_MAX */
};

/*
 * Reads a Variable Byte Integer (5.0 section 1.5.5; the Remaining Length
 * of 3.1.1 section 2.2.3 is the same encoding). -1 when cut short or when
 * a fourth byte still has its continuation bit.
 */
static int
mqtt_varint(struct cursor *c, uint32_t *v)
{
	struct cursor save = *c;
	uint32_t n = 0;
	uint8_t b;

	for (int i = 0; i < MQTT_VARINT_MAX; i++) {
		if (cur_u8(c, &b) == -1)
			break;
		n |= (uint32_t)(b & 0x7f) << (7 * i);
		if ((b & 0x80) == 0) {
			*v = n;
			return 0;
		}
	}
	*c = save;
	return -1;
}

/* A two-byte-length string or binary field (3.1.1 section 1.5.3). */
static int
mqtt_string(struct cursor *c, struct cursor *s)
{
	struct cursor save = *c;
	uint16_t len;

	if (cur_be16(c, &len) == -1 || cur_sub(c, len, s) == -1) {
		*c = save;
		return -1;
	}
	return 0;
}

/* Copies at most max bytes of s into the observation. */
static void
obs_cur(struct observation *o, const char *key, const struct cursor *s,
    size_t max)
{
	(void)obs_str(o, key, s->p, cur_left(s) < max ? cur_left(s) : max);
}

/*
 * Flags the fixed header must carry (3.1.1 section 2.2.2, table 2.2; 5.0
 * section 2.1.3): 2 for PUBREL, SUBSCRIBE and UNSUBSCRIBE, 0 for the others.
 */
static bool
mqtt_flags_ok(uint8_t type, uint8_t flags)
{
	switch (type) {
	case 0:
		return false;
	case MQTT_PUBLISH:
		/* QoS 3 is forbidden (section 3.3.1.2). */
		return ((flags >> 1) & 3) != 3;
	case MQTT_PUBREL:
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		return flags == 2;
	default:
		return flags == 0;
	}
}

/* 3.1.1 CONNACK return codes (section 3.2.2.3). */
static const char *
mqtt_v3_code_name(uint8_t code)
{
	static const char *const names[] = {
		"accepted", "unacceptable protocol version",
		"identifier rejected", "server unavailable",
		"bad user name or password", "not authorized",
	};

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : NULL;
}

/* 5.0 reason codes (section 2.4) that are the same in every packet. */
static const char *
mqtt_v5_code_name(uint8_t type, uint8_t code)
{
	switch (code) {
	case 0x00:
		if (type == MQTT_DISCONNECT)
			return "normal disconnection";
		if (type == MQTT_SUBACK)
			return "granted qos 0";
		return "success";
	case 0x01: return "granted qos 1";
	case 0x02: return "granted qos 2";
	case 0x04: return "disconnect with will message";
	case 0x10: return "no matching subscribers";
	case 0x11: return "no subscription existed";
	case 0x18: return "continue authentication";
	case 0x19: return "re-authenticate";
	case 0x80: return "unspecified error";
	case 0x81: return "malformed packet";
	case 0x82: return "protocol error";
	case 0x83: return "implementation specific error";
	case 0x84: return "unsupported protocol version";
	case 0x85: return "client identifier not valid";
	case 0x86: return "bad user name or password";
	case 0x87: return "not authorized";
	case 0x88: return "server unavailable";
	case 0x89: return "server busy";
	case 0x8a: return "banned";
	case 0x8b: return "server shutting down";
	case 0x8c: return "bad authentication method";
	case 0x8d: return "keep alive timeout";
	case 0x8e: return "session taken over";
	case 0x8f: return "topic filter invalid";
	case 0x90: return "topic name invalid";
	case 0x91: return "packet identifier in use";
	case 0x92: return "packet identifier not found";
	case 0x93: return "receive maximum exceeded";
	case 0x94: return "topic alias invalid";
	case 0x95: return "packet too large";
	case 0x96: return "message rate too high";
	case 0x97: return "quota exceeded";
	case 0x98: return "administrative action";
	case 0x99: return "payload format invalid";
	case 0x9a: return "retain not supported";
	case 0x9b: return "qos not supported";
	case 0x9c: return "use another server";
	case 0x9d: return "server moved";
	case 0x9e: return "shared subscriptions not supported";
	case 0x9f: return "connection rate exceeded";
	case 0xa0: return "maximum connect time";
	case 0xa1: return "subscription identifiers not supported";
	case 0xa2: return "wildcard subscriptions not supported";
	default: return NULL;
	}
}

/* The properties ward reports (5.0 section 2.2.2.2). */
struct mqtt_props {
	bool		 has_session_expiry, has_receive_max;
	bool		 has_max_packet, has_topic_alias_max;
	bool		 has_topic_alias, has_auth_method;
	bool		 has_assigned_id, has_reason;
	uint32_t	 session_expiry, max_packet;
	uint16_t	 receive_max, topic_alias_max, topic_alias;
	uint32_t	 user_props;
	struct cursor	 auth_method, assigned_id, reason;
};

enum prop_form { P_BYTE, P_U16, P_U32, P_VARINT, P_STR, P_BIN, P_PAIR };

/* The form of property id, or -1 for an id 5.0 does not define. */
static int
mqtt_prop_form(uint32_t id)
{
	switch (id) {
	case 0x01: case 0x17: case 0x19: case 0x24: case 0x25: case 0x28:
	case 0x29: case 0x2a:
		return P_BYTE;
	case 0x13: case 0x21: case 0x22: case 0x23:
		return P_U16;
	case 0x02: case 0x11: case 0x18: case 0x27:
		return P_U32;
	case 0x0b:
		return P_VARINT;
	case 0x03: case 0x08: case 0x12: case 0x15: case 0x1a: case 0x1c:
	case 0x1f:
		return P_STR;
	case 0x09: case 0x16:
		return P_BIN;
	case 0x26:
		return P_PAIR;
	default:
		return -1;
	}
}

/*
 * Reads a property block (its length, then the properties) off c into pr.
 * Returns -1 when the block runs past the packet (counted unless the packet
 * was cut by our buffer), else 0 with c past the block. The block is framed
 * by its length, so a bad property inside spoils only the rest of the
 * block: it is counted and the packet is still read.
 */
static int
mqtt_props(struct mqtt_pkt *mp, struct cursor *c, struct mqtt_props *pr)
{
	struct cursor blk, s, s2;
	uint32_t len, id, v32;
	uint16_t v16;
	uint8_t v8;

	memset(pr, 0, sizeof(*pr));
	if (mqtt_varint(c, &len) == -1 || cur_sub(c, len, &blk) == -1) {
		if (!mp->partial)
			proto_malformed(mp->ctx, MAL_MQTT_BAD_PROPERTY, "mqtt",
			    "property length runs past the packet");
		return -1;
	}
	while (cur_left(&blk) > 0) {
		int ok = -1;

		if (mqtt_varint(&blk, &id) == -1)
			goto bad;
		switch (mqtt_prop_form(id)) {
		case P_BYTE:
			ok = cur_u8(&blk, &v8);
			break;
		case P_U16:
			if ((ok = cur_be16(&blk, &v16)) == -1)
				break;
			if (id == 0x21) {
				pr->has_receive_max = true;
				pr->receive_max = v16;
			} else if (id == 0x22) {
				pr->has_topic_alias_max = true;
				pr->topic_alias_max = v16;
			} else if (id == 0x23) {
				pr->has_topic_alias = true;
				pr->topic_alias = v16;
			}
			break;
		case P_U32:
			if ((ok = cur_be32(&blk, &v32)) == -1)
				break;
			if (id == 0x11) {
				pr->has_session_expiry = true;
				pr->session_expiry = v32;
			} else if (id == 0x27) {
				pr->has_max_packet = true;
				pr->max_packet = v32;
			}
			break;
		case P_VARINT:
			ok = mqtt_varint(&blk, &v32);
			break;
		case P_STR:
		case P_BIN:
			/* Authentication data (0x16) is never kept. */
			if ((ok = mqtt_string(&blk, &s)) == -1)
				break;
			if (id == 0x15) {
				pr->has_auth_method = true;
				pr->auth_method = s;
			} else if (id == 0x12) {
				pr->has_assigned_id = true;
				pr->assigned_id = s;
			} else if (id == 0x1f) {
				pr->has_reason = true;
				pr->reason = s;
			}
			break;
		case P_PAIR:
			if ((ok = mqtt_string(&blk, &s)) == 0 &&
			    (ok = mqtt_string(&blk, &s2)) == 0)
				pr->user_props++;
			break;
		default:
			break;
		}
		if (ok == -1)
			goto bad;
	}
	return 0;
bad:
	proto_malformed(mp->ctx, MAL_MQTT_BAD_PROPERTY, "mqtt",
	    "unknown property or property cut short");
	return 0;
}

/*
 * Counts a packet whose fields do not add up, unless it was cut by our
 * buffer (then running short is ours, not the sender's). Returns -1.
 */
static int
mqtt_bad(struct mqtt_pkt *mp, const char *what)
{
	if (!mp->partial)
		proto_malformed(mp->ctx, MAL_MQTT_BAD_PACKET, "mqtt", what);
	return -1;
}

static void
mqtt_obs_start(struct mqtt_pkt *mp, struct observation *o)
{
	proto_obs_init(mp->ctx, o, OBS_MQTT);
	proto_subject_sender(mp->ctx, o);
	(void)obs_cstr(o, "type", mqtt_type_names[mp->type]);
	if (mp->st->version != 0)
		(void)obs_u64(o, "version", mp->st->version);
}

static void
mqtt_obs_code(struct mqtt_pkt *mp, struct observation *o, uint8_t code,
    bool v5)
{
	const char *name;

	name = v5 ? mqtt_v5_code_name(mp->type, code) :
	    mqtt_v3_code_name(code);
	(void)obs_u64(o, "code", code);
	if (name != NULL)
		(void)obs_cstr(o, "code_name", name);
}

static int
mqtt_connect(struct mqtt_pkt *mp, struct cursor *c)
{
	struct observation o, cred;
	struct cursor name, client, wtopic, wpayload, user, pass;
	struct mqtt_props pr, wpr;
	uint16_t keepalive;
	uint8_t level, flags;
	bool has_props = false;

	/* Section 3.1.2.1: the protocol name, then the level. */
	if (mqtt_string(c, &name) == -1 || cur_u8(c, &level) == -1 ||
	    cur_u8(c, &flags) == -1 || cur_be16(c, &keepalive) == -1)
		return mqtt_bad(mp, "CONNECT variable header cut short");
	if (!((cur_left(&name) == 4 && memcmp(name.p, "MQTT", 4) == 0 &&
	    (level == 4 || level == 5)) ||
	    (cur_left(&name) == 6 && memcmp(name.p, "MQIsdp", 6) == 0 &&
	    level == 3)))
		return mqtt_bad(mp, "CONNECT with an unknown protocol name or "
		    "level");
	/*
	 * Section 3.1.2.3: the reserved flag is zero, and will QoS and retain
	 * are zero without a will; will QoS 3 does not exist.
	 */
	if ((flags & CF_RESERVED) != 0 || CF_WILL_QOS(flags) == 3 ||
	    ((flags & CF_WILL) == 0 &&
	    (flags & (CF_WILL_RETAIN | 0x18)) != 0))
		return mqtt_bad(mp, "CONNECT flags: reserved bit or will "
		    "QoS/retain without a will");
	/* Section 3.1.2.9 (3.1.1 only): no password without a user name. */
	if (level < 5 && (flags & (CF_USER | CF_PASSWORD)) == CF_PASSWORD)
		return mqtt_bad(mp, "CONNECT with a password but no user name");
	mp->st->version = level;
	if (level == 5) {
		if (mqtt_props(mp, c, &pr) == -1)
			return -1;
		has_props = true;
	}
	memset(&user, 0, sizeof(user));
	memset(&wtopic, 0, sizeof(wtopic));
	/* Section 3.1.3: payload fields in this order, present per flags. */
	if (mqtt_string(c, &client) == -1)
		return mqtt_bad(mp, "CONNECT client identifier cut short");
	if (flags & CF_WILL) {
		if (level == 5 && mqtt_props(mp, c, &wpr) == -1)
			return -1;
		if (mqtt_string(c, &wtopic) == -1 ||
		    mqtt_string(c, &wpayload) == -1)
			return mqtt_bad(mp, "CONNECT will topic or message cut "
			    "short");
	}
	if ((flags & CF_USER) && mqtt_string(c, &user) == -1)
		return mqtt_bad(mp, "CONNECT user name cut short");
	if ((flags & CF_PASSWORD) && mqtt_string(c, &pass) == -1)
		return mqtt_bad(mp, "CONNECT password cut short");
	if (cur_left(c) != 0)
		(void)mqtt_bad(mp, "CONNECT with bytes after its last field");

	if (mp->ctx->bus == NULL)
		return 0;
	mqtt_obs_start(mp, &o);
	obs_cur(&o, "proto_name", &name, MQTT_STR_MAX);
	obs_cur(&o, "client_id", &client, MQTT_STR_MAX);
	(void)obs_bool(&o, "auth", (flags & CF_USER) != 0);
	if (flags & CF_USER)
		obs_cur(&o, "user", &user, MQTT_STR_MAX);
	(void)obs_bool(&o, "password", (flags & CF_PASSWORD) != 0);
	(void)obs_bool(&o, "clean", (flags & CF_CLEAN) != 0);
	(void)obs_u64(&o, "keepalive", keepalive);
	(void)obs_bool(&o, "will", (flags & CF_WILL) != 0);
	if (flags & CF_WILL) {
		(void)obs_u64(&o, "will_qos", CF_WILL_QOS(flags));
		(void)obs_bool(&o, "will_retain",
		    (flags & CF_WILL_RETAIN) != 0);
		obs_cur(&o, "will_topic", &wtopic, MQTT_TOPIC_MAX);
	}
	if (has_props) {
		if (pr.has_session_expiry)
			(void)obs_u64(&o, "session_expiry", pr.session_expiry);
		if (pr.has_receive_max)
			(void)obs_u64(&o, "receive_max", pr.receive_max);
		if (pr.has_max_packet)
			(void)obs_u64(&o, "max_packet_size", pr.max_packet);
		if (pr.has_topic_alias_max)
			(void)obs_u64(&o, "topic_alias_max",
			    pr.topic_alias_max);
		if (pr.user_props > 0)
			(void)obs_u64(&o, "user_props", pr.user_props);
		if (pr.has_auth_method)
			obs_cur(&o, "auth_method", &pr.auth_method,
			    MQTT_STR_MAX);
	}
	obs_emit(mp->ctx->bus, &o);

	/* The password crossed in clear: say so, and by whom, never what. */
	if ((flags & CF_PASSWORD) == 0)
		return 0;
	proto_obs_init(mp->ctx, &cred, OBS_CREDENTIAL);
	proto_subject_sender(mp->ctx, &cred);
	(void)obs_cstr(&cred, "protocol", "mqtt");
	(void)obs_bool(&cred, "password", true);
	if (flags & CF_USER)
		obs_cur(&cred, "user", &user, MQTT_STR_MAX);
	obs_cur(&cred, "client_id", &client, MQTT_STR_MAX);
	obs_emit(mp->ctx->bus, &cred);
	return 0;
}

static int
mqtt_connack(struct mqtt_pkt *mp, struct cursor *c)
{
	struct observation o;
	struct mqtt_props pr;
	uint8_t ackflags, code;
	bool has_props = false;

	/* Section 3.2.2.1: bits 7-1 of the acknowledge flags are reserved. */
	if (cur_u8(c, &ackflags) == -1 || cur_u8(c, &code) == -1)
		return mqtt_bad(mp, "CONNACK cut short");
	if ((ackflags & 0xfe) != 0)
		return mqtt_bad(mp, "CONNACK reserved flags set");
	/*
	 * A 5.0 CONNACK has properties; a server that refuses a 5.0 client
	 * may answer with a 3.1.1 CONNACK of two bytes (5.0 section 3.1.2.2).
	 */
	if (mp->st->version == 5 && cur_left(c) > 0) {
		if (mqtt_props(mp, c, &pr) == -1)
			return -1;
		has_props = true;
	}
	if (cur_left(c) != 0)
		(void)mqtt_bad(mp, "CONNACK longer than its fields");
	if (mp->ctx->bus == NULL)
		return 0;
	mqtt_obs_start(mp, &o);
	(void)obs_bool(&o, "session_present", (ackflags & 1) != 0);
	mqtt_obs_code(mp, &o, code, mp->st->version == 5);
	if (has_props) {
		if (pr.has_assigned_id)
			obs_cur(&o, "assigned_client_id", &pr.assigned_id,
			    MQTT_STR_MAX);
		if (pr.has_session_expiry)
			(void)obs_u64(&o, "session_expiry", pr.session_expiry);
		if (pr.has_receive_max)
			(void)obs_u64(&o, "receive_max", pr.receive_max);
		if (pr.has_max_packet)
			(void)obs_u64(&o, "max_packet_size", pr.max_packet);
		if (pr.has_topic_alias_max)
			(void)obs_u64(&o, "topic_alias_max",
			    pr.topic_alias_max);
		if (pr.has_auth_method)
			obs_cur(&o, "auth_method", &pr.auth_method,
			    MQTT_STR_MAX);
		if (pr.has_reason)
			obs_cur(&o, "reason", &pr.reason, MQTT_STR_MAX);
	}
	obs_emit(mp->ctx->bus, &o);
	return 0;
}

static bool
mqtt_has_byte(const struct cursor *s, uint8_t ch)
{
	return cur_left(s) > 0 && memchr(s->p, ch, cur_left(s)) != NULL;
}

static int
mqtt_publish(struct mqtt_pkt *mp, struct cursor *c)
{
	struct observation o;
	struct cursor topic;
	struct mqtt_props pr;
	size_t before = cur_left(c);
	uint16_t id = 0;
	uint8_t qos = (mp->flags >> 1) & 3;
	bool has_props = false;

	/* Section 3.3.2: topic name, packet id when QoS > 0, properties. */
	if (mqtt_string(c, &topic) == -1 ||
	    (qos > 0 && cur_be16(c, &id) == -1))
		return mqtt_bad(mp, "PUBLISH topic or packet id cut short");
	/* Section 3.3.2.1: a topic name holds no wildcard. */
	if (mqtt_has_byte(&topic, '#') || mqtt_has_byte(&topic, '+'))
		(void)mqtt_bad(mp, "PUBLISH topic name with a wildcard");
	if (mp->st->version == 5) {
		if (mqtt_props(mp, c, &pr) == -1)
			return -1;
		has_props = true;
	}
	if (mp->ctx->bus == NULL)
		return 0;
	mqtt_obs_start(mp, &o);
	obs_cur(&o, "topic", &topic, MQTT_TOPIC_MAX);
	(void)obs_u64(&o, "qos", qos);
	(void)obs_bool(&o, "retain", (mp->flags & 1) != 0);
	(void)obs_bool(&o, "dup", (mp->flags & 8) != 0);
	if (qos > 0)
		(void)obs_u64(&o, "packet_id", id);
	if (has_props && pr.has_topic_alias)
		(void)obs_u64(&o, "topic_alias", pr.topic_alias);
	/* What follows the header, whether kept or skipped: never the data. */
	(void)obs_u64(&o, "payload_len",
	    mp->remlen - (uint32_t)(before - cur_left(c)));
	obs_emit(mp->ctx->bus, &o);
	return 0;
}

/*
 * SUBSCRIBE (section 3.8) and UNSUBSCRIBE (section 3.10): a packet id,
 * properties in 5.0, then topic filters (with an options byte each for
 * SUBSCRIBE).
 */
static int
mqtt_subscribe(struct mqtt_pkt *mp, struct cursor *c)
{
	struct observation o;
	struct cursor filter;
	struct mqtt_props pr;
	char joined[MQTT_FILTERS_MAX];
	uint8_t qos[MQTT_LIST_MAX], opt = 0;
	size_t n = 0, nq = 0, count = 0;
	uint16_t id;
	bool sub = mp->type == MQTT_SUBSCRIBE, all = false, multi = false;
	bool single = false;

	if (cur_be16(c, &id) == -1)
		return mqtt_bad(mp, "SUBSCRIBE/UNSUBSCRIBE packet id cut "
		    "short");
	if (mp->st->version == 5 && mqtt_props(mp, c, &pr) == -1)
		return -1;
	/* Sections 3.8.3 and 3.10.3: at least one topic filter. */
	if (cur_left(c) == 0 && !mp->partial)
		return mqtt_bad(mp, "SUBSCRIBE/UNSUBSCRIBE with no topic "
		    "filter");
	while (cur_left(c) > 0) {
		if (mqtt_string(c, &filter) == -1 ||
		    (sub && cur_u8(c, &opt) == -1)) {
			(void)mqtt_bad(mp, "topic filter cut short");
			break;
		}
		/*
		 * 3.1.1 section 3.8.3.1: the upper six bits are reserved;
		 * 5.0 section 3.8.3.1: bits 6-7 reserved, retain handling 3
		 * reserved. QoS 3 is malformed in both.
		 */
		if (sub && ((opt & 3) == 3 || (mp->st->version == 5 ?
		    ((opt & 0xc0) != 0 || ((opt >> 4) & 3) == 3) :
		    (opt & 0xfc) != 0))) {
			(void)mqtt_bad(mp, "SUBSCRIBE options: reserved bits "
			    "or QoS 3");
			break;
		}
		count++;
		if (cur_left(&filter) == 1 && filter.p[0] == '#')
			all = true;
		multi |= mqtt_has_byte(&filter, '#');
		single |= mqtt_has_byte(&filter, '+');
		if (sub && nq < MQTT_LIST_MAX)
			qos[nq++] = opt & 3;
		/* Joined with ',' while they fit, whole filters only. */
		if (n + (n > 0) + cur_left(&filter) < sizeof(joined)) {
			if (n > 0)
				joined[n++] = ',';
			memcpy(joined + n, filter.p, cur_left(&filter));
			n += cur_left(&filter);
		}
	}
	if (mp->ctx->bus == NULL || count == 0)
		return 0;
	mqtt_obs_start(mp, &o);
	(void)obs_u64(&o, "packet_id", id);
	(void)obs_str(&o, "topics", joined, n);
	(void)obs_u64(&o, "filters", count);
	if (sub)
		(void)obs_list(&o, "qos", qos, nq);
	(void)obs_bool(&o, "wildcard_multi", multi);
	(void)obs_bool(&o, "wildcard_single", single);
	(void)obs_bool(&o, "subscribe_all", all);
	obs_emit(mp->ctx->bus, &o);
	return 0;
}

static int
mqtt_suback(struct mqtt_pkt *mp, struct cursor *c)
{
	struct observation o;
	struct mqtt_props pr;
	uint8_t codes[MQTT_LIST_MAX], code;
	size_t n = 0;
	uint16_t id;

	if (cur_be16(c, &id) == -1)
		return mqtt_bad(mp, "SUBACK packet id cut short");
	if (mp->st->version == 5 && mqtt_props(mp, c, &pr) == -1)
		return -1;
	if (cur_left(c) == 0 && !mp->partial)
		return mqtt_bad(mp, "SUBACK with no return code");
	while (cur_u8(c, &code) == 0)
		if (n < MQTT_LIST_MAX)
			codes[n++] = code;
	if (mp->ctx->bus == NULL)
		return 0;
	mqtt_obs_start(mp, &o);
	(void)obs_u64(&o, "packet_id", id);
	(void)obs_list(&o, "codes", codes, n);
	obs_emit(mp->ctx->bus, &o);
	return 0;
}

/*
 * DISCONNECT and AUTH: empty in 3.1.1; in 5.0 a reason code (0 when the
 * packet is empty) and properties (sections 3.14.2 and 3.15.2).
 */
static int
mqtt_disconnect_auth(struct mqtt_pkt *mp, struct cursor *c)
{
	struct observation o;
	struct mqtt_props pr;
	uint8_t code = 0;
	bool has_props = false;

	if (mp->st->version != 5 && mp->type == MQTT_DISCONNECT &&
	    mp->st->version != 0 && cur_left(c) != 0)
		return mqtt_bad(mp, "3.1.1 DISCONNECT with a body");
	if (cur_left(c) > 0 && cur_u8(c, &code) == -1)
		return -1;
	if (cur_left(c) > 0) {
		if (mqtt_props(mp, c, &pr) == -1)
			return -1;
		has_props = true;
	}
	if (cur_left(c) != 0)
		(void)mqtt_bad(mp, "DISCONNECT/AUTH longer than its fields");
	if (mp->ctx->bus == NULL)
		return 0;
	mqtt_obs_start(mp, &o);
	/* 5.0, or a body on a connection whose CONNECT was not seen. */
	if (mp->st->version == 5 || mp->type == MQTT_AUTH || mp->remlen > 0)
		mqtt_obs_code(mp, &o, code, true);
	if (has_props && pr.has_auth_method)
		obs_cur(&o, "auth_method", &pr.auth_method, MQTT_STR_MAX);
	if (has_props && pr.has_reason)
		obs_cur(&o, "reason", &pr.reason, MQTT_STR_MAX);
	obs_emit(mp->ctx->bus, &o);
	return 0;
}

/* One whole packet (or its first MQTT_BUF_MAX bytes when partial). */
static void
mqtt_packet(struct proto_ctx *ctx, struct mqtt_state *st, uint8_t first,
    uint32_t remlen, struct cursor body)
{
	struct mqtt_pkt mp = { ctx, st, first >> 4, first & 0x0f, remlen,
		remlen > cur_left(&body) };

	if (!mqtt_flags_ok(mp.type, mp.flags)) {
		proto_malformed(ctx, MAL_MQTT_BAD_FLAGS, "mqtt",
		    "reserved packet type or fixed header flags");
		return;
	}
	if (mp.partial && mp.type != MQTT_PUBLISH)
		proto_malformed(ctx, MAL_MQTT_PACKET_TOO_LONG, "mqtt",
		    "control packet longer than the buffer, read in part");
	switch (mp.type) {
	case MQTT_CONNECT:
		(void)mqtt_connect(&mp, &body);
		break;
	case MQTT_CONNACK:
		(void)mqtt_connack(&mp, &body);
		break;
	case MQTT_PUBLISH:
		(void)mqtt_publish(&mp, &body);
		break;
	case MQTT_SUBSCRIBE:
	case MQTT_UNSUBSCRIBE:
		(void)mqtt_subscribe(&mp, &body);
		break;
	case MQTT_SUBACK:
		(void)mqtt_suback(&mp, &body);
		break;
	case MQTT_PUBACK:
	case MQTT_PUBREC:
	case MQTT_PUBREL:
	case MQTT_PUBCOMP:
	case MQTT_UNSUBACK:
		/* A packet id; in 5.0 optionally a reason code, properties. */
		if (remlen < 2 || (mp.st->version != 5 &&
		    mp.type != MQTT_UNSUBACK && remlen != 2))
			(void)mqtt_bad(&mp, "acknowledgement of the wrong "
			    "length");
		break;
	case MQTT_PINGREQ:
	case MQTT_PINGRESP:
		if (remlen != 0)
			(void)mqtt_bad(&mp, "PINGREQ/PINGRESP with a body");
		break;
	case MQTT_DISCONNECT:
	case MQTT_AUTH:
		(void)mqtt_disconnect_auth(&mp, &body);
		break;
	}
}

/* Fixed header (section 2.2): type and flags, Remaining Length. */
static int64_t
mqtt_frame(const uint8_t *p, size_t n)
{
	uint32_t remlen = 0;

	for (size_t i = 1; i < n; i++) {
		remlen |= (uint32_t)(p[i] & 0x7f) << (7 * (i - 1));
		if ((p[i] & 0x80) == 0)
			return (int64_t)(i + 1) + remlen;
		/* 3.1.1 section 2.2.3: four bytes at most. */
		if (i == MQTT_VARINT_MAX)
			return REC_BAD;
	}
	return REC_MORE;
}

static void
mqtt_record(struct proto_ctx *ctx, void *arg, const uint8_t *p, size_t len,
    bool cut)
{
	struct cursor c = cur_make(p, len);
	uint32_t remlen;
	uint8_t first;

	(void)cut;
	if (cur_u8(&c, &first) == -1 || mqtt_varint(&c, &remlen) == -1)
		return;
	mqtt_packet(ctx, arg, first, remlen, c);
}

static const struct rec_cfg mqtt_rec = {
	.frame = mqtt_frame,
	.hdr_max = 1 + MQTT_VARINT_MAX,
	.max = 1 + MQTT_VARINT_MAX + MQTT_BUF_MAX,
	.record = mqtt_record,
};

static void
mqtt_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct mqtt_state *st = state;

	if (recasm_feed(ctx, &st->half[ctx->dir != 0], &mqtt_rec, st, p, n) ==
	    REC_BAD)
		proto_malformed(ctx, MAL_MQTT_BAD_REMAINING_LENGTH, "mqtt",
		    "remaining length over four bytes");
}

static void
mqtt_gap(struct proto_ctx *ctx, void *state)
{
	struct mqtt_state *st = state;

	/* After a hole the framing is lost (we cannot find a header). */
	recasm_lose(ctx, &st->half[ctx->dir != 0]);
}

static void
mqtt_end(struct proto_ctx *ctx, void *state)
{
	struct mqtt_state *st = state;

	recasm_free(ctx, &st->half[0]);
	recasm_free(ctx, &st->half[1]);
}

/*
 * A CONNECT with the protocol name and level of 3.1, 3.1.1 or 5.0
 * (3.1.1 section 3.1.2.1 and 3.1.2.2): strict, for any port.
 */
static bool
mqtt_probe_connect(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n), name;
	uint32_t remlen;
	uint8_t first, level;

	(void)dir;
	if (cur_u8(&c, &first) == -1 || first != (MQTT_CONNECT << 4) ||
	    mqtt_varint(&c, &remlen) == -1 || remlen < 10 ||
	    mqtt_string(&c, &name) == -1 || cur_u8(&c, &level) == -1)
		return false;
	if (cur_left(&name) == 4 && memcmp(name.p, "MQTT", 4) == 0)
		return level == 4 || level == 5;
	if (cur_left(&name) == 6 && memcmp(name.p, "MQIsdp", 6) == 0)
		return level == 3;
	return false;
}

/*
 * On port 1883 a capture may start inside a connection (MQTT connections
 * last for days): a run of well-formed fixed headers that fills the
 * segment is enough there.
 */
static bool
mqtt_probe_port(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint32_t remlen;
	uint8_t first;
	int packets = 0;

	if (mqtt_probe_connect(p, n, dir))
		return true;
	while (cur_left(&c) > 0) {
		if (cur_u8(&c, &first) == -1 ||
		    !mqtt_flags_ok(first >> 4, first & 0x0f) ||
		    mqtt_varint(&c, &remlen) == -1)
			return false;
		/* A new connection would have started with CONNECT. */
		if ((first >> 4) == MQTT_CONNECT)
			return false;
		packets++;
		if (remlen >= cur_left(&c))
			break;
		if (cur_skip(&c, remlen) == -1)
			return false;
	}
	return packets > 0;
}

const struct dissector dissector_mqtt = {
	.name = "mqtt",
	.l4proto = IPPROTO_TCP_,
	.ports = { MQTT_PORT },
	.probe = mqtt_probe_port,
	.state_size = sizeof(struct mqtt_state),
	.stream = mqtt_stream,
	.gap = mqtt_gap,
	.end = mqtt_end,
};

/* The same dissector found by content on any other port. */
const struct dissector dissector_mqtt_any = {
	.name = "mqtt",
	.l4proto = IPPROTO_TCP_,
	.probe = mqtt_probe_connect,
	.probe_any_port = true,
	.state_size = sizeof(struct mqtt_state),
	.stream = mqtt_stream,
	.gap = mqtt_gap,
	.end = mqtt_end,
};
