/* A CronHorizontalPodAutoscaler as a scaler: its jobs fire on their
 * schedules. In front of an HPA it moves the HPA's bounds and scales as
 * upstream's controller does (cron_scale_hpa); alone it scales the
 * Deployment to each job's target. */
#include "engine/scaler.h"
#include "engine/tz.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cron_scaler {
    const struct svc_config *cfg;
    const struct scaler_ref *below;
    struct cron *cron;
    struct cron_job_spec jobs[SVC_MAX_JOBS];
    struct tz *utc;
};

static enum pp_status create(const struct scaler_args *a, void **st, struct pp_error *err) {
    const struct svc_config *c = a->cfg;
    struct cron_scaler *s = xcalloc(1, sizeof(*s));
    s->cfg = c;
    s->below = a->below;
    memcpy(s->jobs, c->cron.jobs, sizeof(s->jobs));
    struct cron_spec spec = c->cron.spec;
    spec.jobs = s->jobs;
    spec.exclude_dates = c->cron.excludes;
    if (cron_validate(&spec, err) != PP_OK) {
        free(s);
        return PP_ERR_INVALID;
    }
    const struct tz *zone = c->cron_tz;
    if (!zone)
        zone = s->utc = tz_utc();
    s->cron = cron_create(&spec, zone, CRON_EXCLUDE_UPSTREAM, a->start / PP_NS_PER_SEC);
    if (!a->below) { /* a schedule has no target until a job fires */
        a->view->metric = "schedule";
        a->view->target = NAN;
    }
    *st = s;
    return PP_OK;
}

static void destroy(void *st) {
    struct cron_scaler *s = st;
    if (!s)
        return;
    cron_destroy(s->cron);
    tz_destroy(s->utc);
    free(s);
}

static unsigned needs(const void *st, pp_time now) {
    (void)st;
    (void)now;
    return 0;
}

/* Upstream's HPA interplay: the job's target moves the HPA's bounds, and
 * the scale only where the HPA's range no longer holds it. */
static int32_t scale_hpa(struct cron_scaler *s, int32_t target, int32_t replicas, char *result,
                         size_t size) {
    const struct scaler_ref *b = s->below;
    int32_t lo, hi;
    b->ops->bounds(b->st, &lo, &hi);
    const struct cron_hpa_in in = {
        .target_size = target,
        .hpa_min = lo,
        .hpa_max = hi,
        .hpa_current = replicas,
        .scale_replicas = replicas,
        .hpa_name = s->cfg->scaler_name,
        .hpa_namespace = s->cfg->namespace_,
    };
    struct cron_hpa_out out;
    cron_scale_hpa(&in, &out);
    if (out.hpa_updated)
        b->ops->set_bounds(b->st, out.hpa_min, out.hpa_max);
    snprintf(result, size, "%s", out.message);
    return out.target_scaled ? out.replicas : replicas;
}

/* One fire per step; out->again asks for the next one at the same instant. */
static void step(void *st, pp_time now, const struct loop_obs *o, int32_t replicas,
                 struct loop_view *w, const struct scaler_sink *sink, struct scaler_out *out) {
    (void)o;
    struct cron_scaler *s = st;
    *out = (struct scaler_out){0};
    struct cron_fire f;
    if (!cron_take(s->cron, now / PP_NS_PER_SEC, &f))
        return;
    out->again = true;
    char msg[320];
    if (f.result != CRON_SCALED) {
        snprintf(msg, sizeof(msg), "%s", cron_job_message(s->cron, f.job));
        sink->event(sink->ctx, false, "Skipped", msg);
        return;
    }
    const struct cron_job_spec *job = &s->jobs[f.job];
    const bool hpa = s->below && s->below->ops->bounds;
    char result[256];
    int32_t want = f.target_size;
    if (hpa) {
        want = scale_hpa(s, f.target_size, replicas, result, sizeof(result));
    } else {
        snprintf(result, sizeof(result), "current replicas:%d, desired replicas:%d.", replicas,
                 f.target_size);
        w->metric = "schedule";
        w->target = f.target_size;
        w->recommended = f.target_size;
        w->desired = f.target_size;
        snprintf(w->reason, sizeof(w->reason), "job %s", job->name);
    }
    cron_status_message(job->name, result, msg, sizeof(msg));
    sink->event(sink->ctx, false, "Succeed", msg);
    out->scale = true;
    out->replicas = want;
    out->decided = !hpa;
}

const struct scaler_ops scaler_cron = {
    .name = "cron",
    .create = create,
    .destroy = destroy,
    .needs = needs,
    .step = step,
};
