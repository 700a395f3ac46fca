/* zeek_dns.c - tx and record events as Zeek log rows, see zeek_dns.h. */
#include "config.h"

#include "zeek_dns.h"

#include <string.h>

#include "dns_types.h"

#define OPCODE_UPDATE 5
#define PROTO_TCP 6
#define FLAG_AA 0x0400u
#define FLAG_TC 0x0200u
#define FLAG_RD 0x0100u
#define FLAG_RA 0x0080u

/* The EDNS columns of one message, with their prefix. */
#define EDNS_FIELDS(p)                                                                        \
	{p "edns_udp_size", "count"}, {p "edns_do", "bool"}, {p "edns_version", "count"},       \
	{p "edns_cookie", "string"}, {p "edns_ecs", "string"}, {p "edns_ede", "string"},         \
	{p "edns_keepalive", "string"}, {p "edns_nsid", "string"}, {p "edns_other", "string"},   \
	{p "edns_padding", "string"}

/* Zeek's dns.log, then dns-gazer's own columns. */
static const struct zeek_field tx_fields[] = {
	{"ts", "time"}, {"uid", "string"}, {"id.orig_h", "addr"}, {"id.orig_p", "port"},
	{"id.resp_h", "addr"}, {"id.resp_p", "port"}, {"proto", "enum"}, {"trans_id", "count"},
	{"rtt", "interval"}, {"query", "string"}, {"qclass", "count"}, {"qclass_name", "string"},
	{"qtype", "count"}, {"qtype_name", "string"}, {"rcode", "count"},
	{"rcode_name", "string"}, {"AA", "bool"}, {"TC", "bool"}, {"RD", "bool"}, {"RA", "bool"},
	{"Z", "count"}, {"answers", "vector[string]"}, {"TTLs", "vector[interval]"},
	{"rejected", "bool"}, {"opcode", "count"}, {"opcode_name", "string"},
	/* dns-gazer's */
	{"auth", "vector[string]"}, {"addl", "vector[string]"}, {"status", "string"},
	{"query_ts", "time"}, {"reply_ts", "time"}, {"query_flags", "string"},
	{"reply_flags", "string"}, {"query_malformed", "string"}, {"reply_malformed", "string"},
	EDNS_FIELDS("query_"), EDNS_FIELDS("reply_"),
};

static const struct zeek_field record_fields[] = {
	{"ts", "time"}, {"uid", "string"}, {"id.orig_h", "addr"}, {"id.orig_p", "port"},
	{"id.resp_h", "addr"}, {"id.resp_p", "port"}, {"proto", "enum"}, {"trans_id", "count"},
	{"msg_type", "string"}, {"opcode", "string"}, {"rcode", "string"}, {"flags", "string"},
	{"malformed", "string"}, {"section", "string"}, {"name", "string"}, {"class", "string"},
	{"type", "string"}, {"ttl", "count"}, {"data", "string"}, {"cache_flush", "bool"},
	{"unicast_response", "bool"}, EDNS_FIELDS(""),
};

/* An indicator matched: the transaction's endpoints and uid, and what matched. */
static const struct zeek_field alert_fields[] = {
	{"ts", "time"}, {"uid", "string"}, {"id.orig_h", "addr"}, {"id.orig_p", "port"},
	{"id.resp_h", "addr"}, {"id.resp_p", "port"}, {"proto", "enum"}, {"trans_id", "count"},
	{"msg_type", "string"}, {"query", "string"}, {"qtype_name", "string"},
	{"indicator", "string"}, {"label", "string"}, {"matched", "string"}, {"where", "string"},
};

const struct zeek_field *zeek_dns_alert_fields(size_t *n)
{
	*n = sizeof(alert_fields) / sizeof(alert_fields[0]);
	return alert_fields;
}

const struct zeek_field *zeek_dns_tx_fields(size_t *n)
{
	*n = sizeof(tx_fields) / sizeof(tx_fields[0]);
	return tx_fields;
}

const struct zeek_field *zeek_dns_record_fields(size_t *n)
{
	*n = sizeof(record_fields) / sizeof(record_fields[0]);
	return record_fields;
}

void zeek_dns_uid(const struct hash_key *key, const struct tx_view *tx, char uid[ZEEK_UID_MAX])
{
	static const char digits[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	/* The flow: transport and both endpoints, as text (what the view has). */
	char flow[2 * NET_ADDR_TEXT_MAX + 8];
	size_t cl = strnlen(tx->client, NET_ADDR_TEXT_MAX), sl = strnlen(tx->server, NET_ADDR_TEXT_MAX);
	size_t n = 0;
	flow[n++] = (char)tx->proto;
	memcpy(flow + n, tx->client, cl);
	n += cl;
	flow[n++] = (char)(tx->client_port >> 8);
	flow[n++] = (char)tx->client_port;
	memcpy(flow + n, tx->server, sl);
	n += sl;
	flow[n++] = (char)(tx->server_port >> 8);
	flow[n++] = (char)tx->server_port;
	uint64_t h = hash_siphash(key, flow, n);
	struct hash_key k2 = {key->k1, key->k0};
	uint64_t h2 = hash_siphash(&k2, flow, n);
	/* 11 digits of h and 6 of h2: 17 digits, about 100 bits. */
	uid[0] = 'C';
	for (int i = 1; i <= 11; i++, h /= 62)
		uid[i] = digits[h % 62];
	for (int i = 12; i <= 17; i++, h2 /= 62)
		uid[i] = digits[h2 % 62];
	uid[18] = '\0';
}

/* Length of a presentation name without the root's final dot. */
static size_t name_len_no_root(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || s[n - 1] != '.')
		return n;
	size_t bs = 0; /* backslashes before the dot: odd means an escaped dot */
	while (bs + 1 < n && s[n - 2 - bs] == '\\')
		bs++;
	return bs % 2 ? n : n - 1;
}

static void put_name(struct obuf *out, const char *name, bool element)
{
	zeek_tsv_str(out, name, name_len_no_root(name), element);
}

static void put_cstr(struct obuf *out, const char *s)
{
	zeek_tsv_str(out, s, strlen(s), false);
}

/* Rdata that is one domain name, which Zeek prints as a name. */
static bool name_only_type(uint16_t t)
{
	return t == DNS_T_NS || t == DNS_T_CNAME || t == DNS_T_PTR || t == DNS_T_DNAME;
}

static void put_element(struct obuf *out, const struct dns_rr *rr)
{
	const char *d = rr->data ? rr->data : "";
	if (name_only_type(rr->type))
		put_name(out, d, true);
	else
		zeek_tsv_str(out, d, strlen(d), true);
}

/* Whether record rr of message m goes into answers (Zeek's choice). */
static bool is_answer(const struct dns_msg *m, const struct dns_rr *rr)
{
	if (dns_msg_opcode(m) == OPCODE_UPDATE) /* prerequisites and updates */
		return rr->section == DNS_SEC_ANSWER || rr->section == DNS_SEC_AUTHORITY;
	return rr->section == DNS_SEC_ANSWER;
}

static bool is_auth(const struct dns_msg *m, const struct dns_rr *rr)
{
	return dns_msg_opcode(m) != OPCODE_UPDATE && rr->section == DNS_SEC_AUTHORITY;
}

static bool is_addl(const struct dns_msg *m, const struct dns_rr *rr)
{
	(void)m;
	return rr->section == DNS_SEC_ADDITIONAL;
}

/* A vector column of m's records that pass keep: their rdata or TTLs. */
static void put_vector(struct obuf *out, const struct dns_msg *m,
                       bool (*keep)(const struct dns_msg *, const struct dns_rr *), bool ttls)
{
	size_t n = 0;
	for (size_t i = 0; m && i < m->nrr; i++) {
		const struct dns_rr *rr = &m->rr[i];
		if (!keep(m, rr))
			continue;
		if (n++)
			zeek_tsv_set_sep(out);
		if (ttls)
			zeek_tsv_usec(out, (int64_t)rr->ttl * 1000000);
		else
			put_element(out, rr);
	}
	if (n == 0)
		zeek_tsv_unset(out); /* Zeek leaves answers unset when it logged none */
}

static const struct dns_rr *first_question(const struct dns_msg *m)
{
	for (size_t i = 0; m && i < m->nrr; i++)
		if (m->rr[i].section == DNS_SEC_QUESTION)
			return &m->rr[i];
	return NULL;
}

static void put_endpoints(struct obuf *out, const struct tx_view *tx, const char *uid)
{
	zeek_tsv_sep(out);
	put_cstr(out, uid);
	zeek_tsv_sep(out);
	put_cstr(out, tx->client);
	zeek_tsv_sep(out);
	zeek_tsv_uint(out, tx->client_port);
	zeek_tsv_sep(out);
	put_cstr(out, tx->server);
	zeek_tsv_sep(out);
	zeek_tsv_uint(out, tx->server_port);
	zeek_tsv_sep(out);
	obuf_puts(out, tx->proto == PROTO_TCP ? "tcp" : "udp");
	zeek_tsv_sep(out);
	zeek_tsv_uint(out, tx->id);
}

/* query qclass qclass_name qtype qtype_name */
static void put_question(struct obuf *out, const struct dns_rr *q)
{
	char buf[24];
	if (!q) {
		obuf_puts(out, "\t-\t-\t-\t-\t-");
		return;
	}
	zeek_tsv_sep(out);
	put_name(out, q->name, false);
	zeek_tsv_sep(out);
	zeek_tsv_uint(out, q->rclass);
	zeek_tsv_sep(out);
	put_cstr(out, zeek_qclass_name(q->rclass, buf));
	zeek_tsv_sep(out);
	zeek_tsv_uint(out, q->type);
	zeek_tsv_sep(out);
	put_cstr(out, zeek_qtype_name(q->type, buf));
}

/*
 * Zeek's `rejected`: a reply with a non-zero rcode and no question, or
 * (not for UPDATE) with a question and no other record, OPT included.
 */
static bool rejected(const struct dns_msg *r)
{
	bool question = false, records = r->edns.present;
	for (size_t i = 0; i < r->nrr; i++) {
		if (r->rr[i].section == DNS_SEC_QUESTION)
			question = true;
		else
			records = true;
	}
	if (dns_msg_rcode(r) != 0 && !question)
		return true;
	return dns_msg_opcode(r) != OPCODE_UPDATE && question && !records;
}

static void put_flag(struct obuf *out, uint16_t flags, uint16_t bit)
{
	zeek_tsv_sep(out);
	zeek_tsv_bool(out, (flags & bit) != 0);
}

static void put_opt_str(struct obuf *out, const char *s)
{
	zeek_tsv_sep(out);
	if (s)
		put_cstr(out, s);
	else
		zeek_tsv_unset(out);
}

static void put_opt_usec(struct obuf *out, bool set, int64_t us)
{
	zeek_tsv_sep(out);
	if (set)
		zeek_tsv_usec(out, us);
	else
		zeek_tsv_unset(out);
}

/* The EDNS columns of m (all unset without an OPT record). */
static void put_edns(struct obuf *out, const struct dns_msg *m)
{
	static const enum edns_field order[] = {EDNS_F_COOKIE, EDNS_F_ECS, EDNS_F_EDE,
	                                        EDNS_F_KEEPALIVE, EDNS_F_NSID, EDNS_F_OTHER,
	                                        EDNS_F_PADDING};
	if (!m || !m->edns.present) {
		for (size_t i = 0; i < 3 + sizeof(order) / sizeof(order[0]); i++)
			obuf_puts(out, "\t-");
		return;
	}
	zeek_tsv_sep(out);
	zeek_tsv_uint(out, m->edns.udp_size);
	zeek_tsv_sep(out);
	zeek_tsv_bool(out, m->edns.dnssec_ok);
	zeek_tsv_sep(out);
	zeek_tsv_uint(out, m->edns.version);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		put_opt_str(out, m->edns.opt[order[i]]);
}

static void put_flags_str(struct obuf *out, const struct dns_msg *m)
{
	zeek_tsv_sep(out);
	if (m) {
		char buf[24];
		put_cstr(out, dns_flags_str(m->flags, buf));
	} else {
		zeek_tsv_unset(out);
	}
}

static void put_malformed(struct obuf *out, const struct dns_msg *m)
{
	put_opt_str(out, m && m->malformed ? dns_msg_status_str(m->status) : NULL);
}

void zeek_dns_tx_row(struct obuf *out, const struct tx_view *tx, const char *uid)
{
	const struct dns_msg *q = tx->query, *r = tx->reply;
	const struct dns_msg *req = q ? q : r; /* request-side fields */
	const struct dns_rr *question = first_question(q);
	char buf[24];
	if (!req)
		return; /* a tx always has a query or a reply */
	if (!question)
		question = first_question(r);

	zeek_tsv_usec(out, tx_view_time(tx));
	put_endpoints(out, tx, uid);
	put_opt_usec(out, q && r, tx->reply_us - tx->query_us);
	put_question(out, question);
	zeek_tsv_sep(out);
	if (r) {
		unsigned rc = dns_msg_rcode(r);
		zeek_tsv_uint(out, rc);
		zeek_tsv_sep(out);
		put_cstr(out, zeek_rcode_name((uint16_t)rc, buf));
	} else {
		obuf_puts(out, "-\t-");
	}
	uint16_t rflags = r ? r->flags : 0;
	put_flag(out, rflags, FLAG_AA);
	put_flag(out, r ? r->flags : req->flags, FLAG_TC);
	put_flag(out, req->flags, FLAG_RD);
	put_flag(out, rflags, FLAG_RA);
	zeek_tsv_sep(out);
	zeek_tsv_uint(out, (req->flags >> 4) & 7u); /* Z, AD, CD */
	zeek_tsv_sep(out);
	put_vector(out, r, is_answer, false);
	zeek_tsv_sep(out);
	put_vector(out, r, is_answer, true);
	zeek_tsv_sep(out);
	zeek_tsv_bool(out, r && rejected(r));
	zeek_tsv_sep(out);
	zeek_tsv_uint(out, dns_msg_opcode(req));
	zeek_tsv_sep(out);
	put_cstr(out, zeek_opcode_name((uint8_t)dns_msg_opcode(req), buf));
	/* dns-gazer's columns */
	zeek_tsv_sep(out);
	put_vector(out, r, is_auth, false);
	zeek_tsv_sep(out);
	put_vector(out, r, is_addl, false);
	zeek_tsv_sep(out);
	put_cstr(out, tx_status_str(tx->status));
	put_opt_usec(out, q != NULL, tx->query_us);
	put_opt_usec(out, r != NULL, tx->reply_us);
	put_flags_str(out, q);
	put_flags_str(out, r);
	put_malformed(out, q);
	put_malformed(out, r);
	put_edns(out, q);
	put_edns(out, r);
	obuf_putc(out, '\n');
}

void zeek_dns_record_row(struct obuf *out, const struct tx_view *tx, bool reply,
                         const struct dns_rr *rr, const char *uid)
{
	const struct dns_msg *m = reply ? tx->reply : tx->query;
	bool q = rr->section == DNS_SEC_QUESTION;
	char buf[24];

	zeek_tsv_usec(out, reply ? tx->reply_us : tx->query_us);
	put_endpoints(out, tx, uid);
	zeek_tsv_sep(out);
	obuf_puts(out, reply ? "reply" : "query");
	zeek_tsv_sep(out);
	put_cstr(out, dns_opcode_str((uint8_t)dns_msg_opcode(m), buf));
	put_opt_str(out, reply ? dns_rcode_str((uint16_t)dns_msg_rcode(m), buf) : NULL);
	put_flags_str(out, m);
	put_malformed(out, m);
	zeek_tsv_sep(out);
	put_cstr(out, dns_section_str(rr->section, dns_msg_opcode(m)));
	zeek_tsv_sep(out);
	put_cstr(out, rr->name);
	zeek_tsv_sep(out);
	put_cstr(out, dns_class_str(rr->rclass, buf));
	zeek_tsv_sep(out);
	put_cstr(out, dns_type_str(rr->type, buf));
	zeek_tsv_sep(out);
	if (q)
		zeek_tsv_unset(out);
	else
		zeek_tsv_uint(out, rr->ttl);
	put_opt_str(out, q ? NULL : rr->data);
	zeek_tsv_sep(out);
	zeek_tsv_bool(out, rr->mdns_bit && !q);
	zeek_tsv_sep(out);
	zeek_tsv_bool(out, rr->mdns_bit && q);
	put_edns(out, m);
	obuf_putc(out, '\n');
}

void zeek_dns_alert_row(struct obuf *out, const struct alert_view *av, const char *uid)
{
	const struct tx_view *tx = av->tx;
	const struct ioc_hit *x = av->hit;
	char qbuf[DNS_NAME_MAXTEXT];
	uint16_t qtype = 0;
	const char *qname = alert_view_question(av, qbuf, &qtype);
	char buf[24];

	zeek_tsv_usec(out, alert_view_time(av));
	put_endpoints(out, tx, uid);
	zeek_tsv_sep(out);
	obuf_puts(out, x->reply ? "reply" : "query");
	put_opt_str(out, qname);
	put_opt_str(out, qname ? zeek_qtype_name(qtype, buf) : NULL);
	put_opt_str(out, x->indicator);
	put_opt_str(out, x->label);
	put_opt_str(out, x->matched);
	put_opt_str(out, x->where);
	obuf_putc(out, '\n');
}
