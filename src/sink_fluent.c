/* sink_fluent.c - events to fluentd over the Forward protocol, see sink_fluent.h. */
#include "config.h"

#include "sink_fluent.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/rand.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "encode_msgpack.h"
#include "event.h"
#include "fwd_conn.h"
#include "fwd_queue.h"
#include "log.h"

#define MAX_TAGS 8               /* open batches: one per tag */
#define BATCH_MAX_BYTES (1u << 20) /* seal a batch at 1 MiB of entries (or 1/4 of memory) */
#define SPILL_WAIT_MS 5000       /* longest wait of capture for the disk */
#define WINDOW 8                 /* batches in flight waiting for acks */
#define BACKOFF_MIN_MS 250
#define KEY_MAX 1024
#define DROP_REPORT_MS 10000     /* at most one drop warning this often */
#define READ_CHUNK 4096
#define STEP_TIMEOUT_MS 10000    /* for a connect, a TLS handshake, a HELO or a PONG */

enum conn_state {
	ST_IDLE,       /* not connected; retry at retry_at */
	ST_CONNECTING, /* TCP (and TLS) under way */
	ST_HELO,       /* waiting for the server's HELO */
	ST_PONG,       /* PING sent, waiting for the PONG */
	ST_READY,      /* sending batches */
};

struct open_batch {
	char tag[128]; /* "": free slot */
	struct obuf buf;
	uint32_t count;
	int64_t started_ms;
};

/*
 * Fields are grouped by who touches them; within a group, large before
 * small, so the structure has no holes.
 */
struct fluent_sink {
	struct sink base;
	struct fluent_config cfg;
	const struct sink_tags *tags;
	size_t keylen;
	char key[KEY_MAX + 1];
	char hostname[256];
	char label[300]; /* "fluentd HOST:PORT" for messages */

	/* the calling thread (capture, main) only */
	struct obuf scratch;
	pthread_t thread;

	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t changed; /* the queue shrank or went to disk */
	struct open_batch batch[MAX_TAGS];
	struct fwd_queue q;
	size_t open_bytes;
	size_t batch_bytes; /* seal a batch at this size */
	uint64_t dropped;   /* events dropped: memory full */
	uint64_t delivered; /* events acked (or written, without acks) */
	uint64_t damaged;   /* events in spool files that failed their checks */

	/* I/O thread only */
	SSL_CTX *tls;
	struct fwd_conn conn;
	struct obuf out;           /* bytes to write */
	struct obuf in;            /* bytes read, not yet whole messages */
	struct fwd_helo helo;
	size_t out_off;
	struct fwd_item *sending;  /* the batch in out, if any */
	size_t inflight;
	size_t server;             /* index of the server in use or tried */
	int64_t retry_at, backoff_ms;
	int64_t step_deadline_ms;  /* connect or handshake must be done by then */
	uint64_t chunk_counter;
	uint64_t jitter;           /* xorshift state for the backoff jitter */
	uint64_t drops_reported;
	int64_t drop_report_at;
	enum conn_state st;
	char last_err[256];        /* last problem logged, to say it once */
	char salt[FWD_SALT_LEN + 1];
	uint8_t run_id[8];
	bool progress;             /* something was delivered on this connection */
	bool disk_full_logged;

	int lock_fd;     /* holds the buffer directory's lock */
	int wake[2];     /* the capture thread pokes the I/O thread */
	bool draining, stop, disk_full; /* under mu */
	bool drained_once, thread_started, thread_failed; /* calling thread */
};

void sink_fluent_defaults(struct fluent_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = FWD_PACKED;
	c->mem_limit = FLUENT_DEFAULT_MEM_LIMIT;
	c->disk_limit = FLUENT_DEFAULT_DISK_LIMIT;
	c->batch_events = FLUENT_DEFAULT_BATCH_EVENTS;
	c->flush_ms = FLUENT_DEFAULT_FLUSH_MS;
	c->ack_timeout_ms = FLUENT_DEFAULT_ACK_TIMEOUT_MS;
	c->retry_max_ms = FLUENT_DEFAULT_RETRY_MAX_MS;
	c->drain_ms = FLUENT_DEFAULT_DRAIN_MS;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void wake_io(struct fluent_sink *s)
{
	char c = 1;
	/* a full pipe already holds a wake-up */
	if (write(s->wake[1], &c, 1) < 0 && errno != EAGAIN)
		return;
}

static void *io_main(void *arg);

/*
 * Start the I/O thread on first use, not at open: a daemon forks after the
 * sinks are open, and a thread does not survive a fork.  Only the thread
 * that calls the sink (capture, main) starts it.  Returns 0 or -1.
 */
static int start_thread(struct fluent_sink *s)
{
	if (s->thread_started)
		return 0;
	if (s->thread_failed)
		return -1;
	/* Signals are for the main thread: the capture loop acts on them. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&s->thread, NULL, io_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		log_error("%s: cannot start the fluentd thread: %s", s->label, strerror(rc));
		s->thread_failed = true;
		return -1;
	}
	s->thread_started = true;
	return 0;
}

/* ------------------------------------------------------ capture side */

/* Move open batch b into the queue (under mu). */
static void seal(struct fluent_sink *s, struct open_batch *b)
{
	if (b->count == 0)
		return;
	size_t len = b->buf.len;
	uint32_t count = b->count;
	char *data = b->buf.p;
	obuf_init(&b->buf);
	b->count = 0;
	s->open_bytes -= len;
	struct fwd_item *it = fwd_item_new(b->tag, data, len, count);
	if (!it) {
		s->dropped += count;
		return;
	}
	fwd_queue_push(&s->q, it);
}

/* Seal every open batch (under mu). */
static void seal_all_locked(struct fluent_sink *s)
{
	for (size_t i = 0; i < MAX_TAGS; i++)
		seal(s, &s->batch[i]);
}

/* The open batch of tag (copied: the caller's string may not last); NULL if none is free. */
static struct open_batch *batch_for(struct fluent_sink *s, const char *tag)
{
	for (size_t i = 0; i < MAX_TAGS; i++) {
		struct open_batch *b = &s->batch[i];
		if (strcmp(b->tag, tag) == 0)
			return b;
		if (!b->tag[0]) {
			size_t n = strlen(tag);
			if (n == 0 || n >= sizeof(b->tag))
				return NULL;
			memcpy(b->tag, tag, n + 1);
			return b;
		}
	}
	return NULL;
}

/*
 * Memory is full: with room in the buffer directory, wait (bounded) for the
 * I/O thread to move batches there; capture then waits for the disk, never
 * for the network.  Under mu; true if there is room now.
 */
static bool wait_for_room(struct fluent_sink *s, size_t len)
{
	if (!s->cfg.buffer_dir)
		return false;
	int64_t deadline = now_ms() + SPILL_WAIT_MS;
	while (s->q.mem_bytes + s->open_bytes + len > s->cfg.mem_limit) {
		int64_t now = now_ms();
		if (s->disk_full || s->stop || now >= deadline)
			return false;
		wake_io(s);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000;
		ts.tv_nsec %= 1000000000;
		pthread_cond_timedwait(&s->changed, &s->mu, &ts);
	}
	return true;
}

/* Append the entry in scratch to tag's batch; -1 (dropped) when memory is full. */
static int append(struct fluent_sink *s, const char *tag)
{
	if (s->scratch.oom || start_thread(s) < 0) {
		pthread_mutex_lock(&s->mu);
		s->dropped++;
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	size_t len = s->scratch.len;
	bool sealed = false;
	pthread_mutex_lock(&s->mu);
	struct open_batch *b = batch_for(s, tag);
	if (b && s->q.mem_bytes + s->open_bytes + len > s->cfg.mem_limit) {
		/* the open batches are part of the bound: seal them for the spill */
		seal_all_locked(s);
		if (!wait_for_room(s, len))
			b = NULL;
	}
	if (!b) {
		s->dropped++;
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	obuf_put(&b->buf, s->scratch.p, len);
	if (b->buf.oom) { /* obuf_put appended nothing */
		b->buf.oom = false;
		s->dropped++;
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	if (b->count++ == 0)
		b->started_ms = now_ms();
	s->open_bytes += len;
	if (b->count >= s->cfg.batch_events || b->buf.len >= s->batch_bytes) {
		seal(s, b);
		sealed = true;
	}
	pthread_mutex_unlock(&s->mu);
	if (sealed)
		wake_io(s);
	return 0;
}

static struct emitter entry_begin(struct fluent_sink *s, int64_t us, struct msgpack_enc *me)
{
	obuf_reset(&s->scratch);
	struct emitter e = msgpack_enc_init(me, &s->scratch);
	fwd_entry_head(&me->pk, us, s->cfg.event_time);
	return e;
}

static int fluent_tx(struct sink *base, const struct tx_view *tx)
{
	struct fluent_sink *s = (struct fluent_sink *)base;
	struct msgpack_enc me;
	struct emitter e = entry_begin(s, tx_view_time(tx), &me);
	event_tx(&e, tx);
	return append(s, s->tags->tx);
}

static int fluent_record(struct sink *base, const struct tx_view *tx, bool reply,
                         const struct dns_rr *rr)
{
	struct fluent_sink *s = (struct fluent_sink *)base;
	struct msgpack_enc me;
	struct emitter e = entry_begin(s, reply ? tx->reply_us : tx->query_us, &me);
	event_record(&e, tx, reply, rr);
	return append(s, s->tags->record);
}

/* Statistics and alerts: flat maps under their own tag, batched like the others. */
static int fluent_event(struct sink *base, const struct sink_event *ev)
{
	struct fluent_sink *s = (struct fluent_sink *)base;
	struct msgpack_enc me;
	struct emitter e = entry_begin(s, ev->ts_us, &me);
	ev->write(&e, ev->arg);
	return append(s, ev->tag);
}

/*
 * The periodic flush of the outputs: batches keep their own pace
 * (--fluentd-flush-interval, kept by the I/O thread), so this only makes
 * sure the thread runs.  The last batches are sealed by the drain.
 */
static int fluent_flush(struct sink *base)
{
	struct fluent_sink *s = (struct fluent_sink *)base;
	return start_thread(s);
}

/* ------------------------------------------------------ I/O thread */

/* Say a problem once (until something works again). */
static void report(struct fluent_sink *s, bool error, const char *what)
{
	if (strcmp(s->last_err, what) == 0)
		return;
	snprintf(s->last_err, sizeof(s->last_err), "%s", what);
	const struct fwd_server *srv = &s->cfg.servers[s->server];
	if (error)
		log_error("fluentd %s:%u: %s", srv->host, srv->port, what);
	else
		log_warn("fluentd %s:%u: %s", srv->host, srv->port, what);
}

static void set_label(struct fluent_sink *s)
{
	const struct fwd_server *srv = &s->cfg.servers[s->server];
	snprintf(s->label, sizeof(s->label), "fluentd %s%s%s:%u", strchr(srv->host, ':') ? "[" : "",
	         srv->host, strchr(srv->host, ':') ? "]" : "", srv->port);
}

/*
 * The connection failed: everything unconfirmed goes back to the queue;
 * try the next server at once, or after a backoff once all have failed.
 */
static void conn_fail(struct fluent_sink *s, bool error, const char *why)
{
	report(s, error, why);
	fwd_conn_close(&s->conn);
	pthread_mutex_lock(&s->mu);
	fwd_queue_requeue(&s->q);
	pthread_mutex_unlock(&s->mu);
	s->sending = NULL;
	s->inflight = 0;
	obuf_reset(&s->out);
	s->out_off = 0;
	obuf_reset(&s->in);
	int64_t now = now_ms();
	bool was_ready = s->st == ST_READY;
	s->st = ST_IDLE;
	if (!was_ready && s->server + 1 < s->cfg.nservers) {
		s->server++; /* the next standby, now */
		s->retry_at = now;
		return;
	}
	s->server = 0;
	if (s->progress)
		s->backoff_ms = BACKOFF_MIN_MS;
	s->progress = false;
	/* jitter: 75% to 125% of the delay, so many sensors do not reconnect together */
	s->jitter ^= s->jitter << 13;
	s->jitter ^= s->jitter >> 7;
	s->jitter ^= s->jitter << 17;
	int64_t d = s->backoff_ms * (int64_t)(75 + s->jitter % 51) / 100;
	s->retry_at = now + d;
	s->backoff_ms = s->backoff_ms * 2 > s->cfg.retry_max_ms ? s->cfg.retry_max_ms : s->backoff_ms * 2;
}

static void conn_ready(struct fluent_sink *s)
{
	s->st = ST_READY;
}

static void start_connect(struct fluent_sink *s)
{
	char err[256];
	set_label(s);
	if (fwd_conn_start(&s->conn, &s->cfg.servers[s->server], err, sizeof(err)) < 0) {
		conn_fail(s, false, err);
		return;
	}
	s->st = ST_CONNECTING;
	s->step_deadline_ms = now_ms() + STEP_TIMEOUT_MS;
}

static void progress_connect(struct fluent_sink *s)
{
	char err[256];
	int rc = fwd_conn_progress(&s->conn, s->tls, &s->cfg.servers[s->server], err, sizeof(err));
	if (rc < 0)
		conn_fail(s, rc == -2, err);
	else if (rc > 0) {
		if (s->keylen) {
			s->st = ST_HELO;
			s->step_deadline_ms = now_ms() + STEP_TIMEOUT_MS;
		} else
			conn_ready(s);
	}
}

/* A batch is done: acked, or written when there are no acks. */
static void delivered(struct fluent_sink *s, struct fwd_item *it)
{
	uint64_t seq = it->seq;
	pthread_mutex_lock(&s->mu);
	s->delivered += it->count;
	fwd_queue_remove(&s->q, it);
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->mu);
	if (seq)
		fwd_spool_remove(s->cfg.buffer_dir, seq);
	/* A problem is over when events get through again, not at connect:
	 * a server that accepts and then refuses is still a problem. */
	if (s->last_err[0]) {
		set_label(s);
		log_info("%s: delivering again", s->label);
		s->last_err[0] = '\0';
	}
	s->progress = true;
	s->backoff_ms = BACKOFF_MIN_MS;
}

/* Put the next queued batch into out; false when there is none. */
static bool load_next(struct fluent_sink *s)
{
	for (;;) {
		pthread_mutex_lock(&s->mu);
		struct fwd_item *it = fwd_queue_next(&s->q);
		if (it)
			it->state = FWD_ITEM_SENDING;
		pthread_mutex_unlock(&s->mu);
		if (!it)
			return false;
		/* Only this thread changes an item after it is queued: its fields
		 * can be read without the lock. */
		char *disk = NULL;
		if (!it->data && fwd_spool_read(s->cfg.buffer_dir, it, &disk) < 0) {
			log_error("%s: spool file %016" PRIx64 " of %s is damaged; %u events lost",
			          s->label, it->seq, s->cfg.buffer_dir, it->count);
			pthread_mutex_lock(&s->mu);
			s->damaged += it->count;
			fwd_queue_remove(&s->q, it);
			pthread_cond_broadcast(&s->changed);
			pthread_mutex_unlock(&s->mu);
			continue;
		}
		const char *chunk = NULL;
		if (s->cfg.ack) {
			fwd_chunk_id(s->run_id, ++s->chunk_counter, it->chunk);
			chunk = it->chunk;
		}
		obuf_reset(&s->out);
		s->out_off = 0;
		int rc = fwd_message(&s->out, s->cfg.mode, it->tag, it->data ? it->data : disk, it->len,
		                     it->count, chunk);
		free(disk);
		if (rc < 0) { /* out of memory: try again later */
			pthread_mutex_lock(&s->mu);
			it->state = FWD_ITEM_QUEUED;
			pthread_mutex_unlock(&s->mu);
			obuf_reset(&s->out);
			return false;
		}
		s->sending = it;
		return true;
	}
}

/* out is fully written. */
static void sent(struct fluent_sink *s)
{
	struct fwd_item *it = s->sending;
	obuf_reset(&s->out);
	s->out_off = 0;
	s->sending = NULL;
	if (!it)
		return; /* a PING */
	if (!s->cfg.ack) {
		delivered(s, it);
		return;
	}
	pthread_mutex_lock(&s->mu);
	it->state = FWD_ITEM_INFLIGHT;
	it->deadline_ms = now_ms() + s->cfg.ack_timeout_ms;
	pthread_mutex_unlock(&s->mu);
	s->inflight++;
}

static void do_write(struct fluent_sink *s)
{
	for (;;) {
		if (s->out_off == s->out.len) {
			if (s->st != ST_READY || (s->cfg.ack && s->inflight >= WINDOW) || !load_next(s))
				return;
		}
		char err[256];
		ssize_t n = fwd_conn_write(&s->conn, s->out.p + s->out_off, s->out.len - s->out_off, err,
		                           sizeof(err));
		if (n < 0) {
			conn_fail(s, false, err);
			return;
		}
		if (n == 0)
			return;
		s->out_off += (size_t)n;
		if (s->out_off == s->out.len)
			sent(s);
	}
}

static void send_ping(struct fluent_sink *s)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[FWD_SALT_LEN / 2];
	if (RAND_bytes(r, sizeof(r)) != 1) {
		conn_fail(s, true, "no random bytes for the handshake salt");
		return;
	}
	for (size_t i = 0; i < sizeof(r); i++) {
		s->salt[2 * i] = hex[r[i] >> 4];
		s->salt[2 * i + 1] = hex[r[i] & 15];
	}
	s->salt[FWD_SALT_LEN] = '\0';
	obuf_reset(&s->out);
	s->out_off = 0;
	if (fwd_ping(&s->out, s->hostname, s->salt, &s->helo, s->key, s->keylen) < 0) {
		conn_fail(s, false, "cannot build the PING");
		return;
	}
	s->st = ST_PONG;
}

/* One message from the server. */
static void on_object(struct fluent_sink *s, const msgpack_object *o)
{
	const char *chunk;
	size_t len;
	switch (s->st) {
	case ST_HELO:
		if (!fwd_helo_parse(o, &s->helo)) {
			conn_fail(s, true, "handshake failed: the server did not send a HELO");
			return;
		}
		send_ping(s);
		return;
	case ST_PONG: {
		char err[256];
		int rc = fwd_pong_check(o, s->salt, &s->helo, s->key, s->keylen, err, sizeof(err));
		if (rc == 1) {
			conn_ready(s);
			return;
		}
		char why[300];
		snprintf(why, sizeof(why), "handshake failed: %s", rc == 0 ? err : "no PONG");
		conn_fail(s, true, why);
		return;
	}
	case ST_READY:
		if (fwd_ack_parse(o, &chunk, &len)) {
			pthread_mutex_lock(&s->mu);
			struct fwd_item *it = fwd_queue_find_chunk(&s->q, chunk, len);
			pthread_mutex_unlock(&s->mu);
			if (it) {
				s->inflight--;
				delivered(s, it);
			}
			return;
		}
		if (fwd_helo_parse(o, &s->helo))
			conn_fail(s, true, "the server wants shared_key authentication "
			                   "(--fluentd-shared-key-file)");
		return;
	default: return;
	}
}

/* Handle every whole message in the input buffer; false if the connection failed. */
static bool take_replies(struct fluent_sink *s)
{
	size_t off = 0;
	msgpack_unpacked res;
	msgpack_unpacked_init(&res);
	bool ok = true;
	while (ok && off < s->in.len) {
		size_t used;
		int rc = fwd_reply_next(s->in.p + off, s->in.len - off, &used, &res);
		if (rc == 0 && s->in.len - off < FWD_REPLY_MAX)
			break; /* the rest is still on its way */
		if (rc <= 0) {
			conn_fail(s, false, "the server sent bad msgpack");
			ok = false;
			break;
		}
		off += used;
		on_object(s, &res.data);
		ok = s->st != ST_IDLE;
	}
	msgpack_unpacked_destroy(&res);
	if (ok && off > 0) {
		memmove(s->in.p, s->in.p + off, s->in.len - off);
		s->in.len -= off;
	}
	return ok;
}

static void do_read(struct fluent_sink *s)
{
	for (;;) {
		char err[256];
		if (!obuf_reserve(&s->in, READ_CHUNK)) {
			conn_fail(s, false, "out of memory");
			return;
		}
		ssize_t n = fwd_conn_read(&s->conn, s->in.p + s->in.len, READ_CHUNK, err, sizeof(err));
		if (n < 0) {
			conn_fail(s, s->st == ST_PONG, s->st == ST_PONG ? "handshake failed: connection closed"
			                                                  : err);
			return;
		}
		if (n == 0)
			return;
		s->in.len += (size_t)n;
		enum conn_state before = s->st;
		if (!take_replies(s))
			return;
		if (before != s->st && s->st == ST_PONG)
			do_write(s); /* the PING */
	}
}

/* Seal batches whose first event is flush_ms old; returns the next deadline. */
static int64_t seal_due(struct fluent_sink *s, int64_t now)
{
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < MAX_TAGS; i++) {
		struct open_batch *b = &s->batch[i];
		if (b->count == 0)
			continue;
		int64_t due = b->started_ms + s->cfg.flush_ms;
		if (due <= now || s->draining)
			seal(s, b);
		else if (due < next)
			next = due;
	}
	return next;
}

/*
 * With a buffer directory, move the oldest batch in memory to disk when
 * memory is half full; one per call, so sending goes on between spills.
 * Returns true if it moved one.
 */
static bool spill(struct fluent_sink *s)
{
	if (!s->cfg.buffer_dir)
		return false;
	{
		pthread_mutex_lock(&s->mu);
		struct fwd_item *it = NULL;
		if (s->q.mem_bytes + s->open_bytes > s->cfg.mem_limit / 2)
			it = fwd_queue_spillable(&s->q);
		uint64_t seq = s->q.next_seq;
		bool room = it && s->q.disk_bytes + it->len <= s->cfg.disk_limit;
		if (room)
			s->q.next_seq++;
		pthread_mutex_unlock(&s->mu);
		if (!it)
			return false;
		if (!room) {
			pthread_mutex_lock(&s->mu);
			s->disk_full = true;
			pthread_cond_broadcast(&s->changed);
			pthread_mutex_unlock(&s->mu);
			if (!s->disk_full_logged)
				log_warn("%s: buffer directory %s is full (%" PRIu64 " bytes)", s->label,
				         s->cfg.buffer_dir, s->cfg.disk_limit);
			s->disk_full_logged = true;
			return false;
		}
		if (fwd_spool_write(s->cfg.buffer_dir, seq, it) < 0) {
			int e = errno;
			pthread_mutex_lock(&s->mu);
			s->disk_full = true;
			pthread_cond_broadcast(&s->changed);
			pthread_mutex_unlock(&s->mu);
			errno = e;
			if (!s->disk_full_logged)
				log_warn("%s: cannot write to buffer directory %s: %s", s->label,
				         s->cfg.buffer_dir, strerror(errno));
			s->disk_full_logged = true;
			return false;
		}
		s->disk_full_logged = false;
		pthread_mutex_lock(&s->mu);
		fwd_queue_spooled(&s->q, it, seq);
		s->disk_full = false;
		pthread_cond_broadcast(&s->changed);
		pthread_mutex_unlock(&s->mu);
		return true;
	}
}

static void report_drops(struct fluent_sink *s, int64_t now)
{
	pthread_mutex_lock(&s->mu);
	uint64_t d = s->dropped;
	pthread_mutex_unlock(&s->mu);
	if (d > s->drops_reported && now >= s->drop_report_at) {
		log_warn("%s: %" PRIu64 " events dropped so far: every buffer is full", s->label, d);
		s->drops_reported = d;
		s->drop_report_at = now + DROP_REPORT_MS;
	}
}

/* The earliest ack deadline; fails the connection if one has passed. */
static int64_t check_acks(struct fluent_sink *s, int64_t now)
{
	int64_t next = INT64_MAX;
	bool late = false;
	pthread_mutex_lock(&s->mu);
	for (struct fwd_item *it = s->q.head; it; it = it->next) {
		if (it->state != FWD_ITEM_INFLIGHT)
			continue;
		if (it->deadline_ms <= now)
			late = true;
		else if (it->deadline_ms < next)
			next = it->deadline_ms;
	}
	pthread_mutex_unlock(&s->mu);
	if (late)
		conn_fail(s, false, "no ack in time; sending again");
	return next;
}

/* Connect, hand-shake, send and receive as far as possible; returns the next deadline. */
static int64_t step_connection(struct fluent_sink *s, bool work, int64_t now, int64_t deadline)
{
	if (s->st == ST_IDLE && work && now >= s->retry_at)
		start_connect(s);
	if (s->st == ST_CONNECTING)
		progress_connect(s);
	if (s->st >= ST_HELO) {
		do_write(s);
		if (s->st >= ST_HELO)
			do_read(s);
	}
	if (s->st >= ST_CONNECTING && s->st <= ST_PONG) {
		if (now >= s->step_deadline_ms) {
			static const char *const why[] = {
			    [ST_CONNECTING] = "connect timed out",
			    [ST_HELO] = "handshake failed: no HELO from the server (is shared_key set there?)",
			    [ST_PONG] = "handshake failed: no PONG from the server"};
			conn_fail(s, s->st != ST_CONNECTING, why[s->st]);
		} else if (s->step_deadline_ms < deadline) {
			deadline = s->step_deadline_ms;
		}
	}
	if (s->st == ST_READY) {
		int64_t ack = check_acks(s, now);
		if (ack < deadline)
			deadline = ack;
	}
	if (s->st == ST_IDLE && work && s->retry_at < deadline)
		deadline = s->retry_at;
	return deadline;
}

/* Sleep until deadline, the socket or a wake-up from the capture thread. */
static void wait_events(struct fluent_sink *s, int64_t deadline)
{
	struct pollfd p[2] = {{.fd = s->wake[0], .events = POLLIN}, {.fd = -1}};
	if (s->st != ST_IDLE && s->conn.fd >= 0) {
		p[1].fd = s->conn.fd;
		p[1].events = (short)(s->conn.want | POLLIN);
		if (s->out_off < s->out.len || s->st == ST_CONNECTING)
			p[1].events |= POLLOUT;
	}
	int64_t wait = deadline == INT64_MAX ? 1000 : deadline - now_ms();
	if (wait < 0)
		wait = 0;
	if (wait > 1000)
		wait = 1000; /* drop reports, spills and drain checks */
	if (poll(p, 2, (int)wait) > 0 && (p[0].revents & POLLIN)) {
		char buf[64];
		ssize_t n;
		do
			n = read(s->wake[0], buf, sizeof(buf));
		while (n > 0);
	}
}

static void *io_main(void *arg)
{
	struct fluent_sink *s = arg;
	for (;;) {
		int64_t now = now_ms();
		pthread_mutex_lock(&s->mu);
		bool stop = s->stop;
		int64_t deadline = seal_due(s, now);
		bool work = s->q.items > 0;
		pthread_mutex_unlock(&s->mu);
		if (stop)
			break;
		report_drops(s, now);
		deadline = step_connection(s, work, now, deadline);
		if (spill(s))
			deadline = now; /* maybe more to move: do not sleep */
		wait_events(s, deadline);
	}
	return NULL;
}

/* ------------------------------------------------------ open, drain, close */

static int read_key(struct fluent_sink *s, char *err, size_t errlen)
{
	if (s->cfg.shared_key && !s->cfg.shared_key_file) {
		s->keylen = strlen(s->cfg.shared_key);
		if (s->keylen == 0 || s->keylen > KEY_MAX) {
			snprintf(err, errlen, "fluentd shared key: want 1 to %d characters", KEY_MAX);
			return -1;
		}
		memcpy(s->key, s->cfg.shared_key, s->keylen);
		return 0;
	}
	if (!s->cfg.shared_key_file)
		return 0;
	FILE *fp = fopen(s->cfg.shared_key_file, "r");
	if (!fp) {
		snprintf(err, errlen, "cannot read %s: %s", s->cfg.shared_key_file, strerror(errno));
		return -1;
	}
	size_t n = fread(s->key, 1, KEY_MAX + 1, fp);
	(void)fclose(fp); /* read only: nothing to lose */
	/* the key is the first line; a trailing newline is not part of it */
	char *nl = memchr(s->key, '\n', n);
	if (nl)
		n = (size_t)(nl - s->key);
	if (n > 0 && s->key[n - 1] == '\r')
		n--;
	if (n == 0 || n > KEY_MAX) {
		snprintf(err, errlen, "%s: want a shared key of 1 to %d characters on the first line",
		         s->cfg.shared_key_file, KEY_MAX);
		return -1;
	}
	s->key[n] = '\0';
	s->keylen = n;
	return 0;
}

static void fluent_drain(struct sink *base)
{
	struct fluent_sink *s = (struct fluent_sink *)base;
	if (s->drained_once)
		return;
	s->drained_once = true;
	int64_t deadline = now_ms() + s->cfg.drain_ms;
	bool running = start_thread(s) == 0;
	pthread_mutex_lock(&s->mu);
	s->draining = true;
	seal_all_locked(s);
	wake_io(s);
	while (running && s->q.items > 0) {
		int64_t now = now_ms();
		if (now >= deadline)
			break;
		int64_t until = deadline - now > 100 ? 100 : deadline - now;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)until * 1000000;
		ts.tv_sec += ts.tv_nsec / 1000000000;
		ts.tv_nsec %= 1000000000;
		pthread_cond_timedwait(&s->changed, &s->mu, &ts);
	}
	s->stop = true;
	pthread_mutex_unlock(&s->mu);
	wake_io(s);
	if (running)
		pthread_join(s->thread, NULL);
	s->thread_started = false;
	s->thread_failed = true; /* no restart after the drain */
	fwd_conn_close(&s->conn);

	/* What is left is kept on disk for the next start, or lost. */
	uint64_t kept = 0, lost = 0;
	for (struct fwd_item *it = s->q.head; it; it = it->next) {
		if (!it->seq && s->cfg.buffer_dir &&
		    s->q.disk_bytes + it->len <= s->cfg.disk_limit) {
			uint64_t seq = s->q.next_seq++;
			if (fwd_spool_write(s->cfg.buffer_dir, seq, it) == 0)
				fwd_queue_spooled(&s->q, it, seq);
		}
		if (it->seq)
			kept += it->count;
		else
			lost += it->count;
	}
	lost += s->damaged;
	s->base.errors += lost;
	set_label(s);
	if (lost || s->dropped)
		snprintf(s->base.msg, sizeof(s->base.msg),
		         "%s: %" PRIu64 " events lost (%" PRIu64 " dropped with every buffer full, %" PRIu64
		         " not delivered%s)",
		         s->label, lost + s->dropped, s->dropped, lost,
		         s->cfg.buffer_dir ? ", buffer directory full" : ": no --fluentd-buffer-dir");
	else if (kept)
		snprintf(s->base.msg, sizeof(s->base.msg),
		         "%s: %" PRIu64 " events not yet delivered are kept in %s for the next start",
		         s->label, kept, s->cfg.buffer_dir);
}

static int fluent_close(struct sink *base)
{
	struct fluent_sink *s = (struct fluent_sink *)base;
	if (s->thread_started || !s->drained_once)
		fluent_drain(base);
	int rc = s->base.errors ? -1 : 0;
	fwd_queue_free(&s->q);
	for (size_t i = 0; i < MAX_TAGS; i++)
		obuf_free(&s->batch[i].buf);
	obuf_free(&s->scratch);
	obuf_free(&s->out);
	obuf_free(&s->in);
	if (s->tls)
		SSL_CTX_free(s->tls);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	close(s->wake[0]);
	close(s->wake[1]);
	pthread_cond_destroy(&s->changed);
	pthread_mutex_destroy(&s->mu);
	OPENSSL_cleanse(s->key, sizeof(s->key));
	free(s);
	return rc;
}

static void fluent_queue_stats(struct sink *base, uint64_t *queued, uint64_t *delivered,
                               uint64_t *dropped)
{
	struct fluent_sink *s = (struct fluent_sink *)base;
	pthread_mutex_lock(&s->mu);
	*queued = s->q.events;
	for (size_t i = 0; i < MAX_TAGS; i++)
		*queued += s->batch[i].count;
	*delivered = s->delivered;
	*dropped = s->dropped;
	pthread_mutex_unlock(&s->mu);
}

static const struct sink_ops fluent_ops = {
	.tx = fluent_tx,
	.record = fluent_record,
	.event = fluent_event,
	.flush = fluent_flush,
	.drain = fluent_drain,
	.queue_stats = fluent_queue_stats,
	.close = fluent_close,
};

/* Everything but the thread; on failure the caller frees with fluent_close. */
static int setup(struct fluent_sink *s, char *err, size_t errlen)
{
	if (read_key(s, err, errlen) < 0)
		return -1;
	if (s->cfg.hostname)
		snprintf(s->hostname, sizeof(s->hostname), "%s", s->cfg.hostname);
	else if (gethostname(s->hostname, sizeof(s->hostname) - 1) < 0)
		snprintf(s->hostname, sizeof(s->hostname), "localhost");
	if (RAND_bytes(s->run_id, sizeof(s->run_id)) != 1) {
		snprintf(err, errlen, "no random source for fluentd chunk ids");
		return -1;
	}
	for (size_t i = 0; i < sizeof(s->run_id); i++)
		s->jitter = s->jitter << 8 | s->run_id[i];
	s->jitter |= 1; /* xorshift never leaves 0 */
	if (s->cfg.tls && !(s->tls = fwd_tls_new(s->cfg.ca_file, err, errlen)))
		return -1;
	if (s->cfg.buffer_dir) {
		s->lock_fd = fwd_spool_open(s->cfg.buffer_dir, err, errlen);
		if (s->lock_fd < 0)
			return -1;
		if (fwd_spool_load(s->cfg.buffer_dir, &s->q, &s->damaged, err, errlen) < 0)
			return -1;
		if (s->damaged)
			log_warn("%s: %" PRIu64 " damaged files in %s renamed .bad", s->label, s->damaged,
			         s->cfg.buffer_dir);
		s->damaged = 0; /* their event counts are unknown */
		if (s->q.items)
			log_info("%s: %" PRIu64 " events from %s to send first", s->label, s->q.events,
			         s->cfg.buffer_dir);
	}
	return 0;
}

struct sink *sink_fluent_open(const struct fluent_config *cfg, const struct sink_tags *tags,
                              char *err, size_t errlen)
{
	if (cfg->nservers == 0 || cfg->nservers > FLUENT_MAX_SERVERS) {
		snprintf(err, errlen, "fluentd: no server");
		return NULL;
	}
	struct fluent_sink *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->base.ops = &fluent_ops;
	s->cfg = *cfg;
	s->tags = tags;
	s->lock_fd = -1;
	s->backoff_ms = BACKOFF_MIN_MS;
	s->batch_bytes = cfg->mem_limit / 4 < BATCH_MAX_BYTES ? cfg->mem_limit / 4 : BATCH_MAX_BYTES;
	set_label(s);
	s->base.name = s->label;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->changed, NULL);
	fwd_queue_init(&s->q);
	fwd_conn_init(&s->conn);
	obuf_init(&s->scratch);
	obuf_init(&s->out);
	obuf_init(&s->in);
	if (pipe2(s->wake, O_NONBLOCK | O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		s->wake[0] = s->wake[1] = -1;
		s->drained_once = true; /* nothing to drain: just free */
		fluent_close(&s->base);
		return NULL;
	}
	if (setup(s, err, errlen) < 0) {
		s->drained_once = true; /* nothing to drain: just free */
		fluent_close(&s->base);
		return NULL;
	}
	return &s->base;
}
