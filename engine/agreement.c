#include "engine/agreement.h"

#include <math.h>
#include <stdio.h>

pp_time agreement_warmup(const struct svc_config *c) {
    if (c->cls == SVC_KPA)
        return PP_SEC(c->kpa.stable_window_s);
    if (c->cls == SVC_CRON)
        return 0; /* a schedule remembers nothing */
    const struct hpa_spec *h = &c->hpa;
    int32_t s = 300;
    if (h->behavior_set && h->down.window_set)
        s = h->down.window_s;
    if (h->behavior_set && h->up.window_set && h->up.window_s > s)
        s = h->up.window_s;
    return PP_SEC(s);
}

static const struct hpa_condition *inactive(const struct loop_view *v) {
    for (size_t i = 0; v->hpa && i < v->hpa->n_conditions; i++)
        if (v->hpa->conditions[i].type == HPA_SCALING_ACTIVE &&
            v->hpa->conditions[i].status == HPA_COND_FALSE)
            return &v->hpa->conditions[i];
    return NULL;
}

/* Knative's autoscaler: its windows, its scraper, its activator. */
static void kpa_reason(const struct loop_view *v, const struct loop_obs *o, pp_time window,
                       pp_time watched, pp_time lasted, char *out, size_t size) {
    if (watched < window)
        snprintf(out, size,
                 "warming up: upstream's %llds stable window holds stats from before podpilot "
                 "watched (%llds so far)",
                 (long long)(window / PP_NS_PER_SEC), (long long)(watched / PP_NS_PER_SEC));
    else if (o->scrape_error)
        snprintf(out, size,
                 "podpilot could not scrape the pods' stats (%s); the cluster's autoscaler may "
                 "have",
                 o->scrape_error);
    else if (v->desired < v->cluster)
        snprintf(out, size,
                 "the activator's load: requests it holds count in the cluster's autoscaler "
                 "and cannot be seen from outside the cluster");
    else if (lasted < PP_SEC(2))
        snprintf(out, size,
                 "within one decision: Knative's autoscaler decides every 2 s, at a phase "
                 "podpilot cannot see");
    else
        snprintf(out, size,
                 "not explained by what podpilot sees: its scraper samples other pods, or "
                 "compare kubectl get podautoscaler with podpilot's (d)");
}

void agreement_reason(const struct loop_view *v, const struct svc_config *c,
                      const struct loop_obs *o, pp_time watched, pp_time lasted, char *out,
                      size_t size) {
    out[0] = '\0';
    if (v->cluster < 0 || v->cluster == v->desired)
        return;
    const pp_time window = agreement_warmup(c);
    if (c->cls == SVC_KPA) {
        kpa_reason(v, o, window, watched, lasted, out, size);
        return;
    }
    if (c->cls == SVC_CRON) {
        if (lasted < PP_SEC(2))
            snprintf(out, size,
                     "within a second of a job's time: the cluster's CronHPA fires on "
                     "its own clock");
        else
            snprintf(out, size,
                     "the CronHPA only scales when a job fires: the Deployment's replicas were "
                     "set since by someone else, or its job did not fire in the cluster");
        return;
    }
    const double cluster_metric = o->cluster_metric;
    const struct hpa_condition *off = inactive(v);
    const double tolerance = 0.1; /* the controller's default, either way */
    if (watched < window) {
        snprintf(out, size,
                 "warming up: upstream's %llds stabilization window holds recommendations from "
                 "before podpilot watched (%llds so far)",
                 (long long)(window / PP_NS_PER_SEC), (long long)(watched / PP_NS_PER_SEC));
    } else if (off) {
        snprintf(out, size,
                 "podpilot could not read a metric (ScalingActive False %s); the cluster's HPA "
                 "may have",
                 off->reason);
    } else if (isfinite(cluster_metric) && isfinite(v->stable) &&
               fabs(cluster_metric - v->stable) > tolerance * fmax(fabs(v->stable), 1e-9)) {
        snprintf(out, size,
                 "the cluster's HPA read %s %g (status.currentMetrics), podpilot %g: the cluster's "
                 "figure is stale or another sample",
                 v->metric ? v->metric : "its metric", cluster_metric, v->stable);
    } else if (lasted < PP_SEC(15)) {
        snprintf(out, size,
                 "within one sync: the cluster's HPA syncs every 15 s, at a phase podpilot "
                 "cannot see");
    } else {
        snprintf(out, size,
                 "not explained by what podpilot sees: compare kubectl describe hpa with "
                 "podpilot's (d)");
    }
}
