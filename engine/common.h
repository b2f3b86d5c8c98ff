/* Shared vocabulary of podpilot: time, status codes, errors and the one
 * allocation policy. Every module includes this and nothing else common. */
#ifndef PODPILOT_COMMON_H
#define PODPILOT_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Engine time: nanoseconds. The clock belongs to the loop; the engine never
 * reads it, so every function that needs the time takes it as `now`. */
typedef int64_t pp_time;

#define PP_NS_PER_SEC INT64_C(1000000000)
#define PP_SEC(s) ((pp_time)(s)*PP_NS_PER_SEC)

enum pp_status {
    PP_OK = 0,
    PP_ERR_PARSE,   /* input is not what it should be */
    PP_ERR_INVALID, /* parsed, but out of range or inconsistent */
    PP_ERR_IO,      /* a file or stream failed */
    PP_ERR_LIMIT,   /* a fixed capacity was exceeded */
};

/* Where and what went wrong, for the message a user reads:
 * "file:line:column: field: message". Unknown parts stay empty / 0. */
struct pp_error {
    char file[256];
    int line;
    int column;
    char field[128];
    char message[512];
};

/* A key/value pair as manifests carry them (annotations, ConfigMap data). */
struct pp_kv {
    const char *key;
    const char *value;
};

const char *pp_kv_get(const struct pp_kv *kv, size_t n, const char *key);

/* Fills err (if not NULL) and returns status; message is printf-style. */
enum pp_status pp_fail(struct pp_error *err, enum pp_status status, const char *field,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
enum pp_status pp_vfail(struct pp_error *err, enum pp_status status, const char *field,
                        const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* Formats err as "file:line:column: field: message" into buf. */
void pp_error_format(const struct pp_error *err, char *buf, size_t size);

/* Allocation failure aborts with a message: a console tool has nothing better
 * to do, and it keeps NULL checks out of every call site. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
/* How many x* allocations the process has made so far. */
uint64_t pp_allocations(void);

/* Go's strconv.FormatFloat(x, 'g', -1, 64)-like shortest round-trip text,
 * as JSON writes numbers; -0 prints as 0. Returns the length written. */
int pp_format_double(double x, char *buf, size_t size);

#endif
