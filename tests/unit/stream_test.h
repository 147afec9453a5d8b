/*
 * stream_test.h - drives a TCP dissector's stream() in the unit tests of
 * http, banner and dicomfile: a session with its state, sends in pieces of
 * any size (each piece copied to memory of its exact size, so ASan sees an
 * overread), the packet's addresses swapped by direction, and a helper to
 * build DICOM Part 10 files.
 */
#ifndef WARD_STREAM_TEST_H
#define WARD_STREAM_TEST_H

#include <stdio.h>

#include "proto_test.h"

#define CLIENT_IP	"10.0.0.5"
#define SERVER_IP	"10.0.0.9"

struct sess {
	struct fixture		 fx;
	const struct dissector	*d;
	void			*st;
	uint16_t		 cport, sport;
};

static inline void
sess_init(struct sess *s, const struct dissector *d, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	fixture_init(&s->fx, CLIENT_IP, SERVER_IP, 40000, port, IPPROTO_TCP_);
	s->d = d;
	s->cport = 40000;
	s->sport = port;
	s->st = calloc(1, d->state_size);
	assert_non_null(s->st);
}

static inline void
sess_dir(struct sess *s, int dir)
{
	assert_int_equal(addr_parse(dir == 0 ? CLIENT_IP : SERVER_IP,
	    &s->fx.pkt.src), 0);
	assert_int_equal(addr_parse(dir == 0 ? SERVER_IP : CLIENT_IP,
	    &s->fx.pkt.dst), 0);
	s->fx.pkt.sport = dir == 0 ? s->cport : s->sport;
	s->fx.pkt.dport = dir == 0 ? s->sport : s->cport;
	s->fx.ctx.dir = dir;
}

/* Sends n bytes from dir in pieces of step bytes (0: one piece). */
static inline void
sess_send(struct sess *s, int dir, const void *p, size_t n, size_t step)
{
	const uint8_t *b = p;

	if (step == 0)
		step = n > 0 ? n : 1;
	sess_dir(s, dir);
	for (size_t off = 0; off < n; off += step) {
		size_t k = n - off < step ? n - off : step;
		uint8_t *piece = malloc(k);

		assert_non_null(piece);
		memcpy(piece, b + off, k);
		s->d->stream(&s->fx.ctx, s->st, piece, k);
		free(piece);
	}
}

static inline void
sess_str(struct sess *s, int dir, const char *text)
{
	sess_send(s, dir, text, strlen(text), 0);
}

/* Sends p in two pieces split at k. */
static inline void
sess_split(struct sess *s, int dir, const void *p, size_t n, size_t k)
{
	sess_dir(s, dir);
	sess_send(s, dir, p, k, 0);
	sess_send(s, dir, (const uint8_t *)p + k, n - k, 0);
}

static inline void
sess_end(struct sess *s)
{
	if (s->d->end != NULL)
		s->d->end(&s->fx.ctx, s->st);
}

static inline void
sess_free(struct sess *s)
{
	sess_end(s);
	free(s->st);
	fixture_free(&s->fx);
}

/* No string or hex field of any observation contains secret. */
static inline void
assert_secret_absent(const struct fixture *fx, const char *secret)
{
	size_t k = strlen(secret);

	for (size_t i = 0; i < fx->col->n; i++) {
		const struct observation *o = &fx->col->o[i];

		assert_null(memmem(o->scratch, sizeof(o->scratch), secret, k));
		for (size_t j = 0; j < o->nfields; j++)
			if (o->f[j].type == OV_STR)
				assert_null(strstr(o->f[j].v.str.s, secret));
	}
}

static inline void
put_le16(struct msg *m, unsigned int v)
{
	put8(m, v & 0xff);
	put8(m, v >> 8);
}

static inline void
put_le32(struct msg *m, uint32_t v)
{
	put_le16(m, v & 0xffff);
	put_le16(m, v >> 16);
}

/* A meta element with a short (UI, SH) or long (OB) VR. */
static inline void
put_meta(struct msg *m, unsigned int elem, const char *vr, const void *v,
    size_t n)
{
	put_le16(m, 2);
	put_le16(m, elem);
	putbytes(m, vr, 2);
	if (strcmp(vr, "OB") == 0) {
		put_le16(m, 0);
		put_le32(m, (uint32_t)n);
	} else {
		put_le16(m, (unsigned int)n);
	}
	putbytes(m, v, n);
}

#define SOP_CT		"1.2.840.10008.5.1.4.1.1.2"
#define TS_EXPLICIT	"1.2.840.10008.1.2.1"

/*
 * A Part 10 file: preamble kind "zero", "pe", "mz", "elf", "macho",
 * "text" or "tiff", the meta group, then a private OB element that also
 * carries the PE signature of the "pe" kind (where e_lfanew points).
 */
static inline void
put_part10(struct msg *m, const char *kind)
{
	size_t start = m->n, pe;
	static const uint8_t ver[2] = { 0, 1 };
	uint8_t blob[64];

	putzero(m, 128);
	if (strcmp(kind, "pe") == 0 || strcmp(kind, "mz") == 0)
		memcpy(m->b + start, "MZ\x90\0", 4);
	else if (strcmp(kind, "elf") == 0)
		memcpy(m->b + start, "\x7f" "ELF\x02\x01\x01", 7);
	else if (strcmp(kind, "macho") == 0)
		memcpy(m->b + start, "\xcf\xfa\xed\xfe", 4);
	else if (strcmp(kind, "text") == 0)
		memcpy(m->b + start, "Made by a modality\r\n", 20);
	else if (strcmp(kind, "tiff") == 0)
		memcpy(m->b + start, "II*\0", 4);
	putbytes(m, "DICM", 4);
	put_meta(m, 0x0001, "OB", ver, 2);
	put_meta(m, 0x0002, "UI", SOP_CT "\0", 26);
	put_meta(m, 0x0003, "UI", "1.2.3.4", 8);
	put_meta(m, 0x0010, "UI", TS_EXPLICIT "\0", 20);
	put_meta(m, 0x0012, "UI", "1.2.276.0.7230010.3", 20);
	put_meta(m, 0x0013, "SH", "OFFIS_DCMTK_365 ", 16);
	/* (0009,1000) OB: a private element whose value holds "PE\0\0". */
	memset(blob, 0xcc, sizeof(blob));
	memcpy(blob + 8, "PE\0\0", 4);
	put_le16(m, 9);
	put_le16(m, 0x1000);
	putbytes(m, "OB\0\0", 4);
	put_le32(m, sizeof(blob));
	pe = m->n - start + 8;
	putbytes(m, blob, sizeof(blob));
	if (strcmp(kind, "pe") == 0) {
		m->b[start + 0x3c] = (uint8_t)(pe & 0xff);
		m->b[start + 0x3d] = (uint8_t)(pe >> 8);
	}
	putzero(m, 40);
}

#endif
