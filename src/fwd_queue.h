/*
 * fwd_queue.h - the batches waiting for fluentd: a FIFO list of sealed
 * batches, each in memory, in a spool file of the buffer directory, or
 * both, and the spool files themselves.
 *
 * The list is not thread-safe: its owner (sink_fluent.c) holds a lock
 * around every list call.  The spool file calls touch no list, so the
 * owner makes them without the lock, and only the I/O thread makes them.
 *
 * A spool file, DIR/SEQ.fwd with SEQ 16 hex digits in FIFO order, holds
 * one batch: "DGFWD1\n\0", big-endian uint32 count, uint32 tag length,
 * uint64 entries length, the tag, the entries (msgpack [time, record]
 * arrays back to back), and a big-endian CRC-32 of all that.  It is
 * written to SEQ.tmp, fsync'ed and renamed, so a crash leaves either the
 * whole batch or none; a file that fails its checks is renamed SEQ.bad.
 */
#ifndef DNS_GAZER_FWD_QUEUE_H
#define DNS_GAZER_FWD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fwd_proto.h"

enum fwd_item_state {
	FWD_ITEM_QUEUED,   /* waiting to be sent */
	FWD_ITEM_SENDING,  /* being written to the connection */
	FWD_ITEM_INFLIGHT, /* written, waiting for its ack */
};

struct fwd_item {
	struct fwd_item *prev, *next;
	char tag[128];
	char *data;      /* the entries, owned; NULL while only in the spool */
	size_t len;      /* bytes of entries */
	uint32_t count;  /* events */
	uint64_t seq;    /* spool file number; 0 = not spooled */
	enum fwd_item_state state;
	char chunk[FWD_CHUNK_MAX]; /* ack id of the last send */
	int64_t deadline_ms;       /* inflight: when to give up on the ack */
};

struct fwd_queue {
	struct fwd_item *head, *tail;
	size_t items;
	uint64_t events;     /* events in all items */
	size_t mem_bytes;    /* entries held in memory */
	uint64_t disk_bytes; /* entries in spool files */
	uint64_t next_seq;   /* for the next spool file */
};

void fwd_queue_init(struct fwd_queue *q);

/* Free every item (their spool files stay). */
void fwd_queue_free(struct fwd_queue *q);

/*
 * A new in-memory item for count entries in data[0..len) (ownership of
 * data passes to the item, even on failure); NULL when out of memory.
 */
struct fwd_item *fwd_item_new(const char *tag, char *data, size_t len, uint32_t count);

/* Append it at the tail. */
void fwd_queue_push(struct fwd_queue *q, struct fwd_item *it);

/* Unlink it and free it (its spool file, if any, is the caller's). */
void fwd_queue_remove(struct fwd_queue *q, struct fwd_item *it);

/* The first queued item (FIFO order), or NULL. */
struct fwd_item *fwd_queue_next(const struct fwd_queue *q);

/*
 * The first item held only in memory, or NULL.  Items being sent or
 * waiting for an ack qualify too: their message is built, and a resend
 * reads the spool file.
 */
struct fwd_item *fwd_queue_spillable(const struct fwd_queue *q);

/* The inflight item whose chunk is chunk[0..len), or NULL. */
struct fwd_item *fwd_queue_find_chunk(const struct fwd_queue *q, const char *chunk, size_t len);

/* Every sending or inflight item back to queued (the connection is gone). */
void fwd_queue_requeue(struct fwd_queue *q);

/* Account for it now being spooled as seq (data is then freed). */
void fwd_queue_spooled(struct fwd_queue *q, struct fwd_item *it, uint64_t seq);

/*
 * Open (creating it, mode 0700) and lock the buffer directory; returns a
 * descriptor to keep open (the lock), or -1 with a message in err.
 */
int fwd_spool_open(const char *dir, char *err, size_t errlen);

/*
 * Write it as spool file seq of dir (tmp, fsync, rename).  Returns 0, or
 * -1 with errno set.
 */
int fwd_spool_write(const char *dir, uint64_t seq, const struct fwd_item *it);

/*
 * Read spool file it->seq's entries into a new malloc'ed buffer (*data),
 * checking its CRC; returns 0, or -1 (a damaged file is renamed .bad).
 */
int fwd_spool_read(const char *dir, const struct fwd_item *it, char **data);

/* Remove spool file seq. */
void fwd_spool_remove(const char *dir, uint64_t seq);

/*
 * Load the spool files of dir, oldest first, as items without data at the
 * tail of q; q->next_seq follows the newest.  Damaged files are renamed
 * .bad and counted in *bad.  Returns 0, or -1 with a message in err.
 */
int fwd_spool_load(const char *dir, struct fwd_queue *q, uint64_t *bad, char *err, size_t errlen);

#endif /* DNS_GAZER_FWD_QUEUE_H */
