/* CronHorizontalPodAutoscalers (autoscaling.alibabacloud.com): jobs,
 * excludeDates and the target they act on. */
#include "k8s/manifest_internal.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- CronHorizontalPodAutoscaler ---- */

enum pp_status manifest_read_cron(struct build *b, struct doc *d) {
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, d->yd.root, "metadata.name", "not set");
    const yaml_node_t *spec = ydoc_get(&d->yd, d->yd.root, "spec");
    const yaml_node_t *ref = ydoc_get(&d->yd, spec, "scaleTargetRef");
    struct svc_cron c = {.set = true};
    snprintf(c.name, sizeof(c.name), "%s", d->name);
    c.spec.target_api_version = ydoc_scalar(ydoc_get(&d->yd, ref, "apiVersion"));
    c.spec.target_kind = ydoc_scalar(ydoc_get(&d->yd, ref, "kind"));
    c.spec.target_name = ydoc_scalar(ydoc_get(&d->yd, ref, "name"));
    const yaml_node_t *jobs = ydoc_get(&d->yd, spec, "jobs");
    if (ydoc_seq_len(jobs) > SVC_MAX_JOBS)
        return ydoc_fail(b->err, &d->yd, jobs, "spec.jobs", "at most %d jobs are read",
                         SVC_MAX_JOBS);
    for (size_t i = 0; i < ydoc_seq_len(jobs); i++) {
        const yaml_node_t *j = ydoc_seq_at(&d->yd, jobs, i);
        struct cron_job_spec *js = &c.jobs[c.spec.n_jobs++];
        char f[64];
        js->name = ydoc_scalar(ydoc_get(&d->yd, j, "name"));
        js->schedule = ydoc_scalar(ydoc_get(&d->yd, j, "schedule"));
        snprintf(f, sizeof(f), "spec.jobs[%zu].targetSize", i);
        if (ydoc_get_i32(b->err, &d->yd, j, "targetSize", f, INT32_MIN, &js->target_size, NULL) !=
            PP_OK)
            return PP_ERR_INVALID;
        snprintf(f, sizeof(f), "spec.jobs[%zu].runOnce", i);
        if (ydoc_get_bool(b->err, &d->yd, j, "runOnce", f, &js->run_once) != PP_OK)
            return PP_ERR_INVALID;
    }
    const yaml_node_t *ex = ydoc_get(&d->yd, spec, "excludeDates");
    if (ydoc_seq_len(ex) > SVC_MAX_EXCLUDES)
        return ydoc_fail(b->err, &d->yd, ex, "spec.excludeDates", "at most %d dates are read",
                         SVC_MAX_EXCLUDES);
    for (size_t i = 0; i < ydoc_seq_len(ex); i++)
        c.excludes[c.spec.n_exclude_dates++] = ydoc_scalar(ydoc_seq_at(&d->yd, ex, i));
    struct cron_spec check = c.spec;
    check.jobs = c.jobs;
    check.exclude_dates = c.excludes;
    struct pp_error e = {0};
    if (cron_validate(&check, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd, ydoc_find(&d->yd, e.field), e.field, "%s", e.message);
    struct svc_config *s = NULL;
    if (!c.spec.target_kind || !c.spec.target_name)
        return ydoc_fail(b->err, &d->yd, ref ? ref : spec, "spec.scaleTargetRef",
                         "Required value: kind and name");
    if (strcmp(c.spec.target_kind, "HorizontalPodAutoscaler") == 0) {
        for (size_t i = 0; i < b->set->n && !s; i++)
            if (b->set->svcs[i].cls == SVC_HPA &&
                strcmp(b->set->svcs[i].scaler_name, c.spec.target_name) == 0)
                s = &b->set->svcs[i];
    } else {
        s = manifest_target_service(b, d, c.spec.target_kind, c.spec.target_name);
    }
    if (!s)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                         "no %s named %s in these manifests", c.spec.target_kind,
                         c.spec.target_name);
    if (s->cron.set)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                         "%s already has a CronHorizontalPodAutoscaler (%s)", c.spec.target_name,
                         s->cron.name);
    if (s->cls == SVC_KPA || s->cls == SVC_LAG)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                         "%s is scaled by %s (%s); the CronHPA would fight it", c.spec.target_name,
                         s->cls == SVC_KPA ? "Knative's KPA" : "Seldon", s->origin);
    s->cron = c;
    if (s->cls == SVC_NONE)
        s->cls = SVC_CRON;
    return PP_OK;
}
