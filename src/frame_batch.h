/*
 * frame_batch.h - a few captured frames held for a moment, decoded as
 * they come, handled in order later.
 *
 * With large indicator lists, matching a query reads a filter block that
 * is in no cache, and the wait costs more than the rest of the matching.
 * Frames decoded on arrival (gazer_decode_ahead) have that block asked for
 * then, and each is handled only after the frames before it: by then the
 * block has come.  The frames' bytes are copied (the capture's buffer
 * holds only the latest), so the batch is used only when it pays, and a
 * frame that does not fit is handled at once by the caller.
 */
#ifndef DNS_GAZER_FRAME_BATCH_H
#define DNS_GAZER_FRAME_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gazer.h"

/* Frames held at most: enough that a block comes before its frame's turn. */
#define FRAME_BATCH_MAX 16
/* Octets of frames held at most (DNS frames are mostly under 600). */
#define FRAME_BATCH_BYTES (32 * 1024)

struct batched_frame {
	int linktype;
	int64_t ts_us;
	size_t caplen, wirelen;
	struct gazer_ahead ahead; /* decoded; points into the batch's copy */
};

struct frame_batch {
	size_t n;    /* frames held, in arrival order */
	size_t used; /* octets of buf used */
	struct batched_frame f[FRAME_BATCH_MAX];
	uint8_t buf[FRAME_BATCH_BYTES];
};

/* An empty batch. */
void frame_batch_init(struct frame_batch *b);

/*
 * Copy a frame in and decode it ahead for g; false, with nothing held,
 * when the batch is full or the frame does not fit.
 */
bool frame_batch_add(struct frame_batch *b, const struct gazer *g, int linktype, int64_t ts_us,
                     const uint8_t *frame, size_t caplen, size_t wirelen);

/* Whether the batch holds as many frames as it can. */
static inline bool frame_batch_full(const struct frame_batch *b)
{
	return b->n == FRAME_BATCH_MAX;
}

/* Forget the frames held (after the caller handled them, b->f[0..n) in order). */
static inline void frame_batch_clear(struct frame_batch *b)
{
	b->n = 0;
	b->used = 0;
}

#endif /* DNS_GAZER_FRAME_BATCH_H */
