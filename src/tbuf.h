/*
 * tbuf.h - append text into a caller-owned, fixed-size buffer.
 *
 * Renderers write through a struct tbuf and never overrun it: when the
 * space runs out the sticky overflow flag is set and further output is
 * dropped.  The buffer is not NUL-terminated until tbuf_finish().
 */
#ifndef DNS_GAZER_TBUF_H
#define DNS_GAZER_TBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tbuf {
	char *p;      /* caller-owned storage */
	size_t cap;   /* bytes available in p, including room for the NUL */
	size_t len;   /* bytes written */
	bool overflow;
};

static inline void tbuf_init(struct tbuf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = 0;
	b->overflow = cap == 0;
}

/* Append n bytes. */
static inline void tbuf_put(struct tbuf *b, const void *s, size_t n)
{
	if (b->overflow || b->cap - 1 - b->len < n) {
		b->overflow = true;
		return;
	}
	const char *c = s;
	for (size_t i = 0; i < n; i++)
		b->p[b->len + i] = c[i];
	b->len += n;
}

static inline void tbuf_putc(struct tbuf *b, char c)
{
	if (b->overflow || b->len + 1 >= b->cap) {
		b->overflow = true;
		return;
	}
	b->p[b->len++] = c;
}

/* Append a NUL-terminated string. */
void tbuf_puts(struct tbuf *b, const char *s);

/* Append v in decimal. */
void tbuf_u64(struct tbuf *b, uint64_t v);

/* Append n bytes as upper-case hex digits. */
void tbuf_hex(struct tbuf *b, const uint8_t *p, size_t n);

/* Append n bytes as RFC 4648 base64 (with padding). */
void tbuf_base64(struct tbuf *b, const uint8_t *p, size_t n);

/*
 * Append n bytes as a quoted character-string (RFC 1035 5.1): " and \ are
 * escaped with a backslash, bytes outside 0x20-0x7e as \DDD.
 */
void tbuf_quoted(struct tbuf *b, const uint8_t *p, size_t n);

/* NUL-terminate; returns the length, or -1 if anything was dropped. */
long tbuf_finish(struct tbuf *b);

#endif /* DNS_GAZER_TBUF_H */
