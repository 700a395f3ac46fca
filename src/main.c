/*
 * main.c - dns-gazer: command line, start-up (inputs, outputs, daemon,
 * privileges), signals and the capture loop.  The work itself is in the
 * library modules (see gazer.h for the pipeline).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "clock.h"
#include "daemon.h"
#include "frame_batch.h"
#include "gazer.h"
#include "ioc.h"
#include "ioc_loader.h"
#include "log.h"
#include "options.h"
#include "pidfile.h"
#include "privdrop.h"
#include "progress.h"
#include "sink_fluent.h"
#include "sink_logdir.h"
#include "sink_stream.h"
#include "stats.h"

#define EXIT_USAGE 2
#define MAX_SINKS 4
/* Frames between looks at the clock for periodic work (stats, progress). */
#define CLOCK_EVERY 1024

/* Set by signal handlers, acted on by the main loop. */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stats_requested;
static volatile sig_atomic_t reopen_requested;      /* SIGHUP: log files */
static volatile sig_atomic_t ioc_reload_requested;  /* SIGHUP: --ioc lists */

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
	reopen_requested = 1;
	ioc_reload_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* Interrupted reads and writes resume; the waits of a live capture or
	 * a pipe are poll()s, which return at once (poll is never restarted),
	 * so every signal is acted on without waiting for a packet. */
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_stats_signal;
	sigaction(SIGUSR1, &sa, NULL);
	/* HUP: logrotate moved the log files (-w), reopen them, and reload the
	 * --ioc lists.  Never the default action, which would end the sensor
	 * and lose the pending queries. */
	sa.sa_handler = on_hup_signal;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	/* A closed pipe shows up as EPIPE on write, handled in check_sinks(). */
	sigaction(SIGPIPE, &sa, NULL);
}

/* The inputs, all opened (and filtered) before privileges are dropped. */
struct inputs {
	struct capture *c[OPT_MAX_FILES];
	const char *name[OPT_MAX_FILES];
	size_t n;
};

/* Everything the capture callbacks need. */
struct run_ctx {
	const struct options *o;
	struct gazer *gazer;
	struct sink *const *sinks;
	size_t nsinks;
	struct stats *stats;
	const struct sink_tags *tags;
	struct capture *current;      /* the capture being read */
	const char *current_name;
	unsigned frames;              /* since the last look at the clock */
	int64_t next_stats_us;        /* monotonic; 0 = no periodic stats */
	int64_t next_flush_us;        /* monotonic */
	struct progress progress;
	bool reported_failing[MAX_SINKS]; /* the sink's failure was logged */
	int64_t quiet_until_us[MAX_SINKS]; /* no new failure message before (monotonic) */
	struct ioc_set *ioc;           /* the lists in force, owned; NULL without --ioc */
	struct ioc_loader *loader;     /* reloads them (SIGHUP); NULL without --ioc */
	bool ioc_loading;              /* the loader is busy: look whether it ended */
	struct frame_batch batch;      /* frames decoded ahead, waiting for their turn */
};

static void log_ioc_loaded(const struct ioc_set *s, size_t nfiles)
{
	log_info("%zu indicators from %zu file%s", ioc_set_count(s), nfiles, nfiles > 1 ? "s" : "");
}

/* Load every --ioc file before capture starts; NULL after one error line. */
static struct ioc_set *load_ioc(const struct options *o)
{
	char err[IOC_LOAD_ERRLEN];
	struct ioc_set *s = ioc_load(o->ioc_files, o->nioc, NULL, err, sizeof(err));
	if (!s) {
		log_error("%s", err);
		return NULL;
	}
	log_ioc_loaded(s, o->nioc);
	return s;
}

/*
 * SIGHUP: load the lists anew on the loader's thread, while capture goes
 * on with the old ones; collect_ioc() swaps them when the load has ended.
 */
static void reload_ioc(struct run_ctx *rc)
{
	ioc_reload_requested = 0;
	if (!rc->loader)
		return;
	(void)ioc_loader_request(rc->loader); /* or remembered while one runs */
	rc->ioc_loading = true;
}

/* A reload ended: swap the new lists in only if all loaded. */
static void collect_ioc(struct run_ctx *rc)
{
	char err[IOC_LOAD_ERRLEN];
	struct ioc_set *s = NULL;
	switch (ioc_loader_collect(rc->loader, &s, err, sizeof(err))) {
	case IOC_LOAD_NONE:
		break;
	case IOC_LOAD_FAILED:
		log_error("%s (not reloaded: the old lists stay)", err);
		break;
	case IOC_LOAD_OK:
		/* The gazer borrows the set and keeps nothing of it from one
		 * frame to the next (a pending query keeps only which lists
		 * it met, whether it matched and how much of its question
		 * was clean; its question is matched again against the new
		 * lists when it is logged): the old set can go at once. */
		gazer_set_ioc(rc->gazer, s);
		ioc_set_free(rc->ioc);
		rc->ioc = s;
		log_ioc_loaded(s, rc->o->nioc);
		break;
	}
	rc->ioc_loading = ioc_loader_busy(rc->loader);
}

/*
 * Stop when the reader of stdout has gone, as tcpdump does.  Say when a
 * sink that recovers (log files) starts failing, and when it recovers; a
 * disk at the edge of full fails and recovers every second, so a new
 * failure is told at most every SINK_QUIET_US.
 */
#define SINK_QUIET_US (10 * INT64_C(1000000))
static void check_sinks(struct run_ctx *rc)
{
	for (size_t i = 0; i < rc->nsinks; i++) {
		const struct sink *s = rc->sinks[i];
		if (s->last_errno == EPIPE)
			stop_requested = 1;
		if (s->failing == rc->reported_failing[i])
			continue;
		if (s->failing) {
			if (rc->quiet_until_us[i] && clock_mono_us() < rc->quiet_until_us[i])
				continue;
			log_error("writing to %s failed: %s; lost events are counted until writing "
			          "works again", s->name, strerror(s->last_errno));
		} else {
			log_error("writing to %s works again (%llu events lost so far)", s->name,
			          (unsigned long long)s->errors);
			rc->quiet_until_us[i] = clock_mono_us() + SINK_QUIET_US;
		}
		rc->reported_failing[i] = s->failing;
	}
}

static void tick_sinks(const struct run_ctx *rc, int64_t now_us)
{
	for (size_t i = 0; i < rc->nsinks; i++)
		sink_tick(rc->sinks[i], now_us);
}

/* Bring the counters kept elsewhere (reassemblers, pcap) up to date. */
static void sync_stats(struct run_ctx *rc)
{
	gazer_sync_stats(rc->gazer);
	uint64_t recv, drop;
	if (rc->stats->live && rc->current && capture_stats(rc->current, &recv, &drop) == 0) {
		rc->stats->pcap_recv = recv;
		rc->stats->pcap_drop = drop;
	}
}

/* What each sink wrote and lost so far. */
static void tally(struct sink *const *sinks, size_t n, struct stats_output *out)
{
	for (size_t i = 0; i < n; i++) {
		out[i] = (struct stats_output){.name = sinks[i]->name, .events = sinks[i]->events,
		                               .lost = sinks[i]->errors};
		if (sinks[i]->ops->queue_stats) {
			out[i].queue = true;
			sinks[i]->ops->queue_stats(sinks[i], &out[i].queued, &out[i].delivered,
			                           &out[i].dropped);
		}
	}
}

/* The summary on stderr (or syslog, as a daemon). */
static void print_summary(const struct stats *st, const struct stats_output *out, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return;
	stats_write(st, out, n, mem);
	if (fclose(mem) == 0)
		log_lines(text);
	free(text);
}

static void report_stats(struct run_ctx *rc)
{
	struct stats_output out[MAX_SINKS];
	sync_stats(rc);
	tally(rc->sinks, rc->nsinks, out);
	progress_end(&rc->progress);
	print_summary(rc->stats, out, rc->nsinks);
}

/* A PREFIX.stats event to every output. */
static void emit_stats(struct run_ctx *rc)
{
	struct stats_output out[MAX_SINKS];
	sync_stats(rc);
	tally(rc->sinks, rc->nsinks, out);
	struct stats_event se = {.stats = rc->stats, .out = out, .nout = rc->nsinks};
	struct sink_event ev = {.kind = SINK_EVENT_STATS, .tag = rc->tags->stats,
	                        .ts_us = clock_wall_us(),
	                        .write = stats_emit, .arg = &se};
	for (size_t i = 0; i < rc->nsinks; i++)
		sink_event(rc->sinks[i], &ev);
}

/* Outputs are written in big blocks; a reader (tail -f) still sees each
 * event within a second, and a quiet sensor leaves nothing in a buffer. */
#define FLUSH_EVERY_US 1000000

static void flush_sinks(struct run_ctx *rc)
{
	for (size_t i = 0; i < rc->nsinks; i++)
		rc->sinks[i]->ops->flush(rc->sinks[i]);
}

/* Periodic work driven by the monotonic clock. */
static void on_clock(struct run_ctx *rc)
{
	int64_t now = clock_mono_us();
	if (now >= rc->next_flush_us) {
		rc->next_flush_us = now + FLUSH_EVERY_US;
		flush_sinks(rc);
	}
	if (rc->next_stats_us && now >= rc->next_stats_us) {
		rc->next_stats_us = now + (int64_t)rc->o->stats_interval_sec * 1000000;
		emit_stats(rc);
	}
	int64_t done, total;
	if (rc->progress.fp && rc->current && capture_progress(rc->current, &done, &total) == 0)
		progress_update(&rc->progress, now, rc->current_name, done, total, rc->stats->packets);
}

static void check_signals(struct run_ctx *rc)
{
	/* per frame: a load running costs one atomic load, none a plain one */
	if (rc->ioc_loading && ioc_loader_ended(rc->loader))
		collect_ioc(rc);
	if (ioc_reload_requested)
		reload_ioc(rc);
	if (stats_requested) {
		stats_requested = 0;
		report_stats(rc);
	}
	if (reopen_requested) {
		reopen_requested = 0;
		for (size_t i = 0; i < rc->nsinks; i++)
			sink_reopen(rc->sinks[i]); /* failures: see check_sinks() */
	}
}

/* A frame's turn: decoded already, its bytes still there. */
static void handle_frame(struct run_ctx *rc, struct gazer_ahead *a, int64_t ts_us, size_t caplen,
                         size_t wirelen)
{
	tick_sinks(rc, ts_us);
	/* before the frame: it meets the reloaded lists and the reopened files */
	check_signals(rc);
	gazer_frame_decoded(rc->gazer, a, ts_us, caplen, wirelen);
	check_sinks(rc);
	if (++rc->frames == CLOCK_EVERY) {
		rc->frames = 0;
		on_clock(rc);
	}
}

/* The turns of the frames held, in order: before any later frame, timer or the end. */
static void flush_frames(struct run_ctx *rc)
{
	struct frame_batch *b = &rc->batch;
	for (size_t i = 0; i < b->n; i++)
		handle_frame(rc, &b->f[i].ahead, b->f[i].ts_us, b->f[i].caplen, b->f[i].wirelen);
	frame_batch_clear(b);
}

static void on_frame(void *ctx, int linktype, int64_t ts_us, const uint8_t *data, size_t caplen,
                     size_t wirelen)
{
	struct run_ctx *rc = ctx;
	struct gazer_ahead a;
	if (gazer_looks_ahead(rc->gazer)) {
		if (frame_batch_add(&rc->batch, rc->gazer, linktype, ts_us, data, caplen, wirelen)) {
			if (frame_batch_full(&rc->batch))
				flush_frames(rc);
			return;
		}
		flush_frames(rc); /* no room left for it: the frames held, then it */
	}
	gazer_decode_ahead(rc->gazer, linktype, data, caplen, &a);
	handle_frame(rc, &a, ts_us, caplen, wirelen);
}

/*
 * No packet for now (the capture is about to wait, or waited), or a
 * signal: the frames held have their turn first.  Live, the clock is the
 * wall clock: queries time out and logs rotate on it.  Reading a pipe,
 * time stays packet time (an old capture may be piped in), and only the
 * flushes, statistics and signals are due.
 */
static void on_idle(void *ctx)
{
	struct run_ctx *rc = ctx;
	flush_frames(rc);
	if (rc->stats->live) {
		int64_t now = clock_wall_us();
		gazer_tick(rc->gazer, now);
		tick_sinks(rc, now);
	}
	check_sinks(rc);
	check_signals(rc);
	on_clock(rc);
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
 * Check the link type and install the filter; returns 0, 1 (runtime
 * failure) or EXIT_USAGE (a filter that does not compile is a bad option).
 */
static int prepare_capture(struct capture *c, const struct options *o, const char *what)
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
	return 0;
}

static void close_inputs(struct inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		capture_close(in->c[i]);
	in->n = 0;
}

/* Open the interface or every file up front: a typo in the last of many
 * files is reported before hours of work, and as root. */
static int open_inputs(const struct options *o, struct inputs *in)
{
	char err[512];
	struct capture_live_opts lo = {.snaplen = o->snaplen, .buffer_size = o->buffer_size,
	                               .promisc = !o->no_promisc, .timeout_ms = 100};
	size_t n = o->iface ? 1 : o->nfiles;
	in->n = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = o->iface ? o->iface : o->files[i];
		struct capture *c = o->iface ? capture_open_live(name, &lo, err, sizeof(err))
		                             : capture_open_file(name, err, sizeof(err));
		if (!c) {
			log_error("%s", err);
			return 1;
		}
		in->c[in->n] = c;
		in->name[in->n++] = name;
		int rc = prepare_capture(c, o, name);
		if (rc)
			return rc;
	}
	return 0;
}

static int run_inputs(struct inputs *in, struct run_ctx *rc)
{
	char err[512];
	for (size_t i = 0; i < in->n && !stop_requested; i++) {
		rc->current = in->c[i];
		rc->current_name = in->name[i];
		int r = capture_run(in->c[i], on_frame, on_idle, rc, &stop_requested, err, sizeof(err));
		flush_frames(rc);
		sync_stats(rc);
		if (r < 0) {
			log_error("%s", err);
			return 1;
		}
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
	fc.shared_key = o->fluentd_key;
	fc.hostname = o->fluentd_hostname;
	fc.buffer_dir = o->fluentd_buffer_dir;
	fc.mem_limit = o->fluentd_buffer_size;
	fc.disk_limit = o->fluentd_disk_size;
	fc.batch_events = o->fluentd_batch_size;
	fc.flush_ms = o->fluentd_flush_ms;
	fc.ack_timeout_ms = o->fluentd_ack_timeout_ms;
	fc.retry_max_ms = o->fluentd_retry_max_ms;
	fc.drain_ms = o->fluentd_drain_ms;
	struct sink *s = sink_fluent_open(&fc, tags, err, errlen);
	/* The statistics name each output after close, when the sink is freed:
	 * give it a name that lasts (one fluentd output per process). */
	static char name[300];
	if (s) {
		snprintf(name, sizeof(name), "fluentd %s", o->fluentd[0]);
		s->name = name;
	}
	return s;
}

static int open_sinks(const struct options *o, const struct sink_tags *tags,
                      struct sink **sinks, size_t *n)
{
	char err[512];
	const char *text = o->text_path;
	if (!text && !o->msgpack_path && !o->log_dir && !o->nfluentd)
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
		sinks[(*n)++] = s; /* local files get every event, --alerts-only or not */
	}
	if (o->log_dir) {
		struct logdir_config lc = {
			.dir = o->log_dir, .fmt = o->log_json ? LOGDIR_JSON : LOGDIR_ZEEK,
			.records = o->records, .stats = o->stats_interval_sec > 0, .alerts = o->nioc > 0,
			.rotate_interval_us = (int64_t)o->rotate_interval * 1000000,
			.rotate_size = o->rotate_size, .rotate_command = o->rotate_command};
		struct sink *s = sink_logdir_open(&lc, err, sizeof(err));
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
		s->alerts_only = o->alerts_only; /* a small link to the SIEM */
		sinks[(*n)++] = s;
	}
	return 0;
}

/*
 * Close every sink, leaving in out (if not NULL) what each wrote and lost;
 * returns 1 if any lost events, else 0.
 */
static int close_sinks(struct sink **sinks, size_t n, struct stats_output *out)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct sink *s = sinks[i];
		char name[512]; /* s->name may live inside s, freed by close */
		snprintf(name, sizeof(name), "%s", s->name);
		int flushed = s->ops->flush(s);
		if (s->ops->drain)
			s->ops->drain(s); /* may take up to the drain timeout */
		if (out)
			tally(&s, 1, &out[i]);
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

/*
 * Detach, write the pid file and give up root: the steps between opening
 * everything and running.  Returns 0 or 1 (message already logged).
 */
static int become_service(const struct options *o, struct pidfile *pf)
{
	char err[512];
	int ready = -1;
	if (o->daemon) {
		ready = daemon_start(err, sizeof(err));
		if (ready < 0) {
			log_error("%s", err);
			return 1;
		}
		log_use_syslog();
	}
	if ((pf && pidfile_write(pf, err, sizeof(err)) < 0) ||
	    (o->user[0] && privdrop(o->user, o->group, err, sizeof(err)) < 0)) {
		log_error("%s", err);
		daemon_ready(ready, err);
		return 1;
	}
	daemon_ready(ready, NULL);
	return 0;
}

/* Parse the options; returns -1 to go on, or the exit status. */
static int parse_options(struct options *o, int argc, char **argv)
{
	char err[512];
	switch (options_parse(o, argc, argv, err, sizeof(err))) {
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
	return -1;
}

/*
 * Run the pipeline from the inputs to the sinks, counting into st and
 * matching the indicators of ioc (owned: freed here, NULL for none),
 * which SIGHUP reloads in the background; returns the exit status.
 */
static int run(const struct options *o, struct inputs *in, struct sink **sinks, size_t nsinks,
               const struct sink_tags *tags, struct stats *st, struct ioc_set *ioc)
{
	st->live = o->iface != NULL;
	struct gazer_config cfg = {.timeout_us = (int64_t)o->timeout_sec * 1000000,
	                           .max_pending = o->max_pending, .records = o->records,
	                           .ports = o->ports, .nports = o->nports,
	                           .alert_tag = tags->alert};
	struct gazer *g = gazer_new(&cfg, sinks, nsinks, st);
	if (!g) {
		log_error("cannot start: out of memory or no random source");
		ioc_set_free(ioc);
		return 1;
	}
	struct ioc_loader *loader = NULL;
	if (ioc && !(loader = ioc_loader_new(o->ioc_files, o->nioc))) {
		log_error("cannot start: out of memory");
		gazer_free(g);
		ioc_set_free(ioc);
		return 1;
	}
	gazer_set_ioc(g, ioc);
	struct run_ctx ctx = {.o = o, .gazer = g, .sinks = sinks, .nsinks = nsinks, .stats = st,
	                      .tags = tags, .ioc = ioc, .loader = loader};
	ctx.next_flush_us = clock_mono_us() + FLUSH_EVERY_US;
	if (o->stats_interval_sec)
		ctx.next_stats_us = clock_mono_us() + (int64_t)o->stats_interval_sec * 1000000;
	progress_init(&ctx.progress, stderr, !o->quiet && !o->daemon && !o->iface);
	int rc = run_inputs(in, &ctx);
	/* A reload still loading would come too late: let it end at the next
	 * file while the rest is written out. */
	if (loader)
		ioc_loader_cancel(loader);
	progress_end(&ctx.progress);
	gazer_drain(g);
	if (o->stats_interval_sec)
		emit_stats(&ctx);
	sync_stats(&ctx);
	gazer_free(g);
	ioc_loader_free(loader); /* waits for a load to end its file */
	ioc_set_free(ctx.ioc); /* the lists in force: reloads swap them */
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	options_defaults(&o);
	int rc = parse_options(&o, argc, argv);
	if (rc >= 0) {
		options_free(&o);
		return rc;
	}
	log_set_quiet(o.quiet);

	struct sink_tags tags;
	struct sink *sinks[MAX_SINKS];
	size_t nsinks = 0;
	struct inputs in = {.n = 0};
	struct pidfile *pf = NULL;
	char err[512];
	if (sink_tags_init(&tags, o.tag_prefix) < 0) {
		log_error("tag prefix too long");
		rc = EXIT_USAGE;
	} else if ((rc = open_inputs(&o, &in)) == 0 && open_sinks(&o, &tags, sinks, &nsinks) < 0) {
		rc = 1;
	} else if (rc == 0 && o.pid_file && !(pf = pidfile_open(o.pid_file, err, sizeof(err)))) {
		log_error("%s", err);
		rc = 1;
	}
	/* Indicators are loaded before detaching, so a bad list stops the start. */
	struct ioc_set *ioc = NULL;
	if (rc == 0 && o.nioc && !(ioc = load_ioc(&o)))
		rc = 1;
	if (rc == 0) {
		if (o.iface && geteuid() == 0 && !o.user[0])
			log_warn("capturing as root: -u USER drops privileges once the capture is open");
		install_signals();
		rc = become_service(&o, pf);
	}
	struct stats st;
	memset(&st, 0, sizeof(st));
	bool ran = rc == 0;
	if (ran)
		rc = run(&o, &in, sinks, nsinks, &tags, &st, ioc);
	close_inputs(&in);
	struct stats_output out[MAX_SINKS];
	if (close_sinks(sinks, nsinks, out))
		rc = rc ? rc : 1;
	if (ran && rc == 0 && !o.quiet)
		print_summary(&st, out, nsinks);
	pidfile_remove(pf);
	options_free(&o);
	return rc;
}
