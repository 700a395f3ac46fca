/* capture.c - libpcap input, see capture.h. */
#include "config.h"

#include "capture.h"

#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Packets handled per pcap_dispatch() call before checking for a stop. */
#define DISPATCH_BATCH 256

/*
 * A file is read through a stdio buffer this big: libpcap reads each
 * packet with fread(), and stdio's default (a 4 KiB block) made one read()
 * system call per 30 packets of a busy capture.  Bigger would save few
 * more calls and push more of the tables out of the cache.
 */
#define FILE_BUFSIZE (64 * 1024)

struct capture {
	pcap_t *p;
	char *iobuf; /* the file's stdio buffer; freed after pcap_close() */
	bool live;
	int fd;         /* pipe: the descriptor */
	void (*idle_cb)(void *ctx);
	const volatile sig_atomic_t *stop;
	int linktype;
	/* for the pcap callback */
	capture_cb cb;
	void *ctx;
	bool nano;
	int timeout_ms; /* live: how often timers run when idle */
};

static struct capture *wrap(struct capture *c, pcap_t *p, bool live, bool nano)
{
	c->p = p;
	c->live = live;
	c->nano = nano;
	c->linktype = pcap_datalink(p);
	return c;
}

/*
 * Reading a pipe (-r -, a FIFO): wait for data with poll(), so that while
 * the writer is idle the idle callback still runs (flushes, statistics,
 * SIGHUP) and a stop signal ends the read.  The callback also runs before
 * every read, once a stdio buffer's worth: a writer that never pauses,
 * or sends only what the filter drops, must not keep frames the caller
 * holds from their turn.  Returning 0 ends the file.
 */
static ssize_t pipe_read(void *cookie, char *buf, size_t size)
{
	struct capture *c = cookie;
	for (;;) {
		if (c->stop && *c->stop)
			return 0;
		if (c->idle_cb)
			c->idle_cb(c->ctx);
		struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
		int r = poll(&pfd, 1, c->timeout_ms);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue; /* idle, or a signal: the callback acts on it */
		ssize_t n = read(c->fd, buf, size);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

static int pipe_close(void *cookie)
{
	struct capture *c = cookie;
	return c->fd > STDERR_FILENO ? close(c->fd) : 0;
}

/* The stream libpcap reads: stdio for a regular file, else through pipe_read(). */
static FILE *open_stream(struct capture *c, const char *path, char *why, size_t len)
{
	bool std_in = strcmp(path, "-") == 0;
	int fd = std_in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, len, "%s", strerror(errno));
		if (fd > STDERR_FILENO)
			close(fd);
		return NULL;
	}
	FILE *fp;
	if (S_ISREG(st.st_mode)) {
		fp = std_in ? stdin : fdopen(fd, "rb");
	} else {
		static const cookie_io_functions_t io = {.read = pipe_read, .close = pipe_close};
		c->fd = fd;
		c->timeout_ms = 100;
		fp = fopencookie(c, "rb", io);
	}
	if (!fp) {
		snprintf(why, len, "%s", strerror(errno));
		if (fd > STDERR_FILENO)
			close(fd);
		return NULL;
	}
	/* Big reads that stay in the cache: a few hundred per 100k packets
	 * from a file, one poll per 64 KiB from a pipe. */
	c->iobuf = malloc(FILE_BUFSIZE);
	if (c->iobuf && setvbuf(fp, c->iobuf, _IOFBF, FILE_BUFSIZE) != 0) {
		free(c->iobuf); /* stdio keeps its own */
		c->iobuf = NULL;
	}
	return fp;
}

struct capture *capture_open_file(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	struct capture *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	FILE *fp = open_stream(c, path, perr, sizeof(perr));
	if (!fp) {
		snprintf(err, errlen, "cannot read %s: %s", name, perr);
		free(c);
		return NULL;
	}
	pcap_t *p;
	bool nano = false;
#ifdef HAVE_PCAP_OPEN_OFFLINE_WITH_TSTAMP_PRECISION
	/* Ask for nanoseconds so pcapng/nanosecond files are not rounded twice. */
	p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, perr);
	nano = true;
#else
	p = pcap_fopen_offline(fp, perr);
#endif
	if (!p) {
		/* pcap_fopen_offline leaves the stream to the caller on failure */
		if (fp != stdin)
			(void)fclose(fp); /* read only */
		snprintf(err, errlen, "cannot read %s: %s", name, perr);
		free(c->iobuf);
		free(c);
		return NULL;
	}
	return wrap(c, p, false, nano);
}

static void live_error(const char *iface, pcap_t *p, int rc, char *err, size_t errlen)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, errlen, "cannot capture on %s: no such interface", iface);
		break;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(err, errlen,
		         "cannot capture on %s: permission denied (needs root or CAP_NET_RAW)", iface);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "cannot capture on %s: interface is down", iface);
		break;
	default:
		snprintf(err, errlen, "cannot capture on %s: %s", iface, pcap_geterr(p));
	}
}

struct capture *capture_open_live(const char *iface, const struct capture_live_opts *o, char *err,
                                  size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, perr);
	if (!p) {
		snprintf(err, errlen, "cannot capture on %s: %s", iface, perr);
		return NULL;
	}
	pcap_set_snaplen(p, o->snaplen);
	pcap_set_promisc(p, o->promisc);
	pcap_set_timeout(p, o->timeout_ms);
	pcap_set_buffer_size(p, o->buffer_size);
	int rc = pcap_activate(p);
	if (rc < 0) {
		live_error(iface, p, rc, err, errlen);
		pcap_close(p);
		return NULL;
	}
	struct capture *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		pcap_close(p);
		return NULL;
	}
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 100;
	return wrap(c, p, true, false);
}

int capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bad filter \"%s\": %s", expr, pcap_geterr(c->p));
		return -1;
	}
	int rc = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(err, errlen, "cannot install filter: %s", pcap_geterr(c->p));
		return -1;
	}
	return 0;
}

int capture_linktype(const struct capture *c)
{
	return c->linktype;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *c = (struct capture *)user;
	int64_t frac = c->nano ? h->ts.tv_usec / 1000 : h->ts.tv_usec;
	int64_t ts_us = (int64_t)h->ts.tv_sec * 1000000 + frac;
	c->cb(c->ctx, c->linktype, ts_us, data, h->caplen, h->len);
}

/*
 * Live: wait for the capture descriptor ourselves.  libpcap's own blocking
 * read may never return while no packet arrives (TPACKET_V3 retires no
 * empty block), which would stall both timers and a SIGTERM.
 */
static int run_live(struct capture *c, void (*idle_cb)(void *ctx), void *ctx,
                    const volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	int fd = pcap_get_selectable_fd(c->p);
	if (fd < 0 || pcap_setnonblock(c->p, 1, perr) < 0) {
		snprintf(err, errlen, "capture cannot be polled: %s", fd < 0 ? "no descriptor" : perr);
		return -1;
	}
	while (!*stop) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int r = poll(&pfd, 1, c->timeout_ms);
		if (r < 0 && errno != EINTR) {
			snprintf(err, errlen, "capture failed: %s", strerror(errno));
			return -1;
		}
		int n = 0;
		/* Read even without POLLIN: the kernel may hold a partly filled block. */
		do {
			n = pcap_dispatch(c->p, DISPATCH_BATCH, on_packet, (u_char *)c);
		} while (n == DISPATCH_BATCH && !*stop);
		if (n == PCAP_ERROR_BREAK)
			return 1;
		if (n < 0) {
			snprintf(err, errlen, "capture failed: %s", pcap_geterr(c->p));
			return -1;
		}
		if (idle_cb)
			idle_cb(ctx);
	}
	return 1;
}

int capture_run(struct capture *c, capture_cb cb, void (*idle_cb)(void *ctx), void *ctx,
                volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	c->cb = cb;
	c->ctx = ctx;
	c->idle_cb = idle_cb;
	c->stop = stop;
	if (c->live)
		return run_live(c, idle_cb, ctx, stop, err, errlen);
	while (!*stop) {
		int n = pcap_dispatch(c->p, DISPATCH_BATCH, on_packet, (u_char *)c);
		if (n == 0)
			return 0; /* end of file */
		if (n == PCAP_ERROR_BREAK)
			return 1;
		if (n < 0 && *stop)
			return 1; /* a stop ended a pipe in the middle of a record */
		if (n < 0) {
			snprintf(err, errlen, "reading failed: %s", pcap_geterr(c->p));
			return -1;
		}
	}
	return 1;
}

int capture_stats(struct capture *c, uint64_t *recv, uint64_t *drop)
{
	struct pcap_stat st;
	if (!c->live || pcap_stats(c->p, &st) < 0)
		return -1;
	*recv = st.ps_recv;
	*drop = st.ps_drop + st.ps_ifdrop;
	return 0;
}

int capture_progress(struct capture *c, int64_t *done, int64_t *total)
{
	FILE *fp = c->live ? NULL : pcap_file(c->p);
	struct stat st;
	if (!fp || fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return -1;
	off_t pos = ftello(fp);
	if (pos < 0)
		return -1;
	*done = (int64_t)pos;
	*total = (int64_t)st.st_size;
	return 0;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	pcap_close(c->p);
	free(c->iobuf);
	free(c);
}
