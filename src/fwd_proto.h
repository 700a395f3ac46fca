/*
 * fwd_proto.h - the fluentd Forward protocol v1, without sockets: event
 * entries, the Forward / PackedForward / CompressedPackedForward messages,
 * chunk ids, acks, and the shared_key handshake (HELO / PING / PONG).
 *
 * Everything here is pure: it reads msgpack objects that the caller has
 * unpacked and writes bytes into caller-owned struct obuf, so it is unit
 * tested without a network.  Received objects are hostile: every field is
 * type- and length-checked.
 */
#ifndef DNS_GAZER_FWD_PROTO_H
#define DNS_GAZER_FWD_PROTO_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obuf.h"

#define FWD_DEFAULT_PORT 24224
#define FWD_CHUNK_MAX 32   /* a chunk id: 24 base64 characters and a NUL */
#define FWD_NONCE_MAX 256  /* longest nonce accepted from a server */
#define FWD_SALT_LEN 32    /* our salt: 32 hex characters */
#define FWD_DIGEST_HEX 129 /* SHA-512 in hex and a NUL */

enum fwd_mode {
	FWD_FORWARD,    /* [tag, [[time, record], ...], option] */
	FWD_PACKED,     /* [tag, bin(entries), option] */
	FWD_COMPRESSED, /* [tag, bin(gzip(entries)), {compressed: "gzip", ...}] */
};

/* A server from -f: host without brackets, and port. */
struct fwd_server {
	char host[256];
	uint16_t port;
};

/*
 * Parse "HOST", "HOST:PORT", "[IPV6]" or "[IPV6]:PORT" (port default
 * 24224).  An IPv6 literal must be in brackets.  Returns 0, or -1 with a
 * reason in err.
 */
int fwd_server_parse(const char *s, struct fwd_server *out, char *err, size_t errlen);

/*
 * Write the head of one entry [time, record]: the 2-array and the time,
 * integer seconds (floor of us) or, with event_time, EventTime (ext type 0:
 * big-endian uint32 seconds and nanoseconds).  The caller writes the record
 * map next.
 */
void fwd_entry_head(msgpack_packer *pk, int64_t us, bool event_time);

/*
 * Build one message for count entries (their msgpack concatenated in
 * entries[0..len)) under tag, into out (appended).  The option map carries
 * "size" (the entry count), "chunk" when chunk is not NULL, and
 * "compressed": "gzip" in FWD_COMPRESSED mode.  Returns 0, or -1 when out
 * of memory or compression fails.
 */
int fwd_message(struct obuf *out, enum fwd_mode mode, const char *tag, const void *entries,
                size_t len, uint32_t count, const char *chunk);

/* gzip (RFC 1952) of in[0..len) appended to out; 0 or -1. */
int fwd_gzip(struct obuf *out, const void *in, size_t len);

/*
 * Make a unique chunk id: base64 of 16 bytes, the 8-byte run id (random,
 * drawn once per process) and a counter.  out holds FWD_CHUNK_MAX bytes.
 */
void fwd_chunk_id(const uint8_t run_id[8], uint64_t counter, char out[FWD_CHUNK_MAX]);

#define FWD_REPLY_MAX 65536 /* longest message accepted from a server */

/*
 * Take the next message a server sent from buf[0..len): returns 1 with it
 * unpacked into *out (whose zone owns it) and *used set to its length, 0
 * if buf holds only the beginning of one, -1 if buf cannot begin a valid
 * message of at most FWD_REPLY_MAX bytes.
 *
 * msgpack-c allocates room for every element a container header
 * announces before reading them, so five hostile bytes could ask for tens
 * of gigabytes.  The bytes are therefore walked first, and handed to the
 * unpacker only once the whole message is there: then no container can
 * claim more elements than there are bytes.
 */
int fwd_reply_next(const char *buf, size_t len, size_t *used, msgpack_unpacked *out);

/*
 * If o is an ack {"ack": CHUNK}, point *chunk at its bytes (inside o) and
 * return true.
 */
bool fwd_ack_parse(const msgpack_object *o, const char **chunk, size_t *len);

/* The server's HELO: ["HELO", {"nonce": ..., "auth": ..., "keepalive": bool}]. */
struct fwd_helo {
	uint8_t nonce[FWD_NONCE_MAX];
	size_t nonce_len;
	bool user_auth;  /* the server also wants a username and password */
	bool keepalive;
};

/* True if o is a HELO; fills h.  A HELO without a usable nonce is false. */
bool fwd_helo_parse(const msgpack_object *o, struct fwd_helo *h);

/* hex(SHA-512(a || b || c || d)), with OpenSSL; out is FWD_DIGEST_HEX bytes. */
int fwd_digest(const void *a, size_t alen, const void *b, size_t blen, const void *c,
               size_t clen, const void *d, size_t dlen, char out[FWD_DIGEST_HEX]);

/*
 * Append the PING that answers h: ["PING", hostname, salt,
 * hex(sha512(salt + hostname + nonce + key)), "", ""].  salt is
 * FWD_SALT_LEN characters.  Returns 0 or -1.
 */
int fwd_ping(struct obuf *out, const char *hostname, const char *salt, const struct fwd_helo *h,
             const char *key, size_t keylen);

/*
 * Check the server's answer to our PING.  Returns 1 if o is a PONG that
 * accepts us and proves the server knows the key too (its digest is
 * hex(sha512(salt + server_hostname + nonce + key))); 0 if o is a PONG
 * that refuses us or whose digest is wrong (reason in err); -1 if o is not
 * a PONG at all.
 */
int fwd_pong_check(const msgpack_object *o, const char *salt, const struct fwd_helo *h,
                   const char *key, size_t keylen, char *err, size_t errlen);

#endif /* DNS_GAZER_FWD_PROTO_H */
