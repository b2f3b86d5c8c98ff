/* What podpilot's command lines share: a bad option says what is wrong,
 * points at --help and exits 2. */
#ifndef PODPILOT_CLI_H
#define PODPILOT_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* "PROG: message" and "Try 'PROG --help'." on stderr; returns 2. */
int cli_fail(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An unknown option: says so, and names the nearest of `known` (NULL
 * ended) when one is close ("did you mean --duration?"); returns 2. */
int cli_unknown(const char *prog, const char *arg, const char *const *known);

/* Seconds as the command lines take them, as command times do: 90, 90s,
 * 1m30s. False for anything else or a negative time. */
bool cli_seconds(const char *v, int64_t *out);

#endif
