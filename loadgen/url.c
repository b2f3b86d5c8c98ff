#include "loadgen/url.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pp_status lg_url_parse(const char *url, struct lg_url *out, struct pp_error *err) {
    *out = (struct lg_url){0};
    const char *p;
    if (strncmp(url, "http://", 7) == 0) {
        p = url + 7;
    } else if (strncmp(url, "https://", 8) == 0) {
        p = url + 8;
        out->tls = true;
    } else {
        return pp_fail(err, PP_ERR_INVALID, "url", "%s: expected an http:// or https:// URL", url);
    }
    const char *end = p + strcspn(p, "/?#");
    const char *host = p, *host_end, *port = NULL;
    if (*p == '[') { /* [v6]:port */
        host = p + 1;
        host_end = memchr(host, ']', (size_t)(end - host));
        if (!host_end)
            return pp_fail(err, PP_ERR_INVALID, "url", "%s: an IPv6 host without its ]", url);
        if (host_end + 1 < end && host_end[1] == ':')
            port = host_end + 2;
    } else {
        host_end = memchr(host, ':', (size_t)(end - host));
        if (host_end)
            port = host_end + 1;
        else
            host_end = end;
    }
    if (memchr(host, '@', (size_t)(end - host)))
        return pp_fail(err, PP_ERR_INVALID, "url", "%s: credentials in the URL: use -a user:pass",
                       url);
    if (host_end == host || (size_t)(host_end - host) >= sizeof(out->host))
        return pp_fail(err, PP_ERR_INVALID, "url", "%s: no host", url);
    memcpy(out->host, host, (size_t)(host_end - host));
    out->port = out->tls ? 443 : 80;
    if (port && port < end) {
        char *e;
        const long v = strtol(port, &e, 10);
        if (e != end || v < 1 || v > 65535)
            return pp_fail(err, PP_ERR_INVALID, "url", "%s: a port is 1 to 65535", url);
        out->port = (int)v;
    }
    const bool v6 = strchr(out->host, ':') != NULL;
    snprintf(out->hostport, sizeof(out->hostport), "%s%s%s:%d", v6 ? "[" : "", out->host,
             v6 ? "]" : "", out->port);
    if (out->port == (out->tls ? 443 : 80))
        snprintf(out->hostheader, sizeof(out->hostheader), "%s%s%s", v6 ? "[" : "", out->host,
                 v6 ? "]" : "");
    else
        snprintf(out->hostheader, sizeof(out->hostheader), "%s", out->hostport);
    const char *frag = strchr(end, '#'); /* a fragment is the client's, never sent */
    const size_t tlen = frag ? (size_t)(frag - end) : strlen(end);
    if (tlen + 2 > sizeof(out->target))
        return pp_fail(err, PP_ERR_INVALID, "url", "%s: a path longer than %zu characters", url,
                       sizeof(out->target) - 2);
    snprintf(out->target, sizeof(out->target), "%s%.*s", *end == '/' ? "" : "/", (int)tlen, end);
    for (const char *c = out->target; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            return pp_fail(err, PP_ERR_INVALID, "url",
                           "%s: a space or control character in the "
                           "path (percent-encode it)",
                           url);
    return PP_OK;
}

enum pp_status lg_resolve(const struct lg_url *u, struct sockaddr_storage *addr, socklen_t *len,
                          char *text, size_t size, struct pp_error *err) {
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    char port[8];
    snprintf(port, sizeof(port), "%d", u->port);
    const int rc = getaddrinfo(u->host, port, &hints, &res);
    if (rc != 0 || !res)
        return pp_fail(err, PP_ERR_IO, "url", "dial tcp: lookup %s: %s", u->host,
                       rc ? gai_strerror(rc) : "no address");
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    char ip[INET6_ADDRSTRLEN] = "?";
    const bool v6 = res->ai_family == AF_INET6;
    if (v6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, ip, sizeof(ip));
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, ip, sizeof(ip));
    snprintf(text, size, "%s%s%s:%d", v6 ? "[" : "", ip, v6 ? "]" : "", u->port);
    freeaddrinfo(res);
    return PP_OK;
}

void lg_base64(const char *s, char *out, size_t size) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const size_t n = strlen(s);
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < size; i += 3) {
        const unsigned b0 = (unsigned char)s[i];
        const unsigned b1 = i + 1 < n ? (unsigned char)s[i + 1] : 0;
        const unsigned b2 = i + 2 < n ? (unsigned char)s[i + 2] : 0;
        out[o++] = t[b0 >> 2];
        out[o++] = t[((b0 & 3) << 4) | (b1 >> 4)];
        out[o++] = i + 1 < n ? t[((b1 & 15) << 2) | (b2 >> 6)] : '=';
        out[o++] = i + 2 < n ? t[b2 & 63] : '=';
    }
    if (size)
        out[o < size ? o : size - 1] = '\0';
}

const char *lg_errno_text(int e, char *buf, size_t size) {
    snprintf(buf, size, "%s", strerror(e));
    if (buf[0])
        buf[0] = (char)tolower((unsigned char)buf[0]);
    return buf;
}
