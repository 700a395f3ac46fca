/* stats.c - counter summary, see stats.h. */
#include "config.h"

#include "stats.h"

#include <inttypes.h>

static void line(FILE *fp, const char *group, const char *name, uint64_t v)
{
	fprintf(fp, "  %s%s%s %" PRIu64 "\n", group, *group ? "." : "", name, v);
}

static void write_defrag(FILE *fp, const struct ip_defrag_stats *d)
{
	if (!d->fragments)
		return;
	const struct {
		const char *name;
		uint64_t v;
	} c[] = {
		{"fragments", d->fragments}, {"completed", d->completed},
		{"duplicates", d->duplicates}, {"overlaps_same", d->overlaps_same},
		{"bad_length", d->bad_length}, {"too_big", d->too_big}, {"truncated", d->truncated},
		{"timeouts", d->timeouts}, {"evicted", d->evicted}, {"evicted_bytes", d->evicted_bytes},
		{"overlaps_v4", d->overlaps_v4}, {"overlaps_v6", d->overlaps_v6},
		{"inconsistent", d->inconsistent}, {"too_fragmented", d->too_fragmented},
		{"no_memory", d->no_memory}, {"pending", d->datagrams},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (i < 2 || c[i].v)
			line(fp, "defrag", c[i].name, c[i].v);
}

static void write_tcp(FILE *fp, const struct tcp_reasm_stats *t)
{
	if (!t->segments)
		return;
	const struct {
		const char *name;
		uint64_t v;
	} c[] = {
		{"segments", t->segments}, {"messages", t->messages}, {"flows", t->flows},
		{"closed_flows", t->closed_flows}, {"evicted_flows", t->evicted_flows},
		{"evicted_for_memory", t->evicted_for_memory},
		{"expired_flows", t->expired_flows}, {"gaps", t->gaps}, {"gap_bytes", t->gap_bytes},
		{"resyncs", t->resyncs}, {"bad_framing", t->bad_framing},
		{"retransmits", t->retransmits}, {"overlaps", t->overlaps},
		{"ooo_segments", t->ooo_segments}, {"ooo_dropped", t->ooo_dropped},
		{"bad_seq", t->bad_seq}, {"oversize", t->oversize},
		{"empty_messages", t->empty_messages}, {"partial_dropped", t->partial_dropped},
		{"late_segments", t->late_segments}, {"no_memory", t->nomem},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (i < 2 || c[i].v)
			line(fp, "tcp", c[i].name, c[i].v);
}

void stats_write(const struct stats *s, FILE *fp)
{
	fprintf(fp, "%s: statistics\n", PACKAGE_NAME);
	line(fp, "", "packets", s->packets);
	line(fp, "", "bytes", s->bytes);
	if (s->pcap_recv || s->pcap_drop) {
		line(fp, "pcap", "received", s->pcap_recv);
		line(fp, "pcap", "dropped", s->pcap_drop);
	}
	line(fp, "", "payloads", s->pkt[PKT_OK]);
	for (int i = 1; i < PKT__COUNT; i++)
		if (s->pkt[i] && i != PKT_FRAGMENT) /* fragments: see defrag.* */
			line(fp, "skipped", pkt_status_str((enum pkt_status)i), s->pkt[i]);
	if (s->not_dns_port)
		line(fp, "skipped", "not_dns_port", s->not_dns_port);
	if (s->bad_length)
		line(fp, "skipped", "bad_length", s->bad_length);
	if (s->truncated)
		line(fp, "", "truncated_frames", s->truncated);
	write_defrag(fp, &s->defrag);
	write_tcp(fp, &s->tcp);
	line(fp, "dns", "queries", s->queries);
	line(fp, "dns", "replies", s->replies);
	for (int i = 1; i < DNS_MSG__COUNT; i++)
		if (s->dns[i])
			line(fp, "dns", dns_msg_status_str((enum dns_msg_status)i), s->dns[i]);
	for (int i = 0; i < TX__COUNT; i++)
		line(fp, "tx", tx_status_str((enum tx_status)i), s->tx[i]);
	if (s->evicted)
		line(fp, "tx", "evicted", s->evicted);
	if (s->duplicate_queries)
		line(fp, "tx", "duplicate_queries", s->duplicate_queries);
	if (s->ioc_tx || s->ioc_alerts) {
		line(fp, "ioc", "tx", s->ioc_tx);
		line(fp, "ioc", "alerts", s->ioc_alerts);
	}
}
