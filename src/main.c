/*
 * main.c - dns-gazer: command line, signals and the capture loop.  The
 * work itself is in the library modules (see gazer.h for the pipeline).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "capture.h"
#include "gazer.h"
#include "log.h"
#include "options.h"
#include "sink_fluent.h"
#include "sink_stream.h"
#include "stats.h"

#define EXIT_USAGE 2
#define MAX_SINKS 4

/* Set by signal handlers, acted on by the main loop. */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stats_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_stats_signal(int sig)
{
	(void)sig;
	stats_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* Reads of a file or pipe resume after a signal; the live capture's
	 * poll() still returns at once (poll is never restarted). */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_stats_signal;
	sigaction(SIGUSR1, &sa, NULL);
	/* Log files to reopen come with the log directory sink; until then a
	 * logrotate HUP must not kill the sensor and lose pending queries. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	/* A closed pipe shows up as EPIPE on write, handled in on_frame(). */
	sigaction(SIGPIPE, &sa, NULL);
}

/* What the capture callbacks need. */
struct run_ctx {
	struct gazer *gazer;
	struct sink *const *sinks;
	size_t nsinks;
	const struct stats *stats;
};

/* Stop when the reader of stdout has gone, as tcpdump does. */
static void check_sinks(const struct run_ctx *rc)
{
	for (size_t i = 0; i < rc->nsinks; i++)
		if (rc->sinks[i]->last_errno == EPIPE)
			stop_requested = 1;
}

static void check_signals(const struct run_ctx *rc)
{
	if (stats_requested) {
		stats_requested = 0;
		gazer_sync_stats(rc->gazer);
		stats_write(rc->stats, stderr);
	}
}

static void on_frame(void *ctx, int linktype, int64_t ts_us, const uint8_t *data, size_t caplen,
                     size_t wirelen)
{
	struct run_ctx *rc = ctx;
	gazer_frame(rc->gazer, linktype, ts_us, data, caplen, wirelen);
	check_sinks(rc);
	check_signals(rc);
}

static void on_idle(void *ctx)
{
	struct run_ctx *rc = ctx;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	gazer_tick(rc->gazer, (int64_t)tv.tv_sec * 1000000 + tv.tv_usec);
	check_sinks(rc);
	check_signals(rc);
}

/* Install -F or the default filter for this capture's link type. */
static int apply_filter(struct capture *c, const struct options *o, char *err, size_t errlen)
{
	char def[8192];
	const char *expr = o->filter;
	if (!expr) {
		if (options_default_filter(o, capture_linktype(c), def, sizeof(def)) < 0) {
			snprintf(err, errlen, "default filter too long");
			return -1;
		}
		expr = def;
	}
	return capture_set_filter(c, expr, err, errlen);
}

/*
 * Filter and run one capture; returns 0, 1 (runtime failure) or
 * EXIT_USAGE (a filter that does not compile is a bad option).
 */
static int run_capture(struct capture *c, const struct options *o, struct run_ctx *g,
                       struct stats *st, const char *what)
{
	char err[512];
	if (!pkt_linktype_supported(capture_linktype(c))) {
		log_error("%s: link type %d is not supported", what, capture_linktype(c));
		return 1;
	}
	if (apply_filter(c, o, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	int rc = capture_run(c, on_frame, on_idle, g, &stop_requested, err, sizeof(err));
	uint64_t recv, drop;
	if (capture_stats(c, &recv, &drop) == 0) {
		st->pcap_recv += recv;
		st->pcap_drop += drop;
	}
	if (rc < 0) {
		log_error("%s", err);
		return 1;
	}
	return 0;
}

static int run_inputs(const struct options *o, struct run_ctx *g, struct stats *st)
{
	char err[512];
	if (o->iface) {
		struct capture_live_opts lo = {.snaplen = o->snaplen, .buffer_size = o->buffer_size,
		                               .promisc = !o->no_promisc, .timeout_ms = 100};
		struct capture *c = capture_open_live(o->iface, &lo, err, sizeof(err));
		if (!c) {
			log_error("%s", err);
			return 1;
		}
		int rc = run_capture(c, o, g, st, o->iface);
		capture_close(c);
		return rc;
	}
	for (size_t i = 0; i < o->nfiles && !stop_requested; i++) {
		struct capture *c = capture_open_file(o->files[i], err, sizeof(err));
		if (!c) {
			log_error("%s", err);
			return 1;
		}
		int rc = run_capture(c, o, g, st, o->files[i]);
		capture_close(c);
		if (rc)
			return rc;
	}
	return 0;
}

static struct sink *open_fluent(const struct options *o, const struct sink_tags *tags, char *err,
                               size_t errlen)
{
	struct fluent_config fc;
	sink_fluent_defaults(&fc);
	for (size_t i = 0; i < o->nfluentd; i++)
		if (fwd_server_parse(o->fluentd[i], &fc.servers[fc.nservers++], err, errlen) < 0)
			return NULL; /* options_parse checked them */
	fc.mode = o->fluentd_compress ? FWD_COMPRESSED
	          : o->fluentd_forward_mode ? FWD_FORWARD : FWD_PACKED;
	fc.ack = o->fluentd_ack;
	fc.event_time = o->fluentd_event_time;
	fc.tls = o->fluentd_tls;
	fc.ca_file = o->fluentd_ca;
	fc.shared_key_file = o->fluentd_key_file;
	fc.hostname = o->fluentd_hostname;
	fc.buffer_dir = o->fluentd_buffer_dir;
	fc.mem_limit = o->fluentd_buffer_size;
	fc.disk_limit = o->fluentd_disk_size;
	fc.batch_events = o->fluentd_batch_size;
	fc.flush_ms = o->fluentd_flush_ms;
	fc.ack_timeout_ms = o->fluentd_ack_timeout_ms;
	fc.retry_max_ms = o->fluentd_retry_max_ms;
	fc.drain_ms = o->fluentd_drain_ms;
	return sink_fluent_open(&fc, tags, err, errlen);
}

static int open_sinks(const struct options *o, const struct sink_tags *tags,
                      struct sink **sinks, size_t *n)
{
	char err[512];
	const char *text = o->text_path;
	if (!text && !o->msgpack_path && !o->nfluentd)
		text = "-"; /* with no output named, print to the terminal */
	struct {
		const char *path;
		enum stream_format fmt;
	} want[] = {{text, STREAM_TEXT}, {o->msgpack_path, STREAM_MSGPACK}};
	*n = 0;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!want[i].path)
			continue;
		struct sink *s = sink_stream_open(want[i].fmt, want[i].path, tags, err, sizeof(err));
		if (!s) {
			log_error("%s", err);
			return -1;
		}
		sinks[(*n)++] = s;
	}
	if (o->nfluentd) {
		struct sink *s = open_fluent(o, tags, err, sizeof(err));
		if (!s) {
			log_error("%s", err);
			return -1;
		}
		sinks[(*n)++] = s;
	}
	return 0;
}

/* Close every sink; returns 1 if any lost events, else 0. */
static int close_sinks(struct sink **sinks, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct sink *s = sinks[i];
		char name[512]; /* s->name may live inside s, freed by close */
		snprintf(name, sizeof(name), "%s", s->name);
		int flushed = s->ops->flush(s);
		if (s->ops->drain)
			s->ops->drain(s); /* may take up to the drain timeout */
		uint64_t lost = s->errors;
		char msg[sizeof(s->msg)];
		memcpy(msg, s->msg, sizeof(msg));
		int first_errno = s->last_errno;
		int closed = s->ops->close(s); /* frees s */
		if (first_errno == EPIPE)
			continue; /* the reader left (| head): not a failure of ours */
		if (msg[0] && lost) {
			log_error("%s", msg);
			rc = 1;
		} else if (msg[0]) {
			log_info("%s", msg);
		} else if (lost || flushed < 0 || closed < 0) {
			/* Buffered bytes lost at flush are not counted per event. */
			log_error("writing to %s failed: %s (%llu events lost, or more)", name,
			          first_errno ? strerror(first_errno) : "error", (unsigned long long)lost);
			rc = 1;
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	char err[512];
	options_defaults(&o);
	switch (options_parse(&o, argc, argv, err, sizeof(err))) {
	case OPTIONS_HELP:
		fputs(options_usage(), stdout);
		return 0;
	case OPTIONS_VERSION:
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	case OPTIONS_ERROR:
		log_error("%s", err);
		return EXIT_USAGE;
	case OPTIONS_RUN:
		break;
	}
	log_set_quiet(o.quiet);

	struct sink_tags tags;
	struct sink *sinks[MAX_SINKS];
	size_t nsinks = 0;
	if (sink_tags_init(&tags, o.tag_prefix) < 0) {
		log_error("tag prefix too long");
		return EXIT_USAGE;
	}
	if (open_sinks(&o, &tags, sinks, &nsinks) < 0) {
		close_sinks(sinks, nsinks);
		return 1;
	}

	struct stats st;
	memset(&st, 0, sizeof(st));
	struct gazer_config cfg = {.timeout_us = (int64_t)o.timeout_sec * 1000000,
	                           .max_pending = o.max_pending, .records = o.records,
	                           .ports = o.ports, .nports = o.nports};
	struct gazer *g = gazer_new(&cfg, sinks, nsinks, &st);
	if (!g) {
		log_error("cannot start: out of memory or no random source");
		close_sinks(sinks, nsinks);
		return 1;
	}
	install_signals();
	struct run_ctx ctx = {.gazer = g, .sinks = sinks, .nsinks = nsinks, .stats = &st};
	int rc = run_inputs(&o, &ctx, &st);
	gazer_drain(g);
	gazer_free(g);
	if (close_sinks(sinks, nsinks))
		rc = 1;
	if (rc == 0 && !o.quiet)
		stats_write(&st, stderr);
	return rc;
}
