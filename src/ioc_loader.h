/*
 * ioc_loader.h - load the --ioc lists into a new indicator set (ioc.h):
 * at once before capture starts, or on a thread of its own when SIGHUP
 * asks for a reload, so that capture goes on with the lists in force
 * while a feed-sized list loads (a million lines take about half a
 * second, long enough for a live capture to drop packets).
 *
 * Threads: every function here is called by one thread, the one that
 * captures (main.c).  Only the load itself runs on the loader's thread,
 * which touches nothing but the file names (read only), the set it builds,
 * the result fields of the loader and two atomic flags: "done" (written by
 * it when the load ends) and "cancel" (read by it as it reads).  Main
 * reads the result only after joining the thread, so the set is complete
 * and visible before main sees it.
 *
 * Ownership: the file names are borrowed (the options) and must outlive
 * the loader.  A set is allocated by whoever runs the load and given to
 * the caller of ioc_load() or ioc_loader_collect(), who owns it from then
 * on (main gives it to gazer_set_ioc(), which only borrows it, and frees
 * the set it replaces).  A set loaded but never collected is freed by
 * ioc_loader_free().
 */
#ifndef DNS_GAZER_IOC_LOADER_H
#define DNS_GAZER_IOC_LOADER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "ioc.h"

/* Room for any message of a load: a path, a line number and a reason. */
#define IOC_LOAD_ERRLEN 768

/*
 * Load files[0..nfiles) in order into a new set.  Returns the set (owned
 * by the caller), or NULL with err holding one line: "PATH:LINE: reason",
 * "PATH: reason", an out-of-memory message, or "loading cancelled" (with
 * the file and line it stopped at, if any) when *cancel (if cancel is not
 * NULL) was found set, before each file and every few thousand lines.
 */
struct ioc_set *ioc_load(const char *const *files, size_t nfiles, const atomic_bool *cancel,
                         char *err, size_t errlen);

struct ioc_loader;

/* A loader of files[0..nfiles) (borrowed), idle; NULL when out of memory. */
struct ioc_loader *ioc_loader_new(const char *const *files, size_t nfiles);

/*
 * Ask for a load.  Idle, the loader starts one on its thread and returns
 * true.  While a load runs (or waits to be collected), the request is
 * remembered and false is returned: one more load starts when that one is
 * collected, however many requests came meanwhile, so the newest content
 * of the files always wins.  (Should no thread be had, the load runs here,
 * as it did before the loader had a thread: capture waits, nothing is lost.)
 */
bool ioc_loader_request(struct ioc_loader *l);

/*
 * Whether a load has ended and waits for ioc_loader_collect(): one atomic
 * load, cheap enough to ask on every frame while busy.
 */
bool ioc_loader_ended(const struct ioc_loader *l);

/* Whether a load runs, waits to be collected or is asked for. */
bool ioc_loader_busy(const struct ioc_loader *l);

enum ioc_load_status {
	IOC_LOAD_NONE,    /* no load ended since the last collect */
	IOC_LOAD_OK,      /* *set: the new set, now owned by the caller */
	IOC_LOAD_FAILED,  /* err: one line, as ioc_load(); *set is NULL */
};

/*
 * Take the result of a load that ended (joining its thread), and start
 * the load a request made meanwhile asked for.  Never waits.
 */
enum ioc_load_status ioc_loader_collect(struct ioc_loader *l, struct ioc_set **set, char *err,
                                        size_t errlen);

/*
 * Ask a running load to end (as it will be freed soon): before its next
 * file, or within a few thousand lines of the one it reads;
 * requests are ignored from then on, and the loader only serves to be
 * freed.
 */
void ioc_loader_cancel(struct ioc_loader *l);

/*
 * Cancel any load, wait for its thread (a few thousand lines at most,
 * unless a read blocks) and free the loader with any set it holds.  NULL
 * is allowed.
 */
void ioc_loader_free(struct ioc_loader *l);

#endif /* DNS_GAZER_IOC_LOADER_H */
