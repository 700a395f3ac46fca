/*
 * emit.h - the interface between what an event contains (event.c) and how
 * it is encoded (encode_json.c, encode_msgpack.c).
 *
 * An event is a tree of maps, arrays and scalars walked once, depth first.
 * Maps and arrays announce their element count up front (msgpack needs
 * it); a map element is a key() followed by one value.
 */
#ifndef DNS_GAZER_EMIT_H
#define DNS_GAZER_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct emit_ops {
	void (*map_begin)(void *ctx, size_t n);
	void (*map_end)(void *ctx);
	void (*array_begin)(void *ctx, size_t n);
	void (*array_end)(void *ctx);
	/*
	 * A map key: a plain identifier of dns-gazer's own ([a-z0-9_]), which
	 * encoders may write without escaping.  Data from the wire never
	 * becomes a key.  It is a string literal (or any string that neither
	 * moves nor changes while the program runs): encoders may remember
	 * what they made of it by its address.
	 */
	void (*key)(void *ctx, const char *k);
	void (*str)(void *ctx, const char *s, size_t n);
	void (*uint)(void *ctx, uint64_t v);
	/* A point in time or a duration, in microseconds. */
	void (*usec)(void *ctx, int64_t us);
	void (*boolean)(void *ctx, bool v);
};

struct emitter {
	const struct emit_ops *ops;
	void *ctx;
};

#endif /* DNS_GAZER_EMIT_H */
