/*
 * progress.h - the progress line shown on a terminal while large capture
 * files are read: how far, and how fast.  It is redrawn at most once a
 * second, in place, and erased at the end.
 */
#ifndef DNS_GAZER_PROGRESS_H
#define DNS_GAZER_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct progress {
	FILE *fp;            /* NULL: disabled */
	int64_t start_us;    /* monotonic */
	int64_t next_us;     /* next redraw */
	bool drawn;          /* a line is on screen */
};

/* Enable on fp only if it is a terminal and enabled is true. */
void progress_init(struct progress *p, FILE *fp, bool enabled);

/*
 * Redraw if a second has passed: name of the file, done/total bytes, and
 * packets per second since the start.  now_us is monotonic.
 */
void progress_update(struct progress *p, int64_t now_us, const char *name, int64_t done,
                     int64_t total, uint64_t packets);

/* Erase the line, so the summary starts on a clean line. */
void progress_end(struct progress *p);

#endif /* DNS_GAZER_PROGRESS_H */
