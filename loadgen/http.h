/* A real HTTP/1.1 load test with hey's flags and meanings, on epoll with
 * one event loop per thread (wrk's design): each of hey's -c workers is a
 * connection that sends its share of -n requests one after another,
 * keep-alive, Content-Length and chunked bodies, no pipelining. What hey
 * measures, per request: connect, write, wait for the first byte, read;
 * its status or the error, grouped as hey groups them. */
#ifndef PODPILOT_LOADGEN_HTTP_H
#define PODPILOT_LOADGEN_HTTP_H

#include <signal.h>
#include <stdio.h>

#include "engine/hey_report.h"
#include "loadgen/hey.h"

#define LG_MAX_LATENCIES 1000000 /* hey's maxRes: the report's figures over the first million */
#define LG_MAX_ERROR_KINDS 64

/* One request, for -o csv. */
struct lg_row {
    float total, dial, write, wait, read; /* seconds */
    int16_t code;
    double offset; /* seconds from the start */
};

struct lg_result {
    double total_s;
    double *lat; /* successful requests' latencies, seconds, at most LG_MAX_LATENCIES */
    size_t n_lat, n_ok, n_errors;
    size_t codes[600];
    struct {
        char message[300];
        size_t n;
    } errors[LG_MAX_ERROR_KINDS + 1]; /* the last: every kind past the limit */
    size_t n_error_kinds;
    struct hey_phase phases[HEY_PHASES];
    int64_t size_total;
    struct lg_row *rows; /* -o csv */
    size_t n_rows;
    bool paced;       /* -q: latencies from each request's intended send time */
    bool interrupted; /* stopped by the caller's flag (Ctrl-C) */
    int threads;
};

/* Runs the test hey's a and h describe against a's URL; stop, when it
 * becomes non-zero (a signal handler), ends it early with what it has.
 * Fails before sending anything on a URL, address or flag it cannot serve. */
enum pp_status loadgen_run(const struct hey_args *a, const struct hey_http *h,
                           volatile sig_atomic_t *stop, struct lg_result *out,
                           struct pp_error *err);
void loadgen_result_fini(struct lg_result *r);

/* r as hey_report reads it: codes (room for 600) ascending, errors (room
 * for LG_MAX_ERROR_KINDS + 1) by message; hr points into r and them. */
void loadgen_results(const struct lg_result *r, struct hey_results *hr,
                     struct hey_code_count *codes, struct hey_error_count *errors);
/* hey's report of r, byte for byte; its JSON form; hey's -o csv. */
void loadgen_report(FILE *out, const struct lg_result *r);
void loadgen_json(FILE *out, const struct hey_args *a, const struct lg_result *r);
void loadgen_csv(FILE *out, const struct lg_result *r);

#endif
