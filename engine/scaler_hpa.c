/* The Kubernetes HPA controller as a scaler: one HorizontalPodAutoscaler,
 * synced every 15 s on the pods and metrics the source read for it. */
#include "engine/hpa_describe.h"
#include "engine/scaler.h"
#include "engine/tz.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hpa_scaler {
    const struct svc_config *cfg;
    struct hpa *hpa;
    pp_time next_sync;
    pp_time events_seen; /* the last event passed on */
    int32_t events_count;
    char metric[SVC_NAME_MAX];
    char created[64]; /* the object's creation time, as describe prints it */
    /* what a sync reads, with this service's requests: grown, never per tick */
    struct hpa_pod *pods;
    size_t cap_pods;
    struct hpa_metric_obs metrics[HPA_MAX_METRICS];
    struct hpa_container containers[POD_MAX_CONTAINERS]; /* this service's template */
    size_t n_containers;
};

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

static void set_target(const struct hpa_scaler *s, struct loop_view *w) {
    const struct hpa_metric_spec *m0 = &hpa_spec(s->hpa)->metrics[0];
    w->target = m0->target == HPA_TARGET_UTILIZATION ? m0->utilization : (double)m0->milli / 1000;
}

static enum pp_status create(const struct scaler_args *a, void **st, struct pp_error *err) {
    const struct svc_config *c = a->cfg;
    if (hpa_validate(&c->hpa, err) != PP_OK)
        return PP_ERR_INVALID;
    struct hpa_controller ctl;
    hpa_controller_defaults(&ctl);
    struct hpa_scaler *s = xcalloc(1, sizeof(*s));
    s->cfg = c;
    struct hpa_spec spec = c->hpa; /* the target, as the sync's errors name it */
    spec.target_kind = spec.target_kind ? spec.target_kind : "Deployment";
    spec.target_name = spec.target_name ? spec.target_name : c->name;
    spec.namespace_ = spec.namespace_ ? spec.namespace_ : c->namespace_;
    s->hpa = hpa_create(&spec, &ctl);
    s->next_sync = a->start + ctl.sync_period;
    rfc1123z(a->start, s->created, sizeof(s->created));
    s->n_containers = pod_spec_containers(&c->pods, s->containers);
    const struct hpa_metric_spec *m = &hpa_spec(s->hpa)->metrics[0];
    snprintf(s->metric, sizeof(s->metric), "%s", m->name ? m->name : "cpu");
    a->view->metric = s->metric;
    set_target(s, a->view);
    a->view->desired = c->replicas;
    *st = s;
    return PP_OK;
}

static void destroy(void *st) {
    struct hpa_scaler *s = st;
    if (!s)
        return;
    hpa_destroy(s->hpa);
    free(s->pods);
    free(s);
}

static unsigned needs(const void *st, pp_time now) {
    const struct hpa_scaler *s = st;
    return now >= s->next_sync ? NEED_HPA_SYNC : 0;
}

static void pass_new_events(struct hpa_scaler *s, const struct scaler_sink *sink) {
    const struct hpa_event *ev;
    const size_t n = hpa_events(s->hpa, &ev);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].last < s->events_seen ||
            (ev[i].last == s->events_seen && ev[i].count <= s->events_count))
            continue;
        sink->event(sink->ctx, ev[i].warning, ev[i].reason, ev[i].message);
        s->events_seen = ev[i].last;
        s->events_count = ev[i].count;
    }
}

/* The condition that says most about the last sync, for the why column. */
static void reason(const struct hpa_status *st, char *buf, size_t size) {
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
        snprintf(buf, size, "AbleToScale %s %s", hpa_cond_status_name(able->status), able->reason);
    else
        buf[0] = '\0';
}

/* The sync's input: the observed pods with this service's requests (a
 * what-if may request differently from the recording), and an error for
 * each metric the source did not read. */
static struct hpa_obs sync_input(struct hpa_scaler *s, const struct loop_obs *o, int32_t replicas) {
    const struct hpa_spec *spec = hpa_spec(s->hpa);
    if (o->n_pods > s->cap_pods) {
        s->cap_pods = o->n_pods;
        s->pods = xrealloc(s->pods, s->cap_pods * sizeof(*s->pods));
    }
    if (o->n_pods)
        memcpy(s->pods, o->hpa_pods, o->n_pods * sizeof(*s->pods));
    for (size_t i = 0; i < o->n_pods; i++) {
        s->pods[i].cpu_request_milli = s->cfg->pods.cpu_request_milli;
        s->pods[i].memory_request_milli = s->cfg->pods.memory_request_milli;
        s->pods[i].containers = s->containers;
        s->pods[i].n_containers = s->n_containers;
    }
    const struct hpa_metric_obs *metrics = o->metrics;
    if (o->n_metrics < spec->n_metrics) {
        memcpy(s->metrics, o->metrics, o->n_metrics * sizeof(*s->metrics));
        for (size_t k = o->n_metrics; k < spec->n_metrics && k < HPA_MAX_METRICS; k++)
            s->metrics[k] = (struct hpa_metric_obs){.error = "no observation of this metric"};
        metrics = s->metrics;
    }
    return (struct hpa_obs){.spec_replicas = replicas,
                            .status_replicas = o->ready + o->starting,
                            .pods = s->pods,
                            .n_pods = o->n_pods,
                            .metrics = metrics};
}

static void step(void *st, pp_time now, const struct loop_obs *o, int32_t replicas,
                 struct loop_view *w, const struct scaler_sink *sink, struct scaler_out *out) {
    struct hpa_scaler *s = st;
    *out = (struct scaler_out){0};
    if (now < s->next_sync || !o->hpa)
        return;
    s->next_sync += PP_SEC(15);
    const struct hpa_obs obs = sync_input(s, o, replicas);
    int32_t want = replicas;
    const struct hpa_status *hs = hpa_sync(s->hpa, &obs, now, &want);
    const struct hpa_metric_spec *m0 = &hpa_spec(s->hpa)->metrics[0];
    w->hpa = hs;
    set_target(s, w);
    w->stable = NAN;
    if (hs->n_metrics > 0 && hs->metrics[0].valid)
        w->stable = m0->target == HPA_TARGET_UTILIZATION
                        ? hs->metrics[0].utilization
                        : (double)hs->metrics[0].current_milli / 1000;
    w->recommended = hs->metric_recommendation;
    w->desired = hs->desired_replicas;
    reason(hs, w->reason, sizeof(w->reason));
    pass_new_events(s, sink);
    *out = (struct scaler_out){.decided = true, .scale = true, .replicas = want};
}

static void reconfigure(void *st, const struct override_config *oc, struct loop_view *w) {
    struct hpa_scaler *s = st;
    hpa_set_spec(s->hpa, &oc->hpa);
    set_target(s, w);
}

static void bounds(const void *st, int32_t *min, int32_t *max) {
    const struct hpa_spec *spec = hpa_spec(((const struct hpa_scaler *)st)->hpa);
    *min = spec->min_replicas;
    *max = spec->max_replicas;
}

static void set_bounds(void *st, int32_t min, int32_t max) {
    hpa_set_bounds(((struct hpa_scaler *)st)->hpa, min, max);
}

static size_t describe(const void *st, pp_time now, char *buf, size_t size) {
    const struct hpa_scaler *s = st;
    const struct hpa_meta meta = {
        .name = s->cfg->cls == SVC_KEDA  ? s->cfg->keda.hpa_name /* KEDA's, not the ScaledObject */
                : s->cfg->scaler_name[0] ? s->cfg->scaler_name
                                         : s->cfg->name,
        .namespace = s->cfg->namespace_,
        .creation = s->created,
        .target_kind = "Deployment",
        .target_name = s->cfg->name,
    };
    return hpa_describe(s->hpa, &meta, now, buf, size);
}

const struct scaler_ops scaler_hpa = {
    .name = "hpa",
    .inputs = NEED_HPA_SYNC,
    .caps = SCALER_TARGET,
    .create = create,
    .destroy = destroy,
    .needs = needs,
    .step = step,
    .reconfigure = reconfigure,
    .bounds = bounds,
    .set_bounds = set_bounds,
    .describe = describe,
};
