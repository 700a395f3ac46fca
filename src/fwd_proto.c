/* fwd_proto.c - fluentd Forward protocol encoding and parsing, see fwd_proto.h. */
#include "config.h"

#include "fwd_proto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define ZLIB_CONST /* next_in points at const input */
#include <zlib.h>

int fwd_server_parse(const char *s, struct fwd_server *out, char *err, size_t errlen)
{
	const char *host = s, *port = NULL;
	size_t hlen;
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close) {
			snprintf(err, errlen, "missing ] after the IPv6 address");
			return -1;
		}
		host = s + 1;
		hlen = (size_t)(close - host);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0') {
			snprintf(err, errlen, "want [IPV6]:PORT");
			return -1;
		}
		struct in6_addr a6;
		char tmp[INET6_ADDRSTRLEN + 1];
		if (hlen == 0 || hlen >= sizeof(tmp)) {
			snprintf(err, errlen, "not an IPv6 address in brackets");
			return -1;
		}
		memcpy(tmp, host, hlen);
		tmp[hlen] = '\0';
		if (inet_pton(AF_INET6, tmp, &a6) != 1) {
			snprintf(err, errlen, "not an IPv6 address in brackets");
			return -1;
		}
	} else {
		const char *colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':')) {
			snprintf(err, errlen, "an IPv6 address needs brackets, as [::1]:24224");
			return -1;
		}
		hlen = colon ? (size_t)(colon - s) : strlen(s);
		if (colon)
			port = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof(out->host)) {
		snprintf(err, errlen, "want HOST[:PORT]");
		return -1;
	}
	for (size_t i = 0; i < hlen; i++) {
		unsigned char c = (unsigned char)host[i];
		if (c <= ' ' || c >= 0x7f || c == '/' || c == '[') {
			snprintf(err, errlen, "bad character in host name");
			return -1;
		}
	}
	unsigned long p = FWD_DEFAULT_PORT;
	if (port) {
		char *end;
		errno = 0;
		p = (*port >= '0' && *port <= '9') ? strtoul(port, &end, 10) : 0;
		if (!p || errno || *end != '\0' || p > 65535) {
			snprintf(err, errlen, "want a port from 1 to 65535");
			return -1;
		}
	}
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	out->port = (uint16_t)p;
	return 0;
}

void fwd_entry_head(msgpack_packer *pk, int64_t us, bool event_time)
{
	int64_t sec = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	msgpack_pack_array(pk, 2);
	if (!event_time) {
		msgpack_pack_int64(pk, sec);
		return;
	}
	/* EventTime carries an unsigned 32-bit second: clamp what cannot fit. */
	uint32_t s = sec < 0 ? 0 : sec > UINT32_MAX ? UINT32_MAX : (uint32_t)sec;
	uint32_t ns = sec < 0 || sec > UINT32_MAX ? 0 : (uint32_t)(us - sec * 1000000) * 1000;
	unsigned char body[8] = {
	    (unsigned char)(s >> 24), (unsigned char)(s >> 16), (unsigned char)(s >> 8),
	    (unsigned char)s, (unsigned char)(ns >> 24), (unsigned char)(ns >> 16),
	    (unsigned char)(ns >> 8), (unsigned char)ns};
	msgpack_pack_ext(pk, 8, 0);
	msgpack_pack_ext_body(pk, body, sizeof(body));
}

static int write_obuf(void *data, const char *buf, size_t len)
{
	struct obuf *out = data;
	obuf_put(out, buf, len);
	return out->oom ? -1 : 0;
}

static void pack_cstr(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

int fwd_gzip(struct obuf *out, const void *in, size_t len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper, as Ruby's Zlib::GzipReader wants */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -1;
	uLong bound = deflateBound(&z, (uLong)len);
	if (len > UINT32_MAX || !obuf_reserve(out, bound)) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->p + out->len;
	z.avail_out = (uInt)bound;
	int rc = deflate(&z, Z_FINISH);
	if (rc == Z_STREAM_END)
		out->len += z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

int fwd_message(struct obuf *out, enum fwd_mode mode, const char *tag, const void *entries,
                size_t len, uint32_t count, const char *chunk)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, write_obuf);
	msgpack_pack_array(&pk, 3);
	pack_cstr(&pk, tag);
	if (mode == FWD_FORWARD) {
		msgpack_pack_array(&pk, count);
		obuf_put(out, entries, len);
	} else if (mode == FWD_PACKED) {
		msgpack_pack_bin(&pk, len);
		msgpack_pack_bin_body(&pk, entries, len);
	} else {
		/* bin head with the size unknown until compressed: compress first */
		struct obuf z;
		obuf_init(&z);
		if (fwd_gzip(&z, entries, len) < 0) {
			obuf_free(&z);
			return -1;
		}
		msgpack_pack_bin(&pk, z.len);
		msgpack_pack_bin_body(&pk, z.p, z.len);
		obuf_free(&z);
	}
	msgpack_pack_map(&pk, 1 + (chunk != NULL) + (mode == FWD_COMPRESSED));
	pack_cstr(&pk, "size");
	msgpack_pack_uint32(&pk, count);
	if (chunk) {
		pack_cstr(&pk, "chunk");
		pack_cstr(&pk, chunk);
	}
	if (mode == FWD_COMPRESSED) {
		pack_cstr(&pk, "compressed");
		pack_cstr(&pk, "gzip");
	}
	return out->oom ? -1 : 0;
}

void fwd_chunk_id(const uint8_t run_id[8], uint64_t counter, char out[FWD_CHUNK_MAX])
{
	unsigned char raw[16];
	memcpy(raw, run_id, 8);
	for (int i = 0; i < 8; i++)
		raw[8 + i] = (unsigned char)(counter >> (56 - 8 * i));
	/* 16 bytes are 24 base64 characters (with "==") and a NUL */
	EVP_EncodeBlock((unsigned char *)out, raw, sizeof(raw));
}

/* Big-endian unsigned of n (1, 2 or 4) bytes. */
static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * The shape of the msgpack object that begins with type byte b: hdr bytes
 * of header, of which the last lenbytes are a big-endian length; fixed
 * bytes of payload beyond that length (or, for fixmap and fixarray, the
 * count); elem elements per count for containers (0 for scalars).
 */
struct mp_shape {
	int hdr, lenbytes, elem;
	uint64_t fixed;
};

static bool mp_shape(unsigned char b, struct mp_shape *sh)
{
	*sh = (struct mp_shape){.hdr = 1};
	if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
		return true;
	if (b <= 0x8f) { sh->elem = 2; sh->fixed = b & 0x0f; return true; }
	if (b <= 0x9f) { sh->elem = 1; sh->fixed = b & 0x0f; return true; }
	if (b <= 0xbf) { sh->fixed = b & 0x1f; return true; }
	switch (b) {
	case 0xc4: case 0xc5: case 0xc6: /* bin 8/16/32 */
		sh->lenbytes = 1 << (b - 0xc4);
		break;
	case 0xc7: case 0xc8: case 0xc9: /* ext 8/16/32, then the type byte */
		sh->lenbytes = 1 << (b - 0xc7);
		sh->fixed = 1;
		break;
	case 0xca: sh->fixed = 4; break;
	case 0xcb: sh->fixed = 8; break;
	case 0xcc: case 0xcd: case 0xce: case 0xcf: sh->fixed = 1u << (b - 0xcc); break;
	case 0xd0: case 0xd1: case 0xd2: case 0xd3: sh->fixed = 1u << (b - 0xd0); break;
	case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: /* fixext: type + 1..16 */
		sh->fixed = 1 + (1u << (b - 0xd4));
		break;
	case 0xd9: case 0xda: case 0xdb: sh->lenbytes = 1 << (b - 0xd9); break;
	case 0xdc: case 0xdd: sh->lenbytes = 2 << (b - 0xdc); sh->elem = 1; break;
	case 0xde: case 0xdf: sh->lenbytes = 2 << (b - 0xde); sh->elem = 2; break;
	default: return false; /* 0xc1 is never used */
	}
	sh->hdr += sh->lenbytes;
	return true;
}

int fwd_reply_next(const char *buf, size_t len, size_t *used, msgpack_unpacked *out)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t pos = 0;
	uint64_t pending = 1; /* objects still to walk */
	while (pending > 0) {
		if (pending > FWD_REPLY_MAX)
			return -1; /* more elements than a message may have bytes */
		if (pos >= len)
			return pos >= FWD_REPLY_MAX ? -1 : 0;
		struct mp_shape sh;
		if (!mp_shape(p[pos], &sh))
			return -1;
		if (len - pos < (size_t)sh.hdr)
			return 0;
		uint64_t n = sh.lenbytes ? be(p + pos + 1, sh.lenbytes) : 0;
		uint64_t skip = (uint64_t)sh.hdr;
		pending--;
		if (sh.elem) /* fixmap/fixarray count in fixed, else in the length field */
			pending += (n + sh.fixed) * (uint64_t)sh.elem;
		else /* payload: the length field (str, bin, ext) plus fixed bytes */
			skip += n + sh.fixed;
		if (skip > FWD_REPLY_MAX || pos + skip > FWD_REPLY_MAX)
			return -1;
		if (pos + skip > len)
			return 0;
		pos += (size_t)skip;
	}
	size_t off = 0;
	if (msgpack_unpack_next(out, buf, pos, &off) != MSGPACK_UNPACK_SUCCESS || off != pos)
		return -1;
	*used = pos;
	return 1;
}

/* o is a str or bin: its bytes. */
static bool raw_bytes(const msgpack_object *o, const char **p, size_t *n)
{
	if (o->type == MSGPACK_OBJECT_STR) {
		*p = o->via.str.ptr;
		*n = o->via.str.size;
		return true;
	}
	if (o->type == MSGPACK_OBJECT_BIN) {
		*p = o->via.bin.ptr;
		*n = o->via.bin.size;
		return true;
	}
	return false;
}

static bool raw_equals(const msgpack_object *o, const char *s)
{
	const char *p;
	size_t n;
	return raw_bytes(o, &p, &n) && n == strlen(s) && memcmp(p, s, n) == 0;
}

/* The value of key k in map o, or NULL. */
static const msgpack_object *map_get(const msgpack_object *o, const char *k)
{
	if (o->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < o->via.map.size; i++)
		if (raw_equals(&o->via.map.ptr[i].key, k))
			return &o->via.map.ptr[i].val;
	return NULL;
}

bool fwd_ack_parse(const msgpack_object *o, const char **chunk, size_t *len)
{
	const msgpack_object *v = map_get(o, "ack");
	return v && raw_bytes(v, chunk, len);
}

/* o is an array whose first element is the string name. */
static bool is_command(const msgpack_object *o, const char *name)
{
	return o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size >= 1 &&
	       raw_equals(&o->via.array.ptr[0], name);
}

bool fwd_helo_parse(const msgpack_object *o, struct fwd_helo *h)
{
	if (!is_command(o, "HELO") || o->via.array.size != 2)
		return false;
	const msgpack_object *opt = &o->via.array.ptr[1];
	const msgpack_object *nonce = map_get(opt, "nonce");
	const msgpack_object *auth = map_get(opt, "auth");
	const msgpack_object *ka = map_get(opt, "keepalive");
	const char *p;
	size_t n;
	if (!nonce || !raw_bytes(nonce, &p, &n) || n == 0 || n > sizeof(h->nonce))
		return false;
	memcpy(h->nonce, p, n);
	h->nonce_len = n;
	h->user_auth = auth && raw_bytes(auth, &p, &n) && n > 0;
	h->keepalive = !ka || ka->type != MSGPACK_OBJECT_BOOLEAN || ka->via.boolean;
	return true;
}

int fwd_digest(const void *a, size_t alen, const void *b, size_t blen, const void *c,
               size_t clen, const void *d, size_t dlen, char out[FWD_DIGEST_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) &&
	         EVP_DigestUpdate(ctx, a, alen) && EVP_DigestUpdate(ctx, b, blen) &&
	         EVP_DigestUpdate(ctx, c, clen) && EVP_DigestUpdate(ctx, d, dlen) &&
	         EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 64;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * mdlen] = '\0';
	return 0;
}

int fwd_ping(struct obuf *out, const char *hostname, const char *salt, const struct fwd_helo *h,
             const char *key, size_t keylen)
{
	char digest[FWD_DIGEST_HEX];
	if (fwd_digest(salt, strlen(salt), hostname, strlen(hostname), h->nonce, h->nonce_len, key,
	               keylen, digest) < 0)
		return -1;
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, write_obuf);
	msgpack_pack_array(&pk, 6);
	pack_cstr(&pk, "PING");
	pack_cstr(&pk, hostname);
	pack_cstr(&pk, salt);
	pack_cstr(&pk, digest);
	pack_cstr(&pk, ""); /* username: user authentication is not supported */
	pack_cstr(&pk, ""); /* password digest */
	return out->oom ? -1 : 0;
}

int fwd_pong_check(const msgpack_object *o, const char *salt, const struct fwd_helo *h,
                   const char *key, size_t keylen, char *err, size_t errlen)
{
	if (!is_command(o, "PONG"))
		return -1;
	const msgpack_object *a = o->via.array.ptr;
	if (o->via.array.size != 5 || a[1].type != MSGPACK_OBJECT_BOOLEAN) {
		snprintf(err, errlen, "malformed PONG");
		return 0;
	}
	const char *p;
	size_t n;
	if (!a[1].via.boolean) {
		/* the reason is the server's text: print only safe bytes of it */
		char reason[128] = "no reason given";
		if (raw_bytes(&a[2], &p, &n) && n > 0) {
			size_t k = 0;
			for (size_t i = 0; i < n && k + 1 < sizeof(reason); i++) {
				char c = p[i];
				if (c < ' ' || c >= 0x7f)
					c = '?';
				reason[k++] = c;
			}
			reason[k] = '\0';
		}
		snprintf(err, errlen, "authentication refused: %s", reason);
		return 0;
	}
	const char *host, *dig;
	size_t hostlen, diglen;
	char want[FWD_DIGEST_HEX];
	if (!raw_bytes(&a[3], &host, &hostlen) || !raw_bytes(&a[4], &dig, &diglen) ||
	    fwd_digest(salt, strlen(salt), host, hostlen, h->nonce, h->nonce_len, key, keylen,
	               want) < 0 ||
	    diglen != FWD_DIGEST_HEX - 1 || memcmp(dig, want, diglen) != 0) {
		snprintf(err, errlen, "the server's PONG digest is wrong (shared_key mismatch?)");
		return 0;
	}
	return 1;
}
