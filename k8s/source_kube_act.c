/* What the operator does on a live cluster: load tests (real HTTP, on
 * threads of their own) and, in active mode, overrides handed to the
 * writer (k8s/steer) and its outcomes handed back to the loop. */
#include "k8s/source_kube_internal.h"

#include "k8s/steer.h"
#include "loadgen/job.h"

#include <stdio.h>
#include <stdlib.h>

/* `load SVC FLAGS` on a live cluster: a real test against the URL in the
 * flags, else the service's (its InferenceService's predict URL). */
void source_kube_load_start(void *src, size_t svc, const struct command *cmd, pp_time now) {
    struct kube_source *s = src;
    if (s->n_loads == s->cap_loads) {
        s->cap_loads = s->cap_loads ? 2 * s->cap_loads : 4;
        s->loads = xrealloc(s->loads, s->cap_loads * sizeof(*s->loads));
    }
    struct kube_load *l = &s->loads[s->n_loads++];
    *l = (struct kube_load){.started = now};
    l->spec.svc = svc;
    snprintf(l->spec.text, sizeof(l->spec.text), "%s", cmd->arg);
    l->spec.parsed = true;
    l->spec.load = cmd->load;
    l->job = lg_job_start(cmd->arg, s->set->svcs[svc].url);
}

int source_kube_load_stop(void *src, size_t svc, pp_time now) {
    (void)now;
    struct kube_source *s = src;
    int n = 0;
    for (size_t i = 0; i < s->n_loads; i++)
        if (s->loads[i].spec.svc == svc) {
            lg_job_stop(s->loads[i].job);
            n++;
        }
    return n;
}

void source_kube_loads(void *src, int32_t *running, source_load_done_fn done, void *ctx) {
    struct kube_source *s = src;
    for (size_t i = 0; i < s->n_loads;) {
        struct kube_load *l = &s->loads[i];
        if (!lg_job_done(l->job)) {
            running[l->spec.svc]++;
            i++;
            continue;
        }
        struct load_result res;
        lg_job_result(l->job, l->started, s->now, &res);
        done(ctx, i, &l->spec, &res);
        lg_job_free(l->job); /* reported: the report was made from it above */
        s->loads[i] = s->loads[--s->n_loads];
    }
}

enum pp_status source_kube_steer_check(void *src, size_t svc, const struct command *cmd,
                                       struct pp_error *err) {
    struct kube_source *s = src;
    return steer_check(s->steer, svc, cmd, err);
}

void source_kube_steer(void *src, size_t svc, const struct command *cmd, int32_t current,
                       pp_time now) {
    (void)now;
    struct kube_source *s = src;
    steer_submit(s->steer, svc, cmd, current);
}

void source_kube_steered(void *src, source_steered_fn done, void *ctx) {
    struct kube_source *s = src;
    struct steer_result r[4];
    size_t n;
    while ((n = steer_results(s->steer, r, 4)) > 0)
        for (size_t i = 0; i < n; i++)
            done(ctx, r[i].svc, &r[i].cmd, r[i].ok, r[i].message, r[i].where);
}
