#include "engine/hpa.h"

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
}

/* ---- validation (pkg/apis/autoscaling/validation) ---- */

/* Fails on spec.metrics[i] + suffix. */
static enum pp_status fail_at(struct pp_error *err, size_t i, const char *suffix, const char *fmt,
                              ...) __attribute__((format(printf, 4, 5)));

static enum pp_status fail_at(struct pp_error *err, size_t i, const char *suffix, const char *fmt,
                              ...) {
    char field[128], msg[384];
    snprintf(field, sizeof(field), "spec.metrics[%zu]%s", i, suffix);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return pp_fail(err, PP_ERR_INVALID, field, "%s", msg);
}

static enum pp_status validate_metric(const struct hpa_metric_spec *m, size_t i,
                                      struct pp_error *err) {
    if (!m->name || !*m->name)
        return fail_at(err, i, ".name", "must be set");
    switch (m->type) {
    case HPA_RESOURCE:
    case HPA_CONTAINER_RESOURCE:
        if (m->type == HPA_CONTAINER_RESOURCE && (!m->container || !*m->container))
            return fail_at(err, i, ".containerResource.container", "must be set");
        if (m->target == HPA_TARGET_VALUE)
            return fail_at(err, i, ".target.type", "must be either Utilization or AverageValue");
        break;
    case HPA_PODS:
        if (m->target != HPA_TARGET_AVERAGE_VALUE)
            return fail_at(err, i, ".pods.target.type", "must be AverageValue");
        break;
    case HPA_OBJECT:
    case HPA_EXTERNAL:
        if (m->target == HPA_TARGET_UTILIZATION)
            return fail_at(err, i, ".target.type", "must be either Value or AverageValue");
        if (m->type == HPA_OBJECT &&
            (!m->object_kind || !*m->object_kind || !m->object_name || !*m->object_name))
            return fail_at(err, i, ".object.describedObject", "kind and name must be set");
        break;
    }
    if (m->target == HPA_TARGET_UTILIZATION && m->utilization <= 0)
        return fail_at(err, i, ".target.averageUtilization", "must be greater than 0, got %d",
                       (int)m->utilization);
    if (m->target != HPA_TARGET_UTILIZATION && m->milli <= 0)
        return fail_at(err, i, ".target", "value must be positive");
    return PP_OK;
}

static enum pp_status validate_rules(const struct hpa_rules *r, const char *dir,
                                     struct pp_error *err) {
    char f[96];
    if (!r->set)
        return PP_OK;
    if (r->window_set && (r->window_s < 0 || r->window_s > 3600)) {
        snprintf(f, sizeof(f), "spec.behavior.%s.stabilizationWindowSeconds", dir);
        return pp_fail(err, PP_ERR_INVALID, f, "must be between 0 and 3600 seconds, got %d",
                       (int)r->window_s);
    }
    for (size_t i = 0; i < r->n_policies; i++) {
        const struct hpa_policy *p = &r->policies[i];
        snprintf(f, sizeof(f), "spec.behavior.%s.policies[%zu]", dir, i);
        if (p->type != HPA_POLICY_PODS && p->type != HPA_POLICY_PERCENT)
            return pp_fail(err, PP_ERR_INVALID, f, "type: must be Pods or Percent");
        if (p->value <= 0)
            return pp_fail(err, PP_ERR_INVALID, f, "value: must be greater than zero, got %d",
                           (int)p->value);
        if (p->period_s <= 0 || p->period_s > 1800)
            return pp_fail(err, PP_ERR_INVALID, f,
                           "periodSeconds: must be between 1 and 1800, got %d", (int)p->period_s);
    }
    if (r->tolerance_set && !(r->tolerance >= 0)) {
        snprintf(f, sizeof(f), "spec.behavior.%s.tolerance", dir);
        return pp_fail(err, PP_ERR_INVALID, f, "must be non-negative");
    }
    return PP_OK;
}

enum pp_status hpa_validate(const struct hpa_spec *spec, struct pp_error *err) {
    int32_t min = spec->min_set ? spec->min_replicas : 1;
    if (spec->min_set && spec->min_replicas < 1)
        return pp_fail(err, PP_ERR_INVALID, "spec.minReplicas",
                       "must be greater than or equal to 1, got %d", (int)spec->min_replicas);
    if (spec->max_replicas < 1)
        return pp_fail(err, PP_ERR_INVALID, "spec.maxReplicas",
                       "must be greater than or equal to 1, got %d", (int)spec->max_replicas);
    if (spec->max_replicas < min)
        return pp_fail(err, PP_ERR_INVALID, "spec.maxReplicas",
                       "must be greater than or equal to `minReplicas` (%d), got %d", (int)min,
                       (int)spec->max_replicas);
    if (spec->n_metrics > HPA_MAX_METRICS)
        return pp_fail(err, PP_ERR_LIMIT, "spec.metrics", "podpilot handles at most %d metrics",
                       HPA_MAX_METRICS);
    for (size_t i = 0; i < spec->n_metrics; i++) {
        enum pp_status s = validate_metric(&spec->metrics[i], i, err);
        if (s != PP_OK)
            return s;
    }
    if (!spec->behavior_set)
        return PP_OK;
    enum pp_status s = validate_rules(&spec->up, "scaleUp", err);
    return s != PP_OK ? s : validate_rules(&spec->down, "scaleDown", err);
}

/* ---- defaults (SetDefaults_HorizontalPodAutoscaler and the controller) ---- */

static void default_rules(struct hpa_rules *r, bool up) {
    bool given = r->set;
    r->set = true;
    if (!r->select_set) {
        r->select_set = true;
        r->select = HPA_SELECT_MAX;
    }
    if (!given || r->n_policies == 0) {
        if (up) {
            r->policies[0] = (struct hpa_policy){HPA_POLICY_PODS, 4, 15};
            r->policies[1] = (struct hpa_policy){HPA_POLICY_PERCENT, 100, 15};
            r->n_policies = 2;
        } else {
            r->policies[0] = (struct hpa_policy){HPA_POLICY_PERCENT, 100, 15};
            r->n_policies = 1;
        }
    }
    if (!r->window_set && up) {
        r->window_set = true;
        r->window_s = 0;
    }
}

/* ---- quantities and names ---- */

void hpa_quantity(int64_t milli, char *buf, size_t size) {
    static const char *const suffix[] = {"", "k", "M", "G", "T", "P", "E"};
    if (milli % 1000 != 0) {
        snprintf(buf, size, "%lldm", (long long)milli);
        return;
    }
    int64_t n = milli / 1000;
    size_t e = 0;
    while (n != 0 && n % 1000 == 0 && e + 1 < sizeof(suffix) / sizeof(suffix[0])) {
        n /= 1000;
        e++;
    }
    snprintf(buf, size, "%lld%s", (long long)n, suffix[e]);
}

void hpa_metric_name(const struct hpa_metric_spec *m, char *buf, size_t size) {
    switch (m->type) {
    case HPA_RESOURCE:
        snprintf(buf, size,
                 m->target == HPA_TARGET_UTILIZATION
                     ? "%s resource utilization (percentage of request)"
                     : "%s resource",
                 m->name);
        return;
    case HPA_CONTAINER_RESOURCE:
        snprintf(buf, size,
                 m->target == HPA_TARGET_UTILIZATION
                     ? "%s container resource utilization (percentage of request)"
                     : "%s container resource",
                 m->name);
        return;
    case HPA_PODS:
        snprintf(buf, size, "pods metric %s", m->name);
        return;
    case HPA_OBJECT:
        snprintf(buf, size, "%s metric %s", m->object_kind, m->name);
        return;
    case HPA_EXTERNAL:
        snprintf(buf, size, "external metric %s(%s)", m->name, m->selector ? m->selector : "nil");
        return;
    }
}

/* ---- the controller's state ---- */

struct stamped {
    int32_t value; /* recommendation, or replica change of a scale event */
    pp_time at;
    bool outdated;
};

struct history {
    struct stamped *v;
    size_t n, cap;
};

struct hpa {
    struct hpa_spec spec; /* resolved */
    struct hpa_controller ctl;
    double tol_up, tol_down;
    struct history recs, ups, downs;
    struct hpa_status status;
    struct hpa_event events[HPA_MAX_EVENTS]; /* oldest first */
    size_t n_events;
};

static void history_put(struct history *h, size_t reuse, bool found, struct stamped s) {
    if (found) {
        h->v[reuse] = s;
        return;
    }
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 8;
        h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
    }
    h->v[h->n++] = s;
}

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
        default_rules(&h->spec.up, true);
        default_rules(&h->spec.down, false);
    }
    h->tol_up = h->spec.behavior_set && h->spec.up.tolerance_set ? h->spec.up.tolerance
                                                                 : h->ctl.tolerance;
    h->tol_down = h->spec.behavior_set && h->spec.down.tolerance_set ? h->spec.down.tolerance
                                                                     : h->ctl.tolerance;
}

struct hpa *hpa_create(const struct hpa_spec *spec, const struct hpa_controller *ctl) {
    struct hpa *h = xcalloc(1, sizeof(*h));
    h->ctl = *ctl;
    resolve_spec(h, spec);
    h->status.metric_recommendation = -1;
    return h;
}

void hpa_set_spec(struct hpa *h, const struct hpa_spec *spec) { resolve_spec(h, spec); }

void hpa_destroy(struct hpa *h) {
    if (!h)
        return;
    free(h->recs.v);
    free(h->ups.v);
    free(h->downs.v);
    free(h);
}

const struct hpa_status *hpa_status(const struct hpa *h) {
    return &h->status;
}
const struct hpa_spec *hpa_spec(const struct hpa *h) {
    return &h->spec;
}

/* ---- conditions and events ---- */

static void set_condition(struct hpa *h, enum hpa_cond_type type, enum hpa_cond_status st,
                          const char *reason, pp_time now, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void set_condition(struct hpa *h, enum hpa_cond_type type, enum hpa_cond_status st,
                          const char *reason, pp_time now, const char *fmt, ...) {
    struct hpa_status *s = &h->status;
    struct hpa_condition *c = NULL;
    for (size_t i = 0; i < s->n_conditions; i++) {
        if (s->conditions[i].type == type)
            c = &s->conditions[i];
    }
    if (!c) {
        c = &s->conditions[s->n_conditions++];
        memset(c, 0, sizeof(*c));
        c->type = type;
    }
    if (c->status != st)
        c->last_transition = now;
    c->status = st;
    snprintf(c->reason, sizeof(c->reason), "%s", reason);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->message, sizeof(c->message), fmt, ap);
    va_end(ap);
}

static void record_event(struct hpa *h, bool warning, const char *reason, pp_time now,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void record_event(struct hpa *h, bool warning, const char *reason, pp_time now,
                         const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    for (size_t k = 0; k < h->n_events; k++) {
        struct hpa_event *e = &h->events[k];
        if (e->warning == warning && strcmp(e->reason, reason) == 0 &&
            strcmp(e->message, msg) == 0) {
            e->count++;
            e->last = now;
            return;
        }
    }
    if (h->n_events == HPA_MAX_EVENTS) {
        memmove(h->events, h->events + 1, (HPA_MAX_EVENTS - 1) * sizeof(h->events[0]));
        h->n_events--;
    }
    struct hpa_event *e = &h->events[h->n_events++];
    e->warning = warning;
    snprintf(e->reason, sizeof(e->reason), "%s", reason);
    snprintf(e->message, sizeof(e->message), "%s", msg);
    e->count = 1;
    e->first = e->last = now;
}

size_t hpa_events(const struct hpa *h, const struct hpa_event **events) {
    *events = h->events;
    return h->n_events;
}

const char *hpa_cond_type_name(enum hpa_cond_type t) {
    static const char *const n[] = {"AbleToScale", "ScalingActive", "ScalingLimited"};
    return n[t];
}

const char *hpa_cond_status_name(enum hpa_cond_status s) {
    static const char *const n[] = {"Unknown", "True", "False"};
    return n[s];
}

enum pp_status hpa_select_parse(const char *s, enum hpa_select *out, struct pp_error *err) {
    if (s && strcmp(s, "Max") == 0)
        *out = HPA_SELECT_MAX;
    else if (s && strcmp(s, "Min") == 0)
        *out = HPA_SELECT_MIN;
    else if (s && strcmp(s, "Disabled") == 0)
        *out = HPA_SELECT_DISABLED;
    else
        return pp_fail(err, PP_ERR_INVALID, "selectPolicy",
                       "Unsupported value: \"%s\": supported values: \"Disabled\", \"Max\", "
                       "\"Min\"",
                       s ? s : "");
    return PP_OK;
}

enum pp_status hpa_policy_type_parse(const char *s, enum hpa_policy_type *out,
                                     struct pp_error *err) {
    if (s && strcmp(s, "Pods") == 0)
        *out = HPA_POLICY_PODS;
    else if (s && strcmp(s, "Percent") == 0)
        *out = HPA_POLICY_PERCENT;
    else
        return pp_fail(err, PP_ERR_INVALID, "type",
                       "Unsupported value: \"%s\": supported values: \"Percent\", \"Pods\"",
                       s ? s : "");
    return PP_OK;
}

/* ---- the replica calculator (pkg/controller/podautoscaler/replica_calculator.go) ---- */

static bool within(const struct hpa *h, double ratio) {
    return 1.0 - h->tol_down <= ratio && ratio <= 1.0 + h->tol_up;
}

enum group { POD_READY, POD_UNREADY, POD_MISSING, POD_IGNORED };

/* groupPods, with the CPU readiness rules only for the cpu resource. */
static enum group group_pod(const struct hpa *h, const struct hpa_pod *p, bool has_metric,
                            const struct hpa_metric_obs *o, bool cpu, pp_time now) {
    if (p->deleting || p->phase == HPA_POD_FAILED)
        return POD_IGNORED;
    if (p->phase == HPA_POD_PENDING)
        return POD_UNREADY;
    if (!has_metric)
        return POD_MISSING;
    if (!cpu)
        return POD_READY;
    bool unready;
    if (!p->has_ready_condition || !p->started) {
        unready = true;
    } else if (p->start_time + h->ctl.cpu_initialization_period > now) {
        unready = !p->ready || o->timestamp < p->ready_transition + o->window;
    } else {
        unready = !p->ready && p->start_time + h->ctl.initial_readiness_delay > p->ready_transition;
    }
    return unready ? POD_UNREADY : POD_READY;
}

struct calc {
    int32_t replicas;
    int32_t utilization;
    int64_t usage; /* average per pod, milli */
    char error[200];
};

static int64_t pod_request(const struct hpa_pod *p, const char *resource) {
    return strcmp(resource, "cpu") == 0 ? p->cpu_request_milli : p->memory_request_milli;
}

/* Per-pod metrics: GetResourceReplicas (utilization) and
 * calcPlainMetricReplicas (average value), sharing the missing- and
 * unready-pod rules. */
static bool pod_metric_replicas(const struct hpa *h, const struct hpa_metric_spec *m,
                                const struct hpa_metric_obs *o, const struct hpa_obs *obs,
                                int32_t current, pp_time now, struct calc *out) {
    const bool resource = m->type == HPA_RESOURCE || m->type == HPA_CONTAINER_RESOURCE;
    const bool utilization = resource && m->target == HPA_TARGET_UTILIZATION;
    const bool cpu = resource && strcmp(m->name, "cpu") == 0;
    if (obs->n_pods == 0) {
        snprintf(out->error, sizeof(out->error),
                 "no pods returned by selector while calculating replica count");
        return false;
    }
    size_t ready = 0, unready = 0, missing = 0, with_metric = 0;
    bool no_request = false;
    int64_t total = 0, requests = 0, target = m->milli;
    for (size_t i = 0; i < obs->n_pods; i++) {
        const struct hpa_pod *p = &obs->pods[i];
        bool has = !o->present || o->present[i];
        enum group g = group_pod(h, p, has, o, cpu, now);
        no_request = no_request || (utilization && pod_request(p, m->name) <= 0);
        ready += g == POD_READY;
        unready += g == POD_UNREADY;
        missing += g == POD_MISSING;
        if (g == POD_READY) {
            total += o->pod_milli[i];
            requests += utilization ? pod_request(p, m->name) : 0;
            with_metric++;
        }
    }
    if (with_metric == 0) {
        snprintf(out->error, sizeof(out->error),
                 "did not receive metrics for targeted pods (pods might be unready)");
        return false;
    }
    if (no_request) { /* calculatePodRequests covers every pod of the selector */
        snprintf(out->error, sizeof(out->error), "missing request for %s", m->name);
        return false;
    }
    double ratio;
    if (utilization) {
        out->utilization = (int32_t)(total * 100 / requests);
        out->usage = total / (int64_t)with_metric;
        ratio = (double)out->utilization / (double)m->utilization;
    } else {
        out->usage = total / (int64_t)with_metric;
        ratio = (double)out->usage / (double)target;
    }
    const bool up_with_unready = unready > 0 && ratio > 1.0;
    if (!up_with_unready && missing == 0) {
        out->replicas = within(h, ratio) ? current : (int32_t)ceil(ratio * (double)ready);
        return true;
    }
    /* Fill in the pods without usable samples, then look again. */
    int64_t filled_total = total, filled_requests = requests;
    size_t n = with_metric;
    for (size_t i = 0; i < obs->n_pods; i++) {
        const struct hpa_pod *p = &obs->pods[i];
        bool has = !o->present || o->present[i];
        enum group g = group_pod(h, p, has, o, cpu, now);
        int64_t v;
        if (g == POD_MISSING) {
            if (ratio < 1.0)
                v = utilization ? pod_request(p, m->name) *
                                      (m->utilization > 100 ? m->utilization : 100) / 100
                                : target;
            else if (ratio > 1.0 || !utilization)
                v = 0;
            else
                continue; /* utilization exactly on target: missing pods stay out */
        } else if (g == POD_UNREADY && up_with_unready) {
            v = 0;
        } else {
            continue;
        }
        filled_total += v;
        filled_requests += utilization ? pod_request(p, m->name) : 0;
        n++;
    }
    double new_ratio = utilization ? (double)(int32_t)(filled_total * 100 / filled_requests) /
                                         (double)m->utilization
                                   : (double)(filled_total / (int64_t)n) / (double)target;
    if (within(h, new_ratio) || (ratio < 1.0 && new_ratio > 1.0) ||
        (ratio > 1.0 && new_ratio < 1.0)) {
        out->replicas = current;
        return true;
    }
    int32_t r = (int32_t)ceil(new_ratio * (double)n);
    out->replicas =
        (new_ratio < 1.0 && r > current) || (new_ratio > 1.0 && r < current) ? current : r;
    return true;
}

static int32_t ready_pods(const struct hpa_obs *obs) {
    int32_t n = 0;
    for (size_t i = 0; i < obs->n_pods; i++) {
        const struct hpa_pod *p = &obs->pods[i];
        n += p->phase == HPA_POD_RUNNING && p->has_ready_condition && p->ready;
    }
    return n;
}

/* getUsageRatioReplicaCount: Object and External with a Value target. */
static bool usage_ratio_replicas(const struct hpa *h, double ratio, int32_t current,
                                 const struct hpa_obs *obs, struct calc *out) {
    if (current == 0) {
        out->replicas = (int32_t)ceil(ratio);
        return true;
    }
    if (within(h, ratio)) {
        out->replicas = current;
        return true;
    }
    if (obs->n_pods == 0) {
        snprintf(out->error, sizeof(out->error),
                 "unable to calculate ready pods: no pods returned by selector while "
                 "calculating replica count");
        return false;
    }
    out->replicas = (int32_t)ceil(ratio * (double)ready_pods(obs));
    return true;
}

/* Object/External AverageValue: GetObjectPerPodMetricReplicas and
 * GetExternalPerPodMetricReplicas. */
static void per_pod_replicas(const struct hpa *h, int64_t usage, int64_t target,
                             int32_t status_replicas, struct calc *out) {
    out->replicas = status_replicas;
    double ratio = (double)usage / ((double)target * (double)status_replicas);
    if (!within(h, ratio))
        out->replicas = (int32_t)ceil((double)usage / (double)target);
    out->usage = (int64_t)ceil((double)usage / (double)status_replicas);
}

static const char *failed_reason(enum hpa_metric_type t) {
    static const char *const r[] = {"FailedGetResourceMetric", "FailedGetContainerResourceMetric",
                                    "FailedGetPodsMetric", "FailedGetObjectMetric",
                                    "FailedGetExternalMetric"};
    return r[t];
}

/* computeReplicasForMetric for spec.metrics[i]. */
static bool metric_replicas(struct hpa *h, size_t i, const struct hpa_obs *obs, pp_time now,
                            struct calc *out) {
    const struct hpa_metric_spec *m = &h->spec.metrics[i];
    const struct hpa_metric_obs *o = &obs->metrics[i];
    memset(out, 0, sizeof(*out));
    if (o->error) {
        if (m->type == HPA_RESOURCE || m->type == HPA_CONTAINER_RESOURCE)
            snprintf(out->error, sizeof(out->error), "unable to get metrics for resource %s: %s",
                     m->name, o->error);
        else if (m->type == HPA_EXTERNAL)
            snprintf(out->error, sizeof(out->error), "unable to get external metric %s: %s",
                     m->name, o->error);
        else
            snprintf(out->error, sizeof(out->error), "unable to get metric %s: %s", m->name,
                     o->error);
        return false;
    }
    switch (m->type) {
    case HPA_RESOURCE:
    case HPA_CONTAINER_RESOURCE:
    case HPA_PODS:
        return pod_metric_replicas(h, m, o, obs, obs->spec_replicas, now, out);
    case HPA_OBJECT:
    case HPA_EXTERNAL:
        if (m->target == HPA_TARGET_VALUE) {
            out->usage = o->value_milli;
            return usage_ratio_replicas(h, (double)o->value_milli / (double)m->milli,
                                        obs->spec_replicas, obs, out);
        }
        per_pod_replicas(h, o->value_milli, m->milli, obs->status_replicas, out);
        return true;
    }
    return false;
}

/* The computeStatusFor*Metric wrappers around a calculator error. */
static void wrap_error(const struct hpa_metric_spec *m, const char *err, char *buf, size_t size) {
    switch (m->type) {
    case HPA_RESOURCE:
    case HPA_CONTAINER_RESOURCE:
        snprintf(buf, size,
                 m->target == HPA_TARGET_UTILIZATION ? "failed to get %s utilization: %s"
                                                     : "failed to get %s usage: %s",
                 m->name, err);
        return;
    case HPA_PODS:
        snprintf(buf, size, "failed to get pods metric value: %s", err);
        return;
    case HPA_OBJECT:
        snprintf(buf, size, "failed to get object metric value: %s", err);
        return;
    case HPA_EXTERNAL:
        snprintf(buf, size, "failed to get external metric value: %s", err);
        return;
    }
}

/* computeReplicasForMetrics: the largest proposal wins; failures count. */
static int32_t metrics_replicas(struct hpa *h, const struct hpa_obs *obs, pp_time now,
                                char *first_error, size_t size) {
    struct hpa_status *s = &h->status;
    int32_t replicas = 0;
    size_t invalid = 0, first_bad = 0;
    char err0[320] = "";
    s->n_metrics = h->spec.n_metrics;
    for (size_t i = 0; i < h->spec.n_metrics; i++) {
        struct calc c;
        struct hpa_metric_status *ms = &s->metrics[i];
        memset(ms, 0, sizeof(*ms));
        if (!metric_replicas(h, i, obs, now, &c)) {
            char why[320];
            wrap_error(&h->spec.metrics[i], c.error, why, sizeof(why));
            record_event(h, true, failed_reason(h->spec.metrics[i].type), now, "%s", why);
            if (invalid++ == 0) {
                first_bad = i;
                snprintf(err0, sizeof(err0), "%s", why);
            }
            continue;
        }
        ms->valid = true;
        ms->utilization = c.utilization;
        ms->current_milli = c.usage;
        ms->proposal = c.replicas;
        if (replicas == 0 || c.replicas > replicas) {
            replicas = c.replicas;
            hpa_metric_name(&h->spec.metrics[i], s->metric, sizeof(s->metric));
        }
    }
    if (invalid > 0)
        snprintf(first_error, size, "invalid metrics (%zu invalid out of %zu), first error is: %s",
                 invalid, h->spec.n_metrics, err0);
    if (invalid >= h->spec.n_metrics || (invalid > 0 && replicas < obs->spec_replicas)) {
        set_condition(h, HPA_SCALING_ACTIVE, HPA_COND_FALSE,
                      failed_reason(h->spec.metrics[first_bad].type), now,
                      "the HPA was unable to compute the replica count: %s", err0);
        return -1;
    }
    set_condition(h, HPA_SCALING_ACTIVE, HPA_COND_TRUE, "ValidMetricFound", now,
                  "the HPA was able to successfully calculate a replica count from %s", s->metric);
    return replicas;
}

/* ---- normalization ---- */

/* stabilizeRecommendation: the legacy path's downscale window. */
static int32_t stabilize_legacy(struct hpa *h, int32_t desired, pp_time now) {
    int32_t best = desired;
    bool found = false;
    size_t old = 0;
    pp_time cutoff = now - h->ctl.downscale_stabilization;
    for (size_t i = 0; i < h->recs.n; i++) {
        if (h->recs.v[i].at < cutoff) {
            found = true;
            old = i;
        } else if (h->recs.v[i].value > best) {
            best = h->recs.v[i].value;
        }
    }
    history_put(&h->recs, old, found, (struct stamped){desired, now, false});
    return best;
}

static int32_t normalize_legacy(struct hpa *h, int32_t current, int32_t desired, pp_time now) {
    int32_t stabilized = stabilize_legacy(h, desired, now);
    h->status.stabilized = stabilized;
    if (stabilized != desired)
        set_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, "ScaleDownStabilized", now,
                      "recent recommendations were higher than current one, applying the "
                      "highest recent recommendation");
    else
        set_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, "ReadyForNewScale", now,
                      "recommended size matches current size");
    /* convertDesiredReplicasWithRules */
    int32_t min = h->spec.min_replicas, max = h->spec.max_replicas;
    double limit_d = fmax(2.0 * (double)current, 4.0);
    int32_t up_limit = (int32_t)limit_d;
    const char *reason, *message;
    int32_t max_allowed;
    if (max > up_limit) {
        max_allowed = up_limit;
        reason = "ScaleUpLimit";
        message = "the desired replica count is increasing faster than the maximum scale rate";
    } else {
        max_allowed = max;
        reason = "TooManyReplicas";
        message = "the desired replica count is more than the maximum replica count";
    }
    int32_t out = stabilized;
    if (stabilized < min) {
        reason = "TooFewReplicas";
        message = "the desired replica count is less than the minimum replica count";
        out = min;
    } else if (stabilized > max_allowed) {
        out = max_allowed;
    } else {
        reason = "DesiredWithinRange";
        message = "the desired count is within the acceptable range";
    }
    set_condition(h, HPA_SCALING_LIMITED, out == stabilized ? HPA_COND_FALSE : HPA_COND_TRUE,
                  reason, now, "%s", message);
    return out;
}

/* stabilizeRecommendationWithBehaviors */
static int32_t stabilize_behavior(struct hpa *h, int32_t current, int32_t desired, pp_time now) {
    const pp_time up_cut = now - PP_SEC(h->spec.up.window_s);
    const int32_t down_window = h->spec.down.window_set
                                    ? h->spec.down.window_s
                                    : (int32_t)(h->ctl.downscale_stabilization / PP_NS_PER_SEC);
    const pp_time down_cut = now - PP_SEC(down_window);
    int32_t up = desired, down = desired;
    bool found = false;
    size_t old = 0;
    for (size_t i = 0; i < h->recs.n; i++) {
        const struct stamped *r = &h->recs.v[i];
        if (r->at > up_cut && r->value < up)
            up = r->value;
        if (r->at > down_cut && r->value > down)
            down = r->value;
        if (r->at < up_cut && r->at < down_cut) {
            found = true;
            old = i;
        }
    }
    int32_t rec = current;
    if (rec < up)
        rec = up;
    if (rec > down)
        rec = down;
    history_put(&h->recs, old, found, (struct stamped){desired, now, false});
    return rec;
}

static int32_t change_in_period(const struct history *events, int32_t period_s, pp_time now) {
    const pp_time cutoff = now - PP_SEC(period_s);
    int32_t n = 0;
    for (size_t i = 0; i < events->n; i++) {
        if (events->v[i].at > cutoff)
            n += events->v[i].value;
    }
    return n;
}

static int32_t period_start(const struct hpa *h, int32_t current, int32_t period_s, pp_time now) {
    return current - change_in_period(&h->ups, period_s, now) +
           change_in_period(&h->downs, period_s, now);
}

static int32_t up_limit(const struct hpa *h, int32_t current, pp_time now) {
    const struct hpa_rules *r = &h->spec.up;
    if (r->select == HPA_SELECT_DISABLED)
        return current;
    const bool min_change = r->select == HPA_SELECT_MIN;
    int32_t result = min_change ? INT32_MAX : INT32_MIN;
    for (size_t i = 0; i < r->n_policies; i++) {
        const struct hpa_policy *p = &r->policies[i];
        int32_t start = period_start(h, current, p->period_s, now), proposed;
        if (p->type == HPA_POLICY_PODS)
            proposed = start + p->value;
        else
            proposed = (int32_t)ceil((double)start * (1 + (double)p->value / 100));
        result = min_change ? (proposed < result ? proposed : result)
                            : (proposed > result ? proposed : result);
    }
    return result;
}

static int32_t down_limit(const struct hpa *h, int32_t current, pp_time now) {
    const struct hpa_rules *r = &h->spec.down;
    if (r->select == HPA_SELECT_DISABLED)
        return current;
    const bool min_change = r->select == HPA_SELECT_MIN;
    int32_t result = min_change ? INT32_MIN : INT32_MAX;
    for (size_t i = 0; i < r->n_policies; i++) {
        const struct hpa_policy *p = &r->policies[i];
        int32_t start = period_start(h, current, p->period_s, now), proposed;
        if (p->type == HPA_POLICY_PODS)
            proposed = start - p->value;
        else
            proposed = (int32_t)((double)start * (1 - (double)p->value / 100));
        result = min_change ? (proposed > result ? proposed : result)
                            : (proposed < result ? proposed : result);
    }
    return result;
}

/* convertDesiredReplicasWithBehaviorRate */
static int32_t rate_limit(struct hpa *h, int32_t current, int32_t desired, pp_time now,
                          const char **reason, const char **message) {
    *reason = "DesiredWithinRange";
    *message = "the desired count is within the acceptable range";
    if (desired > current) {
        int32_t limit = up_limit(h, current, now);
        if (limit < current)
            limit = current;
        int32_t max_allowed = h->spec.max_replicas;
        const char *r, *m;
        if (max_allowed > limit) {
            max_allowed = limit;
            r = "ScaleUpLimit";
            m = "the desired replica count is increasing faster than the maximum scale rate";
        } else {
            r = "TooManyReplicas";
            m = "the desired replica count is more than the maximum replica count";
        }
        if (desired > max_allowed) {
            *reason = r;
            *message = m;
            return max_allowed;
        }
    } else if (desired < current) {
        int32_t limit = down_limit(h, current, now);
        if (limit > current)
            limit = current;
        int32_t min_allowed = h->spec.min_replicas;
        const char *r, *m;
        if (min_allowed < limit) {
            min_allowed = limit;
            r = "ScaleDownLimit";
            m = "the desired replica count is decreasing faster than the maximum scale rate";
        } else {
            r = "TooFewReplicas";
            m = "the desired replica count is less than the minimum replica count";
        }
        if (desired < min_allowed) {
            *reason = r;
            *message = m;
            return min_allowed;
        }
    }
    return desired;
}

static int32_t normalize_behavior(struct hpa *h, int32_t current, int32_t desired, pp_time now) {
    int32_t stabilized = stabilize_behavior(h, current, desired, now);
    h->status.stabilized = stabilized;
    if (stabilized != desired) {
        if (desired >= current)
            set_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, "ScaleUpStabilized", now,
                          "recent recommendations were lower than current one, applying the "
                          "lowest recent recommendation");
        else
            set_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, "ScaleDownStabilized", now,
                          "recent recommendations were higher than current one, applying the "
                          "highest recent recommendation");
    } else {
        set_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, "ReadyForNewScale", now,
                      "recommended size matches current size");
    }
    const char *reason, *message;
    int32_t out = rate_limit(h, current, stabilized, now, &reason, &message);
    set_condition(h, HPA_SCALING_LIMITED, out == stabilized ? HPA_COND_FALSE : HPA_COND_TRUE,
                  reason, now, "%s", message);
    return out;
}

static int32_t longest_period(const struct hpa_rules *r) {
    int32_t p = 0;
    for (size_t i = 0; i < r->n_policies; i++)
        p = r->policies[i].period_s > p ? r->policies[i].period_s : p;
    return p;
}

/* storeScaleEvent: only kept when behaviors are in use. */
static void store_scale_event(struct hpa *h, int32_t prev, int32_t next, pp_time now) {
    if (!h->spec.behavior_set)
        return;
    const bool up = next > prev;
    struct history *ev = up ? &h->ups : &h->downs;
    const pp_time cutoff = now - PP_SEC(longest_period(up ? &h->spec.up : &h->spec.down));
    bool found = false;
    size_t old = 0;
    for (size_t i = 0; i < ev->n; i++) {
        if (ev->v[i].at < cutoff)
            ev->v[i].outdated = true;
        if (ev->v[i].outdated) {
            found = true;
            old = i;
        }
    }
    history_put(ev, old, found, (struct stamped){up ? next - prev : prev - next, now, false});
}

/* ---- reconcileAutoscaler ---- */

const struct hpa_status *hpa_sync(struct hpa *h, const struct hpa_obs *obs, pp_time now,
                                  int32_t *replicas) {
    struct hpa_status *s = &h->status;
    const int32_t current = obs->spec_replicas;
    set_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, "SucceededGetScale", now,
                  "the HPA controller was able to get the target's current scale");
    if (h->recs.n == 0) /* recordInitialRecommendation */
        history_put(&h->recs, 0, false, (struct stamped){current, now, false});
    s->metric_recommendation = -1;
    s->stabilized = current;
    s->metric[0] = '\0';
    s->rescale_reason[0] = '\0';
    s->scaled = false;

    const int32_t min = h->spec.min_replicas;
    int32_t desired = 0;
    bool rescale = true;
    if (current == 0 && min != 0) {
        rescale = false;
        set_condition(h, HPA_SCALING_ACTIVE, HPA_COND_FALSE, "ScalingDisabled", now,
                      "scaling is disabled since the replica count of the target is zero");
    } else if (current > h->spec.max_replicas) {
        snprintf(s->rescale_reason, sizeof(s->rescale_reason),
                 "Current number of replicas above Spec.MaxReplicas");
        desired = h->spec.max_replicas;
    } else if (current < min) {
        snprintf(s->rescale_reason, sizeof(s->rescale_reason),
                 "Current number of replicas below Spec.MinReplicas");
        desired = min;
    } else {
        char err[480] = "";
        int32_t proposal = metrics_replicas(h, obs, now, err, sizeof(err));
        if (proposal == -1) {
            record_event(h, true, "FailedComputeMetricsReplicas", now, "%s", err);
            s->current_replicas = current; /* desiredReplicas keeps its last value */
            *replicas = current;
            return s;
        }
        s->metric_recommendation = proposal;
        if (proposal > desired)
            desired = proposal;
        if (desired > current)
            snprintf(s->rescale_reason, sizeof(s->rescale_reason), "%s above target", s->metric);
        if (desired < current)
            snprintf(s->rescale_reason, sizeof(s->rescale_reason), "All metrics below target");
        desired = h->spec.behavior_set ? normalize_behavior(h, current, desired, now)
                                       : normalize_legacy(h, current, desired, now);
        rescale = desired != current;
    }

    if (rescale) {
        set_condition(h, HPA_ABLE_TO_SCALE, HPA_COND_TRUE, "SucceededRescale", now,
                      "the HPA controller was able to update the target scale to %d", (int)desired);
        record_event(h, false, "SuccessfulRescale", now, "New size: %d; reason: %s", (int)desired,
                     s->rescale_reason);
        store_scale_event(h, current, desired, now);
        s->last_scale_time = now;
        s->has_scaled = true;
        s->scaled = true;
    } else {
        desired = current;
    }
    s->current_replicas = current;
    s->desired_replicas = desired;
    *replicas = desired;
    return s;
}
