/* What the HPA controller reads from simulated pods: each pod's phase,
 * readiness and start, and the metrics the simulated cluster can answer —
 * cpu and memory from metrics-server, custom metrics by name (README,
 * "simulated metrics"). The simulated cluster's and the what-if pods'. */
#ifndef PODPILOT_SIM_HPA_H
#define PODPILOT_SIM_HPA_H

#include "engine/sim.h"
#include "engine/source.h"

/* Scratch for one observation; reused, so a tick allocates nothing. */
struct sim_hpa {
    struct hpa_pod pods[SIM_MAX_PODS];
    char names[SIM_MAX_PODS][64]; /* the pods' names, as upstream's errors name them */
    struct hpa_container containers[POD_MAX_CONTAINERS];
    int64_t vals[HPA_MAX_METRICS][SIM_MAX_PODS];
    bool present[HPA_MAX_METRICS][SIM_MAX_PODS];
    struct hpa_metric_obs metrics[HPA_MAX_METRICS];
    char errors[HPA_MAX_METRICS][200];
};

/* Fills o's HPA inputs (o->hpa and the rest) for service c from n pod
 * samples at now; they point into h until its next use. */
void sim_hpa_observe(struct sim_hpa *h, const struct svc_config *c,
                     const struct sim_pod_sample *samples, size_t n, pp_time now,
                     struct loop_obs *o);

#endif
