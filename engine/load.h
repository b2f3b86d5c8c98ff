/* A load test as hey's flags (or a Poisson rate, or a trace of rates)
 * describe it, and what it measured: the simulated cluster runs these, and
 * so will the HTTP load generator. */
#ifndef PODPILOT_LOAD_H
#define PODPILOT_LOAD_H

#include "engine/common.h"

enum load_kind {
    LOAD_WORKERS, /* hey: c workers in a closed loop, each at most q per second */
    LOAD_POISSON, /* open loop at a rate */
    LOAD_TRACE,   /* open loop, Poisson at a rate that follows seconds,rps points */
};

/* What one simulated load may ask: past these the simulation's memory or
 * time would grow without bound (hey -c 2147483647 asked for 64 GB). */
#define LOAD_MAX_WORKERS 10000
#define LOAD_MAX_RATE 100000.0       /* requests per second, --rate and a trace's */
#define LOAD_MAX_SECONDS (86400 * 7) /* a trace's times, as --duration's cap */

struct load_trace_point {
    double at_s;
    double rps;
};

struct load_spec {
    enum load_kind kind;
    pp_time start;                        /* engine time the load begins */
    pp_time duration;                     /* -z; 0 = until `requests` are sent */
    int64_t requests;                     /* -n; 0 with a duration */
    int32_t workers;                      /* -c */
    double qps;                           /* -q per worker; 0 = no limit */
    pp_time timeout;                      /* -t; 0 = none */
    double rate;                          /* Poisson arrivals per second */
    const struct load_trace_point *trace; /* copied by sim_load_start */
    size_t n_trace;
};

struct hey_results;

/* A load's results, as hey collects them. */
struct load_result {
    bool done;
    pp_time started, finished;
    size_t n_ok;         /* successful requests */
    size_t n_timeout;    /* requests that exceeded the timeout */
    const double *lat_s; /* latencies of successful requests, first 1,000,000 */
    size_t n_lat;
    /* a real load test's whole results (status codes, errors, phases), which
     * its report prints; NULL for a simulated one (n_timeout are its errors) */
    const struct hey_results *real;
};

#endif
