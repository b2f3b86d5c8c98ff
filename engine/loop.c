#include "engine/loop.h"

#include "engine/hpa_describe.h"
#include "engine/kpa_service.h"
#include "engine/override.h"
#include "engine/tz.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HPA_METRICS_READER 1 /* the metrics-server window; reader 0 is the 1 s scrape */
#define QUEUE_CAP 256

struct rt {
    const struct svc_config *cfg;
    char service[SVC_NAME_MAX + 66];
    char metric[SVC_NAME_MAX];
    struct loop_view view;
    int32_t replicas; /* what the actuator last asked of the cluster */
    struct override ov;
    double base_target; /* the manifest's */
    /* KPA */
    struct kpa_service *kpa;
    /* HPA */
    struct hpa *hpa;
    pp_time next_sync;
    pp_time events_seen; /* last emitted event time */
    int32_t events_count;
    /* lag */
    struct lag *lag;
    pp_time next_stats;
    int64_t max_lag;
    int32_t lag_recommended;
    double *pod_gpu; /* GPU services: each ready pod's utilization, last tick */
    size_t n_pod_gpu;
    int64_t *ops; /* request starts and ends gathered from the sim this tick */
    size_t n_ops, cap_ops;
    /* cron */
    struct cron *cron;
    struct cron_job_spec jobs[SVC_MAX_JOBS];
    struct tz *utc;
};

/* A load test: the manifests' and the operator's. */
struct lload {
    const struct svc_load *spec;
    struct svc_load *owned; /* started by a command */
    size_t sim_id;
    bool reported;
};

struct loop {
    const struct svc_set *set;
    loop_emit_fn emit;
    void *ctx;
    struct sim *sim; /* NULL when observations come from the caller */
    struct rt *rts;
    size_t n;
    int64_t elapsed;
    pp_time now;
    struct lload *loads;
    size_t n_loads, cap_loads;
    /* commands: submitted from any thread, applied at the start of a tick */
    pthread_mutex_t mu;
    struct command *queue;
    size_t q_head, q_len;
    struct command applying;
    char created[64]; /* the services' creation time, as describe prints it */
    struct loop_obs *obs; /* per service, the sim's observations this tick */
    /* scratch, reused every tick: a tick allocates nothing */
    struct sim_pod_sample samples[SIM_MAX_PODS];
    struct kpa_stat stats[SIM_MAX_PODS];
    struct hpa_pod hpa_pods[SIM_MAX_PODS];
    int64_t hpa_vals[HPA_MAX_METRICS][SIM_MAX_PODS];
    bool hpa_present[HPA_MAX_METRICS][SIM_MAX_PODS];
    struct hpa_metric_obs hpa_obs[HPA_MAX_METRICS];
    char errors[HPA_MAX_METRICS][200];
};

static void emit_decision(struct loop *l, size_t svc);
static void rfc1123z(pp_time t, char *buf, size_t size);

static double elapsed_s(const struct loop *l) { return (double)l->elapsed; }

static void emit_event(struct loop *l, size_t svc, bool warning, const char *reason,
                       const char *message) {
    const struct loop_record r = {.kind = LOOP_EVENT, .t = elapsed_s(l), .svc = svc,
                                  .warning = warning, .reason = reason, .message = message};
    l->emit(l->ctx, &r);
}

static void emit_decision(struct loop *l, size_t svc) {
    struct rt *rt = &l->rts[svc];
    if (rt->ov.pinned || rt->ov.paused) {
        char why[sizeof(rt->view.reason)];
        snprintf(why, sizeof(why), "%s", rt->view.reason);
        snprintf(rt->view.reason, sizeof(rt->view.reason), "%s %d by the operator%s%.150s",
                 rt->ov.pinned ? "pinned at" : "paused at", rt->view.actual, why[0] ? "; " : "",
                 why);
    }
    const struct loop_record r = {
        .kind = LOOP_DECISION, .t = elapsed_s(l), .svc = svc, .view = &l->rts[svc].view};
    l->emit(l->ctx, &r);
}

static void actuate(struct loop *l, size_t svc, int32_t replicas) {
    struct rt *r = &l->rts[svc];
    if (replicas == r->replicas)
        return;
    char msg[96];
    snprintf(msg, sizeof(msg), "Scaling from %d to %d", r->replicas, replicas);
    r->replicas = replicas;
    if (l->sim)
        sim_scale(l->sim, svc, replicas, l->now);
    emit_event(l, svc, false, "Scaled", msg);
}

/* ---- KPA ---- */

static void kpa_step(struct loop *l, size_t svc, const struct loop_obs *o) {
    struct rt *r = &l->rts[svc];
    struct kpa_service_view v = {0};
    kpa_service_step(r->kpa, l->now, &o->pods, o->ready, &o->activator, &v);
    const struct kpa_config *cfg = kpa_service_config(r->kpa);
    struct loop_view *w = &r->view;
    if (v.decided) {
        if (v.scale.panic_mode != w->panic_mode && v.scale.valid)
            emit_event(l, svc, false, v.scale.panic_mode ? "Panicking" : "Unpanicking",
                       v.scale.panic_mode ? "PANICKING." : "Un-panicking.");
        w->target = cfg->target_value;
        w->stable = v.scale.stable;
        w->panic = v.scale.panic;
        w->panic_mode = v.scale.valid ? v.scale.panic_mode : w->panic_mode;
        w->recommended = v.scale.recommended;
        kpa_limits_text(v.scale.limits, w->reason, sizeof(w->reason));
        if (!w->reason[0])
            snprintf(w->reason, sizeof(w->reason), "%s", pa_why_text(v.why));
    }
    w->desired = v.desired;
    if (l->sim)
        sim_set_activator(l->sim, svc, v.activator_in_path, l->now);
    actuate(l, svc, override_replicas(&r->ov, v.replicas));
    w->actual = r->replicas;
    w->ready = o->ready;
    if (v.decided)
        emit_decision(l, svc);
}

/* ---- HPA ---- */

static bool name_has(const char *name, const char *part) {
    const size_t n = strlen(part);
    for (const char *p = name; *p; p++)
        if (strncasecmp(p, part, n) == 0)
            return true;
    return false;
}

/* What the simulated pods can report for a custom metric name (see README,
 * "simulated metrics"); -1 when they cannot. */
enum simmetric { SM_NONE = -1, SM_GPU_PERCENT, SM_GPU_RATIO, SM_STREAMS, SM_CONC, SM_RPS };

static enum simmetric sim_metric_of(const char *name) {
    if (!name)
        return SM_NONE;
    if (name_has(name, "SM_ACTIVE") || name_has(name, "GR_ENGINE_ACTIVE"))
        return SM_GPU_RATIO;
    if (name_has(name, "SM_UTIL") || name_has(name, "GPU_UTIL") || name_has(name, "gpu"))
        return SM_GPU_PERCENT;
    if (name_has(name, "streams_ratio"))
        return SM_STREAMS;
    if (name_has(name, "concurrency") || name_has(name, "current_requests") ||
        name_has(name, "in_flight") || name_has(name, "inflight"))
        return SM_CONC;
    if (name_has(name, "rps") || name_has(name, "requests_per_second") ||
        name_has(name, "qps") || name_has(name, "infer_total"))
        return SM_RPS;
    return SM_NONE;
}

static double sim_metric_value(enum simmetric m, const struct sim_pod_sample *p) {
    switch (m) {
    case SM_GPU_PERCENT:
        return p->gpu_util;
    case SM_GPU_RATIO:
        return p->gpu_util / 100;
    case SM_STREAMS:
        return p->streams_ratio;
    case SM_CONC:
        return p->concurrency;
    case SM_RPS:
        return p->rps;
    case SM_NONE:
        break;
    }
    return 0;
}

static void hpa_metric_obs(struct loop *l, size_t k, const struct hpa_metric_spec *m,
                           const struct sim_pod_sample *samples, size_t n) {
    struct hpa_metric_obs *o = &l->hpa_obs[k];
    *o = (struct hpa_metric_obs){.pod_milli = l->hpa_vals[k], .present = l->hpa_present[k],
                                 .timestamp = l->now, .window = PP_SEC(15)};
    const bool resource = m->type == HPA_RESOURCE || m->type == HPA_CONTAINER_RESOURCE;
    const bool memory = resource && strcmp(m->name, "memory") == 0;
    if (resource && !memory && strcmp(m->name, "cpu") != 0) {
        snprintf(l->errors[k], sizeof(l->errors[k]),
                 "unable to get metrics for resource %s: no metrics returned from resource "
                 "metrics API",
                 m->name);
        o->error = l->errors[k];
        return;
    }
    const enum simmetric sm = resource ? SM_NONE : sim_metric_of(m->name);
    if (!resource && sm == SM_NONE) {
        snprintf(l->errors[k], sizeof(l->errors[k]),
                 "unable to get metric %s: the simulated cluster has no metric of that name "
                 "(see README, simulated metrics)",
                 m->name);
        o->error = l->errors[k];
        return;
    }
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        const struct sim_pod_sample *p = &samples[i];
        double v = resource ? (double)(memory ? p->memory_milli : p->cpu_milli)
                            : 1000.0 * sim_metric_value(sm, p);
        l->hpa_vals[k][i] = resource ? (int64_t)v : (int64_t)llround(v);
        l->hpa_present[k][i] = p->ready;
        if (p->ready)
            total += v;
    }
    o->value_milli = (int64_t)llround(total);
}

/* The pods and metrics an HPA sync reads from pod samples. */
static void hpa_observe_samples(struct loop *l, size_t svc, const struct sim_pod_sample *samples,
                                size_t n, struct loop_obs *o) {
    struct rt *r = &l->rts[svc];
    if (n > SIM_MAX_PODS)
        n = SIM_MAX_PODS;
    for (size_t i = 0; i < n; i++) {
        const struct sim_pod_sample *p = &samples[i];
        l->hpa_pods[i] = (struct hpa_pod){
            .phase = HPA_POD_RUNNING,
            .has_ready_condition = true,
            .ready = p->ready,
            .ready_transition = p->ready ? p->ready_at : p->created,
            .started = true,
            .start_time = p->created,
            .cpu_request_milli = r->cfg->pods.cpu_request_milli,
            .memory_request_milli = r->cfg->pods.memory_request_milli,
        };
    }
    const struct hpa_spec *spec = hpa_spec(r->hpa);
    for (size_t k = 0; k < spec->n_metrics; k++)
        hpa_metric_obs(l, k, &spec->metrics[k], samples, n);
    o->hpa = true;
    o->n_pods = n;
    o->hpa_pods = l->hpa_pods;
    o->n_metrics = spec->n_metrics;
    o->metrics = l->hpa_obs;
}

/* From the simulated cluster's metrics-server window. */
static void hpa_observe_sim(struct loop *l, size_t svc, struct loop_obs *o) {
    struct sim_service_sample ss;
    const size_t n = sim_sample(l->sim, svc, HPA_METRICS_READER, l->now, l->samples,
                                SIM_MAX_PODS, &ss);
    hpa_observe_samples(l, svc, l->samples, n, o);
}

static void hpa_emit_new_events(struct loop *l, size_t svc) {
    struct rt *r = &l->rts[svc];
    const struct hpa_event *ev;
    const size_t n = hpa_events(r->hpa, &ev);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].last < r->events_seen ||
            (ev[i].last == r->events_seen && ev[i].count <= r->events_count))
            continue;
        emit_event(l, svc, ev[i].warning, ev[i].reason, ev[i].message);
        r->events_seen = ev[i].last;
        r->events_count = ev[i].count;
    }
}

static void hpa_reason(const struct hpa_status *st, char *buf, size_t size) {
    const struct hpa_condition *able = NULL, *active = NULL, *limited = NULL;
    for (size_t i = 0; i < st->n_conditions; i++) {
        const struct hpa_condition *c = &st->conditions[i];
        if (c->type == HPA_ABLE_TO_SCALE)
            able = c;
        else if (c->type == HPA_SCALING_ACTIVE)
            active = c;
        else
            limited = c;
    }
    if (active && active->status != HPA_COND_TRUE)
        snprintf(buf, size, "ScalingActive False %s", active->reason);
    else if (limited && limited->status == HPA_COND_TRUE)
        snprintf(buf, size, "ScalingLimited True %s", limited->reason);
    else if (able)
        snprintf(buf, size, "AbleToScale %s %s", hpa_cond_status_name(able->status),
                 able->reason);
    else
        buf[0] = '\0';
}

static void hpa_set_target(struct rt *r) {
    const struct hpa_metric_spec *m0 = &hpa_spec(r->hpa)->metrics[0];
    r->view.target =
        m0->target == HPA_TARGET_UTILIZATION ? m0->utilization : (double)m0->milli / 1000;
}

static void hpa_step(struct loop *l, size_t svc, const struct loop_obs *o) {
    struct rt *r = &l->rts[svc];
    if (l->now < r->next_sync)
        return;
    struct loop_obs from_samples;
    if (!o->hpa && o->hpa_samples) {
        from_samples = *o;
        hpa_observe_samples(l, svc, o->hpa_samples, o->n_samples, &from_samples);
        o = &from_samples;
    }
    if (!o->hpa)
        return;
    r->next_sync += PP_SEC(15);
    const struct hpa_spec *spec = hpa_spec(r->hpa);
    const size_t n = o->n_pods < SIM_MAX_PODS ? o->n_pods : SIM_MAX_PODS;
    if (o->hpa_pods != l->hpa_pods)
        memcpy(l->hpa_pods, o->hpa_pods, n * sizeof(*l->hpa_pods));
    for (size_t i = 0; i < n; i++) {
        l->hpa_pods[i].cpu_request_milli = r->cfg->pods.cpu_request_milli;
        l->hpa_pods[i].memory_request_milli = r->cfg->pods.memory_request_milli;
    }
    for (size_t k = o->n_metrics; k < spec->n_metrics && k < HPA_MAX_METRICS; k++)
        l->hpa_obs[k] = (struct hpa_metric_obs){.error = "no observation of this metric"};
    const struct hpa_obs obs = {.spec_replicas = r->replicas,
                                .status_replicas = o->ready + o->starting,
                                .pods = l->hpa_pods,
                                .n_pods = n,
                                .metrics = o->n_metrics >= spec->n_metrics ? o->metrics
                                                                           : l->hpa_obs};
    if (o->n_metrics < spec->n_metrics && o->metrics != l->hpa_obs)
        memcpy(l->hpa_obs, o->metrics, o->n_metrics * sizeof(*l->hpa_obs));
    int32_t replicas = r->replicas;
    const struct hpa_status *st = hpa_sync(r->hpa, &obs, l->now, &replicas);
    struct loop_view *w = &r->view;
    w->hpa = st;
    const struct hpa_metric_spec *m0 = &spec->metrics[0];
    hpa_set_target(r);
    w->stable = NAN;
    if (st->n_metrics > 0 && st->metrics[0].valid)
        w->stable = m0->target == HPA_TARGET_UTILIZATION ? st->metrics[0].utilization
                                                         : (double)st->metrics[0].current_milli /
                                                               1000;
    w->recommended = st->metric_recommendation;
    w->desired = st->desired_replicas;
    hpa_reason(st, w->reason, sizeof(w->reason));
    hpa_emit_new_events(l, svc);
    actuate(l, svc, override_replicas(&r->ov, replicas));
    w->actual = r->replicas;
    w->ready = o->ready;
    emit_decision(l, svc);
}

/* ---- Seldon lag ---- */

static void lag_op(struct loop *l, size_t svc, int64_t op) {
    struct rt *r = &l->rts[svc];
    if (r->n_ops == r->cap_ops) {
        r->cap_ops = r->cap_ops ? 2 * r->cap_ops : 256;
        r->ops = xrealloc(r->ops, r->cap_ops * sizeof(*r->ops));
    }
    r->ops[r->n_ops++] = op;
}

static void lag_hook_start(void *ctx, size_t svc, int32_t slot, pp_time now) {
    lag_op(ctx, svc, LOOP_LAG_OP(now / PP_NS_PER_SEC, slot, false));
}

static void lag_hook_end(void *ctx, size_t svc, int32_t slot, pp_time now) {
    lag_op(ctx, svc, LOOP_LAG_OP(now / PP_NS_PER_SEC, slot, true));
}

struct lag_ctx {
    struct loop *l;
    size_t svc;
};

static void lag_record_text(const struct lag_record *rec, const char **reason, char *msg,
                            size_t size) {
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
        snprintf(msg, size, "model cannot be placed: %d replicas wanted, %d placed",
                 rec->desired, rec->placed);
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

static void lag_emit(void *ctx, const struct lag_record *rec) {
    const struct lag_ctx *c = ctx;
    struct rt *r = &c->l->rts[c->svc];
    if (rec->kind == LAG_TRIGGER && rec->trigger == LAG_SCALE_UP && rec->amount > r->max_lag)
        r->max_lag = rec->amount;
    if (rec->kind == LAG_DECISION)
        r->lag_recommended = rec->replicas_before + (rec->trigger == LAG_SCALE_UP ? 1 : -1);
    const char *reason = "";
    char msg[200];
    lag_record_text(rec, &reason, msg, sizeof(msg));
    emit_event(c->l, c->svc, rec->kind == LAG_SCHEDULE_FAILED_EV, reason, msg);
}

static void lag_sync_pods(struct loop *l, size_t svc) {
    struct rt *r = &l->rts[svc];
    if (!l->sim)
        return;
    const int32_t cap = lag_replica_capacity(r->lag);
    for (int32_t i = 0; i < cap && i < SIM_MAX_PODS; i++)
        sim_set_pod(l->sim, svc, i, lag_replica(r->lag, i) == LAG_REPLICA_AVAILABLE, l->now);
}

static void lag_step(struct loop *l, size_t svc, const struct loop_obs *o) {
    struct rt *r = &l->rts[svc];
    struct lag_ctx c = {l, svc};
    for (size_t i = 0; i < o->n_lag; i++) {
        const int64_t op = o->lag_ops[i];
        if (LOOP_LAG_OP_END(op))
            lag_request_end(r->lag, LOOP_LAG_OP_SLOT(op));
        else
            lag_request_start(r->lag, LOOP_LAG_OP_SLOT(op), LOOP_LAG_OP_SEC(op));
    }
    const int64_t now_s = l->now / PP_NS_PER_SEC;
    struct lag_status st;
    lag_status(r->lag, &st);
    if (l->now >= r->next_stats) {
        r->next_stats += PP_SEC(r->cfg->lag.stats_period_s);
        r->max_lag = 0;
        r->lag_recommended = st.replicas;
        lag_tick(r->lag, now_s, lag_emit, &c);
        lag_status(r->lag, &st);
        struct loop_view *w = &r->view;
        w->stable = (double)r->max_lag;
        w->recommended = r->lag_recommended;
        w->desired = st.replicas;
        w->actual = st.replicas;
        lag_sync_pods(l, svc);
        w->ready = o->ready;
        snprintf(w->reason, sizeof(w->reason), "model %s", lag_state_name(st.state));
        emit_decision(l, svc);
        return;
    }
    lag_advance(r->lag, now_s, lag_emit, &c);
    lag_sync_pods(l, svc);
}

/* ---- cron ---- */

static void cron_step(struct loop *l, size_t svc, int32_t ready) {
    struct rt *r = &l->rts[svc];
    struct cron_fire f;
    while (cron_take(r->cron, l->now / PP_NS_PER_SEC, &f)) {
        const struct cron_job_spec *job = &r->jobs[f.job];
        char msg[320];
        if (f.result != CRON_SCALED) {
            snprintf(msg, sizeof(msg), "%s", cron_job_message(r->cron, f.job));
            emit_event(l, svc, false, "Skipped", msg);
            continue;
        }
        struct loop_view *w = &r->view;
        int32_t replicas = f.target_size;
        char result[256] = "";
        if (r->hpa) {
            const struct hpa_spec *spec = hpa_spec(r->hpa);
            const struct cron_hpa_in in = {
                .target_size = f.target_size,
                .hpa_min = spec->min_replicas,
                .hpa_max = spec->max_replicas,
                .hpa_current = r->replicas,
                .scale_replicas = r->replicas,
                .hpa_name = r->cfg->scaler_name,
                .hpa_namespace = r->cfg->namespace_,
            };
            struct cron_hpa_out out;
            cron_scale_hpa(&in, &out);
            if (out.hpa_updated)
                hpa_set_bounds(r->hpa, out.hpa_min, out.hpa_max);
            replicas = out.target_scaled ? out.replicas : r->replicas;
            snprintf(result, sizeof(result), "%s", out.message);
        } else {
            snprintf(result, sizeof(result), "current replicas:%d, desired replicas:%d.",
                     r->replicas, f.target_size);
            w->metric = "schedule";
            w->target = f.target_size;
            w->recommended = f.target_size;
            w->desired = f.target_size;
            snprintf(w->reason, sizeof(w->reason), "job %s", job->name);
        }
        cron_status_message(job->name, result, msg, sizeof(msg));
        emit_event(l, svc, false, "Succeed", msg);
        actuate(l, svc, override_replicas(&r->ov, replicas));
        if (!r->hpa) {
            w->actual = r->replicas;
            w->ready = ready;
            emit_decision(l, svc);
        }
    }
}

/* ---- create / tick ---- */

static void metric_label(struct rt *r) {
    const struct svc_config *c = r->cfg;
    switch (c->cls) {
    case SVC_KPA:
        r->view.metric = c->kpa.metric == KPA_METRIC_RPS ? "rps" : "concurrency";
        return;
    case SVC_HPA: {
        const struct hpa_metric_spec *m = &hpa_spec(r->hpa)->metrics[0];
        snprintf(r->metric, sizeof(r->metric), "%s", m->name ? m->name : "cpu");
        r->view.metric = r->metric;
        return;
    }
    case SVC_LAG:
        r->view.metric = "inference_lag";
        r->view.target = c->lag.lag_threshold;
        return;
    case SVC_CRON:
        r->view.metric = "schedule";
        return;
    case SVC_NONE:
        r->view.metric = "";
        return;
    }
}

static enum pp_status create_scaler(struct loop *l, size_t i, struct pp_error *err) {
    struct rt *r = &l->rts[i];
    const struct svc_config *c = r->cfg;
    const pp_time start = l->set->start;
    switch (c->cls) {
    case SVC_KPA:
        r->kpa = kpa_service_create(&c->kpa, start);
        break;
    case SVC_HPA: {
        if (hpa_validate(&c->hpa, err) != PP_OK)
            return PP_ERR_INVALID;
        struct hpa_controller ctl;
        hpa_controller_defaults(&ctl);
        r->hpa = hpa_create(&c->hpa, &ctl);
        r->next_sync = start + ctl.sync_period;
        break;
    }
    case SVC_LAG: {
        struct lag_model_spec m = c->lag_model;
        if (lag_model_validate(&m, err) != PP_OK)
            return PP_ERR_INVALID;
        struct lag_initial_replica init[SIM_MAX_PODS];
        const int32_t n = m.replicas > 0 ? m.replicas : 1;
        for (int32_t k = 0; k < n && k < SIM_MAX_PODS; k++)
            init[k] = (struct lag_initial_replica){
                .idx = k, .lag = 0, .last_used = start / PP_NS_PER_SEC,
                .available_at = start / PP_NS_PER_SEC - 600};
        r->lag = lag_create(&c->lag, &m, &c->lag_server, init, (size_t)n,
                            start / PP_NS_PER_SEC - 600);
        r->next_stats = start + PP_SEC(c->lag.stats_period_s);
        if (l->sim)
            sim_set_hooks(l->sim, i, lag_hook_start, lag_hook_end, l);
        r->replicas = n;
        break;
    }
    case SVC_CRON:
    case SVC_NONE:
        break;
    }
    if (c->cron.set) {
        memcpy(r->jobs, c->cron.jobs, sizeof(r->jobs));
        struct cron_spec spec = c->cron.spec;
        spec.jobs = r->jobs;
        spec.exclude_dates = c->cron.excludes;
        if (cron_validate(&spec, err) != PP_OK)
            return PP_ERR_INVALID;
        const struct tz *zone = c->cron_tz;
        if (!zone)
            zone = r->utc = tz_utc();
        r->cron = cron_create(&spec, zone, CRON_EXCLUDE_UPSTREAM, start / PP_NS_PER_SEC);
    }
    return PP_OK;
}

static void reset_view(struct rt *r) {
    r->view = (struct loop_view){.service = r->service, .cls = r->cfg->cls, .stable = NAN,
                                 .panic = NAN, .gpu_util = NAN, .recommended = -1,
                                 .desired = r->replicas, .actual = r->replicas};
}

static void add_load(struct loop *l, const struct svc_load *spec, struct svc_load *owned,
                     size_t sim_id) {
    if (l->n_loads == l->cap_loads) {
        l->cap_loads = l->cap_loads ? 2 * l->cap_loads : 8;
        l->loads = xrealloc(l->loads, l->cap_loads * sizeof(*l->loads));
    }
    l->loads[l->n_loads++] = (struct lload){.spec = spec, .owned = owned, .sim_id = sim_id};
}

static struct loop *create(const struct svc_set *set, loop_emit_fn emit, void *ctx, bool sim,
                           struct pp_error *err) {
    for (size_t i = 0; sim && i < set->n_loads; i++)
        if (!set->loads[i].parsed) {
            pp_fail(err, PP_ERR_INVALID, "loads", "load \"%.200s\" was not parsed",
                    set->loads[i].text);
            return NULL;
        }
    struct loop *l = xcalloc(1, sizeof(*l));
    l->set = set;
    l->emit = emit;
    l->ctx = ctx;
    l->now = set->start;
    l->n = set->n;
    rfc1123z(set->start, l->created, sizeof(l->created));
    pthread_mutex_init(&l->mu, NULL);
    l->queue = xcalloc(QUEUE_CAP, sizeof(*l->queue));
    l->rts = xcalloc(set->n ? set->n : 1, sizeof(*l->rts));
    l->obs = xcalloc(set->n ? set->n : 1, sizeof(*l->obs));
    if (sim) {
        struct sim_pod_model *models = xcalloc(set->n ? set->n : 1, sizeof(*models));
        int32_t *ready = xcalloc(set->n ? set->n : 1, sizeof(*ready));
        for (size_t i = 0; i < set->n; i++) {
            models[i] = set->svcs[i].pods;
            ready[i] = set->svcs[i].cls == SVC_LAG ? 0 : set->svcs[i].initial_ready;
        }
        l->sim = sim_create(set->seed, models, ready, set->n, set->start);
        free(models);
        free(ready);
    }
    for (size_t i = 0; i < set->n; i++) {
        struct rt *r = &l->rts[i];
        r->cfg = &set->svcs[i];
        snprintf(r->service, sizeof(r->service), "%s/%s", r->cfg->namespace_, r->cfg->name);
        r->replicas = r->cfg->initial_ready;
        if (create_scaler(l, i, err) != PP_OK) {
            if (err) {
                char msg[sizeof(err->message)];
                snprintf(msg, sizeof(msg), "%s", err->message);
                snprintf(err->message, sizeof(err->message), "service %.200s: %.300s",
                         r->service, msg);
            }
            loop_destroy(l);
            return NULL;
        }
        reset_view(r);
        metric_label(r);
        if (r->cfg->pods.gpus > 0 && sim)
            r->pod_gpu = xcalloc(SIM_MAX_PODS, sizeof(*r->pod_gpu));
        if (r->kpa) {
            r->view.target = r->cfg->kpa.target_value;
            r->view.panic_threshold = r->cfg->kpa.panic_threshold;
        }
        if (r->hpa)
            hpa_set_target(r);
        r->base_target = r->view.target;
        const int32_t want = r->cfg->cls == SVC_KPA ? r->cfg->kpa.deployment_replicas
                             : r->cfg->cls == SVC_LAG ? r->replicas
                                                      : r->cfg->replicas;
        if (r->cfg->cls == SVC_LAG) {
            lag_sync_pods(l, i);
        } else {
            if (l->sim)
                sim_scale(l->sim, i, want, l->now);
            r->replicas = want;
        }
        r->view.actual = r->view.desired = r->replicas;
    }
    for (size_t i = 0; sim && i < set->n_loads; i++) {
        struct sim_load ld = set->loads[i].load;
        ld.start += set->start;
        add_load(l, &set->loads[i], NULL, sim_load_start(l->sim, set->loads[i].svc, &ld));
    }
    return l;
}

struct loop *loop_create(const struct svc_set *set, loop_emit_fn emit, void *ctx,
                         struct pp_error *err) {
    return create(set, emit, ctx, true, err);
}

struct loop *loop_create_observed(const struct svc_set *set, loop_emit_fn emit, void *ctx,
                                  struct pp_error *err) {
    return create(set, emit, ctx, false, err);
}

void loop_destroy(struct loop *l) {
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        struct rt *r = &l->rts[i];
        kpa_service_destroy(r->kpa);
        hpa_destroy(r->hpa);
        lag_destroy(r->lag);
        cron_destroy(r->cron);
        tz_destroy(r->utc);
        free(r->ops);
        free(r->pod_gpu);
    }
    for (size_t i = 0; i < l->n_loads; i++)
        free(l->loads[i].owned);
    sim_destroy(l->sim);
    pthread_mutex_destroy(&l->mu);
    free(l->queue);
    free(l->obs);
    free(l->rts);
    free(l->loads);
    free(l);
}

/* ---- operator commands ---- */

static enum pp_status find_service(const struct loop *l, const char *name, size_t *svc,
                                   struct pp_error *err) {
    *svc = svc_set_match(l->set, name);
    if (*svc < l->set->n)
        return PP_OK;
    char names[300] = "";
    size_t used = 0;
    for (size_t i = 0; i < l->set->n && used < sizeof(names); i++) {
        int k = snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
                         l->set->svcs[i].name);
        if (k < 0)
            break;
        used += (size_t)k;
    }
    return pp_fail(err, PP_ERR_INVALID, "service", "no service \"%s\" (services: %s)", name,
                   names);
}

enum pp_status loop_check(const struct loop *l, const struct command *cmd,
                          struct pp_error *err) {
    size_t svc;
    if (find_service(l, cmd->service, &svc, err) != PP_OK)
        return PP_ERR_INVALID;
    const struct svc_config *c = &l->set->svcs[svc];
    struct override ov = {0};
    struct override_config oc;
    switch (cmd->kind) {
    case CMD_PIN:
        if (c->cls == SVC_LAG)
            return pp_fail(err, PP_ERR_INVALID, "pin",
                           "%s is a Seldon Model: its scheduler places replicas itself, so "
                           "podpilot cannot pin them; pause stops its autoscaling",
                           c->name);
        break;
    case CMD_TARGET:
        ov.target_set = true;
        ov.target = cmd->value;
        if (override_build(c, &ov, 0, 0, &oc, err) != PP_OK)
            return PP_ERR_INVALID;
        break;
    case CMD_TARGET_RESET:
        if (c->cls == SVC_CRON || c->cls == SVC_NONE)
            return pp_fail(err, PP_ERR_INVALID, "target", "%s has no target", c->name);
        break;
    case CMD_SET:
        if (override_set_knob(&ov, cmd->knob, cmd->arg, err) != PP_OK ||
            override_build(c, &ov, 0, 0, &oc, err) != PP_OK)
            return PP_ERR_INVALID;
        break;
    case CMD_LOAD:
        if (!cmd->load_ready)
            return pp_fail(err, PP_ERR_INVALID, "load", "the load's flags were not parsed");
        break;
    case CMD_UNPIN:
    case CMD_PAUSE:
    case CMD_RESUME:
    case CMD_STOP:
        break;
    }
    return PP_OK;
}

enum pp_status loop_submit(struct loop *l, const struct command *cmd, struct pp_error *err) {
    if (loop_check(l, cmd, err) != PP_OK)
        return PP_ERR_INVALID;
    pthread_mutex_lock(&l->mu);
    const bool full = l->q_len == QUEUE_CAP;
    if (!full)
        l->queue[(l->q_head + l->q_len++) % QUEUE_CAP] = *cmd;
    pthread_mutex_unlock(&l->mu);
    if (full)
        return pp_fail(err, PP_ERR_LIMIT, "command", "%d commands already wait for the next tick",
                       QUEUE_CAP);
    return PP_OK;
}

static bool next_command(struct loop *l, struct command *out) {
    pthread_mutex_lock(&l->mu);
    const bool any = l->q_len > 0;
    if (any) {
        *out = l->queue[l->q_head];
        l->q_head = (l->q_head + 1) % QUEUE_CAP;
        l->q_len--;
    }
    pthread_mutex_unlock(&l->mu);
    return any;
}

/* Hands the scaler its settings after a target or knob change. */
static enum pp_status reconfigure(struct loop *l, size_t svc, const struct override *ov,
                                  struct pp_error *err) {
    struct rt *r = &l->rts[svc];
    struct override_config oc;
    const struct hpa_spec *cur = r->hpa ? hpa_spec(r->hpa) : NULL;
    if (override_build(r->cfg, ov, cur ? cur->min_replicas : 0, cur ? cur->max_replicas : 0,
                       &oc, err) != PP_OK)
        return PP_ERR_INVALID;
    r->ov = *ov;
    if (r->kpa) {
        kpa_service_reconfigure(r->kpa, &oc.kpa);
        r->view.target = oc.kpa.target_value;
        r->view.panic_threshold = oc.kpa.panic_threshold;
    } else if (r->hpa) {
        hpa_set_spec(r->hpa, &oc.hpa);
        hpa_set_target(r);
    } else if (r->lag) {
        lag_set_config(r->lag, &oc.lag);
        r->view.target = oc.lag.lag_threshold;
    }
    return PP_OK;
}

static void start_load(struct loop *l, size_t svc, const struct command *cmd) {
    if (!l->sim)
        return; /* replay: the recording holds what the load did */
    struct svc_load *spec = xcalloc(1, sizeof(*spec));
    spec->svc = svc;
    snprintf(spec->text, sizeof(spec->text), "%s", cmd->arg);
    spec->parsed = true;
    spec->load = cmd->load; /* a trace's points live in the set */
    struct sim_load ld = spec->load;
    ld.start = l->now + spec->load.start; /* --after */
    add_load(l, spec, spec, sim_load_start(l->sim, svc, &ld));
}

static int stop_loads(struct loop *l, size_t svc) {
    int n = 0;
    for (size_t i = 0; l->sim && i < l->n_loads; i++) {
        struct lload *ld = &l->loads[i];
        if (ld->reported || ld->spec->svc != svc)
            continue;
        sim_load_stop(l->sim, ld->sim_id, l->now);
        n++;
    }
    return n;
}

static void apply_command(struct loop *l, const struct command *cmd) {
    size_t svc;
    struct pp_error err = {0};
    if (find_service(l, cmd->service, &svc, &err) != PP_OK)
        return;
    struct rt *r = &l->rts[svc];
    const struct loop_record rec = {.kind = LOOP_COMMAND, .t = elapsed_s(l), .svc = svc,
                                    .cmd = cmd};
    l->emit(l->ctx, &rec);
    struct override ov = r->ov;
    char msg[400];
    const char *reason = "Override";
    switch (cmd->kind) {
    case CMD_PIN:
        r->ov.pinned = true;
        r->ov.pin = cmd->replicas;
        snprintf(msg, sizeof(msg),
                 "pinned at %d replicas by the operator; the autoscaler keeps deciding",
                 cmd->replicas);
        break;
    case CMD_UNPIN:
        r->ov.pinned = false;
        snprintf(msg, sizeof(msg), "unpinned: the autoscaler's decisions apply again");
        break;
    case CMD_PAUSE:
        ov.paused = true;
        ov.hold = r->replicas;
        if (r->lag && reconfigure(l, svc, &ov, &err) != PP_OK)
            goto rejected;
        r->ov.paused = true;
        r->ov.hold = r->replicas;
        snprintf(msg, sizeof(msg), "autoscaling paused at %d replicas by the operator",
                 r->replicas);
        break;
    case CMD_RESUME:
        ov.paused = false;
        if (r->lag && reconfigure(l, svc, &ov, &err) != PP_OK)
            goto rejected;
        r->ov.paused = false;
        snprintf(msg, sizeof(msg), "autoscaling resumed");
        break;
    case CMD_TARGET:
    case CMD_TARGET_RESET:
        ov.target_set = cmd->kind == CMD_TARGET;
        ov.target = cmd->value;
        if (reconfigure(l, svc, &ov, &err) != PP_OK)
            goto rejected;
        if (cmd->kind == CMD_TARGET) {
            char t[40];
            pp_format_double(cmd->value, t, sizeof(t));
            snprintf(msg, sizeof(msg), "target set to %s by the operator", t);
        } else {
            snprintf(msg, sizeof(msg), "target restored to the manifest's");
        }
        break;
    case CMD_SET:
        if (override_set_knob(&ov, cmd->knob, cmd->arg, &err) != PP_OK ||
            reconfigure(l, svc, &ov, &err) != PP_OK)
            goto rejected;
        snprintf(msg, sizeof(msg), "%s set to %s by the operator", cmd->knob, cmd->arg);
        break;
    case CMD_LOAD:
        start_load(l, svc, cmd);
        reason = "LoadStarted";
        snprintf(msg, sizeof(msg), "hey %s", cmd->arg);
        break;
    case CMD_STOP: {
        reason = "LoadStopped";
        const int n = stop_loads(l, svc);
        snprintf(msg, sizeof(msg), "%d load test%s stopped by the operator", n, n == 1 ? "" : "s");
        break;
    }
    }
    if (cmd->kind == CMD_PIN || (cmd->kind == CMD_PAUSE && !r->lag))
        actuate(l, svc, override_replicas(&r->ov, r->replicas));
    r->view.pinned = r->ov.pinned;
    r->view.paused = r->ov.paused;
    r->view.actual = r->replicas;
    override_text(&r->ov, r->base_target, r->view.override, sizeof(r->view.override));
    emit_event(l, svc, false, reason, msg);
    return;
rejected:
    snprintf(msg, sizeof(msg), "%.150s: %.80s%s%.160s", cmd->text, err.field,
             err.field[0] ? ": " : "", err.message);
    emit_event(l, svc, true, "OverrideRejected", msg);
}

static void apply_commands(struct loop *l) {
    while (next_command(l, &l->applying))
        apply_command(l, &l->applying);
}

/* ---- ticks ---- */

/* What the simulated cluster shows of svc this second. */
static void observe_sim(struct loop *l, size_t svc, struct loop_obs *o) {
    struct rt *r = &l->rts[svc];
    struct sim_service_sample ss;
    const size_t n = sim_sample(l->sim, svc, 0, l->now, l->samples, SIM_MAX_PODS, &ss);
    int32_t ready = 0;
    double demand = ss.buffered, busy = 0, pod_conc = 0, gpu = 0;
    for (size_t i = 0; i < n; i++) {
        const struct sim_pod_sample *p = &l->samples[i];
        demand += p->concurrency;
        busy += p->busy;
        if (!p->ready)
            continue;
        if (r->pod_gpu)
            r->pod_gpu[ready] = p->gpu_util;
        l->stats[ready++] = (struct kpa_stat){.concurrency = p->concurrency, .rps = p->rps};
        pod_conc += p->concurrency;
        gpu += p->gpu_util;
    }
    r->n_pod_gpu = r->pod_gpu ? (size_t)ready : 0;
    *o = (struct loop_obs){.ready = ready, .starting = ss.starting, .demand = demand,
                           .rps = ss.rps, .busy = busy, .gpu_util = NAN,
                           .n_lag = r->n_ops, .lag_ops = r->ops};
    if (r->cfg->pods.gpus > 0)
        o->gpu_util = ready ? gpu / ready : 0;
    if (r->kpa) {
        o->pods = kpa_scrape_combine(l->stats, (uint32_t)ready);
        /* The activator sees every request while it is in the path: those it
         * holds and those it proxied to pods. */
        o->activator = (struct kpa_stat){.concurrency = ss.buffered + pod_conc, .rps = ss.rps};
    }
    /* Sources report to a microunit (queue-proxy's and metrics' precision is
     * no finer); it also keeps recordings short and quick to write. */
    double *const figures[] = {&o->demand, &o->rps, &o->busy, &o->gpu_util,
                               &o->pods.concurrency, &o->pods.rps, &o->activator.concurrency,
                               &o->activator.rps};
    for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
        if (isfinite(*figures[i]) && fabs(*figures[i]) < 1e9)
            *figures[i] = round(*figures[i] * 1e6) / 1e6;
    if (r->hpa && r->cfg->cls == SVC_HPA && l->now >= r->next_sync)
        hpa_observe_sim(l, svc, o);
}

static void step(struct loop *l, size_t svc, const struct loop_obs *o) {
    struct rt *r = &l->rts[svc];
    r->view.gpu_util = o->gpu_util;
    if (r->cron)
        cron_step(l, svc, o->ready);
    switch (r->cfg->cls) {
    case SVC_KPA:
        kpa_step(l, svc, o);
        break;
    case SVC_HPA:
        hpa_step(l, svc, o);
        break;
    case SVC_LAG:
        lag_step(l, svc, o);
        break;
    case SVC_CRON:
    case SVC_NONE:
        break;
    }
    r->view.ready = o->ready;
    const struct loop_record rec = {.kind = LOOP_OBS, .t = elapsed_s(l), .svc = svc, .obs = o};
    l->emit(l->ctx, &rec);
    r->n_ops = 0;
}

static void report_loads(struct loop *l) {
    for (size_t i = 0; i < l->n; i++)
        l->rts[i].view.loads_running = 0;
    for (size_t i = 0; i < l->n_loads; i++) {
        struct lload *ld = &l->loads[i];
        if (ld->reported)
            continue;
        struct sim_load_result res;
        sim_load_result(l->sim, ld->sim_id, &res);
        if (!res.done) {
            l->rts[ld->spec->svc].view.loads_running++;
            continue;
        }
        ld->reported = true;
        const struct loop_record rec = {.kind = LOOP_LOAD_DONE, .t = elapsed_s(l),
                                        .svc = ld->spec->svc, .load = i, .load_spec = ld->spec,
                                        .result = &res};
        l->emit(l->ctx, &rec);
    }
}

static void begin_tick(struct loop *l) {
    l->elapsed++;
    l->now = l->set->start + PP_SEC(l->elapsed);
    apply_commands(l);
}

static void end_tick(struct loop *l) {
    const struct loop_record rec = {.kind = LOOP_TICK_END, .t = elapsed_s(l)};
    l->emit(l->ctx, &rec);
}

void loop_tick(struct loop *l) {
    if (!l->sim)
        return;
    begin_tick(l);
    sim_run(l->sim, l->now);
    for (size_t i = 0; i < l->n; i++) {
        observe_sim(l, i, &l->obs[i]);
        step(l, i, &l->obs[i]);
    }
    report_loads(l);
    end_tick(l);
}

void loop_tick_observed(struct loop *l, const struct loop_obs *obs) {
    if (l->sim)
        return;
    begin_tick(l);
    for (size_t i = 0; i < l->n; i++)
        step(l, i, &obs[i]);
    end_tick(l);
}

bool loop_hpa_due(const struct loop *l, size_t svc) {
    const struct rt *r = &l->rts[svc];
    return r->hpa && r->cfg->cls == SVC_HPA && l->set->start + PP_SEC(l->elapsed + 1) >= r->next_sync;
}

int64_t loop_elapsed(const struct loop *l) { return l->elapsed; }

bool loop_loads_done(const struct loop *l) {
    for (size_t i = 0; i < l->n_loads; i++)
        if (!l->loads[i].reported)
            return false;
    return true;
}

size_t loop_service_count(const struct loop *l) { return l->n; }
const struct loop_view *loop_view(const struct loop *l, size_t svc) { return &l->rts[svc].view; }

/* RFC 1123 with a numeric zone, in English whatever the locale. */
static void rfc1123z(pp_time t, char *buf, size_t size) {
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tz *utc = tz_utc();
    struct tz_fields c;
    tz_fields(utc, t / PP_NS_PER_SEC, &c);
    tz_destroy(utc);
    snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[c.wday], c.day,
             months[c.month - 1], c.year, c.hour, c.minute, c.second);
}

size_t loop_describe(const struct loop *l, size_t svc, char *buf, size_t size) {
    const struct rt *r = &l->rts[svc];
    if (size)
        buf[0] = '\0';
    if (!r->hpa)
        return 0;
    const struct hpa_meta meta = {
        .name = r->cfg->scaler_name[0] ? r->cfg->scaler_name : r->cfg->name,
        .namespace = r->cfg->namespace_,
        .creation = l->created,
        .target_kind = "Deployment",
        .target_name = r->cfg->name,
    };
    return hpa_describe(r->hpa, &meta, l->now, buf, size);
}

size_t loop_pod_gpu(const struct loop *l, size_t svc, double *out, size_t cap) {
    const struct rt *r = &l->rts[svc];
    const size_t n = r->n_pod_gpu < cap ? r->n_pod_gpu : cap;
    if (n)
        memcpy(out, r->pod_gpu, n * sizeof(*out));
    return n;
}
