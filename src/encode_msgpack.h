/*
 * encode_msgpack.h - msgpack encoding of events (msgpack-c), for the
 * msgpack stream sink and, later, fluentd.  Times inside records are
 * float64 seconds, as the original dns-gazer sent them.
 */
#ifndef DNS_GAZER_ENCODE_MSGPACK_H
#define DNS_GAZER_ENCODE_MSGPACK_H

#include <msgpack.h>

#include "emit.h"
#include "obuf.h"

struct msgpack_enc {
	msgpack_packer pk; /* writes into the obuf given at init, for callers */
	struct obuf *out;  /* not owned; where the emitter writes */
};

/* Return an emitter that appends msgpack to out through enc (caller-owned). */
struct emitter msgpack_enc_init(struct msgpack_enc *enc, struct obuf *out);

#endif /* DNS_GAZER_ENCODE_MSGPACK_H */
