/*
 * event.h - what a tx event and a record event contain (DESIGN.md section
 * 3), written onto any encoder through struct emitter.  Keys are in
 * alphabetical order, as the original dns-gazer wrote them.
 */
#ifndef DNS_GAZER_EVENT_H
#define DNS_GAZER_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "dns_msg.h"
#include "emit.h"
#include "ioc_match.h"
#include "net_addr.h"

enum tx_status {
	TX_SUCCESS = 0, /* query and reply paired */
	TX_NO_REPLY,    /* query timed out, was evicted or was pending at exit */
	TX_NO_QUERY,    /* reply whose query was never seen */
	TX__COUNT
};

/* One transaction as the sinks see it; every pointer is borrowed. */
struct tx_view {
	enum tx_status status;
	uint8_t proto;                 /* IPPROTO_UDP / IPPROTO_TCP */
	uint16_t id;
	char client[NET_ADDR_TEXT_MAX];
	char server[NET_ADDR_TEXT_MAX];
	uint16_t client_port, server_port;
	const struct dns_msg *query;   /* NULL for no_query */
	const struct dns_msg *reply;   /* NULL for no_reply */
	int64_t query_us, reply_us;
	const struct ioc_hits *ioc;    /* indicators matched; NULL or empty if none */
};

/* "success", "no_reply", "no_query". */
const char *tx_status_str(enum tx_status s);

/* The time an event about tx is filed under: the query's, else the reply's. */
static inline int64_t tx_view_time(const struct tx_view *tx)
{
	return tx->query ? tx->query_us : tx->reply_us;
}

/* Write the tx event (one map); tx has a query, a reply or both. */
void event_tx(const struct emitter *e, const struct tx_view *tx);

/*
 * Write the record event (one flat map) for record rr of the query
 * (reply = false) or reply of tx.
 */
void event_record(const struct emitter *e, const struct tx_view *tx, bool reply,
                  const struct dns_rr *rr);

/* One indicator matched in a transaction, as an alert event reports it. */
struct alert_view {
	const struct tx_view *tx;
	const struct ioc_hit *hit;
};

/*
 * Write the alert event (one flat map) for view, a const struct
 * alert_view * (the signature of struct sink_event's write).  Its time is
 * that of the message where the indicator matched.
 */
void event_alert(const struct emitter *e, const void *view);

/*
 * The question of the transaction an alert is about, as text: the query's
 * (even one parsed only for its question), else the reply's copy; NULL if
 * there is none.  buf may receive the text; *type gets its type.
 */
const char *alert_view_question(const struct alert_view *av, char buf[DNS_NAME_MAXTEXT],
                                uint16_t *type);

/* The time an alert is filed under. */
int64_t alert_view_time(const struct alert_view *av);

#endif /* DNS_GAZER_EVENT_H */
