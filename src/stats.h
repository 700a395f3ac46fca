/*
 * stats.h - counters for everything the pipeline drops, pairs or writes,
 * and their summary for the operator.
 */
#ifndef DNS_GAZER_STATS_H
#define DNS_GAZER_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dns_msg.h"
#include "event.h"
#include "ip_defrag.h"
#include "tcp_reasm.h"
#include "packet.h"

struct stats {
	uint64_t packets;                 /* frames read */
	uint64_t bytes;                   /* captured bytes read */
	uint64_t pkt[PKT__COUNT];         /* by decode status; [PKT_OK] = UDP payloads */
	uint64_t not_dns_port;            /* UDP/TCP with neither port a DNS port */
	uint64_t truncated;               /* frames cut short by the snap length */
	uint64_t bad_length;              /* IP/UDP lengths claiming more than the frame held */
	uint64_t dns[DNS_MSG__COUNT];     /* by parse status; [DNS_MSG_OK] = clean */
	uint64_t queries, replies;        /* messages logged */
	uint64_t tx[TX__COUNT];           /* transactions by status */
	uint64_t evicted;                 /* no_reply because the table was full */
	uint64_t duplicate_queries;       /* same key while pending: older one logged */
	bool live;                        /* pcap_recv/pcap_drop mean something */
	uint64_t pcap_recv, pcap_drop;    /* live: from pcap_stats() */
	uint64_t ioc_tx;                  /* transactions that matched an indicator */
	uint64_t ioc_alerts;              /* alert events */
	struct ip_defrag_stats defrag;    /* fragment reassembly */
	struct tcp_reasm_stats tcp;       /* TCP stream reassembly */
};

/* What an output (sink) wrote and lost. */
struct stats_output {
	const char *name;
	uint64_t events, lost;
	/* Outputs with a delivery queue (fluentd): events waiting, delivered
	 * (acknowledged, or written without acks), dropped with every buffer full. */
	bool queue;
	uint64_t queued, delivered, dropped;
};

/*
 * Write a human-readable summary, one "name value" per line, then the
 * events written and lost by each output.
 */
void stats_write(const struct stats *s, const struct stats_output *out, size_t nout, FILE *fp);

/* What a stats event shows: the counters and the outputs (borrowed). */
struct stats_event {
	const struct stats *stats;
	const struct stats_output *out;
	size_t nout;
};

/*
 * Write the stats event (arg: struct stats_event) as one flat map of
 * "group_name": count, the same counters as the summary, plus "outputs":
 * [{name, events, lost}].  Fits struct sink_event's write.
 */
void stats_emit(const struct emitter *e, const void *arg);

#endif /* DNS_GAZER_STATS_H */
