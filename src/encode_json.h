/*
 * encode_json.h - JSON encoding of events, one object on one line.
 *
 * Strings are escaped as RFC 8259 requires; bytes >= 0x80 (which the
 * presentation forms never contain) are written as \u00XX so the output is
 * always ASCII and valid.  Times are numbers with exactly six decimals.
 * The layout matches the original dns-gazer: {"key": value, "key": value}.
 */
#ifndef DNS_GAZER_ENCODE_JSON_H
#define DNS_GAZER_ENCODE_JSON_H

#include "emit.h"
#include "obuf.h"

#define JSON_MAX_DEPTH 8

struct json_enc {
	struct obuf *out;         /* not owned */
	int depth;
	bool after_key;                  /* the next value follows a key */
	unsigned count[JSON_MAX_DEPTH];  /* elements so far at each level */
};

/* Return an emitter that appends JSON to out through enc (caller-owned). */
struct emitter json_enc_init(struct json_enc *enc, struct obuf *out);

/* Append s (n bytes) as a JSON string literal with quotes. */
void json_put_string(struct obuf *out, const char *s, size_t n);

/* Append v in decimal. */
void json_put_uint(struct obuf *out, uint64_t v);

/* Append a microsecond count as seconds with six decimals ("-0.000001"). */
void json_put_usec(struct obuf *out, int64_t us);

#endif /* DNS_GAZER_ENCODE_JSON_H */
