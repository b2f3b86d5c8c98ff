/* The watch stream decoder: 100,000 MODIFIED events of ~950-byte Pods (what a
 * 100,000-pod cluster sends when every pod changes once), fed in 16 KB
 * chunks, cut into events, and each parsed as the watcher parses it.
 * Prints events/s and MB/s for the cut alone and with the parse. Then the
 * store those pods go into (k8s/kstore): puts/s and bytes per pod, whole
 * and cut to what podpilot reads; gets/s; a mirror's sync, whole and of
 * 1 % changed; and which of 10,000 services' selectors select which pods. */
#include "k8s/pod_index.h"
#include "k8s/watch.h"

#include "bench/common.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EVENTS 100000
#define SERVICES 10000
#define CHUNK 16384

static size_t n_events;
static void count(void *ctx, const char *obj, size_t len) {
    (void)ctx, (void)obj, (void)len;
    n_events++;
}

static void parse(void *ctx, const char *obj, size_t len) {
    (void)ctx;
    cJSON *ev = cJSON_ParseWithLength(obj, len);
    n_events += ev != NULL;
    cJSON_Delete(ev);
}

static double run(const struct buf *stream, ndjson_fn fn) {
    struct ndjson nd = {0};
    n_events = 0;
    const double t0 = bench_wall();
    for (size_t off = 0; off < stream->len; off += CHUNK) {
        const size_t n = stream->len - off < CHUNK ? stream->len - off : CHUNK;
        if (!ndjson_feed(&nd, stream->p + off, n, 1u << 20, fn, NULL))
            return -1;
    }
    const double dt = bench_wall() - t0;
    ndjson_fini(&nd);
    return dt;
}

/* Event i: a MODIFIED ~950-byte Pod of a vLLM Deployment. */
static void event(struct buf *b, int i) {
    buf_printf(b,
               "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
               "\"metadata\":{\"name\":\"web-7d4b9c-%05d\",\"namespace\":\"ml\","
               "\"uid\":\"0b6f8b8e-4a5e-4d59-9b59-%012d\",\"resourceVersion\":\"%d\","
               "\"labels\":{\"app\":\"svc-%04d\",\"pod-template-hash\":\"7d4b9c\"},"
               "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
               "\"name\":\"web-7d4b9c\",\"uid\":\"5f0d7c1e-3d0c-4a43-a3f4-7f7d3d9c2a01\","
               "\"controller\":true}]},\"spec\":{\"containers\":[{\"name\":\"server\","
               "\"image\":\"vllm/vllm-openai:v0.6.3\",\"resources\":{\"requests\":{\"cpu\":"
               "\"4\",\"memory\":\"16Gi\",\"nvidia.com/gpu\":\"1\"},\"limits\":{\"nvidia.com/"
               "gpu\":\"1\"}},\"ports\":[{\"containerPort\":8000,\"protocol\":\"TCP\"}]}],"
               "\"nodeName\":\"gpu-node-%03d\"},\"status\":{\"phase\":\"Running\","
               "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
               "\"lastTransitionTime\":\"2026-12-01T10:00:%02dZ\"},{\"type\":"
               "\"ContainersReady\",\"status\":\"True\"}],\"podIP\":\"10.4.%d.%d\","
               "\"startTime\":\"2026-12-01T09:59:00Z\",\"containerStatuses\":[{\"name\":"
               "\"server\",\"ready\":true,\"restartCount\":0,\"started\":true}]}}}\n",
               i, i, 1000 + i, i / (EVENTS / SERVICES), i % 300, i % 60, i / 256 % 256, i % 256);
}

/* The pods of stream (its events' objects), parsed. */
static cJSON **pods_of(const struct buf *stream, size_t *n) {
    cJSON **out = xcalloc(EVENTS, sizeof(*out));
    *n = 0;
    for (const char *p = stream->p, *end = p + stream->len; p < end && *n < EVENTS;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        cJSON *ev = cJSON_ParseWithLength(p, (size_t)((nl ? nl : end) - p));
        out[(*n)++] = cJSON_DetachItemFromObjectCaseSensitive(ev, "object");
        cJSON_Delete(ev);
        p = nl ? nl + 1 : end;
    }
    return out;
}

/* Puts n pods (slim: cut first) into st; seconds, and bytes held per pod. */
static double fill(struct kstore *st, const struct buf *stream, bool slim, double *bytes) {
    size_t n;
    const size_t heap0 = mallinfo2().uordblks;
    cJSON **pods = pods_of(stream, &n);
    const double t0 = bench_wall();
    for (size_t i = 0; i < n; i++) {
        if (slim)
            kube_watch_slim_pod(pods[i]);
        char key[256];
        kstore_key(pods[i], i, key, sizeof(key));
        kstore_put(st, key, pods[i]);
    }
    const double dt = bench_wall() - t0;
    free(pods);
    *bytes = (double)(mallinfo2().uordblks - heap0) / (double)n;
    return dt;
}

static void store_bench(const struct buf *stream) {
    struct kstore whole = {0}, slim = {0};
    double whole_b, slim_b;
    const double tw = fill(&whole, stream, false, &whole_b);
    const double ts = fill(&slim, stream, true, &slim_b);
    printf("watch store: %zu pods\n", whole.n);
    printf("  put, whole pods:      %8.0f puts/s   %5.0f bytes/pod held\n", EVENTS / tw, whole_b);
    printf("  put, cut to use:      %8.0f puts/s   %5.0f bytes/pod held\n", EVENTS / ts, slim_b);
    char key[64];
    size_t found = 0;
    double t0 = bench_wall();
    for (int i = 0; i < EVENTS; i++) {
        snprintf(key, sizeof(key), "ml/web-7d4b9c-%05d", (i * 7919) % EVENTS);
        found += kstore_get(&slim, key) != NULL;
    }
    printf("  get:                  %8.0f gets/s   (%zu found)\n", EVENTS / (bench_wall() - t0),
           found);
    struct kstore mirror = {0};
    uint64_t seen = 0, gen = 0;
    t0 = bench_wall();
    kstore_sync(&slim, &mirror, &seen, &gen);
    const double full = bench_wall() - t0;
    for (int i = 0; i < EVENTS / 100; i++) { /* 1 % of the pods change */
        snprintf(key, sizeof(key), "ml/web-7d4b9c-%05d", i * 100);
        kstore_put(&slim, key, cJSON_Duplicate(kstore_get(&slim, key), true));
    }
    t0 = bench_wall();
    kstore_sync(&slim, &mirror, &seen, &gen);
    const double delta = bench_wall() - t0;
    printf("  mirror sync, whole:   %8.1f ms;  1 %% changed: %.2f ms (%.0fx less)\n", full * 1e3,
           delta * 1e3, full / delta);
    const cJSON **sels = xcalloc(SERVICES, sizeof(*sels));
    const char **nss = xcalloc(SERVICES, sizeof(*nss));
    cJSON *sel_objs = cJSON_CreateArray();
    for (int i = 0; i < SERVICES; i++) {
        char text[96];
        snprintf(text, sizeof(text), "{\"matchLabels\":{\"app\":\"svc-%04d\"}}", i);
        cJSON *o = cJSON_Parse(text);
        cJSON_AddItemToArray(sel_objs, o);
        sels[i] = o;
        nss[i] = "ml";
    }
    struct pod_index x = {0};
    t0 = bench_wall();
    pod_index_build(&x, &mirror, sels, nss, SERVICES);
    const double build = bench_wall() - t0;
    const size_t *at;
    size_t selected = 0;
    for (int i = 0; i < SERVICES; i++)
        selected += pod_index_get(&x, (size_t)i, &at);
    printf("  pod index, %d services: %.1f ms per rebuild (%zu pods selected)\n", SERVICES,
           build * 1e3, selected);
    pod_index_fini(&x);
    cJSON_Delete(sel_objs);
    free(sels);
    free(nss);
    kstore_fini(&mirror);
    kstore_fini(&whole);
    kstore_fini(&slim);
}

int main(void) {
    struct buf stream = {0};
    for (int i = 0; i < EVENTS; i++)
        event(&stream, i);
    const double mb = (double)stream.len / 1e6;
    const double cut = run(&stream, count);
    const size_t events = n_events;
    const double parsed = run(&stream, parse);
    printf("watch decoder: %d events, %.1f MB (%.0f bytes each), %d-byte chunks\n", EVENTS, mb,
           (double)stream.len / EVENTS, CHUNK);
    printf("  cut into events:      %8.0f events/s  %7.1f MB/s  (%zu events)\n", events / cut,
           mb / cut, events);
    printf("  cut and parsed:       %8.0f events/s  %7.1f MB/s  (%zu events)\n", n_events / parsed,
           mb / parsed, n_events);
    const bool ok = events == EVENTS && n_events == EVENTS;
    store_bench(&stream);
    buf_free(&stream);
    return ok ? 0 : 1;
}
