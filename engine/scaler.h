/* One kind of autoscaler as the loop drives it: created from a service's
 * config, asked what its next step reads, stepped on one observation into
 * a result, reconfigured for an override. One file per kind (scaler_kpa.c,
 * scaler_hpa.c, scaler_lag.c, scaler_cron.c, scaler_keda.c); scaler_stack() says which run
 * a service, front first. */
#ifndef PODPILOT_SCALER_H
#define PODPILOT_SCALER_H

#include "engine/override.h"
#include "engine/source.h"

/* One service as of the last tick: what the console and the printer read.
 * The scaler writes the figures from metric to hpa (and actual when it
 * places its own pods); the loop writes the rest. */
struct loop_view {
    const char *service; /* namespace/name */
    enum svc_class cls;
    const char
        *metric; /* "concurrency", "rps", "cpu", a metric name, "inference_lag", "schedule" */
    double target;
    double panic_threshold; /* KPA: panic when the panic window reaches this × target × ready */
    double stable, panic;   /* observed values; NaN where the scaler has none */
    bool panic_mode;
    int32_t recommended;          /* what the scaler wants, before rates, windows and bounds */
    int32_t desired;              /* the scaler's decision */
    const struct hpa_status *hpa; /* HPA services: conditions and metrics */
    char reason[200]; /* the rule between recommendation and decision, upstream's words */
    int32_t actual;   /* replicas asked of the cluster (after overrides) */
    int32_t ready;
    double gpu_util; /* mean over ready pods, percent; NaN without GPUs */
    bool pinned, paused;
    int32_t loads_running;
    char override[240];     /* the operator's overrides in force, "" when none */
    char keda[200];         /* KEDA: its phase and each trigger against its threshold */
    int32_t cluster;        /* live: what the cluster's autoscaler decided; -1 otherwise */
    bool warming;           /* live: podpilot has not yet seen a stabilization window of history */
    char disagreement[300]; /* live, cluster != desired: the likeliest reason (engine/agreement) */
};

/* Events a scaler raises go here, at once, in order. */
struct scaler_sink {
    void (*event)(void *ctx, bool warning, const char *reason, const char *message);
    void *ctx;
};

/* What one step did. */
struct scaler_out {
    bool decided; /* a decision line is due: the view's figures are new */
    bool scale;   /* replicas goes to the actuator, through the overrides */
    int32_t replicas;
    bool placed; /* the scaler placed its pods itself: see scaler_ops.placement */
    bool again;  /* another result at this same instant (a second cron fire) */
    int route;   /* KPA: 1 requests through the activator, -1 straight to pods, 0 no say */
    /* a modifier's say over the scalers behind it this step: what they read
     * instead of the source's observation (KEDA's metrics server), or that
     * they do not run at all (a paused ScaledObject has no HPA) */
    const struct loop_obs *below;
    bool hold;
};

/* The scaler behind a modifier (a CronHPA in front of an HPA): the levers
 * the modifier may pull. */
struct scaler_ref {
    const struct scaler_ops *ops;
    void *st;
};

struct scaler_args {
    const struct svc_config *cfg;
    pp_time start;
    const struct scaler_ref *below; /* the next scaler in the stack, or NULL */
    struct loop_view *view;         /* set the initial metric, target and desired */
};

enum scaler_caps {
    SCALER_TARGET = 1u << 0,     /* has a target the operator may override */
    SCALER_NO_PIN = 1u << 1,     /* places its pods itself: a pin is refused (no_pin says why) */
    SCALER_SELF_PAUSE = 1u << 2, /* pauses through its own settings, not by holding replicas */
};

struct scaler_ops {
    const char *name; /* "kpa" */
    unsigned caps;
    unsigned inputs;    /* every source_need its steps may ask */
    const char *no_pin; /* SCALER_NO_PIN: why, after the service's name */
    enum pp_status (*create)(const struct scaler_args *a, void **st, struct pp_error *err);
    void (*destroy)(void *st);
    /* What the step at now reads (enum source_need). */
    unsigned (*needs)(const void *st, pp_time now);
    /* One step at now on obs; `replicas` is what the actuator last asked. */
    void (*step)(void *st, pp_time now, const struct loop_obs *obs, int32_t replicas,
                 struct loop_view *view, const struct scaler_sink *sink, struct scaler_out *out);
    /* Settings rebuilt from the manifest and the overrides. May be NULL. */
    void (*reconfigure)(void *st, const struct override_config *oc, struct loop_view *view);
    /* SCALER_NO_PIN scalers: the pods as placed, slot i ready or not. May be NULL. */
    const uint8_t *(*placement)(const void *st, int32_t *n);
    /* The replica bounds a modifier may move (an HPA's min and max). May be NULL. */
    void (*bounds)(const void *st, int32_t *min, int32_t *max);
    void (*set_bounds)(void *st, int32_t min, int32_t max);
    /* `kubectl describe` of the scaler's object at now. May be NULL. */
    size_t (*describe)(const void *st, pp_time now, char *buf, size_t size);
};

extern const struct scaler_ops scaler_kpa, scaler_hpa, scaler_lag, scaler_cron, scaler_keda;

#define SCALER_STACK_MAX 3

/* The scalers that run a service, front first: modifiers (a CronHPA, a
 * KEDA ScaledObject), then the scaler of its class. Returns how many (0:
 * fixed replicas). */
size_t scaler_stack(const struct svc_config *c, const struct scaler_ops **out);

#endif
