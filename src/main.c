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
#include "ioc.h"
#include "log.h"
#include "options.h"
#include "sink_stream.h"
#include "stats.h"

#define EXIT_USAGE 2
#define MAX_SINKS 4

/* Set by signal handlers, acted on by the main loop. */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stats_requested;
static volatile sig_atomic_t ioc_reload_requested;

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

static void on_hup_signal(int sig)
{
	(void)sig;
	ioc_reload_requested = 1;
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
	/* HUP reloads the --ioc lists (a logrotate HUP must not kill the
	 * sensor and lose pending queries). */
	sa.sa_handler = on_hup_signal;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	/* A closed pipe shows up as EPIPE on write, handled in on_frame(). */
	sigaction(SIGPIPE, &sa, NULL);
}

/* What the capture callbacks need. */
struct run_ctx {
	struct gazer *gazer;
	struct sink *const *sinks;
	size_t nsinks;
	const struct stats *stats;
	const struct options *opts;
	struct ioc_set *ioc; /* the lists in force; NULL without --ioc */
};

/*
 * Load every --ioc file into a new set.  NULL after one error line (what
 * adds to the message, e.g. that the old lists stay).
 */
static struct ioc_set *load_ioc(const struct options *o, const char *what)
{
	char err[768];
	struct ioc_set *s = ioc_set_new();
	if (!s) {
		log_error("cannot load indicators: out of memory or no random source%s", what);
		return NULL;
	}
	for (size_t i = 0; i < o->nioc; i++) {
		if (ioc_set_add_file(s, o->ioc_files[i], err, sizeof(err)) < 0) {
			log_error("%s%s", err, what);
			ioc_set_free(s);
			return NULL;
		}
	}
	log_info("%zu indicators from %zu file%s", ioc_set_count(s), o->nioc, o->nioc > 1 ? "s" : "");
	return s;
}

/* SIGHUP: load the lists anew, and swap them in only if all loaded. */
static void reload_ioc(struct run_ctx *rc)
{
	ioc_reload_requested = 0;
	if (!rc->ioc)
		return;
	struct ioc_set *s = load_ioc(rc->opts, " (not reloaded: the old lists stay)");
	if (!s)
		return;
	gazer_set_ioc(rc->gazer, s);
	ioc_set_free(rc->ioc);
	rc->ioc = s;
}

/* Stop when the reader of stdout has gone, as tcpdump does. */
static void check_sinks(const struct run_ctx *rc)
{
	for (size_t i = 0; i < rc->nsinks; i++)
		if (rc->sinks[i]->last_errno == EPIPE)
			stop_requested = 1;
}

static void check_signals(struct run_ctx *rc)
{
	if (ioc_reload_requested)
		reload_ioc(rc);
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
	if (ioc_reload_requested) /* before this frame, so it meets the new lists */
		reload_ioc(rc);
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

static int open_sinks(const struct options *o, const struct sink_tags *tags,
                      struct sink **sinks, size_t *n)
{
	char err[512];
	const char *text = o->text_path;
	if (!text && !o->msgpack_path)
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
		/* Local files get every event: --alerts-only is for the fluentd
		 * sink, which sets s->alerts_only = o->alerts_only when opened. */
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
		const char *name = s->name; /* the path in argv, or a literal */
		int flushed = s->ops->flush(s);
		uint64_t lost = s->errors;
		int first_errno = s->last_errno;
		int closed = s->ops->close(s); /* frees s */
		if (first_errno == EPIPE)
			continue; /* the reader left (| head): not a failure of ours */
		if (lost || flushed < 0 || closed < 0) {
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
	                           .ports = o.ports, .nports = o.nports, .alert_tag = tags.alert};
	struct ioc_set *ioc = NULL;
	if (o.nioc && !(ioc = load_ioc(&o, ""))) {
		close_sinks(sinks, nsinks);
		return 1;
	}
	struct gazer *g = gazer_new(&cfg, sinks, nsinks, &st);
	if (!g) {
		log_error("cannot start: out of memory or no random source");
		ioc_set_free(ioc);
		close_sinks(sinks, nsinks);
		return 1;
	}
	gazer_set_ioc(g, ioc);
	install_signals();
	struct run_ctx ctx = {.gazer = g, .sinks = sinks, .nsinks = nsinks, .stats = &st,
	                      .opts = &o, .ioc = ioc};
	int rc = run_inputs(&o, &ctx, &st);
	gazer_drain(g);
	gazer_free(g);
	ioc_set_free(ctx.ioc);
	if (close_sinks(sinks, nsinks))
		rc = 1;
	if (rc == 0 && !o.quiet)
		stats_write(&st, stderr);
	return rc;
}
