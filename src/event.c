/* event.c - event contents, see event.h. */
#include "config.h"

#include "event.h"

#include <stdio.h>
#include <string.h>

#include "dns_name.h"
#include "dns_types.h"
#include "tbuf.h"

#define PROTO_TCP 6

const char *tx_status_str(enum tx_status s)
{
	static const char *const names[TX__COUNT] = {"success", "no_reply", "no_query"};
	return (unsigned)s < TX__COUNT ? names[s] : "unknown";
}

static void put_strn(const struct emitter *e, const char *k, const char *v, size_t n)
{
	e->ops->key(e->ctx, k);
	e->ops->str(e->ctx, v, n);
}

static void put_str(const struct emitter *e, const char *k, const char *v)
{
	put_strn(e, k, v, strlen(v));
}

static void put_uint(const struct emitter *e, const char *k, uint64_t v)
{
	e->ops->key(e->ctx, k);
	e->ops->uint(e->ctx, v);
}

static void put_usec(const struct emitter *e, const char *k, int64_t us)
{
	e->ops->key(e->ctx, k);
	e->ops->usec(e->ctx, us);
}

static void put_bool(const struct emitter *e, const char *k, bool v)
{
	e->ops->key(e->ctx, k);
	e->ops->boolean(e->ctx, v);
}

static const char *proto_str(uint8_t proto)
{
	return proto == PROTO_TCP ? "tcp" : "udp";
}

static void put_rcode(const struct emitter *e, const struct dns_msg *m)
{
	char buf[16];
	put_str(e, "rcode", dns_rcode_str((uint16_t)dns_msg_rcode(m), buf));
}

/* One record inside a query or reply array. */
static void record_map(const struct emitter *e, const struct dns_rr *rr, unsigned opcode)
{
	char tbuf[16], cbuf[16];
	bool q = rr->section == DNS_SEC_QUESTION;
	e->ops->map_begin(e->ctx, (q ? 4 : 6) + rr->mdns_bit);
	if (rr->mdns_bit && !q)
		put_bool(e, "cache_flush", true);
	put_str(e, "class", dns_class_str(rr->rclass, cbuf));
	if (!q)
		put_strn(e, "data", rr->data, rr->data_len);
	put_strn(e, "name", rr->name, rr->name_len);
	put_str(e, "section", dns_section_str(rr->section, opcode));
	if (!q)
		put_uint(e, "ttl", rr->ttl);
	put_str(e, "type", dns_type_str(rr->type, tbuf));
	if (rr->mdns_bit && q)
		put_bool(e, "unicast_response", true);
	e->ops->map_end(e->ctx);
}

/* Number of EDNS fields written by edns_fields(). */
static size_t edns_count(const struct dns_edns *d)
{
	size_t n = 3; /* do, udp_size, version */
	for (int f = 0; f < EDNS_F__COUNT; f++)
		n += d->opt[f] != NULL;
	return n;
}

/* Keys of the EDNS fields, nested (tx) and flat (record events). */
enum { EK_DO = EDNS_F__COUNT, EK_UDP_SIZE, EK_VERSION, EK__COUNT };
static const char *const edns_keys[2][EK__COUNT] = {
	{[EDNS_F_COOKIE] = "cookie", [EDNS_F_ECS] = "ecs", [EDNS_F_EDE] = "ede",
	 [EDNS_F_KEEPALIVE] = "keepalive", [EDNS_F_NSID] = "nsid", [EDNS_F_OTHER] = "other",
	 [EDNS_F_PADDING] = "padding", [EK_DO] = "do", [EK_UDP_SIZE] = "udp_size",
	 [EK_VERSION] = "version"},
	{[EDNS_F_COOKIE] = "edns_cookie", [EDNS_F_ECS] = "edns_ecs", [EDNS_F_EDE] = "edns_ede",
	 [EDNS_F_KEEPALIVE] = "edns_keepalive", [EDNS_F_NSID] = "edns_nsid",
	 [EDNS_F_OTHER] = "edns_other", [EDNS_F_PADDING] = "edns_padding", [EK_DO] = "edns_do",
	 [EK_UDP_SIZE] = "edns_udp_size", [EK_VERSION] = "edns_version"},
};

/* The EDNS fields in alphabetical order (flat: with the "edns_" prefix). */
static void edns_fields(const struct emitter *e, const struct dns_edns *d, bool flat)
{
	const char *const *k = edns_keys[flat];
	/* option names sort around "do": cookie < do < ecs ... */
	for (int f = 0; f < EDNS_F__COUNT; f++) {
		if (f == EDNS_F_ECS)
			put_bool(e, k[EK_DO], d->dnssec_ok);
		if (d->opt[f])
			put_str(e, k[f], d->opt[f]);
	}
	put_uint(e, k[EK_UDP_SIZE], d->udp_size);
	put_uint(e, k[EK_VERSION], d->version);
}

static void edns_map(const struct emitter *e, const char *k, const struct dns_edns *d)
{
	e->ops->key(e->ctx, k);
	e->ops->map_begin(e->ctx, edns_count(d));
	edns_fields(e, d, false);
	e->ops->map_end(e->ctx);
}

static void put_flags(const struct emitter *e, const char *k, const struct dns_msg *m)
{
	char buf[24];
	put_str(e, k, dns_flags_str(m->flags, buf));
}

static void put_opcode(const struct emitter *e, const struct dns_msg *m)
{
	char buf[16];
	put_str(e, "opcode", dns_opcode_str((uint8_t)dns_msg_opcode(m), buf));
}

static void record_array(const struct emitter *e, const char *k, const struct dns_msg *m)
{
	e->ops->key(e->ctx, k);
	e->ops->array_begin(e->ctx, m->nrr);
	for (size_t i = 0; i < m->nrr; i++)
		record_map(e, &m->rr[i], dns_msg_opcode(m));
	e->ops->array_end(e->ctx);
}

/* The per-message keys of a tx event, for the query and for the reply. */
struct message_keys {
	const char *records, *edns, *flags, *malformed, *ts;
};
static const struct message_keys query_keys = {"query", "query_edns", "query_flags",
                                               "query_malformed", "query_ts"};
static const struct message_keys reply_keys = {"reply", "reply_edns", "reply_flags",
                                               "reply_malformed", "reply_ts"};

static void message_keys(const struct emitter *e, const struct message_keys *k,
                         const struct dns_msg *m, int64_t us)
{
	record_array(e, k->records, m);
	if (m->edns.present)
		edns_map(e, k->edns, &m->edns);
	put_flags(e, k->flags, m);
	if (m->malformed)
		put_str(e, k->malformed, dns_msg_status_str(m->status));
	put_usec(e, k->ts, us);
}

static size_t message_key_count(const struct dns_msg *m)
{
	return m ? 3 + (size_t)m->edns.present + (size_t)m->malformed : 0;
}

/* The "ioc" array of a tx: one map per indicator matched. */
static void ioc_array(const struct emitter *e, const struct ioc_hits *h)
{
	e->ops->key(e->ctx, "ioc");
	e->ops->array_begin(e->ctx, h->n);
	for (size_t i = 0; i < h->n; i++) {
		const struct ioc_hit *x = &h->hit[i];
		e->ops->map_begin(e->ctx, 3 + (x->label != NULL));
		put_str(e, "indicator", x->indicator);
		if (x->label)
			put_str(e, "label", x->label);
		put_str(e, "matched", x->matched);
		put_str(e, "where", x->where);
		e->ops->map_end(e->ctx);
	}
	e->ops->array_end(e->ctx);
}

void event_tx(const struct emitter *e, const struct tx_view *tx)
{
	const struct dns_msg *q = tx->query, *r = tx->reply;
	const struct dns_msg *first = q ? q : r; /* a tx has a query, a reply or both */
	bool ioc = tx->ioc && tx->ioc->n > 0;
	size_t n = 8 + message_key_count(q) + message_key_count(r) + (r ? 1 : 0) + (q && r ? 1 : 0) +
	           ioc;

	e->ops->map_begin(e->ctx, n);
	put_str(e, "client_addr", tx->client);
	put_uint(e, "client_port", tx->client_port);
	if (ioc)
		ioc_array(e, tx->ioc);
	put_opcode(e, first);
	put_str(e, "proto", proto_str(tx->proto));
	if (q)
		message_keys(e, &query_keys, q, tx->query_us);
	if (r) {
		put_rcode(e, r);
		message_keys(e, &reply_keys, r, tx->reply_us);
	}
	if (q && r)
		put_usec(e, "rtt", tx->reply_us - tx->query_us);
	put_str(e, "server_addr", tx->server);
	put_uint(e, "server_port", tx->server_port);
	put_str(e, "status", tx_status_str(tx->status));
	put_uint(e, "tx_id", tx->id);
	e->ops->map_end(e->ctx);
}

void event_record(const struct emitter *e, const struct tx_view *tx, bool reply,
                  const struct dns_rr *rr)
{
	char tbuf[16], cbuf[16];
	const struct dns_msg *m = reply ? tx->reply : tx->query;
	bool q = rr->section == DNS_SEC_QUESTION;
	size_t n = 14 + (q ? 0 : 2) + (reply ? 1 : 0) + (m->edns.present ? edns_count(&m->edns) : 0) +
	           rr->mdns_bit + m->malformed;

	e->ops->map_begin(e->ctx, n);
	if (rr->mdns_bit && !q)
		put_bool(e, "cache_flush", true);
	put_str(e, "class", dns_class_str(rr->rclass, cbuf));
	put_str(e, "client_addr", tx->client);
	put_uint(e, "client_port", tx->client_port);
	if (!q)
		put_strn(e, "data", rr->data, rr->data_len);
	if (m->edns.present)
		edns_fields(e, &m->edns, true);
	put_flags(e, "flags", m);
	if (m->malformed)
		put_str(e, "malformed", dns_msg_status_str(m->status));
	put_str(e, "msg_type", reply ? "reply" : "query");
	put_strn(e, "name", rr->name, rr->name_len);
	put_opcode(e, m);
	put_str(e, "proto", proto_str(tx->proto));
	if (reply)
		put_rcode(e, m);
	put_str(e, "section", dns_section_str(rr->section, dns_msg_opcode(m)));
	put_str(e, "server_addr", tx->server);
	put_uint(e, "server_port", tx->server_port);
	put_usec(e, "ts", reply ? tx->reply_us : tx->query_us);
	if (!q)
		put_uint(e, "ttl", rr->ttl);
	put_uint(e, "tx_id", tx->id);
	put_str(e, "type", dns_type_str(rr->type, tbuf));
	if (rr->mdns_bit && q)
		put_bool(e, "unicast_response", true);
	e->ops->map_end(e->ctx);
}

int64_t alert_view_time(const struct alert_view *av)
{
	return av->hit->reply ? av->tx->reply_us : av->tx->query_us;
}

const char *alert_view_question(const struct alert_view *av, char buf[DNS_NAME_MAXTEXT],
                                uint16_t *type)
{
	const struct tx_view *tx = av->tx;
	const struct dns_msg *m = tx->query ? tx->query : tx->reply;
	if (m->nrr && m->rr[0].section == DNS_SEC_QUESTION) {
		*type = m->rr[0].type;
		return m->rr[0].name;
	}
	if (!m->has_question) /* no question, or one that could not be read */
		return NULL;
	struct tbuf b;
	tbuf_init(&b, buf, DNS_NAME_MAXTEXT);
	dns_name_render(&b, m->qname, m->qname_len);
	if (tbuf_finish(&b) < 0)
		return NULL;
	*type = m->qtype;
	return buf;
}

void event_alert(const struct emitter *e, const void *view)
{
	const struct alert_view *av = view;
	const struct tx_view *tx = av->tx;
	const struct ioc_hit *x = av->hit;
	char qbuf[DNS_NAME_MAXTEXT];
	uint16_t qtype = 0;
	const char *qname = alert_view_question(av, qbuf, &qtype);
	size_t n = 11 + (x->label != NULL) + (qname ? 2 : 0);

	e->ops->map_begin(e->ctx, n);
	put_str(e, "client_addr", tx->client);
	put_uint(e, "client_port", tx->client_port);
	put_str(e, "indicator", x->indicator);
	if (x->label)
		put_str(e, "label", x->label);
	put_str(e, "matched", x->matched);
	put_str(e, "msg_type", x->reply ? "reply" : "query");
	put_str(e, "proto", proto_str(tx->proto));
	if (qname) {
		char tbuf[16];
		put_str(e, "qtype", dns_type_str(qtype, tbuf));
		put_str(e, "query", qname);
	}
	put_str(e, "server_addr", tx->server);
	put_uint(e, "server_port", tx->server_port);
	put_usec(e, "ts", alert_view_time(av));
	put_uint(e, "tx_id", tx->id);
	put_str(e, "where", x->where);
	e->ops->map_end(e->ctx);
}
