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

/* groupPods, with the CPU readiness rules only for the cpu resource. A
 * Ready condition that is Unknown is not False. */
static enum group group_pod(const struct hpa_calc *h, const struct hpa_pod *p, bool has_metric,
                            pp_time ts, pp_time window, bool cpu, pp_time now) {
    if (p->deleting || p->phase == HPA_POD_FAILED)
        return POD_IGNORED;
    if (p->phase == HPA_POD_PENDING)
        return POD_UNREADY;
    if (!has_metric)
        return POD_MISSING;
    if (!cpu)
        return POD_READY;
    const bool is_false = !p->ready && !p->ready_unknown;
    bool unready;
    if (!p->has_ready_condition || !p->started)
        unready = true;
    else if (p->start_time + h->cpu_initialization_period > now)
        unready = is_false || ts < p->ready_transition + window;
    else
        unready = is_false && p->start_time + h->initial_readiness_delay > p->ready_transition;
    return unready ? POD_UNREADY : POD_READY;
}

/* calculatePodRequests for one pod: the sum over its containers and
 * restartable init containers (or the named one); false with upstream's
 * error when a container has no request or the named one is absent. */
static bool pod_request(const struct hpa_pod *p, const struct hpa_metric_spec *m, bool cpu,
                        int64_t *out, struct hpa_calc_result *res) {
    const char *want = m->type == HPA_CONTAINER_RESOURCE ? m->container : NULL;
    const char *pod = p->name ? p->name : "";
    if (p->n_containers == 0) { /* a simulated pod: its requests as given */
        *out = cpu ? p->cpu_request_milli : p->memory_request_milli;
        return true;
    }
    int64_t sum = 0;
    bool found = false;
    for (size_t i = 0; i < p->n_containers; i++) {
        const struct hpa_container *c = &p->containers[i];
        if ((c->init && !c->restartable) || (want && strcmp(want, c->name) != 0))
            continue;
        found = true;
        const int64_t r = cpu ? c->cpu_milli : c->memory_milli;
        if (r < 0) {
            snprintf(res->error, sizeof(res->error),
                     "missing request for %s in container %s of Pod %s", m->name, c->name, pod);
            return false;
        }
        sum += r;
    }
    if (want && !found) {
        snprintf(res->error, sizeof(res->error), "container %s not found in Pod %s", want, pod);
        return false;
    }
    *out = sum;
    return true;
}

/* One pod's sample and its grouping. */
struct sample {
    enum group g;
    int64_t value, request;
};

static void group_all(const struct hpa_calc *h, const struct hpa_metric_obs *o,
                      const struct hpa_obs *obs, bool cpu, pp_time now, struct sample *out) {
    for (size_t i = 0; i < obs->n_pods; i++) {
        const bool has = !o->present || o->present[i];
        const pp_time ts = o->pod_timestamp ? o->pod_timestamp[i] : o->timestamp;
        const pp_time win = o->pod_window ? o->pod_window[i] : o->window;
        out[i].g = group_pod(h, &obs->pods[i], has, ts, win, cpu, now);
        out[i].value = has ? o->pod_milli[i] : 0;
        out[i].request = 0;
    }
}

/* GetResourceUtilizationRatio over the samples with a request (pods the
 * selector listed); false when there are none. */
static bool utilization_of(int64_t total, int64_t requests, int32_t *util) {
    if (requests == 0)
        return false;
    *util = (int32_t)(total * 100 / requests);
    return true;
}

/* Per-pod metrics: GetResourceReplicas (utilization), GetRawResourceReplicas
 * and calcPlainMetricReplicas (average value), with the missing- and
 * unready-pod rules. `scratch` holds a sample per pod. */
static bool calc_pods(const struct hpa_calc *h, const struct hpa_metric_spec *m,
                      const struct hpa_metric_obs *o, const struct hpa_obs *obs, int32_t current,
                      pp_time now, struct sample *smp, struct hpa_calc_result *out) {
    const bool resource = m->type == HPA_RESOURCE || m->type == HPA_CONTAINER_RESOURCE;
    const bool utilization = resource && m->target == HPA_TARGET_UTILIZATION;
    const bool cpu = resource && strcmp(m->name, "cpu") == 0;
    if (obs->n_pods == 0) {
        snprintf(out->error, sizeof(out->error),
                 "no pods returned by selector while calculating replica count");
        return false;
    }
    group_all(h, o, obs, cpu, now, smp);
    size_t ready = 0, unready = 0, missing = 0, with_metric = 0;
    int64_t total = 0, requests = 0;
    for (size_t i = 0; i < obs->n_pods; i++) {
        ready += smp[i].g == POD_READY;
        unready += smp[i].g == POD_UNREADY;
        missing += smp[i].g == POD_MISSING;
        with_metric += smp[i].g == POD_READY;
    }
    if (with_metric + o->n_extra == 0) {
        snprintf(out->error, sizeof(out->error),
                 "did not receive metrics for targeted pods (pods might be unready)");
        return false;
    }
    double ratio;
    if (utilization) {
        for (size_t i = 0; i < obs->n_pods; i++)
            if (!pod_request(&obs->pods[i], m, cpu, &smp[i].request, out))
                return false;
        for (size_t i = 0; i < obs->n_pods; i++)
            if (smp[i].g == POD_READY) {
                total += smp[i].value;
                requests += smp[i].request;
            }
        if (!utilization_of(total, requests, &out->utilization)) {
            snprintf(out->error, sizeof(out->error), "no metrics returned matched known pods");
            return false;
        }
        out->usage = total / (int64_t)with_metric;
        ratio = (double)out->utilization / (double)m->utilization;
    } else {
        for (size_t i = 0; i < obs->n_pods; i++)
            total += smp[i].g == POD_READY ? smp[i].value : 0;
        total += o->extra_milli;
        out->usage = total / (int64_t)(with_metric + o->n_extra);
        ratio = (double)out->usage / (double)m->milli;
    }
    const bool up_with_unready = unready > 0 && ratio > 1.0;
    if (!up_with_unready && missing == 0) {
        out->replicas = within(h, ratio) ? current : (int32_t)ceil(ratio * (double)ready);
        return true;
    }
    /* Fill in the pods without usable samples, then look again. */
    int64_t filled = total, filled_requests = requests;
    size_t n = with_metric + o->n_extra;
    for (size_t i = 0; i < obs->n_pods; i++) {
        int64_t v;
        if (smp[i].g == POD_MISSING) {
            if (ratio < 1.0)
                v = utilization
                        ? smp[i].request * (m->utilization > 100 ? m->utilization : 100) / 100
                        : m->milli;
            else if (ratio > 1.0 || !utilization)
                v = 0;
            else
                continue; /* utilization exactly on target: missing pods stay out */
        } else if (smp[i].g == POD_UNREADY && up_with_unready) {
            v = 0;
        } else {
            continue;
        }
        filled += v;
        filled_requests += smp[i].request;
        n++;
    }
    double new_ratio;
    if (utilization) {
        int32_t u;
        if (!utilization_of(filled, filled_requests, &u)) {
            snprintf(out->error, sizeof(out->error), "no metrics returned matched known pods");
            return false;
        }
        new_ratio = (double)u / (double)m->utilization;
    } else {
        new_ratio = (double)(filled / (int64_t)n) / (double)m->milli;
    }
    if (within(h, new_ratio) || (ratio < 1.0 && new_ratio > 1.0) ||
        (ratio > 1.0 && new_ratio < 1.0)) {
        out->replicas = current;
        return true;
    }
    const int32_t r = (int32_t)ceil(new_ratio * (double)n);
    out->replicas =
        (new_ratio < 1.0 && r > current) || (new_ratio > 1.0 && r < current) ? current : r;
    return true;
}

bool hpa_calc_pods(struct hpa_calc *h, const struct hpa_metric_spec *m,
                   const struct hpa_metric_obs *o, const struct hpa_obs *obs, int32_t current,
                   pp_time now, struct hpa_calc_result *out) {
    if (obs->n_pods > h->cap_samples) {
        h->cap_samples = obs->n_pods;
        h->samples = xrealloc(h->samples, h->cap_samples * sizeof(struct sample));
    }
    return calc_pods(h, m, o, obs, current, now, h->samples, out);
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
