/* encode_json.c - JSON encoder, see encode_json.h. */
#include "config.h"

#include "encode_json.h"

#include <inttypes.h>
#include <stdio.h>

/*
 * Bytes a JSON string can hold as they are, one bit each: printable ASCII
 * (0x20-0x7e) but " (0x22) and \ (0x5c).
 */
static const uint64_t json_plain[4] = {0xFFFFFFFB00000000u, 0x7FFFFFFFEFFFFFFFu, 0, 0};

void json_put_string(struct obuf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	if (!obuf_reserve(out, n + 2))
		return;
	obuf_putc(out, '"');
	size_t run = 0; /* bytes copied as they are, flushed in one go */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((json_plain[c >> 6] >> (c & 63)) & 1)
			continue;
		obuf_put(out, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': obuf_put(out, "\\\"", 2); break;
		case '\\': obuf_put(out, "\\\\", 2); break;
		case '\n': obuf_put(out, "\\n", 2); break;
		case '\t': obuf_put(out, "\\t", 2); break;
		case '\r': obuf_put(out, "\\r", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			obuf_put(out, u, 6);
		}
		}
	}
	obuf_put(out, s + run, n - run);
	obuf_putc(out, '"');
}

/* Decimal digits of v, right-aligned ending at end; returns the first. */
static char *digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
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
	uint64_t frac = mag % 1000000u;
	for (int i = 0; i < 6; i++, frac /= 10)
		*--end = (char)('0' + frac % 10);
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

/* Keys are plain identifiers (emit.h): written without escaping. */
static void j_key(void *ctx, const char *k)
{
	struct json_enc *e = ctx;
	size_t n = strlen(k);
	if (!obuf_reserve(e->out, n + 6))
		return;
	if (e->count[e->depth]++ > 0)
		obuf_put(e->out, ", ", 2);
	obuf_putc(e->out, '"');
	obuf_put(e->out, k, n);
	obuf_put(e->out, "\": ", 3);
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
	enc->out = out;
	enc->depth = 0;
	enc->after_key = false;
	enc->count[0] = 0;
	return (struct emitter){.ops = &json_ops, .ctx = enc};
}
