/*
 * fuzz_dns_msg - libFuzzer harness for the DNS parser (names, rdata of
 * every type, EDNS), indicator matching over the message's wire form and
 * both event encoders.  The input is one DNS message; it is matched
 * against a fixed indicator list that names and addresses in seeds hit,
 * then logged as the query and the reply of a transaction, as record
 * events and as alert events, into JSON and msgpack buffers.
 */
#include "config.h"

#include <stdint.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	static struct ioc_set *set;
	static struct ioc_hits hits;
	static int ready;
	if (!ready) {
		char err[256];
		set = ioc_set_new();
		if (dns_parser_init(&p) < 0 || !set ||
		    ioc_set_add_text(set, "fuzz", ioc_list, sizeof(ioc_list) - 1, err, sizeof(err)) < 0)
			abort();
		obuf_init(&out);
		ready = 1;
	}
	struct dns_msg m;
	dns_parser_reset(&p);
	if (!dns_msg_usable(dns_msg_parse(&p, data, size, &m)))
		return 0;
	struct tx_view tx = {.status = TX_SUCCESS, .proto = 17, .id = m.id, .client = "192.0.2.1",
	                     .server = "192.0.2.53", .client_port = 1, .server_port = 53,
	                     .query = &m, .reply = &m, .query_us = 1, .reply_us = 2};
	ioc_hits_init(&hits, set);
	ioc_match_msg(&hits, &m, false, false);
	ioc_match_msg(&hits, &m, true, true);
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
