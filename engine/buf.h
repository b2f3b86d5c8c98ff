/* A growable text buffer for JSON lines: reused across ticks, so a steady
 * state allocates nothing. Always NUL-terminated once anything was put. */
#ifndef PODPILOT_BUF_H
#define PODPILOT_BUF_H

#include "engine/common.h"

struct buf {
    char *p;
    size_t len, cap;
};

void buf_put(struct buf *b, const char *s, size_t n);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The shortest text that reads back as v; null when not finite. */
void buf_double(struct buf *b, double v);
/* s as a JSON string literal ("" for NULL). */
void buf_string(struct buf *b, const char *s);
void buf_clear(struct buf *b);
void buf_free(struct buf *b);

#endif
