#include "engine/source_sim.h"

#include "engine/sim.h"
#include "engine/sim_hpa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define HPA_METRICS_READER 1 /* the metrics-server window; reader 0 is the 1 s scrape */

/* A load test: the manifests' and the operator's. */
struct sload {
    const struct svc_load *spec;
    struct svc_load *owned; /* started by a command */
    size_t sim_id;
    bool reported;
};

struct ssvc {
    const struct svc_config *cfg;
    double *pod_gpu; /* GPU services: each ready pod's utilization at the last observe */
    size_t n_pod_gpu;
    int64_t *ops; /* request starts and ends gathered for the agents this tick */
    size_t n_ops, cap_ops;
    bool placing;
};

struct sim_source {
    struct source base;
    const struct svc_set *set;
    struct sim *sim;
    struct ssvc *svcs;
    size_t n;
    struct sload *loads;
    size_t n_loads, cap_loads;
    /* scratch, reused every tick: a tick allocates nothing */
    struct sim_pod_sample samples[SIM_MAX_PODS];
    struct kpa_stat stats[SIM_MAX_PODS];
    struct sim_hpa hpa;
    double keda[KEDA_MAX_TRIGGERS];
};

static void lag_op(struct sim_source *s, size_t svc, int64_t op) {
    struct ssvc *v = &s->svcs[svc];
    /* Requests that start while the scaler's own placement drains into
     * new pods are not the agents' this tick (they never were). */
    if (v->placing)
        return;
    if (v->n_ops == v->cap_ops) {
        v->cap_ops = v->cap_ops ? 2 * v->cap_ops : 256;
        v->ops = xrealloc(v->ops, v->cap_ops * sizeof(*v->ops));
    }
    v->ops[v->n_ops++] = op;
}

static void hook_start(void *ctx, size_t svc, int32_t slot, pp_time now) {
    lag_op(ctx, svc, LOOP_LAG_OP(now / PP_NS_PER_SEC, slot, false));
}

static void hook_end(void *ctx, size_t svc, int32_t slot, pp_time now) {
    lag_op(ctx, svc, LOOP_LAG_OP(now / PP_NS_PER_SEC, slot, true));
}

static void add_load(struct sim_source *s, const struct svc_load *spec, struct svc_load *owned,
                     size_t sim_id) {
    if (s->n_loads == s->cap_loads) {
        s->cap_loads = s->cap_loads ? 2 * s->cap_loads : 8;
        s->loads = xrealloc(s->loads, s->cap_loads * sizeof(*s->loads));
    }
    s->loads[s->n_loads++] = (struct sload){.spec = spec, .owned = owned, .sim_id = sim_id};
}

static void place(void *src, size_t svc, const uint8_t *slots, int32_t n, pp_time now) {
    struct sim_source *s = src;
    s->svcs[svc].placing = true;
    for (int32_t i = 0; i < n; i++)
        sim_set_pod(s->sim, svc, i, slots[i] != 0, now);
    s->svcs[svc].placing = false;
}

static enum pp_status start(void *src, const struct source_plan *plans, size_t n,
                            struct pp_error *err) {
    (void)err;
    struct sim_source *s = src;
    const struct svc_set *set = s->set;
    struct pod_spec *specs = xcalloc(n ? n : 1, sizeof(*specs));
    int32_t *ready = xcalloc(n ? n : 1, sizeof(*ready));
    for (size_t i = 0; i < n; i++) {
        specs[i] = set->svcs[i].pods;
        ready[i] = plans[i].slots ? 0 : set->svcs[i].initial_ready;
    }
    s->sim = sim_create(set->seed, set->sim_pods, specs, ready, n, set->start);
    free(specs);
    free(ready);
    for (size_t i = 0; i < n; i++) {
        if (plans[i].needs & NEED_LAG_OPS)
            sim_set_hooks(s->sim, i, hook_start, hook_end, s);
        if (plans[i].slots)
            place(s, i, plans[i].slots, plans[i].n_slots, set->start);
        else
            sim_scale(s->sim, i, plans[i].replicas, set->start);
    }
    for (size_t i = 0; i < set->n_loads; i++) {
        struct load_spec ld = set->loads[i].load;
        ld.start += set->start;
        add_load(s, &set->loads[i], NULL, sim_load_start(s->sim, set->loads[i].svc, &ld));
    }
    return PP_OK;
}

static void advance(void *src, pp_time now) { sim_run(((struct sim_source *)src)->sim, now); }

/* Sources report to a microunit (queue-proxy's and metrics' precision is
 * no finer); it also keeps recordings short and quick to write. */
static void to_microunits(struct loop_obs *o) {
    double *const figures[] = {&o->demand,
                               &o->rps,
                               &o->busy,
                               &o->gpu_util,
                               &o->pods.concurrency,
                               &o->pods.rps,
                               &o->activator.concurrency,
                               &o->activator.rps};
    for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
        if (isfinite(*figures[i]) && fabs(*figures[i]) < 1e9)
            *figures[i] = round(*figures[i] * 1e6) / 1e6;
}

static void observe(void *src, size_t svc, unsigned needs, pp_time now, struct loop_obs *o) {
    struct sim_source *s = src;
    struct ssvc *v = &s->svcs[svc];
    struct sim_service_sample ss;
    const size_t n = sim_sample(s->sim, svc, 0, now, s->samples, SIM_MAX_PODS, &ss);
    int32_t ready = 0;
    double demand = ss.buffered, busy = 0, pod_conc = 0, gpu = 0;
    for (size_t i = 0; i < n; i++) {
        const struct sim_pod_sample *p = &s->samples[i];
        demand += p->concurrency;
        busy += p->busy;
        if (!p->ready)
            continue;
        if (v->pod_gpu)
            v->pod_gpu[ready] = p->gpu_util;
        s->stats[ready++] = (struct kpa_stat){.concurrency = p->concurrency, .rps = p->rps};
        pod_conc += p->concurrency;
        gpu += p->gpu_util;
    }
    v->n_pod_gpu = v->pod_gpu ? (size_t)ready : 0;
    *o = (struct loop_obs){.ready = ready,
                           .starting = ss.starting,
                           .demand = demand,
                           .rps = ss.rps,
                           .busy = busy,
                           .gpu_util = NAN,
                           .n_lag = v->n_ops,
                           .lag_ops = v->ops};
    if (v->cfg->pods.gpus > 0)
        o->gpu_util = ready ? gpu / ready : 0;
    if (needs & NEED_KPA_STATS) {
        o->pods = kpa_scrape_combine(s->stats, (uint32_t)ready);
        /* The activator sees every request while it is in the path: those it
         * holds and those it proxied to pods. */
        o->activator = (struct kpa_stat){.concurrency = ss.buffered + pod_conc, .rps = ss.rps};
    }
    to_microunits(o);
    if (needs & NEED_KEDA_POLL) {
        o->keda = true;
        o->n_keda = sim_keda_values(v->cfg, s->samples, n, ss.buffered, s->keda);
        o->keda_values = s->keda;
    }
    if (needs & NEED_HPA_SYNC) {
        const size_t k =
            sim_sample(s->sim, svc, HPA_METRICS_READER, now, s->samples, SIM_MAX_PODS, &ss);
        sim_hpa_observe(&s->hpa, v->cfg, s->samples, k, ss.buffered, now, o);
    }
}

static void release(void *src, size_t svc) { ((struct sim_source *)src)->svcs[svc].n_ops = 0; }

static void scale(void *src, size_t svc, int32_t replicas, pp_time now) {
    sim_scale(((struct sim_source *)src)->sim, svc, replicas, now);
}

static void route(void *src, size_t svc, bool activator, pp_time now) {
    sim_set_activator(((struct sim_source *)src)->sim, svc, activator, now);
}

static void load_start(void *src, size_t svc, const struct command *cmd, pp_time now) {
    struct sim_source *s = src;
    struct svc_load *spec = xcalloc(1, sizeof(*spec));
    spec->svc = svc;
    snprintf(spec->text, sizeof(spec->text), "%s", cmd->arg);
    spec->parsed = true;
    spec->load = cmd->load; /* a trace's points live in the set */
    struct load_spec ld = spec->load;
    ld.start = now + spec->load.start; /* --after */
    add_load(s, spec, spec, sim_load_start(s->sim, svc, &ld));
}

static int load_stop(void *src, size_t svc, pp_time now) {
    struct sim_source *s = src;
    int n = 0;
    for (size_t i = 0; i < s->n_loads; i++) {
        struct sload *ld = &s->loads[i];
        if (ld->reported || ld->spec->svc != svc)
            continue;
        sim_load_stop(s->sim, ld->sim_id, now);
        n++;
    }
    return n;
}

static void loads(void *src, int32_t *running, source_load_done_fn done, void *ctx) {
    struct sim_source *s = src;
    for (size_t i = 0; i < s->n_loads; i++) {
        struct sload *ld = &s->loads[i];
        if (ld->reported)
            continue;
        struct load_result res;
        sim_load_result(s->sim, ld->sim_id, &res);
        if (!res.done) {
            running[ld->spec->svc]++;
            continue;
        }
        ld->reported = true;
        done(ctx, i, ld->spec, &res);
    }
}

static size_t pod_gpu(const void *src, size_t svc, double *out, size_t cap) {
    const struct ssvc *v = &((const struct sim_source *)src)->svcs[svc];
    const size_t n = v->n_pod_gpu < cap ? v->n_pod_gpu : cap;
    for (size_t i = 0; i < n; i++)
        out[i] = v->pod_gpu[i];
    return n;
}

static void destroy(void *src) {
    struct sim_source *s = src;
    for (size_t i = 0; i < s->n; i++) {
        free(s->svcs[i].ops);
        free(s->svcs[i].pod_gpu);
    }
    for (size_t i = 0; i < s->n_loads; i++)
        free(s->loads[i].owned);
    sim_destroy(s->sim);
    free(s->loads);
    free(s->svcs);
    free(s);
}

static const struct source_ops sim_ops = {
    .name = "sim",
    .start = start,
    .advance = advance,
    .observe = observe,
    .release = release,
    .scale = scale,
    .place = place,
    .route = route,
    .load_start = load_start,
    .load_stop = load_stop,
    .loads = loads,
    .pod_gpu = pod_gpu,
    .destroy = destroy,
};

struct source *source_sim_create(const struct svc_set *set, struct pp_error *err) {
    for (size_t i = 0; i < set->n_loads; i++)
        if (!set->loads[i].parsed) {
            pp_fail(err, PP_ERR_INVALID, "loads", "load \"%.200s\" was not parsed",
                    set->loads[i].text);
            return NULL;
        }
    struct sim_source *s = xcalloc(1, sizeof(*s));
    s->base.ops = &sim_ops;
    s->set = set;
    s->n = set->n;
    s->svcs = xcalloc(set->n ? set->n : 1, sizeof(*s->svcs));
    for (size_t i = 0; i < set->n; i++) {
        s->svcs[i].cfg = &set->svcs[i];
        if (set->svcs[i].pods.gpus > 0)
            s->svcs[i].pod_gpu = xcalloc(SIM_MAX_PODS, sizeof(*s->svcs[i].pod_gpu));
    }
    return &s->base;
}
