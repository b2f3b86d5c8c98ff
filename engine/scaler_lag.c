/* Seldon Core 2's inference-lag scaling as a scaler: the agents' lag and
 * idle triggers, the scheduler's decision and placement of one Model on its
 * Server. It places its pods itself; the source makes them so. */
#include "engine/scaler.h"

#include <stdio.h>
#include <stdlib.h>

#define MAX_SLOTS 1024 /* server replicas the placement is passed on for */

struct lag_scaler {
    const struct svc_config *cfg;
    struct lag *lag;
    pp_time next_stats;
    int64_t max_lag;
    int32_t recommended;
    uint8_t slots[MAX_SLOTS];
    int32_t n_slots;
    const struct scaler_sink *sink; /* during a step */
};

static void place(struct lag_scaler *s) {
    const int32_t cap = lag_replica_capacity(s->lag);
    s->n_slots = cap < MAX_SLOTS ? cap : MAX_SLOTS;
    for (int32_t i = 0; i < s->n_slots; i++)
        s->slots[i] = lag_replica(s->lag, i) == LAG_REPLICA_AVAILABLE;
}

static enum pp_status create(const struct scaler_args *a, void **st, struct pp_error *err) {
    const struct svc_config *c = a->cfg;
    struct lag_model_spec m = c->lag_model;
    if (lag_model_validate(&m, err) != PP_OK)
        return PP_ERR_INVALID;
    const int64_t start_s = a->start / PP_NS_PER_SEC;
    struct lag_initial_replica init[MAX_SLOTS];
    const int32_t n = m.replicas > 0 ? m.replicas : 1;
    for (int32_t k = 0; k < n && k < MAX_SLOTS; k++)
        init[k] = (struct lag_initial_replica){
            .idx = k, .lag = 0, .last_used = start_s, .available_at = start_s - 600};
    struct lag_scaler *s = xcalloc(1, sizeof(*s));
    s->cfg = c;
    s->lag = lag_create(&c->lag, &m, &c->lag_server, init, (size_t)n, start_s - 600);
    s->next_stats = a->start + PP_SEC(c->lag.stats_period_s);
    place(s);
    a->view->metric = "inference_lag";
    a->view->target = c->lag.lag_threshold;
    a->view->desired = n;
    *st = s;
    return PP_OK;
}

static void destroy(void *st) {
    struct lag_scaler *s = st;
    if (!s)
        return;
    lag_destroy(s->lag);
    free(s);
}

static unsigned needs(const void *st, pp_time now) {
    (void)st;
    (void)now;
    return NEED_LAG_OPS;
}

static void record_text(const struct lag_record *rec, const char **reason, char *msg, size_t size) {
    switch (rec->kind) {
    case LAG_TRIGGER:
        *reason = "ScalingTrigger";
        if (rec->trigger == LAG_SCALE_UP)
            snprintf(msg, size, "agent on server replica %d: inference lag %lld, scale up",
                     rec->replica, (long long)rec->amount);
        else
            snprintf(msg, size, "agent on server replica %d: model idle since %llds, scale down",
                     rec->replica, (long long)rec->amount);
        return;
    case LAG_DECISION:
        *reason = rec->decision->reject == LAG_ACCEPTED ? "Scaled" : "ScalingRejected";
        if (rec->decision->reject == LAG_ACCEPTED)
            snprintf(msg, size, "model replicas %d -> %d", rec->replicas_before,
                     rec->decision->target);
        else
            snprintf(msg, size, "%s", rec->decision->message);
        return;
    case LAG_LOAD_REQUESTED:
        *reason = "LoadRequested";
        break;
    case LAG_REPLICA_AVAILABLE_EV:
        *reason = "Available";
        break;
    case LAG_UNLOAD_REQUESTED:
        *reason = "UnloadRequested";
        break;
    case LAG_REPLICA_UNLOADED_EV:
        *reason = "Unloaded";
        break;
    case LAG_SCHEDULE_FAILED_EV:
        *reason = "ScheduleFailed";
        snprintf(msg, size, "model cannot be placed: %d replicas wanted, %d placed", rec->desired,
                 rec->placed);
        return;
    case LAG_SCHEDULED_WITH_MIN:
        *reason = "ScheduledWithMinReplicas";
        snprintf(msg, size, "placed %d of %d replicas", rec->placed, rec->desired);
        return;
    case LAG_SERVER_SCALE_REQUEST:
        *reason = "ServerScale";
        snprintf(msg, size, "server replicas %d -> %d", rec->from_replicas, rec->to_replicas);
        return;
    case LAG_SERVER_SCALE_UP_SKIPPED:
        *reason = "ServerScaleSkipped";
        snprintf(msg, size, "%s", rec->why ? rec->why : "");
        return;
    case LAG_SERVER_REPLICA_CONNECTED:
        *reason = "ServerReplicaConnected";
        break;
    case LAG_SERVER_REPLICA_REMOVED:
        *reason = "ServerReplicaRemoved";
        break;
    }
    snprintf(msg, size, "server replica %d", rec->replica);
}

static void on_record(void *ctx, const struct lag_record *rec) {
    struct lag_scaler *s = ctx;
    if (rec->kind == LAG_TRIGGER && rec->trigger == LAG_SCALE_UP && rec->amount > s->max_lag)
        s->max_lag = rec->amount;
    if (rec->kind == LAG_DECISION)
        s->recommended = rec->replicas_before + (rec->trigger == LAG_SCALE_UP ? 1 : -1);
    const char *reason = "";
    char msg[200];
    record_text(rec, &reason, msg, sizeof(msg));
    s->sink->event(s->sink->ctx, rec->kind == LAG_SCHEDULE_FAILED_EV, reason, msg);
}

static void step(void *st, pp_time now, const struct loop_obs *o, int32_t replicas,
                 struct loop_view *w, const struct scaler_sink *sink, struct scaler_out *out) {
    (void)replicas;
    struct lag_scaler *s = st;
    s->sink = sink;
    for (size_t i = 0; i < o->n_lag; i++) {
        const int64_t op = o->lag_ops[i];
        if (LOOP_LAG_OP_END(op))
            lag_request_end(s->lag, LOOP_LAG_OP_SLOT(op));
        else
            lag_request_start(s->lag, LOOP_LAG_OP_SLOT(op), LOOP_LAG_OP_SEC(op));
    }
    const int64_t now_s = now / PP_NS_PER_SEC;
    *out = (struct scaler_out){.placed = true};
    if (now < s->next_stats) {
        lag_advance(s->lag, now_s, on_record, s);
        place(s);
        return;
    }
    struct lag_status ls;
    lag_status(s->lag, &ls);
    s->next_stats += PP_SEC(s->cfg->lag.stats_period_s);
    s->max_lag = 0;
    s->recommended = ls.replicas;
    lag_tick(s->lag, now_s, on_record, s);
    lag_status(s->lag, &ls);
    w->stable = (double)s->max_lag;
    w->recommended = s->recommended;
    w->desired = ls.replicas;
    w->actual = ls.replicas;
    snprintf(w->reason, sizeof(w->reason), "model %s", lag_state_name(ls.state));
    place(s);
    out->decided = true;
}

static void reconfigure(void *st, const struct override_config *oc, struct loop_view *w) {
    struct lag_scaler *s = st;
    lag_set_config(s->lag, &oc->lag);
    w->target = oc->lag.lag_threshold;
}

static const uint8_t *placement(const void *st, int32_t *n) {
    const struct lag_scaler *s = st;
    *n = s->n_slots;
    return s->slots;
}

const struct scaler_ops scaler_lag = {
    .name = "lag",
    .inputs = NEED_LAG_OPS,
    .caps = SCALER_TARGET | SCALER_NO_PIN | SCALER_SELF_PAUSE,
    .no_pin = "is a Seldon Model: its scheduler places replicas itself, so podpilot cannot pin "
              "them; pause stops its autoscaling",
    .create = create,
    .destroy = destroy,
    .needs = needs,
    .step = step,
    .reconfigure = reconfigure,
    .placement = placement,
};
