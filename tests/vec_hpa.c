/* HPA vectors (../shared/vectors/hpa/README.md): the HPA as created, and per
 * sync the scale, the pods and every metric observation; each sync runs one
 * hpa_sync and its status, conditions, currentMetrics, events and error are
 * compared with what upstream's reconcileAutoscaler wrote. */
#include "tests/vec.h"

#include "engine/hpa.h"
#include "engine/labels.h"
#include "k8s/yamldoc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 INT64_C(1700000000)
#define ZERO_TIME (INT64_MIN / 4) /* Go's time.Time{}: before anything */
#define MAX_PODS 512
#define MAX_CONTAINERS 8
#define MAX_LABELS 32

static pp_time at(double t) { return PP_SEC(T0) + (pp_time)(t * 1e9); }

static const cJSON *get(const cJSON *o, const char *k) {
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static double num(const cJSON *o, const char *k, double dflt) {
    const cJSON *v = get(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static const char *str(const cJSON *o, const char *k) {
    const cJSON *v = get(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t quantity(const cJSON *v) {
    int64_t m = 0;
    if (cJSON_IsString(v))
        ydoc_quantity_milli(v->valuestring, &m);
    else if (cJSON_IsNumber(v))
        m = (int64_t)(v->valuedouble * 1000);
    return m;
}

/* ---- the spec, as the user wrote it ---- */

/* Strings the spec points at that are not in the JSON tree. */
struct texts {
    char sel[HPA_MAX_METRICS][2048];
};

static void selector_text(const cJSON *sel, char *buf, size_t size) {
    const char *keys[MAX_LABELS], *vals[MAX_LABELS];
    struct label_requirement reqs[MAX_LABELS];
    const char *values[MAX_LABELS][MAX_LABELS];
    struct label_selector s = {.keys = keys, .values = vals, .exprs = reqs};
    const cJSON *kv;
    cJSON_ArrayForEach(kv, get(sel, "matchLabels")) {
        if (s.n_labels < MAX_LABELS && cJSON_IsString(kv)) {
            keys[s.n_labels] = kv->string;
            vals[s.n_labels++] = kv->valuestring;
        }
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, get(sel, "matchExpressions")) {
        if (s.n_exprs == MAX_LABELS)
            break;
        struct label_requirement *r = &reqs[s.n_exprs];
        *r = (struct label_requirement){
            .key = str(e, "key"), .op = str(e, "operator"), .values = values[s.n_exprs]};
        const cJSON *v;
        cJSON_ArrayForEach(v, get(e, "values")) {
            if (r->n_values < MAX_LABELS && cJSON_IsString(v))
                values[s.n_exprs][r->n_values++] = v->valuestring;
        }
        s.n_exprs++;
    }
    label_selector_text(&s, buf, size);
}

static void read_target(const cJSON *t, struct hpa_metric_spec *m) {
    const char *type = str(t, "type");
    if (type && strcmp(type, "Utilization") == 0) {
        m->target = HPA_TARGET_UTILIZATION;
        m->utilization = (int32_t)num(t, "averageUtilization", 0);
    } else if (type && strcmp(type, "Value") == 0) {
        m->target = HPA_TARGET_VALUE;
        m->milli = quantity(get(t, "value"));
    } else {
        m->target = HPA_TARGET_AVERAGE_VALUE;
        m->milli = quantity(get(t, "averageValue"));
    }
}

static void read_metric(const cJSON *j, struct hpa_metric_spec *m, char *sel, size_t sel_size) {
    const char *type = str(j, "type");
    size_t k = 0;
    while (k < 4 && (!type || strcmp(type, hpa_metric_type_names[k]) != 0))
        k++;
    const cJSON *src = get(j, hpa_metric_source_keys[k]);
    const bool resource = k < 2;
    const cJSON *metric = resource ? src : get(src, "metric");
    *m = (struct hpa_metric_spec){.type = (enum hpa_metric_type)k,
                                  .name = str(metric, "name"),
                                  .container = str(src, "container"),
                                  .object_kind = str(get(src, "describedObject"), "kind"),
                                  .object_name = str(get(src, "describedObject"), "name")};
    if (!resource && get(metric, "selector")) {
        selector_text(get(metric, "selector"), sel, sel_size);
        m->selector = sel;
    }
    read_target(get(src, "target"), m);
}

static void read_rules(const cJSON *j, struct hpa_rules *r) {
    if (!j)
        return;
    r->set = true;
    const cJSON *w = get(j, "stabilizationWindowSeconds");
    if (cJSON_IsNumber(w)) {
        r->window_set = true;
        r->window_s = w->valueint;
    }
    if (str(j, "selectPolicy")) {
        r->select_set = true;
        hpa_select_parse(str(j, "selectPolicy"), &r->select, NULL);
    }
    const cJSON *p;
    cJSON_ArrayForEach(p, get(j, "policies")) {
        if (r->n_policies == HPA_MAX_POLICIES)
            break;
        struct hpa_policy *pol = &r->policies[r->n_policies++];
        hpa_policy_type_parse(str(p, "type"), &pol->type, NULL);
        pol->value = (int32_t)num(p, "value", 0);
        pol->period_s = (int32_t)num(p, "periodSeconds", 0);
    }
    if (get(j, "tolerance")) {
        r->tolerance_set = true;
        r->tolerance = (double)quantity(get(j, "tolerance")) / 1000;
    }
}

static void read_spec(const cJSON *hpa, const cJSON *spec, struct hpa_spec *s, struct texts *tx) {
    *s = (struct hpa_spec){
        .target_kind = str(get(spec, "scaleTargetRef"), "kind"),
        .target_name = str(get(spec, "scaleTargetRef"), "name"),
        .namespace_ = str(get(hpa, "metadata"), "namespace"),
        .max_replicas = (int32_t)num(spec, "maxReplicas", 1),
    };
    if (cJSON_IsNumber(get(spec, "minReplicas"))) {
        s->min_set = true;
        s->min_replicas = get(spec, "minReplicas")->valueint;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, get(spec, "metrics")) {
        if (s->n_metrics == HPA_MAX_METRICS)
            break;
        read_metric(m, &s->metrics[s->n_metrics], tx->sel[s->n_metrics],
                    sizeof(tx->sel[s->n_metrics]));
        s->n_metrics++;
    }
    const cJSON *b = get(spec, "behavior");
    if (b) {
        s->behavior_set = true;
        read_rules(get(b, "scaleUp"), &s->up);
        read_rules(get(b, "scaleDown"), &s->down);
    }
}

static void read_controller(const cJSON *c, struct hpa_controller *ctl) {
    hpa_controller_defaults(ctl);
    ctl->tolerance = num(c, "tolerance", ctl->tolerance);
    ctl->downscale_stabilization = PP_SEC(num(c, "downscale_stabilization", 300));
    ctl->cpu_initialization_period = PP_SEC(num(c, "cpu_initialization_period", 300));
    ctl->initial_readiness_delay = PP_SEC(num(c, "initial_readiness_delay", 30));
    const cJSON *g = get(get(c, "feature_gates"), "HPAConfigurableTolerance");
    if (cJSON_IsBool(g))
        ctl->configurable_tolerance = cJSON_IsTrue(g);
}

/* ---- one sync's inputs ---- */

struct inputs {
    struct hpa_pod pods[MAX_PODS];
    struct hpa_container containers[MAX_PODS][MAX_CONTAINERS];
    int64_t milli[HPA_MAX_METRICS][MAX_PODS];
    bool present[HPA_MAX_METRICS][MAX_PODS];
    pp_time ts[HPA_MAX_METRICS][MAX_PODS], window[HPA_MAX_METRICS][MAX_PODS];
    struct hpa_metric_obs metrics[HPA_MAX_METRICS];
    struct hpa_obs obs;
};

static void read_containers(const cJSON *list, bool init, struct hpa_container *c, size_t *n) {
    const cJSON *j;
    cJSON_ArrayForEach(j, list) {
        if (*n == MAX_CONTAINERS)
            return;
        const cJSON *req = get(get(j, "resources"), "requests");
        if (!req)
            req = get(j, "requests");
        const char *restart = str(j, "restartPolicy");
        c[*n] = (struct hpa_container){
            .name = str(j, "name"),
            .cpu_milli = get(req, "cpu") ? quantity(get(req, "cpu")) : -1,
            .memory_milli = get(req, "memory") ? quantity(get(req, "memory")) : -1,
            .init = init,
            .restartable = restart && strcmp(restart, "Always") == 0};
        (*n)++;
    }
}

static void read_pod(const cJSON *j, struct hpa_pod *p, struct hpa_container *c) {
    const char *phase = str(j, "phase"), *ready = str(j, "ready");
    *p = (struct hpa_pod){.name = str(j, "name"), .containers = c, .phase = HPA_POD_RUNNING};
    if (phase && strcmp(phase, "Pending") == 0)
        p->phase = HPA_POD_PENDING;
    else if (phase && strcmp(phase, "Succeeded") == 0)
        p->phase = HPA_POD_SUCCEEDED;
    else if (phase && strcmp(phase, "Failed") == 0)
        p->phase = HPA_POD_FAILED;
    p->has_ready_condition = ready != NULL;
    p->ready = ready && strcmp(ready, "True") == 0;
    p->ready_unknown = ready && strcmp(ready, "Unknown") == 0;
    p->ready_transition =
        get(j, "readyTransitionTime") ? at(num(j, "readyTransitionTime", 0)) : ZERO_TIME;
    p->started = get(j, "startTime") != NULL;
    p->start_time = p->started ? at(num(j, "startTime", 0)) : ZERO_TIME;
    p->deleting = get(j, "deletionTimestamp") != NULL;
    read_containers(get(j, "containers"), false, c, &p->n_containers);
    read_containers(get(j, "initContainers"), true, c, &p->n_containers);
}

static size_t pod_index(const struct inputs *in, const char *name) {
    for (size_t i = 0; i < in->obs.n_pods; i++)
        if (in->pods[i].name && strcmp(in->pods[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

/* Per-pod samples: a pod of the list without one is missing; one for a pod
 * not listed is extraneous. */
static void read_samples(const cJSON *j, double t, size_t k, struct inputs *in,
                         struct hpa_metric_obs *o) {
    const pp_time ts = at(num(j, "timestamp", t)), window = PP_SEC(num(j, "window", 60));
    const cJSON *pods = get(j, "pods");
    o->empty = cJSON_GetArraySize(pods) == 0;
    o->pod_milli = in->milli[k];
    o->present = in->present[k];
    o->pod_timestamp = in->ts[k];
    o->pod_window = in->window[k];
    o->timestamp = ts;
    o->window = window;
    for (size_t i = 0; i < in->obs.n_pods; i++) {
        in->present[k][i] = false;
        in->ts[k][i] = ts;
        in->window[k][i] = window;
    }
    const cJSON *s;
    cJSON_ArrayForEach(s, pods) {
        const bool detailed = cJSON_IsObject(s);
        const int64_t v = (int64_t)(detailed ? num(s, "value", 0) : s->valuedouble);
        const size_t i = pod_index(in, s->string);
        if (i == SIZE_MAX) {
            o->n_extra++;
            o->extra_milli += v;
            continue;
        }
        in->present[k][i] = true;
        in->milli[k][i] = v;
        if (detailed) {
            in->ts[k][i] = at(num(s, "timestamp", t));
            in->window[k][i] = PP_SEC(num(s, "window", 60));
        }
    }
}

static void read_metric_obs(const cJSON *j, double t, size_t k, const struct hpa_metric_spec *m,
                            struct inputs *in) {
    struct hpa_metric_obs *o = &in->metrics[k];
    *o = (struct hpa_metric_obs){.error = str(j, "error")};
    if (o->error)
        return;
    if (m->type == HPA_OBJECT) {
        o->value_milli = (int64_t)num(j, "value", 0);
    } else if (m->type == HPA_EXTERNAL) {
        const cJSON *v;
        o->empty = cJSON_GetArraySize(get(j, "values")) == 0;
        cJSON_ArrayForEach(v, get(j, "values")) {
            const int64_t x = (int64_t)v->valuedouble;
            o->value_milli = x > INT64_MAX - o->value_milli ? INT64_MAX : o->value_milli + x;
        }
    } else {
        read_samples(j, t, k, in, o);
    }
}

static void read_sync(const cJSON *j, const struct hpa_spec *spec, struct inputs *in) {
    const cJSON *scale = get(j, "scale");
    const double t = num(j, "t", 0);
    const int32_t replicas = (int32_t)num(scale, "replicas", 0);
    in->obs = (struct hpa_obs){
        .scale_error = str(scale, "get_error"),
        .update_error = str(scale, "update_error"),
        .no_selector = str(scale, "selector") && !str(scale, "selector")[0],
        .spec_replicas = replicas,
        .status_replicas = (int32_t)num(scale, "status_replicas", replicas),
        .pods = in->pods,
        .metrics = in->metrics,
    };
    const cJSON *p;
    cJSON_ArrayForEach(p, get(j, "pods")) {
        if (in->obs.n_pods == MAX_PODS)
            break;
        read_pod(p, &in->pods[in->obs.n_pods], in->containers[in->obs.n_pods]);
        in->obs.n_pods++;
    }
    size_t n;
    const struct hpa_metric_spec *metrics = hpa_spec_metrics(spec, &n);
    for (size_t k = 0; k < n; k++)
        read_metric_obs(cJSON_GetArrayItem(get(j, "metrics"), (int)k), t, k, &metrics[k], in);
}

/* ---- one sync's outcome, in the expected line's shape ---- */

static cJSON *quantity_json(int64_t milli) {
    char q[40];
    hpa_quantity(milli, q, sizeof(q));
    return cJSON_CreateString(q);
}

static double seconds(pp_time t) { return (double)(t / PP_NS_PER_SEC - T0); }

static cJSON *metric_status(const cJSON *spec_metric, const struct hpa_metric_spec *m,
                            const struct hpa_metric_status *ms) {
    cJSON *o = cJSON_CreateObject();
    if (!ms->valid) {
        cJSON_AddStringToObject(o, "type", "");
        return o;
    }
    cJSON_AddStringToObject(o, "type", hpa_metric_type_names[m->type]);
    cJSON *src = cJSON_AddObjectToObject(o, hpa_metric_source_keys[m->type]);
    const cJSON *spec_src = get(spec_metric, hpa_metric_source_keys[m->type]);
    const bool resource = m->type == HPA_RESOURCE || m->type == HPA_CONTAINER_RESOURCE;
    if (resource) {
        cJSON_AddStringToObject(src, "name", m->name);
    } else {
        cJSON *id = cJSON_AddObjectToObject(src, "metric");
        cJSON_AddStringToObject(id, "name", m->name);
        const cJSON *sel = get(get(spec_src, "metric"), "selector");
        if (sel)
            cJSON_AddItemToObject(id, "selector", cJSON_Duplicate(sel, true));
    }
    cJSON *cur = cJSON_AddObjectToObject(src, "current");
    if (m->target == HPA_TARGET_VALUE)
        cJSON_AddItemToObject(cur, "value", quantity_json(ms->current_milli));
    else
        cJSON_AddItemToObject(cur, "averageValue", quantity_json(ms->current_milli));
    if (m->target == HPA_TARGET_UTILIZATION)
        cJSON_AddNumberToObject(cur, "averageUtilization", ms->utilization);
    if (m->type == HPA_CONTAINER_RESOURCE)
        cJSON_AddStringToObject(src, "container", m->container);
    if (m->type == HPA_OBJECT)
        cJSON_AddItemToObject(src, "describedObject",
                              cJSON_Duplicate(get(spec_src, "describedObject"), true));
    return o;
}

static cJSON *outcome(const struct hpa *h, const cJSON *spec_json, double t, int32_t scale,
                      bool rescaled) {
    const struct hpa_status *s = hpa_status(h);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "t", t);
    cJSON_AddNumberToObject(o, "scale_replicas", scale);
    cJSON_AddBoolToObject(o, "rescaled", rescaled);
    cJSON_AddNumberToObject(o, "currentReplicas", s->current_replicas);
    cJSON_AddNumberToObject(o, "desiredReplicas", s->desired_replicas);
    if (s->has_scaled)
        cJSON_AddNumberToObject(o, "lastScaleTime", seconds(s->last_scale_time));
    else
        cJSON_AddNullToObject(o, "lastScaleTime");
    cJSON *conds = cJSON_AddArrayToObject(o, "conditions");
    for (size_t i = 0; i < s->n_conditions; i++) {
        const struct hpa_condition *c = &s->conditions[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "type", hpa_cond_type_name(c->type));
        cJSON_AddStringToObject(j, "status", hpa_cond_status_name(c->status));
        cJSON_AddStringToObject(j, "reason", c->reason);
        cJSON_AddStringToObject(j, "message", c->message);
        cJSON_AddNumberToObject(j, "lastTransitionTime", seconds(c->last_transition));
        cJSON_AddItemToArray(conds, j);
    }
    cJSON *cm = cJSON_AddArrayToObject(o, "currentMetrics");
    size_t n;
    const struct hpa_metric_spec *metrics = hpa_spec_metrics(hpa_spec(h), &n);
    for (size_t i = 0; i < s->n_metrics && i < n; i++)
        cJSON_AddItemToArray(cm,
                             metric_status(cJSON_GetArrayItem(get(spec_json, "metrics"), (int)i),
                                           &metrics[i], &s->metrics[i]));
    cJSON *evs = cJSON_AddArrayToObject(o, "events");
    const struct hpa_event *ev;
    const uint8_t *idx;
    hpa_events(h, &ev);
    const size_t n_ev = hpa_sync_events(h, &idx);
    for (size_t i = 0; i < n_ev; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "type", ev[idx[i]].warning ? "Warning" : "Normal");
        cJSON_AddStringToObject(j, "reason", ev[idx[i]].reason);
        cJSON_AddStringToObject(j, "message", ev[idx[i]].message);
        cJSON_AddItemToArray(evs, j);
    }
    cJSON_AddStringToObject(o, "error", s->error);
    return o;
}

/* The first field of want that got does not match. */
static bool same_line(const cJSON *want, const cJSON *got, char *diag, size_t size) {
    const cJSON *w;
    cJSON_ArrayForEach(w, want) {
        const cJSON *g = get(got, w->string);
        if (g && cJSON_Compare(w, g, true))
            continue;
        char *ws = cJSON_PrintUnformatted(w), *gs = g ? cJSON_PrintUnformatted(g) : NULL;
        snprintf(diag, size, "t=%g: %s: expected %s, got %s", num(want, "t", 0), w->string, ws,
                 gs ? gs : "(nothing)");
        free(ws);
        free(gs);
        return false;
    }
    return true;
}

static bool run_syncs(struct hpa *h, const cJSON *scn, const cJSON **spec_json, char **lines,
                      size_t n_lines, struct inputs *in, struct texts *tx, char *diag,
                      size_t size) {
    const cJSON *hpa_json = get(scn, "hpa");
    size_t i = 0;
    const cJSON *sync;
    cJSON_ArrayForEach(sync, get(scn, "syncs")) {
        if (get(sync, "spec")) { /* an edit: defaulting again, memory kept */
            struct hpa_spec edited;
            *spec_json = get(sync, "spec");
            read_spec(hpa_json, *spec_json, &edited, tx);
            hpa_set_spec(h, &edited);
        }
        if (cJSON_IsTrue(get(sync, "controller_restart")))
            hpa_restart(h);
        read_sync(sync, hpa_spec(h), in);
        int32_t scale = in->obs.spec_replicas;
        const struct hpa_status *st = hpa_sync(h, &in->obs, at(num(sync, "t", 0)), &scale);
        if (i >= n_lines) {
            snprintf(diag, size, "more syncs than expected lines (%zu)", n_lines);
            return false;
        }
        cJSON *want = cJSON_Parse(lines[i]);
        cJSON *got = outcome(h, *spec_json, num(sync, "t", 0), scale, st->scaled);
        const bool ok = want && same_line(want, got, diag, size);
        cJSON_Delete(want);
        cJSON_Delete(got);
        if (!ok)
            return false;
        i++;
    }
    if (i != n_lines)
        snprintf(diag, size, "%zu syncs, %zu expected lines", i, n_lines);
    return i == n_lines;
}

static size_t split_lines(char *text, char ***out) {
    size_t n = 0, cap = 64;
    char **v = xmalloc(cap * sizeof(*v));
    for (char *p = strtok(text, "\n"); p; p = strtok(NULL, "\n")) {
        if (n == cap)
            v = xrealloc(v, (cap *= 2) * sizeof(*v));
        v[n++] = p;
    }
    *out = v;
    return n;
}

bool vec_hpa_run(const char *path, char *diag, size_t size) {
    cJSON *scn = vec_read_json(path, diag, size);
    if (!scn)
        return false;
    char expected_path[4096];
    snprintf(expected_path, sizeof(expected_path), "%.*s.expected.jsonl", (int)(strlen(path) - 5),
             path);
    size_t len;
    char *text = vec_read_file(expected_path, &len);
    if (!text) {
        snprintf(diag, size, "cannot read %s", expected_path);
        cJSON_Delete(scn);
        return false;
    }
    char **lines;
    const size_t n_lines = split_lines(text, &lines);
    struct texts *tx = xcalloc(1, sizeof(*tx));
    struct inputs *in = xcalloc(1, sizeof(*in));
    const cJSON *spec_json = get(get(scn, "hpa"), "spec");
    struct hpa_spec spec;
    struct hpa_controller ctl;
    read_spec(get(scn, "hpa"), spec_json, &spec, tx);
    read_controller(get(scn, "controller"), &ctl);
    struct pp_error err = {0};
    bool ok = hpa_validate(&spec, &err) == PP_OK;
    if (!ok)
        snprintf(diag, size, "spec refused: %s: %s", err.field, err.message);
    struct hpa *h = ok ? hpa_create(&spec, &ctl) : NULL;
    ok = ok && run_syncs(h, scn, &spec_json, lines, n_lines, in, tx, diag, size);
    hpa_destroy(h);
    free(in);
    free(tx);
    free(lines);
    free(text);
    cJSON_Delete(scn);
    return ok;
}
