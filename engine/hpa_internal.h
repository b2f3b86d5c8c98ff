/* The HPA room's own parts, shared by hpa.c (the controller: state,
 * conditions, events, normalization, reconcileAutoscaler), hpa_calc.c (the
 * replica calculator) and hpa_spec.c (validation, defaulting, names).
 * Nothing outside engine/hpa*.c includes it. */
#ifndef PODPILOT_HPA_INTERNAL_H
#define PODPILOT_HPA_INTERNAL_H

#include "engine/hpa.h"

/* What the calculator reads of the controller: ReplicaCalculator's fields. */
struct hpa_calc {
    double tol_up, tol_down; /* behavior's per-direction tolerance, or the flag's */
    pp_time cpu_initialization_period;
    pp_time initial_readiness_delay;
    void *samples; /* a sample per pod, grown to the largest selector, never per sync */
    size_t cap_samples;
};

struct hpa_calc_result {
    int32_t replicas;
    int32_t utilization;
    int64_t usage; /* average per pod, milli */
    char error[HPA_TEXT];
};

/* Per-pod metrics (Resource, ContainerResource, Pods): GetResourceReplicas
 * for a utilization target, calcPlainMetricReplicas for an average value,
 * with the missing- and unready-pod rules. False with out->error set when
 * no replica count comes of it. */
bool hpa_calc_pods(struct hpa_calc *h, const struct hpa_metric_spec *m,
                   const struct hpa_metric_obs *o, const struct hpa_obs *obs, int32_t current,
                   pp_time now, struct hpa_calc_result *out);
/* getUsageRatioReplicaCount: Object and External with a Value target. */
bool hpa_calc_usage_ratio(const struct hpa_calc *h, double ratio, int32_t current,
                          const struct hpa_obs *obs, struct hpa_calc_result *out);
/* Object/External AverageValue: Get{Object,External}PerPodMetricReplicas. */
void hpa_calc_per_pod(const struct hpa_calc *h, int64_t usage, int64_t target,
                      int32_t status_replicas, struct hpa_calc_result *out);

/* SetDefaults for behavior.scaleUp (up) or scaleDown. */
void hpa_default_rules(struct hpa_rules *r, bool up);

#endif
