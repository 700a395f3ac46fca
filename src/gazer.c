/* gazer.c - the packet-to-event pipeline, see gazer.h. */
#include "config.h"

#include "gazer.h"

#include <stdlib.h>
#include <string.h>

#include "dns_msg.h"
#include "event.h"
#include "hash.h"
#include "ioc_match.h"
#include "ip_defrag.h"
#include "tcp_reasm.h"
#include "tx_table.h"

struct gazer {
	struct gazer_config cfg;
	struct sink *const *sinks;
	size_t nsinks;
	struct stats *stats;
	struct tx_table *table;
	struct ip_defrag *defrag;
	struct tcp_reasm *tcp;
	struct dns_parser parser;  /* the message being handled */
	struct dns_parser stored;  /* a pending query being logged */
	int64_t now_us;            /* newest time seen */
	bool have_now;
	uint8_t portmap[65536 / 8];
	const struct ioc_set *ioc; /* NULL: no matching */
	uint32_t ioc_gen;          /* counts the sets given: which lists a query met */
	struct ioc_hits hits;      /* of the transaction being logged */
	bool looks_ahead;          /* the lists are worth prefetching for */
};

struct gazer *gazer_new(const struct gazer_config *cfg, struct sink *const *sinks, size_t nsinks,
                        struct stats *stats)
{
	struct hash_key key;
	if (hash_key_random(&key) < 0)
		return NULL;
	struct gazer *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->cfg = *cfg;
	if (!g->cfg.alert_tag)
		g->cfg.alert_tag = "dns-gazer.dns.alert";
	g->sinks = sinks;
	g->nsinks = nsinks;
	g->stats = stats;
	g->table = tx_table_new(cfg->max_pending, &key);
	g->defrag = ip_defrag_new(NULL, &key);
	g->tcp = tcp_reasm_new(NULL, &key);
	bool ok = g->table && g->defrag && g->tcp && dns_parser_init(&g->parser) == 0 &&
	          dns_parser_init(&g->stored) == 0;
	if (!ok) {
		gazer_free(g);
		return NULL;
	}
	for (size_t i = 0; i < cfg->nports; i++)
		g->portmap[cfg->ports[i] >> 3] |= (uint8_t)(1u << (cfg->ports[i] & 7));
	return g;
}

void gazer_free(struct gazer *g)
{
	if (!g)
		return;
	tx_table_free(g->table);
	ip_defrag_free(g->defrag);
	tcp_reasm_free(g->tcp);
	dns_parser_free(&g->parser);
	dns_parser_free(&g->stored);
	free(g);
}

static bool is_dns_port(const struct gazer *g, uint16_t port)
{
	return (g->portmap[port >> 3] >> (port & 7)) & 1;
}

/* Generations of the lists, as ioc_mark() keeps them. */
#define MARK_GEN_MAX (UINT32_MAX >> 9)

void gazer_set_ioc(struct gazer *g, const struct ioc_set *set)
{
	g->ioc = set;
	g->ioc_gen = (g->ioc_gen + 1) & MARK_GEN_MAX;
	g->looks_ahead = set && ioc_set_prefetches(set);
	if (set)
		ioc_hits_init(&g->hits, set);
}

/*
 * What a pending query's mark says: the lists it was matched against when
 * it came (their generation, modulo 2^23), the labels of the suffix of its
 * question found clean (ioc_match_qname's count: at most 127) and whether
 * it matched.
 */
static uint32_t ioc_mark(const struct gazer *g, bool hit, unsigned qclean)
{
	return g->ioc_gen << 9 | (qclean & 0xFF) << 1 | (hit ? 1u : 0u);
}

/* An alert event to every sink for hits[from..n). */
static void emit_alerts(struct gazer *g, const struct tx_view *tx, size_t from)
{
	for (size_t k = from; k < g->hits.n; k++) {
		struct alert_view av = {.tx = tx, .hit = &g->hits.hit[k]};
		struct sink_event ev = {.kind = SINK_EVENT_ALERT, .tag = g->cfg.alert_tag,
		                        .ts_us = alert_view_time(&av),
		                        .write = event_alert, .arg = &av};
		g->stats->ioc_alerts++;
		for (size_t i = 0; i < g->nsinks; i++)
			sink_event(g->sinks[i], &ev);
	}
}

/*
 * Match what a query says as it comes, into g->hits: its question and the
 * endpoints.  Only the question of a query is parsed before its reply (the
 * rest waits in tx_table), and that is what the client asks.  Returns what
 * ioc_match_qname() found clean of the question.
 */
static unsigned match_arrival(struct gazer *g, const struct dns_msg *q, const struct tx_key *key)
{
	unsigned qclean = ioc_match_qname(&g->hits, q);
	ioc_match_addr(&g->hits, &key->client, "client_addr");
	ioc_match_addr(&g->hits, &key->server, "server_addr");
	return qclean;
}

/*
 * Match a transaction about to be logged and alert on what is new: the
 * question and endpoints were matched, and alerted on, when the query
 * came (mark, from ioc_mark(), says against which lists, whether they
 * matched, so a clean question is not looked up again, and how much of it
 * was clean, for the names that point into it); the rest of the query and
 * the reply are matched now.  If the lists were reloaded since,
 * the question is matched again, against the new ones; its alerts then go
 * out unless the old lists had matched it (and alerted) already.
 */
static void match_tx(struct gazer *g, struct tx_view *tx, const struct tx_key *key,
                     uint32_t mark)
{
	bool same_lists = mark >> 9 == g->ioc_gen, hit = mark & 1;
	unsigned qclean = mark >> 1 & 0xFF;
	ioc_hits_clear(&g->hits);
	if (tx->query && (hit || !same_lists))
		qclean = match_arrival(g, tx->query, key);
	size_t from = tx->query && !same_lists && !hit ? 0 : g->hits.n;
	/* a reply's question needs no look-up only if its query had the same one */
	bool asked = tx->query && tx->query->has_question;
	if (tx->query)
		ioc_match_msg(&g->hits, tx->query, false, true, qclean);
	if (tx->reply) {
		if (!tx->query) {
			ioc_match_addr(&g->hits, &key->client, "client_addr");
			ioc_match_addr(&g->hits, &key->server, "server_addr");
			for (size_t k = from; k < g->hits.n; k++)
				g->hits.hit[k].reply = true;
		}
		ioc_match_msg(&g->hits, tx->reply, true, asked, qclean);
	}
	if (g->hits.n == 0)
		return;
	tx->ioc = &g->hits;
	g->stats->ioc_tx++;
	emit_alerts(g, tx, from);
}

static void emit_tx(struct gazer *g, struct tx_view *tx, const struct tx_key *key, uint32_t mark)
{
	g->stats->tx[tx->status]++;
	if (g->ioc)
		match_tx(g, tx, key, mark);
	for (size_t i = 0; i < g->nsinks; i++)
		if (!g->sinks[i]->alerts_only)
			sink_tx(g->sinks[i], tx);
}

static void emit_records(struct gazer *g, const struct tx_view *tx, bool reply)
{
	if (!g->cfg.records)
		return;
	const struct dns_msg *m = reply ? tx->reply : tx->query;
	for (size_t r = 0; r < m->nrr; r++)
		for (size_t i = 0; i < g->nsinks; i++)
			if (!g->sinks[i]->alerts_only)
				sink_record(g->sinks[i], tx, reply, &m->rr[r]);
}

static void view_from_key(struct tx_view *tx, const struct tx_key *k)
{
	tx->proto = k->proto;
	tx->id = k->id;
	tx->client_port = k->client_port;
	tx->server_port = k->server_port;
	net_addr_format(&k->client, tx->client);
	net_addr_format(&k->server, tx->server);
}

#define PORT_MDNS 5353
#define PORT_LLMNR 5355

/*
 * mDNS (RFC 6762 5.4, 10.2) borrows the class's top bit: "unicast
 * response wanted" in questions, "cache flush" in records.  Take it off
 * so the class reads IN, and keep it as a flag.
 */
static void strip_mdns_bit(struct dns_msg *m)
{
	for (size_t i = 0; i < m->nrr; i++) {
		struct dns_rr *rr = &m->rr[i];
		if (rr->rclass & 0x8000u) {
			rr->rclass &= 0x7FFFu;
			rr->mdns_bit = true;
		}
	}
	m->qclass &= 0x7FFFu;
}

/*
 * The multicast group a link-local resolver sends its queries to, for the
 * port a reply came from (RFC 6762 mDNS, RFC 4795 LLMNR).  False when the
 * port is neither.
 */
static bool multicast_group(uint16_t port, int family, struct net_addr *group)
{
	static const uint8_t mdns6[16] = {0xff, 0x02, [15] = 0xfb};
	static const uint8_t llmnr6[16] = {0xff, 0x02, [13] = 0x01, [14] = 0x00, [15] = 0x03};
	static const uint8_t mdns4[4] = {224, 0, 0, 251}, llmnr4[4] = {224, 0, 0, 252};
	if (port != PORT_MDNS && port != PORT_LLMNR)
		return false;
	if (family == 4)
		net_addr_set4(group, port == PORT_MDNS ? mdns4 : llmnr4);
	else
		net_addr_set6(group, port == PORT_MDNS ? mdns6 : llmnr6);
	return true;
}

/*
 * Parse a stored query into q, to log it.  Only its question was read when
 * it came in (unless its records were logged then, with -R), so this is
 * where its status is counted.  It has a header, so this only fails on
 * out-of-memory; returns false then.
 */
static bool parse_stored(struct gazer *g, const struct tx_entry *e, struct dns_msg *q)
{
	dns_parser_reset(&g->stored);
	enum dns_msg_status s = dns_msg_parse(&g->stored, tx_entry_msg(e), e->msg_len, q);
	if (!g->cfg.records)
		g->stats->dns[s]++;
	if (!dns_msg_usable(s))
		return false;
	if (e->key.client_port == PORT_MDNS || e->key.server_port == PORT_MDNS)
		strip_mdns_bit(q);
	return true;
}

/* Log a pending query that got no reply, and free it. */
static void log_no_reply(struct gazer *g, struct tx_entry *e)
{
	struct dns_msg q;
	if (parse_stored(g, e, &q)) {
		struct tx_view tx = {.status = TX_NO_REPLY, .query = &q, .query_us = e->ts_us};
		view_from_key(&tx, &e->key);
		emit_tx(g, &tx, &e->key, e->mark);
	}
	tx_entry_free(e);
}

/* A DNS message reassembled from a TCP stream (the length prefix removed). */
static void on_tcp_message(void *ctx, const struct pkt *p, const uint8_t *msg, size_t len,
                           int64_t ts_us)
{
	struct gazer *g = ctx;
	struct pkt m = *p;
	m.payload = msg;
	m.len = len;
	gazer_message(g, &m, ts_us);
}

void gazer_tick(struct gazer *g, int64_t now_us)
{
	if (!g->have_now || now_us > g->now_us) {
		g->now_us = now_us;
		g->have_now = true;
	}
	struct tx_entry *e;
	while ((e = tx_table_pop_expired(g->table, g->now_us, g->cfg.timeout_us)))
		log_no_reply(g, e);
	ip_defrag_expire(g->defrag, g->now_us);
	tcp_reasm_expire(g->tcp, g->now_us, on_tcp_message, g);
}

void gazer_sync_stats(struct gazer *g)
{
	g->stats->tcp = *tcp_reasm_stats(g->tcp);
	g->stats->defrag = *ip_defrag_stats(g->defrag);
}

void gazer_drain(struct gazer *g)
{
	/* messages still held behind TCP holes are logged before the queries */
	tcp_reasm_flush(g->tcp, on_tcp_message, g);
	gazer_sync_stats(g);
	struct tx_entry *e;
	while ((e = tx_table_pop_oldest(g->table)))
		log_no_reply(g, e);
}

/*
 * The pending query a reply answers: same key, or, for a reply from a
 * link-local responder, a query that was sent to the multicast group.
 */
static struct tx_entry *find_query(struct gazer *g, const struct tx_key *key,
                                   const struct tx_question *q)
{
	struct tx_entry *e = tx_table_take(g->table, key, q);
	struct tx_key group = *key;
	if (!e && multicast_group(key->server_port, key->server.family, &group.server))
		e = tx_table_take(g->table, &group, q);
	return e;
}

static void question_of(const struct dns_msg *m, struct tx_question *q)
{
	q->name = m->has_question ? m->qname : NULL;
	q->name_len = m->qname_len;
	q->type = m->qtype;
	q->rclass = m->qclass;
}

static void handle_query(struct gazer *g, const struct pkt *p, const struct dns_msg *m,
                         int64_t ts_us)
{
	struct tx_key key = {.client = p->src, .server = p->dst, .client_port = p->sport,
	                     .server_port = p->dport, .id = m->id, .proto = p->proto};
	struct tx_question q;
	question_of(m, &q);
	/*
	 * The query is paired (and what it pushes out logged) before it is
	 * matched: the filter line its question needs, asked for when the
	 * frame was decoded (gazer_decode_ahead), comes meanwhile, and g->hits
	 * is free after.  A second query with the same key: the first is
	 * logged unanswered.
	 */
	struct tx_entry *old = tx_table_take(g->table, &key, NULL);
	if (old) {
		g->stats->duplicate_queries++;
		log_no_reply(g, old);
	}
	while (tx_table_full(g->table)) {
		g->stats->evicted++;
		log_no_reply(g, tx_table_pop_oldest(g->table));
	}
	bool stored = tx_table_add(g->table, &key, &q, ts_us, p->payload, p->len) == 0;
	if (!stored)
		g->stats->dns[DNS_MSG_NO_MEMORY]++;
	bool hit = false;
	unsigned qclean = 0;
	if (g->ioc) {
		ioc_hits_clear(&g->hits);
		qclean = match_arrival(g, m, &key);
		hit = g->hits.n > 0;
	}
	/* The view (addresses as text) only for what is written now: most
	 * queries just wait for their reply. */
	struct tx_view tx = {.status = TX_NO_REPLY, .query = m, .query_us = ts_us};
	if (hit || g->cfg.records)
		view_from_key(&tx, &key);
	if (hit) /* alert now, as the client asks, not when the transaction ends */
		emit_alerts(g, &tx, 0);
	if (!stored)
		return;
	tx_table_newest(g->table)->mark = ioc_mark(g, hit, qclean);
	emit_records(g, &tx, false);
}

static void handle_reply(struct gazer *g, const struct pkt *p, const struct dns_msg *m,
                         int64_t ts_us)
{
	struct tx_key key = {.client = p->dst, .server = p->src, .client_port = p->dport,
	                     .server_port = p->sport, .id = m->id, .proto = p->proto};
	struct tx_question q;
	question_of(m, &q);

	struct tx_view tx = {.status = TX_NO_QUERY, .reply = m, .reply_us = ts_us};
	view_from_key(&tx, &key);
	struct tx_entry *e = find_query(g, &key, &q);
	struct dns_msg query;
	if (e && parse_stored(g, e, &query)) {
		tx.status = TX_SUCCESS;
		tx.query = &query;
		tx.query_us = e->ts_us;
	}
	/* the stored query's bytes stay until the tx is matched and logged */
	emit_tx(g, &tx, &key, e ? e->mark : ioc_mark(g, false, 0));
	tx_entry_free(e);
	emit_records(g, &tx, true);
}

/* Whether a message is a query with nothing to log before its reply. */
static bool question_is_enough(const struct gazer *g, const struct pkt *p)
{
	return !g->cfg.records && p->len >= DNS_HEADER_LEN && !(p->payload[2] & (DNS_FLAG_QR >> 8));
}

void gazer_message(struct gazer *g, const struct pkt *p, int64_t ts_us)
{
	struct dns_msg m;
	/*
	 * A query is stored until its reply comes and is parsed in full only
	 * then (parse_stored): here its question, for pairing, is enough.
	 */
	if (question_is_enough(g, p)) {
		dns_msg_parse_question(p->payload, p->len, &m);
		if (p->sport == PORT_MDNS || p->dport == PORT_MDNS)
			m.qclass &= 0x7FFFu;
		g->stats->queries++;
		handle_query(g, p, &m, ts_us);
		return;
	}
	dns_parser_reset(&g->parser);
	enum dns_msg_status s = dns_msg_parse(&g->parser, p->payload, p->len, &m);
	g->stats->dns[s]++;
	if (!dns_msg_usable(s))
		return;
	if (p->sport == PORT_MDNS || p->dport == PORT_MDNS)
		strip_mdns_bit(&m);
	if (dns_msg_is_reply(&m)) {
		g->stats->replies++;
		handle_reply(g, p, &m, ts_us);
	} else {
		g->stats->queries++;
		handle_query(g, p, &m, ts_us);
	}
}

/*
 * Hand a fragment to the reassembler; when it completes a datagram, p
 * describes the datagram's UDP or TCP payload (in the reassembler's
 * buffer, valid until its next call) and PKT_OK is returned.
 */
static enum pkt_status reassemble(struct gazer *g, struct pkt *p, int64_t ts_us)
{
	const uint8_t *data;
	size_t len;
	int done = ip_defrag_add(g->defrag, p, ts_us, &data, &len);
	if (done != 1)
		return PKT_FRAGMENT;
	enum pkt_status s = pkt_decode_transport(p->frag.proto, data, len, p);
	if (s != PKT_OK)
		g->stats->pkt[s]++;
	return s;
}

void gazer_frame(struct gazer *g, int linktype, int64_t ts_us, const uint8_t *frame,
                 size_t caplen, size_t wirelen)
{
	struct gazer_ahead a;
	a.status = pkt_decode(linktype, frame, caplen, &a.p);
	gazer_frame_decoded(g, &a, ts_us, caplen, wirelen);
}

bool gazer_looks_ahead(const struct gazer *g)
{
	return g->looks_ahead;
}

/*
 * What matching a query's question will read first is asked for from
 * memory as the frame comes (with a million names, most of what matching
 * cost was that wait).  Replies need not: their question was looked up
 * with the query.
 */
void gazer_decode_ahead(const struct gazer *g, int linktype, const uint8_t *frame, size_t caplen,
                        struct gazer_ahead *a)
{
	const struct pkt *p = &a->p;
	a->status = pkt_decode(linktype, frame, caplen, &a->p);
	if (a->status == PKT_OK && g->looks_ahead && p->proto == PKT_PROTO_UDP &&
	    (is_dns_port(g, p->sport) || is_dns_port(g, p->dport)) && p->len > DNS_HEADER_LEN &&
	    !(p->payload[2] & (DNS_FLAG_QR >> 8)))
		ioc_prefetch_name_at(g->ioc, p->payload, p->len, DNS_HEADER_LEN);
}

void gazer_frame_decoded(struct gazer *g, struct gazer_ahead *a, int64_t ts_us, size_t caplen,
                         size_t wirelen)
{
	struct pkt *p = &a->p;
	enum pkt_status s = a->status;
	g->stats->packets++;
	g->stats->bytes += caplen;
	if (caplen < wirelen)
		g->stats->truncated++;
	gazer_tick(g, ts_us);
	g->stats->pkt[s]++;
	if (s == PKT_FRAGMENT)
		s = reassemble(g, p, ts_us);
	if (s != PKT_OK)
		return;
	/*
	 * Headers that claim more than the frame held on the wire (not a short
	 * snap length): a receiving stack drops such a datagram, so a reply
	 * forged this way must not be logged as answered.
	 */
	if (p->truncated && caplen >= wirelen) {
		g->stats->bad_length++;
		return;
	}
	if (!is_dns_port(g, p->sport) && !is_dns_port(g, p->dport)) {
		g->stats->not_dns_port++;
		return;
	}
	if (p->proto == PKT_PROTO_TCP) {
		tcp_reasm_segment(g->tcp, p, ts_us, on_tcp_message, g);
		return;
	}
	gazer_message(g, p, ts_us);
}
