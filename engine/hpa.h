/* The Kubernetes HorizontalPodAutoscaler controller (autoscaling/v2), sync by
 * sync as kube-controller-manager computes it: the replica calculator, several
 * metrics, the legacy path and behaviors, conditions, events and status. */
#ifndef PODPILOT_HPA_H
#define PODPILOT_HPA_H

#include "engine/common.h"

#define HPA_MAX_METRICS 8
#define HPA_MAX_POLICIES 8
#define HPA_MAX_EVENTS 24
#define HPA_TEXT 1024 /* a condition's or an event's message: upstream's are not cut */

enum hpa_metric_type {
    HPA_RESOURCE,
    HPA_CONTAINER_RESOURCE,
    HPA_PODS,
    HPA_OBJECT,
    HPA_EXTERNAL,
};

enum hpa_target_type { HPA_TARGET_UTILIZATION, HPA_TARGET_VALUE, HPA_TARGET_AVERAGE_VALUE };

/* One spec.metrics[] entry. Quantities are in milli-units, as the
 * controller reads them (Quantity.MilliValue()). */
struct hpa_metric_spec {
    enum hpa_metric_type type;
    const char *name;        /* resource (cpu, memory) or metric name */
    const char *container;   /* ContainerResource */
    const char *object_kind; /* Object: describedObject */
    const char *object_name;
    /* Object, External: metric.selector as Go prints a *LabelSelector
     * (engine/labels), NULL when none ("nil" in names) */
    const char *selector;
    enum hpa_target_type target;
    int32_t utilization; /* percent, HPA_TARGET_UTILIZATION */
    int64_t milli;       /* value or averageValue */
};

enum hpa_policy_type { HPA_POLICY_PODS, HPA_POLICY_PERCENT };
enum hpa_select { HPA_SELECT_MAX, HPA_SELECT_MIN, HPA_SELECT_DISABLED };

struct hpa_policy {
    enum hpa_policy_type type;
    int32_t value;
    int32_t period_s;
};

/* behavior.scaleUp / scaleDown as written; *_set false = field absent. */
struct hpa_rules {
    bool set;
    bool window_set;
    int32_t window_s;
    bool select_set;
    enum hpa_select select;
    size_t n_policies; /* 0 with set: the default policies */
    struct hpa_policy policies[HPA_MAX_POLICIES];
    bool tolerance_set; /* KEP-4951 (1.33+), a ratio such as 0.05 */
    double tolerance;
};

struct hpa_spec {
    /* scaleTargetRef and the HPA's namespace: "Deployment/default/web" in
     * the errors a sync returns */
    const char *target_kind, *target_name, *namespace_;
    bool min_set;
    int32_t min_replicas; /* default 1 */
    int32_t max_replicas;
    size_t n_metrics; /* 0: the default, cpu at 80 % */
    struct hpa_metric_spec metrics[HPA_MAX_METRICS];
    bool behavior_set;
    struct hpa_rules up, down;
};

/* The controller-manager's flags (--horizontal-pod-autoscaler-*). */
struct hpa_controller {
    pp_time sync_period;               /* 15 s */
    double tolerance;                  /* 0.1 */
    pp_time downscale_stabilization;   /* 5 min */
    pp_time cpu_initialization_period; /* 5 min */
    pp_time initial_readiness_delay;   /* 30 s */
    bool configurable_tolerance;       /* gate HPAConfigurableTolerance: behavior's tolerances */
};
void hpa_controller_defaults(struct hpa_controller *c);

/* What the API server would refuse (ValidateHorizontalPodAutoscaler):
 * err names the field, e.g. "spec.behavior.scaleUp.policies[0].type". */
enum pp_status hpa_validate(const struct hpa_spec *spec, struct pp_error *err);
/* minReplicas 0 with an Object or External metric: valid only where the API
 * server runs the HPAScaleToZero gate (alpha, off by default). */
bool hpa_scales_to_zero(const struct hpa_spec *spec);

/* ---- observations of one sync ---- */

enum hpa_pod_phase { HPA_POD_RUNNING, HPA_POD_PENDING, HPA_POD_SUCCEEDED, HPA_POD_FAILED };

/* A container's requests: -1 where it has none. */
struct hpa_container {
    const char *name;
    int64_t cpu_milli, memory_milli;
    bool init, restartable; /* an init container; restartPolicy Always (a sidecar) */
};

struct hpa_pod {
    const char *name;
    /* its containers; none: cpu_request_milli and memory_request_milli below
     * are the pod's requests (a simulated pod) */
    const struct hpa_container *containers;
    size_t n_containers;
    enum hpa_pod_phase phase;
    bool deleting;
    bool has_ready_condition;
    bool ready;               /* the Ready condition's status is True */
    bool ready_unknown;       /* ... is Unknown (neither True nor False) */
    pp_time ready_transition; /* the Ready condition's lastTransitionTime */
    bool started;
    pp_time start_time;
    int64_t cpu_request_milli; /* 0: no request */
    int64_t memory_request_milli;
};

/* What the metrics APIs answered for spec.metrics[i]. */
struct hpa_metric_obs {
    /* the API call failed with this text, or answered nothing: the
     * metrics client words it ("unable to fetch metrics from resource
     * metrics API: ...", "no metrics returned from ..."), as upstream's */
    const char *error;
    bool empty;
    /* Resource, ContainerResource, Pods: one sample per pod (index aligned
     * with hpa_obs.pods); present NULL means every pod has one */
    const int64_t *pod_milli;
    const bool *present;
    pp_time timestamp, window;                 /* of the samples */
    const pp_time *pod_timestamp, *pod_window; /* per pod, where they differ; may be NULL */
    /* samples for pods the selector did not list: left out of a
     * utilization, counted by the plain average and the rebalance */
    size_t n_extra;
    int64_t extra_milli;
    int64_t value_milli; /* Object, External (sum of series) */
};

struct hpa_obs {
    const char *scale_error;  /* GET of the scale failed with this text */
    const char *update_error; /* a PUT of a new size would fail with this text */
    bool no_selector;         /* scale.status.selector is empty */
    int32_t spec_replicas;    /* scale.spec.replicas */
    int32_t status_replicas;  /* scale.status.replicas */
    const struct hpa_pod *pods;
    size_t n_pods;
    const struct hpa_metric_obs *metrics; /* one per spec metric */
};

/* ---- status ---- */

enum hpa_cond_type { HPA_ABLE_TO_SCALE, HPA_SCALING_ACTIVE, HPA_SCALING_LIMITED };
enum hpa_cond_status { HPA_COND_UNKNOWN, HPA_COND_TRUE, HPA_COND_FALSE };

struct hpa_condition {
    enum hpa_cond_type type;
    enum hpa_cond_status status;
    char reason[40];
    char message[HPA_TEXT];
    pp_time last_transition;
};

struct hpa_event {
    uint32_t hash; /* of the message, for the recorder's aggregation */
    bool warning;
    char reason[40];
    char *message; /* the HPA's; grown to the longest it held, never cut */
    size_t cap;
    int32_t count;
    pp_time first, last;
};

/* status.currentMetrics[i] and the replicas that metric alone asks for. */
struct hpa_metric_status {
    bool valid;
    int32_t utilization;   /* Resource/ContainerResource utilization */
    int64_t current_milli; /* per-pod average (raw usage for utilization), or the
                              Object/External value for a Value target */
    int32_t proposal;
};

struct hpa_status {
    int32_t current_replicas, desired_replicas;
    bool scaled; /* this sync changed the scale */
    pp_time last_scale_time;
    bool has_scaled;
    /* why: the path the sync took */
    int32_t metric_recommendation; /* max over metrics, -1 when none */
    int32_t stabilized;            /* after the stabilization window */
    char metric[512];              /* the metric behind the recommendation */
    char rescale_reason[600];
    char error[HPA_TEXT]; /* what reconcileAutoscaler returned, "" for nil */
    size_t n_metrics;
    struct hpa_metric_status metrics[HPA_MAX_METRICS];
    size_t n_conditions;
    struct hpa_condition conditions[3]; /* in the order the controller added them */
};

struct hpa;

/* spec must pass hpa_validate. Copies what it keeps. */
struct hpa *hpa_create(const struct hpa_spec *spec, const struct hpa_controller *ctl);
void hpa_destroy(struct hpa *h);

/* One reconcileAutoscaler at `now`. Writes the new scale into *replicas
 * (unchanged when the controller would not rescale) and returns the status.
 * Allocates nothing once the recommendation history has its steady size. */
const struct hpa_status *hpa_sync(struct hpa *h, const struct hpa_obs *obs, pp_time now,
                                  int32_t *replicas);

const struct hpa_status *hpa_status(const struct hpa *h);
/* Rewrites spec.minReplicas/maxReplicas, as a CronHPA does to an HPA it
 * targets; the next sync uses them. Callers keep 1 <= min <= max. */
void hpa_set_bounds(struct hpa *h, int32_t min, int32_t max);
/* Replaces the spec as an edit of the HPA object does (it must have passed
 * hpa_validate); recommendations, status and events carry over. */
void hpa_set_spec(struct hpa *h, const struct hpa_spec *spec);
/* The resolved spec: defaults applied (min 1, cpu 80 %, behavior rules). */
const struct hpa_spec *hpa_spec(const struct hpa *h);
/* The metrics a spec syncs on, as defaulted: cpu at 80 % when it names none. */
const struct hpa_metric_spec *hpa_spec_metrics(const struct hpa_spec *spec, size_t *n);
/* Events, oldest first, deduplicated as the event recorder does. */
size_t hpa_events(const struct hpa *h, const struct hpa_event **events);
/* The events the last sync emitted, in order, before aggregation: indices
 * into hpa_events' list. */
size_t hpa_sync_events(const struct hpa *h, const uint8_t **index);
/* kube-controller-manager restarted: the recommendations and scale events
 * it kept in memory are gone; the HPA object (status) stays. */
void hpa_restart(struct hpa *h);

const char *hpa_cond_type_name(enum hpa_cond_type t);
const char *hpa_cond_status_name(enum hpa_cond_status s);
/* A metric source type in the API's words, by enum hpa_metric_type: its
 * name ("ContainerResource") and the key of its source ("containerResource"). */
extern const char *const hpa_metric_type_names[5], *const hpa_metric_source_keys[5];

/* behavior's selectPolicy and a policy's type in the API's words; a value
 * it does not support fails with the API server's message. */
enum pp_status hpa_select_parse(const char *s, enum hpa_select *out, struct pp_error *err);
enum pp_status hpa_policy_type_parse(const char *s, enum hpa_policy_type *out,
                                     struct pp_error *err);

/* Upstream's metric description: "cpu resource utilization (percentage of
 * request)", "pods metric X", "Deployment metric Y", "external metric Z(nil)". */
void hpa_metric_name(const struct hpa_metric_spec *m, char *buf, size_t size);

/* Quantity.String() of a milli value in DecimalSI: 2m, 0, 50, 1500m, 2k. */
void hpa_quantity(int64_t milli, char *buf, size_t size);

#endif
