#include "loadgen/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lg_tls {
    SSL_CTX *ctx;
    bool verify;
};

struct lg_tls *lg_tls_create(bool verify, const char *ca_file, struct pp_error *err) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        pp_fail(err, PP_ERR_IO, "tls", "cannot make a TLS context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); /* as Go's client */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (verify) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        const int ok = ca_file ? SSL_CTX_load_verify_locations(ctx, ca_file, NULL)
                               : SSL_CTX_set_default_verify_paths(ctx);
        if (ok != 1) {
            pp_fail(err, PP_ERR_IO, "--cacert", "%s: not a readable PEM certificate",
                    ca_file ? ca_file : "the system's CAs");
            SSL_CTX_free(ctx);
            return NULL;
        }
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    struct lg_tls *t = xcalloc(1, sizeof(*t));
    t->ctx = ctx;
    t->verify = verify;
    return t;
}

void lg_tls_destroy(struct lg_tls *t) {
    if (!t)
        return;
    SSL_CTX_free(t->ctx);
    free(t);
}

void *lg_tls_open(struct lg_tls *t, int fd, const char *host) {
    SSL *s = SSL_new(t->ctx);
    if (!s)
        return NULL;
    SSL_set_fd(s, fd);
    unsigned char ip[16];
    const bool literal = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    if (!literal)
        SSL_set_tlsext_host_name(s, host); /* SNI is for names only */
    if (t->verify) {
        X509_VERIFY_PARAM *p = SSL_get0_param(s);
        if (literal)
            X509_VERIFY_PARAM_set1_ip_asc(p, host);
        else
            X509_VERIFY_PARAM_set1_host(p, host, 0);
    }
    SSL_set_connect_state(s);
    return s;
}

void lg_tls_close(void *ssl) { SSL_free(ssl); }

/* What a failed call means: WANT_*, or LG_FAILED with why. */
static int judge(SSL *s, int rc, char *why, size_t size) {
    const int e = SSL_get_error(s, rc);
    if (e == SSL_ERROR_WANT_READ)
        return LG_WANT_READ;
    if (e == SSL_ERROR_WANT_WRITE)
        return LG_WANT_WRITE;
    if (e == SSL_ERROR_ZERO_RETURN)
        return 0;
    const long v = SSL_get_verify_result(s);
    if (v != X509_V_OK) {
        const char *go = v == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
                                 v == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
                                 v == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
                                 v == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE
                             ? "certificate signed by unknown authority"
                         : v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH
                             ? "certificate is not valid for this host"
                             : X509_verify_cert_error_string(v);
        snprintf(why, size, "tls: failed to verify certificate: x509: %s", go);
    } else if (e == SSL_ERROR_SYSCALL) {
        const unsigned long q = ERR_peek_error();
        if (q)
            snprintf(why, size, "remote error: tls: %s", ERR_reason_error_string(q));
        else if (errno == ECONNRESET)
            snprintf(why, size, "read: connection reset by peer");
        else if (errno == 0 || rc == 0)
            snprintf(why, size, "EOF");
        else
            snprintf(why, size, "%s", strerror(errno));
    } else {
        const unsigned long q = ERR_peek_error();
        const char *r = q ? ERR_reason_error_string(q) : NULL;
        snprintf(why, size, "remote error: tls: %s", r ? r : "handshake failure");
    }
    ERR_clear_error();
    return LG_FAILED;
}

int lg_tls_handshake(void *ssl, char *why, size_t size) {
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_do_handshake(ssl);
    if (rc == 1)
        return 1;
    const int j = judge(ssl, rc, why, size);
    if (j == 0) {
        snprintf(why, size, "EOF");
        return LG_FAILED;
    }
    return j;
}

ssize_t lg_tls_read(void *ssl, char *buf, size_t n, char *why, size_t size) {
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_read(ssl, buf, n > (size_t)INT32_MAX ? INT32_MAX : (int)n);
    if (rc > 0)
        return rc;
    const int j = judge(ssl, rc, why, size);
    /* a peer that closes without close_notify (many servers do) is EOF */
    return j == LG_FAILED && strcmp(why, "EOF") == 0 ? 0 : j;
}

ssize_t lg_tls_write(void *ssl, const char *buf, size_t n, char *why, size_t size) {
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_write(ssl, buf, n > (size_t)INT32_MAX ? INT32_MAX : (int)n);
    if (rc > 0)
        return rc;
    const int j = judge(ssl, rc, why, size);
    return j == 0 ? LG_FAILED : j;
}
