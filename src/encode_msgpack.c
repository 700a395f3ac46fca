/* encode_msgpack.c - msgpack encoder, see encode_msgpack.h. */
#include "config.h"

#include "encode_msgpack.h"

#include <string.h>

static int write_obuf(void *data, const char *buf, size_t len)
{
	struct obuf *out = data;
	obuf_put(out, buf, len);
	return out->oom ? -1 : 0;
}

/*
 * The event's own elements are written straight into the buffer, in the
 * smallest form the msgpack specification allows (as msgpack-c chooses it):
 * going through msgpack-c's packer calls a function per piece, a header
 * and a body per string, and that was a third of the encoding cost.
 */

/* Append a format byte and the low n bytes of v, big-endian. */
static void put_head(struct obuf *out, uint8_t format, uint64_t v, int n)
{
	if (!obuf_reserve(out, 9))
		return;
	char *o = out->p + out->len;
	*o++ = (char)format;
	for (int i = n - 1; i >= 0; i--)
		*o++ = (char)(v >> (8 * i));
	out->len += 1 + (size_t)n;
}

/* A container or string head: fix form (base | n) below fix_max, else 8/16/32-bit. */
static void put_size(struct obuf *out, size_t n, uint8_t fix, size_t fix_max, uint8_t f8,
                     uint8_t f16, uint8_t f32)
{
	if (n < fix_max)
		put_head(out, (uint8_t)(fix | n), 0, 0);
	else if (f8 && n < 256)
		put_head(out, f8, n, 1);
	else if (n < 65536)
		put_head(out, f16, n, 2);
	else
		put_head(out, f32, n, 4);
}

static void put_str(struct obuf *out, const char *s, size_t n)
{
	put_size(out, n, 0xa0, 32, 0xd9, 0xda, 0xdb);
	obuf_put(out, s, n);
}

static void m_map_begin(void *ctx, size_t n)
{
	struct msgpack_enc *e = ctx;
	put_size(e->out, n, 0x80, 16, 0, 0xde, 0xdf);
}

static void m_array_begin(void *ctx, size_t n)
{
	struct msgpack_enc *e = ctx;
	put_size(e->out, n, 0x90, 16, 0, 0xdc, 0xdd);
}

static void m_end(void *ctx)
{
	(void)ctx; /* msgpack containers are sized up front */
}

static void m_key(void *ctx, const char *k)
{
	struct msgpack_enc *e = ctx;
	put_str(e->out, k, strlen(k));
}

static void m_str(void *ctx, const char *s, size_t n)
{
	struct msgpack_enc *e = ctx;
	put_str(e->out, s, n);
}

static void m_uint(void *ctx, uint64_t v)
{
	struct msgpack_enc *e = ctx;
	if (v < 128)
		put_head(e->out, (uint8_t)v, 0, 0);
	else if (v < 256)
		put_head(e->out, 0xcc, v, 1);
	else if (v < 65536)
		put_head(e->out, 0xcd, v, 2);
	else if (v <= UINT32_MAX)
		put_head(e->out, 0xce, v, 4);
	else
		put_head(e->out, 0xcf, v, 8);
}

static void m_usec(void *ctx, int64_t us)
{
	struct msgpack_enc *e = ctx;
	double d = (double)us / 1e6;
	uint64_t bits;
	memcpy(&bits, &d, 8);
	put_head(e->out, 0xcb, bits, 8); /* float 64, big-endian */
}

static void m_boolean(void *ctx, bool v)
{
	struct msgpack_enc *e = ctx;
	put_head(e->out, v ? 0xc3 : 0xc2, 0, 0);
}

static const struct emit_ops msgpack_ops = {
	.map_begin = m_map_begin,
	.map_end = m_end,
	.array_begin = m_array_begin,
	.array_end = m_end,
	.key = m_key,
	.str = m_str,
	.uint = m_uint,
	.usec = m_usec,
	.boolean = m_boolean,
};

struct emitter msgpack_enc_init(struct msgpack_enc *enc, struct obuf *out)
{
	enc->out = out;
	msgpack_packer_init(&enc->pk, out, write_obuf);
	return (struct emitter){.ops = &msgpack_ops, .ctx = enc};
}
