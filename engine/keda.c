#include "engine/keda.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void keda_spec_defaults(struct keda_spec *s) {
    *s = (struct keda_spec){.polling_s = 30, .cooldown_s = 300, .max = 100};
}

static bool external(const struct keda_trigger *t) { return t->kind == KEDA_TRIGGER_EXTERNAL; }

static const char *trigger_label(const struct keda_trigger *t) {
    return t->name && t->name[0] ? t->name : t->type;
}

/* GetHPAMinReplicas: a minReplicaCount of 0 still gives the HPA 1. */
static int32_t hpa_min(const struct keda_spec *s) { return s->min_set && s->min > 0 ? s->min : 1; }
static int32_t hpa_max(const struct keda_spec *s) { return s->max_set ? s->max : 100; }

static enum pp_status check_triggers(const struct keda_spec *s, struct pp_error *err) {
    if (s->n_triggers == 0)
        return pp_fail(err, PP_ERR_INVALID, "spec.triggers",
                       "no triggers defined in the ScaledObject/ScaledJob");
    for (size_t i = 0; i < s->n_triggers; i++) {
        const struct keda_trigger *t = &s->triggers[i];
        char field[80];
        snprintf(field, sizeof(field), "spec.triggers[%zu].metricType", i);
        if (external(t) && t->metric_type == HPA_TARGET_UTILIZATION)
            return pp_fail(err, PP_ERR_INVALID, field,
                           "'Utilization' metric type is unsupported for external metrics, "
                           "allowed values are 'Value' or 'AverageValue'");
        if (!external(t) && t->metric_type == HPA_TARGET_VALUE)
            return pp_fail(err, PP_ERR_INVALID, field,
                           "'Value' metric type is unsupported for the %s scaler, allowed values "
                           "are 'Utilization' or 'AverageValue'",
                           t->type);
        if (!(t->threshold > 0) || !isfinite(t->threshold) || !isfinite(t->activation)) {
            snprintf(field, sizeof(field), "spec.triggers[%zu].metadata.%s", i,
                     external(t) ? (isfinite(t->activation) ? "threshold" : "activationThreshold")
                                 : "value");
            return pp_fail(err, PP_ERR_INVALID, field, "must be a number greater than 0");
        }
    }
    return PP_OK;
}

/* CheckReplicaCountBoundsAreValid: an unset minReplicaCount counts as 0,
 * a set one as the HPA's minimum. */
static enum pp_status check_bounds(const struct keda_spec *s, struct pp_error *err) {
    const int32_t min = s->min_set ? hpa_min(s) : 0, max = hpa_max(s);
    if (s->min_set && s->min < 0)
        return pp_fail(err, PP_ERR_INVALID, "spec.minReplicaCount",
                       "should be greater than or equal to 0");
    if (max < 1)
        return pp_fail(err, PP_ERR_INVALID, "spec.maxReplicaCount",
                       "should be greater than or equal to 1");
    if (min > max)
        return pp_fail(err, PP_ERR_INVALID, "spec.minReplicaCount",
                       "MinReplicaCount=%d must be less than MaxReplicaCount=%d", min, max);
    if (s->idle_set && s->idle >= min)
        return pp_fail(err, PP_ERR_INVALID, "spec.idleReplicaCount",
                       "IdleReplicaCount=%d must be less than MinReplicaCount=%d", s->idle, min);
    if (s->idle_set && s->idle < 0)
        return pp_fail(err, PP_ERR_INVALID, "spec.idleReplicaCount",
                       "should be greater than or equal to 0");
    return PP_OK;
}

static enum pp_status check_fallback(const struct keda_spec *s, struct pp_error *err) {
    if (!s->fallback_set)
        return PP_OK;
    if (s->failure_threshold < 0 || s->fallback_replicas < 0)
        return pp_fail(err, PP_ERR_INVALID, "spec.fallback",
                       "FailureThreshold=%d & Replicas=%d must both be greater than or equal to 0",
                       s->failure_threshold, s->fallback_replicas);
    for (size_t i = 0; i < s->n_triggers; i++)
        if (external(&s->triggers[i]))
            return PP_OK;
    return pp_fail(err, PP_ERR_INVALID, "spec.fallback",
                   "at least one trigger that is not cpu or memory is needed to use fallback");
}

enum pp_status keda_validate(const struct keda_spec *s, struct pp_error *err) {
    if (s->polling_s < 1)
        return pp_fail(err, PP_ERR_INVALID, "spec.pollingInterval",
                       "must be at least 1 second, got %d", s->polling_s);
    if (s->cooldown_s < 0 || s->initial_cooldown_s < 0)
        return pp_fail(err, PP_ERR_INVALID,
                       s->cooldown_s < 0 ? "spec.cooldownPeriod" : "spec.initialCooldownPeriod",
                       "should be greater than or equal to 0");
    if (s->paused_replicas_set && s->paused_replicas < 0)
        return pp_fail(err, PP_ERR_INVALID,
                       "metadata.annotations.autoscaling.keda.sh/paused-replicas",
                       "must be a replica count of 0 or more, got %d", s->paused_replicas);
    if (check_triggers(s, err) != PP_OK || check_bounds(s, err) != PP_OK)
        return PP_ERR_INVALID;
    return check_fallback(s, err);
}

/* ---- the generated HPA ---- */

static void metric_of(const struct keda_trigger *t, const char *selector,
                      struct hpa_metric_spec *m) {
    if (external(t)) {
        /* GetMetricTargetMili: the threshold as a milli-quantity */
        *m = (struct hpa_metric_spec){.type = HPA_EXTERNAL,
                                      .name = t->metric,
                                      .selector = selector,
                                      .target = t->metric_type,
                                      .milli = (int64_t)(t->threshold * 1000)};
        return;
    }
    *m =
        (struct hpa_metric_spec){.type = HPA_RESOURCE, .name = t->metric, .target = t->metric_type};
    if (t->metric_type == HPA_TARGET_UTILIZATION)
        m->utilization = (int32_t)t->threshold;
    else
        m->milli = (int64_t)(t->threshold * 1000);
}

size_t keda_hpa_metric_index(const struct keda_spec *s, size_t trigger) {
    /* sorted by type: "External" before "Resource"; a sort this small is
     * an insertion sort in Go, so each group keeps trigger order */
    const bool ext = external(&s->triggers[trigger]);
    size_t k = 0;
    for (size_t i = 0; i < s->n_triggers; i++) {
        const bool e = external(&s->triggers[i]);
        if ((e == ext && i < trigger) || (e && !ext))
            k++;
    }
    return k;
}

static void disable(struct hpa_rules *r) {
    r->set = true;
    r->select_set = true;
    r->select = HPA_SELECT_DISABLED;
}

void keda_hpa_spec(struct keda_spec *s, const char *selector, struct hpa_spec *out) {
    out->min_set = true;
    out->min_replicas = hpa_min(s);
    out->max_replicas = hpa_max(s);
    out->n_metrics = s->n_triggers;
    for (size_t i = 0; i < s->n_triggers; i++) {
        struct keda_trigger *t = &s->triggers[i];
        if (external(t))
            snprintf(t->metric, sizeof(t->metric), "s%zu-%s", i, t->type);
        else
            snprintf(t->metric, sizeof(t->metric), "%s", t->type);
        metric_of(t, selector, &out->metrics[keda_hpa_metric_index(s, i)]);
    }
    out->behavior_set = s->behavior_set || s->paused_scale_in || s->paused_scale_out;
    out->up = s->up;
    out->down = s->down;
    if (s->paused_scale_in)
        disable(&out->down);
    if (s->paused_scale_out)
        disable(&out->up);
}

/* ---- the scale loop ---- */

void keda_state_init(struct keda_state *st, pp_time created) {
    *st = (struct keda_state){.created = created, .phase = KEDA_PHASE_ACTIVE};
    for (size_t i = 0; i < KEDA_MAX_TRIGGERS; i++)
        st->values[i] = NAN;
    st->ready = (struct keda_condition){KEDA_UNKNOWN, "", ""};
    st->activity = st->fallback = st->paused = st->ready;
}

static void set(struct keda_condition *c, enum keda_cond_status status, const char *reason,
                const char *message) {
    *c = (struct keda_condition){status, reason, message};
}

static void event(struct keda_poll_out *out, bool warning, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void event(struct keda_poll_out *out, bool warning, const char *reason, const char *fmt,
                  ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->event, sizeof(out->event), fmt, ap);
    va_end(ap);
    out->warning = warning;
    out->event_reason = reason;
}

static void scale_to(struct keda_poll_out *out, int32_t replicas) {
    out->scale = true;
    out->replicas = replicas;
}

/* scaleFromZeroOrIdle */
static void activate(const struct keda_spec *s, struct keda_state *st, pp_time now,
                     int32_t replicas, const char *target, struct keda_poll_out *out) {
    if (s->paused_scale_out)
        return;
    const int32_t want = s->min_set && s->min > 0 ? s->min : 1;
    scale_to(out, want);
    char by[160] = "";
    size_t n = 0;
    for (size_t i = 0; i < s->n_triggers && n < sizeof(by); i++)
        if (st->active[i])
            n += (size_t)snprintf(by + n, sizeof(by) - n, "%s%s", n ? ";" : "",
                                  trigger_label(&s->triggers[i]));
    if (s->force_activation)
        event(out, false, "KEDAScaleTargetActivated",
              "Scaled apps/v1.Deployment %s from %d to %d, caused by forced activation annotation",
              target, replicas, want);
    else
        event(out, false, "KEDAScaleTargetActivated",
              "Scaled apps/v1.Deployment %s from %d to %d, triggered by %s", target, replicas, want,
              by);
    st->has_last_active = true;
    st->last_active = now;
}

/* scaleToZeroOrIdle: only once cooldownPeriod has passed since the last
 * activity (initialCooldownPeriod since creation when never active). */
static void deactivate(const struct keda_spec *s, struct keda_state *st, pp_time now,
                       int32_t replicas, const char *target, struct keda_poll_out *out) {
    if (s->paused_scale_in) {
        st->phase = KEDA_PHASE_INACTIVE;
        return;
    }
    if (keda_cooldown_left(s, st, now) >= 0) {
        set(&st->activity, KEDA_FALSE, "ScalerCooldown",
            "Scaler cooling down because triggers are not active");
        st->phase = KEDA_PHASE_COOLDOWN;
        return;
    }
    const int32_t want = s->idle_set ? s->idle : s->min_set ? s->min : 0;
    scale_to(out, want);
    event(out, false, "KEDAScaleTargetDeactivated",
          "Deactivated apps/v1.Deployment %s from %d to %d", target, replicas, want);
    st->phase = KEDA_PHASE_IDLE;
}

/* handlePaused: paused-replicas sets the target once, then both freeze. */
static void paused(const struct keda_spec *s, struct keda_state *st, int32_t replicas,
                   struct keda_poll_out *out) {
    set(&st->paused, KEDA_TRUE, "ScaledObjectPaused", "ScaledObject is paused");
    st->phase = KEDA_PHASE_PAUSED;
    if (s->paused_replicas_set && !st->paused_applied) {
        st->paused_applied = true;
        if (replicas != s->paused_replicas) {
            scale_to(out, s->paused_replicas);
            event(out, false, "KEDAScalersStopped",
                  "Stopped scalers watch; scaled the target to paused-replicas %d",
                  s->paused_replicas);
        }
    }
}

void keda_poll(const struct keda_spec *s, struct keda_state *st, pp_time now, const double *values,
               int32_t replicas, const char *target, struct keda_poll_out *out) {
    *out = (struct keda_poll_out){0};
    if (s->paused || s->paused_replicas_set) {
        paused(s, st, replicas, out);
        return;
    }
    bool active = false, error = false;
    size_t cpu_mem = 0;
    for (size_t i = 0; i < s->n_triggers; i++) {
        st->active[i] = false;
        if (!external(&s->triggers[i])) {
            cpu_mem++;
            continue;
        }
        st->values[i] = values[i];
        if (isnan(values[i]))
            error = true;
        else if (values[i] > s->triggers[i].activation)
            active = st->active[i] = true;
    }
    /* cpu and memory alone cannot scale to zero: always active */
    if (s->n_triggers <= cpu_mem && !error)
        active = true;
    const int32_t min = s->min_set ? s->min : 0;
    set(&st->ready, KEDA_TRUE, "ScaledObjectReady",
        "ScaledObject is defined correctly and is ready for scaling");
    if (active || s->force_activation) {
        set(&st->activity, KEDA_TRUE, "ScalerActive",
            s->force_activation && !active
                ? "Scaling is performed because activation is being forced by annotation"
                : "Scaling is performed because triggers are active");
        st->phase = KEDA_PHASE_ACTIVE;
        if ((s->idle_set && replicas < min) || replicas == 0)
            activate(s, st, now, replicas, target, out);
        else if (error)
            set(&st->ready, KEDA_UNKNOWN, "PartialTriggerError",
                "Some triggers defined in ScaledObject are not working correctly");
        else {
            st->has_last_active = true;
            st->last_active = now;
        }
        return;
    }
    set(&st->activity, KEDA_FALSE, "ScalerNotActive",
        "Scaling is not performed because triggers are not active");
    st->phase = replicas == 0 || (s->idle_set && replicas <= s->idle) ? KEDA_PHASE_IDLE
                                                                      : KEDA_PHASE_INACTIVE;
    if (error && s->fallback_set && s->fallback_replicas != 0)
        return; /* the HPA falls back once failureThreshold is passed */
    if (error && !s->fallback_set) {
        set(&st->ready, KEDA_FALSE, "TriggerError",
            "Triggers defined in ScaledObject are not working correctly");
        return;
    }
    if ((s->idle_set && replicas > s->idle) || (replicas > 0 && min == 0))
        deactivate(s, st, now, replicas, target, out);
    else if (!s->idle_set && replicas < min)
        scale_to(out, min);
}

int64_t keda_cooldown_left(const struct keda_spec *s, const struct keda_state *st, pp_time now) {
    const pp_time until = st->has_last_active ? st->last_active + PP_SEC(s->cooldown_s)
                                              : st->created + PP_SEC(s->initial_cooldown_s);
    if (until < now) /* time.Before: strictly past */
        return -1;
    return (int64_t)((until - now + PP_NS_PER_SEC - 1) / PP_NS_PER_SEC);
}

static bool falling_back(const struct keda_spec *s, const struct keda_state *st) {
    for (size_t i = 0; i < s->n_triggers; i++)
        if (external(&s->triggers[i]) && st->failures[i] > s->failure_threshold)
            return true;
    return false;
}

static int32_t fallback_replicas(const struct keda_spec *s, int32_t current) {
    const int32_t r = s->fallback_replicas;
    switch (s->fallback_behavior) {
    case KEDA_FALLBACK_CURRENT:
        return current;
    case KEDA_FALLBACK_IF_HIGHER:
        return current > r ? current : r;
    case KEDA_FALLBACK_IF_LOWER:
        return current < r ? current : r;
    case KEDA_FALLBACK_STATIC:
        break;
    }
    return r;
}

bool keda_fallback(const struct keda_spec *s, struct keda_state *st, size_t trigger, bool failed,
                   int64_t target_milli, int32_t replicas, int32_t ready, int64_t *value_milli) {
    if (trigger >= s->n_triggers || !external(&s->triggers[trigger]))
        return false;
    /* the condition is set from the status as it was before this answer */
    if (s->fallback_set) {
        if (falling_back(s, st))
            set(&st->fallback, KEDA_TRUE, "FallbackExists",
                "At least one trigger is falling back on this scaled object");
        else
            set(&st->fallback, KEDA_FALSE, "NoFallbackFound",
                "No fallbacks are active on this scaled object");
    }
    if (!failed) {
        st->failures[trigger] = 0;
        return false;
    }
    if (st->failures[trigger] < INT32_MAX)
        st->failures[trigger]++;
    if (!s->fallback_set || st->failures[trigger] <= s->failure_threshold)
        return false;
    /* the target in whole units, times 1000 times R */
    const int64_t units = target_milli / 1000;
    const int64_t r = fallback_replicas(s, replicas);
    int64_t v = units * 1000 * r;
    if (s->triggers[trigger].metric_type == HPA_TARGET_VALUE)
        v /= ready > 0 ? ready : 1;
    *value_milli = v;
    return true;
}

const char *keda_phase_name(enum keda_phase p) {
    static const char *const names[] = {
        [KEDA_PHASE_PAUSED] = "paused",     [KEDA_PHASE_IDLE] = "idle",
        [KEDA_PHASE_ACTIVE] = "active",     [KEDA_PHASE_COOLDOWN] = "cooldown",
        [KEDA_PHASE_INACTIVE] = "inactive",
    };
    return (size_t)p < sizeof(names) / sizeof(names[0]) ? names[p] : "?";
}
