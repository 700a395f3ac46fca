/* pidfile.c - a locked pid file, see pidfile.h. */
#include "config.h"

#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct pidfile {
	int fd;
	char path[4096];
};

/* The path made absolute: the daemon changes directory to / before it exits. */
static int absolute(const char *path, char *out, size_t len)
{
	if (path[0] == '/') {
		int n = snprintf(out, len, "%s", path);
		return n < 0 || (size_t)n >= len ? -1 : 0;
	}
	char cwd[2048];
	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	int n = snprintf(out, len, "%s/%s", cwd, path);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The pid written in the file locked by another process, or 0 if unreadable. */
static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

struct pidfile *pidfile_open(const char *path, char *err, size_t errlen)
{
	struct pidfile *pf = calloc(1, sizeof(*pf));
	if (!pf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (absolute(path, pf->path, sizeof(pf->path)) < 0) {
		snprintf(err, errlen, "pid file %s: path too long or cwd unknown", path);
		free(pf);
		return NULL;
	}
	/* O_NOFOLLOW: a pid file in a shared directory must not be a symlink
	 * planted to make root truncate another file. */
	pf->fd = open(pf->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (pf->fd < 0) {
		snprintf(err, errlen, "cannot open pid file %s: %s", path, strerror(errno));
		free(pf);
		return NULL;
	}
	if (flock(pf->fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		long pid = holder_pid(pf->fd);
		if (e == EWOULDBLOCK && pid > 0)
			snprintf(err, errlen, "pid file %s: already running as pid %ld", path, pid);
		else if (e == EWOULDBLOCK)
			snprintf(err, errlen, "pid file %s: locked by another process", path);
		else
			snprintf(err, errlen, "cannot lock pid file %s: %s", path, strerror(e));
		close(pf->fd);
		free(pf);
		return NULL;
	}
	return pf;
}

int pidfile_write(struct pidfile *pf, char *err, size_t errlen)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pf->fd, 0) < 0 || pwrite(pf->fd, buf, (size_t)n, 0) != n) {
		snprintf(err, errlen, "cannot write pid file %s: %s", pf->path, strerror(errno));
		return -1;
	}
	return 0;
}

void pidfile_remove(struct pidfile *pf)
{
	if (!pf)
		return;
	if (unlink(pf->path) < 0)
		(void)!ftruncate(pf->fd, 0);
	close(pf->fd);
	free(pf);
}
