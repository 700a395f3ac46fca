/*
 * ip_defrag.h - reassembly of IPv4 (RFC 791, 815) and IPv6 (RFC 8200)
 * fragments for a passive sensor: big EDNS answers often arrive in pieces.
 *
 * A datagram in progress is keyed on (family, source, destination,
 * identification, protocol); the identification is 16 bits for IPv4 and 32
 * bits for IPv6 (struct pkt_frag).  It is reassembled into one buffer that
 * holds its fragmentable part (the transport header onwards), and a small
 * sorted list of the byte ranges received so far tells where the holes are.
 * The datagram is complete when the last fragment (M = 0) has fixed its
 * length and the ranges cover it without a hole.
 *
 * Everything is bounded: the number of datagrams in progress, the bytes
 * they hold (buffers plus bookkeeping), the size of one datagram (65535)
 * and the number of separate pieces it may be in.  Datagrams are timed out
 * on packet time from their first fragment (RFC 791 and 8200 start the
 * timer there too), so replays are deterministic.  Every fragment or
 * datagram that is thrown away is counted under its reason.
 *
 * Policies:
 * - A non-last fragment whose length is not a multiple of 8, and an empty
 *   fragment, are dropped (bad_length).  A fragment reaching past 65535
 *   bytes of IP payload (IPv4: 65535 - 20 of fragmentable part; IPv6:
 *   65535) is dropped (too_big).  A fragment not captured whole is dropped
 *   (truncated): its missing bytes would be made up.
 * - A fragment whose bytes were all received before, with the same values,
 *   is a harmless retransmission: dropped and counted (duplicates), the
 *   datagram goes on.  This holds for both families (RFC 8200 section 4.5
 *   allows an implementation to ignore exact duplicates).
 * - Any other overlap in IPv6 drops the whole datagram silently (RFC 5722):
 *   overlaps_v6.
 * - IPv4: an overlap that repeats the bytes already held is accepted
 *   (overlaps_same; the new bytes fill their holes), an overlap that would
 *   change a byte already held drops the whole datagram (overlaps_v4).
 *   Stacks disagree on which copy wins, and that disagreement is how an
 *   attacker hides a payload from a sensor, so conflicting data is never
 *   guessed at.
 * - A fragment ending past the end fixed by the last fragment, or a second
 *   last fragment with another end, drops the datagram (inconsistent).
 * - A datagram in more than IP_DEFRAG_MAX_RANGES separate pieces at once
 *   is dropped (too_fragmented): it bounds the work per fragment.
 *
 * Ownership: the table copies fragment data; it keeps no pointer into a
 * struct pkt or its frame.  A completed datagram's bytes belong to the
 * table and stay valid until the next ip_defrag_add(), ip_defrag_expire()
 * or ip_defrag_free() on it.  Not thread-safe: one table per thread.
 */
#ifndef DNS_GAZER_IP_DEFRAG_H
#define DNS_GAZER_IP_DEFRAG_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

struct pkt;

/* Defaults for a zero field of struct ip_defrag_config. */
#define IP_DEFRAG_DEFAULT_MAX_DATAGRAMS 1024
#define IP_DEFRAG_DEFAULT_MAX_BYTES (16u * 1024 * 1024)
#define IP_DEFRAG_DEFAULT_TIMEOUT_US (30 * (int64_t)1000000)

/* Most separate received pieces a datagram may be in at once. */
#define IP_DEFRAG_MAX_RANGES 64

struct ip_defrag_config {
	size_t max_datagrams; /* datagrams in progress; the oldest is evicted beyond */
	size_t max_bytes;     /* buffers and bookkeeping of all datagrams in progress */
	int64_t timeout_us;   /* from a datagram's first fragment, in packet time */
};

struct ip_defrag_stats {
	/* fragments */
	uint64_t fragments;      /* offered to ip_defrag_add() */
	uint64_t duplicates;     /* every byte already held, identically: ignored */
	uint64_t overlaps_same;  /* IPv4, overlapping held bytes with the same values: kept */
	uint64_t bad_length;     /* dropped: empty, or not the last and length % 8 != 0 */
	uint64_t too_big;        /* dropped: would make the datagram exceed 65535 */
	uint64_t truncated;      /* dropped: not captured whole */
	/* datagrams */
	uint64_t completed;      /* reassembled and returned */
	uint64_t timeouts;       /* dropped incomplete after timeout_us */
	uint64_t evicted;        /* dropped, oldest first, to stay within max_datagrams */
	uint64_t evicted_bytes;  /* dropped, oldest first, to stay within max_bytes */
	uint64_t overlaps_v4;    /* IPv4, dropped: an overlap changed held bytes */
	uint64_t overlaps_v6;    /* IPv6, dropped: any overlap but a duplicate (RFC 5722) */
	uint64_t inconsistent;   /* dropped: fragments disagree on the datagram's end */
	uint64_t too_fragmented; /* dropped: more than IP_DEFRAG_MAX_RANGES pieces */
	uint64_t no_memory;      /* dropped: allocation failed */
	/* gauges */
	uint64_t datagrams;      /* in progress now */
	uint64_t bytes;          /* held now (counted against max_bytes) */
	uint64_t bytes_peak;     /* highest value bytes has had */
};

struct ip_defrag;

/*
 * A reassembly table with the given bounds (a zero field takes its
 * IP_DEFRAG_DEFAULT_*; cfg may be NULL for all defaults), hashing keys with
 * key (copied).  NULL on out-of-memory.
 */
struct ip_defrag *ip_defrag_new(const struct ip_defrag_config *cfg, const struct hash_key *key);

/* Free the table, the datagrams in progress and any completed buffer. */
void ip_defrag_free(struct ip_defrag *d);

/*
 * Add the fragment p (from pkt_decode() with status PKT_FRAGMENT: src, dst,
 * frag, payload, len and truncated are read) captured at ts_us
 * (microseconds, packet time).  Datagrams timed out at ts_us are expired
 * first.  Returns 1 when p completes its datagram: *data and *len then
 * give its fragmentable part (transport header onwards, p->frag.proto says
 * which transport), owned by d and valid until the next call into d that
 * changes it.  Returns 0 when more fragments are needed or the fragment
 * was dropped (counted in the stats); *data and *len are then untouched.
 */
int ip_defrag_add(struct ip_defrag *d, const struct pkt *p, int64_t ts_us, const uint8_t **data,
                  size_t *len);

/* Drop the datagrams whose first fragment came at or before now_us - timeout_us. */
void ip_defrag_expire(struct ip_defrag *d, int64_t now_us);

/* Counters and gauges; valid as long as d. */
const struct ip_defrag_stats *ip_defrag_stats(const struct ip_defrag *d);

#endif /* DNS_GAZER_IP_DEFRAG_H */
