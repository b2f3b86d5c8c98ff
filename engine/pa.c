#include "engine/pa.h"

#include <math.h>
#include <string.h>

void pa_init(struct pa_state *pa, const struct kpa_config *cfg, pp_time now) {
    memset(pa, 0, sizeof(*pa));
    pa->active = PA_ACTIVE_UNKNOWN;
    pa->reason = PA_REASON_QUEUED;
    pa->active_since = now;
    pa->sks_mode = SKS_MODE_PROXY;
    pa->activator_in_path = true;
    pa->in_path_since = now;
    pa->num_activators = 2;
    pa->replicas = cfg->deployment_replicas;
    pa->want = -1;
}

/* knative.dev/pkg SetCondition: the transition time moves whenever status or
 * reason changes. */
static void set_active(struct pa_state *pa, enum pa_active a, enum pa_reason r, pp_time now) {
    if (pa->active != a || pa->reason != r) {
        pa->active = a;
        pa->reason = r;
        pa->active_since = now;
    }
}

static int32_t apply_bounds(int32_t min, int32_t max, int32_t x, enum pa_why *why) {
    if (x < min) {
        *why = PA_WHY_MIN_SCALE;
        return min;
    }
    if (max != 0 && x > max) {
        *why = PA_WHY_MAX_SCALE;
        return max;
    }
    return x;
}

struct scaled {
    int32_t want;
    bool apply;
};

/* scaler.go handleScaleToZero, for a desired scale of 0. */
static struct scaled to_zero(struct pa_state *pa, const struct kpa_config *cfg, pp_time now) {
    if (!cfg->enable_scale_to_zero) {
        pa->why = PA_WHY_SCALE_TO_ZERO_OFF;
        return (struct scaled){1, true};
    }
    const pp_time since = now - pa->active_since;
    switch (pa->active) {
    case PA_ACTIVE_UNKNOWN:
        if (since > cfg->activation_timeout) {
            pa->why = PA_WHY_ACTIVATION_TIMEOUT;
            return (struct scaled){0, true};
        }
        pa->why = PA_WHY_ACTIVATING;
        return (struct scaled){-1, false};
    case PA_ACTIVE_TRUE:
        if (since >= PP_SEC(cfg->stable_window_s)) {
            pa->why = PA_WHY_DEACTIVATING;
            return (struct scaled){0, false};
        }
        pa->why = PA_WHY_STABLE_WINDOW;
        return (struct scaled){1, true};
    case PA_ACTIVE_FALSE:
        break;
    }
    /* Inactive: the activator must answer for the revision (skipped with
     * TBC -1, where it is always in the path). */
    if (cfg->target_burst_capacity != -1 && !pa->activator_in_path) {
        pa->why = PA_WHY_ACTIVATOR_PROBE;
        return (struct scaled){0, false};
    }
    const pp_time retention = cfg->pod_retention;
    const pp_time longest =
        retention > cfg->scale_to_zero_grace ? retention : cfg->scale_to_zero_grace;
    if (since >= longest)
        return (struct scaled){0, true};
    if (retention > 0 && since < retention) {
        pa->why = PA_WHY_POD_RETENTION;
        return (struct scaled){0, false};
    }
    const pp_time proxy_for = pa->activator_in_path ? now - pa->in_path_since : 0;
    if (cfg->scale_to_zero_grace - proxy_for <= 0)
        return (struct scaled){0, true};
    pa->why = PA_WHY_GRACE_PERIOD;
    return (struct scaled){0, false};
}

/* scaler.go scale(): returns want; applies it to the Deployment. */
static int32_t scale(struct pa_state *pa, const struct kpa_config *cfg, int32_t desired,
                     pp_time now) {
    pa->why = PA_WHY_NONE;
    if (desired < 0 && pa->active != PA_ACTIVE_UNKNOWN) {
        pa->why = PA_WHY_UNKNOWN;
        return desired;
    }
    int32_t min = cfg->min_scale;
    if (cfg->initial_scale > 1 && !pa->scale_target_initialized && cfg->reachable &&
        cfg->initial_scale > min)
        min = cfg->initial_scale;
    int32_t want = apply_bounds(min, cfg->max_scale, desired, &pa->why);
    struct scaled s = {want, true};
    if (want == 0)
        s = to_zero(pa, cfg, now);
    if (s.apply)
        pa->replicas = s.want;
    return s.want;
}

/* kpa.go computeNumActivators. */
static int32_t num_activators(const struct kpa_config *cfg, int32_t ready) {
    if (cfg->target_burst_capacity == 0)
        return 2;
    double cover = (double)ready * cfg->total_value;
    if (cfg->target_burst_capacity > 0)
        cover += cfg->target_burst_capacity;
    return (int32_t)fmax(2, ceil(cover / cfg->activator_capacity));
}

/* kpa.go activeThreshold. */
static int32_t min_ready(const struct pa_state *pa, const struct kpa_config *cfg) {
    int32_t floor = pa->scale_target_initialized ? 1 : cfg->initial_scale;
    return cfg->min_scale > floor ? cfg->min_scale : floor;
}

/* kpa.go computeActiveCondition. */
static void compute_active(struct pa_state *pa, const struct kpa_config *cfg, int32_t want,
                           int32_t ready, pp_time now) {
    const int32_t need = min_ready(pa, cfg);
    if (ready >= need)
        pa->scale_target_initialized = true;
    const bool inactive = pa->active == PA_ACTIVE_FALSE;
    if (want == 0 || need == 0) {
        bool timed_out = pa->active == PA_ACTIVE_UNKNOWN && need > 0;
        set_active(pa, PA_ACTIVE_FALSE, timed_out ? PA_REASON_TIMED_OUT : PA_REASON_NO_TRAFFIC,
                   now);
    } else if (ready < need) {
        if (want > 0 || !inactive)
            set_active(pa, PA_ACTIVE_UNKNOWN, PA_REASON_QUEUED, now);
        else
            set_active(pa, PA_ACTIVE_FALSE, PA_REASON_NO_TRAFFIC, now);
    } else if (want > 0 || !inactive) {
        set_active(pa, PA_ACTIVE_TRUE, PA_REASON_NONE, now);
    }
}

/* The SKS reconciler's status: the activator endpoints are populated when
 * the PA asks for Proxy or no pod is ready. */
static void sks_status(struct pa_state *pa, int32_t ready, pp_time now) {
    bool in_path = pa->sks_mode == SKS_MODE_PROXY || ready == 0;
    if (in_path != pa->activator_in_path) {
        pa->activator_in_path = in_path;
        pa->in_path_since = now;
    }
}

static void reconcile_once(struct pa_state *pa, const struct kpa_config *cfg, int32_t desired,
                           int32_t ebc, int32_t ready, pp_time now) {
    const int32_t want = scale(pa, cfg, desired, now);
    pa->want = want;
    pa->sks_mode = want > 0 && ebc >= 0 ? SKS_MODE_SERVE : SKS_MODE_PROXY;
    pa->num_activators = num_activators(cfg, ready);
    compute_active(pa, cfg, want, ready, now);
    sks_status(pa, ready, now);
}

static bool same(const struct pa_state *a, const struct pa_state *b) {
    return a->active == b->active && a->reason == b->reason && a->active_since == b->active_since &&
           a->scale_target_initialized == b->scale_target_initialized &&
           a->sks_mode == b->sks_mode && a->activator_in_path == b->activator_in_path &&
           a->in_path_since == b->in_path_since && a->num_activators == b->num_activators &&
           a->replicas == b->replicas && a->want == b->want;
}

void pa_reconcile(struct pa_state *pa, const struct kpa_config *cfg, int32_t desired, int32_t ebc,
                  int32_t ready, pp_time now) {
    for (int pass = 0; pass < 10; pass++) {
        struct pa_state before = *pa;
        reconcile_once(pa, cfg, desired, ebc, ready, now);
        if (same(&before, pa))
            break;
    }
}

const char *pa_active_name(enum pa_active a) {
    switch (a) {
    case PA_ACTIVE_TRUE:
        return "True";
    case PA_ACTIVE_FALSE:
        return "False";
    case PA_ACTIVE_UNKNOWN:
        break;
    }
    return "Unknown";
}

const char *pa_why_text(enum pa_why why) {
    static const char *const text[] = {
        [PA_WHY_NONE] = "",
        [PA_WHY_UNKNOWN] = "no decision yet",
        [PA_WHY_MIN_SCALE] = "min-scale",
        [PA_WHY_MAX_SCALE] = "max-scale",
        [PA_WHY_SCALE_TO_ZERO_OFF] = "enable-scale-to-zero is false",
        [PA_WHY_ACTIVATING] = "activating",
        [PA_WHY_ACTIVATION_TIMEOUT] = "activation timed out",
        [PA_WHY_STABLE_WINDOW] = "one pod until active for a stable window",
        [PA_WHY_DEACTIVATING] = "deactivating: activator into the path",
        [PA_WHY_POD_RETENTION] = "scale-to-zero-pod-retention-period",
        [PA_WHY_GRACE_PERIOD] = "scale-to-zero-grace-period",
        [PA_WHY_ACTIVATOR_PROBE] = "waiting for the activator",
    };
    return why < sizeof(text) / sizeof(text[0]) ? text[why] : "";
}
