/* Knative's KPA as a scaler: the autoscaler and the PodAutoscaler
 * reconciler of one revision (engine/kpa_service), fed every second. */
#include "engine/kpa_service.h"
#include "engine/scaler.h"

#include <stdio.h>

static enum pp_status create(const struct scaler_args *a, void **st, struct pp_error *err) {
    (void)err;
    const struct kpa_config *c = &a->cfg->kpa;
    *st = kpa_service_create(c, a->start);
    a->view->metric = c->metric == KPA_METRIC_RPS ? "rps" : "concurrency";
    a->view->target = c->target_value;
    a->view->panic_threshold = c->panic_threshold;
    a->view->desired = c->deployment_replicas;
    return PP_OK;
}

static void destroy(void *st) { kpa_service_destroy(st); }

static unsigned needs(const void *st, pp_time now) {
    (void)st;
    (void)now;
    return NEED_KPA_STATS;
}

static void step(void *st, pp_time now, const struct loop_obs *o, int32_t replicas,
                 struct loop_view *w, const struct scaler_sink *sink, struct scaler_out *out) {
    (void)replicas;
    struct kpa_service_view v = {0};
    kpa_service_step(st, now, &o->pods, o->ready, &o->activator, &v);
    if (v.decided) {
        if (v.scale.panic_mode != w->panic_mode && v.scale.valid)
            sink->event(sink->ctx, false, v.scale.panic_mode ? "Panicking" : "Unpanicking",
                        v.scale.panic_mode ? "PANICKING." : "Un-panicking.");
        w->target = kpa_service_config(st)->target_value;
        w->stable = v.scale.stable;
        w->panic = v.scale.panic;
        w->panic_mode = v.scale.valid ? v.scale.panic_mode : w->panic_mode;
        w->recommended = v.desired; /* the autoscaler's, before min/max-scale */
        kpa_limits_text(v.scale.limits, w->reason, sizeof(w->reason));
        if (!w->reason[0])
            snprintf(w->reason, sizeof(w->reason), "%s", pa_why_text(v.why));
    }
    w->desired = v.want >= 0 ? v.want : v.replicas; /* the PA's, after the bounds */
    *out = (struct scaler_out){.decided = v.decided,
                               .scale = true,
                               .replicas = v.replicas,
                               .route = v.activator_in_path ? 1 : -1};
}

static void reconfigure(void *st, const struct override_config *oc, struct loop_view *w) {
    kpa_service_reconfigure(st, &oc->kpa);
    w->target = oc->kpa.target_value;
    w->panic_threshold = oc->kpa.panic_threshold;
}

const struct scaler_ops scaler_kpa = {
    .name = "kpa",
    .inputs = NEED_KPA_STATS,
    .caps = SCALER_TARGET,
    .create = create,
    .destroy = destroy,
    .needs = needs,
    .step = step,
    .reconfigure = reconfigure,
};
