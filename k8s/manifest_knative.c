/* Knative Serving's objects as the cluster returns them: a Service
 * (serving.knative.dev/v1) is a KPA service of its own, or part of the
 * InferenceService that owns it; its Configuration, Revisions, Route,
 * PodAutoscaler and Deployment are parts of that service, and the
 * PodAutoscaler's annotations are what Knative's autoscaler runs. */
#include "k8s/manifest_internal.h"

#include <stdio.h>
#include <string.h>

#define LABEL_SERVICE "serving.knative.dev/service"

static const yaml_node_t *meta_of(const struct doc *d, const char *key) {
    return ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "metadata"), key);
}

static const char *service_label(const struct doc *d) {
    return ydoc_scalar(ydoc_get(&d->yd, meta_of(d, "labels"), LABEL_SERVICE));
}

/* Whether the files hold the Knative Service `name`, or the
 * InferenceService whose component it is (<isvc>-predictor, ...). */
static bool service_in_files(const struct manifest *m, const char *ns, const char *name) {
    if (manifest_has(m, "Service", ns, name)) /* the Knative kind; a core Service too */
        return true;
    static const char *const parts[] = {"-predictor", "-transformer", "-explainer"};
    char isvc[SVC_NAME_MAX];
    for (size_t i = 0; i < 3; i++) {
        const size_t n = strlen(name), k = strlen(parts[i]);
        if (n <= k || n - k >= sizeof(isvc) || strcmp(name + n - k, parts[i]) != 0)
            continue;
        memcpy(isvc, name, n - k);
        isvc[n - k] = '\0';
        if (manifest_has(m, "InferenceService", ns, isvc))
            return true;
    }
    return false;
}

bool manifest_knative_part(const struct manifest *m, struct doc *d) {
    const char *svc = service_label(d);
    return svc && service_in_files(m, manifest_namespace(d), svc);
}

/* The autoscaling.knative.dev annotations of a template or an object. */
static enum pp_status kn_annotations(struct build *b, struct doc *d, const yaml_node_t *ann,
                                     struct pp_kv *kv, const yaml_node_t **nodes, size_t *n) {
    for (yaml_node_pair_t *p = ann && ann->type == YAML_MAPPING_NODE ? ann->data.mapping.pairs.start
                                                                     : NULL;
         p && p < ann->data.mapping.pairs.top; p++) {
        const char *k = ydoc_scalar(ydoc_child(&d->yd, p->key));
        const yaml_node_t *v = ydoc_child(&d->yd, p->value);
        if (!k || !ydoc_scalar(v) || strncmp(k, KN, strlen(KN)) != 0)
            continue;
        if (*n == SVC_MAX_KV - 1) /* room for containerConcurrency */
            return ydoc_fail(b->err, &d->yd, v, k, "at most %d %s annotations are read",
                             SVC_MAX_KV - 1, KN);
        nodes[*n] = v;
        kv[(*n)++] =
            (struct pp_kv){svc_set_strdup(b->set, k), svc_set_strdup(b->set, ydoc_scalar(v))};
    }
    return PP_OK;
}

/* kv resolved into s's KPA, as Knative's webhook checks it. */
static enum pp_status resolve(struct build *b, struct doc *d, struct svc_config *s,
                              const struct pp_kv *kv, const yaml_node_t *const *nodes, size_t n,
                              const yaml_node_t *at) {
    struct pp_error e = {0};
    if (kpa_config_resolve(kv, n, &s->kpa, &e) != PP_OK) {
        for (size_t i = 0; i < n; i++)
            if (strcmp(kv[i].key, e.field) == 0 && nodes[i])
                at = nodes[i];
        return ydoc_fail(b->err, &d->yd, at, e.field, "%s", e.message);
    }
    memcpy(s->kpa_kv, kv, n * sizeof(*kv));
    s->n_kpa_kv = n;
    return PP_OK;
}

static enum pp_status standalone(struct build *b, struct doc *d) {
    const yaml_node_t *tmpl = ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "spec"), "template");
    const yaml_node_t *tspec = ydoc_get(&d->yd, tmpl, "spec");
    const yaml_node_t *ann = ydoc_get(&d->yd, ydoc_get(&d->yd, tmpl, "metadata"), "annotations");
    struct svc_config *s;
    if (manifest_add_service(b, d, d->yd.root, d->name, &s) != PP_OK)
        return PP_ERR_INVALID;
    const char *url = ydoc_scalar(ydoc_get(&d->yd, ydoc_get(&d->yd, d->yd.root, "status"), "url"));
    if (url && strlen(url) < sizeof(s->url)) /* a live cluster's: where the Service answers */
        snprintf(s->url, sizeof(s->url), "%s", url);
    struct pp_kv kv[SVC_MAX_KV];
    const yaml_node_t *nodes[SVC_MAX_KV];
    size_t n = 0;
    if (kn_annotations(b, d, ann, kv, nodes, &n) != PP_OK)
        return PP_ERR_INVALID;
    const char *klass = pp_kv_get(kv, n, KN "class");
    if (klass && strcmp(klass, "kpa.autoscaling.knative.dev") != 0)
        return ydoc_fail(b->err, &d->yd, ann, KN "class",
                         "\"%s\" on a Knative Service is not simulated; the KPA is", klass);
    int64_t cc = 0;
    bool cc_set = false;
    if (ydoc_get_int(b->err, &d->yd, tspec, "containerConcurrency",
                     "spec.template.spec.containerConcurrency", 0, 1000, &cc, &cc_set) != PP_OK)
        return PP_ERR_INVALID;
    char cc_text[24];
    snprintf(cc_text, sizeof(cc_text), "%lld", (long long)cc);
    if (cc_set) {
        nodes[n] = ydoc_get(&d->yd, tspec, "containerConcurrency");
        kv[n++] = (struct pp_kv){"containerConcurrency", svc_set_strdup(b->set, cc_text)};
    }
    s->pods.concurrency_limit = (int32_t)cc;
    bool cpu_set = false;
    if (manifest_scan_resources(b, d, tspec, "spec.template.spec", &s->pods, &cpu_set, 0) != PP_OK)
        return PP_ERR_INVALID;
    if (resolve(b, d, s, kv, nodes, n, ann ? ann : d->yd.root) != PP_OK)
        return PP_ERR_INVALID;
    s->cls = SVC_KPA;
    s->replicas = s->initial_ready = s->kpa.deployment_replicas;
    snprintf(s->scaler_name, sizeof(s->scaler_name), "%s", d->name);
    return PP_OK;
}

enum pp_status manifest_read_ksvc(struct build *b, struct doc *d) {
    if (strcmp(d->api, "serving.knative.dev/v1") != 0)
        return ydoc_fail(b->err, &d->yd, ydoc_get(&d->yd, d->yd.root, "apiVersion"), "apiVersion",
                         "%s is not read; serving.knative.dev/v1 is", d->api);
    if (!d->name)
        return ydoc_fail(b->err, &d->yd, d->yd.root, "metadata.name", "not set");
    const char *isvc = manifest_owner(d, "InferenceService");
    const struct svc_config *s = svc_set_find(b->set, manifest_namespace(d), d->name);
    if ((isvc && manifest_has(b->m, "InferenceService", manifest_namespace(d), isvc)) ||
        (s && s->owner[0]))
        return PP_OK; /* KServe's: the InferenceService says what it runs */
    return standalone(b, d);
}

/* The cluster runs the PodAutoscaler's annotations (the Revision's, as
 * KServe or the Service made them): where they differ from what podpilot
 * read, they win, with a word. */
static enum pp_status podautoscaler(struct build *b, struct doc *d, struct svc_config *s) {
    struct pp_kv kv[SVC_MAX_KV];
    const yaml_node_t *nodes[SVC_MAX_KV];
    size_t n = 0;
    if (kn_annotations(b, d, meta_of(d, "annotations"), kv, nodes, &n) != PP_OK)
        return PP_ERR_INVALID;
    bool same = true;
    for (size_t i = 0; i < n && same; i++) {
        const char *had = pp_kv_get(s->kpa_kv, s->n_kpa_kv, kv[i].key);
        same = strcmp(kv[i].key, KN "class") == 0 || (had && strcmp(had, kv[i].value) == 0);
    }
    if (same)
        return PP_OK;
    const char *cc = pp_kv_get(s->kpa_kv, s->n_kpa_kv, "containerConcurrency");
    if (cc) {
        nodes[n] = NULL;
        kv[n++] = (struct pp_kv){"containerConcurrency", cc};
    }
    manifest_warn(b->m, d, NULL,
                  "PodAutoscaler %s's annotations differ from what %s declares; they are what "
                  "Knative's autoscaler runs and are used",
                  d->name, s->origin);
    if (resolve(b, d, s, kv, nodes, n, meta_of(d, "annotations")) != PP_OK)
        return PP_ERR_INVALID;
    s->replicas = s->initial_ready = s->kpa.deployment_replicas;
    return PP_OK;
}

enum pp_status manifest_read_knative_part(struct build *b, struct doc *d) {
    const char *svc = service_label(d);
    if (!svc || !service_in_files(b->m, manifest_namespace(d), svc)) {
        manifest_warn(b->m, d, NULL,
                      "%s %s belongs to Knative Service %s, which these files do not hold; "
                      "skipped",
                      d->kind, d->name ? d->name : "", svc ? svc : "(no " LABEL_SERVICE " label)");
        return PP_OK;
    }
    struct svc_config *s = svc_set_find(b->set, manifest_namespace(d), svc);
    if (strcmp(d->kind, "PodAutoscaler") == 0 && s && s->cls == SVC_KPA)
        return podautoscaler(b, d, s);
    return PP_OK;
}
