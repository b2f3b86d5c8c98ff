/* The HPA room's own parts, shared by hpa.c (the controller: state,
 * conditions, events, reconcileAutoscaler), hpa_calc.c (the replica
 * calculator), hpa_behavior.c (stabilization windows and rate limits) and
 * hpa_spec.c (validation, defaulting, names).
 * Nothing outside engine/hpa*.c includes it but tests/test_hpa.c. */
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

/* A recommendation, or the replica change of a scale event, and when. */
struct hpa_stamped {
    int32_t value;
    pp_time at;
    bool outdated;
};

struct hpa_history {
    struct hpa_stamped *v;
    size_t n, cap;
};

/* What normalization remembers between syncs: recommendations, and the
 * scale events up and down that the rate policies count. */
struct hpa_windows {
    struct hpa_history recs, ups, downs;
};

/* What normalization decided, and the texts of the two conditions it
 * sets: AbleToScale (True, able_*) and ScalingLimited (True when replicas
 * differs from stabilized, limited_*). The texts are static. */
struct hpa_verdict {
    int32_t stabilized, replicas;
    const char *able_reason, *able_message;
    const char *limited_reason, *limited_message;
};

/* Put s in slot reuse when found, else append (growing only past what
 * hpa_windows_reserve made room for). */
void hpa_history_put(struct hpa_history *h, size_t reuse, bool found, struct hpa_stamped s);
/* Room for a full window of syncs, so the windows filling allocates nothing. */
void hpa_windows_reserve(struct hpa_windows *w, const struct hpa_spec *spec,
                         const struct hpa_controller *ctl);
void hpa_windows_free(struct hpa_windows *w);
/* normalizeDesiredReplicas, or ...WithBehaviors when the spec has them. */
void hpa_normalize(struct hpa_windows *w, const struct hpa_spec *spec,
                   const struct hpa_controller *ctl, int32_t current, int32_t desired, pp_time now,
                   struct hpa_verdict *v);
/* storeScaleEvent: kept only when behaviors are in use. */
void hpa_store_scale_event(struct hpa_windows *w, const struct hpa_spec *spec, int32_t prev,
                           int32_t next, pp_time now);

/* SetDefaults for behavior.scaleUp (up) or scaleDown. */
void hpa_default_rules(struct hpa_rules *r, bool up);

#endif
