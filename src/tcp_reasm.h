/*
 * tcp_reasm.h - reassemble DNS messages from TCP segments (RFC 1035
 * section 4.2.2, RFC 7766): every message on a TCP connection is preceded
 * by a two-byte big-endian length, a segment may carry several messages,
 * and a message may span several segments.
 *
 * Each direction of a connection is its own half-stream, keyed on (source
 * address and port, destination address and port) in a keyed hash
 * (hash.h).  Segments are put back into sequence order with serial
 * arithmetic modulo 2^32; data is consumed as soon as it is in order, so a
 * message that lies within one segment is handed over straight from the
 * segment's memory (no copy, no allocation).
 *
 * Rules for hostile or lossy input:
 *
 *  - Retransmissions and overlaps: the first copy of a byte wins.  Bytes
 *    already consumed are never replaced; a segment overlapping buffered
 *    out-of-order data only adds the bytes not yet held.
 *  - Out of order: segments ahead of the stream wait in a per-flow list,
 *    bounded by max_flow_bytes (data plus bookkeeping), 256 pieces and
 *    the global budget (see Bounds).
 *    Data more than 2^30 bytes ahead (the largest scaled TCP window) is
 *    dropped as bogus.
 *  - Gaps (a segment that never comes): when the opposite direction
 *    acknowledges past the hole (see below), when the out-of-order data
 *    would exceed the bound, when the oldest waiting data is gap_timeout_us
 *    old, or when the flow ends (FIN, RST, idle expiry, eviction, flush),
 *    the hole is skipped.  If the hole falls inside a message of known
 *    length, that message is lost but the framing is kept (the next message
 *    starts where the lost one ends); otherwise the stream resynchronises
 *    as below.
 *  - The peer's ACK: a segment with the ACK flag shows that its receiver
 *    has every byte of the opposite half-stream before the acknowledgment
 *    number.  A hole ending at or before it was lost by the sensor alone
 *    and will not be retransmitted: it is skipped at once (counted as any
 *    gap), before the segment's own data, so messages held behind it (with
 *    their own timestamps) come before the replies that acknowledge them,
 *    not gap_timeout later.  The two directions of a connection are linked
 *    while both are in the table, so this costs no lookup, and it is O(1)
 *    unless data is held.  An ACK inside a hole changes nothing (the rest
 *    may still come).  One beyond everything seen (data missed at the
 *    tail) releases and moves nothing: data seen late is still taken in
 *    order, and a later segment waits for an ACK covering its start.  An
 *    ACK 2^30 bytes or more ahead of the stream is bogus (counted bad_seq);
 *    one behind it is old news.  An acknowledged FIN behind a hole closes
 *    the direction.
 *  - Mid-stream start (no SYN seen) and resynchronisation after a gap: only
 *    a segment start can begin a message.  Its first 14 bytes (length
 *    prefix plus DNS header, gathered across following in-order segments if
 *    the segment is shorter, e.g. a lone length prefix) must look like a
 *    DNS message: length >= 12, a known opcode, the Z bit clear, at most
 *    one question, and the header counts fitting the length (5 bytes per
 *    question, 11 per record at least).  Otherwise the data is discarded
 *    (counted bad_framing) until the next segment start.
 *  - Length prefix 0 is valid framing but no message: skipped and counted.
 *    A message that spans segments and is longer than max_flow_bytes is
 *    skipped (counted oversize) without buffering it, keeping the framing;
 *    one that lies within a segment needs no buffer and is delivered.
 *    Messages of 1 to 11 bytes are delivered (the DNS decoder rejects
 *    them).  When a partial message needs its buffer, held out-of-order
 *    data is dropped from the far end to make room: in-order data wins.
 *  - FIN closes its direction once every byte before it has been seen; RST
 *    closes both directions (if its sequence number is within a window of
 *    the stream).  Closed flows stay in the table, ignoring data, until
 *    they idle out or are evicted, so late retransmissions are not mistaken
 *    for a new stream; a SYN reopens them.
 *
 * Bounds: at most max_flows half-streams (the least recently used one is
 * evicted when a new one is needed), max_flow_bytes buffered per flow, and
 * max_total_bytes buffered in all.  Buffered bytes (the buffered_bytes
 * gauge) are the buffers of partial messages plus the out-of-order pieces
 * with their bookkeeping (a header of about 24 bytes each); the flow
 * records themselves (about 200 bytes each) are bounded by max_flows.
 * max_flow_bytes is capped at max_total_bytes.  The global budget:
 *
 *  - When taking in data (a message buffer, an out-of-order piece) would
 *    take buffered_bytes over max_total_bytes, other half-streams holding
 *    buffers are evicted, least recently active first (a segment or data
 *    taken in), until it fits; they deliver the complete messages they
 *    hold and count a partial one, as on any eviction, and are counted in
 *    evicted_for_memory (not evicted_flows).  Half-streams holding no
 *    buffer are never evicted for memory (they free none), and are not
 *    even visited: the cost is O(1) per flow evicted.  The half-stream of
 *    the segment being taken in is never evicted for another's data (its
 *    peer's, released by an ACK).
 *  - If it still does not fit (only when the rest of the budget is held by
 *    that half-stream itself or by the one whose segment is being taken
 *    in), the new data is refused as under the per-flow bound:
 *    an out-of-order piece makes the first hole be skipped; a message
 *    buffer first drops the flow's own held out-of-order pieces from the
 *    far end (ooo_dropped), then the message is skipped, keeping the
 *    framing (partial_dropped).
 *  - So buffered_bytes <= max_total_bytes after every call.  Within a call,
 *    a half-stream being closed (eviction, expiry, RST, SYN, flush) that
 *    delivers held pieces evicts nothing, but may assemble one message
 *    across two of them beyond the budget (freed before it is done), so
 *    the peak is max_total_bytes plus one message (at most 64 KiB and
 *    max_flow_bytes).
 *  - Messages lying within a segment never need a buffer: the in-order
 *    path allocates nothing and is unaffected.
 *
 * So memory stays under max_total_bytes + 64 KiB plus max_flows * about 200
 * bytes, whatever the traffic.  Time is data: idle expiry and gap timeouts
 * run on packet timestamps.
 *
 * Delivery order and time: messages of one direction come in stream order.
 * A message's timestamp is the latest arrival time among the segments that
 * carried its bytes, so a message delivered late (behind a hole that was
 * skipped later) keeps the time it was on the wire.  Callers pairing
 * queries and replies must therefore accept timestamps that are not
 * monotonic across flows.
 *
 * Ownership: the reassembler owns its flows and buffers; segment payloads
 * are read during tcp_reasm_segment() and copied only when they must wait.
 * Callbacks (never NULL) must not call back into the same reassembler.
 */
#ifndef DNS_GAZER_TCP_REASM_H
#define DNS_GAZER_TCP_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "packet.h"

/* Defaults for zero fields of struct tcp_reasm_config. */
#define TCP_REASM_DEFAULT_MAX_FLOWS 10000
#define TCP_REASM_DEFAULT_MAX_FLOW_BYTES (2 * (65535 + 2))
#define TCP_REASM_DEFAULT_IDLE_TIMEOUT_US (60 * 1000000LL)
#define TCP_REASM_DEFAULT_GAP_TIMEOUT_US (2 * 1000000LL)
#define TCP_REASM_DEFAULT_TOTAL_BYTES (32 * 1024 * 1024)

struct tcp_reasm_config {
	size_t max_flows;        /* half-streams tracked at once; 0 = default */
	size_t max_flow_bytes;   /* buffered bytes per half-stream (a partial message plus
	                            out-of-order data); messages longer than this are
	                            skipped, so keep it >= 65535 to see every message;
	                            0 = default */
	int64_t idle_timeout_us; /* a flow without segments this long is dropped by
	                            tcp_reasm_expire(); 0 = default */
	int64_t gap_timeout_us;  /* skip a hole once data behind it waited this long;
	                            0 = default, negative = only on the bounds or at the
	                            end of the flow */
	size_t max_total_bytes;  /* buffered bytes of all half-streams together (see
	                            Bounds above); caps max_flow_bytes; 0 = default */
};

/* Counters (monotonic) and two gauges, for the stats report. */
struct tcp_reasm_stats {
	uint64_t segments;        /* segments given to tcp_reasm_segment() */
	uint64_t messages;        /* messages delivered */
	uint64_t flows;           /* half-streams started (new or reopened by SYN) */
	uint64_t closed_flows;    /* half-streams closed by FIN or RST */
	uint64_t evicted_flows;   /* open half-streams dropped to make room in the table */
	uint64_t evicted_for_memory; /* open half-streams dropped to meet max_total_bytes */
	uint64_t expired_flows;   /* open half-streams dropped for idleness */
	uint64_t gaps;            /* holes in the sequence space skipped */
	uint64_t gap_bytes;       /* sequence space skipped over */
	uint64_t resyncs;         /* message starts found by the heuristic */
	uint64_t bad_framing;     /* chunks discarded while looking for a message start */
	uint64_t retransmits;     /* segments whose data had all been seen */
	uint64_t overlaps;        /* segments partly overlapping data seen or held */
	uint64_t ooo_segments;    /* segments held out of order */
	uint64_t ooo_dropped;     /* out-of-order pieces dropped (bounds, FIN, memory) */
	uint64_t bad_seq;         /* segments, RSTs or ACKs too far from the stream's position */
	uint64_t oversize;        /* messages longer than max_flow_bytes, skipped */
	uint64_t empty_messages;  /* length prefix 0, skipped */
	uint64_t partial_dropped; /* started messages lost (gap, close, expiry, eviction,
	                             no room in max_total_bytes) */
	uint64_t late_segments;   /* data on a closed half-stream, ignored */
	uint64_t nomem;           /* allocation failures */
	uint64_t active_flows;    /* gauge: half-streams in the table */
	uint64_t buffered_bytes;  /* gauge: bytes held (partial messages, out-of-order data
	                             and its bookkeeping), <= max_total_bytes between calls */
};

struct tcp_reasm;

/*
 * Called once per complete DNS message (without its length prefix).  p
 * describes the direction it travelled: addresses, ports, proto
 * PKT_PROTO_TCP, payload/len = msg/len, tcp_seq = sequence number of the
 * length prefix, tcp_ack and tcp_flags 0.  ts_us is the latest arrival
 * time of the segments that carried it.  p and msg are valid only during
 * the call.
 */
typedef void (*tcp_reasm_msg_cb)(void *ctx, const struct pkt *p, const uint8_t *msg, size_t len,
                                 int64_t ts_us);

/*
 * A reassembler with cfg's bounds (copied; NULL = all defaults) hashing
 * flows with key (copied).  NULL on out-of-memory.
 */
struct tcp_reasm *tcp_reasm_new(const struct tcp_reasm_config *cfg, const struct hash_key *key);

/* Free everything without delivering anything more.  NULL is allowed. */
void tcp_reasm_free(struct tcp_reasm *t);

/*
 * Take one TCP segment (p->proto PKT_PROTO_TCP; others are ignored)
 * captured at ts_us.  Complete messages are passed to cb(ctx, ...) before
 * this returns, possibly several, possibly of other flows (the opposite
 * direction's, released by this segment's ACK, or one evicted to make
 * room).  p and its payload are only read during the call.  A
 * truncated segment (p->truncated) contributes the bytes it has; the rest
 * becomes a hole.
 */
void tcp_reasm_segment(struct tcp_reasm *t, const struct pkt *p, int64_t ts_us,
                       tcp_reasm_msg_cb cb, void *ctx);

/*
 * Drop half-streams idle since now_us - idle_timeout_us or earlier.
 * Complete messages still waiting behind a hole are delivered to cb first
 * (the hole is skipped); partial messages are counted in partial_dropped.
 */
void tcp_reasm_expire(struct tcp_reasm *t, int64_t now_us, tcp_reasm_msg_cb cb, void *ctx);

/*
 * End of input: deliver what can still be delivered, as tcp_reasm_expire()
 * does, for every half-stream, and empty the table.
 */
void tcp_reasm_flush(struct tcp_reasm *t, tcp_reasm_msg_cb cb, void *ctx);

/* The counters, updated in place (the pointer stays valid until free). */
const struct tcp_reasm_stats *tcp_reasm_stats(const struct tcp_reasm *t);

#endif /* DNS_GAZER_TCP_REASM_H */
