/* sink_stream.c - text and msgpack stream sinks, see sink_stream.h. */
#include "config.h"

#include "sink_stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "encode_json.h"
#include "encode_msgpack.h"
#include "obuf.h"

/*
 * Events are encoded one after the other into one buffer, written out in
 * one write when it holds this much: one copy of each byte (no stdio
 * buffer in between), and a buffer small enough to stay in the cache.
 */
#define STREAM_BATCH (64 * 1024)

struct stream_sink {
	struct sink base;
	enum stream_format fmt;
	FILE *fp;              /* unbuffered: out is the buffer */
	bool owns_fp;
	bool each_line;        /* a terminal: each event written at once */
	const struct sink_tags *tags;
	struct obuf out;       /* events not written yet */
	uint64_t batched;      /* how many (already counted as written) */
	struct json_key_cache keys; /* text: the JSON form of each key */
	int64_t cached_sec; /* text: second whose time string is cached */
	char cached_time[32];
};

void sink_stream_time(int64_t sec, char buf[32])
{
	time_t t = (time_t)sec;
	struct tm tm;
	/* strftime() returns 0, maybe leaving buf unterminated, when the text
	 * does not fit: years before -999999999 take 33 bytes. */
	if (!gmtime_r(&t, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%S+00:00", &tm) == 0)
		snprintf(buf, 32, "%lld", (long long)sec);
}

static int64_t floor_sec(int64_t us)
{
	return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

/*
 * Write out the buffered events.  On failure they are lost: the ones
 * already counted as written are counted as errors instead.
 */
static int write_batch(struct stream_sink *s)
{
	bool ok = !s->out.oom && fwrite(s->out.p, 1, s->out.len, s->fp) == s->out.len;
	if (!ok) {
		if (!s->base.last_errno)
			s->base.last_errno = s->out.oom ? ENOMEM : errno ? errno : EIO;
		s->base.events -= s->batched;
		s->base.errors += s->batched;
	}
	s->batched = 0;
	obuf_reset(&s->out);
	return ok ? 0 : -1;
}

/* Start an event: the text prefix or the msgpack array head. */
static struct emitter begin(struct stream_sink *s, const char *tag, int64_t us,
                            struct json_enc *je, struct msgpack_enc *me)
{
	int64_t sec = floor_sec(us);
	if (s->fmt == STREAM_TEXT) {
		if (sec != s->cached_sec) {
			sink_stream_time(sec, s->cached_time);
			s->cached_sec = sec;
		}
		obuf_puts(&s->out, s->cached_time);
		obuf_putc(&s->out, '\t');
		obuf_puts(&s->out, tag);
		obuf_putc(&s->out, '\t');
		return json_enc_init_cached(je, &s->out, &s->keys);
	}
	struct emitter e = msgpack_enc_init(me, &s->out);
	size_t n = strlen(tag);
	msgpack_pack_array(&me->pk, 3);
	msgpack_pack_str(&me->pk, n);
	msgpack_pack_str_body(&me->pk, tag, n);
	msgpack_pack_int64(&me->pk, sec);
	return e;
}

/* End an event; it is written with the batch once that is full. */
static int finish(struct stream_sink *s)
{
	if (s->fmt == STREAM_TEXT)
		obuf_putc(&s->out, '\n');
	if (s->out.len < STREAM_BATCH && !s->each_line && !s->out.oom) {
		s->batched++;
		return 0;
	}
	return write_batch(s);
}

static int stream_tx(struct sink *base, const struct tx_view *tx)
{
	struct stream_sink *s = (struct stream_sink *)base;
	struct json_enc je;
	struct msgpack_enc me;
	struct emitter e = begin(s, s->tags->tx, tx_view_time(tx), &je, &me);
	event_tx(&e, tx);
	return finish(s);
}

static int stream_record(struct sink *base, const struct tx_view *tx, bool reply,
                         const struct dns_rr *rr)
{
	struct stream_sink *s = (struct stream_sink *)base;
	struct json_enc je;
	struct msgpack_enc me;
	struct emitter e = begin(s, s->tags->record, reply ? tx->reply_us : tx->query_us, &je, &me);
	event_record(&e, tx, reply, rr);
	return finish(s);
}

static int stream_event(struct sink *base, const struct sink_event *ev)
{
	struct stream_sink *s = (struct stream_sink *)base;
	struct json_enc je;
	struct msgpack_enc me;
	struct emitter e = begin(s, ev->tag, ev->ts_us, &je, &me);
	ev->write(&e, ev->arg);
	return finish(s);
}

static int stream_flush(struct sink *base)
{
	struct stream_sink *s = (struct stream_sink *)base;
	if (s->out.len && write_batch(s) < 0)
		return -1;
	if (fflush(s->fp) != 0) {
		if (!s->base.last_errno)
			s->base.last_errno = errno;
		return -1;
	}
	return 0;
}

static int stream_close(struct sink *base)
{
	struct stream_sink *s = (struct stream_sink *)base;
	int rc = stream_flush(base);
	if (s->owns_fp && fclose(s->fp) != 0) {
		if (!s->base.last_errno)
			s->base.last_errno = errno;
		rc = -1;
	}
	obuf_free(&s->out);
	free(s);
	return rc;
}

static const struct sink_ops stream_ops = {
	.tx = stream_tx,
	.record = stream_record,
	.event = stream_event,
	.flush = stream_flush,
	.close = stream_close,
};

struct sink *sink_stream_open(enum stream_format fmt, const char *path,
                              const struct sink_tags *tags, char *err, size_t errlen)
{
	struct stream_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	bool use_stdout = strcmp(path, "-") == 0;
	s->fp = use_stdout ? stdout : fopen(path, fmt == STREAM_TEXT ? "w" : "wb");
	if (!s->fp) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		free(s);
		return NULL;
	}
	s->owns_fp = !use_stdout;
	/* A terminal sees each line as it comes; files and pipes get big writes. */
	s->each_line = use_stdout && isatty(STDOUT_FILENO);
	setvbuf(s->fp, NULL, _IONBF, 0);
	s->base.ops = &stream_ops;
	s->base.name = use_stdout ? "stdout" : path;
	s->fmt = fmt;
	s->tags = tags;
	s->cached_sec = INT64_MIN;
	obuf_init(&s->out);
	return &s->base;
}
