#include "loadgen/job.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lg_job {
    struct hey_args a;
    struct hey_http h;
    volatile sig_atomic_t stop;
    int done; /* atomic */
    bool started;
    pthread_t thread;
    struct lg_result r;
    char error[400];
    /* hey's results of r, for the report */
    struct hey_results hr;
    struct hey_code_count codes[600];
    struct hey_error_count errors[LG_MAX_ERROR_KINDS + 1];
};

static void *run(void *arg) {
    struct lg_job *j = arg;
    struct pp_error err = {0};
    if (loadgen_run(&j->a, &j->h, &j->stop, &j->r, &err) != PP_OK)
        snprintf(j->error, sizeof(j->error), "podpilot: %.380s", err.message);
    __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

struct lg_job *lg_job_start(const char *flags, const char *default_url) {
    struct lg_job *j = xcalloc(1, sizeof(*j));
    char line[2400];
    struct pp_error err = {0};
    const bool need = !default_url || !default_url[0];
    snprintf(line, sizeof(line), "%s", flags);
    if (hey_parse_line(line, false, &j->a, &j->h, &err) != PP_OK) {
        snprintf(j->error, sizeof(j->error), "podpilot: %.380s", err.message);
    } else if (j->a.rate > 0 || j->a.trace[0] || j->a.after > 0) {
        snprintf(j->error, sizeof(j->error),
                 "podpilot: --rate, --trace and --after are the simulation's, not a real test's");
    } else if (!j->a.url[0] && need) {
        snprintf(j->error, sizeof(j->error),
                 "podpilot: no URL: give one after the flags (the service has no status.url)");
    } else {
        if (!j->a.url[0])
            snprintf(j->a.url, sizeof(j->a.url), "%s", default_url);
        j->started = pthread_create(&j->thread, NULL, run, j) == 0;
        if (!j->started)
            snprintf(j->error, sizeof(j->error), "podpilot: could not start the load's thread");
    }
    if (!j->started)
        __atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
    return j;
}

bool lg_job_done(struct lg_job *j) { return __atomic_load_n(&j->done, __ATOMIC_ACQUIRE) != 0; }

void lg_job_stop(struct lg_job *j) { j->stop = 1; }

void lg_job_result(struct lg_job *j, pp_time started, pp_time finished, struct load_result *out) {
    struct lg_result *r = &j->r;
    if (j->error[0] && r->n_errors == 0) { /* it never ran: its one error says why */
        snprintf(r->errors[0].message, sizeof(r->errors[0].message), "%.*s",
                 (int)sizeof(r->errors[0].message) - 1, j->error);
        r->errors[0].n = 1;
        r->n_error_kinds = 1;
        r->n_errors = 1;
    }
    loadgen_results(r, &j->hr, j->codes, j->errors);
    *out = (struct load_result){.done = true,
                                .started = started,
                                .finished = finished,
                                .n_ok = r->n_ok,
                                .n_timeout = r->n_errors,
                                .lat_s = r->lat,
                                .n_lat = r->n_lat,
                                .real = &j->hr};
}

void lg_job_free(struct lg_job *j) {
    if (!j)
        return;
    if (j->started) {
        j->stop = 1;
        pthread_join(j->thread, NULL);
    }
    loadgen_result_fini(&j->r);
    hey_http_fini(&j->h);
    free(j);
}
