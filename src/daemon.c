/* daemon.c - detaching from the terminal, see daemon.h. */
#include "config.h"

#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG_MAX 512

/* In the original process: relay the child's verdict and exit. */
static void parent_wait(int fd, pid_t child)
{
	char msg[MSG_MAX + 1];
	size_t len = 0;
	ssize_t n;
	while (len < MSG_MAX && (n = read(fd, msg + len, MSG_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	msg[len] = '\0';
	/* The intermediate child exits at once; reap it. */
	waitpid(child, NULL, 0);
	if (len == 1 && msg[0] == '\n')
		_exit(0);
	if (len == 0)
		fprintf(stderr, "%s: the daemon exited while starting\n", PACKAGE_NAME);
	else
		fprintf(stderr, "%s: %s\n", PACKAGE_NAME, msg);
	_exit(1);
}

static int redirect_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	for (int i = 0; i <= 2; i++)
		if (dup2(fd, i) < 0)
			return -1;
	if (fd > 2)
		close(fd);
	return 0;
}

int daemon_start(char *err, size_t errlen)
{
	int p[2];
	if (pipe(p) < 0) {
		snprintf(err, errlen, "cannot daemonize: %s", strerror(errno));
		return -1;
	}
	(void)fflush(NULL); /* nothing buffered may be written twice */
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot daemonize: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		parent_wait(p[0], pid);
	}
	close(p[0]);
	/* A new session without a controlling terminal; the second fork makes
	 * sure the daemon, not a session leader, can never acquire one. */
	if (setsid() < 0 || (pid = fork()) < 0) {
		daemon_ready(p[1], "cannot daemonize: setsid or fork failed");
		_exit(1);
	}
	if (pid > 0)
		_exit(0);
	umask(027);
	if (chdir("/") < 0 || redirect_stdio() < 0) {
		daemon_ready(p[1], "cannot daemonize: chdir / or /dev/null failed");
		_exit(1);
	}
	return p[1];
}

void daemon_ready(int fd, const char *msg)
{
	if (fd < 0)
		return;
	const char *m = msg ? msg : "\n";
	size_t len = strnlen(m, MSG_MAX);
	(void)!write(fd, m, len);
	close(fd);
}
