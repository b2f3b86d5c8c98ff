#define _GNU_SOURCE /* timegm, qsort_r */
#include "k8s/source_kube.h"

#include "k8s/source_kube_internal.h"

#include "loadgen/job.h"

#include "k8s/custom_metrics.h"
#include "k8s/yamldoc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool source_kube_time(const char *s, pp_time *out) {
    struct tm tm = {0};
    int frac_len = 0;
    int used = 0; /* a field may be short: read on from where sscanf stopped */
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const char *p = s + used;
    int64_t frac_ns = 0;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, frac_len++)
            if (frac_len < 9)
                frac_ns = frac_ns * 10 + (*p - '0');
    for (int i = frac_len; i < 9; i++)
        frac_ns *= 10;
    int64_t offset = 0;
    if (*p == '+' || *p == '-') {
        int hh = 0, mm = 0;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
            return false;
        offset = (*p == '+' ? 1 : -1) * ((int64_t)hh * 3600 + mm * 60);
    } else if (*p != 'Z') {
        return false;
    }
    const int64_t secs = (int64_t)timegm(&tm) - offset;
    if (secs > 9000000000 || secs < -9000000000)
        return false; /* past what engine time holds in nanoseconds (year 2262) */
    *out = (pp_time)secs * PP_NS_PER_SEC + frac_ns;
    return true;
}

static const char *str(const cJSON *o, const char *k) {
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static const cJSON *obj(const cJSON *o, const char *k) {
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const cJSON *get(const struct kstore *st, const char *ns, const char *name) {
    char key[512];
    snprintf(key, sizeof(key), "%s/%s", ns, name ? name : "");
    return kstore_get(st, key);
}

static int64_t milli(const char *q) {
    int64_t v = -1;
    return q && ydoc_quantity_milli(q, &v) ? v : -1;
}

static size_t containers(const cJSON *spec, struct hpa_container *out) {
    size_t n = 0;
    static const char *const lists[] = {"initContainers", "containers"};
    for (size_t l = 0; l < 2; l++) {
        const cJSON *c;
        cJSON_ArrayForEach(c, obj(spec, lists[l])) {
            if (n == POD_MAX_CONTAINERS)
                return n;
            const cJSON *req = obj(obj(c, "resources"), "requests");
            const char *restart = str(c, "restartPolicy");
            out[n++] = (struct hpa_container){
                .name = str(c, "name"),
                .cpu_milli = milli(str(req, "cpu")),
                .memory_milli = milli(str(req, "memory")),
                .init = l == 0,
                .restartable = restart && strcmp(restart, "Always") == 0,
            };
        }
    }
    return n;
}

static enum hpa_pod_phase phase(const char *p) {
    if (p && strcmp(p, "Running") == 0)
        return HPA_POD_RUNNING;
    if (p && strcmp(p, "Succeeded") == 0)
        return HPA_POD_SUCCEEDED;
    if (p && strcmp(p, "Failed") == 0)
        return HPA_POD_FAILED;
    return HPA_POD_PENDING;
}

static void pod_of(const cJSON *pod, struct kscratch *k, size_t i) {
    const cJSON *st = obj(pod, "status"), *c;
    snprintf(k->names[i], sizeof(k->names[i]), "%s", str(obj(pod, "metadata"), "name"));
    struct hpa_pod *p = &k->pods[i];
    *p = (struct hpa_pod){.name = k->names[i],
                          .containers = k->containers[i],
                          .n_containers = containers(obj(pod, "spec"), k->containers[i]),
                          .phase = phase(str(st, "phase")),
                          .deleting = obj(obj(pod, "metadata"), "deletionTimestamp") != NULL};
    cJSON_ArrayForEach(c, obj(st, "conditions")) {
        const char *type = str(c, "type"), *status = str(c, "status");
        if (!type || strcmp(type, "Ready") != 0)
            continue;
        p->has_ready_condition = true;
        p->ready = status && strcmp(status, "True") == 0;
        p->ready_unknown = !status || strcmp(status, "Unknown") == 0;
        source_kube_time(str(c, "lastTransitionTime"), &p->ready_transition);
    }
    p->started = source_kube_time(str(st, "startTime"), &p->start_time);
}

/* metrics.k8s.io's PodMetrics of the pods: the sum of their containers. */
static void resource_metric(struct kube_source *s, struct kscratch *k, size_t m,
                            const struct hpa_metric_spec *spec, const cJSON *const *pods, size_t n,
                            pp_time now) {
    struct hpa_metric_obs *o = &k->metrics[m];
    *o = (struct hpa_metric_obs){
        .pod_milli = k->vals[m], .present = k->present[m], .timestamp = now, .window = PP_SEC(15)};
    if (kube_watcher_error(s->w, s->idx.pod_metrics, k->errors[m], sizeof(k->errors[m]))) {
        o->error = k->errors[m]; /* no metrics-server, or it failed */
        return;
    }
    const bool cpu = strcmp(spec->name, "cpu") == 0;
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        const cJSON *meta = obj(pods[i], "metadata");
        const char *ns = str(meta, "namespace");
        const cJSON *pm = get(&s->metrics, ns ? ns : "", str(meta, "name"));
        k->present[m][i] = pm != NULL;
        k->vals[m][i] = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, obj(pm, "containers")) {
            const int64_t v = milli(str(obj(c, "usage"), cpu ? "cpu" : "memory"));
            if (spec->type == HPA_CONTAINER_RESOURCE && spec->container &&
                (!str(c, "name") || strcmp(str(c, "name"), spec->container) != 0))
                continue;
            k->vals[m][i] += v > 0 ? v : 0;
        }
        if (pm) {
            found++;
            source_kube_time(str(pm, "timestamp"), &o->timestamp);
        }
    }
    o->empty = found == 0;
}

/* The polled path of metric m of svc; SIZE_MAX when it has none. The
 * paths were made in service order: the service's first is found by halving. */
static size_t metric_path(const struct kube_source *s, size_t svc, size_t m) {
    if (!s->cm)
        return SIZE_MAX;
    size_t lo = 0, hi = s->cm->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (s->cm->svc[mid] < svc)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t j = lo; j < s->cm->n && s->cm->svc[j] == svc; j++)
        if (s->cm->metric[j] == m)
            return j;
    return SIZE_MAX;
}

/* Metric m of svc from the custom or external metrics API, as last polled. */
static void custom_metric(struct kube_source *s, size_t svc, struct kscratch *k, size_t m,
                          const struct hpa_metric_spec *spec, size_t n_pods, pp_time now) {
    const size_t j = metric_path(s, svc, m);
    if (j == SIZE_MAX) {
        snprintf(k->errors[m], sizeof(k->errors[m]),
                 "podpilot found no query for this metric in the cluster's HPA object");
        k->metrics[m] = (struct hpa_metric_obs){.error = k->errors[m]};
        return;
    }
    const char *names[MAX_PODS];
    for (size_t i = 0; i < n_pods; i++)
        names[i] = k->names[i];
    custom_metrics_obs(spec->type, s->cm_items[j], s->cm_errors[j][0] ? s->cm_errors[j] : NULL,
                       names, n_pods, k->vals[m], k->present[m], now, k->errors[m],
                       sizeof(k->errors[m]), &k->metrics[m]);
}

/* What KEDA's scalers answer, read where the HPA reads them: KEDA's
 * metrics server serves trigger i as the external metric s<i>-<type> of
 * its HPA (selected by scaledobject.keda.sh/name), the same value its
 * scale loop compares with activationThreshold. NaN where the query
 * failed; cpu and memory triggers are not read (their value is unused). */
static void keda_inputs(struct kube_source *s, size_t svc, struct kscratch *k, pp_time now,
                        struct loop_obs *o) {
    const struct keda_spec *ks = &s->set->svcs[svc].keda;
    for (size_t i = 0; i < ks->n_triggers; i++) {
        k->keda[i] = NAN;
        const size_t j = metric_path(s, svc, keda_hpa_metric_index(ks, i));
        if (ks->triggers[i].kind != KEDA_TRIGGER_EXTERNAL || j == SIZE_MAX || s->cm_errors[j][0])
            continue;
        struct hpa_metric_obs v;
        char err[8];
        custom_metrics_obs(HPA_EXTERNAL, s->cm_items[j], NULL, NULL, 0, NULL, NULL, now, err,
                           sizeof(err), &v);
        if (!v.error && !v.empty)
            k->keda[i] = (double)v.value_milli / 1000;
    }
    o->keda = true;
    o->n_keda = ks->n_triggers;
    o->keda_values = k->keda;
}

static void hpa_inputs(struct kube_source *s, size_t svc, struct kscratch *k,
                       const cJSON *const *pods, size_t n, pp_time now, struct loop_obs *o) {
    const struct svc_config *c = &s->set->svcs[svc];
    size_t n_metrics;
    const struct hpa_metric_spec *ms = hpa_spec_metrics(&c->hpa, &n_metrics);
    for (size_t m = 0; m < n_metrics; m++) {
        if (ms[m].type == HPA_RESOURCE || ms[m].type == HPA_CONTAINER_RESOURCE)
            resource_metric(s, k, m, &ms[m], pods, n, now);
        else
            custom_metric(s, svc, k, m, &ms[m], n, now);
    }
    o->hpa = true;
    o->n_pods = n;
    o->hpa_pods = k->pods;
    o->n_metrics = n_metrics;
    o->metrics = k->metrics;
}

/* The cluster's own reading of the HPA's first metric
 * (status.currentMetrics[0].<type>.current), as podpilot's view.stable
 * has it: a percent for a utilization, else the value. NaN: none. */
static double cluster_metric(const cJSON *hpa) {
    const cJSON *m = cJSON_GetArrayItem(obj(obj(hpa, "status"), "currentMetrics"), 0);
    static const char *const types[][2] = {{"Resource", "resource"},
                                           {"ContainerResource", "containerResource"},
                                           {"Pods", "pods"},
                                           {"Object", "object"},
                                           {"External", "external"}};
    const char *type = str(m, "type");
    for (size_t i = 0; type && i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(type, types[i][0]) != 0)
            continue;
        const cJSON *cur = obj(obj(m, types[i][1]), "current");
        const cJSON *util = obj(cur, "averageUtilization");
        if (cJSON_IsNumber(util))
            return util->valuedouble;
        const char *q = str(cur, "averageValue") ? str(cur, "averageValue") : str(cur, "value");
        const int64_t v = milli(q);
        return q && v >= 0 ? (double)v / 1000 : NAN;
    }
    return NAN;
}

static void refresh(cJSON **copy, uint64_t *seen, struct kube_watcher *w, size_t i) {
    size_t n;
    if (*copy && kube_watcher_version(w, i, &n) == *seen)
        return;
    cJSON_Delete(*copy);
    *copy = kube_watcher_copy(w, i, seen);
}

static int by_ns_name(const void *a, const void *b, void *set) {
    const struct svc_config *x = &((const struct svc_set *)set)->svcs[*(const size_t *)a];
    const struct svc_config *y = &((const struct svc_set *)set)->svcs[*(const size_t *)b];
    const int c = strcmp(x->namespace_, y->namespace_);
    return c ? c : strcmp(x->name, y->name);
}

/* The service named ns/name; SIZE_MAX when none is. */
static size_t svc_at(const struct kube_source *s, const char *ns, const char *name) {
    size_t lo = 0, hi = s->set->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const struct svc_config *c = &s->set->svcs[s->by_name[mid]];
        int d = strcmp(c->namespace_, ns);
        d = d ? d : strcmp(c->name, name);
        if (d == 0)
            return s->by_name[mid];
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

/* Each KPA service's newest revision's PodAutoscaler (labelled with the
 * Knative Service; the latest created, then the greatest name): Knative
 * names a revision's PodAutoscaler after it, and its Deployment
 * <revision>-deployment. One pass over the PodAutoscalers. */
static void newest_pas(struct kube_source *s) {
    memset(s->pa_of, 0, s->set->n * sizeof(*s->pa_of));
    for (size_t p = 0; p < s->pas.n; p++) {
        const cJSON *m = obj(s->pas.objs[p], "metadata");
        const char *ns = str(m, "namespace"), *name = str(m, "name");
        const char *label = str(obj(m, "labels"), "serving.knative.dev/service");
        const size_t svc = label && name ? svc_at(s, ns ? ns : "", label) : SIZE_MAX;
        if (svc == SIZE_MAX || s->set->svcs[svc].cls != SVC_KPA)
            continue;
        const cJSON *best = s->pa_of[svc];
        const char *at = str(m, "creationTimestamp");
        const char *best_at = best ? str(obj(best, "metadata"), "creationTimestamp") : NULL;
        const int order = strcmp(at ? at : "", best_at ? best_at : "");
        if (!best || order > 0 ||
            (order == 0 && strcmp(name, str(obj(best, "metadata"), "name")) > 0))
            s->pa_of[svc] = s->pas.objs[p];
    }
}

/* Which Deployment and pods are each service's, after the mirrors moved. */
static void resolve(struct kube_source *s, bool targets) {
    if (targets) {
        newest_pas(s);
        for (size_t i = 0; i < s->set->n; i++) {
            const struct svc_config *c = &s->set->svcs[i];
            char name[SVC_NAME_MAX + 16];
            snprintf(name, sizeof(name), "%s", c->name);
            if (s->pa_of[i])
                snprintf(name, sizeof(name), "%s-deployment",
                         str(obj(s->pa_of[i], "metadata"), "name"));
            s->deps[i] = get(&s->deployments, c->namespace_, name);
            s->sels[i] = obj(obj(s->deps[i], "spec"), "selector");
        }
    }
    pod_index_build(&s->index, &s->pods, s->sels, s->nss, s->set->n);
}

static bool begin(void *src, pp_time now, const struct source_submit *to) {
    (void)to;
    struct kube_source *s = src;
    const struct source_kube_index *x = &s->idx;
    /* any change to a Deployment or PodAutoscaler may move a selector; the
     * pod index is rebuilt only when pods come, go or change labels (a
     * replaced pod keeps its place in the mirror) */
    bool targets = kube_watcher_sync(s->w, x->deployments, &s->deployments, &s->seen[0]) != 0;
    kube_watcher_sync(s->w, x->hpas, &s->hpas, &s->seen[1]);
    const bool pods = kube_watcher_sync(s->w, x->pods, &s->pods, &s->seen[2]) & KSTORE_MEMBERS;
    kube_watcher_sync(s->w, x->pod_metrics, &s->metrics, &s->seen[3]);
    if (s->stats)
        targets |= kube_watcher_sync(s->w, x->podautoscalers, &s->pas, &s->seen[4]) != 0;
    if (targets || pods)
        resolve(s, targets);
    gpu_poll_take(s->gpu, &s->gpu_view);
    s->now = now;
    for (size_t j = 0; s->cm && j < s->cm->n; j++) {
        refresh(&s->cm_items[j], &s->cm_versions[j], s->cm->w, j);
        kube_watcher_error(s->cm->w, j, s->cm_errors[j], sizeof(s->cm_errors[j]));
    }
    return true;
}

/* What the KPA reads: the sample the stats scraper took of the ready pods
 * in the last second, NaN when none finished (upstream's scraper error:
 * nothing is recorded). Upstream nets out what the pods say the activator
 * proxied, because the activator reports it itself; from outside the
 * cluster the activator's reports cannot be seen, so the pods' whole
 * figures stand for both: the KPA reads them as the pods' while the
 * activator is out of its path and as the activator's while it is in.
 * What the activator holds and has not proxied is never seen. */
static void kpa_inputs(struct kube_source *s, size_t svc, const struct kscratch *k, size_t n,
                       pp_time now, struct loop_obs *o) {
    const struct svc_config *c = &s->set->svcs[svc];
    const char *names[MAX_PODS];
    bool young[MAX_PODS];
    size_t ready = 0;
    const pp_time cutoff = now - PP_SEC(c->kpa.stable_window_s);
    for (size_t i = 0; i < n; i++)
        if (k->pods[i].ready && !k->pods[i].deleting) {
            names[ready] = k->names[i];
            young[ready++] = !k->pods[i].started || k->pods[i].start_time > cutoff;
        }
    stat_scraper_plan(s->stats, svc, c->namespace_, names, young, ready);
    o->pods = (struct kpa_stat){.concurrency = NAN, .rps = NAN};
    struct stat_round *r = &s->rounds[svc];
    if (stat_scraper_take(s->stats, svc, r))
        s->round_at[svc] = now;
    if (s->round_at[svc] == 0)
        return; /* the first round is under way */
    if (!r->error[0] && now - s->round_at[svc] > PP_SEC(3))
        snprintf(r->error, sizeof(r->error), "no scrape of the pods finished in 3 s");
    /* A round that finished before this tick's is the same second's report
     * (the scraper and the engine tick apart, as upstream's do). */
    if (r->error[0]) {
        o->scrape_error = r->error;
        return;
    }
    o->pods = (struct kpa_stat){.concurrency = r->stat.concurrency, .rps = r->stat.rps};
    o->activator = o->pods;
}

static double gpu_util(const struct kube_source *s, const struct svc_config *c,
                       const struct kscratch *k, size_t n) {
    double sum = 0, v;
    size_t seen = 0;
    for (size_t i = 0; i < n; i++)
        if (k->pods[i].ready && !k->pods[i].deleting &&
            gpu_view_get(&s->gpu_view, c->namespace_, k->names[i], &v)) {
            sum += v;
            seen++;
        }
    return seen ? sum / (double)seen : NAN;
}

/* The service's own exporter: its ready pods planned, a finished round taken. */
static void exporter_inputs(struct kube_source *s, size_t svc, const struct kscratch *k,
                            const cJSON *const *pods, size_t n, pp_time now) {
    const char *names[MAX_PODS], *ips[MAX_PODS];
    size_t ready = 0;
    for (size_t i = 0; i < n; i++)
        if (k->pods[i].ready && !k->pods[i].deleting) {
            names[ready] = k->names[i];
            ips[ready++] = str(obj(pods[i], "status"), "podIP");
        }
    scraper_plan(s->ex, svc, s->set->svcs[svc].namespace_, names, ips, ready);
    if (scraper_take(s->ex, svc, &s->ex_rounds[svc])) {
        s->ex_at[svc] = now;
        s->ex_seq[svc]++;
    }
}

static void signals(const void *src, size_t svc, struct source_signals *out) {
    const struct kube_source *s = src;
    if (!s->ex || !s->ex_specs[svc].on)
        return;
    const struct scrape_spec *sp = &s->ex_specs[svc];
    const struct scrape_round *r = &s->ex_rounds[svc];
    const struct exporter_figure *fig;
    size_t n = exporter_figures(sp->kind, &fig);
    n = n < SOURCE_SIGNALS ? n : SOURCE_SIGNALS;
    char *note = out->note;
    const size_t size = sizeof(out->note);
    out->n = n;
    out->exporter = exporter_name(sp->kind);
    out->seq = s->ex_seq[svc];
    const int64_t age = s->ex_at[svc] ? (s->now - s->ex_at[svc]) / PP_NS_PER_SEC : -1;
    const int every = sp->interval_s > 0 ? sp->interval_s : 5;
    /* a round not renewed for three intervals is stale: no figures, not the old ones */
    const bool fresh = age >= 0 && age <= 3 * every;
    for (size_t i = 0; i < n; i++)
        out->v[i] = (struct source_signal){fig[i].name, fig[i].unit, fresh ? r->v[i] : NAN};
    if (age < 0)
        snprintf(note, size, ":%d%s: first scrape under way", sp->port, sp->path);
    else
        snprintf(note, size, ":%d%s: %zu/%zu pods, %llds ago%s%s%s", sp->port, sp->path,
                 r->answered, r->planned, (long long)age, fresh ? "" : " (stale)",
                 r->error[0] ? "; " : "", r->error);
}

static size_t pod_gpu(const void *src, size_t svc, double *out, size_t cap) {
    const struct kube_source *s = src;
    const struct svc_config *c = &s->set->svcs[svc];
    if (!s->gpu || c->pods.gpus <= 0)
        return 0;
    const size_t *at;
    const size_t n = pod_index_get(&s->index, svc, &at);
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        const cJSON *p = s->pods.objs[at[i]];
        double v;
        if (gpu_view_get(&s->gpu_view, c->namespace_, str(obj(p, "metadata"), "name"), &v))
            out[k++] = v;
    }
    return k;
}

static void observe(void *src, size_t svc, unsigned needs, pp_time now, struct loop_obs *o) {
    struct kube_source *s = src;
    const struct svc_config *c = &s->set->svcs[svc];
    struct kscratch *k = s->scratch;
    *o = (struct loop_obs){
        .gpu_util = NAN, .live = true, .cluster_desired = -1, .cluster_metric = NAN};
    const cJSON *pa = s->pa_of[svc], *d = s->deps[svc];
    const cJSON *replicas = obj(obj(d, "spec"), "replicas");
    o->target_replicas =
        cJSON_IsNumber(replicas) && replicas->valuedouble >= 0 && replicas->valuedouble <= 1e6
            ? (int32_t)replicas->valuedouble
            : c->replicas;
    const size_t *at;
    size_t n = pod_index_get(&s->index, svc, &at);
    n = n < MAX_PODS ? n : MAX_PODS;
    const cJSON *pods[MAX_PODS];
    for (size_t i = 0; i < n; i++) {
        pods[i] = s->pods.objs[at[i]];
        pod_of(pods[i], k, i);
        if (k->pods[i].ready && !k->pods[i].deleting)
            o->ready++;
        else if (!k->pods[i].deleting)
            o->starting++;
    }
    if (c->pods.gpus > 0 && s->gpu) /* the mean over ready pods that report one */
        o->gpu_util = gpu_util(s, c, k, n);
    if (s->ex && s->ex_specs[svc].on)
        exporter_inputs(s, svc, k, pods, n, now);
    if (c->cls == SVC_KPA) {
        const cJSON *want = obj(obj(pa, "status"), "desiredScale");
        if (cJSON_IsNumber(want) && want->valuedouble >= 0 && want->valuedouble <= 1e6)
            o->cluster_desired = (int32_t)want->valuedouble;
        if ((needs & NEED_KPA_STATS) && s->stats)
            kpa_inputs(s, svc, k, n, now, o);
    }
    if (svc_class_has_hpa(c->cls)) {
        const char *name = c->cls == SVC_KEDA ? c->keda.hpa_name : c->scaler_name;
        const cJSON *h = get(&s->hpas, c->namespace_, name && name[0] ? name : c->name);
        const cJSON *want = obj(obj(h, "status"), "desiredReplicas");
        if (cJSON_IsNumber(want) && want->valuedouble >= 0 && want->valuedouble <= 1e6)
            o->cluster_desired = (int32_t)want->valuedouble;
        o->cluster_metric = cluster_metric(h);
        if (needs & NEED_HPA_SYNC)
            hpa_inputs(s, svc, k, pods, n, now, o);
    }
    if (c->cls == SVC_KEDA && (needs & NEED_KEDA_POLL))
        keda_inputs(s, svc, k, now, o);
    if (c->cls == SVC_CRON) /* a CronHPA on a Deployment decides its spec.replicas */
        o->cluster_desired = o->target_replicas;
}

static void destroy(void *src) {
    struct kube_source *s = src;
    kstore_fini(&s->deployments);
    kstore_fini(&s->hpas);
    kstore_fini(&s->pods);
    kstore_fini(&s->metrics);
    kstore_fini(&s->pas);
    gpu_view_fini(&s->gpu_view);
    pod_index_fini(&s->index);
    free(s->deps);
    free(s->sels);
    free(s->pa_of);
    free(s->nss);
    free(s->by_name);
    for (size_t j = 0; s->cm && j < s->cm->n; j++)
        cJSON_Delete(s->cm_items[j]);
    free(s->cm_items);
    free(s->cm_versions);
    free(s->cm_errors);
    free(s->rounds);
    free(s->round_at);
    free(s->ex_rounds);
    free(s->ex_at);
    free(s->ex_seq);
    for (size_t i = 0; i < s->n_loads; i++)
        lg_job_free(s->loads[i].job);
    free(s->loads);
    free(s->scratch);
    free(s);
}

static const struct source_ops kube_ops = {
    .name = "cluster",
    .read_only = true,
    .begin = begin,
    .observe = observe,
    .pod_gpu = pod_gpu,
    .signals = signals,
    .load_start = source_kube_load_start,
    .load_stop = source_kube_load_stop,
    .loads = source_kube_loads,
    .destroy = destroy,
};

struct source *source_kube_create(const struct svc_set *set, struct kube_watcher *w,
                                  const struct source_kube_index *idx,
                                  const struct source_kube_feeds *feeds, struct pp_error *err) {
    (void)err;
    const struct source_kube_metrics *metrics = feeds ? feeds->metrics : NULL;
    struct kube_source *s = xcalloc(1, sizeof(*s));
    s->stats = feeds ? feeds->stats : NULL;
    s->gpu = feeds ? feeds->gpu : NULL;
    if (feeds && feeds->exporters) {
        s->ex = feeds->exporters;
        s->ex_specs = feeds->exporter_specs;
        s->ex_rounds = xcalloc(set->n ? set->n : 1, sizeof(*s->ex_rounds));
        s->ex_at = xcalloc(set->n ? set->n : 1, sizeof(*s->ex_at));
        s->ex_seq = xcalloc(set->n ? set->n : 1, sizeof(*s->ex_seq));
    }
    s->rounds = xcalloc(set->n, sizeof(*s->rounds));
    const size_t n = set->n ? set->n : 1;
    s->deps = xcalloc(n, sizeof(*s->deps));
    s->sels = xcalloc(n, sizeof(*s->sels));
    s->pa_of = xcalloc(n, sizeof(*s->pa_of));
    s->nss = xcalloc(n, sizeof(*s->nss));
    s->by_name = xcalloc(n, sizeof(*s->by_name));
    for (size_t i = 0; i < set->n; i++) {
        s->nss[i] = set->svcs[i].namespace_;
        s->by_name[i] = i;
    }
    qsort_r(s->by_name, set->n, sizeof(*s->by_name), by_ns_name, (void *)set);
    s->round_at = xcalloc(set->n, sizeof(*s->round_at));
    s->steer = feeds ? feeds->steer : NULL;
    s->ops = kube_ops;
    if (s->steer) { /* --act: the same, overrides written to the cluster */
        s->ops.read_only = false;
        s->ops.steer_check = source_kube_steer_check;
        s->ops.steer = source_kube_steer;
        s->ops.steered = source_kube_steered;
    }
    s->base.ops = &s->ops;
    s->set = set;
    s->w = w;
    s->idx = *idx;
    s->scratch = xcalloc(1, sizeof(*s->scratch));
    if (metrics && metrics->w && metrics->n) {
        s->cm = metrics;
        s->cm_items = xcalloc(metrics->n, sizeof(*s->cm_items));
        s->cm_versions = xcalloc(metrics->n, sizeof(*s->cm_versions));
        s->cm_errors = xcalloc(metrics->n, sizeof(*s->cm_errors));
    }
    return &s->base;
}

void source_kube_metric_paths(const struct svc_set *set, struct kube_watcher *w,
                              const struct source_kube_index *idx,
                              struct source_kube_metrics *out) {
    *out = (struct source_kube_metrics){0};
    struct kstore hpas = {0}, deps = {0};
    struct kube_watcher_seen seen[2] = {{0}};
    kube_watcher_sync(w, idx->hpas, &hpas, &seen[0]);
    kube_watcher_sync(w, idx->deployments, &deps, &seen[1]);
    for (size_t i = 0; i < set->n; i++) {
        const struct svc_config *c = &set->svcs[i];
        if (c->cls != SVC_HPA && c->cls != SVC_KEDA)
            continue;
        const char *hpa = c->cls == SVC_KEDA ? c->keda.hpa_name : c->scaler_name;
        const cJSON *h = get(&hpas, c->namespace_, hpa && hpa[0] ? hpa : c->name);
        const cJSON *d = get(&deps, c->namespace_, c->name);
        size_t n_metrics;
        hpa_spec_metrics(&c->hpa, &n_metrics);
        for (size_t m = 0; h && m < n_metrics; m++) {
            char path[2048];
            if (!custom_metrics_path(h, m, obj(obj(d, "spec"), "selector"), path, sizeof(path)))
                continue;
            out->paths = xrealloc(out->paths, (out->n + 1) * sizeof(*out->paths));
            out->svc = xrealloc(out->svc, (out->n + 1) * sizeof(*out->svc));
            out->metric = xrealloc(out->metric, (out->n + 1) * sizeof(*out->metric));
            out->paths[out->n] = xstrdup(path);
            out->svc[out->n] = i;
            out->metric[out->n++] = m;
        }
    }
    kstore_fini(&hpas);
    kstore_fini(&deps);
}

void source_kube_metrics_fini(struct source_kube_metrics *m) {
    for (size_t i = 0; i < m->n; i++)
        free(m->paths[i]);
    free(m->paths);
    free(m->svc);
    free(m->metric);
    *m = (struct source_kube_metrics){0};
}
