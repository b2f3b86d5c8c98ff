/* The watch stream decoder: 100,000 MODIFIED events of ~950-byte Pods (what a
 * 100,000-pod cluster sends when every pod changes once), fed in 16 KB
 * chunks, cut into events, and each parsed as the watcher parses it.
 * Prints events/s and MB/s for the cut alone and with the parse. */
#include "k8s/watch.h"

#include "bench/common.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define EVENTS 100000
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

int main(void) {
    struct buf stream = {0};
    for (int i = 0; i < EVENTS; i++)
        buf_printf(&stream,
                   "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
                   "\"metadata\":{\"name\":\"web-7d4b9c-%05d\",\"namespace\":\"ml\","
                   "\"uid\":\"0b6f8b8e-4a5e-4d59-9b59-%012d\",\"resourceVersion\":\"%d\","
                   "\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"7d4b9c\"},"
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
                   i, i, 1000 + i, i % 300, i % 60, i / 256 % 256, i % 256);
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
    buf_free(&stream);
    return events == EVENTS && n_events == EVENTS ? 0 : 1;
}
