/* autoscaling/v2 (and v1) HorizontalPodAutoscalers: target, metrics,
 * behavior, as the API server validates and defaults them. */
#include "k8s/manifest_internal.h"

#include "engine/labels.h"

#include "engine/goparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- HorizontalPodAutoscaler ---- */

static enum pp_status hpa_target(struct build *b, struct doc *d, const yaml_node_t *n,
                                 const char *path, struct hpa_metric_spec *m) {
    char f[320];
    snprintf(f, sizeof(f), "%s.type", path);
    const char *type = ydoc_scalar(ydoc_get(&d->yd, n, "type"));
    if (!type)
        return ydoc_fail(b->err, &d->yd, n, f, "Required value: must specify a metric target type");
    if (strcmp(type, "Utilization") == 0) {
        m->target = HPA_TARGET_UTILIZATION;
        snprintf(f, sizeof(f), "%s.averageUtilization", path);
        return ydoc_get_i32(b->err, &d->yd, n, "averageUtilization", f, INT32_MIN, &m->utilization,
                            NULL);
    }
    const char *key;
    if (strcmp(type, "Value") == 0) {
        m->target = HPA_TARGET_VALUE;
        key = "value";
    } else if (strcmp(type, "AverageValue") == 0) {
        m->target = HPA_TARGET_AVERAGE_VALUE;
        key = "averageValue";
    } else {
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "type"), f,
                         "Unsupported value: \"%s\": supported values: \"AverageValue\", "
                         "\"Utilization\", \"Value\"",
                         type);
    }
    snprintf(f, sizeof(f), "%s.%s", path, key);
    return ydoc_get_quantity(b->err, &d->yd, n, key, f, &m->milli);
}

/* A metric's selector as the controller names it (Go's %+v of a
 * *LabelSelector), kept in the set. */
static const char *selector_text(struct build *b, struct doc *d, const yaml_node_t *sel) {
    enum { MAX = 32 };
    const char *keys[MAX], *vals[MAX], *values[MAX][MAX];
    struct label_requirement reqs[MAX];
    struct label_selector ls = {.keys = keys, .values = vals, .exprs = reqs};
    const yaml_node_t *labels = ydoc_get(&d->yd, sel, "matchLabels");
    for (yaml_node_pair_t *p =
             labels && labels->type == YAML_MAPPING_NODE ? labels->data.mapping.pairs.start : NULL;
         p && p < labels->data.mapping.pairs.top && ls.n_labels < MAX; p++) {
        keys[ls.n_labels] = ydoc_scalar(ydoc_child(&d->yd, p->key));
        vals[ls.n_labels] = ydoc_scalar(ydoc_child(&d->yd, p->value));
        if (keys[ls.n_labels] && vals[ls.n_labels])
            ls.n_labels++;
    }
    const yaml_node_t *exprs = ydoc_get(&d->yd, sel, "matchExpressions");
    for (size_t i = 0; i < ydoc_seq_len(exprs) && ls.n_exprs < MAX; i++) {
        const yaml_node_t *e = ydoc_seq_at(&d->yd, exprs, i);
        struct label_requirement *r = &reqs[ls.n_exprs++];
        *r = (struct label_requirement){.key = ydoc_scalar(ydoc_get(&d->yd, e, "key")),
                                        .op = ydoc_scalar(ydoc_get(&d->yd, e, "operator")),
                                        .values = values[ls.n_exprs - 1]};
        r->key = r->key ? r->key : "";
        r->op = r->op ? r->op : "";
        const yaml_node_t *v = ydoc_get(&d->yd, e, "values");
        for (size_t k = 0; k < ydoc_seq_len(v) && r->n_values < MAX; k++)
            if (ydoc_scalar(ydoc_seq_at(&d->yd, v, k)))
                values[ls.n_exprs - 1][r->n_values++] = ydoc_scalar(ydoc_seq_at(&d->yd, v, k));
    }
    char text[4096];
    label_selector_text(&ls, text, sizeof(text));
    return svc_set_strdup(b->set, text);
}

static enum pp_status hpa_metric(struct build *b, struct doc *d, const yaml_node_t *n, size_t i,
                                 struct hpa_metric_spec *m) {
    char path[64], f[200];
    snprintf(path, sizeof(path), "spec.metrics[%zu]", i);
    const char *type = ydoc_scalar(ydoc_get(&d->yd, n, "type"));
    size_t k = 0;
    while (k < 5 && (!type || strcmp(type, hpa_metric_type_names[k]) != 0))
        k++;
    snprintf(f, sizeof(f), "%s.type", path);
    if (k == 5)
        return ydoc_fail(b->err, &d->yd,
                         ydoc_get(&d->yd, n, "type") ? ydoc_get(&d->yd, n, "type") : n, f,
                         "Unsupported value: \"%s\": supported values: \"ContainerResource\", "
                         "\"External\", \"Object\", \"Pods\", \"Resource\"",
                         type ? type : "");
    m->type = (enum hpa_metric_type)k;
    const yaml_node_t *src = ydoc_get(&d->yd, n, hpa_metric_source_keys[k]);
    snprintf(f, sizeof(f), "%s.%s", path, hpa_metric_source_keys[k]);
    if (!src)
        return ydoc_fail(b->err, &d->yd, n, f,
                         "Required value: must populate information for the "
                         "given metric source");
    const yaml_node_t *metric = m->type == HPA_RESOURCE || m->type == HPA_CONTAINER_RESOURCE
                                    ? src
                                    : ydoc_get(&d->yd, src, "metric");
    m->name = ydoc_scalar(ydoc_get(&d->yd, metric, "name"));
    if (!m->name) {
        snprintf(f, sizeof(f), "%s.%s.%sname", path, hpa_metric_source_keys[k],
                 metric == src ? "" : "metric.");
        return ydoc_fail(b->err, &d->yd, metric ? metric : src, f,
                         "Required value: must specify a "
                         "metric name");
    }
    m->container = ydoc_scalar(ydoc_get(&d->yd, src, "container"));
    const yaml_node_t *obj = ydoc_get(&d->yd, src, "describedObject");
    m->object_kind = ydoc_scalar(ydoc_get(&d->yd, obj, "kind"));
    m->object_name = ydoc_scalar(ydoc_get(&d->yd, obj, "name"));
    const yaml_node_t *sel = ydoc_get(&d->yd, metric, "selector");
    m->selector = sel ? selector_text(b, d, sel) : NULL;
    snprintf(f, sizeof(f), "%s.%s.target", path, hpa_metric_source_keys[k]);
    const yaml_node_t *target = ydoc_get(&d->yd, src, "target");
    if (!target)
        return ydoc_fail(b->err, &d->yd, src, f, "Required value: must specify a metric target");
    return hpa_target(b, d, target, f, m);
}

enum pp_status manifest_hpa_rules(struct build *b, struct doc *d, const yaml_node_t *n,
                                  const char *path, struct hpa_rules *r) {
    if (!n)
        return PP_OK;
    char f[200];
    r->set = true;
    snprintf(f, sizeof(f), "%s.stabilizationWindowSeconds", path);
    if (ydoc_get_i32(b->err, &d->yd, n, "stabilizationWindowSeconds", f, INT32_MIN, &r->window_s,
                     &r->window_set) != PP_OK)
        return PP_ERR_INVALID;
    const char *sel = ydoc_scalar(ydoc_get(&d->yd, n, "selectPolicy"));
    if (sel) {
        r->select_set = true;
        snprintf(f, sizeof(f), "%s.selectPolicy", path);
        struct pp_error e = {0};
        if (hpa_select_parse(sel, &r->select, &e) != PP_OK)
            return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "selectPolicy"), f, "%s",
                             e.message);
    }
    const yaml_node_t *pol = ydoc_get(&d->yd, n, "policies");
    if (ydoc_seq_len(pol) > HPA_MAX_POLICIES) {
        snprintf(f, sizeof(f), "%s.policies", path);
        return ydoc_fail(b->err, &d->yd, pol, f, "at most %d policies are read", HPA_MAX_POLICIES);
    }
    for (size_t i = 0; i < ydoc_seq_len(pol); i++) {
        const yaml_node_t *p = ydoc_seq_at(&d->yd, pol, i);
        struct hpa_policy *hp = &r->policies[r->n_policies++];
        const char *type = ydoc_scalar(ydoc_get(&d->yd, p, "type"));
        snprintf(f, sizeof(f), "%s.policies[%zu].type", path, i);
        struct pp_error e = {0};
        if (hpa_policy_type_parse(type, &hp->type, &e) != PP_OK)
            return ydoc_fail(b->err, &d->yd,
                             ydoc_get(&d->yd, p, "type") ? ydoc_get(&d->yd, p, "type") : p, f, "%s",
                             e.message);
        snprintf(f, sizeof(f), "%s.policies[%zu].value", path, i);
        if (ydoc_get_i32(b->err, &d->yd, p, "value", f, INT32_MIN, &hp->value, NULL) != PP_OK)
            return PP_ERR_INVALID;
        snprintf(f, sizeof(f), "%s.policies[%zu].periodSeconds", path, i);
        if (ydoc_get_i32(b->err, &d->yd, p, "periodSeconds", f, INT32_MIN, &hp->period_s, NULL) !=
            PP_OK)
            return PP_ERR_INVALID;
    }
    const yaml_node_t *tol = ydoc_get(&d->yd, n, "tolerance");
    if (tol) {
        int64_t milli;
        snprintf(f, sizeof(f), "%s.tolerance", path);
        if (ydoc_get_quantity(b->err, &d->yd, n, "tolerance", f, &milli) != PP_OK)
            return PP_ERR_INVALID;
        r->tolerance_set = true;
        r->tolerance = (double)milli / 1000;
    }
    return PP_OK;
}

static enum pp_status hpa_v1_target(struct build *b, struct doc *d, const yaml_node_t *spec,
                                    struct hpa_spec *h) {
    int32_t cpu = 80;
    bool set;
    if (ydoc_get_i32(b->err, &d->yd, spec, "targetCPUUtilizationPercentage",
                     "spec.targetCPUUtilizationPercentage", INT32_MIN, &cpu, &set) != PP_OK)
        return PP_ERR_INVALID;
    h->n_metrics = set ? 1 : 0;
    h->metrics[0] = (struct hpa_metric_spec){
        .type = HPA_RESOURCE, .name = "cpu", .target = HPA_TARGET_UTILIZATION, .utilization = cpu};
    return PP_OK;
}

/* The HPA KServe made for s's InferenceService (RawDeployment): owned by
 * it, or named as KServe names it (<isvc>-predictor), while s still has
 * the HPA podpilot generated from the InferenceService. */
static bool kserve_generated(const struct svc_config *s, const struct doc *d) {
    if (!s->owner[0] || strcmp(s->scaler_name, s->name) != 0)
        return false;
    const char *owner = manifest_owner(d, "InferenceService");
    return owner ? strcmp(owner, s->owner) == 0 : strcmp(d->name, s->name) == 0;
}

/* The cluster runs the HPA's own spec; KServe reconciles it back to what
 * it generates from the InferenceService, so a difference is worth a word. */
static void differs_from_kserve(struct build *b, struct doc *d, const struct hpa_spec *gen,
                                const struct hpa_spec *h, const char *isvc) {
    char what[256] = "";
    size_t used = 0;
    if (h->min_replicas != gen->min_replicas)
        used += (size_t)snprintf(what + used, sizeof(what) - used, ", minReplicas %d (KServe: %d)",
                                 (int)h->min_replicas, (int)gen->min_replicas);
    if (h->max_replicas != gen->max_replicas && used < sizeof(what))
        used += (size_t)snprintf(what + used, sizeof(what) - used, ", maxReplicas %d (KServe: %d)",
                                 (int)h->max_replicas, (int)gen->max_replicas);
    const struct hpa_metric_spec *a = &h->metrics[0], *g = &gen->metrics[0];
    if (used < sizeof(what) &&
        (h->n_metrics != gen->n_metrics ||
         (h->n_metrics &&
          (a->type != g->type || a->target != g->target || a->utilization != g->utilization ||
           a->milli != g->milli || strcmp(a->name ? a->name : "", g->name ? g->name : "") != 0))))
        snprintf(what + used, sizeof(what) - used, ", its metrics");
    if (what[0])
        manifest_warn(b->m, d, NULL,
                      "HorizontalPodAutoscaler %s differs from what KServe generates from "
                      "InferenceService %s%s; the HPA's spec is what the cluster runs and is used, "
                      "and KServe will reconcile it back",
                      d->name, isvc, what);
}

/* The HPA KEDA made for s's ScaledObject: owned by it, or with the name
 * KEDA gives it. */
static bool keda_generated(const struct svc_config *s, const struct doc *d) {
    const char *owner = manifest_owner(d, "ScaledObject");
    return owner ? strcmp(owner, s->scaler_name) == 0 : strcmp(d->name, s->keda.hpa_name) == 0;
}

/* KEDA's HPA as the cluster returns it is what runs; KEDA reconciles it
 * back to what it generates from the ScaledObject. */
static void differs_from_keda(struct build *b, struct doc *d, const struct hpa_spec *gen,
                              const struct hpa_spec *h, const char *so) {
    bool same = h->min_replicas == gen->min_replicas && h->max_replicas == gen->max_replicas &&
                h->n_metrics == gen->n_metrics;
    for (size_t i = 0; same && i < h->n_metrics; i++) {
        const struct hpa_metric_spec *a = &h->metrics[i], *g = &gen->metrics[i];
        same = a->type == g->type && a->target == g->target && a->milli == g->milli &&
               a->utilization == g->utilization &&
               strcmp(a->name ? a->name : "", g->name ? g->name : "") == 0;
    }
    if (!same)
        manifest_warn(b->m, d, NULL,
                      "HorizontalPodAutoscaler %s differs from what KEDA generates from "
                      "ScaledObject %s; the HPA's spec is what the cluster runs and is used, and "
                      "KEDA will reconcile it back",
                      d->name, so);
}

enum pp_status manifest_read_hpa(struct build *b, struct doc *d) {
    const bool v1 = strcmp(d->api, "autoscaling/v1") == 0;
    if (!v1 && strcmp(d->api, "autoscaling/v2") != 0 && strcmp(d->api, "autoscaling/v2beta2") != 0)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, d->yd.root, "apiVersion"), "apiVersion",
                         "%s is not read; autoscaling/v2 (and v2beta2, v1) are", d->api);
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, d->yd.root, "metadata.name", "not set");
    const yaml_node_t *spec = ydoc_get(&d->yd, d->yd.root, "spec");
    const yaml_node_t *ref = ydoc_get(&d->yd, spec, "scaleTargetRef");
    const char *kind = ydoc_scalar(ydoc_get(&d->yd, ref, "kind")),
               *name = ydoc_scalar(ydoc_get(&d->yd, ref, "name"));
    if (!kind || !name)
        return ydoc_fail(b->err, &d->yd, ref ? ref : spec, "spec.scaleTargetRef",
                         "Required value: kind and name");
    struct hpa_spec h = {0};
    if (ydoc_get_i32(b->err, &d->yd, spec, "minReplicas", "spec.minReplicas", INT32_MIN,
                     &h.min_replicas, &h.min_set) != PP_OK ||
        ydoc_get_i32(b->err, &d->yd, spec, "maxReplicas", "spec.maxReplicas", INT32_MIN,
                     &h.max_replicas, NULL) != PP_OK)
        return PP_ERR_INVALID;
    if (!ydoc_get(&d->yd, spec, "maxReplicas"))
        return ydoc_fail(b->err, &d->yd, spec, "spec.maxReplicas", "Required value");
    if (v1) {
        if (hpa_v1_target(b, d, spec, &h) != PP_OK)
            return PP_ERR_INVALID;
    } else {
        const yaml_node_t *metrics = ydoc_get(&d->yd, spec, "metrics");
        if (ydoc_seq_len(metrics) > HPA_MAX_METRICS)
            return ydoc_fail(b->err, &d->yd, metrics, "spec.metrics", "at most %d metrics are read",
                             HPA_MAX_METRICS);
        for (size_t i = 0; i < ydoc_seq_len(metrics); i++)
            if (hpa_metric(b, d, ydoc_seq_at(&d->yd, metrics, i), i, &h.metrics[h.n_metrics++]) !=
                PP_OK)
                return PP_ERR_INVALID;
        const yaml_node_t *beh = ydoc_get(&d->yd, spec, "behavior");
        h.behavior_set = beh != NULL;
        if (manifest_hpa_rules(b, d, ydoc_get(&d->yd, beh, "scaleUp"), "spec.behavior.scaleUp",
                               &h.up) != PP_OK ||
            manifest_hpa_rules(b, d, ydoc_get(&d->yd, beh, "scaleDown"), "spec.behavior.scaleDown",
                               &h.down) != PP_OK)
            return PP_ERR_INVALID;
    }
    struct pp_error e = {0};
    if (hpa_validate(&h, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd, ydoc_find(&d->yd, e.field), e.field, "%s", e.message);
    if (hpa_scales_to_zero(&h))
        manifest_warn(b->m, d, ydoc_get(&d->yd, spec, "minReplicas"),
                      "spec.minReplicas: 0 is accepted only by an API server with the "
                      "HPAScaleToZero feature gate (alpha, off by default)");
    struct svc_config *s = manifest_target_service(b, d, kind, name);
    if (!s)
        return b->err && b->err->message[0]
                   ? PP_ERR_INVALID
                   : ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                               "no %s named %s in these manifests", kind, name);
    if (s->cls == SVC_KPA)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                         "%s is scaled by Knative's KPA (%s); an HPA on it would fight it", name,
                         s->origin);
    if (s->cls == SVC_HPA && kserve_generated(s, d)) { /* one autoscaler, seen twice */
        differs_from_kserve(b, d, &s->hpa, &h, s->owner);
        s->hpa = h;
        snprintf(s->scaler_name, sizeof(s->scaler_name), "%s", d->name);
        return PP_OK;
    }
    if (s->cls == SVC_KEDA && keda_generated(s, d)) {
        differs_from_keda(b, d, &s->hpa, &h, s->scaler_name);
        s->hpa = h;
        return PP_OK;
    }
    if (s->cls == SVC_HPA || s->cls == SVC_LAG || s->cls == SVC_KEDA)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                         "%s already has an autoscaler (%s%s%s); two would fight", name,
                         s->scaler_name[0] ? s->scaler_name : "declared at ",
                         s->scaler_name[0] ? " from " : "", s->origin);
    s->cls = SVC_HPA;
    s->hpa = h;
    snprintf(s->scaler_name, sizeof(s->scaler_name), "%s", d->name);
    if (s->replicas < (h.min_set ? h.min_replicas : 1))
        s->replicas = s->initial_ready = h.min_set ? h.min_replicas : 1;
    return PP_OK;
}
