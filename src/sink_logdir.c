/* sink_logdir.c - log files in a directory, see sink_logdir.h. */
#include "config.h"

#include "sink_logdir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "encode_json.h"
#include "hash.h"
#include "obuf.h"
#include "zeek_dns.h"
#include "zeek_tsv.h"

#define LOGDIR_BUFSIZE (64 * 1024)
#define FLUSH_US 1000000

struct logfile {
	const char *stem;           /* "tx" or "record" */
	char path[PATH_MAX];        /* DIR/STEM.log */
	int fd;                     /* -1 when not open (retried at each flush) */
	uint64_t size;              /* bytes in the file */
	struct obuf buf;            /* whole lines not yet written */
	uint64_t buf_events;        /* events among them */
	bool started;               /* the current file has its header (maybe in buf) */
	bool header_in_buf;
	int64_t open_us;            /* when the current file was started */
	const struct zeek_field *fields;
	size_t nfields;
};

struct logdir_sink {
	struct sink base;
	struct logdir_config cfg;   /* cfg.dir points to dir */
	char dir[PATH_MAX];         /* absolute: a daemon changes to / */
	struct logfile tx, rec, stats;
	struct logfile *files[3];   /* those in use: tx, then record, stats */
	size_t nfiles;
	struct hash_key key;        /* for uids */
	struct obuf line;           /* the event being rendered */
	struct obuf json;           /* JSON format: the event's object */
	bool have_time;
	int64_t now_us;             /* latest tick */
	int64_t next_flush_us, next_rotate_us;
};

static ssize_t do_write(struct logdir_sink *s, int fd, const void *p, size_t n)
{
	return s->cfg.write_fn ? s->cfg.write_fn(fd, p, n) : write(fd, p, n);
}

static void note_error(struct logdir_sink *s, int err)
{
	if (!s->base.failing || !s->base.last_errno)
		s->base.last_errno = err ? err : EIO;
	s->base.failing = true;
}

static int open_file(struct logdir_sink *s, struct logfile *f)
{
	f->fd = open(f->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		note_error(s, errno);
		return -1;
	}
	struct stat st;
	f->size = fstat(f->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

/* Start the current file at time us: its header goes first. */
static void start_file(struct logdir_sink *s, struct logfile *f, int64_t us)
{
	f->started = true;
	f->open_us = us;
	if (s->cfg.fmt != LOGDIR_ZEEK)
		return;
	size_t before = f->buf.len;
	zeek_tsv_header(&f->buf, f->stem, f->fields, f->nfields, us);
	f->header_in_buf = f->buf.len > before;
}

/* Write all of p; returns bytes written, < n on error (errno set). */
static size_t write_all(struct logdir_sink *s, int fd, const char *p, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = do_write(s, fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			break;
		}
		done += (size_t)w;
	}
	return done;
}

/*
 * Write f's buffer.  Returns the number of events lost (0 when all were
 * written); a part written before a failure is cut off again.
 */
static uint64_t flush_file(struct logdir_sink *s, struct logfile *f)
{
	if (f->buf.len == 0 && !f->buf.oom)
		return 0;
	int err = ENOMEM;
	if (!f->buf.oom && (f->fd >= 0 || open_file(s, f) == 0)) {
		size_t done = write_all(s, f->fd, f->buf.p, f->buf.len);
		if (done == f->buf.len) {
			f->size += done;
			obuf_reset(&f->buf);
			f->buf_events = 0;
			f->header_in_buf = false;
			s->base.failing = false;
			return 0;
		}
		err = errno;
		/* No half line: drop what this buffer left in the file. */
		if (done > 0 && ftruncate(f->fd, (off_t)f->size) < 0)
			f->size += done;
	} else if (f->fd < 0) {
		err = s->base.last_errno;
	}
	note_error(s, err);
	uint64_t lost = f->buf_events;
	if (f->header_in_buf)
		f->started = false; /* the next line brings the header again */
	obuf_reset(&f->buf);
	f->buf_events = 0;
	f->header_in_buf = false;
	return lost;
}

/* Count events lost after they were accepted. */
static void take_back(struct logdir_sink *s, uint64_t lost)
{
	s->base.errors += lost;
	s->base.events -= lost < s->base.events ? lost : s->base.events;
}

static void reap_children(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Run the rotation command on path without waiting for it. */
static void run_command(struct logdir_sink *s, const char *path)
{
	if (!s->cfg.rotate_command)
		return;
	posix_spawnattr_t attr;
	if (posix_spawnattr_init(&attr) != 0)
		return;
	sigset_t def;
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGHUP);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	char *argv[] = {"sh", "-c", (char *)s->cfg.rotate_command, "sh", (char *)path, NULL};
	pid_t pid;
	/* The command reports its own failures on stderr; a shell that cannot
	 * start at all leaves the file where it is, which is no loss. */
	(void)posix_spawn(&pid, "/bin/sh", NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
}

/* DIR/STEM.STAMP.log, or DIR/STEM.STAMP-N.log when that exists. */
static int rotated_name(const struct logdir_config *c, const struct logfile *f, char *out,
                        size_t len)
{
	char stamp[32];
	zeek_tsv_stamp(f->open_us, stamp);
	for (int n = 0; n < 1000; n++) {
		char sfx[16] = "";
		if (n)
			snprintf(sfx, sizeof(sfx), "-%d", n);
		int w = snprintf(out, len, "%s/%s.%s%s.log", c->dir, f->stem, stamp, sfx);
		if (w < 0 || (size_t)w >= len)
			return -1;
		if (access(out, F_OK) != 0)
			return 0;
	}
	return -1;
}

/*
 * Finish the current file (#close, flush, close) at time us; returns the
 * events lost.
 */
static uint64_t finish_file(struct logdir_sink *s, struct logfile *f, int64_t us)
{
	if (f->started && s->cfg.fmt == LOGDIR_ZEEK)
		zeek_tsv_close(&f->buf, us);
	uint64_t lost = flush_file(s, f);
	if (f->fd >= 0 && close(f->fd) < 0)
		note_error(s, errno);
	f->fd = -1;
	return lost;
}

/* Close, rename and hand over the current file, then start a new one. */
static uint64_t rotate_file(struct logdir_sink *s, struct logfile *f, int64_t us, bool restart)
{
	if (!f->started)
		return 0;
	uint64_t lost = finish_file(s, f, us);
	char to[PATH_MAX];
	if (rotated_name(&s->cfg, f, to, sizeof(to)) < 0)
		note_error(s, ENAMETOOLONG);
	else if (rename(f->path, to) < 0)
		note_error(s, errno);
	else
		run_command(s, to);
	f->started = false;
	if (restart) {
		open_file(s, f);
		start_file(s, f, us);
	}
	return lost;
}

static void next_rotation(struct logdir_sink *s, int64_t now)
{
	int64_t iv = s->cfg.rotate_interval_us;
	if (iv > 0)
		s->next_rotate_us = (now >= 0 ? now / iv : now / iv - 1) * iv + iv;
}

static void set_time(struct logdir_sink *s, int64_t now)
{
	if (s->have_time)
		return;
	s->have_time = true;
	s->now_us = now;
	s->next_flush_us = now + FLUSH_US;
	next_rotation(s, now);
}

/* Append the rendered line to f; returns 0, or -1 when it was lost. */
static int put_line(struct logdir_sink *s, struct logfile *f, int64_t ev_us)
{
	if (s->line.oom)
		return -1;
	set_time(s, ev_us);
	if (!f->started)
		start_file(s, f, s->now_us);
	obuf_put(&f->buf, s->line.p, s->line.len);
	f->buf_events++;
	uint64_t lost = 0;
	if (f->buf.len >= LOGDIR_BUFSIZE || f->buf.oom)
		lost = flush_file(s, f);
	if (!lost && s->cfg.rotate_size && f->size + f->buf.len >= s->cfg.rotate_size)
		lost = rotate_file(s, f, s->now_us, true);
	if (!lost)
		return 0;
	/* This event is among the lost: sink_tx() counts it. */
	take_back(s, lost - 1);
	return -1;
}

static void begin_json(struct logdir_sink *s, bool with_ts, int64_t us, const char *uid)
{
	obuf_puts(&s->line, "{");
	if (with_ts) {
		obuf_puts(&s->line, "\"ts\": ");
		json_put_usec(&s->line, us);
		obuf_puts(&s->line, ", ");
	}
	obuf_puts(&s->line, "\"uid\": \"");
	obuf_puts(&s->line, uid);
	obuf_puts(&s->line, "\", ");
}

/* Append the event's JSON object without its opening brace. */
static void end_json(struct logdir_sink *s)
{
	const struct obuf *ev = &s->json;
	if (ev->oom || ev->len < 2)
		s->line.oom = true;
	else
		obuf_put(&s->line, ev->p + 1, ev->len - 1);
	obuf_putc(&s->line, '\n');
}

static int logdir_tx(struct sink *base, const struct tx_view *tx)
{
	struct logdir_sink *s = (struct logdir_sink *)base;
	char uid[ZEEK_UID_MAX];
	zeek_dns_uid(&s->key, tx, uid);
	obuf_reset(&s->line);
	if (s->cfg.fmt == LOGDIR_ZEEK) {
		zeek_dns_tx_row(&s->line, tx, uid);
	} else {
		struct json_enc je;
		obuf_reset(&s->json);
		struct emitter e = json_enc_init(&je, &s->json);
		event_tx(&e, tx);
		begin_json(s, true, tx_view_time(tx), uid);
		end_json(s);
	}
	return put_line(s, &s->tx, tx_view_time(tx));
}

static int logdir_record(struct sink *base, const struct tx_view *tx, bool reply,
                         const struct dns_rr *rr)
{
	struct logdir_sink *s = (struct logdir_sink *)base;
	if (!s->cfg.records)
		return 0;
	char uid[ZEEK_UID_MAX];
	zeek_dns_uid(&s->key, tx, uid);
	obuf_reset(&s->line);
	if (s->cfg.fmt == LOGDIR_ZEEK) {
		zeek_dns_record_row(&s->line, tx, reply, rr, uid);
	} else {
		struct json_enc je;
		obuf_reset(&s->json);
		struct emitter e = json_enc_init(&je, &s->json);
		event_record(&e, tx, reply, rr); /* has its own ts */
		begin_json(s, false, 0, uid);
		end_json(s);
	}
	return put_line(s, &s->rec, reply ? tx->reply_us : tx->query_us);
}

/* Other events (stats): JSON format only, with "ts" first, in stats.log. */
static int logdir_event(struct sink *base, const struct sink_event *ev)
{
	struct logdir_sink *s = (struct logdir_sink *)base;
	struct json_enc je;
	obuf_reset(&s->json);
	struct emitter e = json_enc_init(&je, &s->json);
	ev->write(&e, ev->arg);
	obuf_reset(&s->line);
	obuf_puts(&s->line, "{\"ts\": ");
	json_put_usec(&s->line, ev->ts_us);
	obuf_puts(&s->line, ", ");
	end_json(s);
	return put_line(s, &s->stats, ev->ts_us);
}

static size_t nfiles(const struct logdir_sink *s)
{
	return s->nfiles;
}

static struct logfile *file_at(struct logdir_sink *s, size_t i)
{
	return s->files[i];
}

static int logdir_flush(struct sink *base)
{
	struct logdir_sink *s = (struct logdir_sink *)base;
	uint64_t lost = 0;
	for (size_t i = 0; i < nfiles(s); i++)
		lost += flush_file(s, file_at(s, i));
	take_back(s, lost);
	return lost ? -1 : 0;
}

static void logdir_tick(struct sink *base, int64_t now)
{
	struct logdir_sink *s = (struct logdir_sink *)base;
	if (!s->have_time) {
		set_time(s, now);
		for (size_t i = 0; i < nfiles(s); i++)
			if (!file_at(s, i)->started)
				start_file(s, file_at(s, i), now);
	}
	if (now <= s->now_us)
		return; /* the common case, and time never runs backwards here */
	s->now_us = now;
	if (s->cfg.rotate_interval_us && now >= s->next_rotate_us) {
		uint64_t lost = 0;
		for (size_t i = 0; i < nfiles(s); i++)
			lost += rotate_file(s, file_at(s, i), now, true);
		take_back(s, lost);
		next_rotation(s, now);
	}
	if (now >= s->next_flush_us) {
		logdir_flush(base);
		reap_children();
		s->next_flush_us = now + FLUSH_US;
	}
}

static int logdir_reopen(struct sink *base)
{
	struct logdir_sink *s = (struct logdir_sink *)base;
	uint64_t lost = 0;
	for (size_t i = 0; i < nfiles(s); i++) {
		struct logfile *f = file_at(s, i);
		bool was_started = f->started;
		lost += finish_file(s, f, s->now_us);
		f->started = false;
		if (open_file(s, f) == 0 && was_started)
			start_file(s, f, s->now_us);
	}
	take_back(s, lost);
	return lost || s->base.failing ? -1 : 0;
}

static int logdir_close(struct sink *base)
{
	struct logdir_sink *s = (struct logdir_sink *)base;
	bool rotate = s->cfg.rotate_interval_us || s->cfg.rotate_size;
	uint64_t lost = 0;
	for (size_t i = 0; i < nfiles(s); i++) {
		struct logfile *f = file_at(s, i);
		lost += rotate && f->started ? rotate_file(s, f, s->now_us, false)
		                             : finish_file(s, f, s->now_us);
		obuf_free(&f->buf);
	}
	take_back(s, lost);
	reap_children();
	int rc = lost || s->base.errors ? -1 : 0;
	obuf_free(&s->line);
	obuf_free(&s->json);
	free(s);
	return rc;
}

static const struct sink_ops logdir_ops = {
	.tx = logdir_tx,
	.record = logdir_record,
	.flush = logdir_flush,
	.close = logdir_close,
	.reopen = logdir_reopen,
	.tick = logdir_tick,
};

/* JSON format: the same, and stats events too. */
static const struct sink_ops logdir_json_ops = {
	.tx = logdir_tx,
	.record = logdir_record,
	.event = logdir_event,
	.flush = logdir_flush,
	.close = logdir_close,
	.reopen = logdir_reopen,
	.tick = logdir_tick,
};

static int init_file(struct logdir_sink *s, struct logfile *f, const char *stem,
                     const struct zeek_field *fields, size_t n, char *err, size_t errlen)
{
	f->stem = stem;
	f->fields = fields;
	f->nfields = n;
	f->fd = -1;
	obuf_init(&f->buf);
	int w = snprintf(f->path, sizeof(f->path), "%s/%s.log", s->cfg.dir, stem);
	if (w < 0 || (size_t)w >= sizeof(f->path)) {
		snprintf(err, errlen, "log directory name too long: %s", s->cfg.dir);
		return -1;
	}
	if (open_file(s, f) < 0) {
		snprintf(err, errlen, "cannot open %s: %s", f->path, strerror(errno));
		return -1;
	}
	return 0;
}

struct sink *sink_logdir_open(const struct logdir_config *c, char *err, size_t errlen)
{
	struct stat st;
	if (stat(c->dir, &st) < 0) {
		snprintf(err, errlen, "log directory %s: %s", c->dir, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "log directory %s: not a directory", c->dir);
		return NULL;
	}
	struct logdir_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	bool stats = c->stats && c->fmt == LOGDIR_JSON;
	s->base.ops = stats ? &logdir_json_ops : &logdir_ops;
	s->base.name = c->dir;
	s->cfg = *c;
	if (!realpath(c->dir, s->dir)) {
		snprintf(err, errlen, "log directory %s: %s", c->dir, strerror(errno));
		free(s);
		return NULL;
	}
	s->cfg.dir = s->dir;
	s->tx.fd = s->rec.fd = s->stats.fd = -1;
	obuf_init(&s->line);
	obuf_init(&s->json);
	if (hash_key_random(&s->key) < 0) {
		snprintf(err, errlen, "no random source for uids");
		free(s);
		return NULL;
	}
	size_t n;
	const struct zeek_field *f = zeek_dns_tx_fields(&n);
	int rc = init_file(s, &s->tx, "tx", f, n, err, errlen);
	s->files[s->nfiles++] = &s->tx;
	if (rc == 0 && c->records) {
		f = zeek_dns_record_fields(&n);
		rc = init_file(s, &s->rec, "record", f, n, err, errlen);
		s->files[s->nfiles++] = &s->rec;
	}
	if (rc == 0 && stats) {
		rc = init_file(s, &s->stats, "stats", NULL, 0, err, errlen);
		s->files[s->nfiles++] = &s->stats;
	}
	if (rc < 0) {
		for (size_t i = 0; i < s->nfiles; i++) {
			if (s->files[i]->fd >= 0)
				close(s->files[i]->fd);
			obuf_free(&s->files[i]->buf);
		}
		obuf_free(&s->line);
		obuf_free(&s->json);
		free(s);
		return NULL;
	}
	s->base.failing = false;
	return &s->base;
}
