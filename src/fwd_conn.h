/*
 * fwd_conn.h - one non-blocking connection to a fluentd server: TCP
 * (every address the name resolves to, in turn) and optionally TLS with
 * the server certificate verified (OpenSSL).  Nothing here blocks but the
 * name lookup; the caller polls c->fd for c->want.
 */
#ifndef DNS_GAZER_FWD_CONN_H
#define DNS_GAZER_FWD_CONN_H

#include <netdb.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "fwd_proto.h"

/*
 * A TLS client context: server certificates are verified against ca_file
 * (PEM), or the system's CAs when ca_file is NULL.  NULL with a message in
 * err on failure.
 */
SSL_CTX *fwd_tls_new(const char *ca_file, char *err, size_t errlen);

struct fwd_conn {
	int fd;                  /* -1 when closed */
	SSL *ssl;                /* NULL without TLS */
	struct addrinfo *addrs;  /* resolved addresses of the server */
	struct addrinfo *cur;    /* the one being tried */
	bool tcp_up, ready;
	short want;              /* poll events the pending step waits for */
};

void fwd_conn_init(struct fwd_conn *c);

/*
 * Resolve srv and start connecting.  Returns 0 (progress with
 * fwd_conn_progress), or -1 with a message in err.
 */
int fwd_conn_start(struct fwd_conn *c, const struct fwd_server *srv, char *err, size_t errlen);

/*
 * Go on connecting (and with tls, handshaking).  Returns 1 when ready, 0
 * while in progress (poll for c->want), -1 on failure (message in err), -2
 * when the TLS handshake failed (a certificate or configuration problem
 * more than a network one).
 */
int fwd_conn_progress(struct fwd_conn *c, SSL_CTX *tls, const struct fwd_server *srv, char *err,
                      size_t errlen);

/* Bytes written (> 0), 0 if it would block, -1 on error (message in err). */
ssize_t fwd_conn_write(struct fwd_conn *c, const void *buf, size_t len, char *err, size_t errlen);

/* Bytes read (> 0), 0 if it would block, -1 on error or end (message in err). */
ssize_t fwd_conn_read(struct fwd_conn *c, void *buf, size_t len, char *err, size_t errlen);

/* Close and release everything; c can be started again. */
void fwd_conn_close(struct fwd_conn *c);

#endif /* DNS_GAZER_FWD_CONN_H */
