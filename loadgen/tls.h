/* TLS for the load generator, through OpenSSL on the same non-blocking
 * sockets and event loops: the server's certificate verified against the
 * system's CAs (or --cacert) and its name by default, unlike hey, which
 * never verifies (-k to do as hey does). */
#ifndef PODPILOT_LOADGEN_TLS_H
#define PODPILOT_LOADGEN_TLS_H

#include <sys/types.h>

#include "engine/common.h"

enum { LG_WANT_READ = -1, LG_WANT_WRITE = -2, LG_FAILED = -3 };

struct lg_tls;

struct lg_tls *lg_tls_create(bool verify, const char *ca_file, struct pp_error *err);
void lg_tls_destroy(struct lg_tls *t);

/* A session on connected socket fd to host (SNI, and the name verified). */
void *lg_tls_open(struct lg_tls *t, int fd, const char *host);
void lg_tls_close(void *ssl);

/* 1 done, LG_WANT_READ/WRITE, LG_FAILED with why (in Go's words where
 * they are known: "tls: failed to verify certificate: x509: ..."). */
int lg_tls_handshake(void *ssl, char *why, size_t size);
/* Bytes moved (> 0), 0 the peer closed, LG_WANT_*, LG_FAILED with why. */
ssize_t lg_tls_read(void *ssl, char *buf, size_t n, char *why, size_t size);
ssize_t lg_tls_write(void *ssl, const char *buf, size_t n, char *why, size_t size);

#endif
