/* What the benches share: a set of n KPA services (target 1), each under a
 * Poisson load of `rps` for `duration`. */
#ifndef PODPILOT_BENCH_COMMON_H
#define PODPILOT_BENCH_COMMON_H

#include "engine/service.h"

#include <stdio.h>

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

#endif
