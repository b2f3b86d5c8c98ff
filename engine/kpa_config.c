#include "engine/kpa_config.h"

#include "engine/goparse.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define ANN "autoscaling.knative.dev/"
#define TARGET_MIN 0.01

/* config-autoscaler, parsed (config.go defaultConfig + NewConfigFromMap). */
struct cluster {
    bool enable_scale_to_zero, allow_zero_initial_scale;
    double max_up, max_down, cc_fraction, cc_default, rps_default, tbc, panic_window_pct,
        activator_capacity, panic_threshold_pct;
    int32_t initial_scale, min_scale, max_scale, max_scale_limit;
    pp_time stable_window, scale_down_delay, grace, retention, progress_deadline;
    const char *klass;
};

static void cluster_default(struct cluster *c) {
    *c = (struct cluster){
        .enable_scale_to_zero = true,
        .max_up = 1000,
        .max_down = 2,
        .cc_fraction = 0.7,
        .cc_default = 100,
        .rps_default = 200,
        .tbc = 211,
        .panic_window_pct = 10,
        .activator_capacity = 100,
        .panic_threshold_pct = 200,
        .initial_scale = 1,
        .stable_window = PP_SEC(60),
        .grace = PP_SEC(30),
        .progress_deadline = PP_SEC(600),
        .klass = "kpa.autoscaling.knative.dev",
    };
}

enum kind { K_BOOL, K_FLOAT, K_INT32, K_DURATION, K_STRING };

struct field {
    const char *key;
    enum kind kind;
    size_t offset;
};

#define F(key, kind, member)                                                                       \
    { key, kind, offsetof(struct cluster, member) }
static const struct field cluster_fields[] = {
    F("enable-scale-to-zero", K_BOOL, enable_scale_to_zero),
    F("allow-zero-initial-scale", K_BOOL, allow_zero_initial_scale),
    F("max-scale-up-rate", K_FLOAT, max_up),
    F("max-scale-down-rate", K_FLOAT, max_down),
    F("container-concurrency-target-percentage", K_FLOAT, cc_fraction),
    F("container-concurrency-target-default", K_FLOAT, cc_default),
    F("requests-per-second-target-default", K_FLOAT, rps_default),
    F("target-burst-capacity", K_FLOAT, tbc),
    F("panic-window-percentage", K_FLOAT, panic_window_pct),
    F("activator-capacity", K_FLOAT, activator_capacity),
    F("panic-threshold-percentage", K_FLOAT, panic_threshold_pct),
    F("initial-scale", K_INT32, initial_scale),
    F("min-scale", K_INT32, min_scale),
    F("max-scale", K_INT32, max_scale),
    F("max-scale-limit", K_INT32, max_scale_limit),
    F("stable-window", K_DURATION, stable_window),
    F("scale-down-delay", K_DURATION, scale_down_delay),
    F("scale-to-zero-grace-period", K_DURATION, grace),
    F("scale-to-zero-pod-retention-period", K_DURATION, retention),
    F("progress-deadline", K_DURATION, progress_deadline),
    F("pod-autoscaler-class", K_STRING, klass),
};
#undef F

static const char *kind_name(enum kind k) {
    switch (k) {
    case K_BOOL:
        return "a boolean (true/false)";
    case K_FLOAT:
        return "a number";
    case K_INT32:
        return "an integer";
    case K_DURATION:
        return "a duration like 60s or 2m";
    case K_STRING:
        return "a string";
    }
    return "a value";
}

static bool parse_kind(enum kind k, const char *s, void *dst) {
    switch (k) {
    case K_BOOL:
        return goparse_bool(s, dst);
    case K_FLOAT:
        return goparse_float(s, dst);
    case K_INT32:
        return goparse_int32(s, dst);
    case K_DURATION:
        return goparse_duration(s, dst);
    case K_STRING:
        *(const char **)dst = s;
        return true;
    }
    return false;
}

/* An unknown key names the ones config-autoscaler has. */
static enum pp_status unknown_key(struct pp_error *err, const char *key) {
    char keys[1200];
    size_t used = 0;
    for (size_t j = 0; j < sizeof(cluster_fields) / sizeof(cluster_fields[0]); j++) {
        const int k = snprintf(keys + used, sizeof(keys) - used, "%s%s", j ? ", " : "",
                               cluster_fields[j].key);
        if (k < 0 || (size_t)k >= sizeof(keys) - used)
            break;
        used += (size_t)k;
    }
    return pp_fail(err, PP_ERR_INVALID, key,
                   "unknown config-autoscaler key (autoscaling.knative.dev/* annotations, or: %s)",
                   keys);
}

static bool is_annotation(const char *key) {
    return strncmp(key, ANN, strlen(ANN)) == 0 || strncmp(key, "serving.knative.dev/", 20) == 0;
}

static bool is_revision_field(const char *key) {
    return strcmp(key, "containerConcurrency") == 0 || strcmp(key, "reachability") == 0;
}

static enum pp_status parse_cluster(const struct pp_kv *kv, size_t n, struct cluster *c,
                                    struct pp_error *err) {
    cluster_default(c);
    for (size_t i = 0; i < n; i++) {
        if (is_annotation(kv[i].key) || is_revision_field(kv[i].key))
            continue;
        const struct field *f = NULL;
        for (size_t j = 0; j < sizeof(cluster_fields) / sizeof(cluster_fields[0]); j++) {
            if (strcmp(kv[i].key, cluster_fields[j].key) == 0)
                f = &cluster_fields[j];
        }
        if (!f)
            return unknown_key(err, kv[i].key);
        if (!parse_kind(f->kind, kv[i].value, (char *)c + f->offset))
            return pp_fail(err, PP_ERR_PARSE, kv[i].key, "expected %s, got \"%s\"",
                           kind_name(f->kind), kv[i].value);
    }
    /* Knative: values in (0, 1] are fractions, larger ones percentages. */
    if (c->cc_fraction > 1.0)
        c->cc_fraction /= 100.0;
    return PP_OK;
}

static bool whole_seconds(pp_time d) { return d % PP_NS_PER_SEC == 0; }

/* config.go validate(), message for message where it matters to a user. */
static enum pp_status validate_cluster(const struct cluster *c, struct pp_error *err) {
    if (c->grace <= 0)
        return pp_fail(err, PP_ERR_INVALID, "scale-to-zero-grace-period", "must be positive");
    if (c->retention < 0)
        return pp_fail(err, PP_ERR_INVALID, "scale-to-zero-pod-retention-period",
                       "must be non-negative");
    if (c->tbc < 0 && c->tbc != -1)
        return pp_fail(err, PP_ERR_INVALID, "target-burst-capacity",
                       "must be either non-negative or -1 (for unlimited), got %g", c->tbc);
    if (c->cc_fraction <= 0 || c->cc_fraction > 1)
        return pp_fail(err, PP_ERR_INVALID, "container-concurrency-target-percentage",
                       "must be in (0, 100]");
    if (c->cc_fraction * c->cc_default < TARGET_MIN)
        return pp_fail(err, PP_ERR_INVALID, "container-concurrency-target-default",
                       "yields a target concurrency below %g", TARGET_MIN);
    if (c->rps_default < TARGET_MIN)
        return pp_fail(err, PP_ERR_INVALID, "requests-per-second-target-default",
                       "must be at least %g", TARGET_MIN);
    if (c->max_up <= 1.0)
        return pp_fail(err, PP_ERR_INVALID, "max-scale-up-rate", "must be greater than 1.0");
    if (c->max_down <= 1.0)
        return pp_fail(err, PP_ERR_INVALID, "max-scale-down-rate", "must be greater than 1.0");
    if (c->activator_capacity < 1)
        return pp_fail(err, PP_ERR_INVALID, "activator-capacity", "must be at least 1");
    if (c->initial_scale < 0 || (c->initial_scale == 0 && !c->allow_zero_initial_scale))
        return pp_fail(err, PP_ERR_INVALID, "initial-scale",
                       "must be at least 1 (0 needs allow-zero-initial-scale: true)");
    if (c->min_scale < 0)
        return pp_fail(err, PP_ERR_INVALID, "min-scale", "must be non-negative");
    if (c->max_scale_limit < 0)
        return pp_fail(err, PP_ERR_INVALID, "max-scale-limit", "must be non-negative");
    if (c->max_scale < 0 || (c->max_scale_limit > 0 && c->max_scale > c->max_scale_limit))
        return pp_fail(err, PP_ERR_INVALID, "max-scale", "must be in [0, max-scale-limit]");
    if (c->max_scale > 0 && c->min_scale > c->max_scale)
        return pp_fail(err, PP_ERR_INVALID, "min-scale", "must not exceed max-scale");
    if (c->scale_down_delay < 0 || !whole_seconds(c->scale_down_delay))
        return pp_fail(err, PP_ERR_INVALID, "scale-down-delay",
                       "must be a non-negative whole number of seconds");
    if (c->stable_window < PP_SEC(6) || c->stable_window > PP_SEC(3600) ||
        !whole_seconds(c->stable_window))
        return pp_fail(err, PP_ERR_INVALID, "stable-window", "must be whole seconds in [6s, 1h]");
    pp_time eff = (pp_time)(c->panic_window_pct / 100 * (double)c->stable_window);
    if (eff < PP_SEC(1) || eff > c->stable_window)
        return pp_fail(err, PP_ERR_INVALID, "panic-window-percentage",
                       "must make a panic window between 1s and the stable window");
    return PP_OK;
}

/* Revision annotations: kebab-case first, then the legacy camelCase spelling. */
static const char *annotation(const struct pp_kv *kv, size_t n, const char *name,
                              const char *legacy, const char **key_out) {
    char key[96];
    snprintf(key, sizeof(key), ANN "%s", name);
    const char *v = pp_kv_get(kv, n, key);
    *key_out = name;
    if (!v && legacy) {
        snprintf(key, sizeof(key), ANN "%s", legacy);
        v = pp_kv_get(kv, n, key);
        *key_out = legacy;
    }
    return v;
}

/* Looks an annotation up and parses it; a present but malformed value fails
 * (the webhook would have refused the revision). Returns 1 found, 0 absent,
 * -1 on error. */
static int ann_value(const struct pp_kv *kv, size_t n, const char *name, const char *legacy,
                     enum kind kind, void *dst, struct pp_error *err) {
    const char *which;
    const char *v = annotation(kv, n, name, legacy, &which);
    if (!v)
        return 0;
    if (parse_kind(kind, v, dst))
        return 1;
    char field[128];
    snprintf(field, sizeof(field), ANN "%s", which);
    pp_fail(err, PP_ERR_PARSE, field, "expected %s, got \"%s\"", kind_name(kind), v);
    return -1;
}

static enum pp_status ann_range(const char *name, bool ok, const char *what, struct pp_error *err) {
    if (ok)
        return PP_OK;
    char field[128];
    snprintf(field, sizeof(field), ANN "%s", name);
    return pp_fail(err, PP_ERR_INVALID, field, "%s", what);
}

struct annotations {
    bool has_target, has_tu, has_window, has_pwp, has_ptp, has_tbc, has_delay, has_min, has_max,
        has_initial, has_activation, has_retention;
    double target, tu_pct, pwp, ptp, tbc;
    pp_time window, delay, retention, progress_deadline;
    int32_t min, max, initial, activation;
    const char *metric, *algo, *klass;
    bool has_progress_deadline;
};

#define ANN_GET(name, legacy, kind, dst, flag)                                                     \
    do {                                                                                           \
        int r_ = ann_value(kv, n, name, legacy, kind, dst, err);                                   \
        if (r_ < 0)                                                                                \
            return PP_ERR_PARSE;                                                                   \
        (flag) = r_ == 1;                                                                          \
    } while (0)

static enum pp_status parse_annotations(const struct pp_kv *kv, size_t n, struct annotations *a,
                                        struct pp_error *err) {
    memset(a, 0, sizeof(*a));
    ANN_GET("target", NULL, K_FLOAT, &a->target, a->has_target);
    ANN_GET("target-utilization-percentage", "targetUtilizationPercentage", K_FLOAT, &a->tu_pct,
            a->has_tu);
    ANN_GET("window", NULL, K_DURATION, &a->window, a->has_window);
    ANN_GET("panic-window-percentage", "panicWindowPercentage", K_FLOAT, &a->pwp, a->has_pwp);
    ANN_GET("panic-threshold-percentage", "panicThresholdPercentage", K_FLOAT, &a->ptp, a->has_ptp);
    ANN_GET("target-burst-capacity", "targetBurstCapacity", K_FLOAT, &a->tbc, a->has_tbc);
    ANN_GET("scale-down-delay", "scaleDownDelay", K_DURATION, &a->delay, a->has_delay);
    ANN_GET("min-scale", "minScale", K_INT32, &a->min, a->has_min);
    ANN_GET("max-scale", "maxScale", K_INT32, &a->max, a->has_max);
    ANN_GET("initial-scale", "initialScale", K_INT32, &a->initial, a->has_initial);
    ANN_GET("activation-scale", NULL, K_INT32, &a->activation, a->has_activation);
    ANN_GET("scale-to-zero-pod-retention-period", "scaleToZeroPodRetentionPeriod", K_DURATION,
            &a->retention, a->has_retention);
    const char *which;
    a->metric = annotation(kv, n, "metric", NULL, &which);
    a->algo =
        annotation(kv, n, "metric-aggregation-algorithm", "metricAggregationAlgorithm", &which);
    a->klass = annotation(kv, n, "class", NULL, &which);
    const char *pd = pp_kv_get(kv, n, "serving.knative.dev/progress-deadline");
    if (pd) {
        if (!goparse_duration(pd, &a->progress_deadline) || a->progress_deadline <= 0)
            return pp_fail(err, PP_ERR_PARSE, "serving.knative.dev/progress-deadline",
                           "expected a positive duration like 600s, got \"%s\"", pd);
        a->has_progress_deadline = true;
    }
    return PP_OK;
}

/* annotation_validation.go: the ranges the webhook enforces. */
static enum pp_status validate_annotations(const struct annotations *a, struct pp_error *err) {
    enum pp_status s = PP_OK;
    if (a->has_target)
        s = ann_range("target", a->target >= TARGET_MIN, "must be at least 0.01", err);
    if (!s && a->has_tu)
        s = ann_range("target-utilization-percentage", a->tu_pct >= 1 && a->tu_pct <= 100,
                      "must be in [1, 100]", err);
    if (!s && a->has_window)
        s = ann_range("window",
                      a->window >= PP_SEC(6) && a->window <= PP_SEC(3600) &&
                          whole_seconds(a->window),
                      "must be whole seconds in [6s, 1h]", err);
    if (!s && a->has_pwp)
        s = ann_range("panic-window-percentage", a->pwp >= 1 && a->pwp <= 100,
                      "must be in [1, 100]", err);
    if (!s && a->has_ptp)
        s = ann_range("panic-threshold-percentage", a->ptp >= 110 && a->ptp <= 1000,
                      "must be in [110, 1000]", err);
    if (!s && a->has_tbc)
        s = ann_range("target-burst-capacity", a->tbc >= 0 || a->tbc == -1,
                      "must be non-negative or -1 (unlimited)", err);
    if (!s && a->has_delay)
        s = ann_range("scale-down-delay",
                      a->delay >= 0 && a->delay <= PP_SEC(3600) && whole_seconds(a->delay),
                      "must be whole seconds in [0s, 1h]", err);
    if (!s && a->has_min)
        s = ann_range("min-scale", a->min >= 0, "must be non-negative", err);
    if (!s && a->has_max)
        s = ann_range("max-scale", a->max >= 0, "must be non-negative", err);
    if (!s && a->has_initial)
        s = ann_range("initial-scale", a->initial >= 0, "must be non-negative", err);
    if (!s && a->has_activation)
        s = ann_range("activation-scale", a->activation >= 1, "must be at least 1", err);
    if (!s && a->has_retention)
        s = ann_range("scale-to-zero-pod-retention-period",
                      a->retention >= 0 && a->retention <= PP_SEC(3600), "must be in [0s, 1h]",
                      err);
    if (!s && a->metric)
        s = ann_range("metric",
                      strcmp(a->metric, "concurrency") == 0 || strcmp(a->metric, "rps") == 0,
                      "the KPA scales on \"concurrency\" or \"rps\" (cpu and memory need the "
                      "HPA class)",
                      err);
    if (!s && a->algo)
        s = ann_range("metric-aggregation-algorithm",
                      strcmp(a->algo, "linear") == 0 ||
                          strcmp(a->algo, "weighted-exponential") == 0 ||
                          strcmp(a->algo, "weightedExponential") == 0,
                      "must be \"linear\" or \"weighted-exponential\"", err);
    if (!s && a->klass)
        s = ann_range("class", strcmp(a->klass, "kpa.autoscaling.knative.dev") == 0,
                      "this is the KPA; the HPA class is configured as an HPA service", err);
    return s;
}

static enum pp_status revision_fields(const struct pp_kv *kv, size_t n, struct kpa_config *out,
                                      struct pp_error *err) {
    const char *cc = pp_kv_get(kv, n, "containerConcurrency");
    out->container_concurrency = 0;
    if (cc && (!goparse_int32(cc, &out->container_concurrency) || out->container_concurrency < 0 ||
               out->container_concurrency > 1000))
        return pp_fail(err, PP_ERR_INVALID, "containerConcurrency",
                       "expected an integer in [0, 1000], got \"%s\"", cc);
    const char *r = pp_kv_get(kv, n, "reachability");
    out->reachable = true;
    if (r) {
        if (strcmp(r, "Unreachable") == 0)
            out->reachable = false;
        else if (strcmp(r, "Reachable") != 0 && strcmp(r, "") != 0)
            return pp_fail(err, PP_ERR_INVALID, "reachability",
                           "expected Reachable or Unreachable, got \"%s\"", r);
    }
    return PP_OK;
}

/* target.go ResolveMetricTarget. */
static void resolve_target(const struct cluster *c, const struct annotations *a,
                           struct kpa_config *out) {
    double total, tu;
    if (out->metric == KPA_METRIC_RPS) {
        total = c->rps_default;
        tu = 0.7; /* Knative: TargetUtilization is not configurable for rps */
    } else {
        total = out->container_concurrency ? (double)out->container_concurrency : c->cc_default;
        tu = c->cc_fraction;
    }
    if (a->has_target) {
        total = a->target;
        if (out->metric == KPA_METRIC_CONCURRENCY && out->container_concurrency != 0)
            total = fmin(a->target, (double)out->container_concurrency);
    }
    if (a->has_tu)
        tu = a->tu_pct / 100;
    out->target_value = fmax(TARGET_MIN, total * tu);
    out->total_value = total;
    out->target_utilization = tu;
}

/* resources/metric.go MakeMetric: panic window rounds to the second. */
static uint32_t panic_window(pp_time stable, double pct) {
    double ns = (double)stable * pct / 100.0;
    pp_time d = (pp_time)ns;
    pp_time s = (d + PP_NS_PER_SEC / 2) / PP_NS_PER_SEC; /* Round: half away from zero */
    return s < 1 ? 1 : (uint32_t)s;
}

static void resolve(const struct cluster *c, const struct annotations *a, struct kpa_config *out) {
    out->metric =
        a->metric && strcmp(a->metric, "rps") == 0 ? KPA_METRIC_RPS : KPA_METRIC_CONCURRENCY;
    out->algo = a->algo && strcmp(a->algo, "linear") != 0 ? WINDOW_WEIGHTED_EXP : WINDOW_LINEAR;
    resolve_target(c, a, out);

    pp_time stable = a->has_window ? a->window : c->stable_window;
    out->stable_window_s = (uint32_t)(stable / PP_NS_PER_SEC);
    out->panic_window_s = panic_window(stable, a->has_pwp ? a->pwp : c->panic_window_pct);

    out->panic_threshold = (a->has_ptp ? a->ptp : c->panic_threshold_pct) / 100.0;
    out->max_scale_up_rate = c->max_up;
    out->max_scale_down_rate = c->max_down;
    out->target_burst_capacity = a->has_tbc ? a->tbc : c->tbc;
    out->activator_capacity = c->activator_capacity;
    out->scale_down_delay = a->has_delay ? a->delay : c->scale_down_delay;
    out->activation_scale = a->has_activation ? a->activation : 0;

    /* GetInitialScale: a revision's 0 counts only when zero is allowed. */
    out->initial_scale = c->initial_scale;
    if (a->has_initial && (a->initial != 0 || c->allow_zero_initial_scale))
        out->initial_scale = a->initial;
    /* deploy.go: the Deployment starts at the annotation as written. */
    out->deployment_replicas = a->has_initial ? a->initial : c->initial_scale;

    out->min_scale = out->reachable ? (a->has_min ? a->min : c->min_scale) : 0;
    out->max_scale = a->has_max ? a->max : c->max_scale;
    out->enable_scale_to_zero = c->enable_scale_to_zero;
    out->scale_to_zero_grace = c->grace;
    out->pod_retention = out->reachable ? (a->has_retention ? a->retention : c->retention) : 0;
    out->activation_timeout =
        (a->has_progress_deadline ? a->progress_deadline : c->progress_deadline) + PP_SEC(30);
}

static enum pp_status check_bounds(const struct kpa_config *cfg, const struct annotations *a,
                                   const struct cluster *c, struct pp_error *err) {
    if (a->has_max && c->max_scale_limit > 0 && (a->max == 0 || a->max > c->max_scale_limit))
        return ann_range("max-scale", false, "must be in [1, max-scale-limit]", err);
    if (a->has_min && cfg->max_scale > 0 && a->min > cfg->max_scale)
        return ann_range("min-scale", false, "must not exceed max-scale", err);
    if (a->has_activation && cfg->max_scale > 0 && a->activation > cfg->max_scale)
        return ann_range("activation-scale", false, "must not exceed max-scale", err);
    return PP_OK;
}

enum pp_status kpa_config_resolve(const struct pp_kv *kv, size_t n, struct kpa_config *out,
                                  struct pp_error *err) {
    struct cluster c;
    struct annotations a;
    enum pp_status s = parse_cluster(kv, n, &c, err);
    if (!s)
        s = validate_cluster(&c, err);
    if (!s && strcmp(c.klass, "kpa.autoscaling.knative.dev") != 0 && !pp_kv_get(kv, n, ANN "class"))
        s = pp_fail(err, PP_ERR_INVALID, "pod-autoscaler-class",
                    "this is the KPA; got class \"%s\"", c.klass);
    if (!s)
        s = parse_annotations(kv, n, &a, err);
    if (!s)
        s = validate_annotations(&a, err);
    if (!s)
        s = revision_fields(kv, n, out, err);
    if (s)
        return s;
    resolve(&c, &a, out);
    return check_bounds(out, &a, &c, err);
}

void kpa_config_default(struct kpa_config *out) {
    enum pp_status s = kpa_config_resolve(NULL, 0, out, NULL);
    (void)s; /* the defaults are valid by construction */
}
