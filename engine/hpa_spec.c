/* The HorizontalPodAutoscaler as an API object: validation and defaulting
 * as the API server does them, and its names and quantities as kubectl
 * prints them. */
#include "engine/hpa_internal.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

bool hpa_scales_to_zero(const struct hpa_spec *spec) {
    if (!spec->min_set || spec->min_replicas != 0)
        return false;
    for (size_t i = 0; i < spec->n_metrics; i++)
        if (spec->metrics[i].type == HPA_OBJECT || spec->metrics[i].type == HPA_EXTERNAL)
            return true;
    return false;
}

enum pp_status hpa_validate(const struct hpa_spec *spec, struct pp_error *err) {
    int32_t min = spec->min_set ? spec->min_replicas : 1;
    /* 0 passes with the API server's HPAScaleToZero gate and an Object or
     * External metric to wake it (hpa_scales_to_zero). */
    if (spec->min_set && spec->min_replicas < 1 && !hpa_scales_to_zero(spec))
        return pp_fail(err, PP_ERR_INVALID, "spec.minReplicas",
                       "must be greater than or equal to 1, got %d (0 needs the API server's "
                       "HPAScaleToZero gate and an Object or External metric)",
                       (int)spec->min_replicas);
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

void hpa_default_rules(struct hpa_rules *r, bool up) {
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
                     : "%s resource",
                 m->name);
        return;
    case HPA_PODS:
        snprintf(buf, size, "pods metric %s", m->name);
        return;
    case HPA_OBJECT: /* upstream names an AverageValue Object metric as an external one */
        if (m->target == HPA_TARGET_AVERAGE_VALUE)
            snprintf(buf, size, "external metric %s(%s)", m->name,
                     m->selector ? m->selector : "nil");
        else
            snprintf(buf, size, "%s metric %s", m->object_kind, m->name);
        return;
    case HPA_EXTERNAL:
        snprintf(buf, size, "external metric %s(%s)", m->name, m->selector ? m->selector : "nil");
        return;
    }
}

const char *hpa_cond_type_name(enum hpa_cond_type t) {
    static const char *const n[] = {"AbleToScale", "ScalingActive", "ScalingLimited"};
    return n[t];
}

const char *hpa_cond_status_name(enum hpa_cond_status s) {
    static const char *const n[] = {"Unknown", "True", "False"};
    return n[s];
}

const char *const hpa_metric_type_names[5] = {"Resource", "ContainerResource", "Pods", "Object",
                                              "External"};
const char *const hpa_metric_source_keys[5] = {"resource", "containerResource", "pods", "object",
                                               "external"};

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
