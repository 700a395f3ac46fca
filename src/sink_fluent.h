/*
 * sink_fluent.h - events to fluentd over the Forward protocol (DESIGN.md
 * section 5).
 *
 * The capture thread only encodes each event as a [time, record] entry and
 * appends it to the open batch of its tag under a short lock; a dedicated
 * I/O thread seals batches (by size or age), sends them (Forward,
 * PackedForward or gzip CompressedPackedForward), waits for acks, resends
 * what a dropped connection or a missing ack left unconfirmed, fails over
 * between servers, reconnects with capped exponential backoff and jitter,
 * and spills batches to the buffer directory when the memory queue is half
 * full.  Capture never waits for the network: an event that finds memory
 * full is dropped and counted.
 */
#ifndef DNS_GAZER_SINK_FLUENT_H
#define DNS_GAZER_SINK_FLUENT_H

#include <stddef.h>
#include <stdint.h>

#include "fwd_proto.h"
#include "sink.h"

#define FLUENT_MAX_SERVERS 8

struct fluent_config {
	struct fwd_server servers[FLUENT_MAX_SERVERS]; /* first reachable one gets the events */
	size_t nservers;
	enum fwd_mode mode;
	bool ack;                    /* chunk ids, wait for acks, resend */
	bool event_time;             /* EventTime instead of integer seconds */
	bool tls;
	const char *ca_file;         /* NULL: the system's CAs */
	const char *shared_key_file; /* NULL: no handshake (unless shared_key) */
	const char *shared_key;      /* the key itself (from a config file) */
	const char *hostname;        /* for the handshake; NULL: gethostname() */
	const char *buffer_dir;      /* NULL: memory only */
	size_t mem_limit;            /* bytes of events held in memory */
	uint64_t disk_limit;         /* bytes of events in the buffer directory */
	uint32_t batch_events;       /* seal a batch at this many events */
	int64_t flush_ms;            /* ... or when its first event is this old */
	int64_t ack_timeout_ms;      /* resend when the ack is this late */
	int64_t retry_max_ms;        /* backoff cap */
	int64_t drain_ms;            /* at close: wait this long for delivery */
};

/* The defaults, also those of the --fluentd-* options (options.c). */
#define FLUENT_DEFAULT_MEM_LIMIT (64u << 20)
#define FLUENT_DEFAULT_DISK_LIMIT (UINT64_C(1) << 30)
#define FLUENT_DEFAULT_BATCH_EVENTS 1000
#define FLUENT_DEFAULT_FLUSH_MS 1000
#define FLUENT_DEFAULT_ACK_TIMEOUT_MS 30000
#define FLUENT_DEFAULT_RETRY_MAX_MS 30000
#define FLUENT_DEFAULT_DRAIN_MS 10000

/* Defaults for everything but the servers. */
void sink_fluent_defaults(struct fluent_config *c);

/*
 * Open the sink: read the shared key file, open and lock the buffer
 * directory and load what an earlier run left there, start the I/O thread.
 * cfg is copied (its strings are borrowed and must outlive the sink).
 * Returns the sink, or NULL with a message in err.  Connecting happens
 * later, in the background.
 */
struct sink *sink_fluent_open(const struct fluent_config *cfg, const struct sink_tags *tags,
                              char *err, size_t errlen);

#endif /* DNS_GAZER_SINK_FLUENT_H */
