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
 * samples at now; they point into h until its next use. held: requests
 * waiting in front of the pods (a KEDA queue trigger counts them). */
void sim_hpa_observe(struct sim_hpa *h, const struct svc_config *c,
                     const struct sim_pod_sample *samples, size_t n, double held, pp_time now,
                     struct loop_obs *o);

/* What a Prometheus query names, as the simulated pods answer it: the
 * metric from its name (README, "simulated metrics"), summed over the
 * ready pods (avg(...) or max(...): per pod), with held requests counted
 * by queue and concurrency metrics. False when the simulation has no such
 * metric. */
bool sim_query_value(const char *query, const struct sim_pod_sample *samples, size_t n, double held,
                     double *out);

/* Each of c's KEDA triggers as its scaler answers a poll (NaN where the
 * query names nothing the simulation has; 0 for cpu and memory, which
 * are not polled); returns how many. */
size_t sim_keda_values(const struct svc_config *c, const struct sim_pod_sample *samples, size_t n,
                       double held, double *out);

#endif
