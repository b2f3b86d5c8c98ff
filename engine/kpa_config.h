/* The KPA's knobs, resolved from Knative's own names (revision annotations and
 * config-autoscaler keys) into the decider spec and the PodAutoscaler bounds. */
#ifndef PODPILOT_KPA_CONFIG_H
#define PODPILOT_KPA_CONFIG_H

#include "engine/common.h"
#include "engine/window.h"

enum kpa_metric { KPA_METRIC_CONCURRENCY, KPA_METRIC_RPS };

struct kpa_config {
    /* Decider spec (kpa/resources/decider.go MakeDecider). */
    enum kpa_metric metric;
    enum window_algo algo;
    double target_value; /* per-pod goal: total × utilization, at least 0.01 */
    double total_value;  /* per-pod capacity behind burst capacity and activators */
    double target_utilization;
    double panic_threshold; /* ratio: 2.0 for 200 % */
    double max_scale_up_rate;
    double max_scale_down_rate;
    double target_burst_capacity; /* -1: unlimited, activator always in path */
    double activator_capacity;
    uint32_t stable_window_s;
    uint32_t panic_window_s;
    pp_time scale_down_delay;
    int32_t activation_scale; /* 0 when unset */
    int32_t initial_scale;    /* GetInitialScale */
    bool reachable;

    /* PodAutoscaler reconciler (kpa/scaler.go, kpa.go). */
    int32_t min_scale;           /* 0 when unreachable */
    int32_t max_scale;           /* 0: no bound */
    int32_t deployment_replicas; /* spec.replicas the Deployment is created with */
    bool enable_scale_to_zero;
    pp_time scale_to_zero_grace;
    pp_time pod_retention;      /* 0 when unreachable */
    pp_time activation_timeout; /* progress deadline + 30 s */
    int32_t container_concurrency;
};

/* Resolves the flat map of the vector format and the manifest reader:
 * "autoscaling.knative.dev/X" and "serving.knative.dev/X" are revision
 * annotations, "containerConcurrency" and "reachability" are revision/PA
 * fields, "progress-deadline" is config-deployment, and every other key is a
 * config-autoscaler key. Values are validated as the webhook and
 * NewConfigFromMap do; a bad one fails naming the key. */
enum pp_status kpa_config_resolve(const struct pp_kv *kv, size_t n, struct kpa_config *out,
                                  struct pp_error *err);

/* The defaults of an empty map (Knative's shipped config-autoscaler). */
void kpa_config_default(struct kpa_config *out);

#endif
