/* Parsers with Go's strconv and time.ParseDuration semantics, so that a
 * Knative or Kubernetes value podpilot accepts is exactly one upstream accepts. */
#ifndef PODPILOT_GOPARSE_H
#define PODPILOT_GOPARSE_H

#include "engine/common.h"

/* Each returns true and writes *out only when the whole string parses. */
bool goparse_float(const char *s, double *out);
bool goparse_int32(const char *s, int32_t *out);
bool goparse_int64(const char *s, int64_t *out);
bool goparse_bool(const char *s, bool *out);
/* "60s", "1m30s", "500ms", "1.5h", "0": Go's time.ParseDuration. */
bool goparse_duration(const char *s, pp_time *out);
/* The same, writing Go's error text on failure into msg (may be NULL):
 * `time: unknown unit "x" in duration "90x"`. */
bool goparse_duration_msg(const char *s, pp_time *out, char *msg, size_t size);

#endif
