/*
 * sink.h - where events go.  A sink receives tx and record events and
 * encodes and writes them its own way; the pipeline does not know which
 * sinks exist.  Each sink counts the events it wrote and the ones it lost.
 */
#ifndef DNS_GAZER_SINK_H
#define DNS_GAZER_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

struct sink;

/*
 * A flat event of another kind than tx and record (statistics, alerts):
 * its full tag, its time, and a function writing its one map onto an
 * emitter.  Sinks encode it as they encode the others.
 */
enum sink_event_kind {
	SINK_EVENT_STATS,  /* arg: struct stats_event */
	SINK_EVENT_ALERT,  /* arg: struct alert_view */
};

struct sink_event {
	enum sink_event_kind kind; /* for sinks that lay out each kind their own way */
	const char *tag;
	int64_t ts_us;
	void (*write)(const struct emitter *e, const void *arg);
	const void *arg;
};

struct sink_ops {
	/* Each returns 0, or -1 when the event could not be written. */
	int (*tx)(struct sink *s, const struct tx_view *tx);
	int (*record)(struct sink *s, const struct tx_view *tx, bool reply, const struct dns_rr *rr);
	/* Optional (NULL: the sink does not log other events). */
	int (*event)(struct sink *s, const struct sink_event *ev);
	int (*flush)(struct sink *s);
	/*
	 * Optional (NULL for sinks that write locally): at the end, wait for
	 * what is still on its way (network, acks), keep what a buffer can keep,
	 * and add what is lost to errors; may leave a line for the operator in
	 * msg.  Called once, after flush and before close.
	 */
	void (*drain)(struct sink *s);
	/*
	 * Optional (NULL for sinks without a delivery queue): events waiting
	 * in the queue, delivered so far, dropped with every buffer full.
	 */
	void (*queue_stats)(struct sink *s, uint64_t *queued, uint64_t *delivered,
	                    uint64_t *dropped);
	/* Flush and release everything; returns -1 if anything was lost. */
	int (*close)(struct sink *s);
	/*
	 * Optional (NULL: nothing to do).  reopen: close and reopen files
	 * after SIGHUP (logrotate moved them); returns 0 or -1 with
	 * last_errno set.  tick: the time is now_us (packet time while
	 * reading captures, the clock when live): rotate and flush what is
	 * due.  Called for every frame, so it must be cheap.
	 */
	int (*reopen)(struct sink *s);
	void (*tick)(struct sink *s, int64_t now_us);
};

struct sink {
	const struct sink_ops *ops;
	const char *name;       /* for messages: the path, or "stdout" */
	uint64_t events;        /* written */
	uint64_t errors;        /* lost to write errors */
	int last_errno;         /* of the first write error, for the message */
	char msg[512];          /* set by drain: what became of the events */
	bool failing;           /* the latest write failed (sinks that recover) */
	/*
	 * Set by whoever opens the sink (--alerts-only, for a small link):
	 * the pipeline then gives it only alert events, no tx or record.
	 */
	bool alerts_only;
};

/*
 * Tag of each event kind: PREFIX.dns.tx, PREFIX.dns.record, PREFIX.stats,
 * PREFIX.dns.alert.
 */
struct sink_tags {
	char tx[128];
	char record[128];
	char stats[128];
	char alert[128];
};

/* Build the tags from a prefix; returns -1 if the prefix is too long. */
int sink_tags_init(struct sink_tags *t, const char *prefix);

static inline int sink_tx(struct sink *s, const struct tx_view *tx)
{
	int rc = s->ops->tx(s, tx);
	if (rc == 0)
		s->events++;
	else
		s->errors++;
	return rc;
}

static inline int sink_record(struct sink *s, const struct tx_view *tx, bool reply,
                              const struct dns_rr *rr)
{
	int rc = s->ops->record(s, tx, reply, rr);
	if (rc == 0)
		s->events++;
	else
		s->errors++;
	return rc;
}

static inline int sink_event(struct sink *s, const struct sink_event *ev)
{
	if (!s->ops->event)
		return 0;
	int rc = s->ops->event(s, ev);
	if (rc == 0)
		s->events++;
	else
		s->errors++;
	return rc;
}

static inline void sink_tick(struct sink *s, int64_t now_us)
{
	if (s->ops->tick)
		s->ops->tick(s, now_us);
}

static inline int sink_reopen(struct sink *s)
{
	return s->ops->reopen ? s->ops->reopen(s) : 0;
}

#endif /* DNS_GAZER_SINK_H */
