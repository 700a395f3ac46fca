/* fwd_conn.c - non-blocking TCP/TLS connection to fluentd, see fwd_conn.h. */
#include "config.h"

#include "fwd_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

SSL_CTX *fwd_tls_new(const char *ca_file, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx) {
		snprintf(err, errlen, "cannot create a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	int ok = ca_file ? SSL_CTX_load_verify_locations(ctx, ca_file, NULL)
	                 : SSL_CTX_set_default_verify_paths(ctx);
	if (ok != 1) {
		snprintf(err, errlen, "cannot load CA certificates from %s",
		         ca_file ? ca_file : "the system store");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

void fwd_conn_init(struct fwd_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void fwd_conn_close(struct fwd_conn *c)
{
	if (c->ssl)
		SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	if (c->addrs)
		freeaddrinfo(c->addrs);
	fwd_conn_init(c);
}

/* Start a connect to c->cur; 0 in progress, -1 failed at once (errno). */
static int connect_cur(struct fwd_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = socket(c->cur->ai_family, c->cur->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	               c->cur->ai_protocol);
	if (c->fd < 0)
		return -1;
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(c->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if (connect(c->fd, c->cur->ai_addr, c->cur->ai_addrlen) < 0 && errno != EINPROGRESS)
		return -1;
	c->want = POLLOUT;
	return 0;
}

/* Try the next address after a failure; -1 when there is none left. */
static int next_addr(struct fwd_conn *c)
{
	while (c->cur && (c->cur = c->cur->ai_next) != NULL)
		if (connect_cur(c) == 0)
			return 0;
	return -1;
}

int fwd_conn_start(struct fwd_conn *c, const struct fwd_server *srv, char *err, size_t errlen)
{
	fwd_conn_close(c);
	struct addrinfo hints;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	char port[8];
	snprintf(port, sizeof(port), "%u", srv->port);
	int rc = getaddrinfo(srv->host, port, &hints, &c->addrs);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", srv->host, gai_strerror(rc));
		c->addrs = NULL;
		return -1;
	}
	c->cur = c->addrs;
	if (connect_cur(c) < 0) {
		int e = errno;
		if (next_addr(c) < 0) {
			snprintf(err, errlen, "connect: %s", strerror(e));
			return -1;
		}
	}
	return 0;
}

static void tls_error(const char *what, char *err, size_t errlen, long verify)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";
	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	if (verify != X509_V_OK)
		snprintf(err, errlen, "%s: certificate verify failed: %s", what,
		         X509_verify_cert_error_string(verify));
	else
		snprintf(err, errlen, "%s: %s", what, e ? buf : "connection closed");
}

static int tls_start(struct fwd_conn *c, SSL_CTX *tls, const struct fwd_server *srv, char *err,
                     size_t errlen)
{
	c->ssl = SSL_new(tls);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
		tls_error("TLS", err, errlen, X509_V_OK);
		return -1;
	}
	/* The certificate must name the server we were told to use. */
	unsigned char addr[16];
	bool is_ip = inet_pton(AF_INET, srv->host, addr) == 1 || inet_pton(AF_INET6, srv->host, addr) == 1;
	X509_VERIFY_PARAM *param = SSL_get0_param(c->ssl);
	int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, srv->host)
	               : SSL_set_tlsext_host_name(c->ssl, srv->host) && SSL_set1_host(c->ssl, srv->host);
	if (ok != 1) {
		tls_error("TLS", err, errlen, X509_V_OK);
		return -1;
	}
	return 0;
}

/* Map an SSL result to want/would-block; -1 on a real error. */
static int tls_wants(struct fwd_conn *c, int r)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ: c->want = POLLIN; return 0;
	case SSL_ERROR_WANT_WRITE: c->want = POLLOUT; return 0;
	default: return -1;
	}
}

int fwd_conn_progress(struct fwd_conn *c, SSL_CTX *tls, const struct fwd_server *srv, char *err,
                      size_t errlen)
{
	if (c->ready)
		return 1;
	while (!c->tcp_up) {
		struct pollfd p = {.fd = c->fd, .events = POLLOUT};
		if (poll(&p, 1, 0) == 0)
			return 0;
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			soerr = errno;
		if (soerr == 0) {
			c->tcp_up = true;
			break;
		}
		if (next_addr(c) < 0) {
			snprintf(err, errlen, "connect: %s", strerror(soerr));
			return -1;
		}
	}
	if (!tls) {
		c->ready = true;
		c->want = POLLIN;
		return 1;
	}
	if (!c->ssl && tls_start(c, tls, srv, err, errlen) < 0)
		return -1;
	int r = SSL_connect(c->ssl);
	if (r == 1) {
		c->ready = true;
		c->want = POLLIN;
		return 1;
	}
	if (tls_wants(c, r) == 0)
		return 0;
	tls_error("TLS handshake", err, errlen, SSL_get_verify_result(c->ssl));
	return -2;
}

ssize_t fwd_conn_write(struct fwd_conn *c, const void *buf, size_t len, char *err, size_t errlen)
{
	if (c->ssl) {
		size_t n = 0;
		int r = SSL_write_ex(c->ssl, buf, len, &n);
		if (r == 1)
			return (ssize_t)n;
		if (tls_wants(c, r) == 0)
			return 0;
		tls_error("TLS write", err, errlen, X509_V_OK);
		return -1;
	}
	ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	snprintf(err, errlen, "send: %s", strerror(errno));
	return -1;
}

ssize_t fwd_conn_read(struct fwd_conn *c, void *buf, size_t len, char *err, size_t errlen)
{
	if (c->ssl) {
		size_t n = 0;
		int r = SSL_read_ex(c->ssl, buf, len, &n);
		if (r == 1)
			return (ssize_t)n;
		if (tls_wants(c, r) == 0)
			return 0;
		tls_error("TLS read", err, errlen, X509_V_OK);
		return -1;
	}
	ssize_t n = recv(c->fd, buf, len, 0);
	if (n > 0)
		return n;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	snprintf(err, errlen, "%s", n == 0 ? "connection closed by the server" : strerror(errno));
	return -1;
}
