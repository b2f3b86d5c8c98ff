#include "engine/hpa_internal.h"

/* A sync emits at most one event per metric and three of its own. */
#define HPA_MAX_SYNC_EVENTS (HPA_MAX_METRICS + 4)

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hpa_controller_defaults(struct hpa_controller *c) {
    c->sync_period = PP_SEC(15);
    c->tolerance = 0.1;
    c->downscale_stabilization = PP_SEC(300);
    c->cpu_initialization_period = PP_SEC(300);
    c->initial_readiness_delay = PP_SEC(30);
    c->configurable_tolerance = true; /* beta, on, from v1.35 */
}

/* ---- the controller's state ---- */

struct hpa {
    struct hpa_spec spec; /* resolved */
    struct hpa_controller ctl;
    struct hpa_calc calc; /* the calculator's tolerances and readiness periods */
    /* per spec metric, formatted when the spec is set: its name, and the
     * ValidMetricFound message that names it */
    char *names[HPA_MAX_METRICS], *valid[HPA_MAX_METRICS];
    /* the stable texts each condition holds (put_condition) */
    const char *cond_text[3], *cond_reason[3];
    struct hpa_windows win;
    struct hpa_status status;
    struct hpa_event events[HPA_MAX_EVENTS]; /* oldest first */
    size_t n_events;
    uint8_t sync_events[HPA_MAX_SYNC_EVENTS]; /* emitted by the last sync, in order */
    size_t n_sync_events;
};

void hpa_set_bounds(struct hpa *h, int32_t min, int32_t max) {
    h->spec.min_set = true;
    h->spec.min_replicas = min;
    h->spec.max_replicas = max;
}

/* The v2 defaulting: no metrics means cpu at 80 % utilization. */
static const struct hpa_metric_spec default_metric = {
    .type = HPA_RESOURCE, .name = "cpu", .target = HPA_TARGET_UTILIZATION, .utilization = 80};

const struct hpa_metric_spec *hpa_spec_metrics(const struct hpa_spec *spec, size_t *n) {
    *n = spec->n_metrics ? spec->n_metrics : 1;
    return spec->n_metrics ? spec->metrics : &default_metric;
}

static void resolve_spec(struct hpa *h, const struct hpa_spec *spec) {
    h->spec = *spec;
    if (!h->spec.min_set) {
        h->spec.min_set = true;
        h->spec.min_replicas = 1;
    }
    if (h->spec.n_metrics == 0) {
        h->spec.n_metrics = 1;
        h->spec.metrics[0] = default_metric;
    }
    if (h->spec.behavior_set) {
        hpa_default_rules(&h->spec.up, true);
        hpa_default_rules(&h->spec.down, false);
    }
    /* tolerancesForHpa: behavior's own tolerance only with the gate on */
    const bool own = h->spec.behavior_set && h->ctl.configurable_tolerance;
    h->calc.tol_up = own && h->spec.up.tolerance_set ? h->spec.up.tolerance : h->ctl.tolerance;
    h->calc.tol_down =
        own && h->spec.down.tolerance_set ? h->spec.down.tolerance : h->ctl.tolerance;
    h->cond_text[0] = h->cond_text[1] = h->cond_text[2] = NULL; /* valid[] is made anew */
    for (size_t i = 0; i < h->spec.n_metrics; i++) {
        char name[HPA_TEXT], msg[HPA_TEXT + 80];
        hpa_metric_name(&h->spec.metrics[i], name, sizeof(name));
        snprintf(msg, sizeof(msg),
                 "the HPA was able to successfully calculate a replica count from %s", name);
        free(h->names[i]);
        free(h->valid[i]);
        h->names[i] = xstrdup(name);
        h->valid[i] = xstrdup(msg);
    }
    h->calc.cpu_initialization_period = h->ctl.cpu_initialization_period;
    h->calc.initial_readiness_delay = h->ctl.initial_readiness_delay;
}

struct hpa *hpa_create(const struct hpa_spec *spec, const struct hpa_controller *ctl) {
    struct hpa *h = xcalloc(1, sizeof(*h));
    h->ctl = *ctl;
    resolve_spec(h, spec);
    hpa_windows_reserve(&h->win, &h->spec, &h->ctl);
    for (size_t i = 0; i < HPA_MAX_EVENTS; i++) { /* room for a usual message in every slot */
        h->events[i].cap = 128;
        h->events[i].message = xmalloc(h->events[i].cap);
    }
    h->status.metric_recommendation = -1;
    return h;
}

void hpa_set_spec(struct hpa *h, const struct hpa_spec *spec) { resolve_spec(h, spec); }

void hpa_destroy(struct hpa *h) {
    if (!h)
        return;
    free(h->calc.samples);
    for (size_t i = 0; i < HPA_MAX_EVENTS; i++)
        free(h->events[i].message);
    for (size_t i = 0; i < HPA_MAX_METRICS; i++) {
        free(h->names[i]);
        free(h->valid[i]);
    }
    hpa_windows_free(&h->win);
    free(h);
}

const struct hpa_status *hpa_status(const struct hpa *h) { return &h->status; }
const struct hpa_spec *hpa_spec(const struct hpa *h) { return &h->spec; }

/* ---- conditions and events ---- */

static void set_condition(struct hpa *h, enum hpa_cond_type type, enum hpa_cond_status st,
                          const char *reason, pp_time now, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Copies src into dst (of size) only where it differs: a condition is set
 * several times a sync, mostly to what it already says. */
static void keep_text(char *dst, size_t size, const char *src) {
    if (strcmp(dst, src) == 0)
        return;
    const size_t n = strlen(src) < size ? strlen(src) : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* setConditionInList: the transition time moves only when the status does.
 * `stable`: text lives as long as the spec (a literal, or a message made
 * when the spec was set), so the same pointer means the same text. */
static void put_condition(struct hpa *h, enum hpa_cond_type type, enum hpa_cond_status st,
                          const char *reason, pp_time now, const char *text, bool stable) {
    struct hpa_status *s = &h->status;
    size_t i = 0;
    while (i < s->n_conditions && s->conditions[i].type != type)
        i++;
    struct hpa_condition *c = &s->conditions[i];
    if (i == s->n_conditions) {
        s->n_conditions++;
        memset(c, 0, sizeof(*c));
        c->type = type;
        h->cond_text[i] = h->cond_reason[i] = NULL;
    }
    if (c->status != st)
        c->last_transition = now;
    c->status = st;
    if (h->cond_reason[i] != reason)
        keep_text(c->reason, sizeof(c->reason), reason);
    h->cond_reason[i] = reason; /* reasons are literals */
    if (!stable || h->cond_text[i] != text)
        keep_text(c->message, sizeof(c->message), text);
    h->cond_text[i] = stable ? text : NULL;
}

static void set_condition_text(struct hpa *h, enum hpa_cond_type type, enum hpa_cond_status st,
                               const char *reason, pp_time now, const char *text) {
    put_condition(h, type, st, reason, now, text, true);
}

static void set_condition(struct hpa *h, enum hpa_cond_type type, enum hpa_cond_status st,
                          const char *reason, pp_time now, const char *fmt, ...) {
    char text[HPA_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    put_condition(h, type, st, reason, now, text, false);
}

static void record_event(struct hpa *h, bool warning, const char *reason, pp_time now,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void record_event_text(struct hpa *h, bool warning, const char *reason, pp_time now,
                              const char *msg) {
    uint32_t hash = 2166136261u; /* FNV-1a: a miss costs one compare, not a strcmp */
    for (const char *p = msg; *p; p++)
        hash = (hash ^ (uint8_t)*p) * 16777619u;
    size_t k = 0;
    while (k < h->n_events &&
           !(h->events[k].hash == hash && h->events[k].warning == warning &&
             strcmp(h->events[k].reason, reason) == 0 && strcmp(h->events[k].message, msg) == 0))
        k++;
    if (k < h->n_events) {
        h->events[k].count++;
        h->events[k].last = now;
    } else {
        struct hpa_event *e = &h->events[h->n_events++];
        const size_t len = strlen(msg);
        if (len + 1 > e->cap) { /* the slot's buffer grows once, then serves later events */
            e->cap = len + 1 > 128 ? len + 1 : 128;
            e->message = xrealloc(e->message, e->cap);
        }
        memcpy(e->message, msg, len + 1);
        e->hash = hash;
        e->warning = warning;
        snprintf(e->reason, sizeof(e->reason), "%s", reason);
        e->count = 1;
        e->first = e->last = now;
    }
    if (h->n_sync_events < HPA_MAX_SYNC_EVENTS)
        h->sync_events[h->n_sync_events++] = (uint8_t)k;
}

static void record_event(struct hpa *h, bool warning, const char *reason, pp_time now,
                         const char *fmt, ...) {
    char msg[HPA_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    record_event_text(h, warning, reason, now, msg);
}

/* Room for a sync's events before any index is handed out: when a sync
 * might not fit, the oldest half goes at once (not one by one each sync). */
static void begin_events(struct hpa *h) {
    h->n_sync_events = 0;
    if (h->n_events + HPA_MAX_SYNC_EVENTS <= HPA_MAX_EVENTS)
        return;
    const size_t keep = (HPA_MAX_EVENTS - HPA_MAX_SYNC_EVENTS) / 2, drop = h->n_events - keep;
    /* Rotate, so the dropped events' message buffers serve the next ones. */
    struct hpa_event dropped[HPA_MAX_EVENTS];
    memcpy(dropped, h->events, drop * sizeof(dropped[0]));
    memmove(h->events, h->events + drop, keep * sizeof(h->events[0]));
    memcpy(h->events + keep, dropped, drop * sizeof(dropped[0]));
    h->n_events = keep;
}

size_t hpa_sync_events(const struct hpa *h, const uint8_t **index) {
    *index = h->sync_events;
    return h->n_sync_events;
}

void hpa_restart(struct hpa *h) { h->win.recs.n = h->win.ups.n = h->win.downs.n = 0; }

size_t hpa_events(const struct hpa *h, const struct hpa_event **events) {
    *events = h->events;
    return h->n_events;
}

static const char *failed_reason(enum hpa_metric_type t) {
    static const char *const r[] = {"FailedGetResourceMetric", "FailedGetContainerResourceMetric",
                                    "FailedGetPodsMetric", "FailedGetObjectMetric",
                                    "FailedGetExternalMetric"};
    return r[t];
}

/* Upstream's layered messages, each cut at HPA_TEXT (far above what
 * upstream writes). */
static void say(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

/* The metrics client's words for a failed or empty answer (metrics/client.go). */
static void client_error(const struct hpa_metric_obs *o, const char *api, char *buf, size_t size) {
    if (o->error)
        say(buf, size, "unable to fetch metrics from %s metrics API: %s", api, o->error);
    else
        say(buf, size, "no metrics returned from %s metrics API", api);
}

/* One metric's answer: the calculator's replicas, or its error worded at
 * two depths as upstream's computeStatusFor*Metric (cond: the condition
 * and the per-metric event) and computeReplicasForMetric (ret: what the
 * sync's error and FailedComputeMetricsReplicas carry). */
struct metric_result {
    struct hpa_calc_result calc;
    char cond[HPA_TEXT], ret[HPA_TEXT];
};

static bool resource_replicas(struct hpa *h, const struct hpa_metric_spec *m,
                              const struct hpa_metric_obs *o, const struct hpa_obs *obs,
                              pp_time now, struct metric_result *out) {
    bool ok = true;
    if (o->error || o->empty) {
        char client[HPA_TEXT];
        client_error(o, "resource", client, sizeof(client));
        say(out->calc.error, sizeof(out->calc.error), "unable to get metrics for resource %s: %s",
            m->name, client);
        ok = false;
    } else {
        ok = hpa_calc_pods(&h->calc, m, o, obs, obs->spec_replicas, now, &out->calc);
    }
    if (ok)
        return true;
    say(out->cond, sizeof(out->cond),
        m->target == HPA_TARGET_UTILIZATION ? "failed to get %s utilization: %s"
                                            : "failed to get %s usage: %s",
        m->name, out->calc.error);
    if (m->type == HPA_CONTAINER_RESOURCE)
        say(out->ret, sizeof(out->ret), "failed to get %s container metric value: %s",
            m->container ? m->container : "", out->cond);
    else
        say(out->ret, sizeof(out->ret), "failed to get %s resource metric value: %s", m->name,
            out->cond);
    return false;
}

static bool pods_replicas(struct hpa *h, const struct hpa_metric_spec *m,
                          const struct hpa_metric_obs *o, const struct hpa_obs *obs, pp_time now,
                          struct metric_result *out) {
    bool ok = true;
    if (o->error || o->empty) {
        char client[HPA_TEXT];
        client_error(o, "custom", client, sizeof(client));
        say(out->calc.error, sizeof(out->calc.error), "unable to get metric %s: %s", m->name,
            client);
        ok = false;
    } else {
        ok = hpa_calc_pods(&h->calc, m, o, obs, obs->spec_replicas, now, &out->calc);
    }
    if (ok)
        return true;
    say(out->cond, sizeof(out->cond), "%s", out->calc.error);
    say(out->ret, sizeof(out->ret), "failed to get pods metric value: %s", out->cond);
    return false;
}

/* Object and External: a Value target against the ready pods, an
 * AverageValue against scale.status.replicas. */
static bool value_replicas(struct hpa *h, const struct hpa_metric_spec *m,
                           const struct hpa_metric_obs *o, const struct hpa_obs *obs,
                           struct metric_result *out) {
    const bool object = m->type == HPA_OBJECT;
    const char *sel = m->selector ? m->selector : "nil";
    bool ok = true;
    if (o->error || (o->empty && !object)) {
        char client[HPA_TEXT];
        client_error(o, object ? "custom" : "external", client, sizeof(client));
        if (object)
            say(out->calc.error, sizeof(out->calc.error), "unable to get metric %s: %s on %s %s/%s",
                m->name, client, m->object_kind ? m->object_kind : "",
                h->spec.namespace_ ? h->spec.namespace_ : "", m->object_name ? m->object_name : "");
        else
            say(out->calc.error, sizeof(out->calc.error),
                "unable to get external metric %s/%s/%s: %s",
                h->spec.namespace_ ? h->spec.namespace_ : "", m->name, sel, client);
        ok = false;
    } else if (m->target == HPA_TARGET_VALUE) {
        out->calc.usage = o->value_milli;
        ok = hpa_calc_usage_ratio(&h->calc, (double)o->value_milli / (double)m->milli,
                                  obs->spec_replicas, obs, &out->calc);
    } else {
        hpa_calc_per_pod(&h->calc, o->value_milli, m->milli, obs->status_replicas, &out->calc);
    }
    if (ok)
        return true;
    say(out->cond, sizeof(out->cond), "%s", out->calc.error);
    const bool avg = m->target == HPA_TARGET_AVERAGE_VALUE;
    if (object && avg)
        say(out->ret, sizeof(out->ret),
            "failed to get object metric value: failed to get %s object metric: %s", m->name,
            out->cond);
    else if (object)
        say(out->ret, sizeof(out->ret), "failed to get object metric value: %s", out->cond);
    else
        say(out->ret, sizeof(out->ret),
            avg ? "failed to get %s external metric value: failed to get %s external metric: %s"
                : "failed to get %s external metric value: failed to get external metric %s: %s",
            m->name, m->name, out->cond);
    return false;
}

/* computeReplicasForMetric for spec.metrics[i]. */
static bool metric_replicas(struct hpa *h, size_t i, const struct hpa_obs *obs, pp_time now,
                            struct metric_result *out) {
    const struct hpa_metric_spec *m = &h->spec.metrics[i];
    const struct hpa_metric_obs *o = &obs->metrics[i];
    out->calc.replicas = out->calc.utilization = 0; /* not the text buffers: a tick stays cheap */
    out->calc.usage = 0;
    out->calc.error[0] = '\0';
    out->cond[0] = out->ret[0] = '\0';
    switch (m->type) {
    case HPA_RESOURCE:
    case HPA_CONTAINER_RESOURCE:
        return resource_replicas(h, m, o, obs, now, out);
    case HPA_PODS:
        return pods_replicas(h, m, o, obs, now, out);
    case HPA_OBJECT:
    case HPA_EXTERNAL:
        return value_replicas(h, m, o, obs, out);
    }
    return false;
}

/* computeReplicasForMetrics: the largest proposal wins; failures count.
 * -1 when the sync cannot go on (err says why); err also carries the
 * failures a sync that goes on still returns. */
static int32_t metrics_replicas(struct hpa *h, const struct hpa_obs *obs, pp_time now, char *err,
                                size_t size) {
    struct hpa_status *s = &h->status;
    err[0] = '\0';
    s->n_metrics = 0;
    if (obs->no_selector) { /* validateAndParseSelector */
        record_event(h, true, "SelectorRequired", now, "selector is required");
        set_condition_text(h, HPA_SCALING_ACTIVE, HPA_COND_FALSE, "InvalidSelector", now,
                           "the HPA target's scale is missing a selector");
        say(err, size, "selector is required");
        return -1;
    }
    int32_t replicas = 0;
    size_t invalid = 0, first_bad = 0, winner = 0;
    struct metric_result r;
    char first_cond[HPA_TEXT], first_ret[HPA_TEXT];
    first_cond[0] = first_ret[0] = '\0';
    s->n_metrics = h->spec.n_metrics;
    for (size_t i = 0; i < h->spec.n_metrics; i++) {
        struct hpa_metric_status *ms = &s->metrics[i];
        memset(ms, 0, sizeof(*ms));
        if (!metric_replicas(h, i, obs, now, &r)) {
            record_event(h, true, failed_reason(h->spec.metrics[i].type), now, "%s", r.cond);
            if (invalid++ == 0) {
                first_bad = i;
                say(first_cond, sizeof(first_cond), "%s", r.cond);
                say(first_ret, sizeof(first_ret), "%s", r.ret);
            }
            continue;
        }
        ms->valid = true;
        ms->utilization = r.calc.utilization;
        ms->current_milli = r.calc.usage;
        ms->proposal = r.calc.replicas;
        if (replicas == 0 || r.calc.replicas > replicas) {
            replicas = r.calc.replicas;
            winner = i;
            keep_text(s->metric, sizeof(s->metric), h->names[i]);
        }
    }
    if (invalid > 0)
        say(err, size, "invalid metrics (%zu invalid out of %zu), first error is: %s", invalid,
            h->spec.n_metrics, first_ret);
    /* A failing metric blocks a scale-down, never a scale-up or a hold. */
    if (invalid >= h->spec.n_metrics || (invalid > 0 && replicas < obs->spec_replicas)) {
        set_condition(h, HPA_SCALING_ACTIVE, HPA_COND_FALSE,
                      failed_reason(h->spec.metrics[first_bad].type), now,
                      "the HPA was unable to compute the replica count: %s", first_cond);
        return -1;
    }
    set_condition_text(h, HPA_SCALING_ACTIVE, HPA_COND_TRUE, "ValidMetricFound", now,
                       h->valid[winner]);
    return replicas;
}

/* ---- reconcileAutoscaler ---- */

/* "Deployment/default/web", as the sync's errors name the target. */
static void reference(const struct hpa *h, char *buf, size_t size) {
    snprintf(buf, size, "%s/%s/%s", h->spec.target_kind ? h->spec.target_kind : "Deployment",
             h->spec.namespace_ ? h->spec.namespace_ : "",
             h->spec.target_name ? h->spec.target_name : "");
}

/* The replicas the metrics ask for, normalized; -1 when the sync ends on
 * a metrics error (status and events already say so). */
static int32_t decide(struct hpa *h, const struct hpa_obs *obs, pp_time now, char *err,
                      size_t size) {
    struct hpa_status *s = &h->status;
    const int32_t current = obs->spec_replicas;
    const int32_t proposal = metrics_replicas(h, obs, now, err, size);
    if (proposal == -1)
        return -1;
    s->metric_recommendation = proposal;
    const int32_t desired = proposal > 0 ? proposal : 0;
    if (desired > current)
        snprintf(s->rescale_reason, sizeof(s->rescale_reason), "%s above target", s->metric);
    if (desired < current)
        snprintf(s->rescale_reason, sizeof(s->rescale_reason), "All metrics below target");
    struct hpa_verdict v;
    hpa_normalize(&h->win, &h->spec, &h->ctl, current, desired, now, &v);
    s->stabilized = v.stabilized;
    set_condition_text(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, v.able_reason, now, v.able_message);
    set_condition_text(h, HPA_SCALING_LIMITED,
                       v.replicas == v.stabilized ? HPA_COND_FALSE : HPA_COND_TRUE,
                       v.limited_reason, now, v.limited_message);
    return v.replicas;
}

/* The bounds' branches of reconcileAutoscaler: no metric read, no window. */
static bool out_of_bounds(struct hpa *h, int32_t current, pp_time now, int32_t *desired,
                          bool *rescale) {
    struct hpa_status *s = &h->status;
    const int32_t min = h->spec.min_replicas;
    if (current == 0 && min != 0) {
        *desired = 0;
        *rescale = false;
        set_condition_text(h, HPA_SCALING_ACTIVE, HPA_COND_FALSE, "ScalingDisabled", now,
                           "scaling is disabled since the replica count of the target is zero");
    } else if (current > h->spec.max_replicas) {
        snprintf(s->rescale_reason, sizeof(s->rescale_reason),
                 "Current number of replicas above Spec.MaxReplicas");
        *desired = h->spec.max_replicas;
    } else if (current < min) {
        snprintf(s->rescale_reason, sizeof(s->rescale_reason),
                 "Current number of replicas below Spec.MinReplicas");
        *desired = min;
    } else {
        return false;
    }
    s->n_metrics = 0;
    return true;
}

/* The scale could not be read: the sync ends, the rest of the status stays. */
static const struct hpa_status *failed_get_scale(struct hpa *h, const char *why, const char *ref,
                                                 pp_time now) {
    struct hpa_status *s = &h->status;
    record_event(h, true, "FailedGetScale", now, "%s", why);
    set_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_FALSE, "FailedGetScale", now,
                  "the HPA controller was unable to get the target's current scale: %s", why);
    say(s->error, sizeof(s->error), "failed to query scale subresource for %s: %s", ref, why);
    return s;
}

/* prefix, then n in decimal, then suffix: a rescale's two texts, made
 * without printf (a third of the syncs rescale). */
static void with_int(char *buf, size_t size, const char *prefix, int32_t n, const char *suffix) {
    char digits[12];
    size_t k = sizeof(digits);
    uint32_t u = n < 0 ? (uint32_t)0 - (uint32_t)n : (uint32_t)n;
    do
        digits[--k] = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (n < 0)
        digits[--k] = '-';
    const size_t lp = strlen(prefix), ld = sizeof(digits) - k, ls = strlen(suffix);
    if (lp + ld + ls + 1 > size) {
        say(buf, size, "%s%d%s", prefix, (int)n, suffix);
        return;
    }
    memcpy(buf, prefix, lp);
    memcpy(buf + lp, digits + k, ld);
    memcpy(buf + lp + ld, suffix, ls + 1);
}

static void rescaled(struct hpa *h, int32_t current, int32_t desired, pp_time now) {
    struct hpa_status *s = &h->status;
    char text[HPA_TEXT];
    with_int(text, sizeof(text), "the HPA controller was able to update the target scale to ",
             desired, "");
    put_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, "SucceededRescale", now, text, false);
    char reason[sizeof(s->rescale_reason) + 16];
    snprintf(reason, sizeof(reason), "; reason: %s", s->rescale_reason);
    with_int(text, sizeof(text), "New size: ", desired, reason);
    record_event_text(h, false, "SuccessfulRescale", now, text);
    hpa_store_scale_event(&h->win, &h->spec, current, desired, now);
    s->last_scale_time = now;
    s->has_scaled = true;
    s->scaled = true;
}

const struct hpa_status *hpa_sync(struct hpa *h, const struct hpa_obs *obs, pp_time now,
                                  int32_t *replicas) {
    struct hpa_status *s = &h->status;
    char ref[600], err[HPA_TEXT];
    err[0] = '\0';
    reference(h, ref, sizeof(ref));
    begin_events(h);
    s->error[0] = '\0';
    s->scaled = false;
    *replicas = obs->spec_replicas;
    if (obs->scale_error)
        return failed_get_scale(h, obs->scale_error, ref, now);
    const int32_t current = obs->spec_replicas;
    set_condition_text(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, "SucceededGetScale", now,
                       "the HPA controller was able to get the target's current scale");
    if (h->win.recs.n == 0) /* recordInitialRecommendation */
        hpa_history_put(&h->win.recs, 0, false, (struct hpa_stamped){current, now, false});
    s->metric_recommendation = -1;
    s->stabilized = current;
    s->metric[0] = '\0';
    s->rescale_reason[0] = '\0';
    int32_t desired = 0;
    bool rescale = true;
    if (!out_of_bounds(h, current, now, &desired, &rescale)) {
        desired = decide(h, obs, now, err, sizeof(err));
        if (desired == -1) { /* desiredReplicas keeps its last value */
            record_event(h, true, "FailedComputeMetricsReplicas", now, "%s", err);
            s->current_replicas = current;
            say(s->error, sizeof(s->error),
                "failed to compute desired number of replicas based on listed metrics for "
                "%s: %s",
                ref, err);
            return s;
        }
        rescale = desired != current;
    }
    if (rescale && obs->update_error) {
        record_event(h, true, "FailedRescale", now, "New size: %d; reason: %s; error: %s",
                     (int)desired, s->rescale_reason, obs->update_error);
        set_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_FALSE, "FailedUpdateScale", now,
                      "the HPA controller was unable to update the target scale: %s",
                      obs->update_error);
        s->current_replicas = current;
        say(s->error, sizeof(s->error), "failed to rescale %s: %s", ref, obs->update_error);
        return s;
    }
    if (rescale)
        rescaled(h, current, desired, now);
    else
        desired = current;
    s->current_replicas = current;
    s->desired_replicas = desired;
    say(s->error, sizeof(s->error), "%s", err); /* the metrics that failed, if any */
    *replicas = desired;
    return s;
}
