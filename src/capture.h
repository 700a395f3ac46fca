/*
 * capture.h - packets from libpcap: a saved file (pcap or pcapng, "-" for
 * stdin) or a live interface ("any" included), with a BPF filter.
 */
#ifndef DNS_GAZER_CAPTURE_H
#define DNS_GAZER_CAPTURE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct capture;

/* Live capture settings. */
struct capture_live_opts {
	int snaplen;       /* bytes kept per packet */
	int buffer_size;   /* kernel buffer, bytes */
	int promisc;       /* 1 to put the interface in promiscuous mode */
	int timeout_ms;    /* how long the kernel may hold packets back */
};

/* Called for each packet; ts_us is microseconds since the epoch. */
typedef void (*capture_cb)(void *ctx, int linktype, int64_t ts_us, const uint8_t *data,
                           size_t caplen, size_t wirelen);

/*
 * Open a saved capture (path "-" reads stdin).  Returns NULL with one line
 * in err on failure.
 */
struct capture *capture_open_file(const char *path, char *err, size_t errlen);

/* Open an interface for live capture; NULL with one line in err on failure. */
struct capture *capture_open_live(const char *iface, const struct capture_live_opts *o, char *err,
                                  size_t errlen);

/* Install a BPF filter; returns 0, or -1 with one line in err. */
int capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen);

int capture_linktype(const struct capture *c);

/*
 * Deliver packets to cb until the file ends (returns 0), *stop becomes
 * non-zero (returns 1), or an error (returns -1, message in err).  On a
 * live capture or a file that is a pipe, idle_cb (if any) runs before the
 * capture waits for more (a pipe: before every read), after every wait of
 * at most timeout_ms (100 ms for a pipe) and after a signal, so timers
 * fire and signals are acted on when traffic stops, and the caller can
 * hand over what it holds.
 */
int capture_run(struct capture *c, capture_cb cb, void (*idle_cb)(void *ctx), void *ctx,
                volatile sig_atomic_t *stop, char *err, size_t errlen);

/* Packets received and dropped by the kernel (live only); -1 if unknown. */
int capture_stats(struct capture *c, uint64_t *recv, uint64_t *drop);

/*
 * Bytes read so far and the size of a capture file, for a progress line;
 * -1 for a live capture or a pipe.
 */
int capture_progress(struct capture *c, int64_t *done, int64_t *total);

void capture_close(struct capture *c);

#endif /* DNS_GAZER_CAPTURE_H */
