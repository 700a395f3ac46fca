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

static void m_map_begin(void *ctx, size_t n)
{
	struct msgpack_enc *e = ctx;
	msgpack_pack_map(&e->pk, n);
}

static void m_array_begin(void *ctx, size_t n)
{
	struct msgpack_enc *e = ctx;
	msgpack_pack_array(&e->pk, n);
}

static void m_end(void *ctx)
{
	(void)ctx; /* msgpack containers are sized up front */
}

static void m_key(void *ctx, const char *k)
{
	struct msgpack_enc *e = ctx;
	size_t n = strlen(k);
	msgpack_pack_str(&e->pk, n);
	msgpack_pack_str_body(&e->pk, k, n);
}

static void m_str(void *ctx, const char *s, size_t n)
{
	struct msgpack_enc *e = ctx;
	msgpack_pack_str(&e->pk, n);
	msgpack_pack_str_body(&e->pk, s, n);
}

static void m_uint(void *ctx, uint64_t v)
{
	struct msgpack_enc *e = ctx;
	msgpack_pack_uint64(&e->pk, v);
}

static void m_usec(void *ctx, int64_t us)
{
	struct msgpack_enc *e = ctx;
	msgpack_pack_double(&e->pk, (double)us / 1e6);
}

static void m_boolean(void *ctx, bool v)
{
	struct msgpack_enc *e = ctx;
	if (v)
		msgpack_pack_true(&e->pk);
	else
		msgpack_pack_false(&e->pk);
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
	msgpack_packer_init(&enc->pk, out, write_obuf);
	return (struct emitter){.ops = &msgpack_ops, .ctx = enc};
}
