#include "engine/sim_hpa.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool name_has(const char *name, const char *part) {
    const size_t n = strlen(part);
    for (const char *p = name; *p; p++)
        if (strncasecmp(p, part, n) == 0)
            return true;
    return false;
}

/* What the simulated pods can report for a custom metric name (see README,
 * "simulated metrics"); -1 when they cannot. */
enum simmetric {
    SM_NONE = -1,
    SM_GPU_PERCENT,
    SM_GPU_RATIO,
    SM_STREAMS,
    SM_CONC,
    SM_RPS,
    SM_QUEUE
};

static enum simmetric sim_metric_of(const char *name) {
    if (!name)
        return SM_NONE;
    if (name_has(name, "SM_ACTIVE") || name_has(name, "GR_ENGINE_ACTIVE"))
        return SM_GPU_RATIO;
    if (name_has(name, "SM_UTIL") || name_has(name, "GPU_UTIL") || name_has(name, "gpu"))
        return SM_GPU_PERCENT;
    if (name_has(name, "num_requests_waiting") || name_has(name, "queue") ||
        name_has(name, "waiting") || name_has(name, "pending"))
        return SM_QUEUE;
    if (name_has(name, "streams_ratio"))
        return SM_STREAMS;
    if (name_has(name, "concurrency") || name_has(name, "current_requests") ||
        name_has(name, "in_flight") || name_has(name, "inflight"))
        return SM_CONC;
    if (name_has(name, "rps") || name_has(name, "requests_per_second") || name_has(name, "qps") ||
        name_has(name, "infer_total"))
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
    case SM_QUEUE: /* in the pod, not executing */
        return p->concurrency > p->busy ? p->concurrency - p->busy : 0;
    case SM_NONE:
        break;
    }
    return 0;
}

/* A container's part of its pod's usage: its share of the pod's request
 * (the simulated cluster measures pods, not containers). */
static double container_share(const struct pod_spec *spec, const struct hpa_metric_spec *m) {
    if (m->type != HPA_CONTAINER_RESOURCE || !m->container)
        return 1;
    const bool cpu = strcmp(m->name, "cpu") == 0;
    const int64_t pod = cpu ? spec->cpu_request_milli : spec->memory_request_milli;
    for (size_t i = 0; i < spec->n_containers; i++) {
        const struct pod_container *c = &spec->containers[i];
        const int64_t r = cpu ? c->cpu_milli : c->memory_milli;
        if (strcmp(c->name, m->container) == 0 && r > 0 && pod > 0)
            return (double)r / (double)pod;
    }
    return 1;
}

static void metric_obs(struct sim_hpa *h, size_t k, const struct hpa_metric_spec *m,
                       const struct pod_spec *spec, const struct sim_pod_sample *samples, size_t n,
                       pp_time now) {
    struct hpa_metric_obs *o = &h->metrics[k];
    *o = (struct hpa_metric_obs){
        .pod_milli = h->vals[k], .present = h->present[k], .timestamp = now, .window = PP_SEC(15)};
    const bool resource = m->type == HPA_RESOURCE || m->type == HPA_CONTAINER_RESOURCE;
    const bool memory = resource && strcmp(m->name, "memory") == 0;
    if (resource && !memory && strcmp(m->name, "cpu") != 0) {
        o->empty = true; /* metrics-server has cpu and memory only */
        return;
    }
    const enum simmetric sm = resource ? SM_NONE : sim_metric_of(m->name);
    if (!resource && sm == SM_NONE) { /* the adapter's answer; the metrics client words it */
        snprintf(h->errors[k], sizeof(h->errors[k]),
                 "the simulated cluster has no metric %s (see README, simulated metrics)", m->name);
        o->error = h->errors[k];
        return;
    }
    double total = 0;
    const double share = container_share(spec, m);
    for (size_t i = 0; i < n; i++) {
        const struct sim_pod_sample *p = &samples[i];
        double v = resource ? (double)(memory ? p->memory_milli : p->cpu_milli) * share
                            : 1000.0 * sim_metric_value(sm, p);
        h->vals[k][i] = resource ? (int64_t)v : (int64_t)llround(v);
        h->present[k][i] = p->ready;
        if (p->ready)
            total += v;
    }
    o->value_milli = (int64_t)llround(total);
}

bool sim_query_value(const char *query, const struct sim_pod_sample *samples, size_t n, double held,
                     double *out) {
    const enum simmetric m = sim_metric_of(query);
    if (m == SM_NONE)
        return false;
    double total = 0;
    size_t ready = 0;
    for (size_t i = 0; i < n; i++)
        if (samples[i].ready) {
            total += sim_metric_value(m, &samples[i]);
            ready++;
        }
    const bool waiting = m == SM_QUEUE || m == SM_CONC; /* requests held in front count */
    if (waiting)
        total += held;
    /* avg and max: per pod (the pods are balanced, so the max is the mean) */
    const bool per_pod = name_has(query, "avg(") || name_has(query, "avg by") ||
                         name_has(query, "max(") || name_has(query, "max by");
    *out = !per_pod ? total : ready ? total / (double)ready : waiting ? held : 0;
    return true;
}

size_t sim_keda_values(const struct svc_config *c, const struct sim_pod_sample *samples, size_t n,
                       double held, double *out) {
    for (size_t i = 0; i < c->keda.n_triggers; i++) {
        const struct keda_trigger *t = &c->keda.triggers[i];
        out[i] = 0;
        if (t->kind == KEDA_TRIGGER_EXTERNAL &&
            !sim_query_value(t->query ? t->query : "", samples, n, held, &out[i]))
            out[i] = NAN;
    }
    return c->keda.n_triggers;
}

/* A KEDA trigger's external metric (s<i>-<type>): trigger i's query. */
static const char *keda_query(const struct svc_config *c, const struct hpa_metric_spec *m) {
    if (c->cls != SVC_KEDA || m->type != HPA_EXTERNAL || !m->name)
        return NULL;
    for (size_t i = 0; i < c->keda.n_triggers; i++)
        if (strcmp(c->keda.triggers[i].metric, m->name) == 0)
            return c->keda.triggers[i].query ? c->keda.triggers[i].query : "";
    return NULL;
}

static void keda_metric_obs(struct sim_hpa *h, size_t k, const char *query,
                            const struct sim_pod_sample *samples, size_t n, double held,
                            pp_time now) {
    struct hpa_metric_obs *o = &h->metrics[k];
    *o = (struct hpa_metric_obs){.timestamp = now, .window = PP_SEC(15)};
    double v;
    if (!sim_query_value(query, samples, n, held, &v)) {
        snprintf(h->errors[k], sizeof(h->errors[k]),
                 "the simulated cluster cannot answer the query %.120s (see README, simulated "
                 "metrics)",
                 query);
        o->error = h->errors[k];
        return;
    }
    o->value_milli = (int64_t)llround(1000 * v);
}

void sim_hpa_observe(struct sim_hpa *h, const struct svc_config *c,
                     const struct sim_pod_sample *samples, size_t n, double held, pp_time now,
                     struct loop_obs *o) {
    if (n > SIM_MAX_PODS)
        n = SIM_MAX_PODS;
    const size_t n_containers = pod_spec_containers(&c->pods, h->containers);
    for (size_t i = 0; i < n; i++) {
        const struct sim_pod_sample *p = &samples[i];
        snprintf(h->names[i], sizeof(h->names[i]), "%.40s-%llu", c->name,
                 (unsigned long long)p->uid);
        h->pods[i] = (struct hpa_pod){
            .name = h->names[i],
            .containers = h->containers,
            .n_containers = n_containers,
            .phase = HPA_POD_RUNNING,
            .has_ready_condition = true,
            .ready = p->ready,
            .ready_transition = p->ready ? p->ready_at : p->created,
            .started = true,
            .start_time = p->created,
            .cpu_request_milli = c->pods.cpu_request_milli,
            .memory_request_milli = c->pods.memory_request_milli,
        };
    }
    size_t n_metrics;
    const struct hpa_metric_spec *metrics = hpa_spec_metrics(&c->hpa, &n_metrics);
    for (size_t k = 0; k < n_metrics; k++) {
        const char *query = keda_query(c, &metrics[k]);
        if (query)
            keda_metric_obs(h, k, query, samples, n, held, now);
        else
            metric_obs(h, k, &metrics[k], &c->pods, samples, n, now);
    }
    o->hpa = true;
    o->n_pods = n;
    o->hpa_pods = h->pods;
    o->n_metrics = n_metrics;
    o->metrics = h->metrics;
}
