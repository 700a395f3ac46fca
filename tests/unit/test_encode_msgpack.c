/*
 * Unit tests for encode_msgpack.c: the bytes follow the msgpack
 * specification, containers announce the elements that follow, and
 * msgpack-c's unpacker reads everything back.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encode_msgpack.h"
#include "check_run.h"

static void key_str(const struct emitter *e, const char *k, const char *v, size_t n)
{
	e->ops->key(e->ctx, k);
	e->ops->str(e->ctx, v, n);
}

/* Unpack exactly one object that fills buf[0..len); caller destroys *u. */
static msgpack_object unpack_one(const struct obuf *b, msgpack_unpacked *u)
{
	size_t off = 0;
	msgpack_unpacked_init(u);
	ck_assert(!b->oom);
	msgpack_unpack_return rc = msgpack_unpack_next(u, b->p, b->len, &off);
	ck_assert_int_eq(rc, MSGPACK_UNPACK_SUCCESS);
	ck_assert_uint_eq(off, b->len); /* nothing left over: counts were right */
	return u->data;
}

static const msgpack_object *map_get(const msgpack_object *m, const char *k)
{
	ck_assert_int_eq(m->type, MSGPACK_OBJECT_MAP);
	const msgpack_object *found = NULL;
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object *key = &m->via.map.ptr[i].key;
		ck_assert_int_eq(key->type, MSGPACK_OBJECT_STR);
		if (key->via.str.size == strlen(k) && memcmp(key->via.str.ptr, k, strlen(k)) == 0) {
			ck_assert_msg(found == NULL, "key %s twice", k);
			found = &m->via.map.ptr[i].val;
		}
	}
	ck_assert_msg(found != NULL, "key %s missing", k);
	return found;
}

static void assert_str(const msgpack_object *o, const char *s, size_t n)
{
	ck_assert_int_eq(o->type, MSGPACK_OBJECT_STR);
	ck_assert_uint_eq(o->via.str.size, n);
	ck_assert_int_eq(memcmp(o->via.str.ptr, s, n), 0);
}

/* Spec bytes: fixmap 0x8N, fixstr 0xaN, positive fixint, true 0xc3, false 0xc2. */
START_TEST(wire_bytes)
{
	struct obuf b;
	obuf_init(&b);
	struct msgpack_enc enc;
	struct emitter e = msgpack_enc_init(&enc, &b);
	e.ops->map_begin(e.ctx, 3);
	e.ops->key(e.ctx, "a");
	e.ops->uint(e.ctx, 1);
	e.ops->key(e.ctx, "bc");
	e.ops->boolean(e.ctx, true);
	e.ops->key(e.ctx, "d");
	e.ops->array_begin(e.ctx, 2);
	e.ops->boolean(e.ctx, false);
	e.ops->str(e.ctx, "xyz", 3);
	e.ops->array_end(e.ctx);
	e.ops->map_end(e.ctx);
	static const uint8_t want[] = {0x83, 0xa1, 'a', 0x01, 0xa2, 'b', 'c', 0xc3, 0xa1, 'd',
	                               0x92, 0xc2, 0xa3, 'x', 'y', 'z'};
	ck_assert_uint_eq(b.len, sizeof(want));
	ck_assert_mem_eq(b.p, want, sizeof(want));
	obuf_free(&b);
}
END_TEST

/* A time is a float64 (0xcb + IEEE 754 big-endian) of seconds. */
START_TEST(usec_is_float64_seconds)
{
	struct obuf b;
	obuf_init(&b);
	struct msgpack_enc enc;
	struct emitter e = msgpack_enc_init(&enc, &b);
	e.ops->usec(e.ctx, 1500000); /* 1.5 = 0x3FF8000000000000 */
	static const uint8_t want[] = {0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0};
	ck_assert_uint_eq(b.len, sizeof(want));
	ck_assert_mem_eq(b.p, want, sizeof(want));
	obuf_free(&b);

	static const int64_t v[] = {0, -1, 1, 1444531212628222, -2500000};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		obuf_init(&b);
		e = msgpack_enc_init(&enc, &b);
		e.ops->usec(e.ctx, v[i]);
		msgpack_unpacked u;
		msgpack_object o = unpack_one(&b, &u);
		ck_assert_int_eq(o.type, MSGPACK_OBJECT_FLOAT64);
		ck_assert(fabs(o.via.f64 - (double)v[i] / 1e6) < 1e-6);
		msgpack_unpacked_destroy(&u);
		obuf_free(&b);
	}
}
END_TEST

START_TEST(unsigned_integers)
{
	static const uint64_t v[] = {0, 127, 128, 255, 256, 65535, 65536, 4294967295ULL,
	                             4294967296ULL, UINT64_MAX};
	struct obuf b;
	obuf_init(&b);
	struct msgpack_enc enc;
	struct emitter e = msgpack_enc_init(&enc, &b);
	e.ops->array_begin(e.ctx, sizeof(v) / sizeof(v[0]));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		e.ops->uint(e.ctx, v[i]);
	e.ops->array_end(e.ctx);
	msgpack_unpacked u;
	msgpack_object o = unpack_one(&b, &u);
	ck_assert_int_eq(o.type, MSGPACK_OBJECT_ARRAY);
	ck_assert_uint_eq(o.via.array.size, sizeof(v) / sizeof(v[0]));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_int_eq(o.via.array.ptr[i].type, MSGPACK_OBJECT_POSITIVE_INTEGER);
		ck_assert_uint_eq(o.via.array.ptr[i].via.u64, v[i]);
	}
	msgpack_unpacked_destroy(&u);
	obuf_free(&b);
}
END_TEST

/* Strings are raw bytes with a length: NUL, high bytes, every size class. */
START_TEST(strings)
{
	static const size_t sizes[] = {0, 1, 31, 32, 255, 256, 65535, 65536, 70000};
	char *big = malloc(70000);
	for (size_t i = 0; i < 70000; i++)
		big[i] = (char)(i * 13);
	struct obuf b;
	obuf_init(&b);
	struct msgpack_enc enc;
	struct emitter e = msgpack_enc_init(&enc, &b);
	e.ops->map_begin(e.ctx, sizeof(sizes) / sizeof(sizes[0]) + 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char k[16];
		snprintf(k, sizeof(k), "s%zu", sizes[i]);
		key_str(&e, k, big, sizes[i]);
	}
	key_str(&e, "bin", "a\0b\xff", 4);
	e.ops->map_end(e.ctx);
	msgpack_unpacked u;
	msgpack_object o = unpack_one(&b, &u);
	ck_assert_uint_eq(o.via.map.size, sizeof(sizes) / sizeof(sizes[0]) + 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char k[16];
		snprintf(k, sizeof(k), "s%zu", sizes[i]);
		assert_str(map_get(&o, k), big, sizes[i]);
	}
	assert_str(map_get(&o, "bin"), "a\0b\xff", 4);
	msgpack_unpacked_destroy(&u);
	obuf_free(&b);
	free(big);
}
END_TEST

/* Nested containers; two documents back to back unpack as exactly two. */
START_TEST(nested_and_stream)
{
	struct obuf b;
	obuf_init(&b);
	struct msgpack_enc enc;
	for (int doc = 0; doc < 2; doc++) {
		struct emitter e = msgpack_enc_init(&enc, &b);
		const struct emit_ops *op = e.ops;
		op->map_begin(e.ctx, 3);
		op->key(e.ctx, "empty");
		op->array_begin(e.ctx, 0);
		op->array_end(e.ctx);
		op->key(e.ctx, "list");
		op->array_begin(e.ctx, 2);
		op->map_begin(e.ctx, 1);
		op->key(e.ctx, "x");
		op->uint(e.ctx, (uint64_t)doc);
		op->map_end(e.ctx);
		op->map_begin(e.ctx, 0);
		op->map_end(e.ctx);
		op->array_end(e.ctx);
		op->key(e.ctx, "t");
		op->boolean(e.ctx, doc == 1);
		op->map_end(e.ctx);
	}
	size_t off = 0;
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	for (int doc = 0; doc < 2; doc++) {
		ck_assert_int_eq(msgpack_unpack_next(&u, b.p, b.len, &off), MSGPACK_UNPACK_SUCCESS);
		msgpack_object o = u.data;
		ck_assert_uint_eq(o.via.map.size, 3);
		ck_assert_uint_eq(map_get(&o, "empty")->via.array.size, 0);
		const msgpack_object *list = map_get(&o, "list");
		ck_assert_uint_eq(list->via.array.size, 2);
		ck_assert_uint_eq(map_get(&list->via.array.ptr[0], "x")->via.u64, (uint64_t)doc);
		ck_assert_uint_eq(list->via.array.ptr[1].via.map.size, 0);
		const msgpack_object *t = map_get(&o, "t");
		ck_assert_int_eq(t->type, MSGPACK_OBJECT_BOOLEAN);
		ck_assert_int_eq(t->via.boolean, doc == 1);
	}
	ck_assert_uint_eq(off, b.len);
	ck_assert_int_ne(msgpack_unpack_next(&u, b.p, b.len, &off), MSGPACK_UNPACK_SUCCESS);
	msgpack_unpacked_destroy(&u);
	obuf_free(&b);
}
END_TEST

/* msgpack-c's own packer, the reference for the bytes of each form. */
static int to_sbuffer(void *data, const char *buf, size_t len)
{
	return msgpack_sbuffer_write(data, buf, len);
}

static void assert_same_bytes(const struct obuf *b, const msgpack_sbuffer *ref)
{
	ck_assert(!b->oom);
	ck_assert_uint_eq(b->len, ref->size);
	ck_assert_int_eq(memcmp(b->p, ref->data, ref->size), 0);
}

/*
 * Every size and value at the edges of each form (fix, 8, 16, 32, 64 bits)
 * gives exactly the bytes msgpack-c's packer gives.
 */
START_TEST(same_bytes_as_msgpack_c)
{
	static const uint64_t uints[] = {0, 1, 127, 128, 255, 256, 65535, 65536,
	                                 UINT32_MAX, (uint64_t)UINT32_MAX + 1, UINT64_MAX};
	static const size_t sizes[] = {0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536, 70000};
	static const int64_t times[] = {0, 1, -1, 1444531212628222, -1444531212628222};
	char *big = malloc(70000);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 70000);
	struct obuf b;
	obuf_init(&b);
	msgpack_sbuffer ref;
	msgpack_sbuffer_init(&ref);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &ref, to_sbuffer);
	struct msgpack_enc enc;
	struct emitter e = msgpack_enc_init(&enc, &b);

	for (size_t i = 0; i < sizeof(uints) / sizeof(uints[0]); i++) {
		e.ops->uint(e.ctx, uints[i]);
		msgpack_pack_uint64(&pk, uints[i]);
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		e.ops->str(e.ctx, big, sizes[i]);
		msgpack_pack_str(&pk, sizes[i]);
		msgpack_pack_str_body(&pk, big, sizes[i]);
		e.ops->map_begin(e.ctx, sizes[i]);
		msgpack_pack_map(&pk, sizes[i]);
		e.ops->array_begin(e.ctx, sizes[i]);
		msgpack_pack_array(&pk, sizes[i]);
	}
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		e.ops->usec(e.ctx, times[i]);
		msgpack_pack_double(&pk, (double)times[i] / 1e6);
	}
	e.ops->key(e.ctx, "client_addr");
	msgpack_pack_str(&pk, 11);
	msgpack_pack_str_body(&pk, "client_addr", 11);
	e.ops->boolean(e.ctx, true);
	msgpack_pack_true(&pk);
	e.ops->boolean(e.ctx, false);
	msgpack_pack_false(&pk);
	assert_same_bytes(&b, &ref);

	msgpack_sbuffer_destroy(&ref);
	obuf_free(&b);
	free(big);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("encode_msgpack");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, wire_bytes);
	tcase_add_test(tc, usec_is_float64_seconds);
	tcase_add_test(tc, unsigned_integers);
	tcase_add_test(tc, strings);
	tcase_add_test(tc, nested_and_stream);
	tcase_add_test(tc, same_bytes_as_msgpack_c);
	suite_add_tcase(s, tc);
	return check_run(s);
}
