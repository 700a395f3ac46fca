/*
 * Unit tests for fwd_proto.c: server addresses, entry times, the three
 * message modes read back with msgpack-c (and zlib for gzip), chunk ids,
 * acks, and the shared_key handshake against digests computed here the
 * way in_forward computes them.
 */
#include "config.h"

#include <check.h>
#include <msgpack.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fwd_proto.h"
#include "check_run.h"

static int to_obuf(void *data, const char *buf, size_t len)
{
	obuf_put(data, buf, len);
	return 0;
}

static void pk_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

/* Unpack exactly one object from b into u (caller destroys). */
static msgpack_object unpack_one(const struct obuf *b, msgpack_unpacked *u)
{
	size_t off = 0;
	msgpack_unpacked_init(u);
	ck_assert_int_eq(msgpack_unpack_next(u, b->p, b->len, &off), MSGPACK_UNPACK_SUCCESS);
	ck_assert_uint_eq(off, b->len);
	return u->data;
}

static bool str_is(const msgpack_object *o, const char *s)
{
	return o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(s) &&
	       memcmp(o->via.str.ptr, s, o->via.str.size) == 0;
}

static const msgpack_object *opt(const msgpack_object *map, const char *k)
{
	ck_assert_int_eq(map->type, MSGPACK_OBJECT_MAP);
	for (uint32_t i = 0; i < map->via.map.size; i++)
		if (str_is(&map->via.map.ptr[i].key, k))
			return &map->via.map.ptr[i].val;
	return NULL;
}

static void sha512_hex(const char *in, size_t len, char out[FWD_DIGEST_HEX])
{
	unsigned char md[64];
	SHA512((const unsigned char *)in, len, md);
	for (int i = 0; i < 64; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

START_TEST(server_parse)
{
	struct fwd_server s;
	char err[128];
	ck_assert_int_eq(fwd_server_parse("localhost", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.host, "localhost");
	ck_assert_uint_eq(s.port, 24224);
	ck_assert_int_eq(fwd_server_parse("10.0.0.1:24225", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.host, "10.0.0.1");
	ck_assert_uint_eq(s.port, 24225);
	ck_assert_int_eq(fwd_server_parse("[::1]:9", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.host, "::1");
	ck_assert_uint_eq(s.port, 9);
	ck_assert_int_eq(fwd_server_parse("[2001:db8::1]", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.host, "2001:db8::1");
	ck_assert_uint_eq(s.port, 24224);
	static const char *bad[] = {"", ":24224", "host:", "host:0", "host:65536", "host:12x",
	                            "::1", "::1:24224", "[::1", "[::1]x", "[]:1", "[nothost]:1",
	                            "a b", "host:-1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(fwd_server_parse(bad[i], &s, err, sizeof(err)) < 0, "%s", bad[i]);
	ck_assert_int_eq(fwd_server_parse("::1", &s, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "brackets"));
}
END_TEST

/* The head of one entry, read back. */
static msgpack_object entry_time(int64_t us, bool et, struct obuf *b, msgpack_unpacked *u)
{
	msgpack_packer pk;
	obuf_reset(b);
	msgpack_packer_init(&pk, b, to_obuf);
	fwd_entry_head(&pk, us, et);
	msgpack_pack_map(&pk, 0);
	msgpack_object o = unpack_one(b, u);
	ck_assert_int_eq(o.type, MSGPACK_OBJECT_ARRAY);
	ck_assert_uint_eq(o.via.array.size, 2);
	return o.via.array.ptr[0];
}

START_TEST(entry_times)
{
	struct obuf b;
	msgpack_unpacked u;
	obuf_init(&b);
	msgpack_object t = entry_time(INT64_C(1444531212628222), false, &b, &u);
	ck_assert_int_eq(t.type, MSGPACK_OBJECT_POSITIVE_INTEGER); /* never a float */
	ck_assert_uint_eq(t.via.u64, 1444531212);
	msgpack_unpacked_destroy(&u);
	t = entry_time(-1, false, &b, &u); /* floor, as -t prints it */
	ck_assert_int_eq(t.type, MSGPACK_OBJECT_NEGATIVE_INTEGER);
	ck_assert_int_eq(t.via.i64, -1);
	msgpack_unpacked_destroy(&u);
	t = entry_time(INT64_C(1444531212628222), true, &b, &u);
	ck_assert_int_eq(t.type, MSGPACK_OBJECT_EXT);
	ck_assert_int_eq(t.via.ext.type, 0);
	ck_assert_uint_eq(t.via.ext.size, 8);
	static const unsigned char want[8] = {0x56, 0x19, 0xcc, 0x0c, 0x25, 0x71, 0xe8, 0x30};
	ck_assert_mem_eq(t.via.ext.ptr, want, 8); /* 1444531212 s, 628222000 ns */
	msgpack_unpacked_destroy(&u);
	obuf_free(&b);
}
END_TEST

/* Three entries [1, {"n": i}]. */
static void three_entries(struct obuf *e)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, e, to_obuf);
	for (int i = 0; i < 3; i++) {
		fwd_entry_head(&pk, 1000000, false);
		msgpack_pack_map(&pk, 1);
		pk_str(&pk, "n");
		msgpack_pack_int(&pk, i);
	}
}

/* Check entries (a buffer of back-to-back entries) hold those three. */
static void check_entries(const char *p, size_t len)
{
	size_t off = 0;
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(msgpack_unpack_next(&u, p, len, &off), MSGPACK_UNPACK_SUCCESS);
		ck_assert_int_eq(u.data.via.array.ptr[1].via.map.ptr[0].val.via.i64, i);
	}
	ck_assert_uint_eq(off, len);
	msgpack_unpacked_destroy(&u);
}

START_TEST(message_modes)
{
	struct obuf e, m;
	obuf_init(&e);
	obuf_init(&m);
	three_entries(&e);
	for (int mode = FWD_FORWARD; mode <= FWD_COMPRESSED; mode++) {
		const char *chunk = mode == FWD_PACKED ? NULL : "Y2h1bmsx";
		obuf_reset(&m);
		ck_assert_int_eq(fwd_message(&m, mode, "dg.dns.tx", e.p, e.len, 3, chunk), 0);
		msgpack_unpacked u;
		msgpack_object o = unpack_one(&m, &u);
		ck_assert_uint_eq(o.via.array.size, 3);
		ck_assert(str_is(&o.via.array.ptr[0], "dg.dns.tx"));
		const msgpack_object *body = &o.via.array.ptr[1], *om = &o.via.array.ptr[2];
		ck_assert_uint_eq(opt(om, "size")->via.u64, 3);
		ck_assert_uint_eq(om->via.map.size, 1 + (chunk != NULL) + (mode == FWD_COMPRESSED));
		if (chunk)
			ck_assert(str_is(opt(om, "chunk"), chunk));
		else
			ck_assert_ptr_null(opt(om, "chunk"));
		if (mode == FWD_FORWARD) {
			ck_assert_int_eq(body->type, MSGPACK_OBJECT_ARRAY);
			ck_assert_uint_eq(body->via.array.size, 3);
			ck_assert_int_eq(body->via.array.ptr[2].via.array.ptr[1].via.map.ptr[0].val.via.i64, 2);
		} else if (mode == FWD_PACKED) {
			ck_assert_int_eq(body->type, MSGPACK_OBJECT_BIN);
			check_entries(body->via.bin.ptr, body->via.bin.size);
		} else {
			ck_assert(str_is(opt(om, "compressed"), "gzip"));
			ck_assert_int_eq(body->type, MSGPACK_OBJECT_BIN);
			ck_assert_uint_eq((unsigned char)body->via.bin.ptr[0], 0x1f); /* gzip magic */
			ck_assert_uint_eq((unsigned char)body->via.bin.ptr[1], 0x8b);
			char plain[4096];
			z_stream z;
			memset(&z, 0, sizeof(z));
			ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
			z.next_in = (Bytef *)(uintptr_t)body->via.bin.ptr;
			z.avail_in = body->via.bin.size;
			z.next_out = (Bytef *)plain;
			z.avail_out = sizeof(plain);
			ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
			check_entries(plain, z.total_out);
			inflateEnd(&z);
		}
		msgpack_unpacked_destroy(&u);
	}
	obuf_free(&e);
	obuf_free(&m);
}
END_TEST

START_TEST(chunk_ids)
{
	const uint8_t run[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	char a[FWD_CHUNK_MAX], b[FWD_CHUNK_MAX];
	fwd_chunk_id(run, 1, a);
	fwd_chunk_id(run, 2, b);
	ck_assert_uint_eq(strlen(a), 24);
	ck_assert_str_ne(a, b);
	ck_assert_str_eq(a, "AQIDBAUGBwgAAAAAAAAAAQ==");
}
END_TEST

START_TEST(acks)
{
	struct obuf b;
	obuf_init(&b);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, to_obuf);
	msgpack_pack_map(&pk, 1);
	pk_str(&pk, "ack");
	pk_str(&pk, "Y2h1bmsx");
	msgpack_unpacked u;
	msgpack_object o = unpack_one(&b, &u);
	const char *c;
	size_t n;
	ck_assert(fwd_ack_parse(&o, &c, &n));
	ck_assert_uint_eq(n, 8);
	ck_assert_mem_eq(c, "Y2h1bmsx", 8);
	msgpack_unpacked_destroy(&u);
	/* not acks: a number, another key, an array */
	obuf_reset(&b);
	msgpack_pack_map(&pk, 1);
	pk_str(&pk, "ack");
	msgpack_pack_int(&pk, 5);
	o = unpack_one(&b, &u);
	ck_assert(!fwd_ack_parse(&o, &c, &n));
	msgpack_unpacked_destroy(&u);
	obuf_reset(&b);
	msgpack_pack_map(&pk, 1);
	pk_str(&pk, "nack");
	pk_str(&pk, "x");
	o = unpack_one(&b, &u);
	ck_assert(!fwd_ack_parse(&o, &c, &n));
	msgpack_unpacked_destroy(&u);
	obuf_reset(&b);
	msgpack_pack_array(&pk, 2);
	pk_str(&pk, "ack");
	pk_str(&pk, "x");
	o = unpack_one(&b, &u);
	ck_assert(!fwd_ack_parse(&o, &c, &n));
	msgpack_unpacked_destroy(&u);
	obuf_free(&b);
}
END_TEST

static const char NONCE[] = "\x01\x02nonce\xff";

static void pack_helo(struct obuf *b, const char *nonce, size_t nlen, bool ka)
{
	msgpack_packer pk;
	obuf_reset(b);
	msgpack_packer_init(&pk, b, to_obuf);
	msgpack_pack_array(&pk, 2);
	pk_str(&pk, "HELO");
	msgpack_pack_map(&pk, 3);
	pk_str(&pk, "nonce");
	msgpack_pack_bin(&pk, nlen);
	msgpack_pack_bin_body(&pk, nonce, nlen);
	pk_str(&pk, "auth");
	msgpack_pack_bin(&pk, 0);
	pk_str(&pk, "keepalive");
	if (ka)
		msgpack_pack_true(&pk);
	else
		msgpack_pack_false(&pk);
}

START_TEST(helo)
{
	struct obuf b;
	obuf_init(&b);
	struct fwd_helo h;
	msgpack_unpacked u;
	pack_helo(&b, NONCE, sizeof(NONCE) - 1, false);
	msgpack_object o = unpack_one(&b, &u);
	ck_assert(fwd_helo_parse(&o, &h));
	ck_assert_uint_eq(h.nonce_len, sizeof(NONCE) - 1);
	ck_assert_mem_eq(h.nonce, NONCE, h.nonce_len);
	ck_assert(!h.user_auth);
	ck_assert(!h.keepalive);
	msgpack_unpacked_destroy(&u);
	/* a nonce too long for us, and an empty one */
	char big[FWD_NONCE_MAX + 1];
	memset(big, 'n', sizeof(big));
	pack_helo(&b, big, sizeof(big), true);
	o = unpack_one(&b, &u);
	ck_assert(!fwd_helo_parse(&o, &h));
	msgpack_unpacked_destroy(&u);
	pack_helo(&b, "", 0, true);
	o = unpack_one(&b, &u);
	ck_assert(!fwd_helo_parse(&o, &h));
	msgpack_unpacked_destroy(&u);
	obuf_free(&b);
}
END_TEST

START_TEST(digest)
{
	char out[FWD_DIGEST_HEX];
	ck_assert_int_eq(fwd_digest("a", 1, "b", 1, "c", 1, "", 0, out), 0);
	/* SHA-512("abc"), FIPS 180-2 appendix C */
	ck_assert_str_eq(out, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	                      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}
END_TEST

/* The handshake, with the server's side computed here as in_forward does. */
START_TEST(ping_pong)
{
	struct fwd_helo h;
	memset(&h, 0, sizeof(h));
	memcpy(h.nonce, NONCE, sizeof(NONCE) - 1);
	h.nonce_len = sizeof(NONCE) - 1;
	const char *salt = "0123456789abcdef0123456789abcdef", *key = "s3cret";
	struct obuf b;
	obuf_init(&b);
	ck_assert_int_eq(fwd_ping(&b, "sensor-1", salt, &h, key, strlen(key)), 0);
	msgpack_unpacked u;
	msgpack_object o = unpack_one(&b, &u);
	ck_assert_uint_eq(o.via.array.size, 6);
	ck_assert(str_is(&o.via.array.ptr[0], "PING"));
	ck_assert(str_is(&o.via.array.ptr[1], "sensor-1"));
	ck_assert(str_is(&o.via.array.ptr[2], salt));
	char cat[256], want[FWD_DIGEST_HEX];
	size_t n = (size_t)snprintf(cat, sizeof(cat), "%ssensor-1%s%s", salt, NONCE, key);
	sha512_hex(cat, n, want);
	ck_assert(str_is(&o.via.array.ptr[3], want));
	ck_assert(str_is(&o.via.array.ptr[4], ""));
	ck_assert(str_is(&o.via.array.ptr[5], ""));
	msgpack_unpacked_destroy(&u);

	/* PONG from "collector": its digest over salt + its name + nonce + key */
	n = (size_t)snprintf(cat, sizeof(cat), "%scollector%s%s", salt, NONCE, key);
	sha512_hex(cat, n, want);
	char err[256];
	for (int variant = 0; variant < 4; variant++) {
		msgpack_packer pk;
		obuf_reset(&b);
		msgpack_packer_init(&pk, &b, to_obuf);
		msgpack_pack_array(&pk, 5);
		pk_str(&pk, variant == 3 ? "PANG" : "PONG");
		if (variant == 1)
			msgpack_pack_false(&pk);
		else
			msgpack_pack_true(&pk);
		pk_str(&pk, variant == 1 ? "shared_key mismatch\n\x1b[31m" : "");
		pk_str(&pk, variant == 1 ? "" : "collector");
		pk_str(&pk, variant == 2 ? "00" : variant == 1 ? "" : want);
		o = unpack_one(&b, &u);
		int rc = fwd_pong_check(&o, salt, &h, key, strlen(key), err, sizeof(err));
		if (variant == 0)
			ck_assert_int_eq(rc, 1);
		if (variant == 1) {
			ck_assert_int_eq(rc, 0);
			/* the server's reason, its control bytes made harmless */
			ck_assert_str_eq(err, "authentication refused: shared_key mismatch??[31m");
		}
		if (variant == 2) {
			ck_assert_int_eq(rc, 0);
			ck_assert_ptr_nonnull(strstr(err, "digest is wrong"));
		}
		if (variant == 3)
			ck_assert_int_eq(rc, -1);
		msgpack_unpacked_destroy(&u);
	}
	/* the right digest checked with another key fails */
	obuf_reset(&b);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, to_obuf);
	msgpack_pack_array(&pk, 5);
	pk_str(&pk, "PONG");
	msgpack_pack_true(&pk);
	pk_str(&pk, "");
	pk_str(&pk, "collector");
	pk_str(&pk, want);
	o = unpack_one(&b, &u);
	ck_assert_int_eq(fwd_pong_check(&o, salt, &h, "other", 5, err, sizeof(err)), 0);
	msgpack_unpacked_destroy(&u);
	obuf_free(&b);
}
END_TEST

/* One object with every msgpack type and width in it. */
static void every_type(struct obuf *b)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, b, to_obuf);
	static const char big[70000] = {0};
	msgpack_pack_map(&pk, 2);
	pk_str(&pk, "ack");
	msgpack_pack_array(&pk, 20); /* array16 */
	msgpack_pack_nil(&pk);
	msgpack_pack_true(&pk);
	msgpack_pack_int64(&pk, -5);
	msgpack_pack_uint8(&pk, 200);
	msgpack_pack_uint16(&pk, 60000);
	msgpack_pack_uint32(&pk, 4000000000u);
	msgpack_pack_uint64(&pk, UINT64_MAX);
	msgpack_pack_int8(&pk, -100);
	msgpack_pack_int16(&pk, -30000);
	msgpack_pack_int32(&pk, -2000000000);
	msgpack_pack_float(&pk, 1.5f);
	msgpack_pack_double(&pk, 2.5);
	msgpack_pack_str(&pk, 40); /* str8 */
	msgpack_pack_str_body(&pk, big, 40);
	msgpack_pack_str(&pk, 300); /* str16 */
	msgpack_pack_str_body(&pk, big, 300);
	msgpack_pack_bin(&pk, 3);
	msgpack_pack_bin_body(&pk, big, 3);
	msgpack_pack_bin(&pk, 1000);
	msgpack_pack_bin_body(&pk, big, 1000);
	msgpack_pack_ext(&pk, 8, 0); /* fixext8: an EventTime */
	msgpack_pack_ext_body(&pk, big, 8);
	msgpack_pack_ext(&pk, 3, 5); /* ext8 */
	msgpack_pack_ext_body(&pk, big, 3);
	msgpack_pack_ext(&pk, 300, 7); /* ext16 */
	msgpack_pack_ext_body(&pk, big, 300);
	msgpack_pack_map(&pk, 0);
	pk_str(&pk, "m");
	msgpack_pack_map(&pk, 20); /* map16 */
	for (int i = 0; i < 20; i++) {
		msgpack_pack_int(&pk, i);
		msgpack_pack_array(&pk, 0);
	}
}

START_TEST(reply_walk)
{
	struct obuf b;
	obuf_init(&b);
	every_type(&b);
	/* a second message after it: only the first is taken */
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, to_obuf);
	size_t first = b.len;
	msgpack_pack_map(&pk, 1);
	pk_str(&pk, "ack");
	pk_str(&pk, "c2");
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t used = 0;
	for (size_t k = 0; k < first; k++)
		ck_assert_msg(fwd_reply_next(b.p, k, &used, &u) == 0, "prefix %zu", k);
	ck_assert_int_eq(fwd_reply_next(b.p, b.len, &used, &u), 1);
	ck_assert_uint_eq(used, first);
	ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_MAP);
	ck_assert_uint_eq(u.data.via.map.ptr[0].val.via.array.size, 20);
	ck_assert_int_eq(fwd_reply_next(b.p + used, b.len - used, &used, &u), 1);
	const char *c;
	size_t n;
	ck_assert(fwd_ack_parse(&u.data, &c, &n));
	ck_assert_mem_eq(c, "c2", 2);
	msgpack_unpacked_destroy(&u);
	obuf_free(&b);
}
END_TEST

/* Headers that announce more than a reply may hold fail at once, before any allocation. */
START_TEST(reply_hostile)
{
	static const struct {
		const char *bytes;
		size_t len;
	} bad[] = {
	    {"\xdd\xff\xff\xff\xff", 5},         /* array32 of 4 billion */
	    {"\x81\xdf\x10\x00\x00\x00", 6},    /* map32 inside a map */
	    {"\xdc\xff\xff", 3},                 /* array16 of 65535: fine until it is > 64 KiB */
	    {"\xdb\x7f\xff\xff\xff", 5},         /* str32 of 2 GiB */
	    {"\xc6\x00\x01\x00\x01", 5},         /* bin32 just over 64 KiB */
	    {"\xc9\x00\x10\x00\x00\x00", 6},    /* ext32 */
	    {"\xc1", 1},                         /* never used */
	    {"\x92\xc1", 2},
	};
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t used;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = fwd_reply_next(bad[i].bytes, bad[i].len, &used, &u);
		if (i == 2) /* 65535 one-byte elements would be 64 KiB: wait for them */
			ck_assert_int_eq(rc, 0);
		else
			ck_assert_msg(rc == -1, "case %zu: %d", i, rc);
	}
	/* nested arrays each announcing 65535 elements: the total is too many */
	static const char nest[] = "\xdc\xff\xff\xdc\xff\xff";
	ck_assert_int_eq(fwd_reply_next(nest, 6, &used, &u), -1);
	msgpack_unpacked_destroy(&u);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fwd_proto");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, server_parse);
	tcase_add_test(tc, entry_times);
	tcase_add_test(tc, message_modes);
	tcase_add_test(tc, chunk_ids);
	tcase_add_test(tc, acks);
	tcase_add_test(tc, helo);
	tcase_add_test(tc, digest);
	tcase_add_test(tc, ping_pong);
	tcase_add_test(tc, reply_walk);
	tcase_add_test(tc, reply_hostile);
	suite_add_tcase(s, tc);
	return check_run(s);
}
