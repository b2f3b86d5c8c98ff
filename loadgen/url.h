/* A load test's URL, its address, and the small encodings the request
 * needs. */
#ifndef PODPILOT_LOADGEN_URL_H
#define PODPILOT_LOADGEN_URL_H

#include <sys/socket.h>

#include "engine/common.h"

struct lg_url {
    bool tls;
    char host[256]; /* as written, without brackets */
    int port;
    char hostport[300];   /* host:port, for messages */
    char hostheader[300]; /* Host: host, with :port unless the scheme's own */
    char target[2048];    /* path and query: "/v1/models/m:predict" */
    char addrtext[300];   /* the address dialled: "127.0.0.1:8080" */
};

/* http(s)://host[:port][/path][?query]; false with why. */
enum pp_status lg_url_parse(const char *url, struct lg_url *out, struct pp_error *err);
/* u's host resolved (its first address), into addr and text. */
enum pp_status lg_resolve(const struct lg_url *u, struct sockaddr_storage *addr, socklen_t *len,
                          char *text, size_t size, struct pp_error *err);
/* s in base64 (basic auth), NUL-ended, cut at size. */
void lg_base64(const char *s, char *out, size_t size);
/* strerror as Go words it: "connection refused". */
const char *lg_errno_text(int e, char *buf, size_t size);

#endif
