/* hey's report of a load test, byte for byte as hey 0.1.4 (rakyll/hey)
 * prints it, so scripts (and k9s) that read hey's output read ours: for the
 * simulated load tests, the recordings that keep their reports, and the
 * HTTP load generator. */
#ifndef PODPILOT_HEY_REPORT_H
#define PODPILOT_HEY_REPORT_H

#include "engine/common.h"

#include <stdio.h>

/* What a run measured. Latencies in seconds of the successful requests. */
struct hey_results {
    double total_s;
    const double *lat_s;
    size_t n_lat;
    size_t n_ok;     /* successful (status below) */
    int status;      /* their status code, 200 */
    size_t n_errors; /* failed requests, all with one message */
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
