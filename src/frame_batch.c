/* frame_batch.c - frames held for a moment, decoded as they come, see frame_batch.h. */
#include "config.h"

#include "frame_batch.h"

#include <string.h>

void frame_batch_init(struct frame_batch *b)
{
	frame_batch_clear(b);
}

bool frame_batch_add(struct frame_batch *b, const struct gazer *g, int linktype, int64_t ts_us,
                     const uint8_t *frame, size_t caplen, size_t wirelen)
{
	if (b->n == FRAME_BATCH_MAX || caplen > FRAME_BATCH_BYTES - b->used)
		return false;
	uint8_t *copy = b->buf + b->used;
	memcpy(copy, frame, caplen);
	b->used += caplen;
	struct batched_frame *f = &b->f[b->n++];
	f->linktype = linktype;
	f->ts_us = ts_us;
	f->caplen = caplen;
	f->wirelen = wirelen;
	gazer_decode_ahead(g, linktype, copy, caplen, &f->ahead);
	return true;
}
