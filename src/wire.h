/*
 * wire.h - bounds-checked big-endian reader for untrusted packet bytes.
 *
 * Every byte taken from the wire goes through a struct wire_rd.  A read
 * past the end sets a sticky error flag and returns zero, so a group of
 * reads needs one check at the end (wire_rd_ok()).  Nothing here casts
 * packet memory to structures, and nothing reads past base + len.
 *
 * The reader does not own the bytes it reads.
 */
#ifndef DNS_GAZER_WIRE_H
#define DNS_GAZER_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wire_rd {
	const uint8_t *base; /* first byte of the region */
	size_t len;          /* bytes readable from base */
	size_t pos;          /* next byte to read, 0 <= pos <= len */
	bool err;            /* sticky: set by any read past the end */
};

/* Start reading the len bytes at base from offset 0. */
static inline void wire_rd_init(struct wire_rd *r, const uint8_t *base, size_t len)
{
	r->base = base;
	r->len = len;
	r->pos = 0;
	r->err = false;
}

/* True while no read has failed. */
static inline bool wire_rd_ok(const struct wire_rd *r)
{
	return !r->err;
}

/* Bytes left to read (0 after an error). */
static inline size_t wire_rd_left(const struct wire_rd *r)
{
	return r->err ? 0 : r->len - r->pos;
}

/* Fail unless n more bytes are available; returns true if they are. */
static inline bool wire_rd_need(struct wire_rd *r, size_t n)
{
	if (r->err || r->len - r->pos < n) {
		r->err = true;
		return false;
	}
	return true;
}

static inline uint8_t wire_u8(struct wire_rd *r)
{
	if (!wire_rd_need(r, 1))
		return 0;
	return r->base[r->pos++];
}

static inline uint16_t wire_u16(struct wire_rd *r)
{
	if (!wire_rd_need(r, 2))
		return 0;
	const uint8_t *p = r->base + r->pos;
	r->pos += 2;
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t wire_u32(struct wire_rd *r)
{
	if (!wire_rd_need(r, 4))
		return 0;
	const uint8_t *p = r->base + r->pos;
	r->pos += 4;
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Return a pointer to the next n bytes and step over them, or NULL. */
static inline const uint8_t *wire_bytes(struct wire_rd *r, size_t n)
{
	if (!wire_rd_need(r, n))
		return NULL;
	const uint8_t *p = r->base + r->pos;
	r->pos += n;
	return p;
}

/* Step over n bytes. */
static inline void wire_skip(struct wire_rd *r, size_t n)
{
	(void)wire_bytes(r, n);
}

/* Peek a big-endian u16 at an absolute offset without moving; 0 if out of range. */
static inline bool wire_peek_u16(const struct wire_rd *r, size_t off, uint16_t *out)
{
	if (r->err || off > r->len || r->len - off < 2)
		return false;
	*out = (uint16_t)((r->base[off] << 8) | r->base[off + 1]);
	return true;
}

#endif /* DNS_GAZER_WIRE_H */
