/* k8s/source_kube's state, shared by its files: source_kube.c observes
 * the cluster, source_kube_act.c does what the operator asks of it (load
 * tests, and in active mode the writes). */
#ifndef PODPILOT_SOURCE_KUBE_INTERNAL_H
#define PODPILOT_SOURCE_KUBE_INTERNAL_H

#include "k8s/source_kube.h"

#include "engine/keda.h"
#include "k8s/kstore.h"
#include "k8s/pod_index.h"

struct lg_job;
struct steer;

#define MAX_PODS 1024

/* One service's observation scratch: grown, never per tick. */
struct kscratch {
    struct hpa_pod pods[MAX_PODS];
    char names[MAX_PODS][64];
    struct hpa_container containers[MAX_PODS][POD_MAX_CONTAINERS];
    int64_t vals[HPA_MAX_METRICS][MAX_PODS];
    bool present[HPA_MAX_METRICS][MAX_PODS];
    struct hpa_metric_obs metrics[HPA_MAX_METRICS];
    char errors[HPA_MAX_METRICS][200];
    double keda[KEDA_MAX_TRIGGERS];
};

struct kube_source {
    struct source base;
    const struct svc_set *set;
    struct kube_watcher *w;
    struct source_kube_index idx;
    /* this thread's mirrors of the watcher's stores, synced at begin */
    struct kstore deployments, hpas, pods, metrics, pas;
    struct kube_watcher_seen seen[5];
    /* per service, into the mirrors, resolved when they change: the
     * Deployment (a KPA's through its newest PodAutoscaler), its selector,
     * the PodAutoscaler; and which pods each selects */
    const cJSON **deps, **sels, **pa_of;
    const char **nss;
    size_t *by_name; /* services sorted by namespace/name */
    struct pod_index index;
    struct stat_scraper *stats;
    struct gpu_poll *gpu;
    struct gpu_view gpu_view;
    struct scraper *ex; /* --exporter: per service, the last round taken and when */
    const struct scrape_spec *ex_specs;
    struct scrape_round *ex_rounds;
    pp_time *ex_at, now;
    uint64_t *ex_seq;
    /* load tests the operator started: real HTTP, on threads of their own */
    struct kube_load {
        struct svc_load spec;
        struct lg_job *job;
        pp_time started;
    } * loads;
    size_t n_loads, cap_loads;
    struct stat_round *rounds; /* per service: the last round taken, and when */
    pp_time *round_at;
    struct kscratch *scratch;
    /* the custom and external metrics: copies and errors, per path */
    const struct source_kube_metrics *cm;
    cJSON **cm_items;
    uint64_t *cm_versions;
    char (*cm_errors)[400]; /* "" when the last poll answered */
    struct steer *steer;    /* active mode: the writer; NULL in shadow mode */
    struct source_ops ops;  /* shadow mode's, with active mode's writes when steer */
};

void source_kube_load_start(void *src, size_t svc, const struct command *cmd, pp_time now);
int source_kube_load_stop(void *src, size_t svc, pp_time now);
void source_kube_loads(void *src, int32_t *running, source_load_done_fn done, void *ctx);
enum pp_status source_kube_steer_check(void *src, size_t svc, const struct command *cmd,
                                       struct pp_error *err);
void source_kube_steer(void *src, size_t svc, const struct command *cmd, int32_t current,
                       pp_time now);
void source_kube_steered(void *src, source_steered_fn done, void *ctx);

#endif
