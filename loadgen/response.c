#define _GNU_SOURCE /* memmem */
#include "loadgen/response.h"

#include <string.h>
#include <strings.h>

void lg_response_start(struct lg_response *r, bool head) {
    *r = (struct lg_response){.status = -1, .head = head};
}

/* A number in [p, end): its digits up to the first other character. */
static int64_t num_span(const char *p, const char *end, int base, bool *ok) {
    int64_t v = 0;
    const char *s = p;
    *ok = false;
    for (; p < end; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            break;
        if (v > (INT64_MAX - d) / base)
            return 0; /* too large: not ok */
        v = v * base + d;
    }
    *ok = p > s;
    return v;
}

static bool header_is(const char *line, size_t n, const char *name) {
    const size_t k = strlen(name);
    return n > k && line[k] == ':' && strncasecmp(line, name, k) == 0;
}

static const char *value_of(const char *line, const char *eol, size_t name_len) {
    const char *v = line + name_len + 1;
    while (v < eol && (*v == ' ' || *v == '\t'))
        v++;
    return v;
}

static int head(struct lg_response *r, const char *buf, size_t len, size_t *pos, bool full,
                const char **why) {
    for (;;) {
        const char *b = buf + *pos;
        const size_t n = len - *pos;
        const char *end = memmem(b, n, "\r\n\r\n", 4);
        if (!end) {
            if (full) {
                *why = "net/http: response headers too large";
                return -1;
            }
            if (n >= 7 && memcmp(b, "HTTP/1.", 7) != 0) {
                *why = "net/http: malformed HTTP response";
                return -1;
            }
            return 0;
        }
        if (end - b < 12 || memcmp(b, "HTTP/1.", 7) != 0 || b[8] != ' ') {
            *why = "net/http: malformed HTTP response";
            return -1;
        }
        bool ok;
        const int status = (int)num_span(b + 9, b + 12, 10, &ok);
        if (!ok || status < 100 || status > 599) {
            *why = "net/http: malformed HTTP status code";
            return -1;
        }
        const bool http10 = b[7] == '0';
        bool has_length = false, keep_alive = false;
        int64_t length = 0;
        r->chunked = r->close_after = false;
        const char *line = memchr(b, '\n', (size_t)(end - b));
        for (line = line ? line + 1 : end + 2; line < end + 2;) {
            const char *eol = memchr(line, '\r', (size_t)(end + 2 - line));
            if (!eol)
                break;
            const size_t ln = (size_t)(eol - line);
            if (header_is(line, ln, "Content-Length")) {
                const char *v = value_of(line, eol, 14);
                length = num_span(v, eol, 10, &ok);
                if (!ok || (has_length && length != r->size)) {
                    *why = "net/http: bad Content-Length";
                    return -1;
                }
                has_length = true;
                r->size = length;
            } else if (header_is(line, ln, "Transfer-Encoding")) {
                const char *v = value_of(line, eol, 17);
                r->chunked = eol - v >= 7 && strncasecmp(eol - 7, "chunked", 7) == 0;
            } else if (header_is(line, ln, "Connection")) {
                const char *v = value_of(line, eol, 10);
                if (eol - v >= 5 && strncasecmp(v, "close", 5) == 0)
                    r->close_after = true;
                if (eol - v >= 10 && strncasecmp(v, "keep-alive", 10) == 0)
                    keep_alive = true;
            }
            line = eol + 2;
        }
        *pos += (size_t)(end + 4 - b);
        if (status < 200 && status != 101) { /* 100 Continue and the like: the real one follows */
            r->size = 0;
            continue;
        }
        r->status = status;
        if (http10 && !keep_alive)
            r->close_after = true;
        r->headers_done = true;
        if (r->head || status == 204 || status == 304 || status < 200) {
            r->body_left = 0;
            r->chunked = false;
            r->size = has_length ? r->size : 0;
        } else if (r->chunked) {
            r->chunk_state = 0;
            r->size = 0; /* Go reports a chunked body's length as unknown */
        } else if (has_length) {
            r->body_left = length;
        } else {
            r->until_close = true;
            r->close_after = true;
        }
        return 1;
    }
}

static int body(struct lg_response *r, const char *buf, size_t len, size_t *pos, const char **why) {
    for (;;) {
        const char *b = buf + *pos;
        const size_t n = len - *pos;
        if (r->until_close) {
            *pos = len;
            return 0;
        }
        if (!r->chunked || r->chunk_state == 1) {
            const size_t take = (int64_t)n < r->body_left ? n : (size_t)r->body_left;
            *pos += take;
            r->body_left -= (int64_t)take;
            if (r->body_left > 0)
                return 0;
            if (!r->chunked)
                return 1;
            r->chunk_state = 2;
            continue;
        }
        const char *eol = memmem(b, n, "\r\n", 2);
        if (!eol) {
            if (n >= 4096) {
                *why = "net/http: malformed chunked encoding";
                return -1;
            }
            return 0;
        }
        *pos += (size_t)(eol + 2 - b);
        if (r->chunk_state == 2) { /* the CRLF after a chunk's data */
            if (eol != b) {
                *why = "net/http: malformed chunked encoding";
                return -1;
            }
            r->chunk_state = 0;
        } else if (r->chunk_state == 0) { /* a size line (extensions after ;) */
            bool ok;
            const int64_t size = num_span(b, eol, 16, &ok);
            const char *after = b;
            while (after < eol && ((*after >= '0' && *after <= '9') ||
                                   ((*after | 0x20) >= 'a' && (*after | 0x20) <= 'f')))
                after++;
            if (!ok || (after < eol && *after != ';' && *after != ' ' && *after != '\t')) {
                *why = "net/http: malformed chunked encoding";
                return -1;
            }
            if (size == 0) {
                r->chunk_state = 3;
            } else {
                r->body_left = size;
                r->chunk_state = 1;
            }
        } else if (eol == b) { /* the trailers end with an empty line */
            return 1;
        }
    }
}

int lg_response_feed(struct lg_response *r, const char *buf, size_t len, size_t *pos, bool full,
                     const char **why) {
    if (!r->headers_done) {
        const int h = head(r, buf, len, pos, full, why);
        if (h <= 0)
            return h;
    }
    return body(r, buf, len, pos, why);
}
