#include "engine/override.h"

#include "engine/goparse.h"

#include <stdio.h>
#include <string.h>

#define ANN "autoscaling.knative.dev/"

/* Per-revision annotations; any other KPA knob is a config-autoscaler key. */
static const char *const kpa_annotations[] = {
    "window",
    "panic-window-percentage",
    "panic-threshold-percentage",
    "target",
    "target-utilization-percentage",
    "target-burst-capacity",
    "min-scale",
    "max-scale",
    "initial-scale",
    "activation-scale",
    "scale-down-delay",
    "metric",
    "metric-aggregation-algorithm",
};

bool override_is_annotation(const char *key) {
    for (size_t i = 0; i < sizeof(kpa_annotations) / sizeof(kpa_annotations[0]); i++)
        if (strcmp(key, kpa_annotations[i]) == 0)
            return true;
    return false;
}

enum pp_status override_set_knob(struct override *ov, const char *key, const char *value,
                                 struct pp_error *err) {
    size_t i = 0;
    while (i < ov->n_knobs && strcmp(ov->knobs[i].key, key) != 0)
        i++;
    if (i == OVERRIDE_MAX_KNOBS)
        return pp_fail(err, PP_ERR_LIMIT, key, "at most %d settings can be changed at once",
                       OVERRIDE_MAX_KNOBS);
    if (strlen(key) >= sizeof(ov->knobs[i].key) || strlen(value) >= sizeof(ov->knobs[i].value))
        return pp_fail(err, PP_ERR_LIMIT, key, "setting too long");
    snprintf(ov->knobs[i].key, sizeof(ov->knobs[i].key), "%s", key);
    snprintf(ov->knobs[i].value, sizeof(ov->knobs[i].value), "%s", value);
    if (i == ov->n_knobs)
        ov->n_knobs++;
    return PP_OK;
}

/* ---- KPA: the manifest's map with the knobs over it, resolved again ---- */

static void kv_put(struct pp_kv *kv, size_t *n, size_t cap, const char *key, const char *value) {
    for (size_t i = 0; i < *n; i++)
        if (strcmp(kv[i].key, key) == 0) {
            kv[i].value = value;
            return;
        }
    if (*n < cap)
        kv[(*n)++] = (struct pp_kv){key, value};
}

static enum pp_status build_kpa(const struct svc_config *c, const struct override *ov,
                                struct kpa_config *out, struct pp_error *err) {
    enum { CAP = SVC_MAX_KV + OVERRIDE_MAX_KNOBS + 1 };
    struct pp_kv kv[CAP];
    char keys[OVERRIDE_MAX_KNOBS][sizeof(ov->knobs[0].key) + sizeof(ANN)];
    char target[40];
    size_t n = c->n_kpa_kv;
    memcpy(kv, c->kpa_kv, n * sizeof(kv[0]));
    for (size_t i = 0; i < ov->n_knobs; i++) {
        const char *key = ov->knobs[i].key;
        if (strncmp(key, ANN, strlen(ANN)) != 0 && override_is_annotation(key)) {
            snprintf(keys[i], sizeof(keys[i]), ANN "%s", key);
            key = keys[i];
        }
        kv_put(kv, &n, CAP, key, ov->knobs[i].value);
    }
    if (ov->target_set) {
        pp_format_double(ov->target, target, sizeof(target));
        kv_put(kv, &n, CAP, ANN "target", target);
    }
    return kpa_config_resolve(kv, n, out, err);
}

/* ---- HPA: spec fields ---- */

static enum pp_status bad(struct pp_error *err, const char *key, const char *what,
                          const char *value) {
    return pp_fail(err, PP_ERR_INVALID, key, "expected %s, got \"%s\"", what, value);
}

/* An error of the HPA's vocabulary, named by the knob that set it. */
static enum pp_status named(struct pp_error *err, const char *key) {
    if (err)
        snprintf(err->field, sizeof(err->field), "%s", key);
    return PP_ERR_INVALID;
}

static enum pp_status policies(const char *key, const char *value, struct hpa_rules *r,
                               struct pp_error *err) {
    static const char what[] = "policies as TYPE:VALUE:PERIOD_SECONDS[,...] "
                               "(e.g. Percent:100:15,Pods:4:15)";
    r->n_policies = 0;
    const char *p = value;
    while (*p) {
        char type[16];
        int32_t v, period;
        int used = 0;
        if (r->n_policies == HPA_MAX_POLICIES ||
            sscanf(p, "%15[A-Za-z]:%d:%d%n", type, &v, &period, &used) != 3)
            return bad(err, key, what, value);
        struct hpa_policy *pol = &r->policies[r->n_policies++];
        if (hpa_policy_type_parse(type, &pol->type, err) != PP_OK)
            return named(err, key);
        pol->value = v;
        pol->period_s = period;
        p += used;
        if (*p == ',')
            p++;
        else if (*p)
            return bad(err, key, what, value);
    }
    if (r->n_policies == 0)
        return bad(err, key, what, value);
    return PP_OK;
}

static enum pp_status hpa_knob(struct hpa_spec *s, const char *key, const char *value,
                               struct pp_error *err) {
    int32_t i;
    double f;
    if (strcmp(key, "minReplicas") == 0 || strcmp(key, "maxReplicas") == 0) {
        if (!goparse_int32(value, &i))
            return bad(err, key, "an integer", value);
        if (key[1] == 'i') {
            s->min_set = true;
            s->min_replicas = i;
        } else {
            s->max_replicas = i;
        }
        return PP_OK;
    }
    struct hpa_rules *r = NULL;
    const char *field = key;
    if (strcmp(key, "tolerance") == 0) {
        if (!goparse_float(value, &f) || f < 0)
            return bad(err, key, "a ratio such as 0.05", value);
        s->behavior_set = s->up.set = s->down.set = true;
        s->up.tolerance_set = s->down.tolerance_set = true;
        s->up.tolerance = s->down.tolerance = f;
        return PP_OK;
    }
    if (strncmp(key, "scaleUp.", 8) == 0) {
        r = &s->up;
        field = key + 8;
    } else if (strncmp(key, "scaleDown.", 10) == 0) {
        r = &s->down;
        field = key + 10;
    }
    if (!r)
        return pp_fail(err, PP_ERR_INVALID, key, "not a setting of an HPA (see `set` in --help)");
    s->behavior_set = r->set = true;
    if (strcmp(field, "stabilizationWindowSeconds") == 0) {
        if (!goparse_int32(value, &i))
            return bad(err, key, "whole seconds", value);
        r->window_set = true;
        r->window_s = i;
    } else if (strcmp(field, "selectPolicy") == 0) {
        r->select_set = true;
        if (hpa_select_parse(value, &r->select, err) != PP_OK)
            return named(err, key);
    } else if (strcmp(field, "policies") == 0) {
        return policies(key, value, r, err);
    } else if (strcmp(field, "tolerance") == 0) {
        if (!goparse_float(value, &f) || f < 0)
            return bad(err, key, "a ratio such as 0.05", value);
        r->tolerance_set = true;
        r->tolerance = f;
    } else {
        return pp_fail(err, PP_ERR_INVALID, key, "not a setting of an HPA (see `set` in --help)");
    }
    return PP_OK;
}

static enum pp_status build_hpa(const struct svc_config *c, const struct override *ov,
                                int32_t hpa_min, int32_t hpa_max, struct hpa_spec *s,
                                struct pp_error *err) {
    *s = c->hpa;
    if (hpa_min > 0) {
        s->min_set = true;
        s->min_replicas = hpa_min;
        s->max_replicas = hpa_max;
    }
    for (size_t i = 0; i < ov->n_knobs; i++)
        if (hpa_knob(s, ov->knobs[i].key, ov->knobs[i].value, err) != PP_OK)
            return PP_ERR_INVALID;
    if (ov->target_set) {
        if (s->n_metrics == 0) {
            s->n_metrics = 1;
            s->metrics[0] = (struct hpa_metric_spec){
                .type = HPA_RESOURCE, .name = "cpu", .target = HPA_TARGET_UTILIZATION};
        }
        struct hpa_metric_spec *m = &s->metrics[0];
        if (m->target == HPA_TARGET_UTILIZATION)
            m->utilization = (int32_t)(ov->target + 0.5);
        else
            m->milli = (int64_t)(ov->target * 1000 + 0.5);
    }
    return hpa_validate(s, err);
}

/* ---- lag: Seldon's env names ---- */

static enum pp_status build_lag(const struct svc_config *c, const struct override *ov,
                                struct lag_config *out, struct pp_error *err) {
    *out = c->lag;
    struct pp_kv kv[OVERRIDE_MAX_KNOBS];
    for (size_t i = 0; i < ov->n_knobs; i++)
        kv[i] = (struct pp_kv){ov->knobs[i].key, ov->knobs[i].value};
    if (lag_config_resolve(kv, ov->n_knobs, out, err) != PP_OK)
        return PP_ERR_INVALID;
    if (ov->target_set)
        out->lag_threshold = (int32_t)(ov->target + 0.5);
    if (ov->paused)
        out->model_autoscaling_enabled = false;
    return PP_OK;
}

enum pp_status override_build(const struct svc_config *c, const struct override *ov,
                              int32_t hpa_min, int32_t hpa_max, struct override_config *out,
                              struct pp_error *err) {
    switch (c->cls) {
    case SVC_KPA:
        return build_kpa(c, ov, &out->kpa, err);
    case SVC_HPA:
    case SVC_KEDA: /* the HPA KEDA generated: its metrics' targets are the thresholds */
        return build_hpa(c, ov, hpa_min, hpa_max, &out->hpa, err);
    case SVC_LAG:
        return build_lag(c, ov, &out->lag, err);
    case SVC_CRON:
    case SVC_NONE:
        break;
    }
    if (ov->n_knobs > 0)
        return pp_fail(err, PP_ERR_INVALID, ov->knobs[0].key,
                       "%s has no scaler settings to change: its replicas follow %s", c->name,
                       c->cls == SVC_CRON ? "a schedule" : "its Deployment");
    if (ov->target_set)
        return pp_fail(err, PP_ERR_INVALID, "target", "%s has no target: its replicas follow %s",
                       c->name, c->cls == SVC_CRON ? "a schedule" : "its Deployment");
    return PP_OK;
}

int32_t override_replicas(const struct override *ov, int32_t decided) {
    if (ov->pinned)
        return ov->pin;
    if (ov->paused)
        return ov->hold;
    return decided;
}

void override_text(const struct override *ov, double manifest_target, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
#define PUT(...)                                                                                   \
    do {                                                                                           \
        int k_ = snprintf(buf + used, size - used, __VA_ARGS__);                                   \
        if (k_ < 0 || (size_t)k_ >= size - used)                                                   \
            return;                                                                                \
        used += (size_t)k_;                                                                        \
    } while (0)
    if (ov->pinned)
        PUT("pinned %d", ov->pin);
    if (ov->paused)
        PUT("%spaused at %d", used ? "; " : "", ov->hold);
    if (ov->target_set) {
        char t[40], m[40];
        pp_format_double(ov->target, t, sizeof(t));
        pp_format_double(manifest_target, m, sizeof(m));
        PUT("%starget %s (manifest %s)", used ? "; " : "", t, m);
    }
    for (size_t i = 0; i < ov->n_knobs; i++)
        PUT("%s%s=%s", used ? "; " : "", ov->knobs[i].key, ov->knobs[i].value);
#undef PUT
}
