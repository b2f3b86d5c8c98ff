#include "k8s/lever.h"

#include "engine/common.h"
#include "engine/override.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- objects ---- */

static const struct lever_type {
    const char *api, *resource, *kind, *label;
} types[] = {
    [LEVER_HPA] = {"autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", "HPA"},
    [LEVER_ISVC] = {"serving.kserve.io/v1beta1", "inferenceservices", "InferenceService",
                    "InferenceService"},
    [LEVER_REVISION] = {"serving.knative.dev/v1", "revisions", "Revision", "Revision"},
    [LEVER_PA] = {"autoscaling.internal.knative.dev/v1alpha1", "podautoscalers", "PodAutoscaler",
                  "PodAutoscaler"},
    [LEVER_KEDA] = {"keda.sh/v1alpha1", "scaledobjects", "ScaledObject", "ScaledObject"},
    [LEVER_MODEL] = {"mlops.seldon.io/v1alpha1", "models", "Model", "Model"},
    [LEVER_SCALE] = {"apps/v1", "deployments", "Deployment", "Deployment"},
};

void lever_object_init(struct lever_object *out, enum lever_kind kind, const char *ns,
                       const char *name) {
    *out = (struct lever_object){.kind = kind,
                                 .api = types[kind].api,
                                 .resource = types[kind].resource,
                                 .kind_name = types[kind].kind,
                                 .label = types[kind].label};
    snprintf(out->ns, sizeof(out->ns), "%s", ns);
    snprintf(out->name, sizeof(out->name), "%s", name);
}

void lever_path(const struct lever_object *o, bool scale, char *out, size_t size) {
    const bool core = strchr(o->api, '/') == NULL;
    snprintf(out, size, "/%s/%s/namespaces/%s/%s/%s%s", core ? "api" : "apis", o->api, o->ns,
             o->resource, o->name, scale ? "/scale" : "");
}

void lever_group(const struct lever_object *o, char *out, size_t size) {
    const char *slash = strchr(o->api, '/');
    snprintf(out, size, "%.*s", slash ? (int)(slash - o->api) : 0, o->api);
}

/* The name of obj's owner of kind, or NULL. */
static const char *owner_of(const cJSON *obj, const char *kind) {
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "ownerReferences");
    const cJSON *r;
    cJSON_ArrayForEach(r, refs) {
        const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "kind"));
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "name"));
        if (k && n && strcmp(k, kind) == 0)
            return n;
    }
    return NULL;
}

enum pp_status lever_for(const struct svc_config *c, const cJSON *scaler, int knative_minor,
                         struct lever_object *out, struct pp_error *err) {
    const char *ns = c->namespace_, *name = c->scaler_name[0] ? c->scaler_name : c->name;
    const char *owner;
    switch (c->cls) {
    case SVC_HPA:
        if ((owner = owner_of(scaler, "InferenceService")))
            lever_object_init(out, LEVER_ISVC, ns, owner); /* KServe rewrites the HPA it owns */
        else if ((owner = owner_of(scaler, "ScaledObject")))
            lever_object_init(out, LEVER_KEDA, ns, owner);
        else if (!scaler && c->owner[0])
            lever_object_init(out, LEVER_ISVC, ns, c->owner);
        else
            lever_object_init(out, LEVER_HPA, ns, name);
        return PP_OK;
    case SVC_KEDA:
        lever_object_init(out, LEVER_KEDA, ns, name);
        return PP_OK;
    case SVC_KPA:
        if (knative_minor < 0)
            return pp_fail(err, PP_ERR_INVALID, "knative",
                           "the cluster's Knative Serving version is unknown (the controller "
                           "Deployment in knative-serving could not be read); say it with "
                           "--knative-version 1.N");
        if (knative_minor >= 21) { /* Revision annotations sync to the PA (knative/serving#16186) */
            owner = owner_of(scaler, "Revision");
            lever_object_init(out, LEVER_REVISION, ns, owner ? owner : name);
        } else {
            const char *pa = cJSON_GetStringValue(lever_at(scaler, "/metadata/name"));
            lever_object_init(out, LEVER_PA, ns, pa ? pa : name);
        }
        return PP_OK;
    case SVC_LAG:
        lever_object_init(out, LEVER_MODEL, ns, name);
        return PP_OK;
    case SVC_NONE:
        lever_object_init(out, LEVER_SCALE, ns, c->name);
        return PP_OK;
    case SVC_CRON:
        break;
    }
    return pp_fail(err, PP_ERR_INVALID, "override",
                   "%s: a CronHorizontalPodAutoscaler sets its target at each job's schedule; "
                   "podpilot does not write CronHPA jobs yet",
                   c->name);
}

/* ---- pointers ---- */

/* Segment i (0-based) of ptr, unescaped into buf; false past the end. */
static bool segment(const char *ptr, int i, char *buf, size_t size) {
    const char *p = ptr;
    for (int k = 0; k <= i; k++) {
        if (*p != '/')
            return false;
        p++;
        if (k < i)
            p += strcspn(p, "/");
    }
    size_t n = 0;
    for (; *p && *p != '/' && n + 1 < size; p++) {
        if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
            buf[n++] = p[1] == '1' ? '/' : '~';
            p++;
        } else {
            buf[n++] = *p;
        }
    }
    buf[n] = '\0';
    return true;
}

static int depth(const char *ptr) {
    int d = 0;
    for (const char *p = ptr; *p; p++)
        d += *p == '/';
    return d;
}

static bool is_index(const char *s) {
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* ptr cut to its first n segments. */
static void prefix(const char *ptr, int n, char *out, size_t size) {
    const char *p = ptr;
    for (int k = 0; k < n && *p; k++) {
        p++;
        p += strcspn(p, "/");
    }
    snprintf(out, size, "%.*s", (int)(p - ptr), ptr);
}

static const cJSON *child(const cJSON *o, const char *seg) {
    if (cJSON_IsArray(o))
        return is_index(seg) ? cJSON_GetArrayItem(o, atoi(seg)) : NULL;
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, seg) : NULL;
}

const cJSON *lever_at(const cJSON *obj, const char *ptr) {
    char seg[192];
    const cJSON *o = obj;
    for (int i = 0; o && segment(ptr, i, seg, sizeof(seg)); i++)
        o = child(o, seg);
    return o;
}

/* Sets ptr in obj to v (taken), making the objects on the way. */
static void set_at(cJSON *obj, const char *ptr, cJSON *v) {
    char seg[192];
    const int d = depth(ptr);
    cJSON *o = obj;
    for (int i = 0; i < d - 1 && segment(ptr, i, seg, sizeof(seg)); i++) {
        cJSON *next = (cJSON *)child(o, seg);
        if (!next && cJSON_IsObject(o))
            next = cJSON_AddObjectToObject(o, seg);
        if (!next) {
            cJSON_Delete(v);
            return;
        }
        o = next;
    }
    segment(ptr, d - 1, seg, sizeof(seg));
    if (cJSON_IsArray(o) && is_index(seg))
        cJSON_ReplaceItemInArray(o, atoi(seg), v);
    else if (cJSON_IsObject(o) && cJSON_GetObjectItemCaseSensitive(o, seg))
        cJSON_ReplaceItemInObjectCaseSensitive(o, seg, v);
    else if (cJSON_IsObject(o))
        cJSON_AddItemToObject(o, seg, v);
    else
        cJSON_Delete(v);
}

static void remove_at(cJSON *obj, const char *ptr) {
    char parent[192], seg[192];
    prefix(ptr, depth(ptr) - 1, parent, sizeof(parent));
    cJSON *o = (cJSON *)(parent[0] ? lever_at(obj, parent) : obj);
    segment(ptr, depth(ptr) - 1, seg, sizeof(seg));
    if (cJSON_IsArray(o) && is_index(seg))
        cJSON_DeleteItemFromArray(o, atoi(seg));
    else if (cJSON_IsObject(o))
        cJSON_DeleteItemFromObjectCaseSensitive(o, seg);
}

/* ---- the original annotation ---- */

cJSON *lever_originals(const cJSON *obj) {
    const cJSON *a = lever_at(obj, "/metadata/annotations/podpilot.io~1original");
    cJSON *o = cJSON_IsString(a) ? cJSON_Parse(a->valuestring) : NULL;
    if (o && !cJSON_IsObject(o)) {
        cJSON_Delete(o);
        o = NULL;
    }
    return o;
}

/* The key of originals that holds ptr's value (ptr or an ancestor), or NULL. */
static cJSON *covering(cJSON *originals, const char *ptr) {
    cJSON *e;
    cJSON_ArrayForEach(e, originals) {
        const size_t n = strlen(e->string);
        if (strncmp(ptr, e->string, n) == 0 && (ptr[n] == '\0' || ptr[n] == '/'))
            return e;
    }
    return NULL;
}

/* Keeps ptr's value before the first override that touches it: the
 * highest absent ancestor as null (but never the annotations map itself,
 * where the original annotation lives), else the value. */
static void keep_original(cJSON *originals, const cJSON *obj, const char *ptr) {
    if (covering(originals, ptr))
        return;
    const int floor = strncmp(ptr, "/metadata/", 10) == 0 ? 3 : 2;
    char at[192];
    for (int d = floor; d <= depth(ptr); d++) {
        prefix(ptr, d, at, sizeof(at));
        const cJSON *v = lever_at(obj, at);
        if (!v) {
            cJSON_AddNullToObject(originals, at);
            return;
        }
        if (d == depth(ptr))
            cJSON_AddItemToObject(originals, at, cJSON_Duplicate(v, true));
    }
}

/* ---- plans ---- */

static void add_edit(struct lever_plan *p, const char *ptr, cJSON *value) {
    if (p->n == LEVER_EDITS) {
        cJSON_Delete(value);
        return;
    }
    snprintf(p->e[p->n].ptr, sizeof(p->e[p->n].ptr), "%s", ptr);
    p->e[p->n++].value = value;
}

#define KN "/metadata/annotations/autoscaling.knative.dev~1"
#define KEDA_ANN "/metadata/annotations/autoscaling.keda.sh~1"

static bool autoscaled_model(const cJSON *obj, cJSON *originals) {
    return lever_at(obj, "/spec/minReplicas") || lever_at(obj, "/spec/maxReplicas") ||
           cJSON_GetObjectItemCaseSensitive(originals, "/spec/minReplicas");
}

/* The pointers a pin writes (n of them into out). */
static size_t pin_ptrs(const struct lever_object *o, const cJSON *obj, cJSON *originals,
                       const char *out[2]) {
    switch (o->kind) {
    case LEVER_HPA:
        out[0] = "/spec/minReplicas", out[1] = "/spec/maxReplicas";
        return 2;
    case LEVER_ISVC:
        out[0] = "/spec/predictor/minReplicas", out[1] = "/spec/predictor/maxReplicas";
        return 2;
    case LEVER_REVISION:
    case LEVER_PA:
        out[0] = KN "min-scale", out[1] = KN "max-scale";
        return 2;
    case LEVER_KEDA:
        out[0] = KEDA_ANN "paused-replicas";
        return 1;
    case LEVER_MODEL:
        if (autoscaled_model(obj, originals)) {
            out[0] = "/spec/minReplicas", out[1] = "/spec/maxReplicas";
            return 2;
        }
        out[0] = "/spec/replicas";
        return 1;
    case LEVER_SCALE:
        out[0] = "/spec/replicas";
        return 1;
    }
    return 0;
}

/* Where a lever has a pause of its own; else a pause pins at current. */
static size_t pause_ptrs(const struct lever_object *o, const char *out[2]) {
    if (o->kind == LEVER_HPA) {
        out[0] = "/spec/behavior/scaleUp/selectPolicy";
        out[1] = "/spec/behavior/scaleDown/selectPolicy";
        return 2;
    }
    if (o->kind == LEVER_KEDA) {
        out[0] = KEDA_ANN "paused"; /* KEDA deletes its HPA while paused */
        return 1;
    }
    return 0;
}

static const char *const metric_sources[][2] = {
    {"Resource", "resource"},
    {"Pods", "pods"},
    {"Object", "object"},
    {"External", "external"},
    {"ContainerResource", "containerResource"},
};

/* The pointer of the target a `target` command writes, into out. */
static enum pp_status target_ptr(const struct lever_object *o, const cJSON *obj, char *out,
                                 size_t size, bool *number, struct pp_error *err) {
    *number = true;
    switch (o->kind) {
    case LEVER_HPA: {
        const char *type = cJSON_GetStringValue(lever_at(obj, "/spec/metrics/0/type"));
        for (size_t i = 0; type && i < sizeof(metric_sources) / sizeof(metric_sources[0]); i++) {
            if (strcmp(type, metric_sources[i][0]) != 0)
                continue;
            char at[96];
            snprintf(at, sizeof(at), "/spec/metrics/0/%s/target/type", metric_sources[i][1]);
            const char *tt = cJSON_GetStringValue(lever_at(obj, at));
            const char *field = !tt                               ? NULL
                                : strcmp(tt, "Utilization") == 0  ? "averageUtilization"
                                : strcmp(tt, "AverageValue") == 0 ? "averageValue"
                                : strcmp(tt, "Value") == 0        ? "value"
                                                                  : NULL;
            if (!field)
                break;
            *number = strcmp(field, "averageUtilization") == 0;
            snprintf(out, size, "/spec/metrics/0/%s/target/%s", metric_sources[i][1], field);
            return PP_OK;
        }
        return pp_fail(err, PP_ERR_INVALID, "target",
                       "HPA %s/%s: its first metric has no target podpilot can write", o->ns,
                       o->name);
    }
    case LEVER_ISVC:
        snprintf(out, size, "/spec/predictor/scaleTarget");
        return PP_OK;
    case LEVER_REVISION:
    case LEVER_PA:
        *number = false;
        snprintf(out, size, KN "target");
        return PP_OK;
    case LEVER_KEDA: {
        const char *type = cJSON_GetStringValue(lever_at(obj, "/spec/triggers/0/type"));
        const char *field = lever_at(obj, "/spec/triggers/0/metadata/threshold") ? "threshold"
                            : lever_at(obj, "/spec/triggers/0/metadata/value")   ? "value"
                                                                                 : NULL;
        if (!field)
            return pp_fail(err, PP_ERR_INVALID, "target",
                           "ScaledObject %s/%s: trigger 0 (%s) has no threshold or value", o->ns,
                           o->name, type ? type : "no type");
        *number = false; /* trigger metadata are strings */
        snprintf(out, size, "/spec/triggers/0/metadata/%s", field);
        return PP_OK;
    }
    case LEVER_MODEL:
    case LEVER_SCALE:
        break;
    }
    return pp_fail(err, PP_ERR_INVALID, "target", "%s %s/%s has no target to write", o->label,
                   o->ns, o->name);
}

/* The knob `set` names, as a pointer on o; false: o has no such field. */
static bool knob_ptr(const struct lever_object *o, const char *knob, char *out, size_t size,
                     bool *number) {
    *number = true;
    if (o->kind == LEVER_REVISION || o->kind == LEVER_PA) {
        *number = false;
        if (!override_is_annotation(knob))
            return false; /* a config-autoscaler key: the cluster's, not the revision's */
        snprintf(out, size, KN "%s", knob);
        return true;
    }
    const bool bound = strcmp(knob, "minReplicas") == 0 || strcmp(knob, "maxReplicas") == 0;
    if (o->kind == LEVER_ISVC && bound) {
        snprintf(out, size, "/spec/predictor/%s", knob);
        return true;
    }
    if (o->kind != LEVER_HPA)
        return false;
    if (bound) {
        snprintf(out, size, "/spec/%s", knob);
        return true;
    }
    const char *dot = strchr(knob, '.');
    if (!dot || (strncmp(knob, "scaleUp.", 8) != 0 && strncmp(knob, "scaleDown.", 10) != 0))
        return false;
    if (strcmp(dot + 1, "stabilizationWindowSeconds") != 0 && strcmp(dot + 1, "selectPolicy") != 0)
        return false;
    *number = strcmp(dot + 1, "selectPolicy") != 0;
    snprintf(out, size, "/spec/behavior/%.*s/%s", (int)(dot - knob), knob, dot + 1);
    return true;
}

static cJSON *value_of(double v, bool number) {
    if (number)
        return cJSON_CreateNumber(v);
    char t[40];
    pp_format_double(v, t, sizeof(t));
    return cJSON_CreateString(t);
}

/* Restores each of ptrs that originals hold, removing them from it. */
static void restore(struct lever_plan *p, cJSON *originals, const char *const *ptrs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        cJSON *e = covering(originals, ptrs[i]);
        if (!e)
            continue;
        cJSON *item = cJSON_DetachItemViaPointer(originals, e);
        add_edit(p, item->string, cJSON_IsNull(item) ? NULL : cJSON_Duplicate(item, true));
        cJSON_Delete(item);
    }
}

/* The original annotation's edit, last: originals as they now stand. */
static void annotate(struct lever_plan *p, const cJSON *obj, cJSON *originals) {
    const char *ann = "/metadata/annotations/podpilot.io~1original";
    if (cJSON_GetArraySize(originals) == 0) {
        if (lever_at(obj, ann))
            add_edit(p, ann, NULL);
        return;
    }
    char *text = cJSON_PrintUnformatted(originals);
    add_edit(p, ann, cJSON_CreateString(text));
    free(text);
}

static void keep_all(cJSON *originals, const cJSON *obj, const struct lever_plan *p) {
    for (size_t i = 0; i < p->n; i++)
        keep_original(originals, obj, p->e[i].ptr);
}

enum pp_status lever_plan(const struct lever_object *o, const cJSON *obj, const struct command *cmd,
                          int32_t current, struct lever_plan *out, struct pp_error *err) {
    *out = (struct lever_plan){.obj = *o};
    cJSON *originals = lever_originals(obj);
    if (!originals)
        originals = cJSON_CreateObject();
    const char *ptrs[2];
    size_t n;
    char at[192];
    bool number;
    enum pp_status st = PP_OK;
    switch (cmd->kind) {
    case CMD_PIN:
    case CMD_PAUSE: {
        const int32_t r = cmd->kind == CMD_PIN ? cmd->replicas : current;
        if (cmd->kind == CMD_PAUSE && (n = pause_ptrs(o, ptrs)) > 0) {
            for (size_t i = 0; i < n; i++)
                add_edit(out, ptrs[i],
                         cJSON_CreateString(o->kind == LEVER_KEDA ? "true" : "Disabled"));
            snprintf(out->what, sizeof(out->what), "%s",
                     o->kind == LEVER_KEDA ? "paused=true (KEDA removes its HPA while paused)"
                                           : "scaleUp and scaleDown selectPolicy=Disabled");
            break;
        }
        n = pin_ptrs(o, obj, originals, ptrs);
        char num[16];
        snprintf(num, sizeof(num), "%d", r);
        for (size_t i = 0; i < n; i++)
            add_edit(out, ptrs[i],
                     o->kind == LEVER_REVISION || o->kind == LEVER_PA || o->kind == LEVER_KEDA
                         ? cJSON_CreateString(num)
                         : cJSON_CreateNumber(r));
        if (o->kind == LEVER_KEDA)
            snprintf(out->what, sizeof(out->what), "paused-replicas=%d", r);
        else if (n == 2)
            snprintf(out->what, sizeof(out->what), "%s=%s=%d",
                     o->kind == LEVER_REVISION || o->kind == LEVER_PA ? "min-scale" : "min",
                     o->kind == LEVER_REVISION || o->kind == LEVER_PA ? "max-scale" : "max", r);
        else
            snprintf(out->what, sizeof(out->what), "replicas=%d", r);
        out->scale = o->kind == LEVER_SCALE;
        out->replicas = r;
        if (cmd->kind == CMD_PAUSE)
            snprintf(out->what + strlen(out->what), sizeof(out->what) - strlen(out->what),
                     " (paused: held where it is)");
        break;
    }
    case CMD_TARGET:
        if ((st = target_ptr(o, obj, at, sizeof(at), &number, err)) != PP_OK)
            break;
        add_edit(out, at, value_of(cmd->value, number));
        pp_format_double(cmd->value, at, sizeof(at));
        snprintf(out->what, sizeof(out->what), "target=%s", at);
        break;
    case CMD_SET: {
        if (!knob_ptr(o, cmd->knob, at, sizeof(at), &number)) {
            st = pp_fail(err, PP_ERR_INVALID, "set",
                         "%s: podpilot writes no field for it on a %s (live)", cmd->knob, o->label);
            break;
        }
        char *end;
        const double v = strtod(cmd->arg, &end);
        add_edit(out, at,
                 number && *end == '\0' ? cJSON_CreateNumber(v) : cJSON_CreateString(cmd->arg));
        snprintf(out->what, sizeof(out->what), "%.60s=%.120s", cmd->knob, cmd->arg);
        break;
    }
    case CMD_UNPIN:
    case CMD_RESUME:
    case CMD_TARGET_RESET:
        if (cmd->kind == CMD_TARGET_RESET) {
            if ((st = target_ptr(o, obj, at, sizeof(at), &number, err)) != PP_OK)
                break;
            ptrs[0] = at;
            n = 1;
        } else if (cmd->kind == CMD_RESUME && (n = pause_ptrs(o, ptrs)) > 0) {
        } else {
            n = pin_ptrs(o, obj, originals, ptrs);
        }
        restore(out, originals, ptrs, n);
        if (out->n == 0) {
            st = pp_fail(err, PP_ERR_INVALID,
                         cmd->kind == CMD_UNPIN    ? "unpin"
                         : cmd->kind == CMD_RESUME ? "resume"
                                                   : "target",
                         "%s %s/%s holds no value of podpilot's to restore (%s)", o->label, o->ns,
                         o->name, LEVER_ORIGINAL);
            break;
        }
        snprintf(out->what, sizeof(out->what), "restored from %s", LEVER_ORIGINAL);
        for (size_t i = 0; i < out->n && o->kind == LEVER_SCALE; i++)
            if (strcmp(out->e[i].ptr, "/spec/replicas") == 0 && out->e[i].value) {
                out->scale = true;
                out->replicas = (int32_t)out->e[i].value->valuedouble;
            }
        break;
    case CMD_LOAD:
    case CMD_STOP:
        st = pp_fail(err, PP_ERR_INVALID, "override", "%s writes nothing", cmd->text);
        break;
    }
    if (st == PP_OK && cmd->kind != CMD_UNPIN && cmd->kind != CMD_RESUME &&
        cmd->kind != CMD_TARGET_RESET)
        keep_all(originals, obj, out);
    if (st == PP_OK) {
        if (out->scale) { /* /scale carries the replicas; the Deployment the annotation */
            for (size_t i = 0; i < out->n; i++)
                if (strcmp(out->e[i].ptr, "/spec/replicas") == 0) {
                    cJSON_Delete(out->e[i].value);
                    out->e[i--] = out->e[--out->n];
                }
        }
        annotate(out, obj, originals);
    }
    cJSON_Delete(originals);
    if (st != PP_OK)
        lever_plan_fini(out);
    return st;
}

bool lever_plan_restore_all(const struct lever_object *o, const cJSON *obj, struct lever_plan *out,
                            struct pp_error *err) {
    (void)err;
    *out = (struct lever_plan){.obj = *o};
    cJSON *originals = lever_originals(obj);
    if (!originals)
        return false;
    const char *ptrs[LEVER_EDITS];
    size_t n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, originals) if (n < LEVER_EDITS - 1) ptrs[n++] = e->string;
    char keep[LEVER_EDITS][192];
    for (size_t i = 0; i < n; i++) {
        snprintf(keep[i], sizeof(keep[i]), "%s", ptrs[i]);
        ptrs[i] = keep[i];
    }
    restore(out, originals, ptrs, n);
    for (size_t i = 0; i < out->n && o->kind == LEVER_SCALE; i++)
        if (strcmp(out->e[i].ptr, "/spec/replicas") == 0) {
            out->scale = out->e[i].value != NULL;
            out->replicas = out->scale ? (int32_t)out->e[i].value->valuedouble : 0;
            cJSON_Delete(out->e[i].value);
            out->e[i--] = out->e[--out->n];
        }
    annotate(out, obj, originals);
    snprintf(out->what, sizeof(out->what), "restored from %s", LEVER_ORIGINAL);
    cJSON_Delete(originals);
    return true;
}

void lever_plan_fini(struct lever_plan *p) {
    for (size_t i = 0; i < p->n; i++)
        cJSON_Delete(p->e[i].value);
    p->n = 0;
}

/* ---- bodies ---- */

static bool needs_json_patch(const struct lever_plan *p) {
    char seg[192];
    for (size_t i = 0; i < p->n; i++)
        for (int k = 1; segment(p->e[i].ptr, k, seg, sizeof(seg)); k++)
            if (is_index(seg))
                return true;
    return false;
}

static void add_op(cJSON *ops, const char *op, const char *path, cJSON *value) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "op", op);
    cJSON_AddStringToObject(o, "path", path);
    if (value)
        cJSON_AddItemToObject(o, "value", value);
    cJSON_AddItemToArray(ops, o);
}

/* One edit as JSON-patch operations against cur (kept as they apply). */
static void json_patch_edit(cJSON *ops, cJSON *cur, const struct lever_edit *e) {
    if (!e->value) {
        if (lever_at(cur, e->ptr)) {
            add_op(ops, "remove", e->ptr, NULL);
            remove_at(cur, e->ptr);
        }
        return;
    }
    if (lever_at(cur, e->ptr)) {
        add_op(ops, "replace", e->ptr, cJSON_Duplicate(e->value, true));
        set_at(cur, e->ptr, cJSON_Duplicate(e->value, true));
        return;
    }
    /* "add" needs the parent: add the highest missing ancestor whole */
    char at[192], seg[192];
    int d = 1;
    for (; d < depth(e->ptr); d++) {
        prefix(e->ptr, d, at, sizeof(at));
        if (!lever_at(cur, at))
            break;
    }
    prefix(e->ptr, d, at, sizeof(at));
    cJSON *v = cJSON_Duplicate(e->value, true);
    for (int k = depth(e->ptr) - 1; k >= d; k--) {
        cJSON *wrap = cJSON_CreateObject();
        segment(e->ptr, k, seg, sizeof(seg));
        cJSON_AddItemToObject(wrap, seg, v);
        v = wrap;
    }
    add_op(ops, "add", at, cJSON_Duplicate(v, true));
    set_at(cur, at, v);
}

char *lever_render(const struct lever_plan *p, const cJSON *obj, const char **content_type) {
    const char *rv = cJSON_GetStringValue(lever_at(obj, "/metadata/resourceVersion"));
    cJSON *body;
    if (needs_json_patch(p)) {
        *content_type = "application/json-patch+json";
        body = cJSON_CreateArray();
        cJSON *cur = cJSON_Duplicate(obj, true);
        if (rv) /* the precondition: a changed object answers 409 */
            add_op(body, "replace", "/metadata/resourceVersion", cJSON_CreateString(rv));
        for (size_t i = 0; i < p->n; i++)
            json_patch_edit(body, cur, &p->e[i]);
        cJSON_Delete(cur);
    } else {
        *content_type = "application/merge-patch+json";
        body = cJSON_CreateObject();
        if (rv)
            set_at(body, "/metadata/resourceVersion", cJSON_CreateString(rv));
        for (size_t i = 0; i < p->n; i++)
            set_at(body, p->e[i].ptr,
                   p->e[i].value ? cJSON_Duplicate(p->e[i].value, true) : cJSON_CreateNull());
    }
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    return text;
}
