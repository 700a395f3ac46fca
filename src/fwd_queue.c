/* fwd_queue.c - batches waiting for fluentd and their spool files, see fwd_queue.h. */
#include "config.h"

#include "fwd_queue.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define SPOOL_MAGIC "DGFWD1\n"  /* 8 bytes with its NUL */
#define SPOOL_HEAD 24           /* magic, count, tag length, entries length */
#define SPOOL_MAX_ENTRIES (UINT64_C(1) << 31) /* larger files are not ours */

void fwd_queue_init(struct fwd_queue *q)
{
	memset(q, 0, sizeof(*q));
	q->next_seq = 1;
}

void fwd_queue_free(struct fwd_queue *q)
{
	struct fwd_item *next;
	for (struct fwd_item *it = q->head; it; it = next) {
		next = it->next;
		free(it->data);
		free(it);
	}
	uint64_t seq = q->next_seq;
	fwd_queue_init(q);
	q->next_seq = seq;
}

struct fwd_item *fwd_item_new(const char *tag, char *data, size_t len, uint32_t count)
{
	size_t taglen = strlen(tag);
	struct fwd_item *it = calloc(1, sizeof(*it));
	if (!it || taglen >= sizeof(it->tag)) {
		free(it);
		free(data);
		return NULL;
	}
	memcpy(it->tag, tag, taglen + 1);
	it->data = data;
	it->len = len;
	it->count = count;
	return it;
}

void fwd_queue_push(struct fwd_queue *q, struct fwd_item *it)
{
	it->next = NULL;
	it->prev = q->tail;
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->items++;
	q->events += it->count;
	if (it->data)
		q->mem_bytes += it->len;
	if (it->seq)
		q->disk_bytes += it->len;
}

void fwd_queue_remove(struct fwd_queue *q, struct fwd_item *it)
{
	if (it->prev)
		it->prev->next = it->next;
	else
		q->head = it->next;
	if (it->next)
		it->next->prev = it->prev;
	else
		q->tail = it->prev;
	q->items--;
	q->events -= it->count;
	if (it->data)
		q->mem_bytes -= it->len;
	if (it->seq)
		q->disk_bytes -= it->len;
	free(it->data);
	free(it);
}

struct fwd_item *fwd_queue_next(const struct fwd_queue *q)
{
	for (struct fwd_item *it = q->head; it; it = it->next)
		if (it->state == FWD_ITEM_QUEUED)
			return it;
	return NULL;
}

struct fwd_item *fwd_queue_spillable(const struct fwd_queue *q)
{
	for (struct fwd_item *it = q->head; it; it = it->next)
		if (it->data && !it->seq)
			return it;
	return NULL;
}

struct fwd_item *fwd_queue_find_chunk(const struct fwd_queue *q, const char *chunk, size_t len)
{
	for (struct fwd_item *it = q->head; it; it = it->next)
		if (it->state == FWD_ITEM_INFLIGHT && strlen(it->chunk) == len &&
		    memcmp(it->chunk, chunk, len) == 0)
			return it;
	return NULL;
}

void fwd_queue_requeue(struct fwd_queue *q)
{
	for (struct fwd_item *it = q->head; it; it = it->next)
		it->state = FWD_ITEM_QUEUED;
}

void fwd_queue_spooled(struct fwd_queue *q, struct fwd_item *it, uint64_t seq)
{
	if (!it->seq)
		q->disk_bytes += it->len;
	it->seq = seq;
	if (it->data) {
		q->mem_bytes -= it->len;
		free(it->data);
		it->data = NULL;
	}
}

/* ------------------------------------------------------------ spool files */

static void spool_path(char *buf, size_t len, const char *dir, uint64_t seq, const char *ext)
{
	snprintf(buf, len, "%s/%016" PRIx64 ".%s", dir, seq, ext);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fwd_spool_open(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create buffer directory %s: %s", dir, strerror(errno));
		return -1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	/* Two sensors sharing one buffer would send each other's batches. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(err, errlen, "buffer directory %s is in use by another dns-gazer", dir);
		close(fd);
		return -1;
	}
	return fd;
}

int fwd_spool_write(const char *dir, uint64_t seq, const struct fwd_item *it)
{
	char tmp[4096], final[4096];
	spool_path(tmp, sizeof(tmp), dir, seq, "tmp");
	spool_path(final, sizeof(final), dir, seq, "fwd");
	size_t taglen = strlen(it->tag);
	unsigned char head[SPOOL_HEAD], tail[4];
	memcpy(head, SPOOL_MAGIC, 8);
	put32(head + 8, it->count);
	put32(head + 12, (uint32_t)taglen);
	put32(head + 16, (uint32_t)((uint64_t)it->len >> 32));
	put32(head + 20, (uint32_t)it->len);
	uLong crc = crc32(0, head, SPOOL_HEAD);
	crc = crc32(crc, (const Bytef *)it->tag, (uInt)taglen);
	crc = crc32_z(crc, (const Bytef *)it->data, it->len);
	put32(tail, (uint32_t)crc);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, head, SPOOL_HEAD) < 0 || write_all(fd, it->tag, taglen) < 0 ||
	    write_all(fd, it->data, it->len) < 0 || write_all(fd, tail, 4) < 0 || fsync(fd) < 0) {
		int e = errno ? errno : EIO;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, final) < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

/* Rename a damaged spool file out of the way, keeping it for a post-mortem. */
static void spool_quarantine(const char *dir, uint64_t seq)
{
	char from[4096], to[4096];
	spool_path(from, sizeof(from), dir, seq, "fwd");
	spool_path(to, sizeof(to), dir, seq, "bad");
	if (rename(from, to) < 0)
		unlink(from);
}

/* Read and check the head of an open spool file into it; 0 or -1. */
static int spool_head(int fd, struct fwd_item *it)
{
	unsigned char head[SPOOL_HEAD];
	struct stat st;
	if (fstat(fd, &st) < 0 || read_all(fd, head, SPOOL_HEAD) < 0 ||
	    memcmp(head, SPOOL_MAGIC, 8) != 0)
		return -1;
	uint32_t taglen = get32(head + 12);
	uint64_t len = (uint64_t)get32(head + 16) << 32 | get32(head + 20);
	if (taglen == 0 || taglen >= sizeof(it->tag) || len > SPOOL_MAX_ENTRIES ||
	    (uint64_t)st.st_size != SPOOL_HEAD + taglen + len + 4 || read_all(fd, it->tag, taglen) < 0)
		return -1;
	it->tag[taglen] = '\0';
	it->count = get32(head + 8);
	it->len = (size_t)len;
	return 0;
}

int fwd_spool_read(const char *dir, const struct fwd_item *it, char **data)
{
	char path[4096];
	spool_path(path, sizeof(path), dir, it->seq, "fwd");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct fwd_item h;
	memset(&h, 0, sizeof(h));
	char *buf = NULL;
	unsigned char tail[4];
	int ok = spool_head(fd, &h) == 0 && h.len == it->len && h.count == it->count &&
	         (buf = malloc(h.len ? h.len : 1)) != NULL && read_all(fd, buf, h.len) == 0 &&
	         read_all(fd, tail, 4) == 0;
	if (ok) {
		/* recompute the CRC over the head as written */
		unsigned char head[SPOOL_HEAD];
		size_t taglen = strlen(h.tag);
		memcpy(head, SPOOL_MAGIC, 8);
		put32(head + 8, h.count);
		put32(head + 12, (uint32_t)taglen);
		put32(head + 16, (uint32_t)((uint64_t)h.len >> 32));
		put32(head + 20, (uint32_t)h.len);
		uLong crc = crc32(0, head, SPOOL_HEAD);
		crc = crc32(crc, (const Bytef *)h.tag, (uInt)taglen);
		crc = crc32_z(crc, (const Bytef *)buf, h.len);
		ok = get32(tail) == (uint32_t)crc;
	}
	close(fd);
	if (!ok) {
		free(buf);
		spool_quarantine(dir, it->seq);
		return -1;
	}
	*data = buf;
	return 0;
}

void fwd_spool_remove(const char *dir, uint64_t seq)
{
	char path[4096];
	spool_path(path, sizeof(path), dir, seq, "fwd");
	unlink(path);
}

static int cmp_seq(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The sequence number of a file named 16 hex digits + ext, or 0. */
static uint64_t name_seq(const char *name, const char *ext)
{
	size_t n = strlen(name);
	if (n != 17 + strlen(ext) || name[16] != '.' || strcmp(name + 17, ext) != 0)
		return 0;
	uint64_t v = 0;
	for (int i = 0; i < 16; i++) {
		char c = name[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return 0;
		v = v << 4 | (uint64_t)d;
	}
	return v;
}

/* Collect the seq numbers of dir's *.fwd files (and remove stale *.tmp). */
static int spool_scan(const char *dir, uint64_t **seqs, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "cannot read buffer directory %s: %s", dir, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	*seqs = NULL;
	*n = 0;
	const struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		uint64_t seq = name_seq(de->d_name, "fwd");
		if (!seq) {
			uint64_t t = name_seq(de->d_name, "tmp");
			if (t) { /* a write cut short by a crash: never renamed, never counted */
				char path[4096];
				spool_path(path, sizeof(path), dir, t, "tmp");
				unlink(path);
			}
			continue;
		}
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			uint64_t *p = realloc(*seqs, nc * sizeof(*p));
			if (!p) {
				closedir(d);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			*seqs = p;
			cap = nc;
		}
		(*seqs)[(*n)++] = seq;
	}
	closedir(d);
	if (*n > 1)
		qsort(*seqs, *n, sizeof(**seqs), cmp_seq);
	return 0;
}

int fwd_spool_load(const char *dir, struct fwd_queue *q, uint64_t *bad, char *err, size_t errlen)
{
	uint64_t *seqs;
	size_t n;
	if (spool_scan(dir, &seqs, &n, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		spool_path(path, sizeof(path), dir, seqs[i], "fwd");
		struct fwd_item *it = calloc(1, sizeof(*it));
		if (!it) {
			free(seqs);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || spool_head(fd, it) < 0) {
			if (fd >= 0)
				close(fd);
			free(it);
			spool_quarantine(dir, seqs[i]);
			(*bad)++;
			continue;
		}
		close(fd);
		it->seq = seqs[i];
		fwd_queue_push(q, it);
		if (seqs[i] >= q->next_seq)
			q->next_seq = seqs[i] + 1;
	}
	free(seqs);
	return 0;
}
