/*
 * stats.c - the counters as a summary for the operator and as a flat
 * stats event, see stats.h.  One walk over the counters feeds both, so
 * the two always name the same things.
 */
#include "config.h"

#include "stats.h"

#include <inttypes.h>
#include <string.h>

/* Called once per counter worth showing. */
typedef void (*counter_fn)(void *ctx, const char *group, const char *name, uint64_t v);

struct named {
	const char *name;
	uint64_t v;
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The first `always` counters are shown even at zero, the rest only when set. */
static void walk_table(const struct named *c, size_t n, size_t always, const char *group,
                       counter_fn fn, void *ctx)
{
	for (size_t i = 0; i < n; i++)
		if (i < always || c[i].v)
			fn(ctx, group, c[i].name, c[i].v);
}

static void walk_defrag(const struct ip_defrag_stats *d, counter_fn fn, void *ctx)
{
	if (!d->fragments)
		return;
	const struct named c[] = {
		{"fragments", d->fragments}, {"completed", d->completed},
		{"duplicates", d->duplicates}, {"overlaps_same", d->overlaps_same},
		{"bad_length", d->bad_length}, {"too_big", d->too_big}, {"truncated", d->truncated},
		{"timeouts", d->timeouts}, {"evicted", d->evicted}, {"evicted_bytes", d->evicted_bytes},
		{"overlaps_v4", d->overlaps_v4}, {"overlaps_v6", d->overlaps_v6},
		{"inconsistent", d->inconsistent}, {"too_fragmented", d->too_fragmented},
		{"no_memory", d->no_memory}, {"pending", d->datagrams},
	};
	walk_table(c, NELEM(c), 2, "defrag", fn, ctx);
}

static void walk_tcp(const struct tcp_reasm_stats *t, counter_fn fn, void *ctx)
{
	if (!t->segments)
		return;
	const struct named c[] = {
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
	walk_table(c, NELEM(c), 2, "tcp", fn, ctx);
}

static void walk(const struct stats *s, counter_fn fn, void *ctx)
{
	fn(ctx, "", "packets", s->packets);
	fn(ctx, "", "bytes", s->bytes);
	if (s->live) {
		fn(ctx, "pcap", "received", s->pcap_recv);
		fn(ctx, "pcap", "dropped", s->pcap_drop);
	}
	fn(ctx, "", "payloads", s->pkt[PKT_OK]);
	for (int i = 1; i < PKT__COUNT; i++)
		if (s->pkt[i] && i != PKT_FRAGMENT) /* fragments: see defrag.* */
			fn(ctx, "skipped", pkt_status_str((enum pkt_status)i), s->pkt[i]);
	const struct named skipped[] = {{"not_dns_port", s->not_dns_port},
	                                {"bad_length", s->bad_length}};
	walk_table(skipped, NELEM(skipped), 0, "skipped", fn, ctx);
	if (s->truncated)
		fn(ctx, "", "truncated_frames", s->truncated);
	walk_defrag(&s->defrag, fn, ctx);
	walk_tcp(&s->tcp, fn, ctx);
	fn(ctx, "dns", "queries", s->queries);
	fn(ctx, "dns", "replies", s->replies);
	for (int i = 1; i < DNS_MSG__COUNT; i++)
		if (s->dns[i])
			fn(ctx, "dns", dns_msg_status_str((enum dns_msg_status)i), s->dns[i]);
	for (int i = 0; i < TX__COUNT; i++)
		fn(ctx, "tx", tx_status_str((enum tx_status)i), s->tx[i]);
	const struct named tx[] = {{"evicted", s->evicted},
	                           {"duplicate_queries", s->duplicate_queries}};
	walk_table(tx, NELEM(tx), 0, "tx", fn, ctx);
	if (s->ioc_tx || s->ioc_alerts) {
		fn(ctx, "ioc", "tx", s->ioc_tx);
		fn(ctx, "ioc", "alerts", s->ioc_alerts);
	}
}

/* ------------------------------------------------------------ summary */

static void text_line(void *ctx, const char *group, const char *name, uint64_t v)
{
	fprintf(ctx, "  %s%s%s %" PRIu64 "\n", group, *group ? "." : "", name, v);
}

void stats_write(const struct stats *s, const struct stats_output *out, size_t nout, FILE *fp)
{
	fprintf(fp, "%s: statistics\n", PACKAGE_NAME);
	walk(s, text_line, fp);
	for (size_t i = 0; i < nout; i++) {
		fprintf(fp, "  output %s: %" PRIu64 " events, %" PRIu64 " lost", out[i].name,
		        out[i].events, out[i].lost);
		if (out[i].queue)
			fprintf(fp, " (%" PRIu64 " queued, %" PRIu64 " delivered, %" PRIu64 " dropped)",
			        out[i].queued, out[i].delivered, out[i].dropped);
		fputc('\n', fp);
	}
}

/* ------------------------------------------------------------ event */

static void count_one(void *ctx, const char *group, const char *name, uint64_t v)
{
	(void)group;
	(void)name;
	(void)v;
	(*(size_t *)ctx)++;
}

/*
 * "group_name" as a key that never moves nor changes, as emit.h wants
 * (encoders cache keys by address): each joined name is made once and
 * kept.  The counter names are a small fixed set, well under the room.
 */
#define KEY_ROOM 256
#define KEY_MAX 48

static const char *joined_key(const char *group, const char *name)
{
	static char keys[KEY_ROOM][KEY_MAX];
	static size_t nkeys;
	char key[KEY_MAX];
	snprintf(key, sizeof(key), "%s%s%s", group, *group ? "_" : "", name);
	for (size_t i = 0; i < nkeys; i++)
		if (strcmp(keys[i], key) == 0)
			return keys[i];
	if (nkeys == KEY_ROOM)
		return "other"; /* cannot happen with the counters of stats.h */
	memcpy(keys[nkeys], key, sizeof(key));
	return keys[nkeys++];
}

static void emit_one(void *ctx, const char *group, const char *name, uint64_t v)
{
	const struct emitter *e = ctx;
	e->ops->key(e->ctx, joined_key(group, name));
	e->ops->uint(e->ctx, v);
}

static void emit_outputs(const struct emitter *e, const struct stats_output *out, size_t n)
{
	e->ops->key(e->ctx, "outputs");
	e->ops->array_begin(e->ctx, n);
	for (size_t i = 0; i < n; i++) {
		e->ops->map_begin(e->ctx, out[i].queue ? 6 : 3);
		if (out[i].queue) {
			e->ops->key(e->ctx, "delivered");
			e->ops->uint(e->ctx, out[i].delivered);
			e->ops->key(e->ctx, "dropped");
			e->ops->uint(e->ctx, out[i].dropped);
		}
		e->ops->key(e->ctx, "events");
		e->ops->uint(e->ctx, out[i].events);
		e->ops->key(e->ctx, "lost");
		e->ops->uint(e->ctx, out[i].lost);
		e->ops->key(e->ctx, "name");
		e->ops->str(e->ctx, out[i].name, strlen(out[i].name));
		if (out[i].queue) {
			e->ops->key(e->ctx, "queued");
			e->ops->uint(e->ctx, out[i].queued);
		}
		e->ops->map_end(e->ctx);
	}
	e->ops->array_end(e->ctx);
}

void stats_emit(const struct emitter *e, const void *arg)
{
	const struct stats_event *se = arg;
	size_t n = 0;
	walk(se->stats, count_one, &n);
	e->ops->map_begin(e->ctx, n + 1);
	walk(se->stats, emit_one, (void *)e);
	emit_outputs(e, se->out, se->nout);
	e->ops->map_end(e->ctx);
}
