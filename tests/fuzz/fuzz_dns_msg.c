/*
 * fuzz_dns_msg - libFuzzer harness for the DNS parser (names, rdata of
 * every type, EDNS), indicator matching over the message's wire form and
 * both event encoders.  The input is one DNS message; it is matched
 * against a fixed indicator list that names and addresses in seeds hit,
 * then logged as the query and the reply of a transaction, as record
 * events and as alert events, into JSON and msgpack buffers.
 *
 * The matcher walks names where they sit in the message, through their
 * compression pointers, and stops at the first suffix no listed name ends
 * in.  Two oracles: every name is also decompressed and looked up on its
 * own (ioc_lookup_name), and, against a second list of nested names and
 * wildcards, compared suffix by suffix with the list's names by memcmp,
 * with no hash or filter; what either finds must be among the matcher's
 * hits: no way of compressing a message may hide a name from it.  Both
 * ways the matcher runs are checked: the whole message in one pass, and
 * as a transaction, the question first, then the rest with what its
 * look-up found clean (the question as the message has it, and flat in a
 * query of its own).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_msg.h"
#include "encode_json.h"
#include "encode_msgpack.h"
#include "event.h"
#include "ioc.h"
#include "ioc_match.h"

/* Matches much: top-level domains, every address, names below "arpa". */
static const char ioc_list[] = "com\tc\nnet\norg\nexample\n*.arpa\n*.local\n"
                               "0.0.0.0/0\tv4\n::/0\n";

/* Nested names and wildcards, most of them in the seeds, for the second oracle. */
static const struct {
	const char *name; /* lower case, no final dot */
	bool below;       /* a "*." indicator */
} nested[] = {
	{"google.com", false},        {"ns1.google.com", false},   {"example.com", true},
	{"www.example.com", false},   {"1e100.net", false},        {"in-addr.arpa", true},
	{"216.in-addr.arpa", false},  {"evil.test", false},        {"x.y.z.good.test", true},
	{"local", true},
};
#define NNESTED (sizeof(nested) / sizeof(nested[0]))
static uint8_t nested_wire[NNESTED][DNS_NAME_MAXWIRE];
static size_t nested_len[NNESTED];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Where the names in rdata of this type start (RFC 1035, 1183, 2163, 2230,
 * 2535, 2782, 2874, 2915, 4034 NSEC, 6672, 6742, 8777, 9460, TALINK),
 * written again here as the oracle: a second name (SOA, MINFO, RP, PX,
 * TALINK) follows the first as dns_name_unpack leaves it.
 */
static int names_in_rdata(const struct dns_msg *m, const struct dns_rr *rr, size_t pos[2])
{
	static const struct {
		uint16_t type;
		int off;
	} one[] = {{2, 0}, {3, 0}, {4, 0}, {5, 0}, {7, 0}, {8, 0}, {9, 0}, {12, 0}, {39, 0},
	           {47, 0}, {30, 0}, {15, 2}, {18, 2}, {21, 2}, {36, 2}, {64, 2}, {65, 2},
	           {107, 2}, {33, 6}};
	size_t rd = rr->rdata_off, end = rd + rr->rdlen;
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		if (one[i].type == rr->type) {
			pos[0] = rd + (size_t)one[i].off;
			return 1;
		}
	if (rr->type == 6 || rr->type == 14 || rr->type == 17 || rr->type == 58 || rr->type == 26) {
		uint8_t w[DNS_NAME_MAXWIRE];
		size_t wlen, p = rd + (rr->type == 26 ? 2 : 0); /* PX: after its preference */
		pos[0] = p;
		if (dns_name_unpack(m->wire, end, &p, w, &wlen) != DNS_NAME_OK)
			return 1;
		pos[1] = p;
		return 2;
	}
	if (rr->type == 38 && rd < end && m->wire[rd] >= 1 && m->wire[rd] <= 128) {
		/* A6: prefix length, then the octets of the address it leaves */
		pos[0] = rd + 1 + (size_t)(128 - m->wire[rd] + 7) / 8;
		return 1;
	}
	if (rr->type == 260 && rr->rdlen > 2 && (m->wire[rd + 1] & 0x7F) == 3) {
		pos[0] = rd + 2; /* AMTRELAY with a name for the relay */
		return 1;
	}
	if (rr->type == 35) {
		size_t p = rd + 4;
		for (int k = 0; k < 3 && p < end; k++)
			p += 1 + (size_t)m->wire[p];
		pos[0] = p;
		return 1;
	}
	return 0;
}

static void must_have(const struct ioc_hits *h, struct ioc_ref ref)
{
	for (size_t i = 0; i < h->n; i++)
		if (ioc_ref_equal(h->hit[i].ref, ref))
			return;
	if (!h->more)
		abort();
}

/* The indicator text ioc_ref_text gives for nested[j]. */
static void nested_text(size_t j, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s.", nested[j].below ? "*." : "", nested[j].name);
}

/*
 * The nested indicator the name w matches, by brute force: its suffixes
 * from the longest, each compared with every listed name.  -1 if none.
 */
static int nested_match(const uint8_t *w, size_t wlen)
{
	uint8_t low[DNS_NAME_MAXWIRE];
	memcpy(low, w, wlen);
	dns_name_lower(low, wlen);
	for (size_t i = 0, label = 0; i < wlen && low[i] != 0; i += 1 + (size_t)low[i], label++)
		for (size_t j = 0; j < NNESTED; j++)
			if (nested_len[j] == wlen - i && memcmp(nested_wire[j], low + i, wlen - i) == 0 &&
			    (!nested[j].below || label > 0))
				return (int)j;
	return -1;
}

static void must_have_text(const struct ioc_hits *h, const char *text)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->hit[i].indicator, text) == 0)
			return;
	if (!h->more)
		abort();
}

/*
 * The name at pos, its octets before cut (its rdata's end, or the
 * message's), decompressed and looked up alone, must be among the hits.
 */
static void check_name(const struct ioc_set *set, const struct ioc_hits *h,
                       const struct ioc_hits *h2, const struct dns_msg *m, size_t pos, size_t cut)
{
	uint8_t w[DNS_NAME_MAXWIRE];
	size_t wlen;
	struct ioc_ref ref;
	if (dns_name_unpack(m->wire, cut, &pos, w, &wlen) != DNS_NAME_OK)
		return;
	if (ioc_lookup_name(set, w, wlen, &ref))
		must_have(h, ref);
	int j = nested_match(w, wlen);
	if (j >= 0) {
		char text[IOC_TEXT_MAX];
		nested_text((size_t)j, text, sizeof(text));
		must_have_text(h2, text);
	}
}

static void check_hits(const struct ioc_set *set, const struct ioc_hits *h,
                       const struct ioc_hits *h2, const struct dns_msg *m)
{
	for (size_t i = 0; i < m->nrr; i++) {
		const struct dns_rr *rr = &m->rr[i];
		check_name(set, h, h2, m, rr->name_off, m->wire_len);
		size_t pos[2], end = (size_t)rr->rdata_off + rr->rdlen;
		if (rr->section == DNS_SEC_QUESTION || end > m->wire_len)
			continue;
		int n = names_in_rdata(m, rr, pos);
		for (int k = 0; k < n; k++)
			if (pos[k] < end)
				check_name(set, h, h2, m, pos[k], end);
	}
}

static void encode(const struct emitter *e, const struct tx_view *tx, const struct dns_msg *m)
{
	event_tx(e, tx);
	for (size_t i = 0; i < m->nrr; i++) {
		event_record(e, tx, false, &m->rr[i]);
		event_record(e, tx, true, &m->rr[i]);
	}
	for (size_t i = 0; tx->ioc && i < tx->ioc->n; i++) {
		struct alert_view av = {.tx = tx, .hit = &tx->ioc->hit[i]};
		event_alert(e, &av);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_parser p;
	static struct obuf out;
	static struct ioc_set *set, *set2, *big;
	static struct ioc_hits hits, hits2;
	static int ready;
	if (!ready) {
		char err[256];
		set = ioc_set_new();
		set2 = ioc_set_new();
		if (dns_parser_init(&p) < 0 || !set || !set2 ||
		    ioc_set_add_text(set, "fuzz", ioc_list, sizeof(ioc_list) - 1, err, sizeof(err)) < 0)
			abort();
		for (size_t j = 0; j < NNESTED; j++) {
			char line[300];
			int n = snprintf(line, sizeof(line), "%s%s\n", nested[j].below ? "*." : "",
			                 nested[j].name);
			if (ioc_set_add_text(set2, "nested", line, (size_t)n, err, sizeof(err)) < 0 ||
			    dns_name_from_text(nested[j].name, strlen(nested[j].name), nested_wire[j],
			                       &nested_len[j]) != NULL)
				abort();
		}
		/* large enough for ioc_prefetch_name_at() to work */
		big = ioc_set_new();
		for (int j = 0; big && j < 20000; j++) {
			char line[32];
			int n = snprintf(line, sizeof(line), "n%d.big.test\n", j);
			if (ioc_set_add_text(big, "big", line, (size_t)n, err, sizeof(err)) < 0)
				abort();
		}
		if (!big)
			abort();
		obuf_init(&out);
		ready = 1;
	}
	struct dns_msg m;
	/* a hint, with no answer to check: ASan checks what it reads, of any bytes */
	ioc_prefetch_name_at(big, data, size, 12);
	dns_parser_reset(&p);
	if (!dns_msg_usable(dns_msg_parse(&p, data, size, &m)))
		return 0;
	struct tx_view tx = {.status = TX_SUCCESS, .proto = 17, .id = m.id, .client = "192.0.2.1",
	                     .server = "192.0.2.53", .client_port = 1, .server_port = 53,
	                     .query = &m, .reply = &m, .query_us = 1, .reply_us = 2};
	ioc_hits_init(&hits, set);
	ioc_match_msg(&hits, &m, false, false, 0);
	ioc_hits_init(&hits2, set2);
	ioc_match_msg(&hits2, &m, false, false, 0);
	check_hits(set, &hits, &hits2, &m);
	/* as a transaction does it: the question as the query comes, then the
	 * rest of the message without it, from what that look-up found clean */
	ioc_hits_init(&hits, set);
	ioc_match_msg(&hits, &m, true, true, ioc_match_qname(&hits, &m));
	ioc_hits_init(&hits2, set2);
	ioc_match_msg(&hits2, &m, true, true, ioc_match_qname(&hits2, &m));
	check_hits(set, &hits, &hits2, &m);
	/* and with the question asked in a query of its own, laid out flat,
	 * however the message lays it out */
	if (m.has_question) {
		uint8_t qbuf[12 + DNS_NAME_MAXWIRE + 4] = {0, 1, 1, 0, 0, 1};
		memcpy(qbuf + 12, m.qname, m.qname_len);
		memset(qbuf + 12 + m.qname_len, 0, 4);
		struct dns_msg q;
		if (dns_msg_parse_question(qbuf, 12 + m.qname_len + 4, &q) == DNS_MSG_OK &&
		    q.has_question) {
			ioc_hits_init(&hits, set);
			ioc_match_msg(&hits, &m, true, true, ioc_match_qname(&hits, &q));
			ioc_hits_init(&hits2, set2);
			ioc_match_msg(&hits2, &m, true, true, ioc_match_qname(&hits2, &q));
			check_hits(set, &hits, &hits2, &m);
		}
	}
	if (hits.n > IOC_MATCH_MAX)
		abort();
	tx.ioc = &hits;
	struct json_enc je;
	struct msgpack_enc me;
	obuf_reset(&out);
	struct emitter e = json_enc_init(&je, &out);
	encode(&e, &tx, &m);
	/* everything rendered must be printable ASCII: no byte can break a log line */
	for (size_t i = 0; i < out.len; i++)
		if ((unsigned char)out.p[i] < 0x20 || (unsigned char)out.p[i] > 0x7E)
			abort();
	obuf_reset(&out);
	e = msgpack_enc_init(&me, &out);
	encode(&e, &tx, &m);
	return 0;
}
