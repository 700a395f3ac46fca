/* obuf.c - growable byte buffer, see obuf.h. */
#include "config.h"

#include "obuf.h"

#include <stdint.h>
#include <stdlib.h>

void obuf_init(struct obuf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

void obuf_free(struct obuf *b)
{
	free(b->p);
	obuf_init(b);
}

bool obuf_reserve_slow(struct obuf *b, size_t n)
{
	if (b->oom)
		return false;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return false;
		}
		cap *= 2;
	}
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}
