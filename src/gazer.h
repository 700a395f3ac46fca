/*
 * gazer.h - the pipeline from a captured frame to logged events:
 * decode (packet.h) -> parse (dns_msg.h) -> pair (tx_table.h) -> sinks.
 *
 * Time is data: the clock is the newest packet timestamp seen (or what the
 * caller passes to gazer_tick() when a live capture is idle), so replays
 * of a file are deterministic.
 */
#ifndef DNS_GAZER_GAZER_H
#define DNS_GAZER_GAZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ioc.h"
#include "packet.h"
#include "sink.h"
#include "stats.h"

struct gazer_config {
	int64_t timeout_us;      /* a query unanswered this long is no_reply */
	size_t max_pending;      /* table bound; the oldest is evicted */
	bool records;            /* also emit record events */
	const uint16_t *ports;   /* DNS ports */
	size_t nports;
	const char *alert_tag;   /* tag of alert events, PREFIX.dns.alert (borrowed) */
};

struct gazer;

/*
 * Create a pipeline writing to sinks[0..nsinks) (borrowed; they must
 * outlive it) and counting into stats (borrowed).  NULL on out-of-memory
 * or when no random hash key can be had.
 */
struct gazer *gazer_new(const struct gazer_config *cfg, struct sink *const *sinks, size_t nsinks,
                        struct stats *stats);

/*
 * Match transactions against set from now on (borrowed: it must outlive
 * its use; NULL stops matching).  A query is matched when it is seen, and
 * alerts about it go out at once; its reply is matched when it comes.
 * Sinks with alerts_only get alert events only.
 */
void gazer_set_ioc(struct gazer *g, const struct ioc_set *set);

/* Handle one captured frame (linktype is a DLT_* value). */
void gazer_frame(struct gazer *g, int linktype, int64_t ts_us, const uint8_t *frame,
                 size_t caplen, size_t wirelen);

/*
 * gazer_frame() in two steps, for frames held a moment (frame_batch.h):
 * gazer_decode_ahead() decodes the frame as it comes and asks for what
 * matching its question will read from memory; gazer_frame_decoded()
 * handles it in its turn, as gazer_frame() would have, while the frame's
 * bytes are still there.  Decoding depends on nothing the turns of earlier
 * frames change.
 */
struct gazer_ahead {
	enum pkt_status status;
	struct pkt p;
};

void gazer_decode_ahead(const struct gazer *g, int linktype, const uint8_t *frame, size_t caplen,
                        struct gazer_ahead *a);

void gazer_frame_decoded(struct gazer *g, struct gazer_ahead *a, int64_t ts_us, size_t caplen,
                         size_t wirelen);

/* Whether decoding ahead pays: the lists are too large to stay cached. */
bool gazer_looks_ahead(const struct gazer *g);

/* Handle one DNS message carried by p (a decoded UDP or TCP payload). */
void gazer_message(struct gazer *g, const struct pkt *p, int64_t ts_us);

/* Advance the clock to now_us (if later) and log the queries that timed out. */
void gazer_tick(struct gazer *g, int64_t now_us);

/*
 * Copy the reassemblers' counters into the stats (they keep their own,
 * so the packet path does not copy them): call before writing the stats.
 */
void gazer_sync_stats(struct gazer *g);

/* Log every pending query as no_reply (end of input, shutdown). */
void gazer_drain(struct gazer *g);

/* Free the pipeline; pending queries are dropped unless drained first. */
void gazer_free(struct gazer *g);

#endif /* DNS_GAZER_GAZER_H */
