/* A KEDA ScaledObject as a modifier in front of the HPA it generates: every
 * pollingInterval it reads its triggers and moves the target between 0 (or
 * idleReplicaCount) and minReplicaCount; between min and max the HPA decides
 * on the external metrics KEDA's metrics server answers, which is where the
 * fallback's synthetic value comes in. A paused ScaledObject has no HPA. */
#include "engine/scaler.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keda_scaler {
    const struct svc_config *cfg;
    const struct keda_spec *spec;
    struct keda_state st;
    pp_time next_poll;
    char target[SVC_NAME_MAX + 64]; /* namespace/name, as KEDA's events name it */
    /* what the HPA reads through KEDA's metrics server */
    struct loop_obs obs;
    struct hpa_metric_obs metrics[HPA_MAX_METRICS];
};

static enum pp_status create(const struct scaler_args *a, void **st, struct pp_error *err) {
    const struct svc_config *c = a->cfg;
    if (keda_validate(&c->keda, err) != PP_OK)
        return PP_ERR_INVALID;
    struct keda_scaler *s = xcalloc(1, sizeof(*s));
    s->cfg = c;
    s->spec = &c->keda;
    keda_state_init(&s->st, a->start);
    s->next_poll = a->start + PP_SEC(1); /* the scale loop checks at once */
    snprintf(s->target, sizeof(s->target), "%s/%s", c->namespace_, c->name);
    *st = s;
    return PP_OK;
}

static void destroy(void *st) { free(st); }

static bool paused(const struct keda_scaler *s) {
    return s->spec->paused || s->spec->paused_replicas_set;
}

static unsigned needs(const void *st, pp_time now) {
    const struct keda_scaler *s = st;
    return now >= s->next_poll && !paused(s) ? NEED_KEDA_POLL : 0;
}

/* "active · s0-prometheus 12 > 0 (target 5)": the phase, then each trigger. */
static void view_text(const struct keda_scaler *s, pp_time now, struct loop_view *w) {
    const struct keda_spec *k = s->spec;
    size_t n = 0;
    const size_t size = sizeof(w->keda);
    const int64_t left = keda_cooldown_left(k, &s->st, now);
    if (s->st.phase == KEDA_PHASE_COOLDOWN && left >= 0)
        n += (size_t)snprintf(w->keda, size, "cooldown %" PRId64 "s left", left);
    else
        n += (size_t)snprintf(w->keda, size, "%s", keda_phase_name(s->st.phase));
    for (size_t i = 0; i < k->n_triggers && n < size; i++) {
        const struct keda_trigger *t = &k->triggers[i];
        if (t->kind != KEDA_TRIGGER_EXTERNAL)
            continue;
        char v[32], act[32], thr[32];
        snprintf(v, sizeof(v), "%.4g", s->st.values[i]);
        snprintf(act, sizeof(act), "%.4g", t->activation);
        snprintf(thr, sizeof(thr), "%.4g", t->threshold);
        n += (size_t)snprintf(w->keda + n, size - n, " · %s %s %s %s (target %s)", t->metric,
                              isnan(s->st.values[i]) ? "failed" : v,
                              s->st.active[i] ? ">" : "<=", act, thr);
    }
}

static void poll(struct keda_scaler *s, pp_time now, const struct loop_obs *o, int32_t replicas,
                 struct loop_view *w, const struct scaler_sink *sink, struct scaler_out *out) {
    s->next_poll += PP_SEC(s->spec->polling_s);
    double values[KEDA_MAX_TRIGGERS];
    for (size_t i = 0; i < s->spec->n_triggers; i++)
        values[i] = i < o->n_keda ? o->keda_values[i] : NAN;
    struct keda_poll_out p;
    keda_poll(s->spec, &s->st, now, values, replicas, s->target, &p);
    if (p.event_reason)
        sink->event(sink->ctx, p.warning, p.event_reason, p.event);
    for (size_t i = 0; i < s->spec->n_triggers; i++)
        if (s->spec->triggers[i].kind == KEDA_TRIGGER_EXTERNAL && isnan(values[i])) {
            char msg[160];
            snprintf(msg, sizeof(msg), "error getting metric %s: the scaler answered nothing",
                     s->spec->triggers[i].metric);
            sink->event(sink->ctx, true, "KEDAScalerFailed", msg);
        }
    if (!p.scale)
        return;
    out->scale = true;
    out->replicas = p.replicas;
    out->decided = true;
    w->recommended = w->desired = p.replicas;
    snprintf(w->reason, sizeof(w->reason), "KEDA %s: %s", s->st.activity.reason,
             s->st.phase == KEDA_PHASE_ACTIVE ? "activated from zero" : "deactivated");
}

/* KEDA's metrics server between the HPA and the scalers: a failing
 * trigger's metric becomes the fallback value once failureThreshold is
 * passed. */
static void serve_metrics(struct keda_scaler *s, const struct loop_obs *o, int32_t replicas,
                          struct scaler_out *out) {
    const struct keda_spec *k = s->spec;
    const size_t n = o->n_metrics < HPA_MAX_METRICS ? o->n_metrics : HPA_MAX_METRICS;
    memcpy(s->metrics, o->metrics, n * sizeof(*s->metrics));
    for (size_t i = 0; i < k->n_triggers; i++) {
        const size_t m = keda_hpa_metric_index(k, i);
        if (m >= n)
            continue;
        const bool failed = s->metrics[m].error || s->metrics[m].empty;
        int64_t v;
        if (keda_fallback(k, &s->st, i, failed, s->cfg->hpa.metrics[m].milli, replicas, o->ready,
                          &v))
            s->metrics[m] = (struct hpa_metric_obs){
                .value_milli = v, .timestamp = o->metrics[m].timestamp, .window = PP_SEC(15)};
    }
    s->obs = *o;
    s->obs.metrics = s->metrics;
    out->below = &s->obs;
}

static void step(void *st, pp_time now, const struct loop_obs *o, int32_t replicas,
                 struct loop_view *w, const struct scaler_sink *sink, struct scaler_out *out) {
    struct keda_scaler *s = st;
    *out = (struct scaler_out){0};
    if (paused(s)) {
        struct keda_poll_out p;
        keda_poll(s->spec, &s->st, now, NULL, replicas, s->target, &p);
        if (p.event_reason)
            sink->event(sink->ctx, p.warning, p.event_reason, p.event);
        if (p.scale) {
            out->scale = out->decided = true;
            out->replicas = w->recommended = w->desired = p.replicas;
            snprintf(w->reason, sizeof(w->reason), "KEDA paused at paused-replicas");
        }
        out->hold = true; /* a paused ScaledObject's HPA is deleted */
        view_text(s, now, w);
        return;
    }
    if (o->keda && now >= s->next_poll)
        poll(s, now, o, replicas, w, sink, out);
    if (o->hpa)
        serve_metrics(s, o, out->scale ? out->replicas : replicas, out);
    view_text(s, now, w);
}

const struct scaler_ops scaler_keda = {
    .name = "keda",
    .inputs = NEED_KEDA_POLL,
    .create = create,
    .destroy = destroy,
    .needs = needs,
    .step = step,
};
