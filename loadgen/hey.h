/* hey's command line and hey's report, shared by the simulated load tests and
 * the HTTP load generator: the same flags, defaults, errors and report bytes
 * as hey 0.1.4 (rakyll/hey), so scripts that read hey's output read ours. */
#ifndef PODPILOT_HEY_H
#define PODPILOT_HEY_H

#include "engine/common.h"

#include <stdio.h>

struct hey_args {
    int64_t n;       /* -n, 200 */
    int32_t c;       /* -c, 50 */
    double q;        /* -q per worker, 0 = no limit */
    pp_time z;       /* -z, 0 = until n */
    int32_t t;       /* -t seconds, 20; 0 = none */
    char method[16]; /* -m, GET */
    char host[256];  /* -host */
    char url[512];   /* the one positional argument; may be empty in a simulation */
    /* podpilot's open-loop extensions (not hey): --rate RPS, --trace FILE, --after D */
    double rate;
    char trace[512];
    pp_time after;
};

/* Parses hey's flags from a command line such as "-z 30s -c 5 -m POST URL".
 * Words split on blanks; single or double quotes group. Unknown flags and
 * hey's usage errors ("-n cannot be less than -c.") fail with hey's text.
 * need_url: a URL is required (a real load test) or optional (simulated). */
enum pp_status hey_parse(const char *line, bool need_url, struct hey_args *out,
                         struct pp_error *err);

/* What a run measured. Latencies in seconds of the successful requests. */
struct hey_results {
    double total_s;
    const double *lat_s;
    size_t n_lat;
    size_t n_ok;      /* successful (status below) */
    int status;       /* their status code, 200 */
    size_t n_errors;  /* failed requests, all with one message */
    const char *error;
    int64_t size_total; /* response bytes; 0 leaves out the two size lines */
};

/* hey's latency distribution of n sorted latencies, for 10, 25, 50, 75, 90,
 * 95 and 99 %: one pass, each latency i taken by at most one percentile, the
 * first whose integer rank i*100/n reaches it (no interpolation); 0 where
 * none does. The report prints these; scripts read p50 = out[2], p99 = out[6]. */
#define HEY_PERCENTILES 7
void hey_percentiles(const double *sorted, size_t n, double out[HEY_PERCENTILES]);

/* Writes hey's report, byte for byte in hey's layout (leading blank line,
 * TAB after labels, 11-bucket histogram of ■, percentiles 10…99, Details,
 * status codes, errors). sorted_scratch: room for n_lat doubles (sorted in
 * place there). Details show the response time in "resp wait" and 0 for the
 * connection phases, which a simulation does not have. */
void hey_report(FILE *out, const struct hey_results *r, double *sorted_scratch);

#endif
