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

/*
 * Keys written before, as text ready to copy ("key": ), found by the
 * key's address: event keys are string literals (emit.h), so the same key
 * always comes at the same address, and the cache saves a strlen() and a
 * variable-length copy for each of the dozens of keys of every event.
 * Zero-initialise it (e.g. calloc) before first use; it may then be used
 * by any number of encoders, one at a time.
 */
#define JSON_KEY_SLOTS 512
#define JSON_KEY_TEXT 32
struct json_key_cache {
	struct {
		const char *key;   /* NULL: empty slot */
		uint8_t len;       /* bytes of text used */
		char text[JSON_KEY_TEXT];
	} slot[JSON_KEY_SLOTS];
};

struct json_enc {
	struct obuf *out;         /* not owned */
	struct json_key_cache *keys;     /* not owned; NULL for none */
	int depth;
	bool after_key;                  /* the next value follows a key */
	unsigned count[JSON_MAX_DEPTH];  /* elements so far at each level */
};

/* Return an emitter that appends JSON to out through enc (caller-owned). */
struct emitter json_enc_init(struct json_enc *enc, struct obuf *out);

/* The same, remembering keys in cache (caller-owned, see above). */
struct emitter json_enc_init_cached(struct json_enc *enc, struct obuf *out,
                                    struct json_key_cache *cache);

/* Append s (n bytes) as a JSON string literal with quotes. */
void json_put_string(struct obuf *out, const char *s, size_t n);

/* Append v in decimal. */
void json_put_uint(struct obuf *out, uint64_t v);

/* Append a microsecond count as seconds with six decimals ("-0.000001"). */
void json_put_usec(struct obuf *out, int64_t us);

#endif /* DNS_GAZER_ENCODE_JSON_H */
