#include "k8s/stat_scrape.h"

#include "k8s/kpa_stat.h"
#include "metrics/pod_plan.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCRAPE_TIMEOUT_S 3 /* httpClientTimeout */

/* One service's scrape in the round under way (the thread's own). */
struct pick {
    size_t *order; /* pod indexes: the old pods shuffled, then the young */
    size_t cap, next, need, answered, sampled;
    struct kpa_stat sum;
    char error[240];
    bool active;
};

/* One request in flight. */
struct slot {
    struct kube_request req;
    uint8_t body[KPA_STAT_MAX_BYTES];
    size_t len;
    bool too_big, busy;
    size_t svc, pod;
};

struct stat_scraper {
    struct kube_client *k;
    size_t n;
    int budget;
    pthread_t thread;
    pthread_mutex_t mu;
    /* under mu */
    bool stop;
    struct pod_plan *plans;
    struct stat_round *rounds;
    uint64_t *done, *taken;
    /* the thread's own */
    CURLM *multi;
    struct pod_plan *mine;
    uint64_t *seen;
    struct pick *picks;
    struct slot *slots;
    size_t next_svc; /* where a round starts when the last one ran out of budget */
    int spent;
    uint64_t rng;
};

void stat_scraper_plan(struct stat_scraper *s, size_t svc, const char *ns, const char *const *pods,
                       const bool *young, size_t n) {
    if (!s || svc >= s->n)
        return;
    pthread_mutex_lock(&s->mu);
    pod_plan_set(&s->plans[svc], ns, pods, NULL, young, n);
    pthread_mutex_unlock(&s->mu);
}

bool stat_scraper_take(struct stat_scraper *s, size_t svc, struct stat_round *out) {
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

static bool stopping(struct stat_scraper *s) {
    pthread_mutex_lock(&s->mu);
    const bool stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    return stop;
}

static uint64_t next_random(struct stat_scraper *s) {
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    return s->rng;
}

static void shuffle(struct stat_scraper *s, size_t *a, size_t n) {
    for (size_t i = n; i > 1; i--) {
        const size_t j = (size_t)(next_random(s) % i);
        const size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* The order svc's pods are tried in: every pod that has run a stable
 * window, shuffled, before the young ones, shuffled. */
static void order_pods(struct stat_scraper *s, size_t svc) {
    const struct pod_plan *p = &s->mine[svc];
    struct pick *k = &s->picks[svc];
    if (p->n > k->cap) {
        k->cap = p->n;
        k->order = xrealloc(k->order, k->cap * sizeof(*k->order));
    }
    size_t old = 0;
    for (size_t i = 0; i < p->n; i++)
        if (!p->flags[i])
            k->order[old++] = i;
    size_t at = old;
    for (size_t i = 0; i < p->n; i++)
        if (p->flags[i])
            k->order[at++] = i;
    shuffle(s, k->order, old);
    shuffle(s, k->order + old, p->n - old);
}

static size_t on_body(char *ptr, size_t size, size_t n, void *ctx) {
    struct slot *sl = ctx;
    const size_t len = size * n;
    if (len > sizeof(sl->body) - sl->len) {
        sl->too_big = true; /* the scraper reads no more than this */
        return 0;
    }
    memcpy(sl->body + sl->len, ptr, len);
    sl->len += len;
    return len;
}

static void fail_pick(struct pick *k, const struct pod_plan *p, size_t pod, const char *what) {
    if (!k->error[0])
        snprintf(k->error, sizeof(k->error), "pod %s/%.*s: %s", p->ns, 100, p->names[pod], what);
}

/* The next untried pod of svc into sl; false when none is left or the
 * second's budget is spent. */
static bool launch(struct stat_scraper *s, struct slot *sl, size_t svc) {
    struct pick *k = &s->picks[svc];
    const struct pod_plan *p = &s->mine[svc];
    while (k->next < p->n) {
        if (s->spent >= s->budget)
            return false;
        const size_t pod = k->order[k->next++];
        char path[512];
        snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods/%s:9090/proxy/metrics", p->ns,
                 p->names[pod]);
        struct pp_error err = {0};
        sl->req.accept = KPA_STAT_MIME;
        sl->len = 0;
        sl->too_big = false;
        if (kube_request_init(s->k, &sl->req, path, on_body, sl, SCRAPE_TIMEOUT_S, &err) != PP_OK) {
            fail_pick(k, p, pod, err.message);
            continue;
        }
        sl->svc = svc;
        sl->pod = pod;
        sl->busy = true;
        s->spent++;
        k->sampled++;
        curl_multi_add_handle(s->multi, sl->req.easy);
        return true;
    }
    return false;
}

/* A finished request of sl: its Stat added to the service's sum, or why not. */
static bool judge(struct stat_scraper *s, struct slot *sl, CURLcode code) {
    struct pick *k = &s->picks[sl->svc];
    const struct pod_plan *p = &s->mine[sl->svc];
    struct pp_error err = {0};
    long status = 0;
    struct buf body = {.p = (char *)sl->body, .len = sl->len};
    if (sl->too_big) {
        fail_pick(k, p, sl->pod, "its report is longer than a Stat message can be");
        return false;
    }
    if (kube_request_result(s->k, &sl->req, code, &body, &status, &err) != PP_OK) {
        if (status == 401)
            kube_client_refresh(s->k);
        /* the pod names the request: what the client says after its path */
        const char *after = strstr(err.message, sl->req.path);
        after = after && strncmp(after + strlen(sl->req.path), ": ", 2) == 0
                    ? after + strlen(sl->req.path) + 2
                    : err.message;
        fail_pick(k, p, sl->pod, after);
        return false;
    }
    const char *type = NULL;
    curl_easy_getinfo(sl->req.easy, CURLINFO_CONTENT_TYPE, &type);
    if (!type || strcmp(type, KPA_STAT_MIME) != 0) {
        char what[200];
        snprintf(what, sizeof(what),
                 "port 9090 answered Content-Type %s, not " KPA_STAT_MIME " (is it a queue-proxy?)",
                 type ? type : "(none)");
        fail_pick(k, p, sl->pod, what);
        return false;
    }
    struct kpa_stat_msg m;
    const char *why = NULL;
    size_t where = 0;
    if (!kpa_stat_decode(sl->body, sl->len, &m, &why, &where)) {
        char what[200];
        snprintf(what, sizeof(what), "its Stat does not decode: %s at byte %zu", why, where);
        fail_pick(k, p, sl->pod, what);
        return false;
    }
    k->sum.concurrency += m.concurrency;
    k->sum.proxied_concurrency += m.proxied_concurrency;
    k->sum.rps += m.rps;
    k->sum.proxied_rps += m.proxied_rps;
    k->answered++;
    return true;
}

/* Runs the round's requests to the end (each is bounded by its timeout). */
static void drive(struct stat_scraper *s) {
    int running = 1;
    while (running && !stopping(s)) {
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
            const bool ok = judge(s, sl, msg->data.result);
            sl->busy = false;
            kube_request_fini(&sl->req, true);
            if (!ok && launch(s, sl, sl->svc)) /* another pod in its place */
                running = 1;
        }
        if (running)
            curl_multi_poll(s->multi, NULL, 0, 100, NULL);
    }
}

static void publish(struct stat_scraper *s) {
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->n; i++) {
        struct pick *k = &s->picks[i];
        if (!k->active)
            continue;
        struct stat_round *r = &s->rounds[i];
        const size_t n = s->mine[i].n;
        *r = (struct stat_round){.planned = n, .sampled = k->sampled, .answered = k->answered};
        if (k->answered == k->need) { /* every sampled pod answered (none: no ready pod) */
            /* stats_scraper.go computeAverages: sum / sample × total */
            const double f = k->need ? (double)n / (double)k->need : 0;
            r->stat = (struct kpa_stat){.concurrency = k->sum.concurrency * f,
                                        .proxied_concurrency = k->sum.proxied_concurrency * f,
                                        .rps = k->sum.rps * f,
                                        .proxied_rps = k->sum.proxied_rps * f};
        } else {
            snprintf(r->error, sizeof(r->error), "%s",
                     k->error[0] ? k->error : "the second's scrape budget was spent");
        }
        s->done[i]++;
    }
    pthread_mutex_unlock(&s->mu);
}

/* One second: each planned service's sample, as far as the budget goes. */
static void round_once(struct stat_scraper *s) {
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->n; i++)
        if (s->plans[i].version != s->seen[i]) {
            pod_plan_copy(&s->mine[i], &s->plans[i]);
            s->seen[i] = s->plans[i].version;
        }
    pthread_mutex_unlock(&s->mu);
    s->spent = 0;
    size_t free_slot = 0;
    const size_t first = s->next_svc;
    for (size_t j = 0; j < s->n; j++) {
        const size_t svc = (first + j) % s->n;
        struct pick *k = &s->picks[svc];
        k->active = s->seen[svc] > 0;
        if (!k->active)
            continue;
        k->next = k->answered = k->sampled = 0;
        k->sum = (struct kpa_stat){0};
        k->error[0] = '\0';
        k->need = kpa_sample_size((uint32_t)s->mine[svc].n);
        if (k->need == 0)
            continue; /* no ready pod: nothing to scrape, an empty round */
        if (s->spent + (int)k->need > s->budget && s->spent > 0) {
            s->next_svc = svc; /* the next second starts here */
            k->active = false;
            continue;
        }
        order_pods(s, svc);
        for (size_t i = 0; i < k->need && free_slot < (size_t)s->budget; i++)
            if (launch(s, &s->slots[free_slot], svc))
                free_slot++;
    }
    drive(s);
    publish(s);
}

static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *loop(void *arg) {
    struct stat_scraper *s = arg;
    int64_t next = mono_ns();
    while (!stopping(s)) {
        round_once(s);
        next += 1000000000; /* scrapeTickInterval */
        const int64_t now = mono_ns();
        if (next < now)
            next = now; /* a slow round: the next starts at once, none is made up */
        while (!stopping(s) && mono_ns() < next) {
            const int64_t wait_ms = (next - mono_ns()) / 1000000;
            curl_multi_poll(s->multi, NULL, 0, wait_ms > 100 ? 100 : (int)(wait_ms + 1), NULL);
        }
    }
    return NULL;
}

struct stat_scraper *stat_scraper_start(struct kube_client *k, size_t n_services, int budget,
                                        struct pp_error *err) {
    struct stat_scraper *s = xcalloc(1, sizeof(*s));
    s->k = k;
    s->n = n_services;
    s->budget = budget > 0 ? budget : 1;
    s->plans = xcalloc(n_services, sizeof(*s->plans));
    s->mine = xcalloc(n_services, sizeof(*s->mine));
    s->rounds = xcalloc(n_services, sizeof(*s->rounds));
    s->done = xcalloc(n_services, sizeof(*s->done));
    s->taken = xcalloc(n_services, sizeof(*s->taken));
    s->seen = xcalloc(n_services, sizeof(*s->seen));
    s->picks = xcalloc(n_services, sizeof(*s->picks));
    s->slots = xcalloc((size_t)s->budget, sizeof(*s->slots));
    s->rng = (uint64_t)mono_ns() | 1;
    pthread_mutex_init(&s->mu, NULL);
    s->multi = curl_multi_init();
    if (!s->multi || pthread_create(&s->thread, NULL, loop, s) != 0) {
        if (s->multi)
            curl_multi_cleanup(s->multi);
        s->multi = NULL;
        stat_scraper_stop(s);
        pp_fail(err, PP_ERR_IO, "scrape", "could not start the stats scraper's thread");
        return NULL;
    }
    return s;
}

static void plans_free(struct pod_plan *p, size_t n) {
    for (size_t i = 0; p && i < n; i++)
        pod_plan_fini(&p[i]);
}

void stat_scraper_stop(struct stat_scraper *s) {
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
            kube_request_fini(&s->slots[i].req, false);
        }
        curl_multi_cleanup(s->multi);
    }
    pthread_mutex_destroy(&s->mu);
    plans_free(s->plans, s->n);
    plans_free(s->mine, s->n);
    for (size_t i = 0; i < s->n; i++)
        free(s->picks[i].order);
    free(s->plans);
    free(s->mine);
    free(s->rounds);
    free(s->done);
    free(s->taken);
    free(s->seen);
    free(s->picks);
    free(s->slots);
    free(s);
}
