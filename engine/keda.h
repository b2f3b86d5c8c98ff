/* KEDA's ScaledObject: the HPA it generates (keda-hpa-<name>), and its own
 * loop on top — activation 0 <-> min, cooldown, idle replicas, fallback and
 * the pause annotations — as kedacore/keda's scale executor runs them. */
#ifndef PODPILOT_KEDA_H
#define PODPILOT_KEDA_H

#include "engine/hpa.h"

#define KEDA_MAX_TRIGGERS HPA_MAX_METRICS
#define KEDA_METRIC_NAME 48

enum keda_trigger_kind { KEDA_TRIGGER_CPU, KEDA_TRIGGER_MEMORY, KEDA_TRIGGER_EXTERNAL };

/* fallback.behavior: the replicas R the synthetic metric asks for. */
enum keda_fallback_behavior {
    KEDA_FALLBACK_STATIC,    /* fallback.replicas */
    KEDA_FALLBACK_CURRENT,   /* the target's current replicas */
    KEDA_FALLBACK_IF_HIGHER, /* max(current, fallback.replicas) */
    KEDA_FALLBACK_IF_LOWER,  /* min(current, fallback.replicas) */
};

/* One spec.triggers[] entry. Strings point at the caller's storage. */
struct keda_trigger {
    const char *type; /* "prometheus", "cpu", "memory", ... */
    const char *name; /* the trigger's name, or NULL */
    enum keda_trigger_kind kind;
    bool metric_type_set;
    enum hpa_target_type metric_type; /* AverageValue unless set */
    double threshold;                 /* external: threshold; cpu/memory: metadata.value */
    double activation;                /* activationThreshold, 0 */
    const char *query;                /* prometheus: what the value is of */
    char metric[KEDA_METRIC_NAME];    /* the HPA's metric: "s0-prometheus", "cpu" */
};

struct keda_spec {
    const char *hpa_name; /* keda-hpa-<name>, or advanced...horizontalPodAutoscalerConfig.name */
    int32_t polling_s;    /* pollingInterval, 30 */
    int32_t cooldown_s;   /* cooldownPeriod, 300 */
    int32_t initial_cooldown_s; /* initialCooldownPeriod, 0 */
    bool min_set;
    int32_t min; /* minReplicaCount, 0 */
    bool max_set;
    int32_t max; /* maxReplicaCount, 100 */
    bool idle_set;
    int32_t idle; /* idleReplicaCount */
    bool fallback_set;
    int32_t failure_threshold;
    int32_t fallback_replicas;
    enum keda_fallback_behavior fallback_behavior;
    /* annotations */
    bool paused;              /* autoscaling.keda.sh/paused: the HPA is deleted, replicas frozen */
    bool paused_replicas_set; /* autoscaling.keda.sh/paused-replicas: the same, at N */
    int32_t paused_replicas;
    bool paused_scale_in, paused_scale_out; /* the HPA keeps running; that direction Disabled */
    bool force_activation;                  /* autoscaling.keda.sh/force-activation */
    size_t n_triggers;
    struct keda_trigger triggers[KEDA_MAX_TRIGGERS];
    /* advanced.horizontalPodAutoscalerConfig.behavior, copied to the HPA */
    bool behavior_set;
    struct hpa_rules up, down;
};

void keda_spec_defaults(struct keda_spec *s);

/* What KEDA's admission webhook refuses (CheckReplicaCountBoundsAreValid,
 * CheckFallbackValid, the scalers' metric types); err names the field. */
enum pp_status keda_validate(const struct keda_spec *s, struct pp_error *err);

/* Fills each trigger's metric name (s<i>-<type>) and out with the HPA KEDA
 * generates: min max(min,1), max, the metrics (External first, then
 * Resource, each group in trigger order), the behavior with Disabled
 * policies for paused-scale-in/out. selector: "scaledobject.keda.sh/name=<so>"
 * as engine/labels prints it, kept by the caller. */
void keda_hpa_spec(struct keda_spec *s, const char *selector, struct hpa_spec *out);

/* The HPA metric index of trigger i in keda_hpa_spec's order. */
size_t keda_hpa_metric_index(const struct keda_spec *s, size_t trigger);

/* ---- the scale loop ---- */

enum keda_cond_status { KEDA_UNKNOWN, KEDA_TRUE, KEDA_FALSE };

struct keda_condition {
    enum keda_cond_status status;
    const char *reason;
    const char *message;
};

enum keda_phase {
    KEDA_PHASE_PAUSED,   /* an annotation froze it */
    KEDA_PHASE_IDLE,     /* no trigger active, at 0 or idleReplicaCount */
    KEDA_PHASE_ACTIVE,   /* a trigger is active: the HPA decides between min and max */
    KEDA_PHASE_COOLDOWN, /* nothing active, waiting out cooldownPeriod */
    KEDA_PHASE_INACTIVE, /* nothing active, the HPA holds min (no scale to zero) */
};

/* What the ScaledObject's status holds between polls. */
struct keda_state {
    pp_time created;
    bool has_last_active;
    pp_time last_active; /* status.lastActiveTime */
    bool paused_applied; /* paused-replicas: the target was set once */
    int32_t failures[KEDA_MAX_TRIGGERS];
    bool active[KEDA_MAX_TRIGGERS]; /* per trigger at the last poll */
    double values[KEDA_MAX_TRIGGERS];
    enum keda_phase phase;
    struct keda_condition ready, activity, fallback, paused;
};

void keda_state_init(struct keda_state *st, pp_time created);

/* One poll's result. */
struct keda_poll_out {
    bool scale; /* set the target to replicas */
    int32_t replicas;
    bool warning;
    const char *event_reason; /* "KEDAScaleTargetActivated", NULL when no event */
    char event[256];
};

/* One pollingInterval's check at now: values[i] is trigger i's value, NaN
 * where its scaler failed (cpu/memory triggers are not read); replicas is
 * the target's spec.replicas. RequestScale and handlePaused. */
void keda_poll(const struct keda_spec *s, struct keda_state *st, pp_time now, const double *values,
               int32_t replicas, const char *target, struct keda_poll_out *out);

/* KEDA's metrics server answering the HPA for trigger i: failed counts a
 * failure (or resets them), and when fallback applies *value_milli is the
 * synthetic value that makes the HPA ask R replicas (fallback.go) and true
 * is returned. target_milli is the HPA metric's target; ready the ready
 * pods (a Value target divides by them). */
bool keda_fallback(const struct keda_spec *s, struct keda_state *st, size_t trigger, bool failed,
                   int64_t target_milli, int32_t replicas, int32_t ready, int64_t *value_milli);

/* Seconds of cooldown left at now, or -1 when not cooling down. */
int64_t keda_cooldown_left(const struct keda_spec *s, const struct keda_state *st, pp_time now);

const char *keda_phase_name(enum keda_phase p); /* "active", "cooldown", ... */

#endif
