/* What podpilot's command lines share: a bad option says what is wrong,
 * points at --help and exits 2. */
#ifndef PODPILOT_CLI_H
#define PODPILOT_CLI_H

/* "PROG: message" and "Try 'PROG --help'." on stderr; returns 2. */
int cli_fail(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
