/*
 * Unit tests for encode_json.c: RFC 8259 string escaping, the layout of
 * nested maps and arrays, and times with exactly six decimals.  Every
 * document produced is parsed back with cJSON to prove it valid.
 */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encode_json.h"
#include "check_run.h"

/* NUL-terminated copy of the buffer, for string asserts (caller frees). */
static char *text(const struct obuf *b)
{
	ck_assert(!b->oom);
	char *s = malloc(b->len + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, b->p, b->len);
	s[b->len] = '\0';
	return s;
}

static void assert_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7F, "byte 0x%02x in output", *p);
}

/* s as a JSON string literal: the text, and the string cJSON reads back. */
static char *string_literal(const char *s, size_t n)
{
	struct obuf b;
	obuf_init(&b);
	json_put_string(&b, s, n);
	char *t = text(&b);
	obuf_free(&b);
	return t;
}

static void assert_roundtrip(const char *in, size_t n, const char *want_decoded)
{
	char *lit = string_literal(in, n);
	assert_ascii(lit);
	cJSON *j = cJSON_Parse(lit);
	ck_assert_msg(j != NULL, "cJSON rejects %s", lit);
	ck_assert(cJSON_IsString(j));
	ck_assert_str_eq(j->valuestring, want_decoded);
	cJSON_Delete(j);
	free(lit);
}

START_TEST(plain_string)
{
	char *t = string_literal("www.example.", 12);
	ck_assert_str_eq(t, "\"www.example.\"");
	free(t);
	t = string_literal("", 0);
	ck_assert_str_eq(t, "\"\"");
	free(t);
	/* only n bytes are taken */
	t = string_literal("abcdef", 3);
	ck_assert_str_eq(t, "\"abc\"");
	free(t);
}
END_TEST

START_TEST(quotes_and_backslashes)
{
	char *t = string_literal("a\"b\\c", 5);
	ck_assert_str_eq(t, "\"a\\\"b\\\\c\"");
	free(t);
	/* presentation-form escapes survive as text */
	assert_roundtrip("a\\.b\\032.", 9, "a\\.b\\032.");
	assert_roundtrip("\"\"\\\\", 4, "\"\"\\\\");
}
END_TEST

/* RFC 8259 section 7: U+0000 to U+001F must be escaped. */
START_TEST(control_characters)
{
	char *t = string_literal("\x01", 1);
	ck_assert_str_eq(t, "\"\\u0001\"");
	free(t);
	t = string_literal("\x1f", 1);
	ck_assert_str_eq(t, "\"\\u001f\"");
	free(t);
	t = string_literal("a\0b", 3);
	ck_assert_str_eq(t, "\"a\\u0000b\"");
	free(t);
	/* every control character, escaped one way or another, reads back */
	for (int c = 1; c < 0x20; c++) {
		char in[3] = {'x', (char)c, 'y'};
		char want[4] = {'x', (char)c, 'y', '\0'};
		assert_roundtrip(in, 3, want);
	}
	/* tab and newline can never reach a log line raw */
	t = string_literal("\t\n\r", 3);
	ck_assert_ptr_null(strchr(t, '\t'));
	ck_assert_ptr_null(strchr(t, '\n'));
	ck_assert_ptr_null(strchr(t, '\r'));
	free(t);
}
END_TEST

/* Bytes >= 0x80 as \u00XX: the output stays ASCII and valid JSON. */
START_TEST(high_bytes)
{
	char *t = string_literal("\x80", 1);
	ck_assert_str_eq(t, "\"\\u0080\"");
	free(t);
	t = string_literal("a\xff", 2);
	ck_assert_str_eq(t, "\"a\\u00ff\"");
	free(t);
	/* an invalid UTF-8 sequence and a lone continuation byte */
	char *lit = string_literal("\xc3\x28\xbf", 3);
	assert_ascii(lit);
	ck_assert_str_eq(lit, "\"\\u00c3(\\u00bf\"");
	free(lit);
	/* read back: U+00C3 '(' U+00BF in UTF-8 */
	assert_roundtrip("\xc3\x28\xbf", 3, "\xc3\x83(\xc2\xbf");
	for (int c = 0x80; c < 0x100; c++) {
		char in[1] = {(char)c};
		char want[3] = {(char)(0xC0 | (c >> 6)), (char)(0x80 | (c & 0x3F)), '\0'};
		assert_roundtrip(in, 1, want);
	}
}
END_TEST

START_TEST(all_printable_ascii)
{
	char in[95], want[96];
	for (int c = 0x20; c < 0x7F; c++)
		in[c - 0x20] = want[c - 0x20] = (char)c;
	want[95] = '\0';
	assert_roundtrip(in, 95, want);
}
END_TEST

static char *usec_text(int64_t us)
{
	struct obuf b;
	obuf_init(&b);
	json_put_usec(&b, us);
	char *t = text(&b);
	obuf_free(&b);
	return t;
}

START_TEST(usec_formatting)
{
	static const struct {
		int64_t us;
		const char *s;
	} v[] = {
		{0, "0.000000"},
		{1, "0.000001"},
		{-1, "-0.000001"},
		{999999, "0.999999"},
		{1000000, "1.000000"},
		{-1000000, "-1.000000"},
		{-1500000, "-1.500000"},
		{-999999, "-0.999999"},
		{1444531212628222, "1444531212.628222"},
		{1444531212643494, "1444531212.643494"},
		{1444531212000000, "1444531212.000000"},
		{15272, "0.015272"},
		{INT64_MAX, "9223372036854.775807"},
		{INT64_MIN, "-9223372036854.775808"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *t = usec_text(v[i].us);
		ck_assert_str_eq(t, v[i].s);
		/* a JSON number, never exponent notation */
		cJSON *j = cJSON_Parse(t);
		ck_assert_ptr_nonnull(j);
		ck_assert(cJSON_IsNumber(j));
		ck_assert(fabs(j->valuedouble - (double)v[i].us / 1e6) <=
		          fabs((double)v[i].us / 1e6) * 1e-15 + 1e-9);
		cJSON_Delete(j);
		free(t);
	}
}
END_TEST

/* Build a document through the emitter. */
static char *emit_doc(void (*build)(const struct emitter *e))
{
	struct obuf b;
	obuf_init(&b);
	struct json_enc enc;
	struct emitter e = json_enc_init(&enc, &b);
	build(&e);
	char *t = text(&b);
	obuf_free(&b);
	return t;
}

static void key_str(const struct emitter *e, const char *k, const char *v)
{
	e->ops->key(e->ctx, k);
	e->ops->str(e->ctx, v, strlen(v));
}

static void build_flat(const struct emitter *e)
{
	e->ops->map_begin(e->ctx, 4);
	key_str(e, "a", "x");
	e->ops->key(e->ctx, "b");
	e->ops->uint(e->ctx, 53);
	e->ops->key(e->ctx, "c");
	e->ops->boolean(e->ctx, true);
	e->ops->key(e->ctx, "d");
	e->ops->usec(e->ctx, 1444531212628222);
	e->ops->map_end(e->ctx);
}

START_TEST(flat_map_layout)
{
	char *t = emit_doc(build_flat);
	ck_assert_str_eq(t, "{\"a\": \"x\", \"b\": 53, \"c\": true, \"d\": 1444531212.628222}");
	cJSON *j = cJSON_Parse(t);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(cJSON_GetArraySize(j), 4);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "a")->valuestring, "x");
	ck_assert(cJSON_GetObjectItem(j, "b")->valuedouble == 53);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "c")));
	cJSON_Delete(j);
	free(t);
}
END_TEST

static void build_nested(const struct emitter *e)
{
	const struct emit_ops *o = e->ops;
	void *c = e->ctx;
	o->map_begin(c, 5);
	o->key(c, "empty_a");
	o->array_begin(c, 0);
	o->array_end(c);
	o->key(c, "empty_m");
	o->map_begin(c, 0);
	o->map_end(c);
	o->key(c, "list");
	o->array_begin(c, 3);
	o->map_begin(c, 1);
	o->key(c, "x");
	o->uint(c, 1);
	o->map_end(c);
	o->map_begin(c, 2);
	o->key(c, "y");
	o->array_begin(c, 2);
	o->boolean(c, true);
	o->boolean(c, false);
	o->array_end(c);
	o->key(c, "z");
	o->array_begin(c, 2);
	o->array_begin(c, 1);
	o->str(c, "deep", 4);
	o->array_end(c);
	o->array_begin(c, 0);
	o->array_end(c);
	o->array_end(c);
	o->map_end(c);
	o->uint(c, UINT64_MAX);
	o->array_end(c);
	o->key(c, "m");
	o->map_begin(c, 2);
	o->key(c, "k1");
	o->usec(c, -1);
	o->key(c, "k2");
	o->str(c, "v", 1);
	o->map_end(c);
	o->key(c, "last");
	o->uint(c, 0);
	o->map_end(c);
}

START_TEST(nested_separators)
{
	char *t = emit_doc(build_nested);
	ck_assert_str_eq(t, "{\"empty_a\": [], \"empty_m\": {}, "
	                    "\"list\": [{\"x\": 1}, {\"y\": [true, false], \"z\": [[\"deep\"], []]}, "
	                    "18446744073709551615], "
	                    "\"m\": {\"k1\": -0.000001, \"k2\": \"v\"}, \"last\": 0}");
	cJSON *j = cJSON_Parse(t);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(cJSON_GetArraySize(j), 5);
	cJSON *list = cJSON_GetObjectItem(j, "list");
	ck_assert(cJSON_IsArray(list));
	ck_assert_int_eq(cJSON_GetArraySize(list), 3);
	cJSON *second = cJSON_GetArrayItem(list, 1);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(second, "y")), 2);
	ck_assert_str_eq(
	    cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(second, "z"), 0), 0)->valuestring,
	    "deep");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "m")), 2);
	cJSON_Delete(j);
	free(t);
}
END_TEST

static void build_top_array(const struct emitter *e)
{
	e->ops->array_begin(e->ctx, 3);
	e->ops->uint(e->ctx, 1);
	e->ops->str(e->ctx, "two", 3);
	e->ops->map_begin(e->ctx, 1);
	e->ops->key(e->ctx, "three_3");
	e->ops->uint(e->ctx, 3);
	e->ops->map_end(e->ctx);
	e->ops->array_end(e->ctx);
}

START_TEST(top_level_array_and_keys)
{
	char *t = emit_doc(build_top_array);
	assert_ascii(t);
	cJSON *j = cJSON_Parse(t);
	ck_assert_ptr_nonnull(j);
	ck_assert(cJSON_IsArray(j));
	ck_assert_int_eq(cJSON_GetArraySize(j), 3);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 2), "three_3"));
	cJSON_Delete(j);
	free(t);
}
END_TEST

/* One encoder state per document: two documents in a row are independent. */
START_TEST(encoder_reuse)
{
	struct obuf b;
	obuf_init(&b);
	struct json_enc enc;
	struct emitter e = json_enc_init(&enc, &b);
	build_flat(&e);
	obuf_putc(&b, '\n');
	e = json_enc_init(&enc, &b);
	build_nested(&e);
	char *t = text(&b);
	char *nl = strchr(t, '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	cJSON *a = cJSON_Parse(t), *c = cJSON_Parse(nl + 1);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(cJSON_GetArraySize(a), 4);
	ck_assert_int_eq(cJSON_GetArraySize(c), 5);
	cJSON_Delete(a);
	cJSON_Delete(c);
	free(t);
	obuf_free(&b);
}
END_TEST

START_TEST(long_string)
{
	enum { N = 100000 };
	char *in = malloc(N);
	for (int i = 0; i < N; i++)
		in[i] = (char)(i % 3 == 0 ? '"' : i % 3 == 1 ? 'a' : 0x01);
	char *lit = string_literal(in, N);
	/* " -> 2 chars, a -> 1, 0x01 -> 6 */
	size_t want = 2 + (size_t)(N + 2) / 3 * 2 + (size_t)(N + 1) / 3 + (size_t)N / 3 * 6;
	ck_assert_uint_eq(strlen(lit), want);
	cJSON *j = cJSON_Parse(lit);
	ck_assert_ptr_nonnull(j);
	ck_assert_uint_eq(strlen(j->valuestring), N);
	ck_assert_int_eq(memcmp(j->valuestring, in, N), 0);
	cJSON_Delete(j);
	free(lit);
	free(in);
}
END_TEST

/*
 * Every byte value at every offset of strings of 1 to 40 bytes: strings
 * are scanned eight bytes at a time, so an escape must be found wherever it
 * falls in a word, and the plain bytes around it kept.
 */
START_TEST(escape_at_every_offset)
{
	static const struct {
		unsigned char c;
		const char *esc;
	} v[] = {{'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {0x00, "\\u0000"},
	         {0x1f, "\\u001f"}, {0x7f, "\\u007f"}, {0x80, "\\u0080"}, {0xff, "\\u00ff"},
	         {0x20, " "}, {0x7e, "~"}, {'!', "!"}, {'#', "#"}, {'[', "["}, {']', "]"}};
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		for (size_t n = 1; n <= 40; n++) {
			for (size_t at = 0; at < n; at++) {
				char in[40], want[64];
				memset(in, 'x', n);
				in[at] = (char)v[k].c;
				size_t el = strlen(v[k].esc);
				want[0] = '"';
				memset(want + 1, 'x', at);
				memcpy(want + 1 + at, v[k].esc, el);
				memset(want + 1 + at + el, 'x', n - at - 1);
				memcpy(want + n + el, "\"", 2);
				char *t = string_literal(in, n);
				ck_assert_str_eq(t, want);
				free(t);
			}
		}
	}
}
END_TEST

/* Keys of every length around the cache's text size, nested. */
static const char *const cache_keys[] = {
	"a", "query", "reply", "client_addr", "exactly_twenty_eight_chars_k",
	"twenty_nine_characters_key_xy", "a_much_longer_key_than_any_cache_slot_holds",
};

static void build_keys(const struct emitter *e)
{
	size_t n = sizeof(cache_keys) / sizeof(cache_keys[0]);
	e->ops->map_begin(e->ctx, n + 1);
	for (size_t i = 0; i < n; i++)
		key_str(e, cache_keys[i], cache_keys[n - 1 - i]);
	e->ops->key(e->ctx, "nested");
	e->ops->map_begin(e->ctx, n);
	for (size_t i = 0; i < n; i++) {
		e->ops->key(e->ctx, cache_keys[i]);
		e->ops->uint(e->ctx, i);
	}
	e->ops->map_end(e->ctx);
	e->ops->map_end(e->ctx);
}

/*
 * The key cache changes nothing in the output: the same documents with a
 * cache (used again and again, as a sink does) and without one.
 */
START_TEST(key_cache_same_output)
{
	char *want = emit_doc(build_keys);
	struct json_key_cache *cache = calloc(1, sizeof(*cache));
	ck_assert_ptr_nonnull(cache);
	for (int round = 0; round < 3; round++) {
		struct obuf b;
		obuf_init(&b);
		struct json_enc enc;
		struct emitter e = json_enc_init_cached(&enc, &b, cache);
		build_keys(&e);
		char *t = text(&b);
		ck_assert_str_eq(t, want);
		free(t);
		/* another document between uses of the cache */
		obuf_reset(&b);
		e = json_enc_init_cached(&enc, &b, cache);
		build_flat(&e);
		t = text(&b);
		ck_assert_str_eq(t, "{\"a\": \"x\", \"b\": 53, \"c\": true, \"d\": 1444531212.628222}");
		free(t);
		obuf_free(&b);
	}
	cJSON *j = cJSON_Parse(want);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(cJSON_GetArraySize(j), 8);
	cJSON_Delete(j);
	free(want);
	free(cache);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("encode_json");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, plain_string);
	tcase_add_test(tc, quotes_and_backslashes);
	tcase_add_test(tc, control_characters);
	tcase_add_test(tc, high_bytes);
	tcase_add_test(tc, all_printable_ascii);
	tcase_add_test(tc, usec_formatting);
	tcase_add_test(tc, flat_map_layout);
	tcase_add_test(tc, nested_separators);
	tcase_add_test(tc, top_level_array_and_keys);
	tcase_add_test(tc, encoder_reuse);
	tcase_add_test(tc, long_string);
	tcase_add_test(tc, escape_at_every_offset);
	tcase_add_test(tc, key_cache_same_output);
	suite_add_tcase(s, tc);
	return check_run(s);
}
