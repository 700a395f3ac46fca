/*
 * main.c - dns-gazer: command line, signals and the capture loop.  The
 * work itself is in the library modules (see gazer.h for the pipeline).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "capture.h"
#include "gazer.h"
#include "log.h"
#include "options.h"
#include "sink_stream.h"
#include "stats.h"

#define EXIT_USAGE 2
#define MAX_SINKS 4

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void on_frame(void *ctx, int linktype, int64_t ts_us, const uint8_t *data, size_t caplen,
                     size_t wirelen)
{
	gazer_frame(ctx, linktype, ts_us, data, caplen, wirelen);
}

static void on_idle(void *ctx)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	gazer_tick(ctx, (int64_t)tv.tv_sec * 1000000 + tv.tv_usec);
}

/* Install -F or the default filter for this capture's link type. */
static int apply_filter(struct capture *c, const struct options *o, char *err, size_t errlen)
{
	char def[2048];
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
static int run_capture(struct capture *c, const struct options *o, struct gazer *g,
                       struct stats *st)
{
	char err[512];
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

static int run_inputs(const struct options *o, struct gazer *g, struct stats *st)
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
		int rc = run_capture(c, o, g, st);
		capture_close(c);
		return rc;
	}
	for (size_t i = 0; i < o->nfiles && !stop_requested; i++) {
		struct capture *c = capture_open_file(o->files[i], err, sizeof(err));
		if (!c) {
			log_error("%s", err);
			return 1;
		}
		int rc = run_capture(c, o, g, st);
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
		uint64_t lost = s->errors;
		const char *name = s->name; /* the path in argv, or a literal */
		int first_errno = s->last_errno;
		int close_rc = s->ops->close(s); /* frees s */
		if (lost || close_rc < 0) {
			log_error("writing to %s failed (%s); %llu events lost", name,
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
	int rc = run_inputs(&o, g, &st);
	gazer_drain(g);
	gazer_free(g);
	if (close_sinks(sinks, nsinks))
		rc = 1;
	if (rc == 0 && !o.quiet)
		stats_write(&st, stderr);
	return rc;
}
