#include "engine/loop_internal.h"

#include "engine/agreement.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void loop_emit_event(struct loop *l, size_t svc, bool warning, const char *reason,
                     const char *message) {
    const struct loop_record r = {.kind = LOOP_EVENT,
                                  .t = elapsed_s(l),
                                  .svc = svc,
                                  .warning = warning,
                                  .reason = reason,
                                  .message = message};
    l->emit(l->ctx, &r);
}

static void scaler_event(void *ctx, bool warning, const char *reason, const char *message) {
    const struct rt *r = ctx;
    loop_emit_event(r->l, r->idx, warning, reason, message);
}

const struct layer *loop_main_layer(const struct rt *r) {
    return r->n_layers ? &r->layers[r->n_layers - 1] : NULL;
}

/* Shadow mode: beside the cluster's decision, podpilot's, and when they
 * differ the likeliest reason. */
static void judge(struct loop *l, size_t svc) {
    struct rt *r = &l->rts[svc];
    const struct loop_obs *o = &l->obs[svc];
    if (!o->live)
        return;
    if (r->view.cluster < 0 || r->view.cluster == r->view.desired)
        r->disagree_since = l->now;
    agreement_reason(&r->view, r->cfg, o, l->now - l->set->start, l->now - r->disagree_since,
                     r->view.disagreement, sizeof(r->view.disagreement));
}

static void emit_decision(struct loop *l, size_t svc) {
    struct rt *rt = &l->rts[svc];
    judge(l, svc);
    if (rt->ov.pinned || rt->ov.paused) {
        char why[sizeof(rt->view.reason)];
        snprintf(why, sizeof(why), "%s", rt->view.reason);
        snprintf(rt->view.reason, sizeof(rt->view.reason), "%s %d by the operator%s%.150s",
                 rt->ov.pinned ? "pinned at" : "paused at", /* a live cluster may lag */
                 rt->ov.pinned ? rt->ov.pin : rt->ov.hold, why[0] ? "; " : "", why);
    }
    const struct loop_record r = {
        .kind = LOOP_DECISION, .t = elapsed_s(l), .svc = svc, .view = &l->rts[svc].view};
    l->emit(l->ctx, &r);
}

/* The actuator: the source scales, the event says so. */
void loop_actuate(struct loop *l, size_t svc, int32_t replicas) {
    struct rt *r = &l->rts[svc];
    if (replicas == r->replicas || l->obs[svc].live) /* shadow mode scales nothing */
        return;
    char msg[96];
    snprintf(msg, sizeof(msg), "Scaling from %d to %d", r->replicas, replicas);
    r->replicas = replicas;
    if (l->so->scale)
        l->so->scale(l->src, svc, replicas, l->now);
    loop_emit_event(l, svc, false, "Scaled", msg);
}

/* ---- create ---- */

static enum pp_status create_stack(struct rt *r, pp_time start, struct pp_error *err) {
    const struct scaler_ops *ops[SCALER_STACK_MAX];
    r->n_layers = scaler_stack(r->cfg, ops);
    /* Back to front: a modifier is made with the scaler it acts on. */
    for (size_t k = r->n_layers; k-- > 0;) {
        struct layer *ly = &r->layers[k];
        ly->ops = ops[k];
        if (k + 1 < r->n_layers)
            ly->below = (struct scaler_ref){r->layers[k + 1].ops, r->layers[k + 1].st};
        const struct scaler_args a = {.cfg = r->cfg,
                                      .start = start,
                                      .below = ly->below.ops ? &ly->below : NULL,
                                      .view = &r->view};
        if (ly->ops->create(&a, &ly->st, err) != PP_OK) {
            ly->ops = NULL;
            return PP_ERR_INVALID;
        }
    }
    return PP_OK;
}

static enum pp_status create_service(struct loop *l, size_t i, struct source_plan *plan,
                                     struct pp_error *err) {
    struct rt *r = &l->rts[i];
    r->l = l;
    r->idx = i;
    r->cfg = &l->set->svcs[i];
    r->sink = (struct scaler_sink){scaler_event, r};
    r->disagree_since = l->set->start;
    snprintf(r->service, sizeof(r->service), "%s/%s", r->cfg->namespace_, r->cfg->name);
    r->view = (struct loop_view){.service = r->service,
                                 .cluster = -1,
                                 .cls = r->cfg->cls,
                                 .metric = "",
                                 .stable = NAN,
                                 .panic = NAN,
                                 .gpu_util = NAN,
                                 .recommended = -1,
                                 .desired = r->cfg->replicas};
    if (create_stack(r, l->set->start, err) != PP_OK) {
        if (err) {
            char msg[sizeof(err->message)];
            snprintf(msg, sizeof(msg), "%s", err->message);
            snprintf(err->message, sizeof(err->message), "service %.200s: %.300s", r->service, msg);
        }
        return PP_ERR_INVALID;
    }
    r->base_target = r->view.target;
    r->replicas = r->view.actual = r->view.desired;
    *plan = (struct source_plan){.replicas = r->replicas};
    for (size_t k = 0; k < r->n_layers; k++) {
        const struct layer *ly = &r->layers[k];
        plan->needs |= ly->ops->inputs;
        if (ly->ops->placement)
            plan->slots = ly->ops->placement(ly->st, &plan->n_slots);
    }
    return PP_OK;
}

struct loop *loop_create(const struct svc_set *set, struct source *src, loop_emit_fn emit,
                         void *ctx, struct pp_error *err) {
    struct loop *l = xcalloc(1, sizeof(*l));
    l->set = set;
    l->src = src;
    l->so = src->ops;
    l->emit = emit;
    l->ctx = ctx;
    l->now = set->start;
    l->n = set->n;
    pthread_mutex_init(&l->mu, NULL);
    l->queue = xcalloc(QUEUE_CAP, sizeof(*l->queue));
    l->rts = xcalloc(set->n ? set->n : 1, sizeof(*l->rts));
    l->obs = xcalloc(set->n ? set->n : 1, sizeof(*l->obs));
    l->running = xcalloc(set->n ? set->n : 1, sizeof(*l->running));
    struct source_plan *plans = xcalloc(set->n ? set->n : 1, sizeof(*plans));
    enum pp_status st = PP_OK;
    for (size_t i = 0; i < set->n && st == PP_OK; i++)
        st = create_service(l, i, &plans[i], err);
    if (st == PP_OK && l->so->start)
        st = l->so->start(l->src, plans, set->n, err);
    free(plans);
    if (st != PP_OK) {
        loop_destroy(l);
        return NULL;
    }
    return l;
}

void loop_destroy(struct loop *l) {
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = 0; k < l->rts[i].n_layers; k++)
            if (l->rts[i].layers[k].ops)
                l->rts[i].layers[k].ops->destroy(l->rts[i].layers[k].st);
    pthread_mutex_destroy(&l->mu);
    free(l->queue);
    free(l->obs);
    free(l->running);
    free(l->rts);
    free(l);
}

/* ---- ticks ---- */

/* One scaler's step and what follows from it: the activator path, the
 * actuator through the overrides, its own placement, the decision line. */
static void run_layer(struct loop *l, size_t svc, const struct layer *ly, const struct loop_obs *o,
                      struct scaler_out *last) {
    struct rt *r = &l->rts[svc];
    struct scaler_out out;
    do {
        ly->ops->step(ly->st, l->now, o, r->replicas, &r->view, &r->sink, &out);
        if (out.route && l->so->route)
            l->so->route(l->src, svc, out.route > 0, l->now);
        if (out.scale) {
            loop_actuate(l, svc, override_replicas(&r->ov, out.replicas));
            r->view.actual = r->replicas;
        }
        if (out.placed && l->so->place) {
            int32_t n;
            const uint8_t *slots = ly->ops->placement(ly->st, &n);
            l->so->place(l->src, svc, slots, n, l->now);
        }
        if (out.decided)
            emit_decision(l, svc);
    } while (out.again);
    *last = out;
}

static void step(struct loop *l, size_t svc) {
    struct rt *r = &l->rts[svc];
    struct loop_obs *o = &l->obs[svc];
    unsigned needs = 0;
    for (size_t k = 0; k < r->n_layers; k++)
        needs |= r->layers[k].ops->needs(r->layers[k].st, l->now);
    l->so->observe(l->src, svc, needs, l->now, o);
    if (o->live) { /* shadow: the cluster's replicas are the truth, not ours */
        r->replicas = r->view.actual = o->target_replicas;
        r->view.cluster = o->cluster_desired;
        r->view.warming = l->now - l->set->start < agreement_warmup(r->cfg);
    }
    r->view.gpu_util = o->gpu_util;
    r->view.ready = o->ready;
    const struct loop_obs *in = o;
    for (size_t k = 0; k < r->n_layers; k++) {
        struct scaler_out out;
        run_layer(l, svc, &r->layers[k], in, &out);
        if (out.hold)
            break;
        if (out.below)
            in = out.below;
    }
    judge(l, svc);
    const struct loop_record rec = {.kind = LOOP_OBS, .t = elapsed_s(l), .svc = svc, .obs = o};
    l->emit(l->ctx, &rec);
    if (l->so->release)
        l->so->release(l->src, svc);
}

static void load_done(void *ctx, size_t load, const struct svc_load *spec,
                      const struct load_result *result) {
    struct loop *l = ctx;
    const struct loop_record rec = {.kind = LOOP_LOAD_DONE,
                                    .t = elapsed_s(l),
                                    .svc = spec->svc,
                                    .load = load,
                                    .load_spec = spec,
                                    .result = result};
    l->emit(l->ctx, &rec);
}

static void report_loads(struct loop *l) {
    memset(l->running, 0, l->n * sizeof(*l->running));
    l->so->loads(l->src, l->running, load_done, l);
    for (size_t i = 0; i < l->n; i++)
        l->rts[i].view.loads_running = l->running[i];
}

static enum pp_status submit(void *ctx, const struct command *cmd, struct pp_error *err) {
    return loop_submit(ctx, cmd, err);
}

bool loop_tick(struct loop *l) {
    const pp_time now = l->set->start + PP_SEC(l->elapsed + 1);
    const struct source_submit to = {submit, l};
    if (l->so->begin && !l->so->begin(l->src, now, &to))
        return false;
    l->elapsed++;
    l->now = now;
    loop_apply_commands(l);
    if (l->so->steered)
        loop_reap_writes(l);
    if (l->so->advance)
        l->so->advance(l->src, now);
    for (size_t i = 0; i < l->n; i++)
        step(l, i);
    if (l->so->loads)
        report_loads(l);
    const struct loop_record rec = {.kind = LOOP_TICK_END, .t = elapsed_s(l)};
    l->emit(l->ctx, &rec);
    return true;
}

int64_t loop_elapsed(const struct loop *l) { return l->elapsed; }

const struct loop_view *loop_view(const struct loop *l, size_t svc) { return &l->rts[svc].view; }

const struct loop_obs *loop_observation(const struct loop *l, size_t svc) { return &l->obs[svc]; }

size_t loop_describe(const struct loop *l, size_t svc, char *buf, size_t size) {
    const struct rt *r = &l->rts[svc];
    if (size)
        buf[0] = '\0';
    for (size_t k = 0; k < r->n_layers; k++)
        if (r->layers[k].ops->describe)
            return r->layers[k].ops->describe(r->layers[k].st, l->now, buf, size);
    return 0;
}

size_t loop_pod_gpu(const struct loop *l, size_t svc, double *out, size_t cap) {
    return l->so->pod_gpu ? l->so->pod_gpu(l->src, svc, out, cap) : 0;
}

void loop_signals(const struct loop *l, size_t svc, struct source_signals *out) {
    out->n = 0;
    out->note[0] = '\0';
    out->seq = 0;
    if (l->so->signals)
        l->so->signals(l->src, svc, out);
}
