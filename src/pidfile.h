/*
 * pidfile.h - the pid file of -p: created and locked before the process
 * detaches, so a second instance is refused while the first lives, and a
 * file left by a crash (no lock holder) is simply taken over.
 */
#ifndef DNS_GAZER_PIDFILE_H
#define DNS_GAZER_PIDFILE_H

#include <stddef.h>

struct pidfile;

/*
 * Open and lock path.  NULL with one line in err if it cannot be created
 * or another live process holds it ("already running as pid N").  The lock
 * is kept across fork(), so it can be taken before daemonizing.
 */
struct pidfile *pidfile_open(const char *path, char *err, size_t errlen);

/* Write the calling process's id; 0, or -1 with one line in err. */
int pidfile_write(struct pidfile *pf, char *err, size_t errlen);

/*
 * Remove the file and free pf.  When the process may no longer unlink it
 * (privileges dropped, root-owned directory), it is emptied instead: a
 * file without a lock holder never blocks the next start anyway.
 */
void pidfile_remove(struct pidfile *pf);

#endif /* DNS_GAZER_PIDFILE_H */
