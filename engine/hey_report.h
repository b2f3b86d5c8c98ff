/* hey's report of a load test, byte for byte as hey 0.1.4 (rakyll/hey)
 * prints it, so scripts (and k9s) that read hey's output read ours: for the
 * simulated load tests, the recordings that keep their reports, and the
 * HTTP load generator. */
#ifndef PODPILOT_HEY_REPORT_H
#define PODPILOT_HEY_REPORT_H

#include "engine/common.h"

#include <stdio.h>

/* A real run's status codes and errors, and its phases' figures. */
struct hey_code_count {
    int code;
    size_t n;
};
struct hey_error_count {
    const char *message;
    size_t n;
};
struct hey_phase {
    double sum, fastest, slowest; /* seconds, over the successful requests */
};
enum { HEY_DIAL, HEY_DNS, HEY_WRITE, HEY_WAIT, HEY_READ, HEY_PHASES };

/* What a run measured. Latencies in seconds of the successful requests
 * (hey: every request that got a response, whatever its status). */
struct hey_results {
    double total_s;
    const double *lat_s;
    size_t n_lat;
    size_t n_ok;     /* successful (status below) */
    int status;      /* their status code, 200 */
    size_t n_errors; /* failed requests, all with one message */
    const char *error;
    int64_t size_total; /* response bytes; 0 leaves out the two size lines */
    /* a real run (NULL: the simulation's one status and one error above):
     * the status codes ascending, the errors sorted by message, the phases */
    const struct hey_code_count *codes;
    size_t n_codes;
    const struct hey_error_count *errors;
    size_t n_error_kinds;
    const struct hey_phase *phases; /* HEY_PHASES of them */
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
 * place there). Without phases, Details show the response time in "resp
 * wait" and 0 for the connection phases, which a simulation does not
 * have; with them, each phase's average over the successful requests and
 * its own fastest and slowest (hey after 0.1.4: 0.1.4 printed the
 * requests' fastest and slowest on the DNS+dialup line). */
void hey_report(FILE *out, const struct hey_results *r, double *sorted_scratch);

#endif
