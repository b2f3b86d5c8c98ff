#include "k8s/manifest.h"

#include "engine/goparse.h"
#include "k8s/yamldoc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KN "autoscaling.knative.dev/"
#define MAX_KV 64

struct doc {
    struct ydoc yd; /* its file name is owned by the manifest */
    const char *api, *kind, *name;
    bool used;
};

struct manifest {
    struct doc *docs;
    size_t n, cap;
    char **files;
    size_t n_files;
    char **warnings;
    size_t n_warnings;
};

static void warn(struct manifest *m, const struct doc *d, const yaml_node_t *n, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

static void warn(struct manifest *m, const struct doc *d, const yaml_node_t *n, const char *fmt,
                 ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const yaml_node_t *at = n ? n : d->yd.root;
    char line[1024];
    snprintf(line, sizeof(line), "%s:%d: %s", d->yd.file, (int)at->start_mark.line + 1, msg);
    m->warnings = xrealloc(m->warnings, (m->n_warnings + 1) * sizeof(*m->warnings));
    m->warnings[m->n_warnings++] = xstrdup(line);
}

/* ---- loading ---- */

static enum pp_status check_keys(struct doc *d, const yaml_node_t *n, int depth,
                                 struct pp_error *err) {
    if (!n || depth > 64)
        return PP_OK;
    if (n->type == YAML_SEQUENCE_NODE) {
        for (size_t i = 0; i < ydoc_seq_len(n); i++)
            if (check_keys(d, ydoc_seq_at(&d->yd, n, i), depth + 1, err) != PP_OK)
                return PP_ERR_PARSE;
        return PP_OK;
    }
    if (n->type != YAML_MAPPING_NODE)
        return PP_OK;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = ydoc_child(&d->yd, p->key);
        const char *ks = ydoc_scalar(k);
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; ks && q < p; q++) {
            const char *qs = ydoc_scalar(ydoc_child(&d->yd, q->key));
            if (!qs || strcmp(qs, ks) != 0)
                continue;
            const bool flat = depth == 0 && ydoc_get(&d->yd, n, "metadata") == NULL;
            return ydoc_fail(err, &d->yd, k, ks, "mapping key \"%s\" already defined at line %d%s", ks,
                           (int)ydoc_child(&d->yd, q->key)->start_mark.line + 1,
                           flat ? "; the document looks flattened (its indentation was lost): "
                                  "indent it as the original shows"
                                : "");
        }
        if (check_keys(d, ydoc_child(&d->yd, p->value), depth + 1, err) != PP_OK)
            return PP_ERR_PARSE;
    }
    return PP_OK;
}

static enum pp_status add_doc(struct manifest *m, yaml_document_t *y, const char *file,
                              struct pp_error *err) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->docs = xrealloc(m->docs, m->cap * sizeof(*m->docs));
    }
    struct doc *d = &m->docs[m->n];
    *d = (struct doc){.yd = {.y = *y, .file = file}};
    d->yd.root = yaml_document_get_root_node(&d->yd.y);
    if (!d->yd.root || ydoc_is_null(d->yd.root)) {
        yaml_document_delete(&d->yd.y);
        return PP_OK; /* an empty document between two "---" */
    }
    m->n++;
    if (d->yd.root->type != YAML_MAPPING_NODE)
        return ydoc_fail(err, &d->yd, d->yd.root, "", "expected a Kubernetes object (a mapping)");
    enum pp_status s = check_keys(d, d->yd.root, 0, err);
    if (s != PP_OK)
        return s;
    const yaml_node_t *api = ydoc_get(&d->yd, d->yd.root, "apiVersion"), *kind = ydoc_get(&d->yd, d->yd.root, "kind");
    if (!ydoc_scalar(api))
        return ydoc_fail(err, &d->yd, d->yd.root, "apiVersion", "not set");
    if (!ydoc_scalar(kind))
        return ydoc_fail(err, &d->yd, d->yd.root, "kind", "not set");
    d->api = ydoc_scalar(api);
    d->kind = ydoc_scalar(kind);
    const yaml_node_t *meta = ydoc_get(&d->yd, d->yd.root, "metadata");
    d->name = ydoc_scalar(ydoc_get(&d->yd, meta, "name"));
    return PP_OK;
}

static enum pp_status parse(struct manifest *m, const char *file, yaml_parser_t *p,
                            struct pp_error *err) {
    for (;;) {
        yaml_document_t y;
        if (!yaml_parser_load(p, &y)) {
            return ydoc_parse_error(err, file, p);
        }
        if (!yaml_document_get_root_node(&y)) {
            yaml_document_delete(&y);
            return PP_OK;
        }
        enum pp_status s = add_doc(m, &y, file, err);
        if (s != PP_OK)
            return s;
    }
}

static const char *keep_name(struct manifest *m, const char *name) {
    m->files = xrealloc(m->files, (m->n_files + 1) * sizeof(*m->files));
    return m->files[m->n_files++] = xstrdup(name);
}

enum pp_status manifest_add_text(struct manifest *m, const char *name, const char *text,
                                 size_t len, struct pp_error *err) {
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    enum pp_status s = parse(m, keep_name(m, name), &p, err);
    yaml_parser_delete(&p);
    return s;
}

char *manifest_read_file(const char *path, size_t *len, struct pp_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err) {
            memset(err, 0, sizeof(*err));
            snprintf(err->file, sizeof(err->file), "%s", path);
            snprintf(err->message, sizeof(err->message), "cannot open: %s", strerror(errno));
        }
        return NULL;
    }
    size_t cap = 8192, n = 0, k;
    char *text = xmalloc(cap);
    while ((k = fread(text + n, 1, cap - 1 - n, f)) > 0) {
        n += k;
        if (n == cap - 1)
            text = xrealloc(text, cap *= 2);
    }
    const bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        if (err) {
            memset(err, 0, sizeof(*err));
            snprintf(err->file, sizeof(err->file), "%s", path);
            snprintf(err->message, sizeof(err->message), "read error");
        }
        return NULL;
    }
    text[n] = '\0';
    *len = n;
    return text;
}

enum pp_status manifest_add_file(struct manifest *m, const char *path, struct pp_error *err) {
    size_t len;
    char *text = manifest_read_file(path, &len, err);
    if (!text)
        return PP_ERR_IO;
    const enum pp_status s = manifest_add_text(m, path, text, len, err);
    free(text);
    return s;
}

struct manifest *manifest_create(void) { return xcalloc(1, sizeof(struct manifest)); }

void manifest_destroy(struct manifest *m) {
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        yaml_document_delete(&m->docs[i].yd.y);
    for (size_t i = 0; i < m->n_files; i++)
        free(m->files[i]);
    for (size_t i = 0; i < m->n_warnings; i++)
        free(m->warnings[i]);
    free(m->docs);
    free(m->files);
    free(m->warnings);
    free(m);
}

size_t manifest_warnings(const struct manifest *m, const char *const **lines) {
    *lines = (const char *const *)m->warnings;
    return m->n_warnings;
}

/* ---- building ---- */

struct build {
    struct manifest *m;
    struct svc_set *set;
    struct pp_error *err;
    struct sim_pod_model defaults;
    bool start_ready;
};

static bool api_group(const char *api, const char *group) {
    const size_t n = strlen(group);
    return strncmp(api, group, n) == 0 && api[n] == '/';
}

static const char *namespace_of(struct doc *d) {
    const char *ns = ydoc_scalar(ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "metadata"), "namespace"));
    return ns ? ns : "default";
}

static void set_origin(struct svc_config *c, const struct doc *d, const yaml_node_t *n) {
    snprintf(c->origin, sizeof(c->origin), "%s:%d", d->yd.file,
             (int)(n ? n : d->yd.root)->start_mark.line + 1);
}

static enum pp_status add_service(struct build *b, struct doc *d, const yaml_node_t *at,
                                  const char *name, struct svc_config **out) {
    struct svc_config *c = svc_set_find(b->set, name);
    if (c && strcmp(c->namespace_, namespace_of(d)) == 0)
        return ydoc_fail(b->err, &d->yd, at, "metadata.name",
                       "workload %s/%s is already declared at %s", c->namespace_, name,
                       c->origin);
    c = svc_set_add(b->set, name, namespace_of(d));
    c->pods = b->defaults;
    set_origin(c, d, at);
    *out = c;
    return PP_OK;
}

/* Resources anywhere under a component (model:, a framework key, or
 * containers[]): the largest GPU limit and the first CPU/memory request. */
static enum pp_status scan_resources(struct build *b, struct doc *d, const yaml_node_t *n,
                                     const char *path, struct sim_pod_model *pm, bool *cpu_set,
                                     int depth) {
    if (!n || depth > 8)
        return PP_OK;
    if (n->type == YAML_SEQUENCE_NODE) {
        for (size_t i = 0; i < ydoc_seq_len(n); i++) {
            char p[256];
            snprintf(p, sizeof(p), "%s[%zu]", path, i);
            if (scan_resources(b, d, ydoc_seq_at(&d->yd, n, i), p, pm, cpu_set, depth + 1) != PP_OK)
                return PP_ERR_INVALID;
        }
        return PP_OK;
    }
    if (n->type != YAML_MAPPING_NODE)
        return PP_OK;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = ydoc_scalar(ydoc_child(&d->yd, p->key));
        const yaml_node_t *v = ydoc_child(&d->yd, p->value);
        char sub[256];
        snprintf(sub, sizeof(sub), "%s.%s", path, k ? k : "?");
        if (!k || strcmp(k, "resources") != 0) {
            if (scan_resources(b, d, v, sub, pm, cpu_set, depth + 1) != PP_OK)
                return PP_ERR_INVALID;
            continue;
        }
        const yaml_node_t *lim = ydoc_get(&d->yd, v, "limits"), *req = ydoc_get(&d->yd, v, "requests");
        int64_t gpu = 0, cpu = -1, mem = -1;
        char f[300];
        snprintf(f, sizeof(f), "%s.limits.nvidia.com/gpu", sub);
        if (ydoc_get_quantity(b->err, &d->yd, lim, "nvidia.com/gpu", f, &gpu) != PP_OK)
            return PP_ERR_INVALID;
        if (gpu / 1000 > pm->gpus)
            pm->gpus = (int32_t)(gpu / 1000);
        snprintf(f, sizeof(f), "%s.requests.cpu", sub);
        if (ydoc_get_quantity(b->err, &d->yd, req ? req : lim, "cpu", f, &cpu) != PP_OK)
            return PP_ERR_INVALID;
        snprintf(f, sizeof(f), "%s.requests.memory", sub);
        if (ydoc_get_quantity(b->err, &d->yd, req ? req : lim, "memory", f, &mem) != PP_OK)
            return PP_ERR_INVALID;
        if (cpu >= 0 && !*cpu_set) {
            pm->cpu_request_milli = cpu;
            *cpu_set = true;
        }
        if (mem >= 0)
            pm->memory_request_milli = mem;
    }
    return PP_OK;
}

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

static void kv_annotations(struct build *b, struct doc *d, const yaml_node_t *ann,
                           struct kvlist *l, bool drop_min_max) {
    if (!ann || ann->type != YAML_MAPPING_NODE)
        return;
    for (yaml_node_pair_t *p = ann->data.mapping.pairs.start; p < ann->data.mapping.pairs.top;
         p++) {
        const char *k = ydoc_scalar(ydoc_child(&d->yd, p->key));
        const yaml_node_t *v = ydoc_child(&d->yd, p->value);
        if (!k || !ydoc_scalar(v) || strncmp(k, KN, strlen(KN)) != 0)
            continue;
        const char *name = k + strlen(KN);
        if (drop_min_max && (strcmp(name, "min-scale") == 0 || strcmp(name, "max-scale") == 0 ||
                             strcmp(name, "minScale") == 0 || strcmp(name, "maxScale") == 0)) {
            warn(b->m, d, v,
                 "%s is dropped: KServe sets min-scale and max-scale from minReplicas and "
                 "maxReplicas",
                 k);
            continue;
        }
        kv_put(l, k, ydoc_scalar(v), v);
    }
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
    if (ydoc_get_int(b->err, &d->yd, n, "containerConcurrency", f, 0, 1000, &c->cc, &c->cc_set) != PP_OK)
        return PP_ERR_INVALID;
    c->min_node = ydoc_get(&d->yd, n, "minReplicas");
    c->max_node = ydoc_get(&d->yd, n, "maxReplicas");
    c->cc_node = ydoc_get(&d->yd, n, "containerConcurrency");
    if (kubeflow) {
        if (ydoc_get(&d->yd, n, "scaleTarget") || ydoc_get(&d->yd, n, "scaleMetric"))
            warn(b->m, d, ydoc_get(&d->yd, n, "scaleTarget") ? ydoc_get(&d->yd, n, "scaleTarget")
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
        warn(b->m, d, c->metric_node,
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
    kv_annotations(b, d, ydoc_get(&d->yd, meta, "annotations"), &l, !kubeflow);
    kv_annotations(b, d, ydoc_get(&d->yd, c->node, "annotations"), &l, !kubeflow);
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
    if (klass && strcmp(klass, "hpa") != 0)
        return ydoc_fail(b->err, &d->yd, c->node, "serving.kserve.io/autoscalerClass",
                       "\"%s\" is not simulated (hpa, external and none are)", klass);
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
    const yaml_node_t *ann = ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "metadata"), "annotations");
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

static enum pp_status inference_service(struct build *b, struct doc *d) {
    const bool kubeflow = api_group(d->api, "serving.kubeflow.org");
    if (strcmp(d->api, "serving.kserve.io/v1beta1") != 0 &&
        strcmp(d->api, "serving.kubeflow.org/v1beta1") != 0)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, d->yd.root, "apiVersion"), "apiVersion",
                       "%s is not read; serving.kserve.io/v1beta1 and serving.kubeflow.org/v1beta1 "
                       "are",
                       d->api);
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, d->yd.root, "metadata"), "metadata.name", "not set");
    const yaml_node_t *spec = ydoc_get(&d->yd, d->yd.root, "spec");
    if (ydoc_want_map(b->err, &d->yd, spec, "spec") != PP_OK)
        return PP_ERR_INVALID;
    const char *klass;
    const char *mode = deployment_mode(d, kubeflow, &klass);
    if (strcmp(mode, "Knative") != 0 && strcmp(mode, "Standard") != 0)
        return ydoc_fail(b->err, &d->yd, d->yd.root, "serving.kserve.io/deploymentMode",
                       "\"%s\" is not simulated (Serverless/Knative and RawDeployment/Standard are)",
                       mode);
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
        if (add_service(b, d, c.node, name, &s) != PP_OK)
            return PP_ERR_INVALID;
        snprintf(s->owner, sizeof(s->owner), "%s", d->name);
        bool cpu_set = false;
        if (scan_resources(b, d, c.node, c.path, &s->pods, &cpu_set, 0) != PP_OK)
            return PP_ERR_INVALID;
        const enum pp_status st = strcmp(mode, "Knative") == 0
                                      ? knative_component(b, d, s, &c, kubeflow)
                                      : raw_component(b, d, s, &c, klass);
        if (st != PP_OK)
            return st;
    }
    if (!any)
        return ydoc_fail(b->err, &d->yd, spec, "spec.predictor", "not set: an InferenceService needs one");
    return PP_OK;
}

/* A workload named by the document itself (Deployment, Model). */
static enum pp_status named_service(struct build *b, struct doc *d, const yaml_node_t **spec,
                                    struct svc_config **s) {
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, d->yd.root, "metadata.name", "not set");
    *spec = ydoc_get(&d->yd, d->yd.root, "spec");
    return add_service(b, d, d->yd.root, d->name, s);
}

/* ---- Deployment ---- */

static enum pp_status deployment(struct build *b, struct doc *d) {
    const yaml_node_t *spec = NULL;
    struct svc_config *s;
    if (named_service(b, d, &spec, &s) != PP_OK)
        return PP_ERR_INVALID;
    s->cls = SVC_NONE; /* fixed replicas until a scaler attaches */
    if (ydoc_get_i32(b->err, &d->yd, spec, "replicas", "spec.replicas", 0, &s->replicas, NULL) != PP_OK)
        return PP_ERR_INVALID;
    s->initial_ready = s->replicas;
    bool cpu_set = false;
    return scan_resources(b, d, ydoc_get(&d->yd, ydoc_get(&d->yd, spec, "template"), "spec"), "spec.template.spec",
                          &s->pods, &cpu_set, 0);
}

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
        return ydoc_get_i32(b->err, &d->yd, n, "averageUtilization", f, INT32_MIN, &m->utilization, NULL);
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

static enum pp_status hpa_metric(struct build *b, struct doc *d, const yaml_node_t *n, size_t i,
                                 struct hpa_metric_spec *m) {
    char path[64], f[200];
    snprintf(path, sizeof(path), "spec.metrics[%zu]", i);
    const char *type = ydoc_scalar(ydoc_get(&d->yd, n, "type"));
    static const struct {
        const char *type, *key;
        enum hpa_metric_type t;
    } types[] = {{"Resource", "resource", HPA_RESOURCE},
                 {"ContainerResource", "containerResource", HPA_CONTAINER_RESOURCE},
                 {"Pods", "pods", HPA_PODS},
                 {"Object", "object", HPA_OBJECT},
                 {"External", "external", HPA_EXTERNAL}};
    size_t k = 0;
    while (k < 5 && (!type || strcmp(type, types[k].type) != 0))
        k++;
    snprintf(f, sizeof(f), "%s.type", path);
    if (k == 5)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "type") ? ydoc_get(&d->yd, n, "type") : n, f,
                       "Unsupported value: \"%s\": supported values: \"ContainerResource\", "
                       "\"External\", \"Object\", \"Pods\", \"Resource\"",
                       type ? type : "");
    m->type = types[k].t;
    const yaml_node_t *src = ydoc_get(&d->yd, n, types[k].key);
    snprintf(f, sizeof(f), "%s.%s", path, types[k].key);
    if (!src)
        return ydoc_fail(b->err, &d->yd, n, f, "Required value: must populate information for the "
                                        "given metric source");
    const yaml_node_t *metric = m->type == HPA_RESOURCE || m->type == HPA_CONTAINER_RESOURCE
                                    ? src
                                    : ydoc_get(&d->yd, src, "metric");
    m->name = ydoc_scalar(ydoc_get(&d->yd, metric, "name"));
    if (!m->name) {
        snprintf(f, sizeof(f), "%s.%s.%sname", path, types[k].key,
                 metric == src ? "" : "metric.");
        return ydoc_fail(b->err, &d->yd, metric ? metric : src, f, "Required value: must specify a "
                                                            "metric name");
    }
    m->container = ydoc_scalar(ydoc_get(&d->yd, src, "container"));
    const yaml_node_t *obj = ydoc_get(&d->yd, src, "describedObject");
    m->object_kind = ydoc_scalar(ydoc_get(&d->yd, obj, "kind"));
    m->object_name = ydoc_scalar(ydoc_get(&d->yd, obj, "name"));
    const yaml_node_t *sel = ydoc_get(&d->yd, metric, "selector");
    m->selector = sel ? "selector" : NULL;
    snprintf(f, sizeof(f), "%s.%s.target", path, types[k].key);
    const yaml_node_t *target = ydoc_get(&d->yd, src, "target");
    if (!target)
        return ydoc_fail(b->err, &d->yd, src, f, "Required value: must specify a metric target");
    return hpa_target(b, d, target, f, m);
}

static enum pp_status hpa_rules(struct build *b, struct doc *d, const yaml_node_t *n,
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
        if (strcmp(sel, "Max") == 0)
            r->select = HPA_SELECT_MAX;
        else if (strcmp(sel, "Min") == 0)
            r->select = HPA_SELECT_MIN;
        else if (strcmp(sel, "Disabled") == 0)
            r->select = HPA_SELECT_DISABLED;
        else
            return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "selectPolicy"), f,
                           "Unsupported value: \"%s\": supported values: \"Disabled\", \"Max\", "
                           "\"Min\"",
                           sel);
    }
    const yaml_node_t *pol = ydoc_get(&d->yd, n, "policies");
    for (size_t i = 0; i < ydoc_seq_len(pol) && i < HPA_MAX_POLICIES; i++) {
        const yaml_node_t *p = ydoc_seq_at(&d->yd, pol, i);
        struct hpa_policy *hp = &r->policies[r->n_policies++];
        const char *type = ydoc_scalar(ydoc_get(&d->yd, p, "type"));
        snprintf(f, sizeof(f), "%s.policies[%zu].type", path, i);
        if (type && strcmp(type, "Pods") == 0)
            hp->type = HPA_POLICY_PODS;
        else if (type && strcmp(type, "Percent") == 0)
            hp->type = HPA_POLICY_PERCENT;
        else
            return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, p, "type") ? ydoc_get(&d->yd, p, "type") : p, f,
                           "Unsupported value: \"%s\": supported values: \"Percent\", \"Pods\"",
                           type ? type : "");
        snprintf(f, sizeof(f), "%s.policies[%zu].value", path, i);
        if (ydoc_get_i32(b->err, &d->yd, p, "value", f, INT32_MIN, &hp->value, NULL) != PP_OK)
            return PP_ERR_INVALID;
        snprintf(f, sizeof(f), "%s.policies[%zu].periodSeconds", path, i);
        if (ydoc_get_i32(b->err, &d->yd, p, "periodSeconds", f, INT32_MIN, &hp->period_s, NULL) != PP_OK)
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

static struct svc_config *target_service(struct build *b, struct doc *d, const char *kind,
                                         const char *name) {
    struct svc_config *s = svc_set_find(b->set, name);
    if (s || strcmp(kind, "Deployment") != 0)
        return s;
    warn(b->m, d, NULL,
         "no Deployment or InferenceService makes Deployment %s here; simulating one with 1 "
         "replica",
         name);
    if (add_service(b, d, d->yd.root, name, &s) != PP_OK)
        return NULL;
    s->cls = SVC_NONE;
    return s;
}

static enum pp_status hpa_v1_target(struct build *b, struct doc *d, const yaml_node_t *spec,
                                    struct hpa_spec *h) {
    int32_t cpu = 80;
    bool set;
    if (ydoc_get_i32(b->err, &d->yd, spec, "targetCPUUtilizationPercentage",
                "spec.targetCPUUtilizationPercentage", INT32_MIN, &cpu, &set) != PP_OK)
        return PP_ERR_INVALID;
    h->n_metrics = set ? 1 : 0;
    h->metrics[0] = (struct hpa_metric_spec){.type = HPA_RESOURCE, .name = "cpu",
                                             .target = HPA_TARGET_UTILIZATION, .utilization = cpu};
    return PP_OK;
}

static enum pp_status horizontal_pod_autoscaler(struct build *b, struct doc *d) {
    const bool v1 = strcmp(d->api, "autoscaling/v1") == 0;
    if (!v1 && strcmp(d->api, "autoscaling/v2") != 0 && strcmp(d->api, "autoscaling/v2beta2") != 0)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, d->yd.root, "apiVersion"), "apiVersion",
                       "%s is not read; autoscaling/v2 (and v2beta2, v1) are", d->api);
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, d->yd.root, "metadata.name", "not set");
    const yaml_node_t *spec = ydoc_get(&d->yd, d->yd.root, "spec");
    const yaml_node_t *ref = ydoc_get(&d->yd, spec, "scaleTargetRef");
    const char *kind = ydoc_scalar(ydoc_get(&d->yd, ref, "kind")), *name = ydoc_scalar(ydoc_get(&d->yd, ref, "name"));
    if (!kind || !name)
        return ydoc_fail(b->err, &d->yd, ref ? ref : spec, "spec.scaleTargetRef",
                       "Required value: kind and name");
    struct hpa_spec h = {0};
    if (ydoc_get_i32(b->err, &d->yd, spec, "minReplicas", "spec.minReplicas", INT32_MIN, &h.min_replicas,
                &h.min_set) != PP_OK ||
        ydoc_get_i32(b->err, &d->yd, spec, "maxReplicas", "spec.maxReplicas", INT32_MIN, &h.max_replicas,
                NULL) != PP_OK)
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
            if (hpa_metric(b, d, ydoc_seq_at(&d->yd, metrics, i), i, &h.metrics[h.n_metrics++]) != PP_OK)
                return PP_ERR_INVALID;
        const yaml_node_t *beh = ydoc_get(&d->yd, spec, "behavior");
        h.behavior_set = beh != NULL;
        if (hpa_rules(b, d, ydoc_get(&d->yd, beh, "scaleUp"), "spec.behavior.scaleUp", &h.up) != PP_OK ||
            hpa_rules(b, d, ydoc_get(&d->yd, beh, "scaleDown"), "spec.behavior.scaleDown", &h.down) != PP_OK)
            return PP_ERR_INVALID;
    }
    struct pp_error e = {0};
    if (hpa_validate(&h, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd, ydoc_find(&d->yd, e.field), e.field, "%s", e.message);
    struct svc_config *s = target_service(b, d, kind, name);
    if (!s)
        return b->err && b->err->message[0]
                   ? PP_ERR_INVALID
                   : ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                             "no %s named %s in these manifests", kind, name);
    if (s->cls == SVC_KPA)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                       "%s is scaled by Knative's KPA (%s); an HPA on it would fight it", name,
                       s->origin);
    if (s->cls == SVC_HPA || s->cls == SVC_LAG)
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

/* ---- Seldon Model ---- */

static enum pp_status seldon_model(struct build *b, struct doc *d) {
    const yaml_node_t *spec = NULL;
    struct svc_config *s;
    if (named_service(b, d, &spec, &s) != PP_OK)
        return PP_ERR_INVALID;
    s->cls = SVC_LAG;
    snprintf(s->owner, sizeof(s->owner), "%s", d->name);
    snprintf(s->scaler_name, sizeof(s->scaler_name), "%s", d->name);
    struct lag_model_spec *m = &s->lag_model;
    m->name = d->name;
    m->version = 1;
    if (ydoc_get_i32(b->err, &d->yd, spec, "replicas", "spec.replicas", INT32_MIN, &m->replicas, NULL) ||
        ydoc_get_i32(b->err, &d->yd, spec, "minReplicas", "spec.minReplicas", INT32_MIN, &m->min_replicas,
                NULL) ||
        ydoc_get_i32(b->err, &d->yd, spec, "maxReplicas", "spec.maxReplicas", INT32_MIN, &m->max_replicas,
                NULL))
        return PP_ERR_INVALID;
    struct lag_model_spec check = *m;
    struct pp_error e = {0};
    if (lag_model_validate(&check, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd, ydoc_find(&d->yd, e.field), e.field, "%s", e.message);
    int32_t need = check.replicas;
    if (check.max_replicas > need)
        need = check.max_replicas;
    s->lag_server.replicas = need;
    s->replicas = s->initial_ready = check.replicas;
    return PP_OK;
}

/* ---- CronHorizontalPodAutoscaler ---- */

static enum pp_status cron_hpa(struct build *b, struct doc *d) {
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, d->yd.root, "metadata.name", "not set");
    const yaml_node_t *spec = ydoc_get(&d->yd, d->yd.root, "spec");
    const yaml_node_t *ref = ydoc_get(&d->yd, spec, "scaleTargetRef");
    struct svc_cron c = {.set = true};
    snprintf(c.name, sizeof(c.name), "%s", d->name);
    c.spec.target_api_version = ydoc_scalar(ydoc_get(&d->yd, ref, "apiVersion"));
    c.spec.target_kind = ydoc_scalar(ydoc_get(&d->yd, ref, "kind"));
    c.spec.target_name = ydoc_scalar(ydoc_get(&d->yd, ref, "name"));
    const yaml_node_t *jobs = ydoc_get(&d->yd, spec, "jobs");
    if (ydoc_seq_len(jobs) > SVC_MAX_JOBS)
        return ydoc_fail(b->err, &d->yd, jobs, "spec.jobs", "at most %d jobs are read", SVC_MAX_JOBS);
    for (size_t i = 0; i < ydoc_seq_len(jobs); i++) {
        const yaml_node_t *j = ydoc_seq_at(&d->yd, jobs, i);
        struct cron_job_spec *js = &c.jobs[c.spec.n_jobs++];
        char f[64];
        js->name = ydoc_scalar(ydoc_get(&d->yd, j, "name"));
        js->schedule = ydoc_scalar(ydoc_get(&d->yd, j, "schedule"));
        snprintf(f, sizeof(f), "spec.jobs[%zu].targetSize", i);
        if (ydoc_get_i32(b->err, &d->yd, j, "targetSize", f, INT32_MIN, &js->target_size, NULL) != PP_OK)
            return PP_ERR_INVALID;
        snprintf(f, sizeof(f), "spec.jobs[%zu].runOnce", i);
        if (ydoc_get_bool(b->err, &d->yd, j, "runOnce", f, &js->run_once) != PP_OK)
            return PP_ERR_INVALID;
    }
    const yaml_node_t *ex = ydoc_get(&d->yd, spec, "excludeDates");
    for (size_t i = 0; i < ydoc_seq_len(ex) && i < SVC_MAX_EXCLUDES; i++)
        c.excludes[c.spec.n_exclude_dates++] = ydoc_scalar(ydoc_seq_at(&d->yd, ex, i));
    struct cron_spec check = c.spec;
    check.jobs = c.jobs;
    check.exclude_dates = c.excludes;
    struct pp_error e = {0};
    if (cron_validate(&check, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd, ydoc_find(&d->yd, e.field), e.field, "%s", e.message);
    struct svc_config *s = NULL;
    if (!c.spec.target_kind || !c.spec.target_name)
        return ydoc_fail(b->err, &d->yd, ref ? ref : spec, "spec.scaleTargetRef",
                       "Required value: kind and name");
    if (strcmp(c.spec.target_kind, "HorizontalPodAutoscaler") == 0) {
        for (size_t i = 0; i < b->set->n && !s; i++)
            if (b->set->svcs[i].cls == SVC_HPA &&
                strcmp(b->set->svcs[i].scaler_name, c.spec.target_name) == 0)
                s = &b->set->svcs[i];
    } else {
        s = target_service(b, d, c.spec.target_kind, c.spec.target_name);
    }
    if (!s)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef", "no %s named %s in these manifests",
                       c.spec.target_kind, c.spec.target_name);
    if (s->cron.set)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                       "%s already has a CronHorizontalPodAutoscaler (%s)", c.spec.target_name,
                       s->cron.name);
    if (s->cls == SVC_KPA || s->cls == SVC_LAG)
        return ydoc_fail(b->err, &d->yd, ref, "spec.scaleTargetRef",
                       "%s is scaled by %s (%s); the CronHPA would fight it", c.spec.target_name,
                       s->cls == SVC_KPA ? "Knative's KPA" : "Seldon", s->origin);
    s->cron = c;
    if (s->cls == SVC_NONE)
        s->cls = SVC_CRON;
    return PP_OK;
}

/* ---- podpilot's Simulation ---- */

static enum pp_status pod_model(struct build *b, struct doc *d, const yaml_node_t *n,
                                const char *path, struct sim_pod_model *pm, int32_t *ready) {
    char f[200];
#define FIELD(key) (snprintf(f, sizeof(f), "%s.%s", path, key), f)
    pp_time st = (pp_time)(pm->service_time_s * 1e9);
    if (ydoc_get_duration(b->err, &d->yd, n, "serviceTime", FIELD("serviceTime"), &st) != PP_OK)
        return PP_ERR_INVALID;
    pm->service_time_s = (double)st / 1e9;
    const char *dist = ydoc_scalar(ydoc_get(&d->yd, n, "serviceTimeDistribution"));
    if (dist) {
        if (strcmp(dist, "lognormal") == 0)
            pm->dist = SIM_DIST_LOGNORMAL;
        else if (strcmp(dist, "exponential") == 0)
            pm->dist = SIM_DIST_EXPONENTIAL;
        else if (strcmp(dist, "constant") == 0)
            pm->dist = SIM_DIST_CONSTANT;
        else
            return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "serviceTimeDistribution"),
                           FIELD("serviceTimeDistribution"),
                           "expected lognormal, exponential or constant, got \"%s\"", dist);
    }
    const yaml_node_t *cv = ydoc_get(&d->yd, n, "serviceTimeCV");
    if (cv && !goparse_float(ydoc_scalar(cv) ? ydoc_scalar(cv) : "", &pm->service_cv))
        return ydoc_fail(b->err, &d->yd, cv, FIELD("serviceTimeCV"), "expected a number");
    if (ydoc_get_duration(b->err, &d->yd, n, "coldStart", FIELD("coldStart"), &pm->cold_start) ||
        ydoc_get_i32(b->err, &d->yd, n, "streams", FIELD("streams"), 1, &pm->streams, NULL) ||
        ydoc_get_i32(b->err, &d->yd, n, "gpus", FIELD("gpus"), 0, &pm->gpus, NULL) ||
        ydoc_get_quantity(b->err, &d->yd, n, "cpuRequest", FIELD("cpuRequest"), &pm->cpu_request_milli) ||
        ydoc_get_quantity(b->err, &d->yd, n, "cpuIdle", FIELD("cpuIdle"), &pm->cpu_idle_milli) ||
        ydoc_get_quantity(b->err, &d->yd, n, "cpuPerStream", FIELD("cpuPerStream"), &pm->cpu_stream_milli))
        return PP_ERR_INVALID;
    if (ready) {
        bool start_ready = true;
        if (ydoc_get_bool(b->err, &d->yd, n, "startReady", FIELD("startReady"), &start_ready) != PP_OK)
            return PP_ERR_INVALID;
        if (!start_ready)
            *ready = 0;
    }
    struct pp_error e = {0};
    if (sim_pod_model_validate(pm, &e) != PP_OK)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, e.field) ? ydoc_get(&d->yd, n, e.field) : n, FIELD(e.field),
                       "%s", e.message);
#undef FIELD
    return PP_OK;
}


static enum pp_status sim_env(struct build *b, struct doc *d, const yaml_node_t *n,
                              const char *path, struct svc_config *s) {
    struct pp_kv kv[MAX_KV] = {{0}};
    const yaml_node_t *nodes[MAX_KV] = {0};
    size_t k = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top && k < MAX_KV; p++) {
        nodes[k] = ydoc_child(&d->yd, p->value);
        kv[k] = (struct pp_kv){ydoc_scalar(ydoc_child(&d->yd, p->key)), ydoc_scalar(nodes[k])};
        k++;
    }
    struct pp_error e = {0};
    enum pp_status st = lag_config_resolve(kv, k, &s->lag, &e);
    for (size_t i = 0; st != PP_OK && i < k; i++)
        if (kv[i].key && strcmp(kv[i].key, e.field) == 0)
            return ydoc_fail(b->err, &d->yd, nodes[i], path, "%s: %s", e.field, e.message);
    if (st != PP_OK)
        return ydoc_fail(b->err, &d->yd, n, path, "%s: %s", e.field, e.message);
    return PP_OK;
}

static enum pp_status sim_service(struct build *b, struct doc *d, const yaml_node_t *n,
                                  size_t idx) {
    char path[64];
    snprintf(path, sizeof(path), "services[%zu]", idx);
    const char *name = ydoc_scalar(ydoc_get(&d->yd, n, "name"));
    if (!name)
        return ydoc_fail(b->err, &d->yd, n, path, "name: not set");
    bool found = false;
    for (size_t i = 0; i < b->set->n; i++) {
        struct svc_config *s = &b->set->svcs[i];
        if (!svc_matches(s, name))
            continue;
        found = true;
        int32_t ready = s->initial_ready;
        if (pod_model(b, d, n, path, &s->pods, &ready) != PP_OK)
            return PP_ERR_INVALID;
        s->initial_ready = ready;
        char f[96];
        snprintf(f, sizeof(f), "%s.serverReplicas", path);
        if (ydoc_get_i32(b->err, &d->yd, n, "serverReplicas", f, 1, &s->lag_server.replicas, NULL) != PP_OK)
            return PP_ERR_INVALID;
        const yaml_node_t *env = ydoc_get(&d->yd, n, "seldon");
        snprintf(f, sizeof(f), "%s.seldon", path);
        if (env && (ydoc_want_map(b->err, &d->yd, env, f) || sim_env(b, d, env, f, s)))
            return PP_ERR_INVALID;
    }
    if (!found)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "name"), path,
                       "no service, InferenceService or Model named \"%s\" in these manifests",
                       name);
    return PP_OK;
}

static enum pp_status sim_loads(struct build *b, struct doc *d, const yaml_node_t *loads) {
    for (size_t i = 0; i < ydoc_seq_len(loads); i++) {
        const yaml_node_t *n = ydoc_seq_at(&d->yd, loads, i);
        char f[64];
        snprintf(f, sizeof(f), "loads[%zu].service", i);
        const char *name = ydoc_scalar(ydoc_get(&d->yd, n, "service"));
        if (!name)
            return ydoc_fail(b->err, &d->yd, n, f, "not set");
        const size_t svc = svc_set_match(b->set, name);
        if (svc == b->set->n)
            return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, n, "service"), f,
                           "no service named \"%s\" in these manifests", name);
        snprintf(f, sizeof(f), "loads[%zu].hey", i);
        const char *hey = ydoc_scalar(ydoc_get(&d->yd, n, "hey"));
        if (!hey)
            return ydoc_fail(b->err, &d->yd, n, f, "not set: hey's flags, e.g. \"-z 30s -c 5\"");
        /* hey's flags are parsed by the app (loadgen), which names this place */
        struct svc_load *l = svc_set_add_load(b->set, svc);
        snprintf(l->text, sizeof(l->text), "%s", hey);
        ydoc_fail(&l->where, &d->yd, ydoc_get(&d->yd, n, "hey"), f, "%s", "");
        const char *slash = strrchr(d->yd.file, '/');
        if (slash)
            snprintf(l->dir, sizeof(l->dir), "%.*s", (int)(slash - d->yd.file), d->yd.file);
    }
    return PP_OK;
}

static enum pp_status simulation_globals(struct build *b, struct doc *d) {
    int64_t seed = (int64_t)b->set->seed;
    if (ydoc_get_int(b->err, &d->yd, d->yd.root, "seed", "seed", 0, INT64_MAX, &seed, NULL) != PP_OK)
        return PP_ERR_INVALID;
    b->set->seed = (uint64_t)seed;
    const yaml_node_t *start = ydoc_get(&d->yd, d->yd.root, "start");
    if (start) {
        int y, mo, da, h, mi, s;
        char z = 0;
        const char *t = ydoc_scalar(start);
        if (!t || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &da, &h, &mi, &s, &z) != 7 ||
            z != 'Z')
            return ydoc_fail(b->err, &d->yd, start, "start",
                           "expected an RFC 3339 UTC time like 2026-01-05T10:29:00Z");
        struct tz *utc = tz_utc();
        b->set->start = PP_SEC(tz_date(utc, y, mo, da, h, mi, s));
        tz_destroy(utc);
    }
    if (ydoc_get_duration(b->err, &d->yd, d->yd.root, "duration", "duration", &b->set->duration) != PP_OK)
        return PP_ERR_INVALID;
    const yaml_node_t *defs = ydoc_get(&d->yd, d->yd.root, "defaults");
    if (defs && (ydoc_want_map(b->err, &d->yd, defs, "defaults") ||
                 pod_model(b, d, defs, "defaults", &b->defaults, NULL)))
        return PP_ERR_INVALID;
    return PP_OK;
}

static enum pp_status simulation_services(struct build *b, struct doc *d) {
    const yaml_node_t *svcs = ydoc_get(&d->yd, d->yd.root, "services");
    for (size_t i = 0; i < ydoc_seq_len(svcs); i++)
        if (sim_service(b, d, ydoc_seq_at(&d->yd, svcs, i), i) != PP_OK)
            return PP_ERR_INVALID;
    const char *zone = ydoc_scalar(ydoc_get(&d->yd, d->yd.root, "cronTimeZone"));
    for (size_t i = 0; zone && i < b->set->n; i++)
        snprintf(b->set->svcs[i].cron.zone, sizeof(b->set->svcs[i].cron.zone), "%s", zone);
    return sim_loads(b, d, ydoc_get(&d->yd, d->yd.root, "loads"));
}

static bool is_kind(const struct doc *d, const char *group, const char *kind) {
    return strcmp(d->kind, kind) == 0 && (!group || api_group(d->api, group));
}

static enum pp_status pass(struct build *b, const char *group, const char *kind,
                           enum pp_status (*fn)(struct build *, struct doc *)) {
    for (size_t i = 0; i < b->m->n; i++) {
        struct doc *d = &b->m->docs[i];
        if (!is_kind(d, group, kind))
            continue;
        d->used = true;
        if (fn(b, d) != PP_OK)
            return PP_ERR_INVALID;
    }
    return PP_OK;
}

static void strings_into_set(struct build *b) {
    /* Names the configs point at live in the YAML documents; copy them into
     * the set so it outlives the manifest. */
    for (size_t i = 0; i < b->set->n; i++) {
        struct svc_config *s = &b->set->svcs[i];
        for (size_t k = 0; k < s->hpa.n_metrics; k++) {
            struct hpa_metric_spec *m = &s->hpa.metrics[k];
            if (m->name)
                m->name = svc_set_strdup(b->set, m->name);
            if (m->container)
                m->container = svc_set_strdup(b->set, m->container);
            if (m->object_kind)
                m->object_kind = svc_set_strdup(b->set, m->object_kind);
            if (m->object_name)
                m->object_name = svc_set_strdup(b->set, m->object_name);
            if (m->selector)
                m->selector = svc_set_strdup(b->set, m->selector);
        }
        s->lag_model.name = s->name;
        struct svc_cron *c = &s->cron;
        if (!c->set)
            continue;
        c->spec.target_api_version = svc_set_strdup(b->set, c->spec.target_api_version);
        c->spec.target_kind = svc_set_strdup(b->set, c->spec.target_kind);
        c->spec.target_name = svc_set_strdup(b->set, c->spec.target_name);
        for (size_t k = 0; k < c->spec.n_jobs; k++) {
            c->jobs[k].name = svc_set_strdup(b->set, c->jobs[k].name);
            c->jobs[k].schedule = svc_set_strdup(b->set, c->jobs[k].schedule);
        }
        for (size_t k = 0; k < c->spec.n_exclude_dates; k++)
            c->excludes[k] = svc_set_strdup(b->set, c->excludes[k]);
    }
}

enum pp_status manifest_build(struct manifest *m, struct svc_set *set, struct pp_error *err) {
    struct build b = {.m = m, .set = set, .err = err};
    sim_pod_model_default(&b.defaults);
    static const char *const sim_group = "podpilot.io";
    if (pass(&b, sim_group, "Simulation", simulation_globals) ||
        pass(&b, "apps", "Deployment", deployment) ||
        pass(&b, NULL, "InferenceService", inference_service) ||
        pass(&b, "mlops.seldon.io", "Model", seldon_model) ||
        pass(&b, "autoscaling", "HorizontalPodAutoscaler", horizontal_pod_autoscaler) ||
        pass(&b, NULL, "CronHorizontalPodAutoscaler", cron_hpa) ||
        pass(&b, sim_group, "Simulation", simulation_services))
        return PP_ERR_INVALID;
    for (size_t i = 0; i < m->n; i++)
        if (!m->docs[i].used)
            warn(m, &m->docs[i], NULL, "%s %s (%s) is not a scaler or a workload; skipped",
                 m->docs[i].kind, m->docs[i].name ? m->docs[i].name : "", m->docs[i].api);
    strings_into_set(&b);
    return PP_OK;
}
