/*
 * arena.h - bump allocator for the short-lived data of one DNS message.
 *
 * The parser renders names and rdata into an arena; everything allocated
 * from it is released at once by arena_reset().  Allocation never fails
 * silently: on out-of-memory the functions return NULL and the caller
 * treats the message as unparseable.
 */
#ifndef DNS_GAZER_ARENA_H
#define DNS_GAZER_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* block being filled; older ones follow */
	size_t block_size;        /* size of regular blocks */
};

/* Prepare an empty arena whose blocks are block_size bytes. */
void arena_init(struct arena *a, size_t block_size);

/* Release every block. The arena may be reused after arena_init(). */
void arena_free(struct arena *a);

/* Forget all allocations, keeping one regular block for reuse. */
void arena_reset(struct arena *a);

/* Allocate n bytes aligned for any object; NULL on out-of-memory. */
void *arena_alloc(struct arena *a, size_t n);

/*
 * Two-step allocation for output of unknown but bounded size: reserve at
 * least max bytes, write into them, then arena_commit() the bytes used
 * (<= max).  Nothing else may be allocated in between.
 */
char *arena_reserve(struct arena *a, size_t max);
void arena_commit(struct arena *a, size_t used);

#endif /* DNS_GAZER_ARENA_H */
