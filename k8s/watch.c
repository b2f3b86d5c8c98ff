#include "k8s/watch.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_EVENT_BYTES (64u << 20)
#define BACKOFF_MIN 0.8
#define BACKOFF_MAX 30.0

/* ---- a watch stream into events ---- */

static bool space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool ndjson_feed(struct ndjson *s, const char *p, size_t n, size_t max_bytes, ndjson_fn fn,
                 void *ctx) {
    buf_put(&s->pending, p, n);
    char *b = s->pending.p;
    size_t i = s->scan, start = 0;
    for (; i < s->pending.len; i++) {
        const char c = b[i];
        if (s->in_string) {
            if (s->escape)
                s->escape = false;
            else if (c == '\\')
                s->escape = true;
            else if (c == '"')
                s->in_string = false;
            continue;
        }
        if (s->depth == 0) {
            if (space(c)) {
                if (i == start)
                    start++;
                continue;
            }
            if (c != '{')
                return false; /* a watch stream holds objects and nothing else */
        }
        if (c == '"')
            s->in_string = true;
        else if (c == '{' || c == '[')
            s->depth++;
        else if ((c == '}' || c == ']') && --s->depth == 0) {
            fn(ctx, b + start, i + 1 - start);
            start = i + 1;
        }
    }
    /* keep the unfinished object only */
    const size_t rest = s->pending.len - start;
    if (rest > max_bytes)
        return false;
    memmove(b, b + start, rest);
    s->pending.len = rest;
    s->scan = rest;
    return true;
}

void ndjson_reset(struct ndjson *s) {
    s->pending.len = 0;
    s->scan = 0;
    s->depth = 0;
    s->in_string = s->escape = false;
}

void ndjson_fini(struct ndjson *s) { buf_free(&s->pending); }

/* ---- the watcher ---- */

enum wstate { W_LIST, W_WATCH };

struct wres {
    struct kube_watcher *w;
    char path[1024];
    char kind[128], api[128];
    /* the store, under w->mu */
    struct kstore store;
    bool slim; /* a Pod store: each pod cut to what podpilot reads */
    uint64_t version;
    bool synced, unserved;
    char error[400]; /* a polled resource: why its last poll failed, "" when it did not */
    /* the protocol, the I/O thread's alone */
    enum wstate state;
    char rv[64], cont[4096];
    struct kstore pending; /* the list in progress, each page's items put as they come */
    bool busy, relist;
    double next_at, backoff, started;
    uint64_t stream_events;
    int poll_s; /* > 0: listed again this often, never watched */
    struct kube_request req;
    struct buf body;
    struct ndjson nd;
};

struct kube_watcher {
    struct kube_client *k;
    struct wres *res;
    size_t n;
    int timeout_s;
    CURLM *multi;
    pthread_t thread;
    pthread_mutex_t mu;
    bool stop; /* under mu */
    struct kube_watch_stats stats;
};

static double mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *meta_str(const cJSON *obj, const char *key) {
    return cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), key));
}

/* What podpilot never reads and a store should not hold, as client-go's
 * informers drop it with a transform: the field managers' bookkeeping and
 * kubectl's copy of the last applied object (often most of the bytes). */
static void trim(cJSON *obj) {
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "managedFields");
    cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(meta, "annotations"),
                                            "kubectl.kubernetes.io/last-applied-configuration");
}

/* Keeps only the members of o named in keep. */
static void keep_only(cJSON *o, const char *const *keep) {
    cJSON *it = o ? o->child : NULL;
    while (it) {
        cJSON *next = it->next;
        bool kept = false;
        for (const char *const *k = keep; *k && !kept; k++)
            kept = it->string && strcmp(it->string, *k) == 0;
        if (!kept)
            cJSON_Delete(cJSON_DetachItemViaPointer(o, it));
        it = next;
    }
}

/* Keeps only the array's elements whose "type" is type. */
static void keep_typed(cJSON *arr, const char *type) {
    cJSON *it = arr ? arr->child : NULL;
    while (it) {
        cJSON *next = it->next;
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "type"));
        if (!t || strcmp(t, type) != 0)
            cJSON_Delete(cJSON_DetachItemViaPointer(arr, it));
        it = next;
    }
}

void kube_watch_slim_pod(cJSON *pod) {
    static const char *const top[] = {"metadata", "spec", "status", NULL};
    static const char *const meta[] = {"name", "namespace", "labels", "deletionTimestamp", NULL};
    static const char *const spec[] = {"containers", "initContainers", NULL};
    static const char *const container[] = {"name", "resources", "restartPolicy", NULL};
    static const char *const resources[] = {"requests", NULL};
    static const char *const requests[] = {"cpu", "memory", NULL};
    static const char *const status[] = {"phase", "conditions", "startTime", "podIP", NULL};
    static const char *const condition[] = {"type", "status", "lastTransitionTime", NULL};
    keep_only(pod, top);
    keep_only(cJSON_GetObjectItemCaseSensitive(pod, "metadata"), meta);
    cJSON *sp = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    keep_only(sp, spec);
    static const char *const lists[] = {"containers", "initContainers"};
    for (size_t l = 0; l < 2; l++) {
        cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(sp, lists[l])) {
            keep_only(c, container);
            cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "resources");
            keep_only(r, resources);
            keep_only(cJSON_GetObjectItemCaseSensitive(r, "requests"), requests);
        }
    }
    cJSON *st = cJSON_GetObjectItemCaseSensitive(pod, "status");
    keep_only(st, status);
    cJSON *conds = cJSON_GetObjectItemCaseSensitive(st, "conditions"), *c;
    keep_typed(conds, "Ready");
    cJSON_ArrayForEach(c, conds) keep_only(c, condition);
}

/* Under w->mu, or on a store of the I/O thread's own. Takes obj. */
static void put_into(struct kstore *st, bool slim, cJSON *obj) {
    if (slim)
        kube_watch_slim_pod(obj);
    else
        trim(obj);
    char key[512];
    kstore_key(obj, st->n, key, sizeof(key));
    kstore_put(st, key, obj);
}

static void store_put(struct wres *r, cJSON *obj) {
    put_into(&r->store, r->slim, obj);
    r->version++;
}

static void store_delete(struct wres *r, const cJSON *obj) {
    char key[512];
    kstore_key(obj, r->store.n, key, sizeof(key));
    if (kstore_delete(&r->store, key))
        r->version++;
}

static void note_error(struct kube_watcher *w, const struct pp_error *err) {
    pthread_mutex_lock(&w->mu);
    w->stats.errors++;
    snprintf(w->stats.last_error, sizeof(w->stats.last_error), "%s", err->message);
    pthread_mutex_unlock(&w->mu);
}

static void back_off(struct wres *r) {
    r->backoff = r->backoff > 0 ? r->backoff * 2 : BACKOFF_MIN;
    if (r->backoff > BACKOFF_MAX)
        r->backoff = BACKOFF_MAX;
    r->next_at = mono() + r->backoff * (1.0 + (double)rand() / RAND_MAX); /* jitter 1.0 */
}

/* ---- watch events ---- */

static void on_event(void *ctx, const char *text, size_t len) {
    struct wres *r = ctx;
    struct kube_watcher *w = r->w;
    cJSON *ev = cJSON_ParseWithLength(text, len);
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "type"));
    cJSON *obj = cJSON_DetachItemFromObjectCaseSensitive(ev, "object");
    const char *rv = meta_str(obj, "resourceVersion");
    pthread_mutex_lock(&w->mu);
    if (!type || !obj) {
        w->stats.errors++;
    } else if (strcmp(type, "ERROR") == 0) {
        const double code = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(obj, "code"));
        if (code == 410) /* too old: the history moved on; list again */
            r->relist = true;
        w->stats.errors++;
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "message"));
        snprintf(w->stats.last_error, sizeof(w->stats.last_error), "%.200s: %.300s", r->path,
                 msg ? msg : "an ERROR event");
    } else if (strcmp(type, "BOOKMARK") == 0) {
        w->stats.bookmarks++;
    } else {
        w->stats.events++;
        r->stream_events++;
    }
    if (rv && type && strcmp(type, "ERROR") != 0)
        snprintf(r->rv, sizeof(r->rv), "%s", rv);
    if (type && (strcmp(type, "ADDED") == 0 || strcmp(type, "MODIFIED") == 0)) {
        store_put(r, obj);
        obj = NULL;
    } else if (type && strcmp(type, "DELETED") == 0) {
        store_delete(r, obj);
    }
    pthread_mutex_unlock(&w->mu);
    cJSON_Delete(obj);
    cJSON_Delete(ev);
}

static size_t on_watch_bytes(char *p, size_t size, size_t n, void *ctx) {
    struct wres *r = ctx;
    long status = 0;
    curl_easy_getinfo(r->req.easy, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) { /* a Status body, not a stream */
        buf_put(&r->body, p, size * n);
        return size * n;
    }
    return ndjson_feed(&r->nd, p, size * n, MAX_EVENT_BYTES, on_event, r) ? size * n : 0;
}

static size_t on_list_bytes(char *p, size_t size, size_t n, void *ctx) {
    buf_put(&((struct wres *)ctx)->body, p, size * n);
    return size * n;
}

/* ---- requests ---- */

static void start(struct wres *r) {
    struct kube_watcher *w = r->w;
    char path[8192];
    struct pp_error err = {0};
    buf_clear(&r->body);
    enum pp_status st;
    if (r->state == W_LIST) {
        char *c = r->cont[0] ? kube_escape(r->cont) : NULL;
        if (strchr(r->path, '?')) /* a metric's query: its selectors, not paged */
            snprintf(path, sizeof(path), "%s", r->path);
        else
            snprintf(path, sizeof(path), "%s?limit=500%s%s", r->path, c ? "&continue=" : "",
                     c ? c : "");
        free(c);
        st = kube_request_init(w->k, &r->req, path, on_list_bytes, r, 120, &err);
    } else {
        snprintf(path, sizeof(path),
                 "%s?allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%d&watch=true",
                 r->path, r->rv, w->timeout_s);
        ndjson_reset(&r->nd);
        r->stream_events = 0;
        /* no total timeout; a stream silent past two bookmarks' time is dead */
        st = kube_request_init(w->k, &r->req, path, on_watch_bytes, r, 0, &err);
        if (st == PP_OK) {
            curl_easy_setopt(r->req.easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
            curl_easy_setopt(r->req.easy, CURLOPT_LOW_SPEED_TIME, (long)w->timeout_s + 90);
        }
    }
    if (st != PP_OK) {
        note_error(w, &err);
        back_off(r);
        return;
    }
    curl_easy_setopt(r->req.easy, CURLOPT_PRIVATE, r);
    curl_multi_add_handle(w->multi, r->req.easy);
    r->busy = true;
    r->started = mono();
}

/* A list page arrived: its items join the list in progress; the last page
 * replaces the store. */
static void list_page(struct wres *r) {
    struct kube_watcher *w = r->w;
    cJSON *page = cJSON_Parse(r->body.p ? r->body.p : "");
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(page, "kind"));
    const char *api = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(page, "apiVersion"));
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(page, "items");
    if (!page || !cJSON_IsArray(items)) {
        const struct pp_error err = {.message = "a list answer that is not a List"};
        note_error(w, &err);
        cJSON_Delete(page);
        back_off(r);
        return;
    }
    if (kind && strlen(kind) > 4)
        snprintf(r->kind, sizeof(r->kind), "%.*s", (int)strlen(kind) - 4, kind);
    snprintf(r->api, sizeof(r->api), "%s", api ? api : "");
    cJSON *it;
    while ((it = items->child)) /* moved, not copied, and cut at once: 500 pods a page */
        put_into(&r->pending, r->slim, cJSON_DetachItemViaPointer((cJSON *)items, it));
    const char *next = meta_str(page, "continue");
    snprintf(r->cont, sizeof(r->cont), "%s", next ? next : "");
    const char *rv = meta_str(page, "resourceVersion");
    snprintf(r->rv, sizeof(r->rv), "%s", rv ? rv : "");
    cJSON_Delete(page);
    if (r->cont[0])
        return;                 /* the next page at once */
    pthread_mutex_lock(&w->mu); /* built outside the lock, swapped in under it */
    kstore_swap(&r->store, &r->pending);
    r->synced = true;
    r->error[0] = '\0';
    r->version++;
    w->stats.lists++;
    pthread_mutex_unlock(&w->mu);
    kstore_fini(&r->pending); /* the store as it was, freed outside the lock */
    r->backoff = 0;
    if (r->poll_s > 0)
        r->next_at = mono() + r->poll_s; /* list again then */
    else
        r->state = W_WATCH;
}

static void relist(struct wres *r) {
    r->state = W_LIST;
    r->cont[0] = '\0';
    kstore_fini(&r->pending);
    r->relist = false;
    pthread_mutex_lock(&r->w->mu);
    r->w->stats.relists++;
    pthread_mutex_unlock(&r->w->mu);
}

/* A poll that failed: the store empties and says why (the HPA controller
 * sees the error, not the last answer), and the next poll comes on time. */
static void poll_failed(struct wres *r, const struct pp_error *err) {
    struct kube_watcher *w = r->w;
    cJSON *o = r->body.p ? cJSON_Parse(r->body.p) : NULL;
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "message"));
    pthread_mutex_lock(&w->mu);
    snprintf(r->error, sizeof(r->error), "%.399s", msg ? msg : err->message);
    kstore_clear(&r->store);
    r->synced = true;
    r->version++;
    w->stats.errors++;
    snprintf(w->stats.last_error, sizeof(w->stats.last_error), "%s", err->message);
    pthread_mutex_unlock(&w->mu);
    cJSON_Delete(o);
    r->next_at = mono() + r->poll_s;
}

static void finish(struct wres *r, CURLcode code) {
    struct kube_watcher *w = r->w;
    curl_multi_remove_handle(w->multi, r->req.easy);
    r->busy = false;
    long status = 0;
    struct pp_error err = {0};
    const enum pp_status st = kube_request_result(w->k, &r->req, code, &r->body, &status, &err);
    kube_request_fini(&r->req, true);
    if (st != PP_OK && r->poll_s > 0) { /* a metrics API's answer: its error is the value */
        if (status == 401)
            kube_client_refresh(w->k);
        poll_failed(r, &err);
        return;
    }
    if (st != PP_OK) {
        if (status == 404 && r->state == W_LIST) { /* not served: no KServe here */
            pthread_mutex_lock(&w->mu);
            r->unserved = r->synced = true;
            pthread_mutex_unlock(&w->mu);
            return;
        }
        if (status == 410)
            relist(r);
        if (status == 401)
            kube_client_refresh(w->k);
        note_error(w, &err);
        back_off(r);
        return;
    }
    if (r->state == W_LIST) {
        list_page(r);
        return;
    }
    if (r->relist) {
        relist(r);
        return;
    }
    pthread_mutex_lock(&w->mu);
    w->stats.rewatches++;
    pthread_mutex_unlock(&w->mu);
    if (r->stream_events == 0 && mono() - r->started < 1.0)
        back_off(r); /* a very short empty watch: do not spin */
    else
        r->backoff = 0;
}

static bool stopping(struct kube_watcher *w) {
    pthread_mutex_lock(&w->mu);
    const bool s = w->stop;
    pthread_mutex_unlock(&w->mu);
    return s;
}

static void *loop(void *arg) {
    struct kube_watcher *w = arg;
    while (!stopping(w)) {
        const double now = mono();
        for (size_t i = 0; i < w->n; i++) {
            struct wres *r = &w->res[i];
            if (!r->busy && !r->unserved && now >= r->next_at)
                start(r);
        }
        int running = 0;
        curl_multi_perform(w->multi, &running);
        int left;
        CURLMsg *m;
        while ((m = curl_multi_info_read(w->multi, &left)))
            if (m->msg == CURLMSG_DONE) {
                struct wres *r = NULL;
                curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
                finish(r, m->data.result);
            }
        curl_multi_poll(w->multi, NULL, 0, 100, NULL);
    }
    return NULL;
}

struct kube_watcher *kube_watcher_start(struct kube_client *k, const char *const *paths,
                                        const int *poll_s, size_t n, int timeout_s,
                                        struct pp_error *err) {
    struct kube_watcher *w = xcalloc(1, sizeof(*w));
    w->k = k;
    w->n = n;
    w->timeout_s = timeout_s > 0 ? timeout_s : 300;
    w->res = xcalloc(n ? n : 1, sizeof(*w->res));
    for (size_t i = 0; i < n; i++) {
        w->res[i].w = w;
        w->res[i].poll_s = poll_s ? poll_s[i] : 0;
        snprintf(w->res[i].path, sizeof(w->res[i].path), "%s", paths[i]);
        const size_t len = strlen(paths[i]);
        w->res[i].slim = strncmp(paths[i], "/api/v1/", 8) == 0 && len > 5 &&
                         strcmp(paths[i] + len - 5, "/pods") == 0;
    }
    pthread_mutex_init(&w->mu, NULL);
    w->multi = curl_multi_init();
    if (!w->multi || pthread_create(&w->thread, NULL, loop, w) != 0) {
        pp_fail(err, PP_ERR_IO, "kube", "the watch thread could not start");
        if (w->multi)
            curl_multi_cleanup(w->multi);
        pthread_mutex_destroy(&w->mu);
        free(w->res);
        free(w);
        return NULL;
    }
    return w;
}

void kube_watcher_stop(struct kube_watcher *w) {
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_mutex_unlock(&w->mu);
    curl_multi_wakeup(w->multi);
    pthread_join(w->thread, NULL);
    for (size_t i = 0; i < w->n; i++) {
        struct wres *r = &w->res[i];
        if (r->busy)
            curl_multi_remove_handle(w->multi, r->req.easy);
        kube_request_fini(&r->req, false);
        kstore_fini(&r->store);
        kstore_fini(&r->pending);
        buf_free(&r->body);
        ndjson_fini(&r->nd);
    }
    curl_multi_cleanup(w->multi);
    pthread_mutex_destroy(&w->mu);
    free(w->res);
    free(w);
}

char *kube_watcher_list(struct kube_watcher *w, size_t i, uint64_t *version, bool *synced) {
    struct wres *r = &w->res[i];
    pthread_mutex_lock(&w->mu);
    *version = r->version;
    *synced = r->synced;
    char *text = NULL;
    if (r->synced) {
        cJSON *list = cJSON_CreateObject();
        cJSON_AddStringToObject(list, "apiVersion", "v1");
        cJSON_AddStringToObject(list, "kind", "List");
        cJSON *items = cJSON_AddArrayToObject(list, "items");
        for (size_t k = 0; k < r->store.n; k++) {
            cJSON *o = cJSON_Duplicate(r->store.objs[k], true);
            if (!cJSON_GetObjectItemCaseSensitive(o, "kind"))
                cJSON_AddStringToObject(o, "kind", r->kind);
            if (!cJSON_GetObjectItemCaseSensitive(o, "apiVersion"))
                cJSON_AddStringToObject(o, "apiVersion", r->api);
            cJSON_AddItemToArray(items, o);
        }
        text = cJSON_Print(list);
        cJSON_Delete(list);
    }
    pthread_mutex_unlock(&w->mu);
    return text;
}

uint64_t kube_watcher_version(struct kube_watcher *w, size_t i, size_t *count) {
    pthread_mutex_lock(&w->mu);
    const uint64_t v = w->res[i].version;
    *count = w->res[i].store.n;
    pthread_mutex_unlock(&w->mu);
    return v;
}

cJSON *kube_watcher_copy(struct kube_watcher *w, size_t i, uint64_t *version) {
    struct wres *r = &w->res[i];
    pthread_mutex_lock(&w->mu);
    cJSON *arr = cJSON_CreateArray();
    for (size_t k = 0; k < r->store.n; k++)
        cJSON_AddItemToArray(arr, cJSON_Duplicate(r->store.objs[k], true));
    *version = r->version;
    pthread_mutex_unlock(&w->mu);
    return arr;
}

unsigned kube_watcher_sync(struct kube_watcher *w, size_t i, struct kstore *mirror,
                           struct kube_watcher_seen *seen) {
    pthread_mutex_lock(&w->mu);
    const unsigned changed = kstore_sync(&w->res[i].store, mirror, &seen->clock, &seen->generation);
    pthread_mutex_unlock(&w->mu);
    return changed;
}

bool kube_watcher_error(struct kube_watcher *w, size_t i, char *buf, size_t size) {
    pthread_mutex_lock(&w->mu);
    const bool failed = w->res[i].error[0] != '\0';
    snprintf(buf, size, "%s", w->res[i].error);
    pthread_mutex_unlock(&w->mu);
    return failed;
}

bool kube_watcher_synced(struct kube_watcher *w) {
    pthread_mutex_lock(&w->mu);
    bool all = true;
    for (size_t i = 0; i < w->n; i++)
        all = all && w->res[i].synced;
    pthread_mutex_unlock(&w->mu);
    return all;
}

void kube_watcher_stats(struct kube_watcher *w, struct kube_watch_stats *out) {
    pthread_mutex_lock(&w->mu);
    *out = w->stats;
    pthread_mutex_unlock(&w->mu);
}
