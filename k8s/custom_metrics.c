#include "k8s/custom_metrics.h"

#include "k8s/kube_client.h"
#include "k8s/source_kube.h"
#include "k8s/yamldoc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REQS 32
#define MAX_VALUES 32

static const char *str(const cJSON *o, const char *k) {
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static const cJSON *obj(const cJSON *o, const char *k) {
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

struct req {
    const char *key, *op; /* "=", "in", "notin", "", "!" */
    const char *values[MAX_VALUES];
    size_t n;
};

static int by_string(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_key(const void *a, const void *b) {
    return strcmp(((const struct req *)a)->key, ((const struct req *)b)->key);
}

size_t custom_metrics_selector(const cJSON *sel, char *out, size_t size) {
    struct req reqs[MAX_REQS];
    size_t n = 0;
    const cJSON *kv;
    cJSON_ArrayForEach(kv, obj(sel, "matchLabels")) {
        if (n == MAX_REQS || !cJSON_IsString(kv))
            break;
        reqs[n++] = (struct req){.key = kv->string, .op = "=", .values = {kv->valuestring}, .n = 1};
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, obj(sel, "matchExpressions")) {
        const char *key = str(e, "key"), *op = str(e, "operator");
        if (n == MAX_REQS || !key || !op)
            break;
        struct req *r = &reqs[n++];
        *r = (struct req){.key = key};
        r->op = strcmp(op, "In") == 0       ? "in"
                : strcmp(op, "NotIn") == 0  ? "notin"
                : strcmp(op, "Exists") == 0 ? ""
                                            : "!";
        const cJSON *v;
        cJSON_ArrayForEach(v, obj(e, "values")) if (r->n < MAX_VALUES && cJSON_IsString(v))
            r->values[r->n++] = v->valuestring;
        qsort(r->values, r->n, sizeof(r->values[0]), by_string);
    }
    qsort(reqs, n, sizeof(reqs[0]), by_key);
    size_t len = 0;
#define PUT(...)                                                                                   \
    len += (size_t)snprintf(out + (len < size ? len : size - 1), len < size ? size - len : 1,      \
                            __VA_ARGS__)
    if (size)
        out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const struct req *r = &reqs[i];
        const char *sep = i ? "," : "";
        if (strcmp(r->op, "=") == 0) {
            PUT("%s%s=%s", sep, r->key, r->values[0]);
        } else if (r->op[0] == '\0' || r->op[0] == '!') {
            PUT("%s%s%s", sep, r->op, r->key);
        } else {
            PUT("%s%s %s (", sep, r->key, r->op);
            for (size_t k = 0; k < r->n; k++)
                PUT("%s%s", k ? "," : "", r->values[k]);
            PUT(")");
        }
    }
#undef PUT
    return len;
}

/* A kind's resource as the RESTMapper's guess makes it (lower case,
 * plural), qualified by its group: "services", "deployments.apps". */
static void resource_of(const char *api_version, const char *kind, char *out, size_t size) {
    char plural[128];
    size_t n = 0;
    for (const char *k = kind; *k && n + 4 < sizeof(plural); k++)
        plural[n++] = (char)tolower((unsigned char)*k);
    plural[n] = '\0';
    if (n && plural[n - 1] == 's')
        snprintf(plural + n, sizeof(plural) - n, "es");
    else if (n && plural[n - 1] == 'y')
        snprintf(plural + n - 1, sizeof(plural) - n + 1, "ies");
    else
        snprintf(plural + n, sizeof(plural) - n, "s");
    const char *slash = api_version ? strchr(api_version, '/') : NULL;
    if (slash)
        snprintf(out, size, "%s.%.*s", plural, (int)(slash - api_version), api_version);
    else
        snprintf(out, size, "%s", plural);
}

/* "?name=VALUE" or "&name=VALUE", VALUE escaped; nothing for "". */
static void param(char *out, size_t size, const char *name, const char *value) {
    if (!value[0])
        return;
    char *esc = kube_escape(value);
    const size_t len = strlen(out);
    snprintf(out + len, size - len, "%c%s=%s", strchr(out, '?') ? '&' : '?', name, esc);
    free(esc);
}

bool custom_metrics_path(const cJSON *hpa, size_t i, const cJSON *target_selector, char *out,
                         size_t size) {
    const cJSON *m = cJSON_GetArrayItem(obj(obj(hpa, "spec"), "metrics"), (int)i);
    const char *type = str(m, "type"), *ns = str(obj(hpa, "metadata"), "namespace");
    if (!type || !ns)
        return false;
    char sel[1024], msel[1024];
    if (strcmp(type, "Pods") == 0) {
        const cJSON *metric = obj(obj(m, "pods"), "metric");
        const char *name = str(metric, "name");
        if (!name)
            return false;
        custom_metrics_selector(target_selector, sel, sizeof(sel));
        custom_metrics_selector(obj(metric, "selector"), msel, sizeof(msel));
        snprintf(out, size, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/%s/pods/*/%s", ns,
                 name);
        param(out, size, "labelSelector", sel);
        param(out, size, "metricLabelSelector", msel);
        return true;
    }
    if (strcmp(type, "Object") == 0) {
        const cJSON *o = obj(m, "object"), *metric = obj(o, "metric");
        const cJSON *ref = obj(o, "describedObject");
        const char *name = str(metric, "name"), *kind = str(ref, "kind"), *on = str(ref, "name");
        if (!name || !kind || !on)
            return false;
        char resource[200];
        resource_of(str(ref, "apiVersion"), kind, resource, sizeof(resource));
        custom_metrics_selector(obj(metric, "selector"), msel, sizeof(msel));
        snprintf(out, size, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/%s/%s/%s/%s", ns,
                 resource, on, name);
        param(out, size, "metricLabelSelector", msel);
        return true;
    }
    if (strcmp(type, "External") == 0) {
        const cJSON *metric = obj(obj(m, "external"), "metric");
        const char *name = str(metric, "name");
        if (!name)
            return false;
        custom_metrics_selector(obj(metric, "selector"), sel, sizeof(sel));
        snprintf(out, size, "/apis/external.metrics.k8s.io/v1beta1/namespaces/%s/%s", ns, name);
        param(out, size, "labelSelector", sel);
        return true;
    }
    return false;
}

static int64_t milli(const cJSON *item) {
    int64_t v = 0;
    const char *q = str(item, "value");
    return q && ydoc_quantity_milli(q, &v) ? v : 0;
}

void custom_metrics_obs(enum hpa_metric_type t, const cJSON *items, const char *error,
                        const char *const *names, size_t n_pods, int64_t *vals, bool *present,
                        pp_time now, char *errbuf, size_t errsize, struct hpa_metric_obs *out) {
    *out = (struct hpa_metric_obs){.timestamp = now, .window = PP_SEC(60)};
    if (error || !items) {
        out->error = error ? error : "no answer yet";
        return;
    }
    const int n = cJSON_GetArraySize(items);
    if (t == HPA_EXTERNAL) { /* the HPA sums every series the selector matches */
        const cJSON *it;
        cJSON_ArrayForEach(it, items) out->value_milli += milli(it);
        out->empty = n == 0;
        return;
    }
    if (t == HPA_OBJECT) {
        if (n != 1) {
            snprintf(errbuf, errsize,
                     "the custom metrics API server returned %d results when we asked for "
                     "exactly one",
                     n);
            out->error = errbuf;
            return;
        }
        out->value_milli = milli(cJSON_GetArrayItem(items, 0));
        return;
    }
    /* Pods: one sample per pod the answer names */
    out->pod_milli = vals;
    out->present = present;
    out->empty = n == 0;
    for (size_t i = 0; i < n_pods; i++) {
        present[i] = false;
        vals[i] = 0;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        const cJSON *d = obj(it, "describedObject");
        const char *pod = str(d, "name");
        for (size_t i = 0; pod && i < n_pods; i++)
            if (names[i] && strcmp(names[i], pod) == 0) {
                vals[i] = milli(it);
                present[i] = true;
                source_kube_time(str(it, "timestamp"), &out->timestamp);
                const cJSON *w = obj(it, "windowSeconds");
                if (cJSON_IsNumber(w) && w->valuedouble > 0 && w->valuedouble < 86400)
                    out->window = PP_SEC((int64_t)w->valuedouble);
                break;
            }
    }
}
