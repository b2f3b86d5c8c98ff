/* A live cluster as a source, in shadow mode: what the watched objects say
 * of each service's pods and metrics, handed to podpilot's scalers, and
 * what the cluster's own autoscaler decided beside it. Nothing is written
 * to the cluster (scale is NULL). */
#ifndef PODPILOT_SOURCE_KUBE_H
#define PODPILOT_SOURCE_KUBE_H

#include "engine/source.h"
#include "k8s/stat_scrape.h"
#include "k8s/watch.h"
#include "metrics/gpu_poll.h"
#include "metrics/scrape.h"

/* Which of the watcher's resources hold what. */
struct source_kube_index {
    size_t deployments, hpas, pods, pod_metrics, podautoscalers;
};

/* What the HPAs read from the custom and external metrics APIs
 * (k8s/custom_metrics): path i is the query of metric metric[i] of set's
 * service svc[i] (svc ascending), polled by w every 15 s as the controller
 * reads it. */
struct source_kube_metrics {
    struct kube_watcher *w; /* NULL: none to poll */
    size_t n;
    char **paths;
    size_t *svc, *metric;
};

/* The paths set's HPA services need, from the HPAs and Deployments of w. */
void source_kube_metric_paths(const struct svc_set *set, struct kube_watcher *w,
                              const struct source_kube_index *idx, struct source_kube_metrics *out);
void source_kube_metrics_fini(struct source_kube_metrics *m);

/* What shadow mode reads besides the watched objects; each may be NULL and
 * must outlive the source. */
struct source_kube_feeds {
    const struct source_kube_metrics *metrics; /* the custom and external metrics */
    struct stat_scraper *stats; /* KPA: ready pods planned (a slot per service), rounds taken */
    struct gpu_poll *gpu;       /* a GPU service's pods' utilization, from Prometheus */
    /* --exporter: the services' own exporters, scraped as specs[svc] says */
    struct scraper *exporters;
    const struct scrape_spec *exporter_specs;
    /* --act: overrides written to the cluster through it (k8s/steer); NULL:
     * shadow mode, every override refused */
    struct steer *steer;
};

/* The objects are copied from w (and the metrics from metrics->w) at each
 * tick's begin when they changed: the engine thread reads only its copies. */
struct source *source_kube_create(const struct svc_set *set, struct kube_watcher *w,
                                  const struct source_kube_index *idx,
                                  const struct source_kube_feeds *feeds, struct pp_error *err);

/* An RFC 3339 time ("2026-12-01T10:00:00Z", fractions and offsets too) as
 * engine time; false when it is not one. */
bool source_kube_time(const char *s, pp_time *out);

#endif
