/* arena.c - bump allocator, see arena.h. */
#include "config.h"

#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

struct arena_block {
	struct arena_block *next;
	size_t size; /* usable bytes in data[] */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

void arena_reset(struct arena *a)
{
	/* Keep one regular-sized block (the newest): the common message fits in it. */
	struct arena_block *keep = NULL;
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		if (!keep && b->size == a->block_size) {
			keep = b;
		} else {
			free(b);
		}
		b = next;
	}
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
}

static struct arena_block *arena_grow(struct arena *a, size_t n)
{
	size_t size = n > a->block_size ? n : a->block_size;
	if (size > SIZE_MAX - sizeof(struct arena_block))
		return NULL;
	struct arena_block *b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->size = size;
	b->used = 0;
	b->next = a->head;
	a->head = b;
	return b;
}

static size_t align_up(size_t n)
{
	const size_t al = alignof(max_align_t);
	return (n + al - 1) & ~(al - 1);
}

char *arena_reserve(struct arena *a, size_t max)
{
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < max) {
		b = arena_grow(a, max);
		if (!b)
			return NULL;
	}
	return (char *)b->data + b->used;
}

void arena_commit(struct arena *a, size_t used)
{
	struct arena_block *b = a->head;
	size_t step = align_up(used);
	b->used = step > b->size - b->used ? b->size : b->used + step;
}

void *arena_alloc(struct arena *a, size_t n)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	char *p = arena_reserve(a, align_up(n));
	if (p)
		arena_commit(a, n);
	return p;
}
