/* The recording header's description of each service: its resolved
 * settings (KPA, HPA, lag, cron, pods) as JSON, for people and scripts
 * reading a recording; replay rebuilds services from the sources, not
 * from this. */
#include "engine/record.h"

#include "engine/sim.h"

#include <math.h>

static void add_seconds(cJSON *o, const char *name, pp_time d) {
    cJSON_AddNumberToObject(o, name, (double)d / 1e9);
}

static cJSON *kpa_json(const struct kpa_config *k) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "metric", k->metric == KPA_METRIC_RPS ? "rps" : "concurrency");
    cJSON_AddNumberToObject(o, "target", k->target_value);
    cJSON_AddNumberToObject(o, "total", k->total_value);
    cJSON_AddNumberToObject(o, "targetUtilization", k->target_utilization);
    cJSON_AddNumberToObject(o, "panicThreshold", k->panic_threshold);
    cJSON_AddNumberToObject(o, "maxScaleUpRate", k->max_scale_up_rate);
    cJSON_AddNumberToObject(o, "maxScaleDownRate", k->max_scale_down_rate);
    cJSON_AddNumberToObject(o, "targetBurstCapacity", k->target_burst_capacity);
    cJSON_AddNumberToObject(o, "stableWindowSeconds", k->stable_window_s);
    cJSON_AddNumberToObject(o, "panicWindowSeconds", k->panic_window_s);
    add_seconds(o, "scaleDownDelaySeconds", k->scale_down_delay);
    cJSON_AddNumberToObject(o, "activationScale", k->activation_scale);
    cJSON_AddNumberToObject(o, "initialScale", k->initial_scale);
    cJSON_AddNumberToObject(o, "minScale", k->min_scale);
    cJSON_AddNumberToObject(o, "maxScale", k->max_scale);
    cJSON_AddBoolToObject(o, "enableScaleToZero", k->enable_scale_to_zero);
    add_seconds(o, "scaleToZeroGraceSeconds", k->scale_to_zero_grace);
    cJSON_AddNumberToObject(o, "containerConcurrency", k->container_concurrency);
    return o;
}

static cJSON *rules_json(const struct hpa_rules *r) {
    cJSON *o = cJSON_CreateObject();
    if (r->window_set)
        cJSON_AddNumberToObject(o, "stabilizationWindowSeconds", r->window_s);
    if (r->select_set)
        cJSON_AddStringToObject(o, "selectPolicy",
                                r->select == HPA_SELECT_MAX   ? "Max"
                                : r->select == HPA_SELECT_MIN ? "Min"
                                                              : "Disabled");
    cJSON *pols = cJSON_AddArrayToObject(o, "policies");
    for (size_t i = 0; i < r->n_policies; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "type",
                                r->policies[i].type == HPA_POLICY_PODS ? "Pods" : "Percent");
        cJSON_AddNumberToObject(p, "value", r->policies[i].value);
        cJSON_AddNumberToObject(p, "periodSeconds", r->policies[i].period_s);
        cJSON_AddItemToArray(pols, p);
    }
    if (r->tolerance_set)
        cJSON_AddNumberToObject(o, "tolerance", r->tolerance);
    return o;
}

static cJSON *hpa_json(const struct hpa_spec *h) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "minReplicas", h->min_set ? h->min_replicas : 1);
    cJSON_AddNumberToObject(o, "maxReplicas", h->max_replicas);
    cJSON *ms = cJSON_AddArrayToObject(o, "metrics");
    for (size_t i = 0; i < h->n_metrics; i++) {
        const struct hpa_metric_spec *m = &h->metrics[i];
        char name[200];
        hpa_metric_name(m, name, sizeof(name));
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "metric", name);
        if (m->target == HPA_TARGET_UTILIZATION)
            cJSON_AddNumberToObject(j, "averageUtilization", m->utilization);
        else
            cJSON_AddNumberToObject(j, m->target == HPA_TARGET_VALUE ? "value" : "averageValue",
                                    (double)m->milli / 1000);
        cJSON_AddItemToArray(ms, j);
    }
    if (h->behavior_set) {
        cJSON *b = cJSON_AddObjectToObject(o, "behavior");
        cJSON_AddItemToObject(b, "scaleUp", rules_json(&h->up));
        cJSON_AddItemToObject(b, "scaleDown", rules_json(&h->down));
    }
    return o;
}

static cJSON *keda_json(const struct keda_spec *k) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "pollingInterval", k->polling_s);
    cJSON_AddNumberToObject(o, "cooldownPeriod", k->cooldown_s);
    cJSON_AddNumberToObject(o, "initialCooldownPeriod", k->initial_cooldown_s);
    if (k->min_set)
        cJSON_AddNumberToObject(o, "minReplicaCount", k->min);
    if (k->max_set)
        cJSON_AddNumberToObject(o, "maxReplicaCount", k->max);
    if (k->idle_set)
        cJSON_AddNumberToObject(o, "idleReplicaCount", k->idle);
    if (k->fallback_set) {
        cJSON *f = cJSON_AddObjectToObject(o, "fallback");
        cJSON_AddNumberToObject(f, "failureThreshold", k->failure_threshold);
        cJSON_AddNumberToObject(f, "replicas", k->fallback_replicas);
        cJSON_AddNumberToObject(f, "behavior", k->fallback_behavior);
    }
    const bool flags[] = {k->paused, k->paused_scale_in, k->paused_scale_out, k->force_activation};
    const char *const names[] = {"paused", "pausedScaleIn", "pausedScaleOut", "forceActivation"};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (flags[i])
            cJSON_AddBoolToObject(o, names[i], true);
    if (k->paused_replicas_set)
        cJSON_AddNumberToObject(o, "pausedReplicas", k->paused_replicas);
    cJSON *ts = cJSON_AddArrayToObject(o, "triggers");
    for (size_t i = 0; i < k->n_triggers; i++) {
        const struct keda_trigger *t = &k->triggers[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "type", t->type);
        cJSON_AddStringToObject(j, "metric", t->metric);
        cJSON_AddNumberToObject(j, "threshold", t->threshold);
        cJSON_AddNumberToObject(j, "activationThreshold", t->activation);
        if (t->query)
            cJSON_AddStringToObject(j, "query", t->query);
        cJSON_AddItemToArray(ts, j);
    }
    return o;
}

cJSON *record_service_json(const struct svc_set *set, size_t svc) {
    const struct svc_config *c = &set->svcs[svc];
    const struct sim_pod_model *m = &set->sim_pods[svc];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", c->name);
    cJSON_AddStringToObject(o, "namespace", c->namespace_);
    cJSON_AddStringToObject(o, "class", svc_class_name(c->cls));
    cJSON_AddStringToObject(o, "origin", c->origin);
    if (c->owner[0])
        cJSON_AddStringToObject(o, "owner", c->owner);
    if (c->scaler_name[0])
        cJSON_AddStringToObject(o, "scaler", c->scaler_name);
    cJSON_AddNumberToObject(o, "replicas", c->replicas);
    switch (c->cls) {
    case SVC_KPA:
        cJSON_AddItemToObject(o, "kpa", kpa_json(&c->kpa));
        break;
    case SVC_HPA:
        cJSON_AddItemToObject(o, "hpa", hpa_json(&c->hpa));
        break;
    case SVC_KEDA:
        cJSON_AddItemToObject(o, "keda", keda_json(&c->keda));
        cJSON_AddItemToObject(o, "hpa", hpa_json(&c->hpa));
        break;
    case SVC_LAG: {
        cJSON *l = cJSON_AddObjectToObject(o, "lag");
        cJSON_AddNumberToObject(l, "lagThreshold", c->lag.lag_threshold);
        cJSON_AddNumberToObject(l, "inactiveSeconds", c->lag.inactive_seconds);
        cJSON_AddNumberToObject(l, "statsPeriodSeconds", c->lag.stats_period_s);
        cJSON_AddNumberToObject(l, "minReplicas", c->lag_model.min_replicas);
        cJSON_AddNumberToObject(l, "maxReplicas", c->lag_model.max_replicas);
        cJSON_AddNumberToObject(l, "serverReplicas", c->lag_server.replicas);
        break;
    }
    case SVC_CRON:
    case SVC_NONE:
        break;
    }
    if (c->cron.set) {
        cJSON *jobs = cJSON_AddArrayToObject(o, "cronJobs");
        for (size_t i = 0; i < c->cron.spec.n_jobs; i++) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "name", c->cron.jobs[i].name);
            cJSON_AddStringToObject(j, "schedule", c->cron.jobs[i].schedule);
            cJSON_AddNumberToObject(j, "targetSize", c->cron.jobs[i].target_size);
            cJSON_AddItemToArray(jobs, j);
        }
    }
    cJSON *p = cJSON_AddObjectToObject(o, "pods");
    add_seconds(p, "serviceTimeSeconds", (pp_time)llround(m->service_time_s * 1e9));
    add_seconds(p, "coldStartSeconds", m->cold_start);
    cJSON_AddNumberToObject(p, "streams", m->streams);
    cJSON_AddNumberToObject(p, "gpus", c->pods.gpus);
    cJSON_AddNumberToObject(p, "cpuRequestMilli", (double)c->pods.cpu_request_milli);
    return o;
}
