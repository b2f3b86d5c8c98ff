#include "engine/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(struct buf *b, size_t more) {
    if (b->len + more + 1 <= b->cap)
        return;
    while (b->len + more + 1 > b->cap)
        b->cap = b->cap ? 2 * b->cap : 1024;
    b->p = xrealloc(b->p, b->cap);
}

void buf_put(struct buf *b, const char *s, size_t n) {
    reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char small[128];
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        buf_put(b, small, (size_t)n);
        return;
    }
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_double(struct buf *b, double v) {
    char tmp[40];
    const int n = pp_format_double(v, tmp, sizeof(tmp));
    buf_put(b, tmp, (size_t)n);
}

void buf_string(struct buf *b, const char *s) {
    buf_put(b, "\"", 1);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        buf_put(b, (const char *)run, (size_t)(p - run));
        if (!*p)
            break;
        switch (*p) {
        case '"':
            buf_put(b, "\\\"", 2);
            break;
        case '\\':
            buf_put(b, "\\\\", 2);
            break;
        case '\n':
            buf_put(b, "\\n", 2);
            break;
        case '\t':
            buf_put(b, "\\t", 2);
            break;
        default:
            buf_printf(b, "\\u%04x", *p);
        }
        p++;
    }
    buf_put(b, "\"", 1);
}

void buf_clear(struct buf *b) {
    b->len = 0;
    reserve(b, 0);
    b->p[0] = '\0';
}

void buf_free(struct buf *b) {
    free(b->p);
    *b = (struct buf){0};
}
