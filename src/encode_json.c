/* encode_json.c - JSON encoder, see encode_json.h. */
#include "config.h"

#include "encode_json.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "compiler.h"

/*
 * Bytes a JSON string can hold as they are: printable ASCII (0x20-0x7e)
 * but " (0x22) and \ (0x5c).
 */
static const uint8_t plain_byte[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

#define ONES 0x0101010101010101u
#define HIGHS 0x8080808080808080u

/*
 * For eight bytes read as a little-endian word: the high bit of a byte of
 * the result is set when that byte must be escaped (below 0x20, ", \,
 * 0x7f, or 0x80 and above).  These are the usual "has a zero byte" tests:
 * bytes above a flagged one may be flagged wrongly, but the lowest flagged
 * byte is always a true one, which is all that is asked of the mask.
 */
static inline uint64_t special_bytes(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\'), d = w ^ (ONES * 0x7f);
	return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((b - ONES) & ~b) |
	        ((d - ONES) & ~d) | w) & HIGHS;
}

/* Write the escape of byte c at o; returns the end. */
static char *escape(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	*o++ = '\\';
	switch (c) {
	case '"': *o++ = '"'; break;
	case '\\': *o++ = '\\'; break;
	case '\n': *o++ = 'n'; break;
	case '\t': *o++ = 't'; break;
	case '\r': *o++ = 'r'; break;
	default:
		*o++ = 'u';
		*o++ = '0';
		*o++ = '0';
		*o++ = hex[c >> 4];
		*o++ = hex[c & 15];
	}
	return o;
}

void json_put_string(struct obuf *out, const char *s, size_t n)
{
	/*
	 * Room for the worst case, every byte as \u00XX, so nothing is checked
	 * per byte.  Eight input bytes are stored at once, escaped or not, and
	 * the output advances over the plain ones: the store never passes
	 * 1 + 6 * (i + 8) <= 6 * n + 2 bytes.
	 */
	if (n > (SIZE_MAX - 2) / 6 || !obuf_reserve(out, 6 * n + 2))
		return;
	char *o = out->p + out->len;
	*o++ = '"';
	size_t i = 0;
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (i + 8 <= n) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		memcpy(o, &w, 8);
		uint64_t m = special_bytes(w);
		if (!m) {
			o += 8;
			i += 8;
			continue;
		}
		size_t k = (size_t)__builtin_ctzll(m) / 8;
		o = escape(o + k, (unsigned char)s[i + k]);
		i += k + 1;
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (plain_byte[c])
			*o++ = (char)c;
		else
			o = escape(o, c);
	}
	*o++ = '"';
	out->len = (size_t)(o - out->p);
}

/* "00" "01" ... "99": numbers are written two digits at a time. */
static const char two_digits[] = "00010203040506070809101112131415161718192021222324252627282930"
                                 "31323334353637383940414243444546474849505152535455565758596061"
                                 "6263646566676869707172737475767778798081828384858687888990919293"
                                 "949596979899";

/* Decimal digits of v, right-aligned ending at end; returns the first. */
static char *digits(char *end, uint64_t v)
{
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		end -= 2;
		memcpy(end, two_digits + 2 * r, 2);
	}
	if (v >= 10) {
		end -= 2;
		memcpy(end, two_digits + 2 * v, 2);
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

void json_put_uint(struct obuf *out, uint64_t v)
{
	char tmp[24];
	char *p = digits(tmp + sizeof(tmp), v);
	obuf_put(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

void json_put_usec(struct obuf *out, int64_t us)
{
	/* formatted by hand: this runs for every timestamp of every event */
	char tmp[32];
	char *end = tmp + sizeof(tmp);
	uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	unsigned frac = (unsigned)(mag % 1000000u);
	for (int i = 0; i < 3; i++, frac /= 100) {
		end -= 2;
		memcpy(end, two_digits + 2 * (frac % 100), 2);
	}
	*--end = '.';
	char *p = digits(end, mag / 1000000u);
	if (us < 0)
		*--p = '-';
	obuf_put(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* A value goes after its key with no separator, or into an array after ", ". */
static void before_value(struct json_enc *e)
{
	if (e->after_key) {
		e->after_key = false;
		return;
	}
	if (e->depth > 0 && e->count[e->depth]++ > 0)
		obuf_put(e->out, ", ", 2);
}

static void open_level(struct json_enc *e, char c)
{
	before_value(e);
	obuf_putc(e->out, c);
	if (e->depth + 1 < JSON_MAX_DEPTH)
		e->depth++;
	e->count[e->depth] = 0;
}

static void close_level(struct json_enc *e, char c)
{
	obuf_putc(e->out, c);
	if (e->depth > 0)
		e->depth--;
}

static void j_map_begin(void *ctx, size_t n)
{
	(void)n;
	open_level(ctx, '{');
}

static void j_map_end(void *ctx)
{
	close_level(ctx, '}');
}

static void j_array_begin(void *ctx, size_t n)
{
	(void)n;
	open_level(ctx, '[');
}

static void j_array_end(void *ctx)
{
	close_level(ctx, ']');
}

/* Copy the n bytes of key k and the "\": " after it to o; returns the end. */
static char *copy_key(char *o, const char *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*o++ = k[i];
	*o++ = '"';
	*o++ = ':';
	*o++ = ' ';
	return o;
}

/* Keys are plain identifiers (emit.h): written without escaping. */
static void put_key(struct json_enc *e, const char *k, size_t n)
{
	if (!obuf_reserve(e->out, n + 6))
		return;
	char *o = e->out->p + e->out->len;
	if (e->count[e->depth]++ > 0) {
		*o++ = ',';
		*o++ = ' ';
	}
	*o++ = '"';
	o = copy_key(o, k, n);
	e->out->len = (size_t)(o - e->out->p);
}

/*
 * The two cache slots where key k may be: a pair chosen by a hash of its
 * address (two, so that keys whose hashes meet do not take turns).
 */
static unsigned pair_of(const char *k)
{
	return (unsigned)(((uintptr_t)k * 0x9E3779B97F4A7C15u) >> 40) % JSON_KEY_SLOTS & ~1u;
}

/* Write the key's cached text; returns false if not cached. */
static bool put_cached_key(struct json_enc *e, const char *k)
{
	const struct json_key_cache *c = e->keys;
	if (!c)
		return false;
	unsigned i = pair_of(k);
	if (c->slot[i].key != k && c->slot[++i].key != k)
		return false;
	if (!obuf_reserve(e->out, 2 + JSON_KEY_TEXT))
		return false;
	char *o = e->out->p + e->out->len;
	if (e->count[e->depth]++ > 0) {
		*o++ = ',';
		*o++ = ' ';
	}
	/* the whole slot is copied (a fixed size: no call), len of it kept */
	memcpy(o, c->slot[i].text, JSON_KEY_TEXT);
	e->out->len = (size_t)(o + c->slot[i].len - e->out->p);
	return true;
}

/* A key not in the cache: written, and cached if it fits a slot (kept out of
 * line, so the common case above stays a leaf). */
NOINLINE static void put_new_key(struct json_enc *e, const char *k)
{
	size_t n = strlen(k);
	put_key(e, k, n);
	if (!e->keys || n + 4 > JSON_KEY_TEXT)
		return;
	/* the first slot of the pair if free, else the second (replaced) */
	unsigned i = pair_of(k);
	if (e->keys->slot[i].key)
		i++;
	e->keys->slot[i].key = k;
	e->keys->slot[i].len = (uint8_t)(n + 4);
	char *t = e->keys->slot[i].text;
	t[0] = '"';
	copy_key(t + 1, k, n);
}

static void j_key(void *ctx, const char *k)
{
	struct json_enc *e = ctx;
	if (!put_cached_key(e, k))
		put_new_key(e, k);
	e->after_key = true;
}

static void j_str(void *ctx, const char *s, size_t n)
{
	struct json_enc *e = ctx;
	before_value(e);
	json_put_string(e->out, s, n);
}

static void j_uint(void *ctx, uint64_t v)
{
	struct json_enc *e = ctx;
	before_value(e);
	json_put_uint(e->out, v);
}

static void j_usec(void *ctx, int64_t us)
{
	struct json_enc *e = ctx;
	before_value(e);
	json_put_usec(e->out, us);
}

static void j_boolean(void *ctx, bool v)
{
	struct json_enc *e = ctx;
	before_value(e);
	obuf_puts(e->out, v ? "true" : "false");
}

static const struct emit_ops json_ops = {
	.map_begin = j_map_begin,
	.map_end = j_map_end,
	.array_begin = j_array_begin,
	.array_end = j_array_end,
	.key = j_key,
	.str = j_str,
	.uint = j_uint,
	.usec = j_usec,
	.boolean = j_boolean,
};

struct emitter json_enc_init(struct json_enc *enc, struct obuf *out)
{
	return json_enc_init_cached(enc, out, NULL);
}

struct emitter json_enc_init_cached(struct json_enc *enc, struct obuf *out,
                                    struct json_key_cache *cache)
{
	enc->out = out;
	enc->keys = cache;
	enc->depth = 0;
	enc->after_key = false;
	enc->count[0] = 0;
	return (struct emitter){.ops = &json_ops, .ctx = enc};
}
