/* capture.c - libpcap input, see capture.h. */
#include "config.h"

#include "capture.h"

#include <errno.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	int linktype;
	/* for the pcap callback */
	capture_cb cb;
	void *ctx;
	bool nano;
	int timeout_ms; /* live: how often timers run when idle */
};

static struct capture *wrap(pcap_t *p, bool live, bool nano)
{
	struct capture *c = calloc(1, sizeof(*c));
	if (!c) {
		pcap_close(p);
		return NULL;
	}
	c->p = p;
	c->live = live;
	c->nano = nano;
	c->linktype = pcap_datalink(p);
	return c;
}

/* libpcap reading from fp (which it then owns), nanosecond times if it can. */
static pcap_t *open_stream(FILE *fp, bool *nano, char *perr)
{
#ifdef HAVE_PCAP_OPEN_OFFLINE_WITH_TSTAMP_PRECISION
	/* Ask for nanoseconds so pcapng/nanosecond files are not rounded twice. */
	*nano = true;
	return pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, perr);
#else
	*nano = false;
	return pcap_fopen_offline(fp, perr);
#endif
}

struct capture *capture_open_file(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	bool nano = false;
	char *iobuf = NULL;
	bool use_stdin = strcmp(path, "-") == 0;
	if (use_stdin) {
		p = open_stream(stdin, &nano, perr);
	} else {
		FILE *fp = fopen(path, "rb");
		if (!fp) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			return NULL;
		}
		iobuf = malloc(FILE_BUFSIZE);
		if (iobuf && setvbuf(fp, iobuf, _IOFBF, FILE_BUFSIZE) != 0) {
			free(iobuf); /* stdio keeps its own */
			iobuf = NULL;
		}
		p = open_stream(fp, &nano, perr);
		if (!p)
			(void)fclose(fp); /* read only: nothing to lose */
	}
	if (!p) {
		free(iobuf);
		/* libpcap may already have put the path in front of its message */
		const char *why = perr;
		size_t n = strlen(path);
		if (strncmp(why, path, n) == 0 && strncmp(why + n, ": ", 2) == 0)
			why += n + 2;
		snprintf(err, errlen, "cannot read %s: %s", use_stdin ? "stdin" : path, why);
		return NULL;
	}
	struct capture *c = wrap(p, false, nano);
	if (!c) {
		free(iobuf);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->iobuf = iobuf;
	return c;
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
	struct capture *c = wrap(p, true, false);
	if (!c)
		snprintf(err, errlen, "out of memory");
	else
		c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 100;
	return c;
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
	if (c->live)
		return run_live(c, idle_cb, ctx, stop, err, errlen);
	while (!*stop) {
		int n = pcap_dispatch(c->p, DISPATCH_BATCH, on_packet, (u_char *)c);
		if (n == 0)
			return 0; /* end of file */
		if (n == PCAP_ERROR_BREAK)
			return 1;
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

void capture_close(struct capture *c)
{
	if (!c)
		return;
	pcap_close(c->p);
	free(c->iobuf);
	free(c);
}
