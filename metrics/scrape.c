#include "metrics/scrape.h"

#include "engine/buf.h"
#include "metrics/pod_plan.h"

#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One pod as the thread last read it. */
struct pod_state {
    char name[POD_PLAN_NAME];
    struct exporter_reading last;
    double last_at;
    bool has_last; /* a rate needs it; a failed scrape clears it (stale) */
    bool ok;       /* answered in the round under way */
    double v[EXPORTER_FIGURES];
};

/* A service's scraping, the thread's own. */
struct svc_state {
    struct scrape_spec spec;
    struct pod_plan mine;
    struct pod_state *pods;
    size_t cap;
    double next_at;         /* when its next round starts */
    size_t next, in_flight; /* the round under way: pods launched, still running */
    bool active;
    char error[240];
};

struct slot {
    struct scrape_req req;
    struct buf body;
    bool too_big, busy;
    size_t svc, pod;
};

struct scraper {
    struct scrape_transport t;
    size_t n;
    int budget;
    pthread_t thread;
    pthread_mutex_t mu;
    /* under mu */
    bool stop;
    struct pod_plan *plans;
    struct scrape_round *rounds;
    uint64_t *done, *taken;
    /* the thread's own */
    CURLM *multi;
    struct svc_state *svcs;
    struct slot *slots;
    size_t rr; /* where launching resumes, for fairness */
    int spent;
    int64_t second;
    struct promtext_result res; /* the last parse's summary */
};

static double mono_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void scraper_plan(struct scraper *s, size_t svc, const char *ns, const char *const *pods,
                  const char *const *ips, size_t n) {
    if (!s || svc >= s->n)
        return;
    pthread_mutex_lock(&s->mu);
    pod_plan_set(&s->plans[svc], ns, pods, ips, NULL, n);
    pthread_mutex_unlock(&s->mu);
}

bool scraper_take(struct scraper *s, size_t svc, struct scrape_round *out) {
    if (!s || svc >= s->n)
        return false;
    pthread_mutex_lock(&s->mu);
    const bool fresh = s->done[svc] != s->taken[svc];
    if (fresh) {
        *out = s->rounds[svc];
        s->taken[svc] = s->done[svc];
    }
    pthread_mutex_unlock(&s->mu);
    return fresh;
}

static bool stopping(struct scraper *s) {
    pthread_mutex_lock(&s->mu);
    const bool stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

/* The service's plan, when it changed: pods that stay keep their last
 * reading (their rates go on), new ones start without. */
static void adopt(struct scraper *s, size_t svc) {
    struct svc_state *v = &s->svcs[svc];
    pthread_mutex_lock(&s->mu);
    const struct pod_plan *p = &s->plans[svc];
    if (p->version == v->mine.version) {
        pthread_mutex_unlock(&s->mu);
        return;
    }
    const size_t old_n = v->mine.n;
    pod_plan_copy(&v->mine, p);
    pthread_mutex_unlock(&s->mu);
    struct pod_state *was = v->pods;
    v->pods = xcalloc(v->mine.n ? v->mine.n : 1, sizeof(*v->pods));
    v->cap = v->mine.n;
    for (size_t i = 0; i < v->mine.n; i++) {
        snprintf(v->pods[i].name, sizeof(v->pods[i].name), "%s", v->mine.names[i]);
        for (size_t j = 0; j < old_n; j++)
            if (strcmp(was[j].name, v->pods[i].name) == 0) {
                v->pods[i] = was[j];
                break;
            }
    }
    free(was);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx) {
    struct slot *sl = ctx;
    if (sl->body.len + size * n > SCRAPE_MAX_BODY) {
        sl->too_big = true;
        return 0;
    }
    buf_put(&sl->body, p, size * n);
    return size * n;
}

static void fail_pod(struct svc_state *v, size_t pod, const char *why) {
    struct pod_state *ps = &v->pods[pod];
    ps->ok = false;
    ps->has_last = false; /* stale: no rate across the gap */
    if (!v->error[0])
        snprintf(v->error, sizeof(v->error), "pod %.100s: %.130s", ps->name, why);
}

static bool launch(struct scraper *s, struct slot *sl, size_t svc) {
    struct svc_state *v = &s->svcs[svc];
    while (v->active && v->next < v->mine.n && s->spent < s->budget) {
        const size_t pod = v->next++;
        struct pp_error err = {0};
        sl->body.len = 0;
        sl->too_big = false;
        if (s->t.open(s->t.ctx, &sl->req, v->mine.ns, v->mine.names[pod], v->mine.ips[pod],
                      v->spec.port, v->spec.path, on_body, sl, v->spec.timeout_s, &err) != PP_OK) {
            fail_pod(v, pod, err.message);
            continue;
        }
        sl->svc = svc;
        sl->pod = pod;
        sl->busy = true;
        s->spent++;
        v->in_flight++;
        curl_multi_add_handle(s->multi, sl->req.easy);
        return true;
    }
    return false;
}

static void judge(struct scraper *s, struct slot *sl, CURLcode code) {
    struct svc_state *v = &s->svcs[sl->svc];
    struct pod_state *ps = &v->pods[sl->pod];
    struct pp_error err = {0};
    v->in_flight--;
    if (sl->too_big) {
        char why[80];
        snprintf(why, sizeof(why), "its metrics are larger than %u MiB", SCRAPE_MAX_BODY >> 20);
        s->t.done(s->t.ctx, &sl->req, code, NULL, &err);
        fail_pod(v, sl->pod, why);
        return;
    }
    if (s->t.done(s->t.ctx, &sl->req, code, &sl->body, &err) != PP_OK) {
        fail_pod(v, sl->pod, err.message);
        return;
    }
    struct exporter_reading r;
    exporter_read(v->spec.kind, sl->body.p ? sl->body.p : "", sl->body.len, NULL, &r, &s->res);
    if (s->res.samples == 0) { /* not an exposition at all: a wrong port or path */
        fail_pod(v, sl->pod, "its answer holds no metrics (is that the exporter's port and path?)");
        return;
    }
    const double now = mono_s();
    exporter_values(v->spec.kind, &r, ps->has_last ? &ps->last : NULL, now - ps->last_at, ps->v);
    ps->last = r;
    ps->last_at = now;
    ps->has_last = true;
    ps->ok = true;
}

/* A round that has run to its end: folded and handed over. */
static void publish(struct scraper *s, size_t svc) {
    struct svc_state *v = &s->svcs[svc];
    struct exporter_folded f;
    exporter_fold_init(&f);
    struct scrape_round r = {.planned = v->mine.n};
    for (size_t i = 0; i < v->mine.n; i++)
        if (v->pods[i].ok) {
            exporter_fold_add(v->spec.kind, &f, v->pods[i].v);
            r.answered++;
            if (v->pods[i].last.era)
                r.era = v->pods[i].last.era;
        }
    exporter_fold_values(v->spec.kind, &f, r.v);
    memcpy(r.error, v->error, sizeof(r.error));
    v->active = false;
    pthread_mutex_lock(&s->mu);
    s->rounds[svc] = r;
    s->done[svc]++;
    pthread_mutex_unlock(&s->mu);
}

static void start_due(struct scraper *s, double now) {
    for (size_t i = 0; i < s->n; i++) {
        struct svc_state *v = &s->svcs[i];
        if (!v->spec.on || v->active || now < v->next_at)
            continue;
        adopt(s, i);
        if (v->mine.version == 0)
            continue; /* not planned yet: a round of no pods would say nothing */
        v->next_at = now + v->spec.interval_s;
        v->active = true;
        v->next = 0;
        v->error[0] = '\0';
        for (size_t p = 0; p < v->mine.n; p++)
            v->pods[p].ok = false;
    }
}

static void launch_all(struct scraper *s) {
    for (int k = 0; k < s->budget; k++) {
        struct slot *sl = &s->slots[k];
        if (sl->busy)
            continue;
        bool started = false;
        for (size_t j = 0; j < s->n && !started; j++) {
            const size_t svc = (s->rr + j) % s->n;
            started = launch(s, sl, svc);
            if (started)
                s->rr = svc + 1;
        }
        if (!started)
            return;
    }
}

static void *loop(void *arg) {
    struct scraper *s = arg;
    while (!stopping(s)) {
        const double now = mono_s();
        if ((int64_t)now != s->second) { /* a new second: a new budget */
            s->second = (int64_t)now;
            s->spent = 0;
        }
        start_due(s, now);
        launch_all(s);
        int running = 0;
        curl_multi_perform(s->multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(s->multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct slot *sl = NULL;
            for (int i = 0; i < s->budget && !sl; i++)
                if (s->slots[i].busy && s->slots[i].req.easy == msg->easy_handle)
                    sl = &s->slots[i];
            curl_multi_remove_handle(s->multi, msg->easy_handle);
            if (!sl)
                continue;
            sl->busy = false;
            judge(s, sl, msg->data.result);
        }
        for (size_t i = 0; i < s->n; i++) {
            struct svc_state *v = &s->svcs[i];
            if (v->active && v->next >= v->mine.n && v->in_flight == 0)
                publish(s, i);
        }
        curl_multi_poll(s->multi, NULL, 0, 100, NULL);
    }
    return NULL;
}

struct scraper *scraper_start(const struct scrape_transport *t, const struct scrape_spec *specs,
                              size_t n, int budget, struct pp_error *err) {
    struct scraper *s = xcalloc(1, sizeof(*s));
    s->t = *t;
    s->n = n;
    s->budget = budget > 0 ? budget : 50;
    s->plans = xcalloc(n ? n : 1, sizeof(*s->plans));
    s->rounds = xcalloc(n ? n : 1, sizeof(*s->rounds));
    s->done = xcalloc(n ? n : 1, sizeof(*s->done));
    s->taken = xcalloc(n ? n : 1, sizeof(*s->taken));
    s->svcs = xcalloc(n ? n : 1, sizeof(*s->svcs));
    s->slots = xcalloc((size_t)s->budget, sizeof(*s->slots));
    for (size_t i = 0; i < n; i++) {
        struct scrape_spec *sp = &s->svcs[i].spec;
        *sp = specs[i];
        sp->interval_s = sp->interval_s > 0 ? sp->interval_s : 5;
        sp->timeout_s = sp->timeout_s > 0 ? sp->timeout_s : 3;
        if (sp->timeout_s > sp->interval_s)
            sp->timeout_s = sp->interval_s;
        if (!sp->path[0])
            snprintf(sp->path, sizeof(sp->path), "/metrics");
    }
    pthread_mutex_init(&s->mu, NULL);
    s->multi = curl_multi_init();
    if (!s->multi || pthread_create(&s->thread, NULL, loop, s) != 0) {
        pp_fail(err, PP_ERR_IO, "scrape", "could not start the metrics scraper");
        if (s->multi)
            curl_multi_cleanup(s->multi);
        s->multi = NULL;
        s->stop = true;
        scraper_stop(s);
        return NULL;
    }
    return s;
}

void scraper_stop(struct scraper *s) {
    if (!s)
        return;
    if (s->multi) {
        pthread_mutex_lock(&s->mu);
        s->stop = true;
        pthread_mutex_unlock(&s->mu);
        curl_multi_wakeup(s->multi);
        pthread_join(s->thread, NULL);
        for (int i = 0; i < s->budget; i++) {
            if (s->slots[i].busy)
                curl_multi_remove_handle(s->multi, s->slots[i].req.easy);
            if (s->slots[i].req.easy || s->slots[i].req.priv)
                s->t.release(s->t.ctx, &s->slots[i].req);
            buf_free(&s->slots[i].body);
        }
        curl_multi_cleanup(s->multi);
    }
    if (s->t.destroy)
        s->t.destroy(s->t.ctx);
    for (size_t i = 0; i < s->n; i++) {
        pod_plan_fini(&s->plans[i]);
        pod_plan_fini(&s->svcs[i].mine);
        free(s->svcs[i].pods);
    }
    pthread_mutex_destroy(&s->mu);
    free(s->plans);
    free(s->rounds);
    free(s->done);
    free(s->taken);
    free(s->svcs);
    free(s->slots);
    free(s);
}

/* ---- the direct transport: http to the pod's IP ---- */

static enum pp_status direct_open(void *ctx, struct scrape_req *r, const char *ns, const char *pod,
                                  const char *ip, int port, const char *path, scrape_write_fn write,
                                  void *wctx, long timeout_s, struct pp_error *err) {
    (void)ctx;
    if (!ip || !ip[0])
        return pp_fail(err, PP_ERR_INVALID, "scrape", "pod %s/%s has no IP yet", ns, pod);
    if (!r->easy && !(r->easy = curl_easy_init()))
        return pp_fail(err, PP_ERR_IO, "scrape", "out of memory");
    CURL *c = r->easy;
    curl_easy_reset(c);
    const bool v6 = strchr(ip, ':') != NULL;
    char url[sizeof(r->where)];
    snprintf(url, sizeof(url), "http://%s%s%s:%d%s", v6 ? "[" : "", ip, v6 ? "]" : "", port, path);
    snprintf(r->where, sizeof(r->where), "%s", url);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, wctx);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*"); /* a pod IP is never behind a proxy */
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "podpilot/" PODPILOT_VERSION);
    if (!r->priv)
        r->priv = xcalloc(1, CURL_ERROR_SIZE);
    ((char *)r->priv)[0] = '\0';
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, (char *)r->priv);
    return PP_OK;
}

static enum pp_status direct_done(void *ctx, struct scrape_req *r, int code, const struct buf *body,
                                  struct pp_error *err) {
    (void)ctx, (void)body;
    long status = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK) {
        const char *why = ((char *)r->priv)[0] ? (char *)r->priv : curl_easy_strerror(code);
        return pp_fail(err, PP_ERR_IO, "scrape", "%s: %s", r->where, why);
    }
    if (status < 200 || status > 299)
        return pp_fail(err, PP_ERR_IO, "scrape", "%s: HTTP %ld", r->where, status);
    return PP_OK;
}

static void direct_release(void *ctx, struct scrape_req *r) {
    (void)ctx;
    if (r->easy)
        curl_easy_cleanup(r->easy);
    free(r->priv);
    r->easy = r->priv = NULL;
}

struct scrape_transport scrape_direct(void) {
    return (struct scrape_transport){
        .open = direct_open, .done = direct_done, .release = direct_release};
}
