/* The Knative PodAutoscaler reconciler for one revision: min/max/initial
 * bounds, the scale-to-zero state machine, the SKS mode (activator in or out
 * of the request path), the number of activators and the Active condition. */
#ifndef PODPILOT_PA_H
#define PODPILOT_PA_H

#include "engine/common.h"
#include "engine/kpa_config.h"

enum pa_active { PA_ACTIVE_UNKNOWN, PA_ACTIVE_TRUE, PA_ACTIVE_FALSE };
enum pa_reason { PA_REASON_NONE, PA_REASON_QUEUED, PA_REASON_NO_TRAFFIC, PA_REASON_TIMED_OUT };
enum sks_mode { SKS_MODE_SERVE, SKS_MODE_PROXY };

/* Why the last reconcile applied, or held back, what it did. */
enum pa_why {
    PA_WHY_NONE,
    PA_WHY_UNKNOWN,           /* no decision yet */
    PA_WHY_MIN_SCALE,         /* raised to min-scale (or initial-scale) */
    PA_WHY_MAX_SCALE,         /* cut to max-scale */
    PA_WHY_SCALE_TO_ZERO_OFF, /* enable-scale-to-zero: false keeps one pod */
    PA_WHY_ACTIVATING,        /* waiting for the first pods */
    PA_WHY_ACTIVATION_TIMEOUT,
    PA_WHY_STABLE_WINDOW,   /* one pod until active for a stable window */
    PA_WHY_DEACTIVATING,    /* going inactive, activator into the path */
    PA_WHY_POD_RETENTION,   /* scale-to-zero-pod-retention-period */
    PA_WHY_GRACE_PERIOD,    /* activator in path shorter than the grace period */
    PA_WHY_ACTIVATOR_PROBE, /* activator not yet in the path */
};

struct pa_state {
    enum pa_active active;
    enum pa_reason reason;
    pp_time active_since; /* LastTransitionTime of Active */
    bool scale_target_initialized;
    enum sks_mode sks_mode; /* what the PA asked the SKS for */
    bool activator_in_path; /* SKS ActivatorEndpointsPopulated */
    pp_time in_path_since;
    int32_t num_activators;
    int32_t replicas; /* Deployment spec.replicas */
    int32_t want;     /* what scaler.scale returned last */
    enum pa_why why;
};

/* State at creation: Deployment at its initial replicas, PA activating,
 * activator in the path. */
void pa_init(struct pa_state *pa, const struct kpa_config *cfg, pp_time now);

/* Reconciles until nothing changes, as the controller's immediate re-enqueues
 * and timers do at 1 s resolution. desired and ebc are the decider status. */
void pa_reconcile(struct pa_state *pa, const struct kpa_config *cfg, int32_t desired, int32_t ebc,
                  int32_t ready, pp_time now);

const char *pa_active_name(enum pa_active a);
const char *pa_why_text(enum pa_why why);

#endif
