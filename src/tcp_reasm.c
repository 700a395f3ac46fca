/* tcp_reasm.c - DNS over TCP stream reassembly, see tcp_reasm.h. */
#include "config.h"

#include "tcp_reasm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DNS_HEADER_LEN 12
#define PROBE_LEN (2 + DNS_HEADER_LEN) /* length prefix plus DNS header */
#define TCP_WINDOW_MAX (1u << 30)      /* largest scaled window (RFC 7323) */
#define OOO_MAX_SEGS 256               /* out-of-order pieces held per flow */
#define KEY_BYTES 37
#define MIN_BUCKETS 64

/*
 * Where a half-stream is in its framing.  RS_LEN: at or inside a length
 * prefix (head holds head_have < 2 bytes); RS_BODY: msg is being filled;
 * RS_SKIP: skip bytes of an unwanted message remain; RS_RESYNC: framing
 * unknown, waiting for a plausible message start (head is the probe).
 */
enum rs_state { RS_RESYNC, RS_LEN, RS_BODY, RS_SKIP, RS_CLOSED };

/* Data ahead of the stream, waiting for the bytes before it. */
struct ooo_seg {
	struct ooo_seg *next; /* ascending seq, no two overlapping */
	int64_t ts;
	uint32_t seq, len;
	uint8_t data[];
};

struct flow_key {
	struct net_addr src, dst;
	uint16_t sport, dport;
};

struct flow {
	struct flow *hnext;         /* bucket chain */
	struct flow *older, *newer; /* LRU list */
	struct flow *mem_older, *mem_newer; /* LRU list of the flows holding memory (mem > 0) */
	struct flow *peer;          /* the opposite half-stream, while both are in the table */
	uint64_t hash;
	struct flow_key key;
	int64_t last_ts;
	enum rs_state state;
	uint32_t next_seq;          /* first byte not yet consumed */
	uint32_t isn, fin_seq;
	bool have_isn, have_fin;
	uint8_t head[PROBE_LEN];    /* length prefix bytes, or the resync probe */
	uint8_t head_have;
	uint32_t msg_seq;           /* sequence number of the current length prefix */
	int64_t msg_ts;             /* latest arrival among the current message's bytes */
	uint8_t *msg;               /* RS_BODY: msg_len bytes, msg_have filled */
	uint32_t msg_len, msg_have;
	uint32_t skip;              /* RS_SKIP: bytes left to skip */
	struct ooo_seg *ooo;
	size_t nooo;
	size_t mem;                 /* msg_len while RS_BODY plus out-of-order pieces */
	bool closing;               /* finish_flow() is delivering what it holds */
};

struct tcp_reasm {
	struct flow **bucket;
	size_t nbucket; /* power of two */
	size_t count;
	struct flow *oldest, *newest;
	struct flow *mem_oldest, *mem_newest; /* the flows with mem > 0 */
	struct flow *busy; /* the flow of the segment being taken in: never evicted for memory */
	struct tcp_reasm_config cfg;
	struct hash_key hkey;
	struct tcp_reasm_stats st;
};

/* Where delivered messages go. */
struct out {
	tcp_reasm_msg_cb cb;
	void *ctx;
};

/* ---------------------------------------------------------- serial numbers */

/* RFC 1982 comparison modulo 2^32: a before b. */
static bool seq_lt(uint32_t a, uint32_t b)
{
	return ((a - b) & 0x80000000u) != 0;
}

static bool seq_le(uint32_t a, uint32_t b)
{
	return a == b || seq_lt(a, b);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* ---------------------------------------------------------- flow table */

/* The key of p's half-stream (with reverse, of the opposite one). */
static struct flow_key key_of(const struct pkt *p, bool reverse)
{
	struct flow_key k;
	memset(&k, 0, sizeof(k));
	k.src = reverse ? p->dst : p->src;
	k.dst = reverse ? p->src : p->dst;
	k.sport = reverse ? p->dport : p->sport;
	k.dport = reverse ? p->sport : p->dport;
	return k;
}

static void key_bytes(const struct flow_key *k, uint8_t out[KEY_BYTES])
{
	out[0] = k->src.family;
	memcpy(out + 1, k->src.bytes, 16);
	memcpy(out + 17, k->dst.bytes, 16);
	out[33] = (uint8_t)(k->sport >> 8);
	out[34] = (uint8_t)k->sport;
	out[35] = (uint8_t)(k->dport >> 8);
	out[36] = (uint8_t)k->dport;
}

static bool key_equal(const struct flow_key *a, const struct flow_key *b)
{
	return a->sport == b->sport && a->dport == b->dport && net_addr_equal(&a->src, &b->src) &&
	       net_addr_equal(&a->dst, &b->dst);
}

static uint64_t key_hash(const struct tcp_reasm *t, const struct flow_key *k)
{
	uint8_t b[KEY_BYTES];
	key_bytes(k, b);
	return hash_siphash13(&t->hkey, b, sizeof(b));
}

static struct flow *lookup(struct tcp_reasm *t, const struct flow_key *k, uint64_t h)
{
	for (struct flow *f = t->bucket[h & (t->nbucket - 1)]; f; f = f->hnext)
		if (f->hash == h && key_equal(&f->key, k))
			return f;
	return NULL;
}

/* Double the bucket array; on out-of-memory keep the old one (chains grow). */
static void grow(struct tcp_reasm *t)
{
	size_t n = t->nbucket * 2;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	struct flow **b = calloc(n, sizeof(*b));
	if (!b)
		return;
	for (size_t i = 0; i < t->nbucket; i++) {
		struct flow *f = t->bucket[i];
		while (f) {
			struct flow *next = f->hnext;
			size_t j = f->hash & (n - 1);
			f->hnext = b[j];
			b[j] = f;
			f = next;
		}
	}
	free(t->bucket);
	t->bucket = b;
	t->nbucket = n;
}

static void lru_unlink(struct tcp_reasm *t, struct flow *f)
{
	if (f->older)
		f->older->newer = f->newer;
	else
		t->oldest = f->newer;
	if (f->newer)
		f->newer->older = f->older;
	else
		t->newest = f->older;
	f->older = f->newer = NULL;
}

static void lru_push(struct tcp_reasm *t, struct flow *f)
{
	f->newer = NULL;
	f->older = t->newest;
	if (t->newest)
		t->newest->newer = f;
	else
		t->oldest = f;
	t->newest = f;
}

/* The list of flows holding memory: a flow is on it exactly while mem > 0. */
static void mem_lru_unlink(struct tcp_reasm *t, struct flow *f)
{
	if (f->mem_older)
		f->mem_older->mem_newer = f->mem_newer;
	else
		t->mem_oldest = f->mem_newer;
	if (f->mem_newer)
		f->mem_newer->mem_older = f->mem_older;
	else
		t->mem_newest = f->mem_older;
	f->mem_older = f->mem_newer = NULL;
}

static void mem_lru_push(struct tcp_reasm *t, struct flow *f)
{
	f->mem_newer = NULL;
	f->mem_older = t->mem_newest;
	if (t->mem_newest)
		t->mem_newest->mem_newer = f;
	else
		t->mem_oldest = f;
	t->mem_newest = f;
}

static void touch(struct tcp_reasm *t, struct flow *f, int64_t ts)
{
	f->last_ts = ts;
	if (t->newest != f) {
		lru_unlink(t, f);
		lru_push(t, f);
	}
	if (f->mem > 0 && t->mem_newest != f) {
		mem_lru_unlink(t, f);
		mem_lru_push(t, f);
	}
}

/* ---------------------------------------------------------- buffers */

static void mem_add(struct tcp_reasm *t, struct flow *f, size_t n)
{
	if (n == 0)
		return;
	if (f->mem == 0)
		mem_lru_push(t, f);
	f->mem += n;
	t->st.buffered_bytes += n;
}

static void mem_sub(struct tcp_reasm *t, struct flow *f, size_t n)
{
	if (n == 0)
		return;
	f->mem -= n;
	t->st.buffered_bytes -= n;
	if (f->mem == 0)
		mem_lru_unlink(t, f);
}

/* Whether n more bytes fit the global budget as things stand. */
static bool budget_fits(const struct tcp_reasm *t, size_t n)
{
	return t->st.buffered_bytes <= t->cfg.max_total_bytes &&
	       n <= t->cfg.max_total_bytes - t->st.buffered_bytes;
}

static void free_seg(struct tcp_reasm *t, struct flow *f, struct ooo_seg *s)
{
	mem_sub(t, f, sizeof(*s) + s->len);
	f->nooo--;
	free(s);
}

/* Drop every out-of-order piece (counted when the data is lost). */
static void drop_ooo(struct tcp_reasm *t, struct flow *f, bool count)
{
	while (f->ooo) {
		struct ooo_seg *s = f->ooo;
		f->ooo = s->next;
		if (count)
			t->st.ooo_dropped++;
		free_seg(t, f, s);
	}
}

/* Drop the highest out-of-order piece: in-order data has priority. */
static void drop_ooo_last(struct tcp_reasm *t, struct flow *f)
{
	struct ooo_seg **link = &f->ooo;
	while ((*link)->next)
		link = &(*link)->next;
	t->st.ooo_dropped++;
	free_seg(t, f, *link);
	*link = NULL;
}

static void free_msg(struct tcp_reasm *t, struct flow *f)
{
	if (f->msg) {
		mem_sub(t, f, f->msg_len);
		free(f->msg);
		f->msg = NULL;
	}
}

/* Forget a message that had started (a partial prefix or body). */
static void drop_partial(struct tcp_reasm *t, struct flow *f)
{
	if (f->state == RS_BODY || (f->state == RS_LEN && f->head_have > 0))
		t->st.partial_dropped++;
	free_msg(t, f);
	f->head_have = 0;
}

/* ---------------------------------------------------------- framing */

static void deliver(struct tcp_reasm *t, const struct flow *f, const uint8_t *msg, uint32_t len,
                    uint32_t seq, int64_t ts, const struct out *o)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.src = f->key.src;
	p.dst = f->key.dst;
	p.sport = f->key.sport;
	p.dport = f->key.dport;
	p.proto = PKT_PROTO_TCP;
	p.payload = msg;
	p.len = len;
	p.tcp_seq = seq;
	t->st.messages++;
	o->cb(o->ctx, &p, msg, len, ts);
}

/*
 * Whether the first name of a message, at b[0..n), is well formed as far as
 * it is visible.  Nothing precedes it that a compression pointer could
 * name, so every label must be a plain one.  *end is the offset after it
 * (n when it runs past what is visible).
 */
static bool first_name_ok(const uint8_t *b, size_t n, size_t *end)
{
	size_t off = 0;
	while (off < n) {
		uint8_t l = b[off];
		if (l > 63)
			return false;
		off += 1 + (size_t)l;
		if (off > 255)
			return false;
		if (l == 0) {
			*end = off;
			return true;
		}
	}
	*end = n;
	return true;
}

static bool known_qclass(uint16_t c)
{
	return c == 1 || c == 3 || c == 4 || c == 254 || c == 255; /* IN CH HS NONE ANY */
}

/*
 * The resynchronisation heuristic (tcp_reasm.h): whether hdr[0..PROBE_LEN)
 * looks like a length prefix and a DNS header, and rest[0..rest_len) (the
 * bytes after them that are at hand) like the start of its first section.
 */
static bool plausible_start(const uint8_t *hdr, const uint8_t *rest, size_t rest_len)
{
	uint32_t len = be16(hdr);
	unsigned opcode = (hdr[4] >> 3) & 0x0f;
	uint32_t qd = be16(hdr + 6), rr = (uint32_t)be16(hdr + 8) + be16(hdr + 10) + be16(hdr + 12);
	if (len < DNS_HEADER_LEN)
		return false;
	if (opcode == 3 || opcode > 6) /* QUERY IQUERY STATUS - NOTIFY UPDATE DSO */
		return false;
	if (hdr[5] & 0x40) /* Z must be zero */
		return false;
	if (qd > 1) /* RFC 9619 */
		return false;
	if (5 * qd + 11 * rr > len - DNS_HEADER_LEN)
		return false;
	if (qd + rr == 0) /* header only, unless DSO TLVs follow */
		return opcode == 6 || len == DNS_HEADER_LEN;
	if (rest_len > len - DNS_HEADER_LEN)
		rest_len = len - DNS_HEADER_LEN;
	size_t end;
	if (!first_name_ok(rest, rest_len, &end))
		return false;
	return qd == 0 || rest_len - end < 4 || known_qclass(be16(rest + end + 2));
}

/*
 * From here to make_room() the framing calls itself, to a bounded depth:
 * eat_resync() retries a chunk at most once, resync_found() feeds its
 * probe to feed() in RS_LEN, and make_room() finishes an evicted flow
 * through skip_gap() -> feed(), where that flow is closing and so never
 * calls make_room() again.  NOLINTBEGIN(misc-no-recursion)
 */
static void feed(struct tcp_reasm *t, struct flow *f, uint32_t seq, const uint8_t *p, size_t n,
                 int64_t ts, const struct out *o);
static bool make_room(struct tcp_reasm *t, const struct flow *f, size_t need,
                      const struct out *o);

/*
 * Begin a message of len bytes whose prefix is now complete.  Its buffer
 * comes first from f's own out-of-order data beyond the per-flow bound,
 * then from other flows (make_room); a flow being closed takes it as it
 * is (see the header).  What cannot be had skips the message, keeping
 * the framing.
 */
static void start_message(struct tcp_reasm *t, struct flow *f, uint32_t len, const struct out *o)
{
	f->head_have = 0;
	if (len == 0) {
		t->st.empty_messages++;
		f->state = RS_LEN;
		return;
	}
	f->state = RS_SKIP;
	f->skip = len;
	if (len > t->cfg.max_flow_bytes) {
		t->st.oversize++;
		return;
	}
	while (f->ooo && f->mem + len > t->cfg.max_flow_bytes)
		drop_ooo_last(t, f);
	if (!f->closing && !make_room(t, f, len, o)) {
		while (f->ooo && !budget_fits(t, len))
			drop_ooo_last(t, f);
		if (!budget_fits(t, len)) {
			t->st.partial_dropped++;
			return;
		}
	}
	f->msg = malloc(len);
	if (!f->msg) {
		t->st.nomem++;
		return;
	}
	mem_add(t, f, len);
	f->msg_len = len;
	f->msg_have = 0;
	f->state = RS_BODY;
}

/* RS_LEN: deliver whole messages straight from p, then hold a partial one. */
static size_t eat_len(struct tcp_reasm *t, struct flow *f, uint32_t seq, const uint8_t *p,
                      size_t n, int64_t ts, const struct out *o)
{
	if (f->head_have == 0) {
		size_t off = 0;
		while (n - off >= 2 && n - off - 2 >= be16(p + off)) {
			uint32_t len = be16(p + off);
			if (len)
				deliver(t, f, p + off + 2, len, seq + (uint32_t)off, ts, o);
			else
				t->st.empty_messages++;
			off += 2 + len;
		}
		if (off > 0 || n == 0)
			return off;
		f->msg_seq = seq;
		f->msg_ts = ts;
	}
	f->head[f->head_have++] = p[0];
	if (ts > f->msg_ts)
		f->msg_ts = ts;
	if (f->head_have == 2)
		start_message(t, f, be16(f->head), o);
	return 1;
}

/* RS_BODY: copy into the message buffer; deliver it when full. */
static size_t eat_body(struct tcp_reasm *t, struct flow *f, const uint8_t *p, size_t n,
                       int64_t ts, const struct out *o)
{
	size_t k = f->msg_len - f->msg_have;
	if (k > n)
		k = n;
	memcpy(f->msg + f->msg_have, p, k);
	f->msg_have += (uint32_t)k;
	if (ts > f->msg_ts)
		f->msg_ts = ts;
	if (f->msg_have == f->msg_len) {
		deliver(t, f, f->msg, f->msg_len, f->msg_seq, f->msg_ts, o);
		free_msg(t, f);
		f->state = RS_LEN;
	}
	return k;
}

static size_t eat_skip(struct flow *f, size_t n)
{
	size_t k = f->skip < n ? f->skip : n;
	f->skip -= (uint32_t)k;
	if (f->skip == 0)
		f->state = RS_LEN;
	return k;
}

/* The probe was accepted: count it and run its bytes through the framing. */
static void resync_found(struct tcp_reasm *t, struct flow *f, const struct out *o)
{
	uint8_t probe[PROBE_LEN];
	memcpy(probe, f->head, sizeof(probe));
	t->st.resyncs++;
	f->head_have = 0;
	f->state = RS_LEN;
	feed(t, f, f->msg_seq, probe, sizeof(probe), f->msg_ts, o);
}

/*
 * RS_RESYNC: every call starts a chunk, so a segment boundary and a
 * candidate message start.  Test it in place when the chunk holds a whole
 * probe; otherwise gather PROBE_LEN bytes from the chunks that follow (a
 * lone length prefix is a common segment).  A rejected candidate costs the
 * rest of its chunk: no boundary is known inside it.
 */
static size_t eat_resync(struct tcp_reasm *t, struct flow *f, uint32_t seq, const uint8_t *p,
                         size_t n, int64_t ts, const struct out *o)
{
	if (f->head_have == 0) {
		f->msg_seq = seq;
		f->msg_ts = ts;
		if (n >= PROBE_LEN) {
			if (!plausible_start(p, p + PROBE_LEN, n - PROBE_LEN)) {
				t->st.bad_framing++;
				return n;
			}
			t->st.resyncs++;
			f->state = RS_LEN;
			return 0; /* feed() goes on with the same bytes */
		}
	}
	size_t k = PROBE_LEN - f->head_have;
	if (k > n)
		k = n;
	memcpy(f->head + f->head_have, p, k);
	f->head_have += (uint8_t)k;
	if (ts > f->msg_ts)
		f->msg_ts = ts;
	if (f->head_have < PROBE_LEN)
		return k;
	if (plausible_start(f->head, p + k, n - k)) {
		resync_found(t, f, o);
		return k;
	}
	t->st.bad_framing++;
	f->head_have = 0;
	if (f->msg_seq != seq) /* the probe began earlier: this chunk is a candidate too */
		return eat_resync(t, f, seq, p, n, ts, o);
	return n;
}

/* Run n in-order bytes starting at sequence number seq through the framing. */
static void feed(struct tcp_reasm *t, struct flow *f, uint32_t seq, const uint8_t *p, size_t n,
                 int64_t ts, const struct out *o)
{
	while (n > 0) {
		size_t used;
		switch (f->state) {
		case RS_RESYNC:
			used = eat_resync(t, f, seq, p, n, ts, o);
			break;
		case RS_LEN:
			used = eat_len(t, f, seq, p, n, ts, o);
			break;
		case RS_BODY:
			used = eat_body(t, f, p, n, ts, o);
			break;
		case RS_SKIP:
			used = eat_skip(f, n);
			break;
		default:
			return;
		}
		p += used;
		n -= used;
		seq += (uint32_t)used;
	}
}

/* Consume bytes at f->next_seq. */
static void consume(struct tcp_reasm *t, struct flow *f, const uint8_t *p, size_t n, int64_t ts,
                    const struct out *o)
{
	uint32_t seq = f->next_seq;
	f->next_seq += (uint32_t)n;
	feed(t, f, seq, p, n, ts, o);
}

/* ---------------------------------------------------------- ordering */

/* Consume the out-of-order pieces that the stream has reached. */
static void drain(struct tcp_reasm *t, struct flow *f, const struct out *o)
{
	struct ooo_seg *s;
	while ((s = f->ooo) && seq_le(s->seq, f->next_seq)) {
		f->ooo = s->next;
		uint32_t off = f->next_seq - s->seq;
		if (off < s->len)
			consume(t, f, s->data + off, s->len - off, s->ts, o);
		free_seg(t, f, s);
	}
}

/* Where the current message ends, if the framing knows. */
static bool message_end(const struct flow *f, uint32_t *end)
{
	if (f->state == RS_BODY) {
		*end = f->msg_seq + 2 + f->msg_len;
		return true;
	}
	if (f->state == RS_SKIP) {
		*end = f->next_seq + f->skip;
		return true;
	}
	return false;
}

/*
 * Give up on the bytes before target (ahead of next_seq): keep the framing
 * if the hole ends inside the current message, else resynchronise.
 */
static void skip_gap(struct tcp_reasm *t, struct flow *f, uint32_t target, const struct out *o)
{
	uint32_t end;
	bool framed = message_end(f, &end) && seq_le(target, end);
	t->st.gaps++;
	t->st.gap_bytes += target - f->next_seq;
	drop_partial(t, f);
	if (framed) {
		f->skip = end - target;
		f->state = f->skip ? RS_SKIP : RS_LEN;
	} else {
		f->state = RS_RESYNC;
	}
	f->next_seq = target;
	drain(t, f, o);
}

static struct ooo_seg *new_seg(uint32_t seq, const uint8_t *data, uint32_t len, int64_t ts)
{
	struct ooo_seg *s = malloc(sizeof(*s) + len);
	if (!s)
		return NULL;
	s->next = NULL;
	s->ts = ts;
	s->seq = seq;
	s->len = len;
	memcpy(s->data, data, len);
	return s;
}

/*
 * Walk the pieces of [seq, seq + n) not yet held (first copy wins) and
 * return the bytes and count they need; with commit, insert them.
 */
static size_t place(struct tcp_reasm *t, struct flow *f, uint32_t seq, const uint8_t *data,
                    uint32_t n, int64_t ts, bool commit, size_t *npieces)
{
	struct ooo_seg **link = &f->ooo;
	uint32_t s = seq, e = seq + n;
	size_t need = 0;
	*npieces = 0;
	while (seq_lt(s, e)) {
		struct ooo_seg *cur = *link;
		if (cur && seq_le(cur->seq, s)) {
			uint32_t cur_end = cur->seq + cur->len;
			if (seq_lt(s, cur_end))
				s = seq_lt(cur_end, e) ? cur_end : e;
			link = &cur->next;
			continue;
		}
		uint32_t piece_end = (cur && seq_lt(cur->seq, e)) ? cur->seq : e;
		uint32_t len = piece_end - s;
		need += sizeof(struct ooo_seg) + len;
		++*npieces;
		if (commit) {
			struct ooo_seg *node = new_seg(s, data + (s - seq), len, ts);
			if (!node) {
				t->st.nomem++;
				t->st.ooo_dropped++;
				return need;
			}
			node->next = cur;
			*link = node;
			link = &node->next;
			f->nooo++;
			mem_add(t, f, sizeof(*node) + len);
		}
		s = piece_end;
	}
	return need;
}

/*
 * Hold a segment ahead of the stream; false if it does not fit the bounds
 * (the global one after evicting other flows).
 */
static bool hold(struct tcp_reasm *t, struct flow *f, uint32_t seq, const uint8_t *data,
                 uint32_t n, int64_t ts, const struct out *o)
{
	size_t pieces;
	size_t need = place(t, f, seq, data, n, ts, false, &pieces);
	if (pieces == 0) {
		t->st.retransmits++;
		return true;
	}
	if (f->mem + need > t->cfg.max_flow_bytes || f->nooo + pieces > OOO_MAX_SEGS)
		return false;
	if (!make_room(t, f, need, o))
		return false;
	if (need != sizeof(struct ooo_seg) + n)
		t->st.overlaps++;
	t->st.ooo_segments++;
	place(t, f, seq, data, n, ts, true, &pieces);
	return true;
}

/* Place a segment's data relative to the stream. */
static void segment_data(struct tcp_reasm *t, struct flow *f, uint32_t seq, const uint8_t *data,
                         uint32_t n, int64_t ts, const struct out *o)
{
	for (;;) {
		uint32_t ahead = seq - f->next_seq;
		if (ahead == 0 || (ahead & 0x80000000u)) {
			uint32_t old = f->next_seq - seq;
			if (old >= n) {
				t->st.retransmits++;
				return;
			}
			if (old)
				t->st.overlaps++;
			consume(t, f, data + old, n - old, ts, o);
			drain(t, f, o);
			return;
		}
		if (ahead >= TCP_WINDOW_MAX) {
			t->st.bad_seq++;
			return;
		}
		if (hold(t, f, seq, data, n, ts, o))
			return;
		/* Over the bound: the first hole is not coming back. */
		uint32_t target = seq;
		if (f->ooo && seq_lt(f->ooo->seq, seq))
			target = f->ooo->seq;
		skip_gap(t, f, target, o);
	}
}

/* ---------------------------------------------------------- flow life */

/*
 * End a half-stream: skip its holes to deliver what it holds (or drop the
 * pieces when deliver is false), count a partial message, mark it closed.
 */
static void finish_flow(struct tcp_reasm *t, struct flow *f, bool deliver_held,
                        const struct out *o)
{
	if (f->state == RS_CLOSED)
		return;
	f->closing = true;
	if (deliver_held)
		while (f->ooo && f->state != RS_CLOSED)
			skip_gap(t, f, f->ooo->seq, o);
	f->closing = false;
	drop_ooo(t, f, true);
	drop_partial(t, f);
	f->state = RS_CLOSED;
}

/* Unlink and free a flow. */
static void remove_flow(struct tcp_reasm *t, struct flow *f)
{
	struct flow **link = &t->bucket[f->hash & (t->nbucket - 1)];
	while (*link != f)
		link = &(*link)->hnext;
	*link = f->hnext;
	lru_unlink(t, f);
	if (f->peer)
		f->peer->peer = NULL;
	drop_ooo(t, f, false);
	free_msg(t, f);
	free(f);
	t->count--;
	t->st.active_flows--;
}

/*
 * Whether need more bytes fit the global budget, after evicting as many
 * of the least recently active flows holding memory as it takes (never f
 * nor the flow of the segment being taken in).  Evicted flows deliver what
 * they can, as on any eviction.  O(1) per flow evicted: flows holding
 * nothing are not on the list walked.
 */
static bool make_room(struct tcp_reasm *t, const struct flow *f, size_t need,
                      const struct out *o)
{
	while (!budget_fits(t, need)) {
		struct flow *v = t->mem_oldest;
		while (v && (v == f || v == t->busy))
			v = v->mem_newer;
		if (!v)
			return false;
		t->st.evicted_for_memory++;
		finish_flow(t, v, true, o);
		remove_flow(t, v);
	}
	return true;
}
/* NOLINTEND(misc-no-recursion) */

/* Set a flow to the start of a stream: after a SYN, or mid-stream at seq. */
static void flow_init(struct tcp_reasm *t, struct flow *f, const struct pkt *p, int64_t ts)
{
	bool syn = (p->tcp_flags & PKT_TCP_SYN) != 0;
	f->last_ts = ts;
	f->state = syn ? RS_LEN : RS_RESYNC;
	f->next_seq = p->tcp_seq + (syn ? 1 : 0);
	f->isn = p->tcp_seq;
	f->have_isn = syn;
	f->have_fin = false;
	f->head_have = 0;
	t->st.flows++;
}

static struct flow *flow_create(struct tcp_reasm *t, const struct flow_key *k, uint64_t h,
                                const struct pkt *p, int64_t ts, const struct out *o)
{
	if (t->count >= t->cfg.max_flows && t->oldest) {
		struct flow *victim = t->oldest;
		if (victim->state != RS_CLOSED)
			t->st.evicted_flows++;
		finish_flow(t, victim, true, o);
		remove_flow(t, victim);
	}
	struct flow *f = calloc(1, sizeof(*f));
	if (!f) {
		t->st.nomem++;
		return NULL;
	}
	f->key = *k;
	f->hash = h;
	flow_init(t, f, p, ts);
	/* Found once here, so that an ACK costs no lookup (on_peer_ack). */
	struct flow_key rk = key_of(p, true);
	f->peer = lookup(t, &rk, key_hash(t, &rk));
	if (f->peer)
		f->peer->peer = f;
	if (t->count >= t->nbucket)
		grow(t);
	size_t i = h & (t->nbucket - 1);
	f->hnext = t->bucket[i];
	t->bucket[i] = f;
	lru_push(t, f);
	t->count++;
	t->st.active_flows++;
	return f;
}

/* A SYN: the first, a retransmitted one, or a new connection on old ports. */
static struct flow *on_syn(struct tcp_reasm *t, struct flow *f, const struct flow_key *k,
                           uint64_t h, const struct pkt *p, int64_t ts, const struct out *o)
{
	if (!f)
		return flow_create(t, k, h, p, ts, o);
	if (f->have_isn && f->isn == p->tcp_seq)
		return f;
	finish_flow(t, f, true, o);
	drop_ooo(t, f, false);
	flow_init(t, f, p, ts);
	return f;
}

/* Close this direction once the stream has reached its FIN. */
static void check_fin(struct tcp_reasm *t, struct flow *f)
{
	if (f->state != RS_CLOSED && f->have_fin && seq_le(f->fin_seq, f->next_seq)) {
		drop_ooo(t, f, true); /* data beyond the FIN is bogus */
		drop_partial(t, f);
		f->state = RS_CLOSED;
		t->st.closed_flows++;
	}
}

static void check_gap_timeout(struct tcp_reasm *t, struct flow *f, int64_t ts, const struct out *o)
{
	int64_t limit = t->cfg.gap_timeout_us;
	if (limit <= 0)
		return;
	while (f->ooo && f->state != RS_CLOSED && ts - f->ooo->ts >= limit)
		skip_gap(t, f, f->ooo->seq, o);
}

/*
 * The other direction acknowledged every byte of f before ack.  Its
 * receiver holds them, so a hole ending there was lost by the sensor alone
 * and will not be retransmitted: skip it now rather than hold the data
 * behind it until gap_timeout while the replies to those messages go by.
 * An ACK inside a hole proves nothing about the rest of it; one beyond
 * everything seen (data missed at the tail) has nothing to release, and
 * moving next_seq there would turn data the sensor sees late into
 * "retransmissions": the next segment is held until an ACK covers its
 * start instead.
 */
static void on_peer_ack(struct tcp_reasm *t, struct flow *f, uint32_t ack, const struct out *o)
{
	if (!f || f->state == RS_CLOSED)
		return;
	uint32_t ahead = ack - f->next_seq;
	if (ahead == 0 || (ahead & 0x80000000u)) /* old news: nothing beyond the stream */
		return;
	if (ahead >= TCP_WINDOW_MAX) {
		t->st.bad_seq++;
		return;
	}
	while (f->ooo && f->state != RS_CLOSED && seq_le(f->ooo->seq, ack))
		skip_gap(t, f, f->ooo->seq, o);
	/* a FIN behind the hole: the receiver has everything up to it */
	if (f->have_fin && seq_lt(f->next_seq, f->fin_seq) && seq_le(f->fin_seq, ack))
		skip_gap(t, f, f->fin_seq, o);
	check_fin(t, f);
}

/* Close a half-stream on RST, delivering what it holds. */
static void reset_flow(struct tcp_reasm *t, struct flow *f, const struct out *o)
{
	if (f && f->state != RS_CLOSED) {
		finish_flow(t, f, true, o);
		t->st.closed_flows++;
	}
}

/*
 * RST aborts both directions.  A passive observer cannot check it against
 * the receiver's window exactly, so it only has to lie within the largest
 * window of the sender's stream position.
 */
static void on_rst(struct tcp_reasm *t, struct flow *f, const struct pkt *p, int64_t ts,
                   const struct out *o)
{
	if (f && f->state != RS_CLOSED) {
		uint32_t ahead = p->tcp_seq - f->next_seq, behind = f->next_seq - p->tcp_seq;
		if (ahead >= TCP_WINDOW_MAX && behind > TCP_WINDOW_MAX) {
			t->st.bad_seq++;
			return;
		}
	}
	struct flow_key rk = key_of(p, true);
	struct flow *r = lookup(t, &rk, key_hash(t, &rk));
	if (f)
		touch(t, f, ts);
	reset_flow(t, f, o);
	reset_flow(t, r, o);
}

/* ---------------------------------------------------------- public */

struct tcp_reasm *tcp_reasm_new(const struct tcp_reasm_config *cfg, const struct hash_key *key)
{
	struct tcp_reasm *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	if (t->cfg.max_flows == 0)
		t->cfg.max_flows = TCP_REASM_DEFAULT_MAX_FLOWS;
	if (t->cfg.max_flow_bytes == 0)
		t->cfg.max_flow_bytes = TCP_REASM_DEFAULT_MAX_FLOW_BYTES;
	if (t->cfg.idle_timeout_us == 0)
		t->cfg.idle_timeout_us = TCP_REASM_DEFAULT_IDLE_TIMEOUT_US;
	if (t->cfg.gap_timeout_us == 0)
		t->cfg.gap_timeout_us = TCP_REASM_DEFAULT_GAP_TIMEOUT_US;
	if (t->cfg.max_total_bytes == 0)
		t->cfg.max_total_bytes = TCP_REASM_DEFAULT_TOTAL_BYTES;
	/* one flow alone must fit the budget (so make_room can always succeed for it) */
	if (t->cfg.max_flow_bytes > t->cfg.max_total_bytes)
		t->cfg.max_flow_bytes = t->cfg.max_total_bytes;
	t->nbucket = MIN_BUCKETS;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	t->bucket = calloc(t->nbucket, sizeof(*t->bucket));
	if (!t->bucket) {
		free(t);
		return NULL;
	}
	t->hkey = *key;
	return t;
}

void tcp_reasm_free(struct tcp_reasm *t)
{
	if (!t)
		return;
	while (t->oldest)
		remove_flow(t, t->oldest);
	free(t->bucket);
	free(t);
}

void tcp_reasm_segment(struct tcp_reasm *t, const struct pkt *p, int64_t ts_us,
                       tcp_reasm_msg_cb cb, void *ctx)
{
	const struct out o = {cb, ctx};
	t->st.segments++;
	if (p->proto != PKT_PROTO_TCP)
		return;
	if (p->len >= TCP_WINDOW_MAX) {
		t->st.bad_seq++;
		return;
	}
	struct flow_key k = key_of(p, false);
	uint64_t h = key_hash(t, &k);
	struct flow *f = lookup(t, &k, h);
	if (p->tcp_flags & PKT_TCP_RST) {
		on_rst(t, f, p, ts_us, &o);
		return;
	}
	if (p->tcp_flags & PKT_TCP_SYN)
		f = on_syn(t, f, &k, h, p, ts_us, &o);
	else if (!f && p->len > 0)
		f = flow_create(t, &k, h, p, ts_us, &o);
	/*
	 * The peer's held data goes first: messages behind a hole the ACK
	 * covers were sent before this segment's data (a reply to them).
	 */
	bool ack = (p->tcp_flags & PKT_TCP_ACK) != 0;
	if (!f) {
		if (ack) { /* e.g. a pure ACK from a direction that sent no data yet */
			struct flow_key rk = key_of(p, true);
			on_peer_ack(t, lookup(t, &rk, key_hash(t, &rk)), p->tcp_ack, &o);
		}
		return;
	}
	touch(t, f, ts_us);
	t->busy = f; /* the peer's ACK processing must not evict f for memory */
	if (ack)
		on_peer_ack(t, f->peer, p->tcp_ack, &o);
	if (f->state == RS_CLOSED) {
		if (p->len > 0)
			t->st.late_segments++;
		t->busy = NULL;
		return;
	}
	uint32_t seq = p->tcp_seq + ((p->tcp_flags & PKT_TCP_SYN) ? 1 : 0);
	uint32_t n = (uint32_t)p->len;
	/* A FIN behind the stream contradicts data already consumed: ignore it. */
	if ((p->tcp_flags & PKT_TCP_FIN) && !p->truncated && !f->have_fin &&
	    seq + n - f->next_seq < TCP_WINDOW_MAX) {
		f->fin_seq = seq + n;
		f->have_fin = true;
	}
	if (n > 0)
		segment_data(t, f, seq, p->payload, n, ts_us, &o);
	check_gap_timeout(t, f, ts_us, &o);
	check_fin(t, f);
	t->busy = NULL;
}

void tcp_reasm_expire(struct tcp_reasm *t, int64_t now_us, tcp_reasm_msg_cb cb, void *ctx)
{
	const struct out o = {cb, ctx};
	struct flow *f;
	while ((f = t->oldest) && f->last_ts <= now_us - t->cfg.idle_timeout_us) {
		if (f->state != RS_CLOSED)
			t->st.expired_flows++;
		finish_flow(t, f, true, &o);
		remove_flow(t, f);
	}
}

void tcp_reasm_flush(struct tcp_reasm *t, tcp_reasm_msg_cb cb, void *ctx)
{
	const struct out o = {cb, ctx};
	struct flow *f;
	while ((f = t->oldest)) {
		/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): lru_unlink() moves t->oldest on */
		finish_flow(t, f, true, &o);
		remove_flow(t, f);
	}
}

const struct tcp_reasm_stats *tcp_reasm_stats(const struct tcp_reasm *t)
{
	return &t->st;
}
