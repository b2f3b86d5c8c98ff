#include "engine/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pp_kv_get(const struct pp_kv *kv, size_t n, const char *key) {
    for (size_t i = 0; i < n; i++) {
        if (kv[i].key && strcmp(kv[i].key, key) == 0)
            return kv[i].value;
    }
    return NULL;
}

enum pp_status pp_vfail(struct pp_error *err, enum pp_status status, const char *field,
                        const char *fmt, va_list ap) {
    if (!err)
        return status;
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    return status;
}

enum pp_status pp_fail(struct pp_error *err, enum pp_status status, const char *field,
                       const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pp_vfail(err, status, field, fmt, ap);
    va_end(ap);
    return status;
}

void pp_error_format(const struct pp_error *err, char *buf, size_t size) {
    size_t used = 0;
    int n;
    buf[0] = '\0';
    if (err->file[0]) {
        if (err->line > 0 && err->column > 0)
            n = snprintf(buf, size, "%s:%d:%d: ", err->file, err->line, err->column);
        else if (err->line > 0)
            n = snprintf(buf, size, "%s:%d: ", err->file, err->line);
        else
            n = snprintf(buf, size, "%s: ", err->file);
        if (n > 0)
            used = (size_t)n < size ? (size_t)n : size - 1;
    }
    if (err->field[0]) {
        n = snprintf(buf + used, size - used, "%s: ", err->field);
        if (n > 0)
            used += (size_t)n < size - used ? (size_t)n : size - used - 1;
    }
    snprintf(buf + used, size - used, "%s", err->message);
}

/* Every engine allocation goes through x*: this counts them, so a bench can
 * say how many a tick or a sync makes. */
static _Atomic uint64_t allocations;

uint64_t pp_allocations(void) { return allocations; }

static void *checked(void *p, size_t size) {
    allocations++;
    if (!p && size) {
        fprintf(stderr, "podpilot: out of memory allocating %zu bytes\n", size);
        abort();
    }
    return p;
}

void *xmalloc(size_t size) { return checked(malloc(size ? size : 1), size); }

void *xcalloc(size_t count, size_t size) {
    return checked(calloc(count ? count : 1, size ? size : 1), count * size);
}

void *xrealloc(void *ptr, size_t size) { return checked(realloc(ptr, size ? size : 1), size); }

char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = xmalloc(n);
    memcpy(d, s, n);
    return d;
}

int pp_format_double(double x, char *buf, size_t size) {
    if (!isfinite(x))
        return snprintf(buf, size, "null");
    if (x == 0)
        x = 0; /* folds -0 */
    if (x > -1e18 && x < 1e18 && x == (double)(int64_t)x)
        return snprintf(buf, size, "%lld", (long long)x);
    /* Most figures have at most six decimals (Knative rounds window averages
     * to six): when x is exactly the double of such a decimal, that decimal
     * is its shortest form, and %.15g would print it the same way. */
    const double ax = fabs(x);
    if (ax >= 1e-4 && ax < 1e9) {
        const long long r = llround(x * 1e6);
        if ((double)r / 1e6 == x) {
            const long long ar = r < 0 ? -r : r;
            char frac[8];
            snprintf(frac, sizeof(frac), "%06lld", ar % 1000000);
            for (int i = 5; i > 0 && frac[i] == '0'; i--)
                frac[i] = '\0';
            return snprintf(buf, size, "%s%lld.%s", r < 0 ? "-" : "", ar / 1000000, frac);
        }
    }
    /* A double whose shortest form has up to 15 digits prints as exactly
     * that form at %.15g (the rounding error is below half a 15-digit step),
     * so three tries find the shortest text that reads back as x. */
    for (int prec = 15; prec <= 17; prec++) {
        char tmp[40];
        snprintf(tmp, sizeof(tmp), "%.*g", prec, x);
        if (strtod(tmp, NULL) == x)
            return snprintf(buf, size, "%s", tmp);
    }
    return snprintf(buf, size, "%.17g", x);
}
