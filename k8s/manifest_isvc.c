/* KServe InferenceServices (serving.kserve.io and serving.kubeflow.org
 * v1beta1): predictor, transformer and explainer, each on Knative (KPA or
 * Knative's HPA class) or as a raw Deployment with an HPA. */
#include "k8s/manifest_internal.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- InferenceService ---- */

struct kvlist {
    struct pp_kv kv[MAX_KV];
    const yaml_node_t *node[MAX_KV];
    size_t n;
    char store[MAX_KV][32]; /* the text of integer values, one slot per kv_put_int */
    size_t n_store;
};

static void kv_put(struct kvlist *l, const char *key, const char *value, const yaml_node_t *n) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->kv[i].key, key) == 0) {
            l->kv[i].value = value;
            l->node[i] = n;
            return;
        }
    if (l->n < MAX_KV) {
        l->kv[l->n] = (struct pp_kv){key, value};
        l->node[l->n++] = n;
    }
}

static void kv_put_int(struct kvlist *l, const char *key, int64_t v, const yaml_node_t *n) {
    if (l->n_store == MAX_KV)
        return;
    char *text = l->store[l->n_store++];
    snprintf(text, sizeof(l->store[0]), "%lld", (long long)v);
    kv_put(l, key, text, n);
}

/* The autoscaling.knative.dev annotations; past MAX_KV - 8 (room for the
 * keys the spec's fields add) refused, never dropped: a 65th could be the
 * invalid target the webhook would refuse. */
static enum pp_status kv_annotations(struct build *b, struct doc *d, const yaml_node_t *ann,
                                     struct kvlist *l, bool drop_min_max) {
    if (!ann || ann->type != YAML_MAPPING_NODE)
        return PP_OK;
    for (yaml_node_pair_t *p = ann->data.mapping.pairs.start; p < ann->data.mapping.pairs.top;
         p++) {
        const char *k = ydoc_scalar(ydoc_child(&d->yd, p->key));
        const yaml_node_t *v = ydoc_child(&d->yd, p->value);
        if (!k || !ydoc_scalar(v) || strncmp(k, KN, strlen(KN)) != 0)
            continue;
        const char *name = k + strlen(KN);
        if (drop_min_max && (strcmp(name, "min-scale") == 0 || strcmp(name, "max-scale") == 0 ||
                             strcmp(name, "minScale") == 0 || strcmp(name, "maxScale") == 0)) {
            manifest_warn(b->m, d, v,
                          "%s is dropped: KServe sets min-scale and max-scale from minReplicas and "
                          "maxReplicas",
                          k);
            continue;
        }
        if (l->n >= MAX_KV - 8)
            return ydoc_fail(b->err, &d->yd, v, k, "at most %d %s annotations are read", MAX_KV - 8,
                             KN);
        kv_put(l, k, ydoc_scalar(v), v);
    }
    return PP_OK;
}

struct component {
    const char *kind; /* predictor, transformer, explainer */
    const yaml_node_t *node;
    char path[64];
    int32_t min, max;
    bool min_set;
    int64_t target;
    bool target_set;
    const char *metric;
    const yaml_node_t *metric_node, *target_node, *min_node, *max_node, *cc_node;
    int64_t cc;
    bool cc_set;
};

static enum pp_status read_component(struct build *b, struct doc *d, bool kubeflow,
                                     struct component *c) {
    char f[128];
    const yaml_node_t *n = c->node;
    if (ydoc_want_map(b->err, &d->yd, n, c->path) != PP_OK)
        return PP_ERR_INVALID;
    c->min = 1;
    snprintf(f, sizeof(f), "%s.minReplicas", c->path);
    if (ydoc_get_i32(b->err, &d->yd, n, "minReplicas", f, 0, &c->min, &c->min_set) != PP_OK)
        return PP_ERR_INVALID;
    snprintf(f, sizeof(f), "%s.maxReplicas", c->path);
    if (ydoc_get_i32(b->err, &d->yd, n, "maxReplicas", f, 0, &c->max, NULL) != PP_OK)
        return PP_ERR_INVALID;
    if (c->max != 0 && c->min > c->max)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "minReplicas"), f,
                         "minReplicas %d is above maxReplicas %d", c->min, c->max);
    snprintf(f, sizeof(f), "%s.containerConcurrency", c->path);
    if (ydoc_get_int(b->err, &d->yd, n, "containerConcurrency", f, 0, 1000, &c->cc, &c->cc_set) !=
        PP_OK)
        return PP_ERR_INVALID;
    c->min_node = ydoc_get(&d->yd, n, "minReplicas");
    c->max_node = ydoc_get(&d->yd, n, "maxReplicas");
    c->cc_node = ydoc_get(&d->yd, n, "containerConcurrency");
    if (kubeflow) {
        if (ydoc_get(&d->yd, n, "scaleTarget") || ydoc_get(&d->yd, n, "scaleMetric"))
            manifest_warn(
                b->m, d,
                ydoc_get(&d->yd, n, "scaleTarget") ? ydoc_get(&d->yd, n, "scaleTarget")
                                                   : ydoc_get(&d->yd, n, "scaleMetric"),
                "serving.kubeflow.org/v1beta1 has no scaleTarget/scaleMetric; ignored (use "
                "the autoscaling.knative.dev/target annotation)");
        return PP_OK;
    }
    snprintf(f, sizeof(f), "%s.scaleTarget", c->path);
    if (ydoc_get_int(b->err, &d->yd, n, "scaleTarget", f, INT32_MIN, INT32_MAX, &c->target,
                     &c->target_set) != PP_OK)
        return PP_ERR_INVALID;
    c->target_node = ydoc_get(&d->yd, n, "scaleTarget");
    snprintf(f, sizeof(f), "%s.scaleMetric", c->path);
    if (ydoc_get_str(b->err, &d->yd, n, "scaleMetric", f, &c->metric) != PP_OK)
        return PP_ERR_INVALID;
    c->metric_node = ydoc_get(&d->yd, n, "scaleMetric");
    return PP_OK;
}

static const char *kpa_metric(struct build *b, struct doc *d, const struct component *c) {
    if (!c->metric)
        return NULL;
    if (strcmp(c->metric, "qps") == 0) {
        manifest_warn(
            b->m, d, c->metric_node,
            "%s.scaleMetric: \"qps\" is not one of KServe's values (cpu, memory, concurrency, "
            "rps) and a cluster's webhook refuses it; read as \"rps\", which it means",
            c->path);
        return "rps";
    }
    return c->metric;
}

static enum pp_status kpa_error(struct build *b, struct doc *d, const struct kvlist *l,
                                const struct component *c, struct pp_error *e) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->kv[i].key, e->field) == 0 && l->node[i])
            return ydoc_fail(b->err, &d->yd, l->node[i], e->field, "%s", e->message);
    return ydoc_fail(b->err, &d->yd, c->node, e->field, "%s", e->message);
}

static enum pp_status knative_hpa(struct build *b, struct doc *d, struct svc_config *s,
                                  const struct kvlist *l, const struct component *c) {
    const char *metric = pp_kv_get(l->kv, l->n, KN "metric");
    const char *target = pp_kv_get(l->kv, l->n, KN "target");
    const char *mn = pp_kv_get(l->kv, l->n, KN "min-scale");
    const char *mx = pp_kv_get(l->kv, l->n, KN "max-scale");
    s->cls = SVC_HPA;
    struct hpa_metric_spec *m = &s->hpa.metrics[0];
    s->hpa.n_metrics = 1;
    m->type = HPA_RESOURCE;
    m->name = metric && strcmp(metric, "memory") == 0 ? "memory" : "cpu";
    if (metric && strcmp(metric, "cpu") != 0 && strcmp(metric, "memory") != 0)
        return ydoc_fail(b->err, &d->yd, c->metric_node ? c->metric_node : c->node, KN "metric",
                         "the Knative HPA class scales on cpu or memory, got \"%s\"", metric);
    m->target = HPA_TARGET_UTILIZATION;
    double t = 80;
    if (target && (!goparse_float(target, &t) || t < 1))
        return ydoc_fail(b->err, &d->yd, c->node, KN "target", "expected a number >= 1, got \"%s\"",
                         target);
    m->utilization = (int32_t)ceil(t);
    int32_t min = 1, max = INT32_MAX;
    if (mn && goparse_int32(mn, &min) && min < 1)
        min = 1;
    if (mx && (!goparse_int32(mx, &max) || max <= 0))
        max = INT32_MAX;
    s->hpa.min_set = true;
    s->hpa.min_replicas = min;
    s->hpa.max_replicas = max < min ? min : max;
    s->replicas = s->initial_ready = min;
    return PP_OK;
}

static enum pp_status knative_component(struct build *b, struct doc *d, struct svc_config *s,
                                        const struct component *c, bool kubeflow) {
    struct kvlist l = {.n = 0};
    const yaml_node_t *meta = ydoc_get(&d->yd, d->yd.root, "metadata");
    if (kv_annotations(b, d, ydoc_get(&d->yd, meta, "annotations"), &l, !kubeflow) != PP_OK ||
        kv_annotations(b, d, ydoc_get(&d->yd, c->node, "annotations"), &l, !kubeflow) != PP_OK)
        return PP_ERR_INVALID;
    if (kubeflow) {
        /* KFServing 0.6 wrote camelCase minScale/maxScale */
        if (!pp_kv_get(l.kv, l.n, KN "minScale"))
            kv_put_int(&l, KN "minScale", c->min, c->min_node);
        if (c->max > 0 && !pp_kv_get(l.kv, l.n, KN "maxScale"))
            kv_put_int(&l, KN "maxScale", c->max, c->max_node);
    } else {
        if (c->target_set)
            kv_put_int(&l, KN "target", c->target, c->target_node);
        const char *metric = kpa_metric(b, d, c);
        if (metric)
            kv_put(&l, KN "metric", metric, c->metric_node);
        kv_put_int(&l, KN "min-scale", c->min, c->min_node);
        if (c->max > 0)
            kv_put_int(&l, KN "max-scale", c->max, c->max_node);
    }
    if (c->cc_set)
        kv_put_int(&l, "containerConcurrency", c->cc, c->cc_node);
    s->pods.concurrency_limit = (int32_t)c->cc;
    const char *klass = pp_kv_get(l.kv, l.n, KN "class");
    if (klass && strcmp(klass, "hpa.autoscaling.knative.dev") == 0)
        return knative_hpa(b, d, s, &l, c);
    const char *metric = pp_kv_get(l.kv, l.n, KN "metric");
    if (metric && (strcmp(metric, "cpu") == 0 || strcmp(metric, "memory") == 0))
        return ydoc_fail(b->err, &d->yd, c->metric_node ? c->metric_node : c->node,
                         c->metric_node ? "scaleMetric" : KN "metric",
                         "%s needs the HPA class in Knative mode (annotation %sclass: "
                         "hpa.autoscaling.knative.dev); KServe's webhook refuses it otherwise",
                         metric, KN);
    struct pp_error e = {0};
    if (kpa_config_resolve(l.kv, l.n, &s->kpa, &e) != PP_OK)
        return kpa_error(b, d, &l, c, &e);
    if (s->kpa.metric == KPA_METRIC_RPS && c->target_set && c->target < 1)
        return ydoc_fail(b->err, &d->yd, c->target_node, "scaleTarget",
                         "an rps target must be at least 1 (KServe's webhook)");
    s->cls = SVC_KPA;
    s->replicas = s->initial_ready = s->kpa.deployment_replicas;
    for (size_t i = 0; i < l.n && i < SVC_MAX_KV; i++)
        s->kpa_kv[i] = (struct pp_kv){svc_set_strdup(b->set, l.kv[i].key),
                                      svc_set_strdup(b->set, l.kv[i].value)};
    s->n_kpa_kv = l.n < SVC_MAX_KV ? l.n : SVC_MAX_KV;
    return PP_OK;
}

static enum pp_status raw_component(struct build *b, struct doc *d, struct svc_config *s,
                                    const struct component *c, const char *klass) {
    s->replicas = s->initial_ready = c->min > 0 ? c->min : 1;
    if (klass && (strcmp(klass, "external") == 0 || strcmp(klass, "none") == 0)) {
        s->cls = SVC_NONE; /* no autoscaler until an HPA or CronHPA attaches */
        s->scaler_name[0] = '\0';
        return PP_OK;
    }
    if (klass && strcmp(klass, "keda") == 0) {
        if (c->metric)
            return ydoc_fail(b->err, &d->yd, c->metric_node, "scaleMetric",
                             "must be unset with autoscalerClass keda (KServe's webhook): the "
                             "ScaledObject's triggers come from autoScaling.metrics");
        return manifest_isvc_keda(b, d, s, c->node, c->path, c->min_set ? c->min : -1, c->max);
    }
    if (klass && strcmp(klass, "hpa") != 0)
        return ydoc_fail(b->err, &d->yd, c->node, "serving.kserve.io/autoscalerClass",
                         "\"%s\" is not simulated (hpa, keda, external and none are)", klass);
    s->cls = SVC_HPA;
    snprintf(s->scaler_name, sizeof(s->scaler_name), "%s", s->name);
    struct hpa_spec *h = &s->hpa;
    h->min_set = true;
    h->min_replicas = c->min > 0 ? c->min : 1; /* an HPA cannot scale to zero */
    h->max_replicas = c->max > h->min_replicas ? c->max : h->min_replicas;
    h->behavior_set = true; /* KServe writes behavior: {} and the API server defaults it */
    const char *metric = c->metric ? c->metric : "cpu";
    if (strcmp(metric, "cpu") == 0 || (strcmp(metric, "memory") == 0 && c->target_set)) {
        if (c->target_set && strcmp(metric, "cpu") == 0 && (c->target < 1 || c->target > 100))
            return ydoc_fail(b->err, &d->yd, c->target_node, "scaleTarget",
                             "a cpu target is a utilization between 1 and 100 (KServe's webhook)");
        h->n_metrics = 1;
        h->metrics[0] = (struct hpa_metric_spec){
            .type = HPA_RESOURCE,
            .name = strcmp(metric, "cpu") == 0 ? "cpu" : "memory",
            .target = HPA_TARGET_UTILIZATION,
            .utilization = c->target_set ? (int32_t)c->target : 80,
        };
    } else if (strcmp(metric, "memory") != 0) {
        return ydoc_fail(b->err, &d->yd, c->metric_node, "scaleMetric",
                         "\"%s\" is not an HPA metric: with the hpa autoscaler class KServe "
                         "accepts cpu or memory",
                         metric);
    }
    return PP_OK;
}

static const char *deployment_mode(struct doc *d, bool kubeflow, const char **klass) {
    const yaml_node_t *ann =
        ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "metadata"), "annotations");
    *klass = ydoc_scalar(ydoc_get(&d->yd, ann, "serving.kserve.io/autoscalerClass"));
    if (kubeflow)
        return "Knative";
    const char *mode = ydoc_scalar(ydoc_get(&d->yd, ann, "serving.kserve.io/deploymentMode"));
    if (!mode || strcmp(mode, "Serverless") == 0 || strcmp(mode, "Knative") == 0)
        return "Knative";
    if (strcmp(mode, "RawDeployment") == 0 || strcmp(mode, "Standard") == 0)
        return "Standard";
    return mode;
}

enum pp_status manifest_read_isvc(struct build *b, struct doc *d) {
    const bool kubeflow = manifest_api_group(d->api, "serving.kubeflow.org");
    if (strcmp(d->api, "serving.kserve.io/v1beta1") != 0 &&
        strcmp(d->api, "serving.kubeflow.org/v1beta1") != 0)
        return ydoc_fail(
            b->err, &d->yd, ydoc_get(&d->yd, d->yd.root, "apiVersion"), "apiVersion",
            "%s is not read; serving.kserve.io/v1beta1 and serving.kubeflow.org/v1beta1 "
            "are",
            d->api);
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, d->yd.root, "metadata"), "metadata.name",
                         "not set");
    const yaml_node_t *spec = ydoc_get(&d->yd, d->yd.root, "spec");
    if (ydoc_want_map(b->err, &d->yd, spec, "spec") != PP_OK)
        return PP_ERR_INVALID;
    const char *klass;
    const char *mode = deployment_mode(d, kubeflow, &klass);
    if (strcmp(mode, "Knative") != 0 && strcmp(mode, "Standard") != 0)
        return ydoc_fail(
            b->err, &d->yd, d->yd.root, "serving.kserve.io/deploymentMode",
            "\"%s\" is not simulated (Serverless/Knative and RawDeployment/Standard are)", mode);
    static const char *const kinds[] = {"predictor", "transformer", "explainer"};
    bool any = false;
    for (size_t k = 0; k < 3; k++) {
        struct component c = {.kind = kinds[k], .node = ydoc_get(&d->yd, spec, kinds[k])};
        if (!c.node)
            continue;
        any = true;
        snprintf(c.path, sizeof(c.path), "spec.%s", kinds[k]);
        if (read_component(b, d, kubeflow, &c) != PP_OK)
            return PP_ERR_INVALID;
        char name[SVC_NAME_MAX];
        snprintf(name, sizeof(name), "%s-%s%s", d->name, kinds[k], kubeflow ? "-default" : "");
        struct svc_config *s;
        if (manifest_add_service(b, d, c.node, name, &s) != PP_OK)
            return PP_ERR_INVALID;
        snprintf(s->owner, sizeof(s->owner), "%s", d->name);
        /* a live cluster's InferenceService says where it answers (KServe's
         * v1 protocol path; -d or -D gives the model its input) */
        const char *url =
            ydoc_scalar(ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "status"), "url"));
        if (url && k == 0 && strlen(url) + strlen(d->name) + 24 < sizeof(s->url))
            snprintf(s->url, sizeof(s->url), "%s/v1/models/%s:predict", url, d->name);
        bool cpu_set = false;
        if (manifest_scan_resources(b, d, c.node, c.path, &s->pods, &cpu_set, 0) != PP_OK)
            return PP_ERR_INVALID;
        const enum pp_status st = strcmp(mode, "Knative") == 0
                                      ? knative_component(b, d, s, &c, kubeflow)
                                      : raw_component(b, d, s, &c, klass);
        if (st != PP_OK)
            return st;
    }
    if (!any)
        return ydoc_fail(b->err, &d->yd, spec, "spec.predictor",
                         "not set: an InferenceService needs one");
    return PP_OK;
}
