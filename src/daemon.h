/*
 * daemon.h - detaching from the terminal (-d).
 *
 * The parent does not exit until the detached child says it is ready (or
 * why it failed), so an error after the fork - a pid file, a user that
 * cannot be switched to - still reaches the operator's terminal and the
 * exit status of the command that started it.
 */
#ifndef DNS_GAZER_DAEMON_H
#define DNS_GAZER_DAEMON_H

#include <stddef.h>

/*
 * Fork twice (setsid between), chdir to /, set umask 027 and point stdio at
 * /dev/null.  Returns, in the detached process only, the descriptor to
 * pass to daemon_ready(); -1 with one line in err if it could not start.
 * The original process waits and exits with the child's verdict.
 */
int daemon_start(char *err, size_t errlen);

/*
 * Tell the waiting parent the start succeeded (msg NULL: it exits 0) or
 * failed (msg printed by the parent, which exits 1).  Closes fd.
 */
void daemon_ready(int fd, const char *msg);

#endif /* DNS_GAZER_DAEMON_H */
