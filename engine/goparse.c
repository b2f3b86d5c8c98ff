#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool goparse_float(const char *s, double *out) {
    if (!s || !*s || isspace((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

bool goparse_int64(const char *s, int64_t *out) {
    if (!s || !*s)
        return false;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return false;
    for (const char *q = p; *q; q++) {
        if (!isdigit((unsigned char)*q))
            return false;
    }
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE)
        return false;
    *out = v;
    return true;
}

bool goparse_int32(const char *s, int32_t *out) {
    int64_t v;
    if (!goparse_int64(s, &v) || v < INT32_MIN || v > INT32_MAX)
        return false;
    *out = (int32_t)v;
    return true;
}

bool goparse_bool(const char *s, bool *out) {
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    if (!s)
        return false;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool duration_unit(const char **p, int64_t *unit) {
    static const struct {
        const char *name;
        int64_t ns;
    } units[] = {
        {"ns", 1},
        {"us", 1000},
        {"\xC2\xB5s", 1000}, /* U+00B5 micro sign */
        {"\xCE\xBCs", 1000}, /* U+03BC Greek mu */
        {"ms", 1000000},
        {"s", PP_NS_PER_SEC},
        {"m", 60 * PP_NS_PER_SEC},
        {"h", 3600 * PP_NS_PER_SEC},
    };
    size_t len = 0;
    while ((*p)[len] && !isdigit((unsigned char)(*p)[len]) && (*p)[len] != '.')
        len++;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strlen(units[i].name) == len && strncmp(*p, units[i].name, len) == 0) {
            *unit = units[i].ns;
            *p += len;
            return true;
        }
    }
    return false;
}

/* Go's quote() for the ASCII a user types: the text in double quotes with
 * '"' and '\\' escaped. */
static void go_quote(const char *s, size_t n, char *buf, size_t size) {
    size_t o = 0;
    if (o + 1 < size)
        buf[o++] = '"';
    for (size_t i = 0; i < n && o + 3 < size; i++) {
        if (s[i] == '"' || s[i] == '\\')
            buf[o++] = '\\';
        buf[o++] = s[i];
    }
    if (o + 1 < size)
        buf[o++] = '"';
    buf[o < size ? o : size - 1] = '\0';
}

static bool duration_fail(char *msg, size_t size, const char *orig, const char *what,
                          const char *unit, size_t unit_len) {
    if (!msg || size == 0)
        return false;
    char q[256];
    go_quote(orig, strlen(orig), q, sizeof(q));
    if (unit) {
        char u[64];
        go_quote(unit, unit_len, u, sizeof(u));
        snprintf(msg, size, "time: unknown unit %s in duration %s", u, q);
    } else {
        snprintf(msg, size, "time: %s %s", what, q);
    }
    return false;
}

/* Follows time.ParseDuration: integer and fraction parts are scaled
 * separately so "1.5h" is exact, and overflow is an error. */
bool goparse_duration_msg(const char *s, pp_time *out, char *msg, size_t size) {
    if (!s)
        s = "";
    const char *p = s;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (strcmp(p, "0") == 0) {
        *out = 0;
        return true;
    }
    if (!*p)
        return duration_fail(msg, size, s, "invalid duration", NULL, 0);
    uint64_t exact = 0;
    while (*p) {
        if (!isdigit((unsigned char)*p) && *p != '.')
            return duration_fail(msg, size, s, "invalid duration", NULL, 0);
        uint64_t whole = 0;
        bool digits = false;
        while (isdigit((unsigned char)*p)) {
            if (whole > (UINT64_MAX - 9) / 10)
                return duration_fail(msg, size, s, "invalid duration", NULL, 0);
            whole = whole * 10 + (uint64_t)(*p++ - '0');
            digits = true;
        }
        uint64_t frac = 0, scale = 1;
        if (*p == '.') {
            p++;
            while (isdigit((unsigned char)*p)) {
                if (scale < UINT64_C(1000000000000000000)) {
                    frac = frac * 10 + (uint64_t)(*p - '0');
                    scale *= 10;
                }
                p++;
                digits = true;
            }
        }
        if (!digits)
            return duration_fail(msg, size, s, "invalid duration", NULL, 0);
        const char *u = p;
        int64_t unit;
        if (!duration_unit(&p, &unit)) {
            size_t len = 0;
            while (u[len] && !isdigit((unsigned char)u[len]) && u[len] != '.')
                len++;
            if (len == 0)
                return duration_fail(msg, size, s, "missing unit in duration", NULL, 0);
            return duration_fail(msg, size, s, NULL, u, len);
        }
        if (whole > (uint64_t)INT64_MAX / (uint64_t)unit)
            return duration_fail(msg, size, s, "invalid duration", NULL, 0);
        uint64_t v = whole * (uint64_t)unit;
        v += (uint64_t)((double)frac * ((double)unit / (double)scale));
        exact += v;
        if (exact > (uint64_t)INT64_MAX)
            return duration_fail(msg, size, s, "invalid duration", NULL, 0);
    }
    *out = neg ? -(pp_time)exact : (pp_time)exact;
    return true;
}

bool goparse_duration(const char *s, pp_time *out) {
    return s && *s && goparse_duration_msg(s, out, NULL, 0);
}
