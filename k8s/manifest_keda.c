/* KEDA ScaledObjects (keda.sh/v1alpha1) and the ScaledObject KServe makes
 * for an InferenceService with autoscalerClass keda: the ScaledObject's
 * spec and annotations, refused where KEDA's webhook refuses them, and the
 * HPA it generates. */
#include "k8s/manifest_internal.h"

#include "engine/goparse.h"
#include "engine/labels.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define ANN "autoscaling.keda.sh/"

/* getBoolAnnotation: present and not a boolean counts as true. */
static bool bool_annotation(struct doc *d, const yaml_node_t *ann, const char *key) {
    const yaml_node_t *n = ydoc_get(&d->yd, ann, key);
    const char *v = ydoc_scalar(n);
    if (!n)
        return false;
    bool b;
    return !v || !goparse_bool(v, &b) || b;
}

static enum pp_status annotations(struct build *b, struct doc *d, struct keda_spec *k) {
    const yaml_node_t *ann =
        ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "metadata"), "annotations");
    const yaml_node_t *paused = ydoc_get(&d->yd, ann, ANN "paused");
    bool on;
    /* NeedToBePausedByAnnotation: "false" unpauses, anything else not a boolean pauses */
    k->paused = paused && (!ydoc_scalar(paused) || !goparse_bool(ydoc_scalar(paused), &on) || on);
    const yaml_node_t *pr = ydoc_get(&d->yd, ann, ANN "paused-replicas");
    if (pr) {
        const char *v = ydoc_scalar(pr);
        if (!v || !goparse_int32(v, &k->paused_replicas) || k->paused_replicas < 0)
            return ydoc_fail(b->err, &d->yd, pr, "metadata.annotations." ANN "paused-replicas",
                             "expected a replica count, got \"%s\"", v ? v : "");
        k->paused_replicas_set = true;
    }
    k->paused_scale_in = bool_annotation(d, ann, ANN "paused-scale-in");
    k->paused_scale_out = bool_annotation(d, ann, ANN "paused-scale-out");
    k->force_activation = bool_annotation(d, ann, ANN "force-activation");
    return PP_OK;
}

static enum pp_status metric_type(struct build *b, struct doc *d, const yaml_node_t *n,
                                  const char *field, struct keda_trigger *t) {
    const char *v = ydoc_scalar(n);
    if (!n)
        return PP_OK;
    t->metric_type_set = true;
    if (v && strcmp(v, "AverageValue") == 0)
        t->metric_type = HPA_TARGET_AVERAGE_VALUE;
    else if (v && strcmp(v, "Value") == 0)
        t->metric_type = HPA_TARGET_VALUE;
    else if (v && strcmp(v, "Utilization") == 0)
        t->metric_type = HPA_TARGET_UTILIZATION;
    else
        return ydoc_fail(b->err, &d->yd, n, field,
                         "Unsupported value: \"%s\": supported values: \"AverageValue\", "
                         "\"Utilization\", \"Value\"",
                         v ? v : "");
    return PP_OK;
}

/* A metadata value: a number (strconv.ParseFloat), or for cpu and memory
 * a quantity. */
static enum pp_status meta_number(struct build *b, struct doc *d, const yaml_node_t *meta,
                                  const char *key, const char *path, bool required, bool quantity,
                                  double *out) {
    char f[96];
    snprintf(f, sizeof(f), "%s.metadata.%s", path, key);
    const yaml_node_t *n = ydoc_get(&d->yd, meta, key);
    const char *v = ydoc_scalar(n);
    if (!n) {
        if (required)
            return ydoc_fail(b->err, &d->yd, meta, f, "no %s given", key);
        return PP_OK;
    }
    int64_t milli;
    if (v && goparse_float(v, out) && isfinite(*out))
        return PP_OK;
    if (v && quantity && ydoc_quantity_milli(v, &milli)) {
        *out = (double)milli / 1000;
        return PP_OK;
    }
    return ydoc_fail(b->err, &d->yd, n, f, "expected a number, got \"%s\"", v ? v : "");
}

static enum pp_status trigger(struct build *b, struct doc *d, const yaml_node_t *n, size_t i,
                              struct keda_trigger *t) {
    char path[48], f[96];
    snprintf(path, sizeof(path), "spec.triggers[%zu]", i);
    snprintf(f, sizeof(f), "%s.type", path);
    const char *type = ydoc_scalar(ydoc_get(&d->yd, n, "type"));
    if (!type || !type[0])
        return ydoc_fail(b->err, &d->yd, n, f, "Required value");
    const yaml_node_t *meta = ydoc_get(&d->yd, n, "metadata");
    *t = (struct keda_trigger){.type = svc_set_strdup(b->set, type),
                               .metric_type = HPA_TARGET_AVERAGE_VALUE};
    const char *name = ydoc_scalar(ydoc_get(&d->yd, n, "name"));
    t->name = name ? svc_set_strdup(b->set, name) : NULL;
    snprintf(f, sizeof(f), "%s.metricType", path);
    if (metric_type(b, d, ydoc_get(&d->yd, n, "metricType"), f, t) != PP_OK)
        return PP_ERR_INVALID;
    if (strcmp(type, "cpu") == 0 || strcmp(type, "memory") == 0) {
        t->kind = type[0] == 'c' ? KEDA_TRIGGER_CPU : KEDA_TRIGGER_MEMORY;
        snprintf(f, sizeof(f), "%s.metadata.type", path); /* the deprecated spelling */
        if (!t->metric_type_set && metric_type(b, d, ydoc_get(&d->yd, meta, "type"), f, t) != PP_OK)
            return PP_ERR_INVALID;
        if (!t->metric_type_set)
            t->metric_type = HPA_TARGET_UTILIZATION;
        return meta_number(b, d, meta, "value", path, true, true, &t->threshold);
    }
    snprintf(f, sizeof(f), "%s.type", path);
    if (strcmp(type, "prometheus") != 0)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "type"), f,
                         "trigger type \"%s\" is not simulated (cpu, memory and prometheus are)",
                         type);
    t->kind = KEDA_TRIGGER_EXTERNAL;
    const char *query = ydoc_scalar(ydoc_get(&d->yd, meta, "query"));
    snprintf(f, sizeof(f), "%s.metadata", path);
    if (!query || !query[0] || !ydoc_scalar(ydoc_get(&d->yd, meta, "serverAddress")))
        return ydoc_fail(b->err, &d->yd, meta ? meta : n, f,
                         "a prometheus trigger needs serverAddress and query");
    t->query = svc_set_strdup(b->set, query);
    if (meta_number(b, d, meta, "threshold", path, true, false, &t->threshold) != PP_OK)
        return PP_ERR_INVALID;
    return meta_number(b, d, meta, "activationThreshold", path, false, false, &t->activation);
}

static enum pp_status fallback(struct build *b, struct doc *d, const yaml_node_t *n,
                               struct keda_spec *k) {
    if (!n)
        return PP_OK;
    k->fallback_set = true;
    if (ydoc_get_i32(b->err, &d->yd, n, "failureThreshold", "spec.fallback.failureThreshold",
                     INT32_MIN, &k->failure_threshold, NULL) != PP_OK ||
        ydoc_get_i32(b->err, &d->yd, n, "replicas", "spec.fallback.replicas", INT32_MIN,
                     &k->fallback_replicas, NULL) != PP_OK)
        return PP_ERR_INVALID;
    static const char *const names[] = {"static", "currentReplicas", "currentReplicasIfHigher",
                                        "currentReplicasIfLower"};
    const yaml_node_t *bn = ydoc_get(&d->yd, n, "behavior");
    const char *v = ydoc_scalar(bn);
    if (!bn)
        return PP_OK;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (v && strcmp(v, names[i]) == 0) {
            k->fallback_behavior = (enum keda_fallback_behavior)i;
            return PP_OK;
        }
    return ydoc_fail(b->err, &d->yd, bn, "spec.fallback.behavior",
                     "Unsupported value: \"%s\": supported values: \"static\", "
                     "\"currentReplicas\", \"currentReplicasIfHigher\", \"currentReplicasIfLower\"",
                     v ? v : "");
}

static enum pp_status counts(struct build *b, struct doc *d, const yaml_node_t *spec,
                             struct keda_spec *k) {
    const struct {
        const char *key;
        int32_t *out;
        bool *set;
    } f[] = {
        {"pollingInterval", &k->polling_s, NULL},
        {"cooldownPeriod", &k->cooldown_s, NULL},
        {"initialCooldownPeriod", &k->initial_cooldown_s, NULL},
        {"minReplicaCount", &k->min, &k->min_set},
        {"maxReplicaCount", &k->max, &k->max_set},
        {"idleReplicaCount", &k->idle, &k->idle_set},
    };
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        char field[64];
        snprintf(field, sizeof(field), "spec.%s", f[i].key);
        if (ydoc_get_i32(b->err, &d->yd, spec, f[i].key, field, INT32_MIN, f[i].out, f[i].set) !=
            PP_OK)
            return PP_ERR_INVALID;
    }
    return PP_OK;
}

static enum pp_status advanced(struct build *b, struct doc *d, const yaml_node_t *spec,
                               struct keda_spec *k, const char **hpa_name) {
    const yaml_node_t *adv = ydoc_get(&d->yd, spec, "advanced");
    if (ydoc_get(&d->yd, adv, "scalingModifiers"))
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, adv, "scalingModifiers"),
                         "spec.advanced.scalingModifiers",
                         "a composite metric is not simulated yet; write its triggers alone");
    const yaml_node_t *cfg = ydoc_get(&d->yd, adv, "horizontalPodAutoscalerConfig");
    *hpa_name = ydoc_scalar(ydoc_get(&d->yd, cfg, "name"));
    const yaml_node_t *beh = ydoc_get(&d->yd, cfg, "behavior");
    k->behavior_set = beh != NULL;
    const char *p = "spec.advanced.horizontalPodAutoscalerConfig.behavior";
    char f[96];
    snprintf(f, sizeof(f), "%s.scaleUp", p);
    if (manifest_hpa_rules(b, d, ydoc_get(&d->yd, beh, "scaleUp"), f, &k->up) != PP_OK)
        return PP_ERR_INVALID;
    snprintf(f, sizeof(f), "%s.scaleDown", p);
    return manifest_hpa_rules(b, d, ydoc_get(&d->yd, beh, "scaleDown"), f, &k->down);
}

/* The service becomes the ScaledObject's: its spec, the HPA it generates. */
static enum pp_status attach(struct build *b, struct doc *d, struct svc_config *s,
                             const struct keda_spec *k, const char *so, const char *hpa_name,
                             const yaml_node_t *at) {
    struct pp_error e = {0};
    if (keda_validate(k, &e) != PP_OK) {
        const yaml_node_t *n = ydoc_find(&d->yd, e.field);
        return ydoc_fail(b->err, &d->yd, n ? n : at, e.field, "%s", e.message);
    }
    s->cls = SVC_KEDA;
    s->keda = *k;
    snprintf(s->scaler_name, sizeof(s->scaler_name), "%s", so);
    char name[SVC_NAME_MAX + 16];
    snprintf(name, sizeof(name), "keda-hpa-%s", so);
    s->keda.hpa_name = svc_set_strdup(b->set, hpa_name ? hpa_name : name);
    const char *key = "scaledobject.keda.sh/name";
    const struct label_selector ls = {.keys = &key, .values = &so, .n_labels = 1};
    char text[512];
    label_selector_text(&ls, text, sizeof(text));
    s->hpa = (struct hpa_spec){0};
    keda_hpa_spec(&s->keda, svc_set_strdup(b->set, text), &s->hpa);
    if (hpa_validate(&s->hpa, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd, at, e.field, "the HPA KEDA would generate: %s", e.message);
    return PP_OK;
}

static enum pp_status conflict(struct build *b, struct doc *d, const yaml_node_t *ref,
                               const struct svc_config *s, const char *name) {
    if (s->cls == SVC_KPA)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                         "%s is scaled by Knative's KPA (%s); a ScaledObject on it would fight it",
                         name, s->origin);
    return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                     "%s already has an autoscaler (%s from %s); KEDA's webhook refuses a second",
                     name, s->scaler_name[0] ? s->scaler_name : "declared", s->origin);
}

enum pp_status manifest_read_scaledobject(struct build *b, struct doc *d) {
    if (strcmp(d->api, "keda.sh/v1alpha1") != 0)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, d->yd.root, "apiVersion"), "apiVersion",
                         "%s is not read; keda.sh/v1alpha1 is", d->api);
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, d->yd.root, "metadata.name", "not set");
    const yaml_node_t *spec = ydoc_get(&d->yd, d->yd.root, "spec");
    if (ydoc_want_map(b->err, &d->yd, spec, "spec") != PP_OK)
        return PP_ERR_INVALID;
    const yaml_node_t *ref = ydoc_get(&d->yd, spec, "scaleTargetRef");
    const char *kind = ydoc_scalar(ydoc_get(&d->yd, ref, "kind"));
    const char *name = ydoc_scalar(ydoc_get(&d->yd, ref, "name"));
    if (!name)
        return ydoc_fail(b->err, &d->yd, ref ? ref : spec, "spec.scaleTargetRef.name",
                         "Required value");
    if (kind && strcmp(kind, "Deployment") != 0)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, ref, "kind"), "spec.scaleTargetRef.kind",
                         "%s is not simulated; Deployments are", kind);
    struct keda_spec k;
    keda_spec_defaults(&k);
    const char *hpa_name = NULL;
    const yaml_node_t *ts = ydoc_get(&d->yd, spec, "triggers");
    if (ydoc_seq_len(ts) > KEDA_MAX_TRIGGERS)
        return ydoc_fail(b->err, &d->yd, ts, "spec.triggers", "at most %d triggers are read",
                         KEDA_MAX_TRIGGERS);
    if (annotations(b, d, &k) != PP_OK || counts(b, d, spec, &k) != PP_OK ||
        fallback(b, d, ydoc_get(&d->yd, spec, "fallback"), &k) != PP_OK ||
        advanced(b, d, spec, &k, &hpa_name) != PP_OK)
        return PP_ERR_INVALID;
    for (size_t i = 0; i < ydoc_seq_len(ts); i++)
        if (trigger(b, d, ydoc_seq_at(&d->yd, ts, i), i, &k.triggers[k.n_triggers++]) != PP_OK)
            return PP_ERR_INVALID;
    struct svc_config *s = manifest_target_service(b, d, "Deployment", name);
    if (!s)
        return PP_ERR_INVALID;
    const bool kserve = s->cls == SVC_KEDA && s->owner[0] && strcmp(s->scaler_name, s->name) == 0;
    if (kserve) /* the ScaledObject KServe generated: the cluster runs its spec */
        manifest_warn(b->m, d, NULL,
                      "ScaledObject %s is the one KServe generates for InferenceService %s; "
                      "its own spec is used (KServe reconciles it back if it differs)",
                      d->name, s->owner);
    else if (s->cls != SVC_NONE)
        return conflict(b, d, ref, s, name);
    return attach(b, d, s, &k, d->name, hpa_name, spec);
}

/* ---- KServe's autoscalerClass: keda ---- */

static enum pp_status isvc_trigger(struct build *b, struct doc *d, const yaml_node_t *m,
                                   const char *path, struct keda_trigger *t) {
    char f[256];
    const char *type = ydoc_scalar(ydoc_get(&d->yd, m, "type"));
    *t = (struct keda_trigger){.metric_type = HPA_TARGET_AVERAGE_VALUE};
    const bool res = type && strcmp(type, "Resource") == 0;
    const yaml_node_t *body = ydoc_get(&d->yd, m, res ? "resource" : "external");
    const yaml_node_t *target = ydoc_get(&d->yd, body, "target");
    snprintf(f, sizeof(f), "%s.type", path);
    if (!res && (!type || strcmp(type, "External") != 0))
        return ydoc_fail(b->err, &d->yd, m, f,
                         "\"%s\" is not simulated with autoscalerClass keda (Resource and "
                         "External are)",
                         type ? type : "");
    snprintf(f, sizeof(f), "%s.%s.target.type", path, res ? "resource" : "external");
    if (metric_type(b, d, ydoc_get(&d->yd, target, "type"), f, t) != PP_OK)
        return PP_ERR_INVALID;
    if (res) {
        const char *name = ydoc_scalar(ydoc_get(&d->yd, body, "name"));
        t->kind = name && strcmp(name, "memory") == 0 ? KEDA_TRIGGER_MEMORY : KEDA_TRIGGER_CPU;
        t->type = t->kind == KEDA_TRIGGER_CPU ? "cpu" : "memory";
        t->metric_type = t->metric_type_set ? t->metric_type : HPA_TARGET_UTILIZATION;
        int64_t v = 80;
        const char *key =
            t->metric_type == HPA_TARGET_UTILIZATION ? "averageUtilization" : "averageValue";
        snprintf(f, sizeof(f), "%s.resource.target.%s", path, key);
        if (t->metric_type == HPA_TARGET_UTILIZATION) {
            if (ydoc_get_int(b->err, &d->yd, target, key, f, 1, INT32_MAX, &v, NULL) != PP_OK)
                return PP_ERR_INVALID;
            t->threshold = (double)v;
        } else {
            if (ydoc_get_quantity(b->err, &d->yd, target, key, f, &v) != PP_OK)
                return PP_ERR_INVALID;
            t->threshold = (double)v / 1000;
        }
        return PP_OK;
    }
    const yaml_node_t *metric = ydoc_get(&d->yd, body, "metric");
    const char *backend = ydoc_scalar(ydoc_get(&d->yd, metric, "backend"));
    const char *query = ydoc_scalar(ydoc_get(&d->yd, metric, "query"));
    snprintf(f, sizeof(f), "%s.external.metric", path);
    if (!backend || strcmp(backend, "prometheus") != 0 || !query)
        return ydoc_fail(b->err, &d->yd, metric ? metric : body, f,
                         "backend prometheus with a query is simulated, got backend \"%s\"",
                         backend ? backend : "");
    t->kind = KEDA_TRIGGER_EXTERNAL;
    t->type = "prometheus";
    t->query = svc_set_strdup(b->set, query);
    int64_t milli;
    snprintf(f, sizeof(f), "%s.external.target.value", path);
    if (ydoc_get_quantity(b->err, &d->yd, target, "value", f, &milli) != PP_OK)
        return PP_ERR_INVALID;
    t->threshold = (double)milli / 1000;
    return PP_OK;
}

enum pp_status manifest_isvc_keda(struct build *b, struct doc *d, struct svc_config *s,
                                  const yaml_node_t *node, const char *path, int64_t min,
                                  int64_t max) {
    struct keda_spec k;
    keda_spec_defaults(&k);
    k.min_set = k.max_set = true;
    k.min = min < 0 ? 1 : (int32_t)min;
    k.max = max > k.min ? (int32_t)max : k.min;
    const yaml_node_t *as = ydoc_get(&d->yd, node, "autoScaling");
    const yaml_node_t *ms = ydoc_get(&d->yd, as, "metrics");
    char f[160];
    snprintf(f, sizeof(f), "%s.autoScaling.metrics", path);
    if (ydoc_seq_len(ms) > KEDA_MAX_TRIGGERS)
        return ydoc_fail(b->err, &d->yd, ms, f, "at most %d metrics are read", KEDA_MAX_TRIGGERS);
    for (size_t i = 0; i < ydoc_seq_len(ms); i++) {
        snprintf(f, sizeof(f), "%s.autoScaling.metrics[%zu]", path, i);
        if (isvc_trigger(b, d, ydoc_seq_at(&d->yd, ms, i), f, &k.triggers[k.n_triggers++]) != PP_OK)
            return PP_ERR_INVALID;
    }
    /* KServe copies only the stabilization windows: 0 up, 300 s down by default */
    const yaml_node_t *beh = ydoc_get(&d->yd, as, "behavior");
    k.behavior_set = true;
    k.up = (struct hpa_rules){.set = true, .window_set = true, .window_s = 0};
    k.down = (struct hpa_rules){.set = true, .window_set = true, .window_s = 300};
    const char *dirs[] = {"scaleUp", "scaleDown"};
    struct hpa_rules *rules[] = {&k.up, &k.down};
    for (size_t i = 0; i < 2; i++) {
        snprintf(f, sizeof(f), "%s.autoScaling.behavior.%s.stabilizationWindowSeconds", path,
                 dirs[i]);
        if (ydoc_get_i32(b->err, &d->yd, ydoc_get(&d->yd, beh, dirs[i]),
                         "stabilizationWindowSeconds", f, 0, &rules[i]->window_s, NULL) != PP_OK)
            return PP_ERR_INVALID;
    }
    if (k.n_triggers == 0)
        return ydoc_fail(b->err, &d->yd, node, path,
                         "autoscalerClass keda needs autoScaling.metrics: KServe makes a "
                         "ScaledObject trigger from each, and KEDA refuses one with none");
    return attach(b, d, s, &k, s->name, NULL, node);
}
