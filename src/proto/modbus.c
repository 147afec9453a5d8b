/*
 * modbus.c - Modbus/TCP requests and responses, device identification.
 *
 * Follows the Modbus Messaging on TCP/IP Implementation Guide V1.0b
 * (section 3.1.3, the MBAP header) and the Modbus Application Protocol
 * Specification V1.1b3 (section 6, function codes; section 7, exception
 * responses; section 6.21, function 43 / MEI 14 Read Device
 * Identification).
 *
 *  +----------------+----------------+----------------+------+----------+
 *  | transaction id | protocol id (0)| length (16)    | unit | function |
 *  |      (16)      |      (16)      | unit id + PDU  | (8)  |   (8)    |
 *  +----------------+----------------+----------------+------+----------+
 *  | data (up to 252 bytes); a response with function | 0x80 is an     |
 *  | exception whose one data byte is the exception code               |
 *  +-------------------------------------------------------------------+
 *
 * Big-endian throughout. Requests go client (side 0) to server; the
 * direction tells a request from a response, since both share a layout.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define MODBUS_PORT	502
#define MBAP_LEN	7
/* Implementation Guide 3.1.3: the PDU is at most 253 bytes. */
#define MODBUS_PDU_MAX	253
/* MBAP (with the unit id) and the PDU: 260 bytes. */
#define MODBUS_ADU_MAX	(MBAP_LEN + MODBUS_PDU_MAX)
/* Objects of a Read Device Identification response read at most. */
#define MEI_MAX_OBJECTS	32

#define FC_EXCEPTION	0x80
#define FC_MEI		43
#define MEI_READ_DEVICE_ID 14

static const char proto_modbus[] = "modbus";

struct modbus_half {
	uint8_t		 buf[MODBUS_ADU_MAX];
	size_t		 have;
	size_t		 want;		/* whole ADU, once the MBAP is in */
	bool		 lost;
};

struct modbus_state {
	struct modbus_half half[2];
};

static const char *
function_name(uint8_t fc)
{
	/* Application Protocol Specification section 5.1 (public codes). */
	switch (fc) {
	case 1: return "read_coils";
	case 2: return "read_discrete_inputs";
	case 3: return "read_holding_registers";
	case 4: return "read_input_registers";
	case 5: return "write_single_coil";
	case 6: return "write_single_register";
	case 7: return "read_exception_status";
	case 8: return "diagnostics";
	case 11: return "get_comm_event_counter";
	case 12: return "get_comm_event_log";
	case 15: return "write_multiple_coils";
	case 16: return "write_multiple_registers";
	case 17: return "report_server_id";
	case 20: return "read_file_record";
	case 21: return "write_file_record";
	case 22: return "mask_write_register";
	case 23: return "read_write_multiple_registers";
	case 24: return "read_fifo_queue";
	case 43: return "encapsulated_interface_transport";
	default: return NULL;
	}
}

static const char *
exception_name(uint8_t code)
{
	/* Section 7. */
	switch (code) {
	case 1: return "illegal_function";
	case 2: return "illegal_data_address";
	case 3: return "illegal_data_value";
	case 4: return "server_device_failure";
	case 5: return "acknowledge";
	case 6: return "server_device_busy";
	case 8: return "memory_parity_error";
	case 10: return "gateway_path_unavailable";
	case 11: return "gateway_target_failed_to_respond";
	default: return NULL;
	}
}

/* Section 6.21: the objects of a Read Device Identification response. */
static int
modbus_device_id(struct observation *o, struct cursor c)
{
	static const char *const keys[] = { "vendor", "product_code",
		"revision", "vendor_url", "product_name", "model_name",
		"application_name" };
	struct cursor v;
	uint8_t code, conformity, more, next, count, id, len;

	if (cur_u8(&c, &code) == -1 || cur_u8(&c, &conformity) == -1 ||
	    cur_u8(&c, &more) == -1 || cur_u8(&c, &next) == -1 ||
	    cur_u8(&c, &count) == -1)
		return -1;
	(void)obs_u64(o, "device_id_code", code);
	(void)obs_u64(o, "conformity", conformity);
	for (unsigned int i = 0; i < count && i < MEI_MAX_OBJECTS; i++) {
		if (cur_u8(&c, &id) == -1 || cur_u8(&c, &len) == -1 ||
		    cur_sub(&c, len, &v) == -1)
			return -1;
		if (id < sizeof(keys) / sizeof(keys[0]))
			(void)obs_str(o, keys[id], v.p, v.len);
	}
	return 0;
}

/*
 * The fields of a request's or a normal response's data. Returns -1 when
 * the data is too short for its function.
 */
static int
modbus_data(struct observation *o, uint8_t fc, bool response,
    struct cursor d)
{
	uint16_t a, b, a2, b2;
	uint8_t mei, n;

	switch (fc) {
	case 1: case 2: case 3: case 4:
		if (response) {
			if (cur_u8(&d, &n) == -1)
				return -1;
			(void)obs_u64(o, "byte_count", n);
			return 0;
		}
		if (cur_be16(&d, &a) == -1 || cur_be16(&d, &b) == -1)
			return -1;
		(void)obs_u64(o, "address", a);
		(void)obs_u64(o, "quantity", b);
		return 0;
	case 5: case 6:
		if (cur_be16(&d, &a) == -1 || cur_be16(&d, &b) == -1)
			return -1;
		(void)obs_u64(o, "address", a);
		(void)obs_u64(o, "value", b);
		return 0;
	case 15: case 16:
		if (cur_be16(&d, &a) == -1 || cur_be16(&d, &b) == -1)
			return -1;
		(void)obs_u64(o, "address", a);
		(void)obs_u64(o, "quantity", b);
		return 0;
	case 23:
		if (response) {
			if (cur_u8(&d, &n) == -1)
				return -1;
			(void)obs_u64(o, "byte_count", n);
			return 0;
		}
		if (cur_be16(&d, &a) == -1 || cur_be16(&d, &b) == -1 ||
		    cur_be16(&d, &a2) == -1 || cur_be16(&d, &b2) == -1)
			return -1;
		(void)obs_u64(o, "address", a);
		(void)obs_u64(o, "quantity", b);
		(void)obs_u64(o, "write_address", a2);
		(void)obs_u64(o, "write_quantity", b2);
		return 0;
	case FC_MEI:
		if (cur_u8(&d, &mei) == -1)
			return -1;
		(void)obs_u64(o, "mei_type", mei);
		if (mei != MEI_READ_DEVICE_ID)
			return 0;
		if (response)
			return modbus_device_id(o, d);
		if (cur_u8(&d, &n) == -1 || cur_u8(&d, &mei) == -1)
			return -1;
		(void)obs_u64(o, "device_id_code", n);
		(void)obs_u64(o, "object_id", mei);
		return 0;
	default:
		return 0;
	}
}

/* One whole ADU, MBAP header included. */
static void
modbus_adu(struct proto_ctx *ctx, struct cursor c)
{
	struct observation o;
	const char *name;
	uint16_t tid, pid, len;
	uint8_t unit, fc, code;
	bool response = ctx->dir != 0;

	if (cur_be16(&c, &tid) == -1 || cur_be16(&c, &pid) == -1 ||
	    cur_be16(&c, &len) == -1 || cur_u8(&c, &unit) == -1 ||
	    cur_u8(&c, &fc) == -1)
		return;		/* the framing checked all this */
	proto_obs_init(ctx, &o, OBS_MODBUS);
	proto_subject_sender(ctx, &o);
	(void)obs_u64(&o, "transaction_id", tid);
	(void)obs_u64(&o, "unit_id", unit);
	(void)obs_bool(&o, "response", response);
	(void)obs_u64(&o, "function", fc & 0x7f);
	if ((name = function_name(fc & 0x7f)) != NULL)
		(void)obs_cstr(&o, "function_name", name);
	if (fc & FC_EXCEPTION) {
		/* Section 7: function | 0x80, one byte of exception code. */
		if (!response || cur_u8(&c, &code) == -1) {
			proto_malformed(ctx, MAL_MODBUS_BAD_PDU, proto_modbus,
			    "exception function code in a request, or no "
			    "exception code");
			return;
		}
		(void)obs_u64(&o, "exception", code);
		if ((name = exception_name(code)) != NULL)
			(void)obs_cstr(&o, "exception_name", name);
	} else if (fc == 0 || modbus_data(&o, fc, response, c) == -1) {
		proto_malformed(ctx, MAL_MODBUS_BAD_PDU, proto_modbus,
		    "function code 0, or data too short for its function");
		return;
	}
	if (ctx->bus != NULL)
		obs_emit(ctx->bus, &o);
}

/*
 * Each direction is a sequence of ADUs framed by the MBAP length. A
 * protocol id other than 0 or a length outside 2..254 means this is not
 * (or no longer) Modbus: the direction is abandoned.
 */
static void
modbus_stream(struct proto_ctx *ctx, void *state, const uint8_t *p,
    size_t n)
{
	struct modbus_state *st = state;
	struct modbus_half *h = &st->half[ctx->dir != 0];
	struct cursor c = cur_make(p, n), hdr;
	uint16_t pid, len;
	size_t need, take;

	while (!h->lost && cur_left(&c) > 0) {
		need = h->want > 0 ? h->want : MBAP_LEN - 1;
		take = need - h->have;
		if (take > cur_left(&c))
			take = cur_left(&c);
		if (cur_bytes(&c, h->buf + h->have, take) == -1)
			return;
		h->have += take;
		if (h->have < need)
			return;
		if (h->want == 0) {
			hdr = cur_make(h->buf, h->have);
			if (cur_skip(&hdr, 2) == -1 ||
			    cur_be16(&hdr, &pid) == -1 ||
			    cur_be16(&hdr, &len) == -1)
				return;
			if (pid != 0 || len < 2 || len > MODBUS_PDU_MAX + 1) {
				h->lost = true;
				proto_malformed(ctx, MAL_MODBUS_BAD_MBAP,
				    proto_modbus,
				    "MBAP protocol id not 0 or length not "
				    "2..254");
				return;
			}
			h->want = MBAP_LEN - 1 + (size_t)len;
			continue;
		}
		modbus_adu(ctx, cur_make(h->buf, h->have));
		h->have = 0;
		h->want = 0;
	}
}

static void
modbus_gap(struct proto_ctx *ctx, void *state)
{
	struct modbus_state *st = state;

	st->half[ctx->dir != 0].lost = true;
}

/* MBAP with protocol id 0, a sane length and (when there) a function. */
static bool
modbus_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint16_t pid, len;
	uint8_t unit, fc;

	(void)dir;
	if (cur_skip(&c, 2) == -1 || cur_be16(&c, &pid) == -1 ||
	    cur_be16(&c, &len) == -1)
		return false;
	if (pid != 0 || len < 2 || len > MODBUS_PDU_MAX + 1)
		return false;
	if (cur_u8(&c, &unit) == -1 || cur_u8(&c, &fc) == -1)
		return true;
	return fc != 0 && fc != FC_EXCEPTION;
}

const struct dissector dissector_modbus = {
	.name = "modbus",
	.l4proto = IPPROTO_TCP_,
	.ports = { MODBUS_PORT },
	.probe = modbus_probe,
	.state_size = sizeof(struct modbus_state),
	.stream = modbus_stream,
	.gap = modbus_gap,
};
