/* Shared pieces of the vector runner: reading scenario files and comparing
 * what podpilot decides with what upstream decided, field by field. */
#ifndef PODPILOT_TESTS_VEC_H
#define PODPILOT_TESTS_VEC_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* A kind's runner: checks one scenario file, returns true when every
 * decision matches; on failure writes the first difference into diag. */
typedef bool (*vec_run_fn)(const char *path, char *diag, size_t size);

bool vec_kpa_run(const char *path, char *diag, size_t size);
bool vec_cron_run(const char *path, char *diag, size_t size);
bool vec_lag_run(const char *path, char *diag, size_t size);
bool vec_hpa_run(const char *path, char *diag, size_t size);

/* Whole file as a NUL-terminated string, or NULL. Caller frees. */
char *vec_read_file(const char *path, size_t *len);
cJSON *vec_read_json(const char *path, char *diag, size_t size);

/* Value of a JSON scalar as the string a Knative map would hold. */
const char *vec_scalar_text(const cJSON *v, char *buf, size_t size);

/* Compares each field of `want` with `got`. Fields listed in `approx` compare
 * with |Δ| ≤ 1e-9·max(1,|x|); all others exactly. Writes the first
 * difference as "FIELD: expected X, got Y". */
bool vec_same(const cJSON *want, const cJSON *got, const char *const *approx, char *diag,
              size_t size);

/* vec_same over two arrays, element by element, then their lengths:
 * "fires[3] {…}: job: expected …" or "fires: expected 6 entries, podpilot gave 5; …". */
bool vec_same_list(const char *what, const cJSON *want, const cJSON *got, const char *const *approx,
                   char *diag, size_t size);

#endif
