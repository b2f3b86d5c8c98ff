/* Each pod's GPU utilization as dcgm-exporter reports it, polled from
 * Prometheus (DCGM_FI_PROF_SM_ACTIVE in percent where the exporter has it,
 * else DCGM_FI_DEV_GPU_UTIL; a pod's GPUs averaged; the exporter's
 * pod and namespace labels read from exported_pod and exported_namespace
 * where Prometheus renamed them), on a thread of its own; the engine
 * thread takes a sorted copy when a poll has changed it. */
#ifndef PODPILOT_GPU_POLL_H
#define PODPILOT_GPU_POLL_H

#include "metrics/promapi.h"

#define GPU_POLL_QUERY "DCGM_FI_PROF_SM_ACTIVE * 100 or DCGM_FI_DEV_GPU_UTIL"

struct gpu_poll;

/* Polls every every_s seconds through a client made from o; NULL, with
 * why, when Prometheus does not answer its buildinfo at start. A poll that
 * fails leaves no figures until one answers. */
struct gpu_poll *gpu_poll_start(const struct promapi_options *o, int every_s, struct pp_error *err);
void gpu_poll_stop(struct gpu_poll *g);

/* One pod's figure. */
struct gpu_pod {
    char key[320]; /* "namespace/pod" */
    double util;   /* percent */
};

/* The engine thread's copy of the last poll. */
struct gpu_view {
    struct gpu_pod *pods;
    size_t n, cap;
    uint64_t version;
};

/* Brings v up to the last poll (copied only when it changed). */
void gpu_poll_take(struct gpu_poll *g, struct gpu_view *v);
/* Pod ns/name's utilization in v: true and *out. */
bool gpu_view_get(const struct gpu_view *v, const char *ns, const char *pod, double *out);
void gpu_view_fini(struct gpu_view *v);

/* A poll's answer into pods, sorted by key: what gpu_poll does with each
 * answer (for tests). Returns how many pods. */
size_t gpu_poll_pods(const struct promapi_result *r, struct gpu_pod **pods, size_t *cap);

#endif
