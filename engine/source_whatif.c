#include "engine/source_whatif.h"

#include "engine/sim_hpa.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void replay_tally_add(struct replay_tally *t, const struct sim_pod_model *m,
                      const struct pod_spec *spec, int32_t pods, int32_t ready, double demand) {
    const double capacity = (double)ready * sim_exec_slots(m, spec);
    t->seconds++;
    t->replica_seconds += pods;
    if (demand > capacity + 1e-9)
        t->under_s++;
    else if (ready > 0 && demand < capacity / 2)
        t->over_s++;
}

struct wpods {
    const struct svc_config *cfg;
    const struct sim_pod_model *m;
    pp_time created[SIM_MAX_PODS];
    pp_time ready_at[SIM_MAX_PODS];
    int32_t n;
    struct sim_pod_sample samples[SIM_MAX_PODS];
    double keda[KEDA_MAX_TRIGGERS];
};

struct whatif {
    struct wpods *svcs;
    size_t n;
};

struct whatif *whatif_create(const struct svc_set *set) {
    struct whatif *w = xcalloc(1, sizeof(*w));
    w->n = set->n;
    w->svcs = xcalloc(set->n ? set->n : 1, sizeof(*w->svcs));
    for (size_t i = 0; i < set->n; i++) {
        w->svcs[i].cfg = &set->svcs[i];
        w->svcs[i].m = &set->sim_pods[i];
    }
    return w;
}

void whatif_start(struct whatif *w, size_t svc, int32_t replicas, int32_t ready, pp_time now) {
    struct wpods *p = &w->svcs[svc];
    p->n = 0;
    for (int32_t k = 0; k < replicas && k < SIM_MAX_PODS; k++) {
        p->created[k] = now - p->m->cold_start;
        p->ready_at[k] = k < ready ? now : now + p->m->cold_start;
        p->n++;
    }
}

void whatif_destroy(struct whatif *w) {
    if (!w)
        return;
    free(w->svcs);
    free(w);
}

int32_t whatif_pods(const struct whatif *w, size_t svc) { return w->svcs[svc].n; }

int32_t whatif_ready(const struct whatif *w, size_t svc, pp_time now) {
    const struct wpods *p = &w->svcs[svc];
    int32_t ready = 0;
    for (int32_t i = 0; i < p->n; i++)
        ready += p->ready_at[i] <= now;
    return ready;
}

void whatif_actuate(struct whatif *w, size_t svc, int32_t replicas, pp_time now) {
    struct wpods *p = &w->svcs[svc];
    if (replicas > SIM_MAX_PODS)
        replicas = SIM_MAX_PODS;
    if (replicas < 0)
        replicas = 0;
    while (p->n < replicas) {
        p->created[p->n] = now;
        p->ready_at[p->n++] = now + p->m->cold_start;
    }
    /* Shrinking: the newest starting pods go first, then the newest ready. */
    while (p->n > replicas) {
        int32_t victim = p->n - 1;
        for (int32_t i = 0; i < p->n; i++)
            if (p->ready_at[i] > now && p->created[i] >= p->created[victim])
                victim = i;
        p->created[victim] = p->created[p->n - 1];
        p->ready_at[victim] = p->ready_at[p->n - 1];
        p->n--;
    }
}

void whatif_mirror(struct whatif *w, size_t svc, int32_t ready, int32_t starting, pp_time now) {
    struct wpods *p = &w->svcs[svc];
    const int32_t want = ready + starting < SIM_MAX_PODS ? ready + starting : SIM_MAX_PODS;
    /* Keep the pods that match; make up the rest. */
    int32_t have_ready = 0;
    for (int32_t i = 0; i < p->n; i++)
        have_ready += p->ready_at[i] <= now;
    if (have_ready == ready && p->n == want)
        return;
    p->n = 0;
    for (int32_t i = 0; i < want; i++) {
        const bool r = i < ready;
        p->created[i] = r ? now - p->m->cold_start : now;
        p->ready_at[i] = r ? now : now + p->m->cold_start;
        p->n++;
    }
}

/* svc's observation at now: `recorded` (the recorded service's) on the
 * what-if pods, with the HPA's inputs when it syncs. */
static void observe_pods(struct whatif *w, struct sim_hpa *h, size_t svc, unsigned needs,
                         pp_time now, const struct loop_obs *recorded, struct loop_obs *out) {
    struct wpods *p = &w->svcs[svc];
    const struct sim_pod_model *m = p->m;
    const struct pod_spec *spec = &p->cfg->pods;
    const int32_t ready = whatif_ready(w, svc, now);
    const double d = recorded->demand, q = recorded->rps;
    const double capacity = (double)ready * sim_exec_slots(m, spec);
    const double busy = fmin(recorded->busy, capacity);
    *out = (struct loop_obs){.ready = ready,
                             .starting = p->n - ready,
                             .demand = d,
                             .rps = q,
                             .busy = busy,
                             .gpu_util = NAN,
                             .activator = {.concurrency = d, .rps = q},
                             .n_lag = recorded->n_lag,
                             .lag_ops = recorded->lag_ops};
    if (ready > 0) {
        out->pods = (struct kpa_stat){.concurrency = d, .rps = q};
        if (spec->gpus > 0)
            out->gpu_util = 100.0 * busy / capacity;
    } else if (spec->gpus > 0) {
        out->gpu_util = 0;
    }
    if (!(needs & (NEED_HPA_SYNC | NEED_KEDA_POLL)))
        return;
    for (int32_t i = 0; i < p->n; i++) {
        const bool r = p->ready_at[i] <= now;
        struct sim_pod_sample *s = &p->samples[i];
        if (r)
            sim_pod_figures(m, spec, true, d / ready, busy / ready, q / ready, s);
        else
            sim_pod_figures(m, spec, false, 0, 0, 0, s);
        s->uid = (uint64_t)i + 1;
        s->created = p->created[i];
        s->ready_at = p->ready_at[i];
    }
    const double held = ready > 0 ? 0 : d; /* with no pod ready, the demand waits */
    if (needs & NEED_KEDA_POLL) {
        out->keda = true;
        out->n_keda = sim_keda_values(p->cfg, p->samples, (size_t)p->n, held, p->keda);
        out->keda_values = p->keda;
    }
    if (needs & NEED_HPA_SYNC)
        sim_hpa_observe(h, p->cfg, p->samples, (size_t)p->n, held, now, out);
}

/* A live recording's HPA inputs moved onto the what-if pods: one service's
 * at a time (the loop uses an observation before it observes the next). */
struct spread {
    struct hpa_pod pods[SIM_MAX_PODS];
    int64_t vals[HPA_MAX_METRICS][SIM_MAX_PODS];
    bool present[HPA_MAX_METRICS][SIM_MAX_PODS];
    struct hpa_metric_obs m[HPA_MAX_METRICS];
};

/* A live recording holds per-pod metrics, not demand: the what-if pods
 * share what the cluster's ready pods reported in all (its usage spread
 * evenly over the ready what-if pods; starting pods report nothing, as
 * metrics-server has no sample of a pod that is not running yet), and the
 * Object and External values as they were. */
static void spread_hpa(struct spread *sp, const struct wpods *p, pp_time now,
                       const struct loop_obs *o, struct loop_obs *out) {
    int32_t ready = 0;
    for (int32_t i = 0; i < p->n; i++) {
        const bool r = p->ready_at[i] <= now;
        ready += r;
        sp->pods[i] = (struct hpa_pod){.phase = HPA_POD_RUNNING,
                                       .has_ready_condition = true,
                                       .ready = r,
                                       .ready_transition = r ? p->ready_at[i] : p->created[i],
                                       .started = true,
                                       .start_time = p->created[i]};
    }
    const size_t n_metrics = o->n_metrics < HPA_MAX_METRICS ? o->n_metrics : HPA_MAX_METRICS;
    for (size_t k = 0; k < n_metrics; k++) {
        const struct hpa_metric_obs *m = &o->metrics[k];
        sp->m[k] = *m;
        if (m->error || !m->pod_milli)
            continue;
        int64_t total = 0;
        for (size_t i = 0; i < o->n_pods; i++)
            if (o->hpa_pods[i].ready && (!m->present || m->present[i]))
                total += m->pod_milli[i];
        for (int32_t i = 0; i < p->n; i++) {
            sp->present[k][i] = sp->pods[i].ready;
            sp->vals[k][i] = sp->pods[i].ready ? total / ready : 0;
        }
        sp->m[k].pod_milli = sp->vals[k];
        sp->m[k].present = sp->present[k];
        sp->m[k].pod_timestamp = sp->m[k].pod_window = NULL;
        sp->m[k].n_extra = 0;
        sp->m[k].extra_milli = 0;
    }
    out->n_pods = (size_t)p->n;
    out->hpa_pods = sp->pods;
    out->n_metrics = n_metrics;
    out->metrics = sp->m;
}

struct whatif_source {
    struct source base;
    const struct svc_set *set, *recorded_set;
    const size_t *recorded;
    const struct source *recording;
    struct source_commands cmds;
    struct whatif *pods;
    bool *diverged;
    struct sim_hpa hpa;
    struct spread *spread; /* allocated at the first live divergence */
};

/* A live recording (shadow mode): the recorded service followed the
 * cluster's replicas; the what-if follows its own decisions from the
 * start, on the recorded pods until they diverge, then on its own. */
static void observe_live(struct whatif_source *s, size_t svc, pp_time now, const struct loop_obs *o,
                         struct loop_obs *out) {
    const struct wpods *p = &s->pods->svcs[svc];
    if (!s->diverged[svc])
        whatif_mirror(s->pods, svc, o->ready, o->starting, now);
    *out = *o;
    out->live = false;
    out->cluster_desired = -1;
    if (!s->diverged[svc])
        return;
    out->ready = whatif_ready(s->pods, svc, now);
    out->starting = p->n - out->ready;
    if (o->hpa) {
        if (!s->spread)
            s->spread = xcalloc(1, sizeof(*s->spread));
        spread_hpa(s->spread, p, now, o, out);
    }
}

/* The what-if services start as the loop plans them. */
static enum pp_status start(void *src, const struct source_plan *plans, size_t n,
                            struct pp_error *err) {
    (void)err;
    struct whatif_source *s = src;
    for (size_t i = 0; i < n; i++)
        whatif_start(s->pods, i, plans[i].replicas,
                     plans[i].slots ? plans[i].replicas : s->set->svcs[i].initial_ready,
                     s->set->start);
    return PP_OK;
}

static bool begin(void *src, pp_time now, const struct source_submit *to) {
    (void)now;
    struct whatif_source *s = src;
    source_record_submit(source_record_tick(s->recording), &s->cmds, to);
    return true;
}

static void observe(void *src, size_t svc, unsigned needs, pp_time now, struct loop_obs *out) {
    struct whatif_source *s = src;
    const size_t r = s->recorded[svc];
    const struct loop_obs *o = &source_record_tick(s->recording)->obs[r];
    /* a poll the recording did not make (another pollingInterval) reads the pods */
    const bool unpolled = (needs & NEED_KEDA_POLL) && !o->keda;
    if (o->live && !unpolled && s->set->svcs[svc].cls == s->recorded_set->svcs[r].cls) {
        observe_live(s, svc, now, o, out);
        return;
    }
    if (!s->diverged[svc] && !unpolled && s->set->svcs[svc].cls == s->recorded_set->svcs[r].cls) {
        whatif_mirror(s->pods, svc, o->ready, o->starting, now);
        *out = *o;
        return;
    }
    observe_pods(s->pods, &s->hpa, svc, needs, now, o, out);
}

static void destroy(void *src) {
    struct whatif_source *s = src;
    whatif_destroy(s->pods);
    free(s->spread);
    free(s->diverged);
    free(s);
}

static const struct source_ops whatif_ops = {
    .name = "what-if",
    .start = start,
    .begin = begin,
    .observe = observe,
    .destroy = destroy,
};

struct source *source_whatif_create(const struct svc_set *set, const struct svc_set *recorded_set,
                                    const size_t *recorded, const struct source *recording,
                                    const struct source_commands *cmds) {
    struct whatif_source *s = xcalloc(1, sizeof(*s));
    s->base.ops = &whatif_ops;
    s->set = set;
    s->recorded_set = recorded_set;
    s->recorded = recorded;
    s->recording = recording;
    s->cmds = *cmds;
    s->pods = whatif_create(set);
    s->diverged = xcalloc(set->n ? set->n : 1, sizeof(*s->diverged));
    return &s->base;
}

void source_whatif_diverge(struct source *s, size_t svc) {
    ((struct whatif_source *)s)->diverged[svc] = true;
}

struct whatif *source_whatif_pods(struct source *s) {
    return ((struct whatif_source *)s)->pods;
}
