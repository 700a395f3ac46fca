/* ioc_loader.c - load the indicator lists, at once or in the background; see ioc_loader.h. */
#include "config.h"

#include "ioc_loader.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

struct ioc_loader {
	const char *const *files; /* borrowed */
	size_t nfiles;
	/* main thread only */
	pthread_t thread;
	bool active;              /* a load started and was not collected */
	bool joinable;            /* ... on the thread (not run in place) */
	bool again;               /* a request came during the active load */
	/* shared: flags only */
	atomic_bool done;         /* the active load ended: release by the loader */
	atomic_bool cancel;       /* set by main, read by the loader as it reads */
	/* written by the loading thread before done, read by main after the join */
	struct ioc_set *result;
	char err[IOC_LOAD_ERRLEN];
};

struct ioc_set *ioc_load(const char *const *files, size_t nfiles, const atomic_bool *cancel,
                         char *err, size_t errlen)
{
	struct ioc_set *s = ioc_set_new();
	if (!s) {
		snprintf(err, errlen, "cannot load indicators: out of memory or no random source");
		return NULL;
	}
	for (size_t i = 0; i < nfiles; i++) {
		if (cancel && atomic_load_explicit(cancel, memory_order_relaxed)) {
			snprintf(err, errlen, "loading cancelled");
			ioc_set_free(s);
			return NULL;
		}
		if (ioc_set_add_file(s, files[i], cancel, err, errlen) < 0) {
			ioc_set_free(s);
			return NULL;
		}
	}
	return s;
}

struct ioc_loader *ioc_loader_new(const char *const *files, size_t nfiles)
{
	struct ioc_loader *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->files = files;
	l->nfiles = nfiles;
	atomic_init(&l->done, false);
	atomic_init(&l->cancel, false);
	return l;
}

/* The load, on the loader's thread (or in place when none can be had). */
static void *load_main(void *arg)
{
	struct ioc_loader *l = arg;
	l->result = ioc_load(l->files, l->nfiles, &l->cancel, l->err, sizeof(l->err));
	atomic_store_explicit(&l->done, true, memory_order_release);
	return NULL;
}

static void start(struct ioc_loader *l)
{
	atomic_store_explicit(&l->done, false, memory_order_relaxed);
	l->again = false;
	l->active = true;
	/* Signals are for the main thread: its capture loop acts on them. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	l->joinable = pthread_create(&l->thread, NULL, load_main, l) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!l->joinable)
		(void)load_main(l); /* no thread (resource limit): load now, capture waits */
}

static bool cancelled(const struct ioc_loader *l)
{
	return atomic_load_explicit(&l->cancel, memory_order_relaxed);
}

bool ioc_loader_request(struct ioc_loader *l)
{
	if (cancelled(l))
		return false;
	if (l->active) {
		l->again = true;
		return false;
	}
	start(l);
	return true;
}

bool ioc_loader_ended(const struct ioc_loader *l)
{
	return l->active && atomic_load_explicit(&l->done, memory_order_acquire);
}

bool ioc_loader_busy(const struct ioc_loader *l)
{
	return l->active;
}

enum ioc_load_status ioc_loader_collect(struct ioc_loader *l, struct ioc_set **set, char *err,
                                        size_t errlen)
{
	if (!ioc_loader_ended(l))
		return IOC_LOAD_NONE;
	if (l->joinable)
		pthread_join(l->thread, NULL);
	l->active = l->joinable = false;
	enum ioc_load_status st = IOC_LOAD_OK;
	*set = l->result;
	l->result = NULL;
	if (!*set) {
		snprintf(err, errlen, "%s", l->err);
		st = IOC_LOAD_FAILED;
	}
	if (l->again && !cancelled(l))
		start(l);
	l->again = false;
	return st;
}

void ioc_loader_cancel(struct ioc_loader *l)
{
	atomic_store_explicit(&l->cancel, true, memory_order_relaxed);
}

void ioc_loader_free(struct ioc_loader *l)
{
	if (!l)
		return;
	ioc_loader_cancel(l);
	if (l->joinable)
		pthread_join(l->thread, NULL);
	ioc_set_free(l->result);
	free(l);
}
