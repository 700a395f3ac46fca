/* event.c - event contents, see event.h. */
#include "config.h"

#include "event.h"

#include <stdio.h>
#include <string.h>

#include "dns_types.h"

#define PROTO_TCP 6

const char *tx_status_str(enum tx_status s)
{
	static const char *const names[TX__COUNT] = {"success", "no_reply", "no_query"};
	return (unsigned)s < TX__COUNT ? names[s] : "unknown";
}

static void put_str(const struct emitter *e, const char *k, const char *v)
{
	e->ops->key(e->ctx, k);
	e->ops->str(e->ctx, v, strlen(v));
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
static void record_map(const struct emitter *e, const struct dns_rr *rr)
{
	char tbuf[16], cbuf[16];
	bool q = rr->section == DNS_SEC_QUESTION;
	e->ops->map_begin(e->ctx, (q ? 4 : 6) + rr->mdns_bit);
	if (rr->mdns_bit && !q)
		put_bool(e, "cache_flush", true);
	put_str(e, "class", dns_class_str(rr->rclass, cbuf));
	if (!q)
		put_str(e, "data", rr->data);
	put_str(e, "name", rr->name);
	put_str(e, "section", dns_section_str(rr->section));
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

/*
 * The EDNS fields in alphabetical order, each key prefixed (flat record
 * events use "edns_", the tx event's nested map none).
 */
static void edns_fields(const struct emitter *e, const struct dns_edns *d, const char *prefix)
{
	char k[32];
	/* option names sort around "do": cookie < do < ecs ... */
	for (int f = 0; f < EDNS_F__COUNT; f++) {
		if (f == EDNS_F_ECS) {
			snprintf(k, sizeof(k), "%sdo", prefix);
			put_bool(e, k, d->dnssec_ok);
		}
		if (d->opt[f]) {
			snprintf(k, sizeof(k), "%s%s", prefix, dns_edns_field_str((enum edns_field)f));
			put_str(e, k, d->opt[f]);
		}
	}
	snprintf(k, sizeof(k), "%sudp_size", prefix);
	put_uint(e, k, d->udp_size);
	snprintf(k, sizeof(k), "%sversion", prefix);
	put_uint(e, k, d->version);
}

static void edns_map(const struct emitter *e, const char *k, const struct dns_edns *d)
{
	e->ops->key(e->ctx, k);
	e->ops->map_begin(e->ctx, edns_count(d));
	edns_fields(e, d, "");
	e->ops->map_end(e->ctx);
}

static void record_array(const struct emitter *e, const char *k, const struct dns_msg *m)
{
	e->ops->key(e->ctx, k);
	e->ops->array_begin(e->ctx, m->nrr);
	for (size_t i = 0; i < m->nrr; i++)
		record_map(e, &m->rr[i]);
	e->ops->array_end(e->ctx);
}

void event_tx(const struct emitter *e, const struct tx_view *tx)
{
	const struct dns_msg *q = tx->query, *r = tx->reply;
	bool malformed = (q && q->malformed) || (r && r->malformed);
	size_t n = 7 + (malformed ? 1 : 0) + (q ? 2 : 0) + (r ? 3 : 0) + (q && r ? 1 : 0) +
	           (q && q->edns.present) + (r && r->edns.present);

	e->ops->map_begin(e->ctx, n);
	put_str(e, "client_addr", tx->client);
	put_uint(e, "client_port", tx->client_port);
	if (malformed) {
		e->ops->key(e->ctx, "malformed");
		e->ops->boolean(e->ctx, true);
	}
	put_str(e, "proto", proto_str(tx->proto));
	if (q) {
		record_array(e, "query", q);
		if (q->edns.present)
			edns_map(e, "query_edns", &q->edns);
		put_usec(e, "query_ts", tx->query_us);
	}
	if (r) {
		put_rcode(e, r);
		record_array(e, "reply", r);
		if (r->edns.present)
			edns_map(e, "reply_edns", &r->edns);
		put_usec(e, "reply_ts", tx->reply_us);
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
	size_t n = 12 + (q ? 0 : 2) + (reply ? 1 : 0) + (m->edns.present ? edns_count(&m->edns) : 0) +
	           rr->mdns_bit;

	e->ops->map_begin(e->ctx, n);
	if (rr->mdns_bit && !q)
		put_bool(e, "cache_flush", true);
	put_str(e, "class", dns_class_str(rr->rclass, cbuf));
	put_str(e, "client_addr", tx->client);
	put_uint(e, "client_port", tx->client_port);
	if (!q)
		put_str(e, "data", rr->data);
	if (m->edns.present)
		edns_fields(e, &m->edns, "edns_");
	put_str(e, "msg_type", reply ? "reply" : "query");
	put_str(e, "name", rr->name);
	put_str(e, "proto", proto_str(tx->proto));
	if (reply)
		put_rcode(e, m);
	put_str(e, "section", dns_section_str(rr->section));
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
