/* What a workload's pod template says that scaling reads: the requests
 * (an HPA's utilization is usage over request), GPUs per pod and
 * containerConcurrency. The same for a simulated and a live service. */
#ifndef PODPILOT_POD_SPEC_H
#define PODPILOT_POD_SPEC_H

#include "engine/common.h"
#include "engine/hpa.h"

#define POD_MAX_CONTAINERS 8

/* One container of the template: its requests, -1 where it has none. */
struct pod_container {
    char name[64];
    int64_t cpu_milli, memory_milli;
    bool init, restartable; /* an init container; restartPolicy Always (a sidecar) */
};

struct pod_spec {
    int32_t concurrency_limit; /* containerConcurrency; 0 = unlimited */
    int32_t gpus;              /* nvidia.com/gpu per pod */
    /* the pod's requests: the sum over its containers and sidecars, as the
     * HPA's calculatePodRequests counts them */
    int64_t cpu_request_milli;
    int64_t memory_request_milli;
    /* the template's containers, when a manifest lists them (none: the
     * totals above are all there is) */
    struct pod_container containers[POD_MAX_CONTAINERS];
    size_t n_containers;
};

/* The template's containers as the HPA controller reads them, into out
 * (POD_MAX_CONTAINERS); returns how many: 0 leaves the totals alone. */
static inline size_t pod_spec_containers(const struct pod_spec *spec, struct hpa_container *out) {
    for (size_t i = 0; i < spec->n_containers; i++) {
        const struct pod_container *c = &spec->containers[i];
        out[i] = (struct hpa_container){.name = c->name,
                                        .cpu_milli = c->cpu_milli,
                                        .memory_milli = c->memory_milli,
                                        .init = c->init,
                                        .restartable = c->restartable};
    }
    return spec->n_containers;
}

/* 1 CPU and 512Mi requested, no GPU, no concurrency limit. */
static inline struct pod_spec pod_spec_default(void) {
    return (struct pod_spec){.cpu_request_milli = 1000,
                             .memory_request_milli = INT64_C(512) * 1024 * 1024 * 1000};
}

static inline enum pp_status pod_spec_validate(const struct pod_spec *p, struct pp_error *err) {
    if (p->concurrency_limit < 0)
        return pp_fail(err, PP_ERR_INVALID, "containerConcurrency", "must not be negative");
    if (p->gpus < 0)
        return pp_fail(err, PP_ERR_INVALID, "gpus", "must not be negative");
    if (p->cpu_request_milli < 0)
        return pp_fail(err, PP_ERR_INVALID, "cpu", "must not be negative");
    return PP_OK;
}

#endif
