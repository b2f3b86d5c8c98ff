/* What the benches share: a set of n KPA services (target 1), each under a
 * Poisson load of `rps` for `duration`; the process's memory. */
#ifndef PODPILOT_BENCH_COMMON_H
#define PODPILOT_BENCH_COMMON_H

#include "engine/service.h"

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static inline void bench_kpa_services(struct svc_set *set, int n, double rps, pp_time duration) {
    svc_set_init(set);
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "svc-%04d", i);
        struct svc_config *s = svc_set_add(set, name, "bench");
        const struct pp_kv kv[] = {{"autoscaling.knative.dev/target", "1"}};
        kpa_config_resolve(kv, 1, &s->kpa, NULL);
        s->replicas = s->initial_ready = 1;
    }
    for (int i = 0; i < n; i++) {
        struct svc_load *l = svc_set_add_load(set, (size_t)i);
        l->load = (struct load_spec){.kind = LOAD_POISSON, .duration = duration, .rate = rps};
        l->parsed = true;
    }
}

/* Monotonic seconds. */
static inline double bench_wall(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size now (/proc/self/statm), and at its peak, in KB. */
static inline long bench_rss_kb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static inline long bench_peak_rss_kb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

#endif
