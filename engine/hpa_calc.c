/* The HPA's replica calculator (pkg/controller/podautoscaler/
 * replica_calculator.go): replicas from one metric's observation. */
#include "engine/hpa_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static bool within(const struct hpa_calc *h, double ratio) {
    return 1.0 - h->tol_down <= ratio && ratio <= 1.0 + h->tol_up;
}

enum group { POD_READY, POD_UNREADY, POD_MISSING, POD_IGNORED };

/* groupPods, with the CPU readiness rules only for the cpu resource. */
static enum group group_pod(const struct hpa_calc *h, const struct hpa_pod *p, bool has_metric,
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
    } else if (p->start_time + h->cpu_initialization_period > now) {
        unready = !p->ready || o->timestamp < p->ready_transition + o->window;
    } else {
        unready = !p->ready && p->start_time + h->initial_readiness_delay > p->ready_transition;
    }
    return unready ? POD_UNREADY : POD_READY;
}

static int64_t pod_request(const struct hpa_pod *p, const char *resource) {
    return strcmp(resource, "cpu") == 0 ? p->cpu_request_milli : p->memory_request_milli;
}

/* Per-pod metrics: GetResourceReplicas (utilization) and
 * calcPlainMetricReplicas (average value), sharing the missing- and
 * unready-pod rules. */
bool hpa_calc_pods(const struct hpa_calc *h, const struct hpa_metric_spec *m,
                   const struct hpa_metric_obs *o, const struct hpa_obs *obs, int32_t current,
                   pp_time now, struct hpa_calc_result *out) {
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
bool hpa_calc_usage_ratio(const struct hpa_calc *h, double ratio, int32_t current,
                          const struct hpa_obs *obs, struct hpa_calc_result *out) {
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
void hpa_calc_per_pod(const struct hpa_calc *h, int64_t usage, int64_t target,
                      int32_t status_replicas, struct hpa_calc_result *out) {
    out->replicas = status_replicas;
    double ratio = (double)usage / ((double)target * (double)status_replicas);
    if (!within(h, ratio))
        out->replicas = (int32_t)ceil((double)usage / (double)target);
    out->usage = (int64_t)ceil((double)usage / (double)status_replicas);
}
