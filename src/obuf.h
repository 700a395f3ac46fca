/*
 * obuf.h - growable byte buffer that an encoder fills with one event
 * before a sink writes it out whole.
 */
#ifndef DNS_GAZER_OBUF_H
#define DNS_GAZER_OBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct obuf {
	char *p;
	size_t len, cap;
	bool oom; /* sticky: an append failed for lack of memory */
};

void obuf_init(struct obuf *b);
void obuf_free(struct obuf *b);

/* Make room for n more bytes; false (and oom set) on failure. */
bool obuf_reserve_slow(struct obuf *b, size_t n);

static inline bool obuf_reserve(struct obuf *b, size_t n)
{
	return b->cap - b->len >= n || obuf_reserve_slow(b, n);
}

static inline void obuf_put(struct obuf *b, const void *s, size_t n)
{
	if (obuf_reserve(b, n)) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
	}
}

static inline void obuf_putc(struct obuf *b, char c)
{
	if (obuf_reserve(b, 1))
		b->p[b->len++] = c;
}

static inline void obuf_puts(struct obuf *b, const char *s)
{
	obuf_put(b, s, strlen(s));
}

static inline void obuf_reset(struct obuf *b)
{
	b->len = 0;
	b->oom = false;
}

#endif /* DNS_GAZER_OBUF_H */
