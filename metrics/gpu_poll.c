#include "metrics/gpu_poll.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct gpu_poll {
    struct promapi *c;
    int every_s;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    /* under mu */
    bool stop;
    struct gpu_pod *pods;
    size_t n, cap;
    uint64_t version;
};

static const char *label(const struct promapi_series *s, const char *key) {
    for (size_t i = 0; i < s->n_labels; i++)
        if (strcmp(s->keys[i], key) == 0)
            return s->values[i];
    return NULL;
}

static int by_key(const void *a, const void *b) {
    return strcmp(((const struct gpu_pod *)a)->key, ((const struct gpu_pod *)b)->key);
}

size_t gpu_poll_pods(const struct promapi_result *r, struct gpu_pod **pods, size_t *cap) {
    size_t n = 0;
    if (r->n_series > *cap) {
        *cap = r->n_series;
        *pods = xrealloc(*pods, *cap * sizeof(**pods));
    }
    for (size_t i = 0; i < r->n_series; i++) { /* one entry per GPU */
        const struct promapi_series *s = &r->series[i];
        /* Prometheus renames the exporter's pod label when the target has one */
        const char *pod = label(s, "exported_pod") ? label(s, "exported_pod") : label(s, "pod");
        const char *ns =
            label(s, "exported_namespace") ? label(s, "exported_namespace") : label(s, "namespace");
        if (!pod || !pod[0] || !ns || s->n_points == 0 || !isfinite(s->points[0].v))
            continue; /* a GPU no pod holds */
        snprintf((*pods)[n].key, sizeof((*pods)[n].key), "%s/%s", ns, pod);
        (*pods)[n++].util = s->points[0].v;
    }
    qsort(*pods, n, sizeof(**pods), by_key);
    size_t out = 0; /* a pod's GPUs averaged */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double sum = 0;
        for (; j < n && strcmp((*pods)[j].key, (*pods)[i].key) == 0; j++)
            sum += (*pods)[j].util;
        (*pods)[out] = (*pods)[i];
        (*pods)[out++].util = sum / (double)(j - i);
        i = j;
    }
    return out;
}

static void poll_once(struct gpu_poll *g) {
    struct promapi_result r;
    struct pp_error err = {0};
    struct gpu_pod *pods = NULL;
    size_t n = 0, cap = 0;
    /* SM_ACTIVE where a GPU's exporter has it (the better load signal,
     * off in dcgm-exporter's default counters), GPU_UTIL elsewhere: `or`
     * keeps the right side's series whose labels the left lacks */
    const enum pp_status st = promapi_query(g->c, GPU_POLL_QUERY, 0, &r, &err);
    if (st == PP_OK) {
        n = gpu_poll_pods(&r, &pods, &cap);
        promapi_result_fini(&r);
    }
    pthread_mutex_lock(&g->mu); /* a failed poll leaves no figure: stale, never the last one */
    free(g->pods);
    g->pods = pods;
    g->n = n;
    g->cap = cap;
    g->version++;
    pthread_mutex_unlock(&g->mu);
}

static void *loop(void *arg) {
    struct gpu_poll *g = arg;
    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        pthread_mutex_unlock(&g->mu);
        poll_once(g);
        pthread_mutex_lock(&g->mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += g->every_s;
        while (!g->stop && pthread_cond_timedwait(&g->wake, &g->mu, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

struct gpu_poll *gpu_poll_start(const struct promapi_options *o, int every_s,
                                struct pp_error *err) {
    struct promapi *c = promapi_create(o, err);
    char version[64];
    if (c && promapi_buildinfo(c, version, sizeof(version), err) != PP_OK) {
        promapi_destroy(c); /* an unreachable Prometheus is said at start, not hidden */
        c = NULL;
    }
    if (!c)
        return NULL;
    struct gpu_poll *g = xcalloc(1, sizeof(*g));
    g->c = c;
    g->every_s = every_s > 0 ? every_s : 5;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->wake, NULL);
    if (pthread_create(&g->thread, NULL, loop, g) != 0) {
        pp_fail(err, PP_ERR_IO, "--prometheus", "could not start the GPU poller's thread");
        pthread_cond_destroy(&g->wake);
        pthread_mutex_destroy(&g->mu);
        promapi_destroy(c);
        free(g);
        return NULL;
    }
    return g;
}

void gpu_poll_stop(struct gpu_poll *g) {
    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    g->stop = true;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->thread, NULL);
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->mu);
    promapi_destroy(g->c);
    free(g->pods);
    free(g);
}

void gpu_poll_take(struct gpu_poll *g, struct gpu_view *v) {
    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    if (g->version != v->version) {
        if (g->n > v->cap) {
            v->cap = g->n;
            v->pods = xrealloc(v->pods, v->cap * sizeof(*v->pods));
        }
        if (g->n)
            memcpy(v->pods, g->pods, g->n * sizeof(*v->pods));
        v->n = g->n;
        v->version = g->version;
    }
    pthread_mutex_unlock(&g->mu);
}

bool gpu_view_get(const struct gpu_view *v, const char *ns, const char *pod, double *out) {
    struct gpu_pod want;
    snprintf(want.key, sizeof(want.key), "%s/%s", ns, pod);
    const struct gpu_pod *hit =
        v->n ? bsearch(&want, v->pods, v->n, sizeof(*v->pods), by_key) : NULL;
    if (hit)
        *out = hit->util;
    return hit != NULL;
}

void gpu_view_fini(struct gpu_view *v) {
    free(v->pods);
    *v = (struct gpu_view){0};
}
