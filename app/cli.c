#include "app/cli.h"

#include "engine/goparse.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int cli_fail(const char *prog, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized): va_start above */
    fprintf(stderr, "\nTry '%s --help'.\n", prog);
    va_end(ap);
    return 2;
}

/* Levenshtein distance, capped: options are short. */
static size_t distance(const char *a, const char *b) {
    enum { MAX = 64 };
    size_t la = strlen(a), lb = strlen(b), row[MAX + 1];
    if (la > MAX || lb > MAX)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            const size_t up = row[j];
            const size_t sub = diag + (a[i - 1] != b[j - 1]);
            row[j] = sub < up + 1 ? sub : up + 1;
            row[j] = row[j] < row[j - 1] + 1 ? row[j] : row[j - 1] + 1;
            diag = up;
        }
    }
    return row[lb];
}

int cli_unknown(const char *prog, const char *arg, const char *const *known) {
    const char *best = NULL;
    size_t best_d = 3; /* a typo or two, not another word */
    for (size_t i = 0; known[i]; i++) {
        const size_t d = distance(arg, known[i]);
        if (d < best_d) {
            best_d = d;
            best = known[i];
        }
    }
    if (best)
        return cli_fail(prog, "unknown option \"%s\" (did you mean %s?)", arg, best);
    return cli_fail(prog, "unknown option \"%s\"", arg);
}

bool cli_seconds(const char *v, int64_t *out) {
    pp_time d;
    if (goparse_int64(v, out) && *out >= 0)
        return true;
    if (goparse_duration(v, &d) && d >= 0) {
        *out = d / PP_NS_PER_SEC;
        return true;
    }
    return false;
}
