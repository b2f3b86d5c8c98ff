/* What a workload's pod template says that scaling reads: the requests
 * (an HPA's utilization is usage over request), GPUs per pod and
 * containerConcurrency. The same for a simulated and a live service. */
#ifndef PODPILOT_POD_SPEC_H
#define PODPILOT_POD_SPEC_H

#include "engine/common.h"

struct pod_spec {
    int32_t concurrency_limit; /* containerConcurrency; 0 = unlimited */
    int32_t gpus;              /* nvidia.com/gpu per pod */
    int64_t cpu_request_milli;
    int64_t memory_request_milli;
};

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
