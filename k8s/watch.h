/* Keeping a copy of the cluster's objects current, as client-go's
 * reflector does: list (paged), then watch from the list's
 * resourceVersion; events applied as they arrive whatever the chunking;
 * bookmarks move the version; a 410 (an ERROR event in the stream, or the
 * status) relists; a stream that ends re-watches; errors back off
 * (0.8 s doubling to 30 s). Every resource on one libcurl multi, on one
 * I/O thread; readers take copies under a lock. */
#ifndef PODPILOT_WATCH_H
#define PODPILOT_WATCH_H

#include "engine/buf.h"
#include "k8s/kstore.h"
#include "k8s/kube_client.h"

/* ---- a watch stream into events ---- */

/* Cuts complete top-level JSON objects out of bytes that arrive in any
 * chunks (a chunk may hold half an event or several), strings respected. */
struct ndjson {
    struct buf pending;
    size_t scan; /* bytes of pending already scanned */
    int depth;
    bool in_string, escape;
};
typedef void (*ndjson_fn)(void *ctx, const char *obj, size_t len);
/* False when an object grows past max_bytes or the stream is not JSON
 * objects: the stream cannot be trusted further. */
bool ndjson_feed(struct ndjson *s, const char *p, size_t n, size_t max_bytes, ndjson_fn fn,
                 void *ctx);
void ndjson_reset(struct ndjson *s);
void ndjson_fini(struct ndjson *s);

/* ---- the watcher ---- */

struct kube_watcher;

struct kube_watch_stats {
    uint64_t lists, events, bookmarks, relists, rewatches, errors;
    char last_error[512];
};

/* Starts watching each list path (e.g. /apis/apps/v1/namespaces/ml/deployments)
 * with k, which the watcher's thread then uses alone until it stops.
 * timeout_s: the timeoutSeconds asked of each watch (client-go: 300-600).
 * poll_s (NULL: none): path i with poll_s[i] > 0 is listed again that often
 * instead of watched (what cannot be watched: metrics.k8s.io); a path
 * with a query (a custom metric's selectors) is polled as it is, unpaged. */
struct kube_watcher *kube_watcher_start(struct kube_client *k, const char *const *paths,
                                        const int *poll_s, size_t n, int timeout_s,
                                        struct pp_error *err);
/* A copy of resource i's objects (a cJSON array the caller deletes). */
struct cJSON *kube_watcher_copy(struct kube_watcher *w, size_t i, uint64_t *version);
void kube_watcher_stop(struct kube_watcher *w);

/* Where a mirror of a resource stands (kube_watcher_sync). */
struct kube_watcher_seen {
    uint64_t clock, generation;
};
/* Brings mirror (a store of the caller's own) up to resource i's objects,
 * copying only those that changed since seen (all of them the first time
 * and after a relist). Returns kstore_sync's enum kstore_change bits. A Pod store
 * (a path ending in /api/v1/.../pods) holds each pod cut to what podpilot
 * reads (kube_watch_slim_pod). */
unsigned kube_watcher_sync(struct kube_watcher *w, size_t i, struct kstore *mirror,
                           struct kube_watcher_seen *seen);

/* pod cut to what podpilot reads (k8s/source_kube): its name, namespace,
 * labels and deletion; its containers' names, cpu and memory requests and
 * restart policy; its phase, Ready condition and start time.
 * A 100,000-pod cluster's store is then a fraction of what the API sends. */
void kube_watch_slim_pod(cJSON *pod);

/* Resource i as a `kind: List` JSON text (malloc'd), items with their
 * kind and apiVersion; *version counts its changes, *synced says the
 * first list has arrived. NULL before anything arrived. */
char *kube_watcher_list(struct kube_watcher *w, size_t i, uint64_t *version, bool *synced);
/* Resource i's change count and how many objects it holds, cheaply. */
uint64_t kube_watcher_version(struct kube_watcher *w, size_t i, size_t *count);
/* A polled resource whose last poll failed: true, and the API's message
 * (its Status's, else the client's) in buf; the store is then empty. */
bool kube_watcher_error(struct kube_watcher *w, size_t i, char *buf, size_t size);
/* Whether every resource has listed once (a resource the cluster does not
 * serve counts as listed, empty). */
bool kube_watcher_synced(struct kube_watcher *w);
void kube_watcher_stats(struct kube_watcher *w, struct kube_watch_stats *out);

#endif
