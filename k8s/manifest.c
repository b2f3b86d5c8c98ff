#include "k8s/manifest_internal.h"

#include "engine/goparse.h"
#include "k8s/yamldoc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void manifest_warn(struct manifest *m, const struct doc *d, const yaml_node_t *n, const char *fmt,
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

/* A node that two places refer to is an alias (*name): refused, as
 * kubectl's strict decoding effectively does, so no reader walks a
 * billion laughs. One pass over the nodes. */
static enum pp_status no_aliases(const struct ydoc *yd, struct pp_error *err) {
    const yaml_document_t *y = &yd->y;
    const size_t n = (size_t)(y->nodes.top - y->nodes.start);
    uint8_t *refs = xcalloc(n + 1, 1);
    enum pp_status st = PP_OK;
    for (size_t i = 0; i < n && st == PP_OK; i++) {
        const yaml_node_t *node = &y->nodes.start[i];
        int kids[2];
        const yaml_node_item_t *item = NULL, *end = NULL;
        const yaml_node_pair_t *pair = NULL, *pend = NULL;
        if (node->type == YAML_SEQUENCE_NODE) {
            item = node->data.sequence.items.start;
            end = node->data.sequence.items.top;
        } else if (node->type == YAML_MAPPING_NODE) {
            pair = node->data.mapping.pairs.start;
            pend = node->data.mapping.pairs.top;
        }
        while (st == PP_OK && ((item && item < end) || (pair && pair < pend))) {
            const size_t k = item ? 1 : 2;
            kids[0] = item ? *item++ : pair->key;
            kids[1] = item ? 0 : (pair++)->value;
            for (size_t j = 0; j < k; j++) {
                if (kids[j] < 1 || (size_t)kids[j] > n || ++refs[kids[j]] < 2)
                    continue;
                const yaml_node_t *twice = ydoc_child(yd, kids[j]);
                st = pp_fail(err, PP_ERR_PARSE, "",
                             "YAML aliases (*name) are not read in manifests; this node (&anchor) "
                             "is used again");
                if (err) {
                    snprintf(err->file, sizeof(err->file), "%s", yd->file);
                    err->line = (int)twice->start_mark.line + 1;
                    err->column = (int)twice->start_mark.column + 1;
                }
                break;
            }
        }
    }
    free(refs);
    return st;
}

static int by_key(const void *a, const void *b) {
    const char *const *x = a, *const *y = b;
    const int c = strcmp(x[0], y[0]);
    return c ? c : (x[1] > y[1]) - (x[1] < y[1]); /* then by position: the first first */
}

/* A key given twice in one mapping, as the API server refuses it: a
 * sort, not a pairwise scan (a 100,000-key mapping took a minute). */
static enum pp_status duplicate_key(struct doc *d, const yaml_node_t *n, int depth,
                                    struct pp_error *err) {
    const size_t count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (count < 2)
        return PP_OK;
    const char *(*keys)[2] = xcalloc(count, sizeof(*keys)); /* the key, and its pair */
    size_t m = 0;
    for (const yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
         p++) {
        const char *ks = ydoc_scalar(ydoc_child(&d->yd, p->key));
        if (ks) {
            keys[m][0] = ks;
            keys[m++][1] = (const char *)p;
        }
    }
    qsort(keys, m, sizeof(*keys), by_key);
    enum pp_status st = PP_OK;
    for (size_t i = 1; i < m && st == PP_OK; i++) {
        if (strcmp(keys[i][0], keys[i - 1][0]) != 0)
            continue;
        const yaml_node_pair_t *first = (const void *)keys[i - 1][1];
        const yaml_node_pair_t *again = (const void *)keys[i][1];
        const yaml_node_t *k = ydoc_child(&d->yd, again->key);
        const bool flat = depth == 0 && ydoc_get(&d->yd, n, "metadata") == NULL;
        st =
            ydoc_fail(err, &d->yd, k, keys[i][0], "mapping key \"%s\" already defined at line %d%s",
                      keys[i][0], (int)ydoc_child(&d->yd, first->key)->start_mark.line + 1,
                      flat ? "; the document looks flattened (its indentation was lost): "
                             "indent it as the original shows"
                           : "");
    }
    free(keys);
    return st;
}

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
    if (duplicate_key(d, n, depth, err) != PP_OK)
        return PP_ERR_PARSE;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
        if (check_keys(d, ydoc_child(&d->yd, p->value), depth + 1, err) != PP_OK)
            return PP_ERR_PARSE;
    return PP_OK;
}

/* One object: a mapping with apiVersion and kind, at node root of y. */
static enum pp_status add_object(struct manifest *m, const yaml_document_t *y, yaml_node_t *root,
                                 const char *file, struct pp_error *err) {
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->docs = xrealloc(m->docs, m->cap * sizeof(*m->docs));
    }
    struct doc *d = &m->docs[m->n++];
    *d = (struct doc){.yd = {.y = *y, .file = file, .root = root}};
    if (d->yd.root->type != YAML_MAPPING_NODE)
        return ydoc_fail(err, &d->yd, d->yd.root, "", "expected a Kubernetes object (a mapping)");
    enum pp_status s = check_keys(d, d->yd.root, 0, err);
    if (s != PP_OK)
        return s;
    const yaml_node_t *api = ydoc_get(&d->yd, d->yd.root, "apiVersion"),
                      *kind = ydoc_get(&d->yd, d->yd.root, "kind");
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

/* A parsed document: kept, and its object, or each item of a `kind: List`
 * (what `kubectl get -o yaml` prints for several objects), added. */
static enum pp_status add_doc(struct manifest *m, yaml_document_t *y, const char *file,
                              struct pp_error *err) {
    yaml_node_t *root = yaml_document_get_root_node(y);
    if (!root || ydoc_is_null(root)) {
        yaml_document_delete(y);
        return PP_OK; /* an empty document between two "---" */
    }
    m->yaml = xrealloc(m->yaml, (m->n_yaml + 1) * sizeof(*m->yaml));
    yaml_document_t *kept = m->yaml[m->n_yaml++] = xmalloc(sizeof(*kept));
    *kept = *y;
    root = yaml_document_get_root_node(kept);
    const struct ydoc yd = {.y = *kept, .file = file, .root = root};
    if (no_aliases(&yd, err) != PP_OK)
        return PP_ERR_PARSE;
    const char *kind =
        root->type == YAML_MAPPING_NODE ? ydoc_scalar(ydoc_get(&yd, root, "kind")) : NULL;
    if (!kind || strcmp(kind, "List") != 0 || ydoc_get(&yd, root, "spec"))
        return add_object(m, kept, root, file, err);
    const yaml_node_t *items = ydoc_get(&yd, root, "items");
    if (!items || ydoc_is_null(items))
        return PP_OK; /* an empty List */
    if (items->type != YAML_SEQUENCE_NODE)
        return ydoc_fail(err, &yd, items, "items", "expected a list of objects");
    for (size_t i = 0; i < ydoc_seq_len(items); i++) {
        const enum pp_status s = add_object(m, kept, ydoc_seq_at(&yd, items, i), file, err);
        if (s != PP_OK && err) { /* items[i].field: which item */
            char field[sizeof(err->field)];
            snprintf(field, sizeof(field), "items[%zu]%s%.90s", i, err->field[0] ? "." : "",
                     err->field);
            memcpy(err->field, field, sizeof(field));
        }
        if (s != PP_OK)
            return s;
    }
    return PP_OK;
}

static enum pp_status parse(struct manifest *m, const char *file, yaml_parser_t *p,
                            const char *text, size_t len, struct pp_error *err) {
    for (;;) {
        yaml_document_t y;
        if (!yaml_parser_load(p, &y)) {
            ydoc_parse_error(err, file, p);
            ydoc_explain_tabs(err, text, len);
            return PP_ERR_PARSE;
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

#define MANIFEST_MAX_BYTES (64u << 20) /* a cluster's worth of objects, and then some */
#define MANIFEST_MAX_DEPTH 256         /* flow collections inside each other */

/* libyaml hangs on 100,000 nested flow levels ([[[[...): before it runs,
 * the deepest nesting of [ and { outside quotes and comments. */
static bool too_deep(const char *text, size_t len, size_t *line) {
    int depth = 0;
    char quote = 0;
    *line = 1;
    for (size_t i = 0; i < len; i++) {
        const char c = text[i];
        if (c == '\n') {
            ++*line;
            if (quote == '#')
                quote = 0;
        } else if (quote) {
            if (c == quote && quote != '#' && !(quote == '"' && i && text[i - 1] == '\\'))
                quote = 0;
        } else if (c == '"' || c == '\'' ||
                   (c == '#' && (i == 0 || isspace((unsigned char)text[i - 1])))) {
            quote = c;
        } else if (c == '[' || c == '{') {
            if (++depth > MANIFEST_MAX_DEPTH)
                return true;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return false;
}

enum pp_status manifest_add_text(struct manifest *m, const char *name, const char *text, size_t len,
                                 struct pp_error *err) {
    size_t line;
    if (len > MANIFEST_MAX_BYTES)
        return pp_fail(err, PP_ERR_LIMIT, "", "%s: %zu bytes; manifests of up to %u MiB are read",
                       name, len, MANIFEST_MAX_BYTES >> 20);
    if (too_deep(text, len, &line)) {
        pp_fail(err, PP_ERR_PARSE, "", "flow collections ([ ], { }) nested deeper than %d levels",
                MANIFEST_MAX_DEPTH);
        if (err) {
            snprintf(err->file, sizeof(err->file), "%s", name);
            err->line = (int)line;
        }
        return PP_ERR_PARSE;
    }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    enum pp_status s = parse(m, keep_name(m, name), &p, text, len, err);
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

struct manifest *manifest_create(void) {
    return xcalloc(1, sizeof(struct manifest));
}

void manifest_destroy(struct manifest *m) {
    if (!m)
        return;
    for (size_t i = 0; i < m->n_yaml; i++) {
        yaml_document_delete(m->yaml[i]);
        free(m->yaml[i]);
    }
    free(m->yaml);
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

/* ---- building: what every reader shares ---- */

bool manifest_api_group(const char *api, const char *group) {
    const size_t n = strlen(group);
    return strncmp(api, group, n) == 0 && api[n] == '/';
}

const char *manifest_namespace(struct doc *d) {
    const char *ns =
        ydoc_scalar(ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "metadata"), "namespace"));
    return ns ? ns : "default";
}

void manifest_set_origin(struct svc_config *c, const struct doc *d, const yaml_node_t *n) {
    snprintf(c->origin, sizeof(c->origin), "%s:%d", d->yd.file,
             (int)(n ? n : d->yd.root)->start_mark.line + 1);
}

enum pp_status manifest_add_service(struct build *b, struct doc *d, const yaml_node_t *at,
                                    const char *name, struct svc_config **out) {
    /* never cut: two long names would become one service */
    if (strlen(name) >= SVC_NAME_MAX)
        return ydoc_fail(b->err, &d->yd, at, "metadata.name",
                         "%zu characters; podpilot reads names of up to %d (Kubernetes: 253)",
                         strlen(name), SVC_NAME_MAX - 1);
    if (strlen(manifest_namespace(d)) > 63)
        return ydoc_fail(b->err, &d->yd, at, "metadata.namespace",
                         "longer than 63 characters (a Kubernetes namespace is a DNS label)");
    struct svc_config *c = svc_set_find(b->set, manifest_namespace(d), name);
    if (c)
        return ydoc_fail(b->err, &d->yd, at, "metadata.name",
                         "workload %s/%s is already declared at %s", c->namespace_, name,
                         c->origin);
    c = svc_set_add(b->set, name, manifest_namespace(d));
    c->pods = b->default_spec;
    b->set->sim_pods[b->set->n - 1] = b->default_model;
    manifest_set_origin(c, d, at);
    *out = c;
    return PP_OK;
}

/* Resources anywhere under a component (model:, a framework key, or
 * containers[]): the largest GPU limit and the first CPU/memory request. */
enum pp_status manifest_scan_resources(struct build *b, struct doc *d, const yaml_node_t *n,
                                       const char *path, struct pod_spec *pm, bool *cpu_set,
                                       int depth) {
    if (!n || depth > 8)
        return PP_OK;
    if (n->type == YAML_SEQUENCE_NODE) {
        for (size_t i = 0; i < ydoc_seq_len(n); i++) {
            char p[256];
            snprintf(p, sizeof(p), "%s[%zu]", path, i);
            if (manifest_scan_resources(b, d, ydoc_seq_at(&d->yd, n, i), p, pm, cpu_set,
                                        depth + 1) != PP_OK)
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
            if (manifest_scan_resources(b, d, v, sub, pm, cpu_set, depth + 1) != PP_OK)
                return PP_ERR_INVALID;
            continue;
        }
        const yaml_node_t *lim = ydoc_get(&d->yd, v, "limits"),
                          *req = ydoc_get(&d->yd, v, "requests");
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

/* A workload named by the document itself (Deployment, Model). */
enum pp_status manifest_named_service(struct build *b, struct doc *d, const yaml_node_t **spec,
                                      struct svc_config **s) {
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, d->yd.root, "metadata.name", "not set");
    *spec = ydoc_get(&d->yd, d->yd.root, "spec");
    return manifest_add_service(b, d, d->yd.root, d->name, s);
}

/* ---- Deployment ---- */

/* One container's requests (its limits where it requests nothing, as the
 * API server defaults them) and GPU limit. */
static enum pp_status read_container(struct build *b, struct doc *d, const yaml_node_t *n,
                                     const char *path, bool init, struct pod_container *c,
                                     int64_t *gpu) {
    const yaml_node_t *res = ydoc_get(&d->yd, n, "resources");
    const yaml_node_t *lim = ydoc_get(&d->yd, res, "limits"),
                      *req = ydoc_get(&d->yd, res, "requests");
    const char *name = ydoc_scalar(ydoc_get(&d->yd, n, "name"));
    const char *restart = ydoc_scalar(ydoc_get(&d->yd, n, "restartPolicy"));
    *c = (struct pod_container){.cpu_milli = -1,
                                .memory_milli = -1,
                                .init = init,
                                .restartable = restart && strcmp(restart, "Always") == 0};
    snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
    char f[300];
    snprintf(f, sizeof(f), "%s.resources.limits.nvidia.com/gpu", path);
    *gpu = 0;
    if (ydoc_get_quantity(b->err, &d->yd, lim, "nvidia.com/gpu", f, gpu) != PP_OK)
        return PP_ERR_INVALID;
    static const char *const keys[] = {"cpu", "memory"};
    int64_t *const out[] = {&c->cpu_milli, &c->memory_milli};
    for (size_t k = 0; k < 2; k++) {
        const yaml_node_t *from = ydoc_get(&d->yd, req, keys[k]) ? req : lim;
        snprintf(f, sizeof(f), "%s.resources.%s.%s", path, from == req ? "requests" : "limits",
                 keys[k]);
        if (ydoc_get(&d->yd, from, keys[k]) &&
            ydoc_get_quantity(b->err, &d->yd, from, keys[k], f, out[k]) != PP_OK)
            return PP_ERR_INVALID;
    }
    return PP_OK;
}

/* The pod template's containers and sidecars: each one's requests, the
 * pod's as their sum (calculatePodRequests), the largest GPU limit. */
static enum pp_status read_template(struct build *b, struct doc *d, const yaml_node_t *pod,
                                    struct pod_spec *ps) {
    static const char *const lists[] = {"containers", "initContainers"};
    int64_t cpu = 0, mem = 0;
    bool any_cpu = false, any_mem = false;
    for (size_t l = 0; l < 2; l++) {
        const yaml_node_t *list = ydoc_get(&d->yd, pod, lists[l]);
        for (size_t i = 0; i < ydoc_seq_len(list); i++) {
            char path[96];
            snprintf(path, sizeof(path), "spec.template.spec.%s[%zu]", lists[l], i);
            if (ps->n_containers == POD_MAX_CONTAINERS)
                return ydoc_fail(b->err, &d->yd, ydoc_seq_at(&d->yd, list, i), path,
                                 "at most %d containers are read", POD_MAX_CONTAINERS);
            struct pod_container *c = &ps->containers[ps->n_containers];
            int64_t gpu;
            if (read_container(b, d, ydoc_seq_at(&d->yd, list, i), path, l == 1, c, &gpu) != PP_OK)
                return PP_ERR_INVALID;
            if (c->init && !c->restartable)
                continue; /* runs before the pod starts: neither requests nor GPUs count */
            ps->n_containers++;
            if (gpu / 1000 > ps->gpus)
                ps->gpus = (int32_t)(gpu / 1000);
            cpu += c->cpu_milli > 0 ? c->cpu_milli : 0;
            mem += c->memory_milli > 0 ? c->memory_milli : 0;
            any_cpu = any_cpu || c->cpu_milli >= 0;
            any_mem = any_mem || c->memory_milli >= 0;
        }
    }
    if (any_cpu)
        ps->cpu_request_milli = cpu;
    if (any_mem)
        ps->memory_request_milli = mem;
    return PP_OK;
}

const char *manifest_owner(const struct doc *d, const char *kind) {
    const yaml_node_t *refs =
        ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "metadata"), "ownerReferences");
    for (size_t i = 0; i < ydoc_seq_len(refs); i++) {
        const yaml_node_t *r = ydoc_seq_at(&d->yd, refs, i);
        const char *k = ydoc_scalar(ydoc_get(&d->yd, r, "kind"));
        if (k && strcmp(k, kind) == 0)
            return ydoc_scalar(ydoc_get(&d->yd, r, "name"));
    }
    return NULL;
}

bool manifest_has(const struct manifest *m, const char *kind, const char *ns, const char *name) {
    for (size_t i = 0; i < m->n; i++) {
        struct doc *o = &m->docs[i];
        if (strcmp(o->kind, kind) == 0 && o->name && strcmp(o->name, name) == 0 &&
            strcmp(manifest_namespace(o), ns) == 0)
            return true;
    }
    return false;
}

enum pp_status manifest_read_deployment(struct build *b, struct doc *d) {
    /* the predictor's Deployment an InferenceService in these files made:
     * the InferenceService is read instead (kubectl get isvc,deploy) */
    const char *isvc = manifest_owner(d, "InferenceService");
    if (isvc && manifest_has(b->m, "InferenceService", manifest_namespace(d), isvc))
        return PP_OK;
    if (manifest_owner(d, "Revision") && manifest_knative_part(b->m, d))
        return PP_OK; /* a Revision's pods: its Service says how they scale */
    const yaml_node_t *spec = NULL;
    struct svc_config *s;
    if (manifest_named_service(b, d, &spec, &s) != PP_OK)
        return PP_ERR_INVALID;
    s->cls = SVC_NONE; /* fixed replicas until a scaler attaches */
    if (ydoc_get_i32(b->err, &d->yd, spec, "replicas", "spec.replicas", 0, &s->replicas, NULL) !=
        PP_OK)
        return PP_ERR_INVALID;
    s->initial_ready = s->replicas;
    return read_template(b, d, ydoc_get(&d->yd, ydoc_get(&d->yd, spec, "template"), "spec"),
                         &s->pods);
}

struct svc_config *manifest_target_service(struct build *b, struct doc *d, const char *kind,
                                           const char *name) {
    struct svc_config *s = svc_set_find(b->set, manifest_namespace(d), name);
    if (s || strcmp(kind, "Deployment") != 0)
        return s;
    manifest_warn(
        b->m, d, NULL,
        "no Deployment or InferenceService makes Deployment %s here; simulating one with 1 "
        "replica",
        name);
    if (manifest_add_service(b, d, d->yd.root, name, &s) != PP_OK)
        return NULL;
    s->cls = SVC_NONE;
    return s;
}

/* ---- the readers, in the order they run ---- */

static bool is_kind(const struct doc *d, const char *group, const char *kind) {
    return strcmp(d->kind, kind) == 0 && (!group || manifest_api_group(d->api, group));
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

/* One pass over the documents per row, in this order: workloads before
 * the scalers that name them, the Simulation's globals first and its
 * per-service settings last. A new kind is one row and one reader. */
static const struct {
    const char *group; /* NULL: any API group */
    const char *kind;
    enum pp_status (*read)(struct build *, struct doc *);
} readers[] = {
    {"podpilot.io", "Simulation", manifest_read_sim_globals},
    {"apps", "Deployment", manifest_read_deployment},
    {NULL, "InferenceService", manifest_read_isvc},
    {"serving.knative.dev", "Service", manifest_read_ksvc},
    {"serving.knative.dev", "Configuration", manifest_read_knative_part},
    {"serving.knative.dev", "Route", manifest_read_knative_part},
    {"serving.knative.dev", "Revision", manifest_read_knative_part},
    {"autoscaling.internal.knative.dev", "PodAutoscaler", manifest_read_knative_part},
    {"mlops.seldon.io", "Model", manifest_read_seldon},
    {"keda.sh", "ScaledObject", manifest_read_scaledobject},
    {"autoscaling", "HorizontalPodAutoscaler", manifest_read_hpa},
    {NULL, "CronHorizontalPodAutoscaler", manifest_read_cron},
    {"podpilot.io", "Simulation", manifest_read_sim_services},
};

enum pp_status manifest_build(struct manifest *m, struct svc_set *set, struct pp_error *err) {
    struct build b = {.m = m, .set = set, .err = err};
    b.default_spec = pod_spec_default();
    sim_pod_model_default(&b.default_model);
    for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
        if (pass(&b, readers[i].group, readers[i].kind, readers[i].read) != PP_OK)
            return PP_ERR_INVALID;
    for (size_t i = 0; i < m->n; i++)
        if (!m->docs[i].used)
            manifest_warn(m, &m->docs[i], NULL, "%s %s (%s) is not a scaler or a workload; skipped",
                          m->docs[i].kind, m->docs[i].name ? m->docs[i].name : "", m->docs[i].api);
    strings_into_set(&b);
    return PP_OK;
}
