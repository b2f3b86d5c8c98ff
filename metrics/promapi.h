/* A client of the Prometheus HTTP API (/api/v1/query, /api/v1/query_range,
 * /api/v1/series, /api/v1/status/buildinfo) on libcurl: vector, matrix, scalar and string
 * results, warnings, and Prometheus's errorType and error in its own words;
 * bearer tokens and TLS as for the API server, no credential ever printed. */
#ifndef PODPILOT_PROMAPI_H
#define PODPILOT_PROMAPI_H

#include "engine/common.h"

enum promapi_type {
    PROMAPI_VECTOR,
    PROMAPI_MATRIX,
    PROMAPI_SCALAR,
    PROMAPI_STRING,
    PROMAPI_SERIES, /* /api/v1/series: labels only, no points */
};

struct promapi_point {
    double t; /* seconds since the epoch */
    double v; /* NaN, ±Inf as Prometheus writes them */
};

struct promapi_series {
    char *labels; /* name{k="v",...} as PromQL prints a series (sorted, __name__ in front) */
    char **keys, **values; /* the labels one by one (__name__ among them) */
    size_t n_labels;
    struct promapi_point *points;
    size_t n_points;
};

struct promapi_result {
    enum promapi_type type;
    struct promapi_series *series; /* a scalar or string: one series of one point */
    size_t n_series;
    char *string; /* a string result's text */
    char warnings[512];
};

struct promapi_options {
    const char *url;        /* http(s)://host:port[/prefix]; userinfo is basic auth */
    const char *token_file; /* a bearer token, read at each request (rotated as a kubelet's) */
    const char *ca_file;    /* else the system's CAs */
    long timeout_s;         /* 0: 30 */
};

struct promapi;

struct promapi *promapi_create(const struct promapi_options *o, struct pp_error *err);
void promapi_destroy(struct promapi *c);

/* An instant query at time at (seconds; 0: now). */
enum pp_status promapi_query(struct promapi *c, const char *expr, double at,
                             struct promapi_result *out, struct pp_error *err);
/* A range query from start to end every step seconds. */
enum pp_status promapi_query_range(struct promapi *c, const char *expr, double start, double end,
                                   double step, struct promapi_result *out, struct pp_error *err);
/* The series that n selectors (match[]) select between start and end
 * (seconds; 0: the server's defaults), as PROMAPI_SERIES. */
enum pp_status promapi_series(struct promapi *c, const char *const *match, size_t n, double start,
                              double end, struct promapi_result *out, struct pp_error *err);
/* The server's version ("2.42.0"). */
enum pp_status promapi_buildinfo(struct promapi *c, char *version, size_t size,
                                 struct pp_error *err);
void promapi_result_fini(struct promapi_result *r);

/* url without its userinfo, for messages. */
void promapi_redact(const char *url, char *out, size_t size);

#endif
